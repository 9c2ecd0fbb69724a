"""The Bot API envelope (``ok``/``result``/``error_code``/``description``) -> result or error.

Implements CONTRACTS §1's error table for the three Telegram-style APIs. The messenger's
``description`` is the only outside text an error carries, scrubbed by
:class:`~adapters.errors.AdapterError` and cut to a sane length; no URL ever enters one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from adapters.botapi.profile import Profile
from adapters.botapi.wire import decode_body
from adapters.errors import (
    AdapterError,
    Ambiguous,
    AuthFailed,
    Conflict,
    Forbidden,
    RateLimited,
    Rejected,
    Transient,
)
from adapters.http import server_error

_MAX_REASON = 300


@dataclass(frozen=True, slots=True)
class Call:
    """What a request was, as far as error mapping cares."""

    method: str  # the Bot API method, e.g. "sendMessage"
    effect: bool  # True: changes something on the server (send, edit, delete, upload)
    chat_id: str | None = None  # set for chat operations (a 403 becomes Forbidden)


def unwrap(response: httpx.Response, call: Call, profile: Profile) -> Any:
    """The ``result`` of a successful answer; otherwise the adapter error, raised.

    Raised outside any ``except`` block, so no httpx exception is linked to it.
    """
    status = response.status_code
    if status >= 500:
        raise server_error(status, effect=call.effect, what=call.method)
    payload: Any = None
    readable = True
    try:
        payload = decode_body(response.content)
    except ValueError:
        readable = False
    if readable and isinstance(payload, dict):
        if payload.get("ok") is True and "result" in payload and 200 <= status < 300:
            return payload["result"]
        if payload.get("ok") is False or status >= 400:
            raise api_error(status, payload, call, profile)
    if status >= 400:
        # Not our envelope (a proxy's HTML page, an empty body): judge by the status alone.
        raise api_error(status, {}, call, profile)
    # A 2xx we cannot read: the request may well have been carried out.
    cls = Ambiguous if call.effect else Transient
    raise cls(f"{call.method}: unreadable response (HTTP {status})")


def api_error(status: int, payload: dict[str, Any], call: Call, profile: Profile) -> AdapterError:
    """The adapter error for an ``ok: false`` answer (or a bare error status).

    ``error_code`` wins over the HTTP status: Bale is reported to send errors with HTTP 200.
    """
    code = payload.get("error_code")
    if isinstance(code, bool) or not isinstance(code, int):
        code = status
    given = payload.get("description")
    bare = not isinstance(given, str) or not given.strip()
    description = f"HTTP {code}" if bare else str(given).strip()[:_MAX_REASON]
    reason = f"{call.method}: {description}"
    params = payload.get("parameters")
    retry_after: Any = params.get("retry_after") if isinstance(params, dict) else None
    if isinstance(retry_after, bool) or not isinstance(retry_after, int | float) or retry_after < 0:
        retry_after = None

    if code >= 500:
        return server_error(code, effect=call.effect, what=call.method)
    if (
        retry_after is not None
        or code in profile.rate_limit_codes
        or _matches(profile.rate_limit_pattern, description)
    ):
        return RateLimited(retry_after) if retry_after is not None else RateLimited()
    if (
        code in profile.auth_codes
        or (bare and code in profile.auth_bare_codes)
        or _matches(profile.auth_pattern, description)
    ):
        return AuthFailed(reason)
    if call.method == "getMe" and 400 <= code < 500:
        # getMe touches no chat: any refusal of it is a refusal of the token.
        return AuthFailed(reason)
    if code == 409 and call.method == "getUpdates":
        return Conflict(reason)
    forbidden = code == 403 or _matches(profile.forbidden_pattern, description)
    if forbidden and call.chat_id is not None:
        return Forbidden(call.chat_id, reason)
    return Rejected(reason)


def _matches(pattern: str, description: str) -> bool:
    return bool(pattern) and re.search(pattern, description, re.IGNORECASE) is not None
