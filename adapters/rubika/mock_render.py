"""World records → Rubika Bot API v3 JSON (Message, Update, Chat, Bot), for the Rubika mock.

Shapes follow messenger-apis.md §5.4: every id is a string (``message_id`` a large numeric
string, chats ``b0…``/``g0…``/``c0…``, users ``u0…``), ``time`` is unix seconds *as a string*,
``file.size`` a string of bytes, formatting is ``metadata.meta_data_parts`` (kept verbatim in
``MockMessage.entities``). Updates carry ids only; names come from ``getChat``.

Update cursors: :func:`cursor` is :func:`adapters.mock.ids.object_id` over the record's mock
time and sequence, so cursors are 24 hex characters, time-prefixed and increasing in queue
order; ``getUpdates`` compares them as strings. Callers hold ``world.lock``.
"""

from __future__ import annotations

from typing import Any

from adapters.mock.ids import object_id
from adapters.mock.model import MockBot, MockChat, MockMessage, MockUser
from adapters.mock.updates import UpdateRecord
from adapters.mock.world import MessengerWorld

UPDATE_TYPES = {
    "new": ("NewMessage", "new_message"),
    "edited": ("UpdatedMessage", "updated_message"),
}
"""Neutral event → (Update ``type``, the field holding the Message)."""

FILE_KINDS = {
    "File": "document",
    "Image": "photo",
    "Voice": "voice",
    "Music": "audio",
    "Gif": "animation",
    "Video": "video",
}
"""``requestSendFile`` ``type`` → the world's file kind."""


def cursor(record: UpdateRecord) -> str:
    """The 24-hex, time-prefixed cursor of one queued update."""
    return object_id(record.t, record.seq)


def sender_type(user: MockUser | None) -> str:
    """``User`` or ``Bot``."""
    return "Bot" if user is not None and user.is_bot else "User"


def message(world: MessengerWorld, m: MockMessage) -> dict[str, Any]:
    """A ``Message`` object."""
    sender = world.users.get(m.sender_id) if m.sender_id else None
    out: dict[str, Any] = {"message_id": m.message_id}
    if m.text:
        out["text"] = m.text
    out.update(
        {
            "time": str(int(m.date)),
            "is_edited": m.edit_date is not None,
            "sender_type": sender_type(sender),
            "sender_id": m.sender_id or "",
        }
    )
    if m.reply_to is not None:
        out["reply_to_message_id"] = m.reply_to
    if m.file is not None:
        out["file"] = {
            "file_id": m.file.file_id,
            "file_name": m.file.name,
            "size": str(m.file.size),
        }
    if m.forward:
        source = world.chats.get(str(m.forward.get("chat_id")))
        out["forwarded_from"] = {
            "type_from": "Channel" if source and source.type == "channel" else "User",
            "message_id": str(m.forward.get("message_id")),
            "from_chat_id": str(m.forward.get("chat_id")),
            "from_sender_id": str(m.forward.get("sender_id") or ""),
        }
    if m.entities:
        out["metadata"] = {"meta_data_parts": m.entities}
    return out


def update(world: MessengerWorld, record: UpdateRecord) -> dict[str, Any] | None:
    """One ``Update`` (None for an event Rubika does not deliver through getUpdates)."""
    if record.kind == "raw":
        raw = record.data.get("update")
        return dict(raw) if isinstance(raw, dict) else None
    if record.chat is None:
        return None
    chat_id = record.chat.id
    if record.kind in UPDATE_TYPES and record.message is not None:
        kind, field = UPDATE_TYPES[record.kind]
        return {"type": kind, "chat_id": chat_id, field: message(world, record.message)}
    if record.kind == "deleted":
        return {
            "type": "RemovedMessage",
            "chat_id": chat_id,
            "removed_message_id": str(record.data.get("message_id")),
        }
    if record.kind == "started":
        return {"type": "StartedBot", "chat_id": chat_id}
    return None


def _person(user: MockUser, chat_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "chat_id": chat_id,
        "chat_type": "Bot" if user.is_bot else "User",
        "user_id": user.id,
        "first_name": user.first_name,
    }
    if user.last_name:
        out["last_name"] = user.last_name
    if user.username:
        out["username"] = user.username
    return out


def chat(world: MessengerWorld, ref: str) -> dict[str, Any] | None:
    """``getChat``'s ``chat``: a chat by id or username, or a user by id (None: unknown)."""
    found: MockChat | None = world.resolve_chat(ref)
    if found is None:
        user = world.users.get(ref)
        return _person(user, user.id) if user is not None else None
    if found.is_private:
        user = world.users.get(found.user_id or "")
        if user is not None:
            return _person(user, found.id)
        return {"chat_id": found.id, "chat_type": "User", "first_name": found.title or ""}
    out: dict[str, Any] = {
        "chat_id": found.id,
        "chat_type": "Channel" if found.type == "channel" else "Group",
        "title": found.title or "",
    }
    if found.username:
        out["username"] = found.username
    return out


def bot(b: MockBot) -> dict[str, Any]:
    """``getMe``'s ``bot``."""
    return {
        "bot_id": b.bot_id,
        "bot_title": b.name,
        "username": b.username,
        "description": b.description,
        "start_message": str(b.ext.get("rubika", {}).get("start_message", "")),
        "share_url": f"https://rubika.ir/{b.username}",
    }
