"""Rubika Bot API v3 wire JSON <-> Payam models. Pure functions: no I/O, no clock.

Facts and choices (reference: messenger-apis.md §5):

* Envelope: ``{"status": "OK", "data": {...}}``. Errors come in two shapes [CONFLICT]:
  ``{"status": "error", "error_code": "X", "error_message": ...}`` (peyk) and
  ``{"status": "INVALID_INPUT|INVALID_ACCESS|TOO_REQUESTS|SERVER_ERROR", "dev_message": ...}``
  (aiorubi). :func:`envelope` reads both (and the combined body the mock sends).
* Ids are strings; ``message_id`` is sometimes a JSON number in the docs, so both are accepted
  and a ``str`` always comes out. ``time`` is unix seconds, often as a string.
* ``metadata.meta_data_parts`` counts UTF-16 code units: see :mod:`adapters.rubika.metadata`.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from adapters import jsonsafe
from adapters.models import Attachment, ChatKind, FileRef, Identity, Message, Sender
from adapters.rubika.metadata import int_value, spans_from_metadata

DEFAULT_BASE_URL = "https://botapi.rubika.ir"

# requestSendFile ``type`` by extension; anything else goes as a plain ``File``.
_FILE_TYPES = {
    **dict.fromkeys(("jpg", "jpeg", "png", "webp", "bmp", "heic"), "Image"),
    "gif": "Gif",
    **dict.fromkeys(("mp4", "mov", "mkv", "webm", "avi", "3gp", "m4v"), "Video"),
    **dict.fromkeys(("mp3", "m4a", "flac", "wav", "aac", "wma"), "Music"),
    **dict.fromkeys(("ogg", "oga", "opus"), "Voice"),
}
_ATTACHMENT_KINDS = {
    "Image": "photo",
    "Gif": "animation",
    "Video": "video",
    "Music": "audio",
    "Voice": "voice",
    "File": "document",
}


_ID_LIMIT = 10**100
"""No id has 100 digits; past the int/str limit ``str()`` of one would raise ValueError."""


class WireError(ValueError):
    """The JSON does not have the documented shape (a poison update, or an unreadable reply)."""


@dataclass(frozen=True, slots=True)
class ApiFailure:
    """An error envelope: ``code`` as Rubika names it (``INVALID_INPUT`` …), its text, a hint."""

    code: str
    message: str
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """What ``getChat`` says about an id: enough to name a chat or a sender."""

    kind: ChatKind
    title: str
    username: str | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    """One update with ids only; the adapter fills in chat titles and sender names."""

    kind: Literal["new", "edited", "deleted", "seen"]
    chat_id: str
    message: Message | None = None  # new / edited; ``sender.name`` is still empty
    message_id: str | None = None  # deleted
    sender_type: str | None = None


# --- envelopes ----------------------------------------------------------------------------


def envelope(body: Any) -> dict[str, Any] | ApiFailure:
    """``data`` of a success envelope, or the failure it reports. WireError when neither."""
    if not isinstance(body, dict):
        raise WireError("response is not a JSON object")
    status = body.get("status")
    if status == "OK":
        data = body.get("data")
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise WireError("response data is not an object")
        return data
    if not isinstance(status, str) or not status:
        raise WireError("response has no status")
    code = status
    if status.lower() == "error":  # peyk's shape: the code is in error_code
        raw = body.get("error_code")
        code = str(raw) if isinstance(raw, (str, int)) and raw != "" else "UNKNOWN"
    message = ""
    for key in ("dev_message", "error_message", "message", "description"):
        value = body.get(key)
        if isinstance(value, str) and value:
            message = value
            break
    return ApiFailure(code.upper(), message[:300], _retry_after(body))


def _retry_after(body: dict[str, Any]) -> float | None:
    # No source says Rubika sends one; aiorubi's error class accepts an optional hint.
    for holder in (body, body.get("data"), body.get("parameters")):
        if isinstance(holder, dict):
            value = holder.get("retry_after")
            if isinstance(value, (int, float, str)) and not isinstance(value, bool):
                try:
                    seconds = float(value)
                except (ValueError, OverflowError):  # OverflowError: an int past float range
                    continue
                if 0 < seconds < 86_400:
                    return seconds
    return None


def upload_file_id(body: Any) -> str | ApiFailure:
    """The ``file_id`` an upload URL answered with: in a ``data`` envelope, or top level."""
    if isinstance(body, dict) and isinstance(body.get("file_id"), str) and body["file_id"]:
        return str(body["file_id"])  # peyk accepts this bare shape too
    result = envelope(body)
    if isinstance(result, ApiFailure):
        return result
    file_id = result.get("file_id")
    if not isinstance(file_id, (str, int)) or isinstance(file_id, bool) or file_id == "":
        raise WireError("upload answer has no file_id")
    return str(file_id)


# --- objects ------------------------------------------------------------------------------


def identity(data: dict[str, Any]) -> Identity:
    """``getMe``'s ``data.bot`` as an Identity."""
    bot = data.get("bot")
    if not isinstance(bot, dict):
        raise WireError("getMe answer has no bot")
    bot_id = _id(bot, "bot_id")
    title = bot.get("bot_title")
    username = bot.get("username")
    return Identity(
        id=bot_id,
        name=title if isinstance(title, str) else "",
        username=username if isinstance(username, str) and username else None,
    )


def chat_info(data: dict[str, Any], chat_id: str) -> ChatInfo:
    """``getChat``'s ``data.chat``: the kind and a display title (a person's full name)."""
    chat = data.get("chat")
    if not isinstance(chat, dict):
        raise WireError("getChat answer has no chat")
    chat_type = chat.get("chat_type")
    kind: ChatKind = (
        "group" if chat_type == "Group" else "channel" if chat_type == "Channel" else None
    ) or kind_from_id(chat_id)
    if chat_type in ("User", "Bot"):
        kind = "private"
    names = [chat.get(k) for k in ("first_name", "last_name")]
    person = " ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
    title = chat.get("title")
    username = chat.get("username")
    shown = title if isinstance(title, str) and title.strip() else person
    return ChatInfo(
        kind=kind,
        title=shown,
        username=username if isinstance(username, str) and username else None,
    )


def kind_from_id(chat_id: str) -> ChatKind:
    """A guess from the id's prefix (``g0`` group, ``c0`` channel: inferred) until getChat."""
    if chat_id.startswith("g0"):
        return "group"
    if chat_id.startswith("c0"):
        return "channel"
    return "private"


def message_id_of(data: dict[str, Any]) -> str:
    """``message_id`` of a send's answer (a string, or a JSON number in older docs)."""
    return _id(data, "message_id")


def file_type(filename: str) -> str:
    """The ``requestSendFile`` type for a file name: by extension, then by guessed MIME type."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext in _FILE_TYPES:
        return _FILE_TYPES[ext]
    mime = mimetypes.guess_type(filename)[0] or ""
    major = mime.split("/", 1)[0]
    return {"image": "Image", "video": "Video", "audio": "Music"}.get(major, "File")


def dump(raw: Any) -> bytes:
    """Raw bytes of one update for quarantine (ASCII JSON: lone surrogates stay escaped; an
    update that cannot be re-encoded — too deep, a huge int — is kept as a note)."""
    return jsonsafe.dump_raw(raw)


# --- updates ------------------------------------------------------------------------------


def parse_update(raw: Any, received_at: datetime) -> Parsed | None:
    """One ``getUpdates`` item; None for kinds Payam ignores (inline taps, unknown types).

    Raises :class:`WireError` (and nothing else) for a poison update: not an object, a lone
    surrogate anywhere, a required field missing or of the wrong type, a number no field can
    hold. ``received_at`` stands in for the edit time, which Rubika does not send.
    """
    error: WireError | None = None
    try:
        return _parse_update(raw, received_at)
    except WireError as exc:
        error = exc
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError, RecursionError) as exc:
        # e.g. an id past the int/str limit (ValueError from str()): poison, like any other
        error = WireError(f"malformed update ({type(exc).__name__})")
    raise error


def _parse_update(raw: Any, received_at: datetime) -> Parsed | None:
    if not isinstance(raw, dict):
        raise WireError("update is not an object")
    _reject_surrogates(raw)
    kind = raw.get("type")
    if not isinstance(kind, str):
        raise WireError("update has no type")
    chat_id = _id(raw, "chat_id")
    if kind == "NewMessage":
        message, sender_type = _message(_obj(raw, "new_message"), chat_id)
        return Parsed("new", chat_id, message=message, sender_type=sender_type)
    if kind == "UpdatedMessage":
        message, sender_type = _message(_obj(raw, "updated_message"), chat_id)
        edited = replace(message, edited_at=received_at)
        return Parsed("edited", chat_id, message=edited, sender_type=sender_type)
    if kind == "RemovedMessage":
        return Parsed("deleted", chat_id, message_id=_id(raw, "removed_message_id"))
    if kind in ("StartedBot", "StoppedBot", "EventData"):
        return Parsed("seen", chat_id)
    return None


def _message(obj: dict[str, Any], chat_id: str) -> tuple[Message, str | None]:
    message_id = _id(obj, "message_id")
    date = _time(obj.get("time"))
    text = obj.get("text")
    if text is None:
        text = ""
    elif not isinstance(text, str):
        raise WireError("text is not a string")
    sender: Sender | None = None
    sender_type = obj.get("sender_type")
    if sender_type is not None and not isinstance(sender_type, str):
        raise WireError("sender_type is not a string")
    if obj.get("sender_id") is not None:
        sender = Sender(id=_id(obj, "sender_id"), name="", is_bot=sender_type == "Bot")
    reply_to = _id(obj, "reply_to_message_id") if obj.get("reply_to_message_id") else None
    attachments: list[Attachment] = []
    file = obj.get("file")
    if file is not None:
        attachments.append(_attachment(file, None))
    sticker = obj.get("sticker")
    if isinstance(sticker, dict) and sticker.get("file") is not None:
        attachments.append(_attachment(sticker["file"], "sticker"))
    message = Message(
        id=message_id,
        chat_id=chat_id,
        date=date,
        sender=sender,
        text=text,
        spans=spans_from_metadata(text, obj.get("metadata")),
        reply_to=reply_to,
        attachments=tuple(attachments),
    )
    return message, sender_type


def _attachment(file: Any, kind: str | None) -> Attachment:
    if not isinstance(file, dict):
        raise WireError("file is not an object")
    file_id = _id(file, "file_id")
    name = file.get("file_name")
    name = name if isinstance(name, str) else ""
    size = int_value(file.get("size"))  # a string of bytes on the wire
    if kind is None:
        # Messages do not say what kind of file they carry; the name is the only hint.
        kind = _ATTACHMENT_KINDS[file_type(name)] if name else "document"
    return Attachment(
        kind=kind,
        file=FileRef(id=file_id, name=name, size=size if size is not None and size >= 0 else None),
    )


def _obj(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise WireError(f"{key} is missing or not an object")
    return value


def _id(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise WireError(f"{key} is missing or not an id")
    if isinstance(value, int) and abs(value) >= _ID_LIMIT:
        raise WireError(f"{key} is not an id (a number of {value.bit_length()} bits)")
    return str(value)


def _time(value: Any) -> datetime:
    seconds = int_value(value)
    if seconds is None or seconds < 0:
        raise WireError("time is missing or not unix seconds")
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise WireError("time is out of range") from None


def _reject_surrogates(value: Any) -> None:
    """A lone surrogate (legal in JSON as ``"\\ud800"``) cannot be stored or shown: poison."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                raise WireError("lone surrogate in a string")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _encodable(text: str) -> bool:
    # UTF-8 encoding is the fast (C) test for a lone surrogate.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
