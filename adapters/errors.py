"""The adapter error family (CONTRACTS §1). The engine acts on the class, never on the text.

No error carries a URL or a token: adapters build errors from their own words and the
messenger's ``description``, passed through :func:`adapters.redact.scrub`. Adapters raise them
outside any ``except`` block (or through :func:`detach`), so neither ``__cause__`` nor
``__context__`` leads back to an httpx exception whose ``request.url`` holds the token.
"""

from __future__ import annotations

import math
from typing import TypeVar

from adapters.redact import scrub

E = TypeVar("E", bound=BaseException)


def detach(error: E) -> E:
    """Cut ``error`` loose from whatever exception was being handled when it was built.

    ``raise err from None`` sets ``__suppress_context__`` but keeps ``__context__``; Python
    fills ``__context__`` at ``raise`` time from the exception being handled, so the only sure
    way is to raise outside the ``except`` block. This helper is for the rare place where
    that is awkward: it clears the links and returns the error for ``raise detach(e)``.
    """
    error.__cause__ = None
    error.__context__ = None
    error.__suppress_context__ = True
    error.__traceback__ = None
    return error


class AdapterError(Exception):
    """Base of every error an adapter raises. ``reason`` is safe to show to the user."""

    def __init__(self, reason: str = "") -> None:
        self.reason = scrub(reason)
        super().__init__(self.reason)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.reason,))


class AuthFailed(AdapterError):
    """The token itself is rejected. The engine stops the account: "token rejected"."""


class Forbidden(AdapterError):
    """A 403 on a chat operation: blocked by the user, cannot start chats, not an admin."""

    def __init__(self, chat_id: str, reason: str = "forbidden") -> None:
        self.chat_id = chat_id
        super().__init__(reason)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.chat_id, self.reason))


class RateLimited(AdapterError):
    """Too many requests. Wait ``retry_after_s`` (exactly, when ``known``), then retry."""

    DEFAULT_S = 3.0
    MAX_S = 86_400.0
    """The longest wait honoured. A longer hint (up to Infinity or past float range, which a
    broken or hostile server may send) is cut to this, so it can neither stall an account for
    ever nor overflow the engine's clock arithmetic; a NaN or negative one means "no hint"."""

    def __init__(self, retry_after_s: float | None = None, known: bool = True) -> None:
        seconds = _seconds(retry_after_s)
        if seconds is None:
            seconds, known = self.DEFAULT_S, False
        self.retry_after_s = min(seconds, self.MAX_S)
        self.known = known
        hint = (
            f"{self.retry_after_s:g} s" if known else f"no hint, waiting {self.retry_after_s:g} s"
        )
        super().__init__(f"rate limited ({hint})")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.retry_after_s, self.known))


def _seconds(value: object) -> float | None:
    """A non-negative number of seconds (infinity included: capped by the caller), or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an int past float range: "very long" (capped by the caller)
        seconds = math.inf if isinstance(value, int) and value > 0 else math.nan
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None  # NaN compares False: None


class Conflict(AdapterError):
    """409 on getUpdates: a webhook is set, or another poller took over. Stop the account."""


class Transient(AdapterError):
    """A failure that did not change anything on the server, or a failed read. Retry."""


class Ambiguous(AdapterError):
    """A side-effecting request that may have been processed. Never retried automatically."""


class Rejected(AdapterError):
    """The messenger refused the request (other 4xx, or an API-level failure with a reason)."""


class Unsupported(AdapterError):
    """An operation or option this messenger's capabilities do not list; nothing was sent."""
