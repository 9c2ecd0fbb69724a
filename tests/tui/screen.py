"""Reading what a test app shows: the rows of the screen as text."""

from __future__ import annotations

from collections.abc import Callable

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


async def until_shown(pilot: Pilot[object], done: Callable[[], bool], *, tries: int = 200) -> None:
    """Pause until ``done()`` holds (a hang guard, not a timing: a loaded machine needs more
    event-loop turns than an idle one for a click to be handled and the screen redrawn)."""
    for _ in range(tries):
        if done():
            return
        await pilot.pause(0.02)
    assert done(), "the screen never reached the expected state:\n" + "\n".join(
        screen_rows(pilot.app)
    )
