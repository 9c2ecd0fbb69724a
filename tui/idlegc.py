"""Keep CPython's full garbage collections cheap while keys arrive.

The oldest generation's collection scans every tracked object that is not frozen. Start-up
freezes what it made (:meth:`tui.app_chores.AppChores.after_first_paint`), but what the app
builds afterwards (the inbox's entries, layout caches, a big chat's loaded window) is tracked,
and a full collection over it took 30–40 ms: about one page key in ten paid for it (the
PageUp/PageDown budget is 16 ms). So when the user has been still for a moment,
:class:`IdleCollector` collects everything (unfreezing first, so nothing frozen earlier that has
since become garbage is kept) and freezes what survives: the automatic collections that run
while keys arrive then scan only what was made since. Automatic collection stays on; only the
oldest generation's threshold is raised (:func:`defer_full_collections`): with keys arriving
every few tens of milliseconds the user is never still for long, and the automatic full
collections (6–15 ms each even so) still landed in page keys' frames. Young garbage is freed as
promptly as before; the rest waits for the next still moment.
"""

from __future__ import annotations

import gc
import time
from typing import Final

QUIET_S: Final = 0.25
"""How long after the last input event the user counts as idle."""
EVERY_S: Final = 3.0
"""At most one idle collection this often (a full one costs tens of ms of CPU)."""
OLDEST_THRESHOLD: Final = 30
"""Younger collections between automatic full ones (CPython's default is 10)."""


def defer_full_collections() -> None:
    """Let automatic full collections come three times more rarely (the idle ones do the rest)."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, OLDEST_THRESHOLD)


class IdleCollector:
    """Collect and re-freeze when the user is idle and the heap has grown since last time."""

    def __init__(self) -> None:
        self._last_input = time.monotonic()
        self._last_run = 0.0
        self.collections = 0
        """Idle collections run so far (for tests)."""

    def saw_input(self) -> None:
        """A key, a click or a scroll arrived."""
        self._last_input = time.monotonic()

    def tick(self) -> bool:
        """Collect and freeze if the user is idle and younger collections have run since the
        last time; True when it did."""
        now = time.monotonic()
        _, gen0_runs, gen1_runs = gc.get_count()  # collections since the older one last ran
        if not gc.isenabled() or (gen1_runs == 0 and gen0_runs < 5):
            return False
        if now - self._last_input < QUIET_S or now - self._last_run < EVERY_S:
            return False
        self._last_run = now
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.collections += 1
        return True


__all__ = ["EVERY_S", "OLDEST_THRESHOLD", "QUIET_S", "IdleCollector", "defer_full_collections"]
