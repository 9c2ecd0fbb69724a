"""Pure functions: Telegram-style Bot API JSON <-> :mod:`adapters.models`.

Shared by Telegram, Bale and Soroush Plus; what differs between them on the wire is a
:class:`WireDialect` (which update kinds exist, and whether text carries implicit markup).

Poison updates: :func:`updates_to_events` turns each update on its own, so one that cannot be
understood (wrong types, missing fields, lone surrogates that SQLite would refuse) becomes an
:class:`~adapters.models.Unparsed` event while the rest of the batch survives. Bodies are
decoded with :func:`decode_body`, which never fails on bytes that are not UTF-8: they turn
into lone surrogates inside the one string that holds them, and so into one poison update.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from adapters import jsonsafe
from adapters.botapi.entities import entities_from_spans, spans_from_entities
from adapters.models import (
    Attachment,
    Chat,
    ChatKind,
    ChatRef,
    ChatSeen,
    Event,
    FileRef,
    Identity,
    Message,
    MessageEdited,
    MessageNew,
    Sender,
    Sent,
    Span,
    Unparsed,
)

__all__ = [
    "DEFAULT_KINDS",
    "Markup",
    "UpdatesPage",
    "WireDialect",
    "WireError",
    "chat_from_wire",
    "chat_ref_from_wire",
    "decode_body",
    "entities_from_spans",
    "identity_from_wire",
    "may_hold_surrogates",
    "message_from_wire",
    "sent_from_wire",
    "spans_from_entities",
    "update_to_event",
    "updates_to_events",
]


class WireError(ValueError):
    """The JSON does not have the shape the Bot API documents."""


class Markup(Protocol):
    """An implicit, in-text formatting syntax (Bale): text with markers <-> plain text + spans."""

    def parse(self, text: str) -> tuple[str, tuple[Span, ...]]:
        """Strip the markers from ``text``; return the plain text and the spans they meant."""
        ...

    def render(self, text: str, spans: Sequence[Span]) -> str:
        """``text`` with ``spans`` written as markers."""
        ...


DEFAULT_KINDS = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "my_chat_member"}
)


@dataclass(frozen=True, slots=True)
class WireDialect:
    """What one messenger's flavour of the Bot API looks like on the wire.

    ``update_kinds``: the Update fields this messenger has. Of those, the four message kinds
    become MessageNew/MessageEdited (ChatSeen for a service message) and ``my_chat_member``
    becomes ChatSeen; any other field (callback queries, polls, a kind the messenger is not
    supposed to send) is skipped, and its update_id still moves the cursor. ``markup``: set
    when the messenger formats by markers in the text itself (Bale); applied to incoming
    text that has no ``entities``.
    """

    update_kinds: frozenset[str] = DEFAULT_KINDS
    markup: Markup | None = None


@dataclass(frozen=True, slots=True)
class UpdatesPage:
    """The events of one getUpdates answer, and the update ids that bound it."""

    events: tuple[Event, ...]
    first_id: int | None  # the lowest update_id seen (poison ones included)
    last_id: int | None  # the highest


# --- decoding -----------------------------------------------------------------------------


def decode_body(content: bytes) -> Any:
    """Parse a response body. Raises :class:`ValueError` when it is not JSON at all.

    Invalid UTF-8 inside a string value does not fail the parse: it decodes to lone
    surrogates, which :func:`update_to_event` reports as poison for that one update. An
    integer past Python's int/str limit stays a digit string (poison for its update only);
    nesting too deep for the parser is a ``ValueError`` (see :mod:`adapters.jsonsafe`).
    """
    return jsonsafe.loads(content.decode("utf-8", "surrogateescape"))


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def may_hold_surrogates(content: bytes) -> bool:
    """Whether decoding ``content`` can yield a lone surrogate anywhere.

    False when the body is valid UTF-8 with no ``\\uD800``-``\\uDFFF`` escape: then no update
    needs the per-update check (most bodies; emoji sent as raw UTF-8 do not count).
    """
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return _SURROGATE_ESCAPE.search(content) is not None


def _raw(obj: Any) -> bytes:
    # ensure_ascii escapes lone surrogates, so the quarantine copy is always writable; an
    # update that cannot be re-encoded at all (too deep, a huge int) is kept as a note.
    return jsonsafe.dump_raw(obj)


def _check_unicode(obj: Any) -> None:
    # One C-speed pass: every str in the update must be encodable as UTF-8 (SQLite needs it).
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WireError(f"invalid Unicode (lone surrogate at {exc.start})") from None


# --- field helpers ------------------------------------------------------------------------


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WireError(f"{where}: expected an object")
    return value


def _int(d: dict[str, Any], key: str, where: str) -> int:
    value = d.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireError(f"{where}.{key}: expected an integer")
    return value


def _opt_int(d: dict[str, Any], key: str, where: str) -> int | None:
    return None if d.get(key) is None else _int(d, key, where)


def _opt_str(d: dict[str, Any], key: str, where: str) -> str | None:
    value = d.get(key)
    if value is not None and not isinstance(value, str):
        raise WireError(f"{where}.{key}: expected a string")
    return value


def _date(d: dict[str, Any], key: str, where: str) -> datetime:
    stamp = _int(d, key, where)
    try:
        return datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        raise WireError(f"{where}.{key}: not a valid time") from None


def _full_name(d: dict[str, Any], where: str) -> str:
    first = _opt_str(d, "first_name", where) or ""
    last = _opt_str(d, "last_name", where) or ""
    return f"{first} {last}".strip()


# --- objects ------------------------------------------------------------------------------

_CHAT_KINDS: dict[str, ChatKind] = {
    "private": "private",
    "group": "group",
    "supergroup": "group",
    "channel": "channel",
}


def chat_ref_from_wire(value: Any, where: str = "chat") -> ChatRef:
    """A wire ``Chat`` as the chat an update names."""
    d = _obj(value, where)
    chat_id = _int(d, "id", where)
    ctype = _opt_str(d, "type", where)
    # An unknown type (not seen yet on any of the three) is not worth losing a message over.
    kind = _CHAT_KINDS.get(ctype or "", "group")
    title = _opt_str(d, "title", where) or _full_name(d, where)
    return ChatRef(str(chat_id), kind, title, _opt_str(d, "username", where))


def chat_from_wire(value: Any, member_count: int | None = None) -> Chat:
    """A ``getChat`` answer."""
    ref = chat_ref_from_wire(value)
    d = _obj(value, "chat")
    description = _opt_str(d, "description", "chat") or _opt_str(d, "bio", "chat")
    return Chat(ref.id, ref.kind, ref.title, ref.username, description, member_count)


def identity_from_wire(value: Any) -> Identity:
    """A ``getMe`` answer."""
    d = _obj(value, "user")
    user_id = str(_int(d, "id", "user"))
    return Identity(user_id, _full_name(d, "user"), _opt_str(d, "username", "user"))


def _sender(value: Any, where: str) -> Sender:
    d = _obj(value, where)
    is_bot = d.get("is_bot", False)
    if not isinstance(is_bot, bool):
        raise WireError(f"{where}.is_bot: expected a boolean")
    return Sender(
        str(_int(d, "id", where)), _full_name(d, where), _opt_str(d, "username", where), is_bot
    )


def _file(d: dict[str, Any], where: str) -> FileRef:
    file_id = _opt_str(d, "file_id", where)
    if not file_id:
        raise WireError(f"{where}.file_id: missing")
    return FileRef(
        id=file_id,
        name=_opt_str(d, "file_name", where) or "",
        size=_opt_int(d, "file_size", where),
        mime=_opt_str(d, "mime_type", where),
        unique_id=_opt_str(d, "file_unique_id", where),
    )


def _attachment(kind: str, value: Any, where: str) -> Attachment:
    d = _obj(value, where)
    return Attachment(
        kind=kind,
        file=_file(d, where),
        width=_opt_int(d, "width", where),
        height=_opt_int(d, "height", where),
        duration_s=_opt_int(d, "duration", where),
    )


def _largest_photo(value: Any, where: str) -> Attachment | None:
    if not isinstance(value, list):
        raise WireError(f"{where}: expected a list")
    if not value:
        return None
    sizes = [_attachment("photo", p, f"{where}[{i}]") for i, p in enumerate(value)]

    # Sizes usually ascend, but pick by area (then bytes) rather than trust the order.
    def area(a: Attachment) -> tuple[int, int]:
        return ((a.width or 0) * (a.height or 0), a.file.size or 0)

    return max(sizes, key=area)


# Fields of a message that carry a file, in the order their attachments are listed.
_MEDIA = ("animation", "audio", "document", "sticker", "video", "video_note", "voice")
_MEDIA_KIND = {"video_note": "video"}
# Fields that make a message content even without text or a file (the UI can describe them).
_CONTENT = ("contact", "location", "venue", "poll", "dice", "game", "invoice", "story")


def message_from_wire(value: Any, dialect: WireDialect, where: str = "message") -> Message | None:
    """A wire ``Message``; None for a pure service message (a member joined, title changed)."""
    d = _obj(value, where)
    message_id = _int(d, "message_id", where)
    chat = chat_ref_from_wire(d.get("chat"), f"{where}.chat")
    date = _date(d, "date", where)

    text = _opt_str(d, "text", where)
    entities_key = "entities"
    if text is None:
        text, entities_key = _opt_str(d, "caption", where), "caption_entities"
    text = text or ""
    raw_entities = d.get(entities_key)
    if raw_entities is None and dialect.markup is not None and text:
        text, spans = dialect.markup.parse(text)
    else:
        spans = spans_from_entities(text, raw_entities)

    attachments: list[Attachment] = []
    if d.get("photo") is not None:
        photo = _largest_photo(d["photo"], f"{where}.photo")
        if photo is not None:
            attachments.append(photo)
    for key in _MEDIA:
        if d.get(key) is None:
            continue
        # An animation also arrives as a document with the same file: list it once.
        if key == "document" and d.get("animation") is not None:
            continue
        attachments.append(_attachment(_MEDIA_KIND.get(key, key), d[key], f"{where}.{key}"))

    if not text and not attachments and not any(d.get(k) is not None for k in _CONTENT):
        return None

    sender: Sender | None = None
    if d.get("from") is not None:
        sender = _sender(d["from"], f"{where}.from")
    elif d.get("sender_chat") is not None:
        sc = chat_ref_from_wire(d["sender_chat"], f"{where}.sender_chat")
        if sc.id != chat.id:  # a channel's own post has no author
            sender = Sender(sc.id, sc.title, sc.username)

    reply_to: str | None = None
    if d.get("reply_to_message") is not None:
        reply = _obj(d["reply_to_message"], f"{where}.reply_to_message")
        reply_to = str(_int(reply, "message_id", f"{where}.reply_to_message"))

    edited_at = None if d.get("edit_date") is None else _date(d, "edit_date", where)
    return Message(
        id=str(message_id),
        chat_id=chat.id,
        date=date,
        sender=sender,
        text=text,
        spans=spans,
        reply_to=reply_to,
        edited_at=edited_at,
        attachments=tuple(attachments),
    )


def sent_from_wire(value: Any, chat_id: str) -> Sent:
    """The answer to a send: the message that was created."""
    d = _obj(value, "result")
    message_id = _int(d, "message_id", "result")
    chat = d.get("chat")
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        chat_id = str(chat["id"])
    date = None if d.get("date") is None else _date(d, "date", "result")
    return Sent(chat_id=chat_id, message_id=str(message_id), date=date)


# --- updates ------------------------------------------------------------------------------

_EDITS = ("edited_message", "edited_channel_post")
_MESSAGES = ("message", "channel_post", *_EDITS)


def update_to_event(
    update: dict[str, Any], dialect: WireDialect, *, check_unicode: bool = True
) -> Event | None:
    """One Update as an event, or None when it is of a kind Payam has no event for.

    ``check_unicode``: refuse lone surrogates anywhere in the update (skip only when the body
    is known to hold none, see :func:`may_hold_surrogates`).
    """
    if check_unicode:
        _check_unicode(update)
    for key in _MESSAGES:
        if key in update and key in dialect.update_kinds:
            message = message_from_wire(update[key], dialect, key)
            chat = chat_ref_from_wire(_obj(update[key], key).get("chat"), f"{key}.chat")
            if message is None:
                return ChatSeen(chat)
            if key in _EDITS:
                return MessageEdited(chat, message)
            return MessageNew(chat, message)
    if "my_chat_member" in update and "my_chat_member" in dialect.update_kinds:
        member = _obj(update["my_chat_member"], "my_chat_member")
        return ChatSeen(chat_ref_from_wire(member.get("chat"), "my_chat_member.chat"))
    return None


def updates_to_events(
    result: Any, dialect: WireDialect, *, check_unicode: bool = True
) -> UpdatesPage:
    """A getUpdates ``result`` as events; poison updates become ``Unparsed``.

    Raises :class:`WireError` only when ``result`` is not a list at all (the whole answer is
    unreadable, which the adapter treats as a failed read).
    """
    if not isinstance(result, list):
        raise WireError("result: expected a list of updates")
    events: list[Event] = []
    first: int | None = None
    last: int | None = None
    for update in result:
        update_id: int | None = None
        if isinstance(update, dict):
            raw_id = update.get("update_id")
            # An id outside int64 is no Bot API id (and past the int/str limit, str() fails).
            if isinstance(raw_id, int) and not isinstance(raw_id, bool) and abs(raw_id) < 2**63:
                update_id = raw_id
                first = raw_id if first is None else min(first, raw_id)
                last = raw_id if last is None else max(last, raw_id)
        try:
            if update_id is None:
                raise WireError("update_id: expected an integer")
            event = update_to_event(update, dialect, check_unicode=check_unicode)
        except Exception as exc:  # any surprise in one update must not cost the others
            hint = None if update_id is None else str(update_id + 1)
            events.append(Unparsed(_raw(update), _describe(exc), hint))
            continue
        if event is not None:
            events.append(event)
    return UpdatesPage(tuple(events), first, last)


def _describe(exc: Exception) -> str:
    if isinstance(exc, WireError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"[:300]
