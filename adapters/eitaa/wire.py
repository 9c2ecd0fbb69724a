"""Eitaayar (the Eitaa channel-posting API) wire format <-> Payam models. Pure functions.

Reference: messenger-apis.md §6. There is no official document; everything comes from six thin
client packages and public code, so the shapes here are lenient on the way in:

* Envelope ``{"ok": true, "result": {...}}`` / ``{"ok": false, "error_code": 400,
  "description": "..."}``; the HTTP status is not known to follow ``error_code``, so the body's
  code wins and the HTTP status is the fallback.
* ``getMe``'s result is undocumented: a Telegram-like ``{id, first_name, username}`` is read,
  with ``title``/``name`` and other id keys as fallbacks.
* ``sendMessage``'s result is inferred (``result.message_id``, from a public C# client).
* Parameter spellings [CONFLICT]: ``reply_to_message_id`` (documented) rather than
  eitaayarbot's ``id_message_to_reply``; ``disable_notification`` rather than
  ``notification_disable``. The mock accepts both of each.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from adapters.base import SendOptions
from adapters.models import Identity

DEFAULT_BASE_URL = "https://eitaayar.ir"

# Descriptions that mean "this token is no good" (pyeitaa has an "auth error" class).
_AUTH_WORDS = re.compile(
    r"unauthori[sz]ed|invalid[ _-]?token|token[ _-]?(?:is[ _-]?)?(?:invalid|not[ _-]?found|"
    r"expired|wrong)|wrong[ _-]?token|auth(?:entication)?[ _-]?(?:error|failed)",
    re.IGNORECASE,
)


class WireError(ValueError):
    """The answer does not have any shape we know."""


@dataclass(frozen=True, slots=True)
class Failure:
    """An ``ok: false`` answer (or an HTTP error): its code, text and rate-limit hint."""

    code: int
    description: str
    retry_after: float | None = None

    @property
    def auth(self) -> bool:
        """True when the failure says the token itself is rejected."""
        return self.code == 401 or bool(_AUTH_WORDS.search(self.description))


def chat_id(raw: str) -> str:
    """The wire ``chat_id``: a numeric id, or a channel/group username without ``@``."""
    value = raw.strip()
    return value[1:] if value.startswith("@") else value


def send_fields(options: SendOptions | None, reply_to: str | None) -> dict[str, str]:
    """Form fields for :class:`SendOptions` and a reply (validated by the caller first).

    title → ``title``; schedule_at → ``date`` (unix seconds: a scheduled post); pin →
    ``pin=1``; delete_after_views → ``viewCountForDelete``; silent → ``disable_notification=1``.
    """
    fields: dict[str, str] = {}
    if reply_to is not None:
        fields["reply_to_message_id"] = str(reply_to)
    if options is None:
        return fields
    if options.title:
        fields["title"] = options.title
    if options.schedule_at is not None:
        fields["date"] = str(int(options.schedule_at.timestamp()))
    if options.pin:
        fields["pin"] = "1"
    if options.delete_after_views is not None:
        fields["viewCountForDelete"] = str(options.delete_after_views)
    if options.silent:
        fields["disable_notification"] = "1"
    return fields


def parse(status: int, body: Any) -> Any:
    """``result`` of a success, or the :class:`Failure` it reports (body may be None).

    Raises :class:`WireError` for a 2xx answer that is not an envelope.
    """
    if isinstance(body, dict) and isinstance(body.get("ok"), bool):
        if body["ok"] and 200 <= status < 300:
            return body.get("result")
        code = body.get("error_code")
        if isinstance(code, str) and code.isascii() and code.isdigit() and len(code) <= 4:
            code = int(code)  # isdigit alone takes "²"; and 5,000 digits overflow int()
        if not isinstance(code, int) or isinstance(code, bool) or code < 400:
            code = status if status >= 400 else 400
        description = body.get("description")
        return Failure(
            code,
            description[:300] if isinstance(description, str) else "",
            _retry_after(body),
        )
    if status >= 400:
        return Failure(status, "")
    raise WireError("the answer is not an ok/result envelope")


def _retry_after(body: dict[str, Any]) -> float | None:
    params = body.get("parameters")
    value = params.get("retry_after") if isinstance(params, dict) else body.get("retry_after")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 86_400:
        return float(value)
    return None


def identity(result: Any) -> Identity:
    """``getMe``'s result, read leniently (its shape is undocumented)."""
    if not isinstance(result, dict):
        raise WireError("getMe result is not an object")
    ident = ""
    for key in ("id", "user_id", "bot_id", "channel_id"):
        found = _text_id(result.get(key))
        if found is not None:
            ident = found
            break
    names = [result.get(k) for k in ("first_name", "last_name")]
    name = " ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
    for key in ("title", "name"):
        value = result.get(key)
        if not name and isinstance(value, str):
            name = value.strip()
    username = result.get("username")
    username = username.lstrip("@") if isinstance(username, str) and username else None
    if not ident and not name and not username:
        raise WireError("getMe result names nothing")
    return Identity(id=ident or username or "", name=name or username or "", username=username)


def message_id(result: Any) -> str:
    """The sent message's id: ``result.message_id`` (or ``id``, or a bare number).

    An ``ok: true`` answer means the post was made, so a missing id is not an error (the
    result's shape is only inferred, and calling a made post "unknown" would be wrong). Then a
    unique ``unknown:<random>`` stands in: Eitaa ids are numeric, so it never names a real
    post, and two such posts are never taken for one (a store keys messages by id). Nothing
    is ever asked of Eitaa by message id (no edit, delete or receive).
    """
    value = result
    if isinstance(result, dict):
        value = result.get("message_id", result.get("id"))
        if isinstance(value, dict):  # a whole Message object
            value = value.get("message_id")
    found = _text_id(value)
    return found if found is not None else f"unknown:{secrets.token_hex(8)}"


_ID_LIMIT = 10**100
"""No id has 100 digits; past the int/str limit ``str()`` of one would raise ValueError."""


def _text_id(value: Any) -> str | None:
    """A non-empty str id, or an int id as its digits; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        return None
    if isinstance(value, int) and abs(value) >= _ID_LIMIT:
        return None
    return str(value)
