"""A paint-timing probe for the benchmarks (``bench/bench_tui.py``), off unless
``PAYAM_PAINT_PROBE`` names a file.

When it is set, :class:`tui.app.PayamApp` calls :func:`install` as it is built, and the app
appends one line per event to that file (line-buffered, so a benchmark can follow it live)::

    <monotonic seconds> key <key name>              # when the terminal's bytes became the key
    <monotonic seconds> frame <Screen class> <n>    # a frame written to the terminal

``key`` lines carry the key event's own timestamp (Textual stamps an event when its driver
parses the input), ``frame`` lines the time the frame was handed to the driver, and ``n`` is the
number of messages the conversation on screen has loaded (0 elsewhere). ``time.monotonic`` is
system-wide on Linux, so the benchmark can compare these with its own clock. Nothing here runs
in the normal path: without the variable, nothing is wrapped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, TextIO

from textual import events

if TYPE_CHECKING:
    from textual.app import App

PROBE_ENV: Final = "PAYAM_PAINT_PROBE"


def wanted(env: dict[str, str] | None = None) -> str | None:
    """The probe's log file when the benchmark asked for one."""
    return (os.environ if env is None else env).get(PROBE_ENV) or None


def _loaded(app: App[Any]) -> int:
    """Messages loaded by the conversation on screen (0 when none is)."""
    view = getattr(app.screen, "view", None)
    window = getattr(view, "window", None)
    return len(getattr(window, "messages", ()))


def install(app: App[Any], path: str) -> TextIO:
    """Wrap ``app``'s frame output and event dispatch to log timings to ``path``."""
    log = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (lives with the app)
    display: Callable[[Any, Any], None] = app._display
    on_event: Callable[[events.Event], Awaitable[None]] = app.on_event

    def logged_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None and not app._batch_count:
            name = type(app.screen).__name__
            log.write(f"{time.monotonic():.6f} frame {name} {_loaded(app)}\n")

    async def logged_event(event: events.Event) -> None:
        if isinstance(event, events.Key):
            log.write(f"{event.time:.6f} key {event.key}\n")
        await on_event(event)

    setattr(app, "_display", logged_display)  # noqa: B010 (instance attributes on purpose)
    setattr(app, "on_event", logged_event)  # noqa: B010
    log.write(f"{time.monotonic():.6f} start {os.getpid()} 0\n")
    return log


__all__ = ["PROBE_ENV", "install", "wanted"]
