"""The Rubika Bot API v3 methods of the mock, over the shared world.

Each handler gets a :class:`Ctx` and returns the envelope's ``data`` or raises
:class:`RubikaError` (answered with HTTP 200 and the combined error body). Rules kept from the
real service: a bot cannot start a private chat (the user must have written first), never sees
its own messages as updates, edits only its own messages; only message-producing methods
(sendMessage, sendFile, forwardMessage) count against the rate table (``TOO_REQUESTS``, no
``retry_after``).

``getUpdates`` (messenger-apis.md §5.3): no long poll; ``offset_id`` (alias ``start_id``)
confirms every queued update whose cursor is ``<=`` it, compared as strings, so cursors the
server never issued work (aiorubi starts from ``f"{ts:08x}" + "0" * 16``); the answer holds
the updates after it and ``next_offset_id`` = the cursor of the **last update delivered**, to
be passed back as is. With nothing new the given cursor is echoed (without one: a cursor of the
mock's "now", so nothing that arrives later is skipped).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.mock.ids import object_id
from adapters.mock.model import MockBot, MockChat, MockMessage
from adapters.mock.params import ParamError, Params
from adapters.mock.world import MessengerWorld
from adapters.rubika import mock_render as render
from adapters.rubika.metadata import utf16_table

MAX_TEXT = 4096  # unknown for Rubika (§5.5): Telegram's, in code points
MAX_LIMIT = 100
FILE_TYPES = frozenset(render.FILE_KINDS)
ENDPOINT_TYPES = frozenset(
    {
        "ReceiveUpdate",
        "ReceiveInlineMessage",
        "ReceiveQuery",
        "GetSelectionItem",
        "SearchSelectionItems",
    }
)
_HEX = frozenset("0123456789abcdef")


class RubikaError(Exception):
    """An API error: ``code`` is ``INVALID_INPUT``, ``INVALID_ACCESS``, ``TOO_REQUESTS`` …"""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> RubikaError:
    """An ``INVALID_INPUT`` error."""
    return RubikaError("INVALID_INPUT", message)


@dataclass
class Ctx:
    """One request: the world, the bot, its parameters, the fault letting it run, the base URL
    of the mock as the client reached it (``http://<Host>/rubika``, for upload/download URLs)."""

    world: MessengerWorld
    bot: MockBot
    params: Params
    fault: str | None
    base_url: str

    @property
    def state(self) -> dict[str, Any]:
        """This bot's Rubika-only state (endpoints, commands)."""
        state: dict[str, Any] = self.bot.ext.setdefault("rubika", {})
        return state

    def text(self, name: str) -> str | None:
        """A string parameter (a number is taken as its string form)."""
        try:
            return self.params.text(name)
        except ParamError:
            raise invalid(f"{name} must be a string") from None

    def ident(self, name: str) -> str:
        """A required id parameter (string or number) as the internal string."""
        value = self.text(name)
        if not value or not value.strip():
            raise invalid(f"{name} is required")
        return value.strip()

    def chat(self, name: str = "chat_id", *, post: bool = True) -> MockChat:
        """The chat a parameter names; ``post``: the bot is about to write to it."""
        ref = self.ident(name)
        chat = self.world.resolve_chat(ref)
        if chat is None or (not post and chat.id not in self.bot.dialogs):
            raise invalid(f"{name} is invalid: chat not found")
        if post and self.world.access(self.bot, chat) != "ok":
            # Rubika has no "forbidden" code; INVALID_ACCESS would read as a rejected token.
            raise invalid(f"{name} is invalid: the bot cannot send to this chat")
        return chat

    def message(self, chat: MockChat, name: str = "message_id") -> MockMessage:
        """A live message of ``chat``."""
        found = self.world.message(self.bot, chat.id, self.ident(name))
        if found is None or found.deleted:
            raise invalid(f"{name} is invalid: message not found")
        return found

    def body_text(self, *, required: bool) -> str:
        """``text`` checked for length (and presence when ``required``)."""
        text = self.text("text") or ""
        if required and not text.strip():
            raise invalid("text is empty")
        if len(text) > MAX_TEXT:
            raise invalid("text is too long")
        return text

    def metadata(self, text: str) -> list[dict[str, Any]] | None:
        """``metadata.meta_data_parts``, checked against ``text`` (UTF-16 offsets)."""
        try:
            meta = self.params.json("metadata")
        except ParamError:
            raise invalid("metadata must be JSON") from None
        if meta is None:
            return None
        parts = meta.get("meta_data_parts") if isinstance(meta, dict) else None
        if not isinstance(parts, list):
            raise invalid("metadata must be {meta_data_parts: [...]}")
        size = utf16_table(text)[-1]
        for part in parts:
            ok = (
                isinstance(part, dict)
                and isinstance(part.get("type"), str)
                and _whole(part.get("from_index"))
                and _whole(part.get("length"))
            )
            if not ok or part["from_index"] + part["length"] > size:
                raise invalid("metadata.meta_data_parts has an invalid part")
        return parts or None

    def reply_to(self, chat: MockChat) -> str | None:
        """``reply_to_message_id``: a message of the same chat."""
        if not self.text("reply_to_message_id"):
            return None
        return self.message(chat, "reply_to_message_id").message_id

    def rate(self, chat: MockChat) -> None:
        """Take a slot from the rate table or answer ``TOO_REQUESTS`` (no retry hint)."""
        if self.world.rate_check(self.bot, chat) > 0:
            raise RubikaError("TOO_REQUESTS", "too many requests")

    def extra(self) -> dict[str, Any]:
        """Optional send fields kept on the message (shown by the control API)."""
        out: dict[str, Any] = {}
        if self.params.flag("disable_notification"):
            out["disable_notification"] = True
        for key in ("inline_keypad", "chat_keypad", "chat_keypad_type"):
            if self.params.values.get(key) is not None:
                out[key] = self.params.json(key) if key != "chat_keypad_type" else self.text(key)
        return out


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


Handler = Callable[[Ctx], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Method:
    """One Bot API method of the mock."""

    name: str
    fn: Handler
    effect: bool = False  # changes state on the server: "ambiguous_send" applies
    poll: bool = False  # getUpdates: "replay" applies


# --- identity and updates ---------------------------------------------------------------------


async def get_me(ctx: Ctx) -> dict[str, Any]:
    """getMe → ``{"bot": Bot}``."""
    return {"bot": render.bot(ctx.bot)}


def _cursor_param(ctx: Ctx) -> str | None:
    for name in ("offset_id", "start_id"):  # start_id: the official prose's name
        raw = ctx.text(name)
        if raw is not None and raw.strip():
            value = raw.strip().lower()
            if len(value) > 24 or not set(value) <= _HEX:
                raise invalid(f"{name} is invalid")
            return value
    return None


async def get_updates(ctx: Ctx) -> dict[str, Any]:
    """getUpdates(offset_id?, limit?) → ``{"updates", "next_offset_id"}`` at once."""
    offset = _cursor_param(ctx)
    try:
        limit = ctx.params.integer("limit")
    except ParamError:
        raise invalid("limit must be an integer") from None
    limit = MAX_LIMIT if limit is None else min(MAX_LIMIT, max(1, limit))
    queue = ctx.bot.queue
    now = ctx.world.clock.now()  # before reading: a later update always sorts after it
    if offset is not None:
        queue.confirm_where(lambda r: render.cursor(r) <= offset)
    records = queue.select(limit, replay=ctx.fault == "replay")
    with ctx.world.lock:
        updates = [u for u in (render.update(ctx.world, r) for r in records) if u is not None]
    if records:
        last = render.cursor(records[-1])
        next_id = max(last, offset) if offset is not None else last
    else:
        next_id = offset if offset is not None else object_id(now, 0)
    return {"updates": updates, "next_offset_id": next_id}


# --- sending ----------------------------------------------------------------------------------


async def send_message(ctx: Ctx) -> dict[str, Any]:
    """sendMessage(chat_id, text, reply_to_message_id?, metadata?, …) → ``{"message_id"}``."""
    chat = ctx.chat()
    text = ctx.body_text(required=True)
    parts = ctx.metadata(text)
    reply_to = ctx.reply_to(chat)
    ctx.rate(chat)
    sent = ctx.world.bot_send(
        ctx.bot, chat, text=text, entities=parts, reply_to=reply_to, extra=ctx.extra()
    )
    return {"message_id": sent.message_id}


async def send_file(ctx: Ctx) -> dict[str, Any]:
    """sendFile(chat_id, file_id, text?, reply_to_message_id?, metadata?) → ``{"message_id"}``."""
    chat = ctx.chat()
    with ctx.world.lock:
        stored = ctx.world.files.by_id(ctx.ident("file_id"))
    if stored is None:
        raise invalid("file_id is invalid")
    text = ctx.body_text(required=False)
    parts = ctx.metadata(text)
    reply_to = ctx.reply_to(chat)
    ctx.rate(chat)
    sent = ctx.world.bot_send(
        ctx.bot,
        chat,
        text=text,
        entities=parts,
        reply_to=reply_to,
        file=stored,
        media_kind=stored.kind,
        extra=ctx.extra(),
    )
    return {"message_id": sent.message_id}


async def forward_message(ctx: Ctx) -> dict[str, Any]:
    """forwardMessage(from_chat_id, message_id, to_chat_id) → ``{"new_message_id"}``."""
    source_chat = ctx.chat("from_chat_id", post=False)
    source = ctx.message(source_chat)
    target = ctx.chat("to_chat_id")
    ctx.rate(target)
    origin = {
        "chat_id": source.chat_id,
        "message_id": source.message_id,
        "sender_id": source.sender_id,
        "date": int(source.date),
    }
    sent = ctx.world.bot_send(
        ctx.bot,
        target,
        text=source.text,
        entities=source.entities,
        file=source.file,
        media_kind=source.media_kind,
        forward=origin,
        extra=ctx.extra(),
    )
    return {"new_message_id": sent.message_id}


async def edit_message_text(ctx: Ctx) -> dict[str, Any]:
    """editMessageText(chat_id, message_id, text, metadata?) → ``{}``."""
    chat = ctx.chat(post=False)
    target = ctx.message(chat)
    if target.direction != "out":
        raise invalid("message_id is invalid: the bot can edit only its own messages")
    text = ctx.body_text(required=True)
    ctx.world.bot_edit(ctx.bot, target, text, ctx.metadata(text))
    return {}


async def delete_message(ctx: Ctx) -> dict[str, Any]:
    """deleteMessage(chat_id, message_id) → ``{}``."""
    chat = ctx.chat(post=False)
    ctx.world.bot_delete(ctx.message(chat))
    return {}


# --- files ------------------------------------------------------------------------------------


async def request_send_file(ctx: Ctx) -> dict[str, Any]:
    """requestSendFile(type) → ``{"upload_url"}`` on the mock host (``/upload/<ticket>``)."""
    kind = ctx.text("type")
    if kind not in FILE_TYPES:
        raise invalid(f"type must be one of {', '.join(sorted(FILE_TYPES))}")
    with ctx.world.lock:
        ticket = f"{ctx.world.rng.getrandbits(96):024x}"
        tickets = ctx.world.ext.setdefault("rubika", {}).setdefault("tickets", {})
        tickets[ticket] = {"token": ctx.bot.token, "type": kind}
    return {"upload_url": f"{ctx.base_url}/upload/{ticket}"}


async def get_file(ctx: Ctx) -> dict[str, Any]:
    """getFile(file_id) → ``{"download_url"}`` (``/download/<file_id>/<name>``, no token)."""
    with ctx.world.lock:
        stored = ctx.world.files.by_id(ctx.ident("file_id"))
    if stored is None:
        raise invalid("file_id is invalid")
    name = urllib.parse.quote(stored.name or "file", safe="")
    return {"download_url": f"{ctx.base_url}/download/{stored.file_id}/{name}"}


# --- chats and settings -----------------------------------------------------------------------


async def get_chat(ctx: Ctx) -> dict[str, Any]:
    """getChat(chat_id) → ``{"chat": Chat}`` for a chat or a user id."""
    ref = ctx.ident("chat_id")
    with ctx.world.lock:
        found = render.chat(ctx.world, ref)
    if found is None:
        raise invalid("chat_id is invalid: chat not found")
    return {"chat": found}


async def update_bot_endpoints(ctx: Ctx) -> dict[str, Any]:
    """updateBotEndpoints / updateBotEndpoint(url, type) → ``{"status": "Done"|"InvalidUrl"}``.

    The URL is stored (the control API's world shows it) but never called: the mock does not
    deliver webhooks, and getUpdates keeps working.
    """
    kind = ctx.text("type")
    if kind not in ENDPOINT_TYPES:
        raise invalid(f"type must be one of {', '.join(sorted(ENDPOINT_TYPES))}")
    url = ctx.text("url") or ""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:  # HTTPS is required [D-rubika]
        return {"status": "InvalidUrl"}
    with ctx.world.lock:
        ctx.state.setdefault("endpoints", {})[kind] = url
    return {"status": "Done"}


async def set_commands(ctx: Ctx) -> dict[str, Any]:
    """setCommands(bot_commands: [{command, description}]) → ``{}``."""
    try:
        commands = ctx.params.json("bot_commands")
    except ParamError:
        raise invalid("bot_commands must be JSON") from None
    ok = isinstance(commands, list) and all(
        isinstance(c, dict) and isinstance(c.get("command"), str) for c in commands
    )
    if not ok:
        raise invalid("bot_commands must be a list of {command, description}")
    with ctx.world.lock:
        ctx.state["commands"] = commands
    return {}


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("getMe", get_me),
        Method("getUpdates", get_updates, poll=True),
        Method("sendMessage", send_message, effect=True),
        Method("sendFile", send_file, effect=True),
        Method("forwardMessage", forward_message, effect=True),
        Method("editMessageText", edit_message_text, effect=True),
        Method("deleteMessage", delete_message, effect=True),
        Method("requestSendFile", request_send_file),
        Method("getFile", get_file),
        Method("getChat", get_chat),
        Method("updateBotEndpoints", update_bot_endpoints, effect=True),
        Method("updateBotEndpoint", update_bot_endpoints, effect=True),  # the official prose
        Method("setCommands", set_commands, effect=True),
    )
}
"""Method name (as Rubika spells it) → :class:`Method`."""
