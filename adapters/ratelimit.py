"""CONTRACTS §4 in code: one rate table, read by capabilities, the outbox's pacing and the mocks.

Only message-producing requests count (send message, send file, forward, copy). Each chat has a
token bucket with the sustained rate of its kind and bursts of up to ``burst``; the bot as a whole
has one more bucket for the overall rate. The mock answers 429 when :meth:`RateLimiter.check`
says wait; the outbox paces itself with the same class (and a safety margin) so that a steady
burst of sends never meets a 429.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Sustained rates in messages per second (None: no limit for that kind)."""

    private_per_s: float | None = 1.0
    group_per_s: float | None = 20 / 60
    overall_per_s: float | None = 30.0
    burst: int = 10
    overall_burst: int = 30

    def scaled(self, scale: float) -> RateLimits:
        """Every window shortened by ``scale`` (0.1 → ten times the rate). For tests only."""
        if scale <= 0:
            raise ValueError("scale must be positive")

        def f(rate: float | None) -> float | None:
            return None if rate is None else rate / scale

        return replace(
            self,
            private_per_s=f(self.private_per_s),
            group_per_s=f(self.group_per_s),
            overall_per_s=f(self.overall_per_s),
        )


TELEGRAM = RateLimits()
BALE = RateLimits()
SPLUS = RateLimits()
RUBIKA = RateLimits()
EITAA = RateLimits(private_per_s=None)


class TokenBucket:
    """A token bucket on an externally supplied clock (seconds, monotonic or mock time)."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.stamp = now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self, now: float, n: float = 1.0) -> float:
        """Seconds until ``n`` tokens are available (0.0 when they are now)."""
        self._refill(now)
        missing = n - self.tokens
        return 0.0 if missing <= 1e-9 else missing / self.rate

    def take(self, now: float, n: float = 1.0) -> None:
        self._refill(now)
        self.tokens -= n


class RateLimiter:
    """All buckets of one bot: one per chat and one overall."""

    def __init__(self, limits: RateLimits, margin: float = 1.0) -> None:
        """``margin`` < 1 paces below the table (a client keeping clear of the server's edge)."""
        self.limits = limits
        self.margin = margin
        self._chats: dict[str, TokenBucket] = {}
        self._overall: TokenBucket | None = None

    def _buckets(self, chat_id: str, group: bool, now: float) -> list[TokenBucket]:
        out: list[TokenBucket] = []
        lim = self.limits
        rate = lim.group_per_s if group else lim.private_per_s
        if rate is not None:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                bucket = self._chats[chat_id] = TokenBucket(rate * self.margin, lim.burst, now)
            out.append(bucket)
        if lim.overall_per_s is not None:
            if self._overall is None:
                self._overall = TokenBucket(lim.overall_per_s * self.margin, lim.overall_burst, now)
            out.append(self._overall)
        return out

    def check(self, chat_id: str, group: bool, now: float) -> float:
        """0.0 and one token taken from each bucket, or the seconds to wait (nothing taken)."""
        buckets = self._buckets(chat_id, group, now)
        delay = max((b.wait(now) for b in buckets), default=0.0)
        if delay > 0:
            return delay
        for b in buckets:
            b.take(now)
        return 0.0

    def reset(self) -> None:
        self._chats.clear()
        self._overall = None


def retry_after_header(delay: float) -> int:
    """Whole seconds for a ``retry_after`` field: never 0 for a real wait (clients sleep it)."""
    return max(1, math.ceil(delay))
