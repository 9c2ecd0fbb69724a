"""Time for the engine, injectable so tests never wait on the wall clock.

Every loop in the engine asks a :class:`Clock` for the time and sleeps through it. Production
code uses :class:`SystemClock`; tests use :class:`tui.engine.testing.FakeClock`, whose ``sleep``
advances its own time at once and records what was asked (so "waited exactly ``retry_after``"
is an equality, not a timing).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Wall time (for what is stored), monotonic time (for pacing) and sleeping."""

    def now(self) -> datetime:
        """Timezone-aware UTC wall time."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (pacing, backoff)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (cancellable)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Timezone-aware UTC wall time."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep``; negative values sleep 0."""
        await asyncio.sleep(max(0.0, seconds))


def to_ms(when: datetime) -> int:
    """Milliseconds since the epoch (UTC) for an aware datetime: how every time is stored."""
    if when.tzinfo is None:
        raise ValueError("naive datetime: the engine stores only UTC-aware times")
    return int(when.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """The inverse of :func:`to_ms`."""
    return datetime.fromtimestamp(ms / 1000, UTC)
