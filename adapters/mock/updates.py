"""Per-bot update queues: monotonic ids, ack by offset, 24 h retention, replay, and long polls.

An :class:`UpdateRecord` is a messenger-neutral event ("new", "edited", "deleted", "callback",
"raw") with snapshots of the chat and message at the moment it happened; each messenger's app
renders it (Telegram-style ``message``/``channel_post``/…, Rubika ``NewMessage``/…).

Acknowledgement is by position: Telegram-style apps call :meth:`UpdateQueue.confirm_below` with
``offset``; Rubika's app can compare its cursors (see :func:`adapters.mock.ids.object_id` over
``(t, seq)``) through :meth:`UpdateQueue.confirm_where` / :meth:`UpdateQueue.select`. Confirmed
updates are kept for a while only so that the ``replay`` fault can hand them out again.

Long polls: a poll takes a :class:`PollTicket` (:meth:`UpdateQueue.begin_poll`); taking one
terminates the ticket in flight (Telegram's 409 "terminated by other getUpdates request" goes to
the *older* call). A push wakes the waiting ticket within the event loop's next turn, from any
thread: each ticket remembers its loop and is woken with ``call_soon_threadsafe`` when the push
comes from another thread (the demo's simulated users, a sync test).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.mock.clock import MockClock
from adapters.mock.model import MockChat, MockMessage

RETENTION_S = 24 * 3600.0
"""Unconfirmed updates older than this (mock time) are dropped (Telegram, Bale)."""
RESEED_AFTER_S = 7 * 24 * 3600.0
"""After this long without updates Telegram picks the next update id at random, not +1."""
REPLAY_KEEP = 200
"""How many confirmed updates are remembered for the ``replay`` fault."""


@dataclass(frozen=True, slots=True)
class UpdateRecord:
    """One queued event. ``seq`` is the Telegram-style ``update_id``; ``t`` its mock time."""

    seq: int
    t: float
    kind: str  # "new" | "edited" | "deleted" | "callback" | "raw"
    chat: MockChat | None = None
    message: MockMessage | None = None
    data: dict[str, Any] = field(default_factory=dict)


class PollTicket:
    """One in-flight poll. ``terminated`` is set when a newer poll took over."""

    __slots__ = ("_event", "_loop", "_thread", "closed", "terminated")

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._event = asyncio.Event()
        self.terminated = False
        self.closed = False  # the client went away (the app saw http.disconnect)

    def wake(self) -> None:
        """Wake the waiting poll; safe from any thread."""
        if threading.get_ident() == self._thread:
            self._event.set()
        else:
            # A closed loop raises RuntimeError: nobody is waiting there any more.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._event.set)

    def close(self) -> None:
        """Mark the poll's client gone and wake it (call from the ticket's own loop)."""
        self.closed = True
        self._event.set()

    async def wait(self, seconds: float) -> None:
        """Sleep until woken or ``seconds`` pass; then re-arm."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)
        self._event.clear()


class UpdateQueue:
    """The updates waiting for one bot. All methods are thread-safe."""

    def __init__(
        self,
        clock: MockClock,
        rng: random.Random,
        *,
        first_seq: int = 1,
        retention_s: float = RETENTION_S,
        reseed_after_s: float | None = RESEED_AFTER_S,
    ) -> None:
        self._clock = clock
        self._rng = rng
        self._lock = threading.Lock()
        self._pending: deque[UpdateRecord] = deque()
        self._confirmed: deque[UpdateRecord] = deque(maxlen=REPLAY_KEEP)
        self._next_seq = first_seq
        self._last_t: float | None = None
        self._poll: PollTicket | None = None
        self.retention_s = retention_s
        self.reseed_after_s = reseed_after_s

    # --- producing ---------------------------------------------------------------------------

    def push(
        self,
        kind: str,
        *,
        chat: MockChat | None = None,
        message: MockMessage | None = None,
        data: dict[str, Any] | None = None,
    ) -> UpdateRecord:
        """Queue an event (snapshots are the caller's job) and wake the waiting poll."""
        with self._lock:
            now = self._clock.now()
            self._prune(now)
            idle = self._last_t is not None and now - self._last_t
            if self.reseed_after_s is not None and idle and idle >= self.reseed_after_s:
                self._next_seq += self._rng.randrange(10**5, 10**7)
            record = UpdateRecord(self._next_seq, now, kind, chat, message, dict(data or {}))
            self._next_seq += 1
            self._last_t = now
            self._pending.append(record)
            poll = self._poll
        if poll is not None:
            poll.wake()
        return record

    # --- acknowledging -----------------------------------------------------------------------

    def confirm_below(self, seq: int) -> None:
        """Telegram's ``offset``: every update with ``update_id < seq`` is confirmed."""
        with self._lock:  # pending is in seq order: confirm from the front
            while self._pending and self._pending[0].seq < seq:
                self._confirmed.append(self._pending.popleft())

    def keep_last(self, n: int) -> None:
        """Telegram's negative ``offset``: forget all but the last ``n`` updates."""
        with self._lock:
            while len(self._pending) > max(0, n):
                self._confirmed.append(self._pending.popleft())

    def confirm_where(self, confirmed: Callable[[UpdateRecord], bool]) -> None:
        """Confirm every pending update for which ``confirmed(record)`` is true."""
        with self._lock:
            keep: deque[UpdateRecord] = deque()
            for record in self._pending:
                (self._confirmed if confirmed(record) else keep).append(record)
            self._pending = keep

    def clear(self) -> None:
        """Drop everything pending (``deleteWebhook(drop_pending_updates=true)``)."""
        with self._lock:
            self._pending.clear()

    # --- reading -----------------------------------------------------------------------------

    def select(
        self,
        limit: int,
        *,
        where: Callable[[UpdateRecord], bool] | None = None,
        replay: bool = False,
    ) -> list[UpdateRecord]:
        """Up to ``limit`` pending updates in order.

        ``replay`` (the fault): up to half of ``limit`` of the most recently confirmed updates
        come first, then pending ones fill the rest, so ids still ascend.
        """
        with self._lock:
            self._prune(self._clock.now())
            out: list[UpdateRecord] = []
            if replay and self._confirmed:
                out.extend(list(self._confirmed)[-max(1, limit // 2) :])
            for record in self._pending:
                if len(out) >= limit:
                    break
                if where is None or where(record):
                    out.append(record)
            return out

    def pending_count(self) -> int:
        """How many updates wait unconfirmed (getWebhookInfo)."""
        with self._lock:
            self._prune(self._clock.now())
            return len(self._pending)

    @property
    def last_seq(self) -> int:
        """The id the last pushed update got (``first_seq - 1`` before any)."""
        return self._next_seq - 1

    def _prune(self, now: float) -> None:
        horizon = now - self.retention_s
        while self._pending and self._pending[0].t < horizon:
            self._pending.popleft()
        while self._confirmed and self._confirmed[0].t < horizon:
            self._confirmed.popleft()

    # --- long polls --------------------------------------------------------------------------

    def begin_poll(self) -> PollTicket:
        """Register a new poll; the one in flight (if any) is terminated and woken."""
        ticket = PollTicket()
        with self._lock:
            older, self._poll = self._poll, ticket
        if older is not None:
            older.terminated = True
            older.wake()
        return ticket

    def end_poll(self, ticket: PollTicket) -> None:
        """Unregister ``ticket`` (a newer poll that replaced it stays registered)."""
        with self._lock:
            if self._poll is ticket:
                self._poll = None

    async def wait_for_updates(
        self,
        ticket: PollTicket,
        wait_s: float,
        limit: int,
        *,
        where: Callable[[UpdateRecord], bool] | None = None,
        replay: bool = False,
    ) -> list[UpdateRecord] | None:
        """Pending updates, waiting up to ``wait_s`` seconds for the first; None if terminated."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, wait_s)
        while True:
            if ticket.terminated:
                return None
            found = self.select(limit, where=where, replay=replay)
            remaining = deadline - loop.time()
            if found or remaining <= 0 or ticket.closed:
                return found
            await ticket.wait(remaining)
