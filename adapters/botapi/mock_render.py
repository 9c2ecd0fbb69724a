"""World records → Telegram Bot API JSON (User, Chat, Message, Update, File), for the mock.

Shapes follow core.telegram.org/bots/api as Bale and Soroush Plus copy them: integer ids, unix
dates, ``text``+``entities`` or ``caption``+``caption_entities``, classic forward fields and the
newer ``forward_origin`` side by side (old and new clients both find what they read).
Callers hold ``world.lock``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from adapters.mock.model import MockBot, MockChat, MockMessage, MockUser, StoredFile
from adapters.mock.updates import UpdateRecord
from adapters.mock.world import MessengerWorld

UPDATE_KEYS = {
    ("new", False): "message",
    ("new", True): "channel_post",
    ("edited", False): "edited_message",
    ("edited", True): "edited_channel_post",
    ("callback", False): "callback_query",
    ("callback", True): "callback_query",
}
"""(neutral event, in a channel?) → the Update field it arrives in. ``deleted`` has none."""


def _chat_instance(bot_id: str, chat_id: str) -> str:
    digest = hashlib.sha256(f"{bot_id}/{chat_id}".encode()).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**18)


def update_key(event: str, chat: MockChat) -> str | None:
    """The Update field an event arrives in, or None (no such update)."""
    return UPDATE_KEYS.get((event, chat.type == "channel"))


class Renderer:
    """Renders one world's records for one bot."""

    def __init__(self, world: MessengerWorld, bot: MockBot) -> None:
        self.world = world
        self.bot = bot
        self.wire = world.ids.to_wire

    def user(self, user: MockUser) -> dict[str, Any]:
        """A ``User`` object."""
        out: dict[str, Any] = {
            "id": self.wire(user.id),
            "is_bot": user.is_bot,
            "first_name": user.first_name,
        }
        if user.last_name:
            out["last_name"] = user.last_name
        if user.username:
            out["username"] = user.username
        if user.language_code:
            out["language_code"] = user.language_code
        return out

    def me(self) -> dict[str, Any]:
        """getMe's ``User`` of the bot itself."""
        bot = self.bot
        return {
            "id": self.wire(bot.bot_id),
            "is_bot": True,
            "first_name": bot.name,
            "username": bot.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def chat(self, chat: MockChat, *, full: bool = False) -> dict[str, Any]:
        """A ``Chat`` object (``full``: getChat's extra fields)."""
        out: dict[str, Any] = {"id": self.wire(chat.id), "type": chat.type}
        if chat.is_private:
            user = self.world.users.get(chat.user_id or "")
            if user is not None:
                out["first_name"] = user.first_name
                if user.last_name:
                    out["last_name"] = user.last_name
                if user.username:
                    out["username"] = user.username
        else:
            out["title"] = chat.title or ""
            if chat.username:
                out["username"] = chat.username
        if full and chat.description:
            out["description"] = chat.description
        return out

    def file(self, f: StoredFile) -> dict[str, Any]:
        """A ``File`` object (getFile)."""
        return {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": f.size,
            "file_path": f.file_path,
        }

    def media(self, kind: str, f: StoredFile) -> Any:
        """The media field of a message (``photo`` is a list of sizes)."""
        base: dict[str, Any] = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": f.size,
        }
        if kind == "photo":
            return [base | {"width": f.width or 320, "height": f.height or 320}]
        base |= {"file_name": f.name, "mime_type": f.mime}
        if kind in ("video", "animation"):
            base |= {"width": f.width or 0, "height": f.height or 0, "duration": 0}
        elif kind in ("audio", "voice"):
            base["duration"] = 0
        return base

    def message(
        self, m: MockMessage, *, nested: bool = False, chat: MockChat | None = None
    ) -> dict[str, Any]:
        """``chat``: the chat as it was (an update's snapshot); default: as it is now."""
        chat = chat or self.world.chats[m.chat_id]
        out: dict[str, Any] = {
            "message_id": self.wire(m.message_id),
            "date": int(m.date),
            "chat": self.chat(chat),
        }
        if chat.type == "channel":
            out["sender_chat"] = self.chat(chat)
        else:
            sender = self.world.users.get(m.sender_id or "")
            if sender is not None:
                out["from"] = self.user(sender)
        if m.edit_date is not None:
            out["edit_date"] = int(m.edit_date)
        if m.forward:
            out.update(self._forward(m.forward))
        if m.reply_to is not None and not nested:
            target = self.bot.dialogs[m.chat_id].messages.get(m.reply_to)
            if target is not None and not target.deleted:
                out["reply_to_message"] = self.message(target, nested=True)
        if m.file is not None:
            out[m.media_kind or "document"] = self.media(m.media_kind or "document", m.file)
            if m.text:
                out["caption"] = m.text
            if m.entities:
                out["caption_entities"] = m.entities
        else:
            out["text"] = m.text
            if m.entities:
                out["entities"] = m.entities
        return out

    def _forward(self, fwd: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"forward_date": int(fwd["date"])}
        origin_chat = self.world.chats.get(fwd["chat_id"])
        sender = self.world.users.get(fwd.get("sender_id") or "")
        if origin_chat is not None and origin_chat.type == "channel":
            chat_json = self.chat(origin_chat)
            out["forward_from_chat"] = chat_json
            out["forward_from_message_id"] = self.wire(fwd["message_id"])
            out["forward_origin"] = {
                "type": "channel",
                "chat": chat_json,
                "message_id": self.wire(fwd["message_id"]),
                "date": int(fwd["date"]),
            }
        elif sender is not None:
            out["forward_from"] = self.user(sender)
            out["forward_origin"] = {
                "type": "user",
                "sender_user": self.user(sender),
                "date": int(fwd["date"]),
            }
        return out

    def update(self, record: UpdateRecord) -> dict[str, Any]:
        """An ``Update`` object for a queued record."""
        out: dict[str, Any] = {"update_id": record.seq}
        if record.kind == "raw":
            raw = record.data.get("update") or {}
            out.update({k: v for k, v in raw.items() if k != "update_id"})
            return out
        chat, message = record.chat, record.message
        if chat is None or message is None:
            return out
        key = update_key(record.kind, chat)
        if key is None:
            return out
        rendered = self.message(message, chat=chat)  # the chat's title as it was then
        if key == "callback_query":
            user = self.world.users.get(str(record.data.get("user_id")))
            out[key] = {
                "id": str(record.data.get("id")),
                "from": self.user(user) if user else {},
                "message": rendered,
                "chat_instance": _chat_instance(self.bot.bot_id, chat.id),
                "data": record.data.get("data", ""),
            }
        else:
            out[key] = rendered
        return out
