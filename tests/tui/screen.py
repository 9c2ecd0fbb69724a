"""Reading what a test app shows: the rows of the screen as text."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot


def screen_rows(app: App[object]) -> list[str]:
    """Every row of the current screen as plain text (what the terminal would show)."""
    # The compositor is private, but it is exactly what Textual sends to the terminal.
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def settle(pilot: Pilot[object]) -> None:
    """Let mounts, workers and the refresh after them finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
