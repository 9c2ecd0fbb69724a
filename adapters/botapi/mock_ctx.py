"""The per-request context of the Telegram-style mock's methods, and the checks they share.

:class:`Ctx` resolves chats (with the real APIs' access rules: 403 for a user who never started
the bot, or a chat the bot is not in), applies ``parse_mode``/``entities``, finds reply targets,
takes media from uploads, ``attach://``, file_ids or URLs, and applies the rate table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.types import Receive

from adapters.botapi.mock_markup import MarkupError, parse
from adapters.botapi.mock_profile import ApiError, BotApiProfile
from adapters.botapi.mock_render import Renderer
from adapters.mock.model import MockBot, MockChat, MockMessage, StoredFile
from adapters.mock.params import Params
from adapters.mock.world import MessengerWorld
from adapters.ratelimit import retry_after_header


@dataclass
class Ctx:
    """One request's view: the world, the bot, its parameters and the fault letting it run."""

    world: MessengerWorld
    profile: BotApiProfile
    bot: MockBot
    params: Params
    fault: str | None
    receive: Receive
    render: Renderer

    def chat(self, name: str = "chat_id", *, post: bool = True) -> MockChat:
        """The chat a parameter names. ``post``: the bot is about to write to it."""
        ref = self.params.chat_ref(name)
        if not ref:
            raise ApiError(400, f"Bad Request: {name} is empty")
        chat = self.world.resolve_chat(ref)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        access = self.world.access(self.bot, chat)
        if access == "not_started" and post:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if access != "ok" and not post and chat.id not in self.bot.dialogs:
            raise ApiError(400, "Bad Request: chat not found")
        if access == "not_member":
            kind = "channel" if chat.type == "channel" else "group"
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat

    def formatted(
        self, text: str, entities_key: str = "entities"
    ) -> tuple[str, list[dict[str, Any]] | None]:
        """Text and entities after ``parse_mode`` (explicit entities win, as on Telegram)."""
        entities = self.params.json(entities_key)
        if entities is not None:
            ok = isinstance(entities, list) and all(
                isinstance(e, dict)
                and isinstance(e.get("type"), str)
                and isinstance(e.get("offset"), int)
                and isinstance(e.get("length"), int)
                for e in entities
            )
            if not ok:
                raise ApiError(400, f"Bad Request: can't parse {entities_key} JSON object")
            return text, entities or None
        mode = self.params.text("parse_mode")
        if not mode or self.profile.parse_modes is None:
            return text, None
        if mode.lower() not in self.profile.parse_modes:
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        try:
            plain, found = parse(text, mode)
        except MarkupError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        return plain, found or None

    def reply_to(self, chat: MockChat) -> str | None:
        """The message a send replies to: ``reply_to_message_id`` or ``reply_parameters``."""
        p = self.params
        wanted = p.integer("reply_to_message_id")
        lenient = p.flag("allow_sending_without_reply")
        ref = p.json("reply_parameters")
        if wanted is None and isinstance(ref, dict) and ref.get("message_id") is not None:
            wanted = int(ref["message_id"])
            lenient = lenient or bool(ref.get("allow_sending_without_reply"))
        if wanted is None:
            return None
        target = self.world.message(self.bot, chat.id, str(wanted))
        if target is None or target.deleted:
            if lenient:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return target.message_id

    def rate(self, chat: MockChat) -> None:
        """Take a slot from the rate table or raise the 429."""
        delay = self.world.rate_check(self.bot, chat)
        if delay > 0:
            seconds = retry_after_header(delay)
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", seconds)

    def media(self, field: str) -> StoredFile:
        """The file of a send: an upload, ``attach://name``, a known ``file_id``, or a URL."""
        p, prof = self.params, self.profile
        upload = p.files.get(field)
        if upload is None:
            value = p.values.get(field)
            if value is None:
                raise ApiError(400, f"Bad Request: there is no {field} in the request")
            if not isinstance(value, str):
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            if value.startswith("attach://"):
                upload = p.files.get(value.removeprefix("attach://"))
            elif p.body_kind == "json" and prof.reject_json_string_media:
                raise ApiError(400, "Bad Request: malformed request")
            elif value.startswith(("http://", "https://")):
                name = urlsplit(value).path.rsplit("/", 1)[-1]
                with self.world.lock:
                    return self.world.files.add(b"", name=name, kind=field, source_url=value)
            else:
                found = self.world.files.by_id(value)
                if found is None:
                    raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
                return found
            if upload is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if not upload.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        limit = prof.max_photo_bytes if field == "photo" else prof.max_upload_bytes
        if len(upload.data) > limit:
            raise ApiError(413, "Request Entity Too Large")
        mime = None if upload.content_type == "application/octet-stream" else upload.content_type
        with self.world.lock:
            return self.world.files.add(upload.data, name=upload.filename, mime=mime, kind=field)

    def message_id(self, chat: MockChat, missing: str) -> MockMessage:
        """The live message ``message_id`` names in ``chat``, or a 400 with ``missing``."""
        mid = self.params.integer("message_id")
        if mid is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = self.world.message(self.bot, chat.id, str(mid))
        if message is None or message.deleted:
            raise ApiError(400, f"Bad Request: {missing}")
        return message
