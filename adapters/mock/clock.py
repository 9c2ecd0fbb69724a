"""The mock clock: real time plus a test-controlled advance.

One clock drives everything time-dependent in a mock world: message dates, the 24 h update
retention, Rubika's time-prefixed cursors and the rate limiter's windows. It follows the real
clock (so long polls and retry_after waits behave as on a real server) and can be moved forward
by the control API (``POST /<m>/__mock__/clock``) to make a day pass in a test.

It is built on ``time.monotonic`` anchored once to ``time.time``, so it never runs backwards
when the system clock is adjusted, and it is safe to read from any thread.
"""

from __future__ import annotations

import threading
import time
from email.utils import formatdate


class MockClock:
    """Seconds since the epoch (float), real time + the sum of all advances."""

    def __init__(self, start: float | None = None) -> None:
        """``start``: the epoch time the clock reads now (default: the real time)."""
        self._epoch0 = time.time() if start is None else start
        self._mono0 = time.monotonic()
        self._advance = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current mock time in epoch seconds."""
        return self._epoch0 + (time.monotonic() - self._mono0) + self._advance

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (must be >= 0); returns the new time."""
        if seconds < 0:
            raise ValueError("the mock clock only moves forward")
        with self._lock:
            self._advance += seconds
        return self.now()

    @property
    def advanced(self) -> float:
        """The total advance applied so far, in seconds."""
        return self._advance

    def http_date(self) -> str:
        """The current mock time as an RFC 9110 ``Date`` header value (Rubika's time probe)."""
        return formatdate(self.now(), usegmt=True)
