"""Handing files and links to the system opener (``xdg-open``, ``open``, ``os.startfile``):
an argv run without a shell, never a command line built from outside text."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tui.notify import run_command


def link_argv(url: str) -> tuple[str, ...] | None:
    """The argv that opens ``url`` (already checked by the view); None on Windows, where
    ``os.startfile`` does it."""
    if sys.platform == "darwin":
        return ("open", url)
    if sys.platform.startswith("win"):
        return None
    return ("xdg-open", url)


async def open_external(argv: tuple[str, ...] | None, what: Path | str) -> str | None:
    """Run ``argv`` (or ``os.startfile(what)`` when it is None); the reason it failed, or None
    when it worked."""
    try:
        if argv is None:
            await asyncio.to_thread(os.startfile, str(what))  # type: ignore[attr-defined]
            return None
        code = await run_command(argv)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return f"exit {code}" if code else None


__all__ = ["link_argv", "open_external"]
