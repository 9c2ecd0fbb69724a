"""Fault injection and the request log (CONTRACTS §2).

A :class:`FaultPlan` decides, per bot-API request, whether a fault hits it and which: with
probability ``rate``, one of the configured ``kinds`` that applies to the request (``replay``
only to polls, ``ambiguous_send`` only to side-effecting requests; the others to any request).
A seeded RNG makes a run reproducible for a given request sequence.

What each kind does on the wire is carried out by :mod:`adapters.mock.pipeline`; the shape of a
messenger's own error bodies (429, 500) comes from that messenger's app.

The :class:`RequestLog` records every bot-API request (never the control API): arrival time on
the mock clock, HTTP and API method, the chat id when the request named one, the final status
(None when no response was sent: reset, hang, ambiguous_send), the fault, and the
``retry_after`` a rate-limit answer carried (injected or from the rate table; absent when the
messenger gives no hint). Tests read it through ``GET /<m>/__mock__/requests`` to prove, e.g.,
that no request came before a ``retry_after`` elapsed.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FAULT_KINDS: tuple[str, ...] = (
    "429",
    "500",
    "502",
    "reset",
    "hang",
    "truncate",
    "replay",
    "ambiguous_send",
)
UNPROCESSED = frozenset({"429", "500", "502", "reset", "hang"})
"""Kinds whose request never reaches the handler."""


class FaultPlan:
    """The active fault configuration of one messenger world. Thread-safe."""

    def __init__(
        self, seed: int, rate: float, kinds: Iterable[str | int], hang_s: float = 30.0
    ) -> None:
        chosen = tuple(str(k) for k in kinds)
        unknown = [k for k in chosen if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s) {unknown}; known: {list(FAULT_KINDS)}")
        if not chosen:
            raise ValueError("kinds must name at least one fault")
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within 0..1")
        if hang_s < 0:
            raise ValueError("hang_s must be >= 0")
        self.seed = seed
        self.rate = rate
        self.kinds = chosen
        self.hang_s = hang_s
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self, *, poll: bool, effect: bool) -> str | None:
        """The fault for one request, or None. ``poll``: a getUpdates; ``effect``: it changes
        something on the server (send, edit, delete, upload)."""
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            usable = [
                k
                for k in self.kinds
                if (k != "replay" or poll) and (k != "ambiguous_send" or effect)
            ]
            return self._rng.choice(usable) if usable else None

    def retry_after(self) -> int:
        """A Telegram-style ``retry_after`` for an injected 429: 1–3 s."""
        with self._lock:
            return self._rng.randint(1, 3)

    def describe(self) -> dict[str, Any]:
        """The plan as the control API shows it."""
        return {
            "seed": self.seed,
            "rate": self.rate,
            "kinds": list(self.kinds),
            "hang_s": self.hang_s,
        }


@dataclass
class LoggedRequest:
    """One bot-API request. ``status`` is filled in when the answer goes out."""

    t: float
    http_method: str
    api_method: str
    token: str | None
    chat_id: int | str | None = None
    status: int | None = None
    fault: str | None = None
    retry_after: float | None = None  # the hint a rate-limit answer carried, if any

    def to_json(self) -> dict[str, Any]:
        """The entry as ``GET requests`` answers it."""
        out: dict[str, Any] = {
            "t": self.t,
            "http_method": self.http_method,
            "api_method": self.api_method,
        }
        if self.chat_id is not None:
            out["chat_id"] = self.chat_id
        out["status"] = self.status
        if self.fault is not None:
            out["fault"] = self.fault
        if self.retry_after is not None:
            out["retry_after"] = self.retry_after
        return out


class RequestLog:
    """A bounded, thread-safe list of :class:`LoggedRequest` (oldest dropped first)."""

    def __init__(self, maxlen: int = 500_000) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def add(self, entry: LoggedRequest) -> LoggedRequest:
        """Append an entry (returned so the caller can fill in the status later)."""
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self, token: str | None = None) -> list[LoggedRequest]:
        """Every entry in arrival order, or only those made with ``token``."""
        with self._lock:
            return [e for e in self._entries if token is None or e.token == token]

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
