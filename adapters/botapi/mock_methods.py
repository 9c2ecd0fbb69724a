"""The Bot API methods of the Telegram-style mock, over the shared world.

Each handler gets a :class:`~adapters.botapi.mock_ctx.Ctx` and returns the ``result`` value or
raises :class:`~adapters.botapi.mock_profile.ApiError`. Descriptions follow Telegram's wording so
that clients matching on them behave as against the real server. Rules that hold on the real APIs:
a bot cannot message a user who never started it (403), never sees its own messages as updates,
may edit only its own messages; only message-producing methods count against the rate table.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import Receive

from adapters.botapi.mock_ctx import Ctx
from adapters.botapi.mock_profile import ApiError, BotApiProfile
from adapters.mock.params import ParamError
from adapters.mock.updates import PollTicket

MAX_POLL_S = 50.0  # the Bot API server clamps timeout to 50 s
CONFLICT_OTHER = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


Handler = Callable[[Ctx], Awaitable[Any]]


@dataclass(frozen=True)
class Method:
    """One Bot API method of the mock."""

    name: str  # canonical spelling, as logged
    fn: Handler
    effect: bool = False  # changes state on the server
    poll: bool = False


# --- identity and updates ---------------------------------------------------------------------


async def get_me(ctx: Ctx) -> Any:
    """getMe."""
    return ctx.render.me()


async def _watch_disconnect(receive: Receive, ticket: PollTicket) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    ticket.close()


async def get_updates(ctx: Ctx) -> Any:
    """getUpdates: ack by offset, a long poll, 409s (webhook set; a newer poll)."""
    p, bot = ctx.params, ctx.bot
    if bot.webhook_url:
        raise ApiError(409, CONFLICT_WEBHOOK)
    offset = p.integer("offset")
    limit = p.integer("limit")
    limit = 100 if limit is None else min(100, max(1, limit))  # clamped, as the real server does
    timeout = min(MAX_POLL_S, max(0.0, p.number("timeout") or 0.0))
    allowed = p.json("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = frozenset(str(a) for a in allowed) or None
    if offset is not None and offset < 0:
        bot.queue.keep_last(-offset)
    elif offset is not None:
        bot.queue.confirm_below(offset)
    ticket = bot.queue.begin_poll()
    watcher = asyncio.create_task(_watch_disconnect(ctx.receive, ticket)) if timeout else None
    try:
        records = await bot.queue.wait_for_updates(
            ticket, timeout, limit, replay=ctx.fault == "replay"
        )
    finally:
        bot.queue.end_poll(ticket)
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
    if records is None:
        raise ApiError(409, CONFLICT_OTHER)
    with ctx.world.lock:
        return [ctx.render.update(r) for r in records]


# --- sending ----------------------------------------------------------------------------------


async def send_message(ctx: Ctx) -> Any:
    """sendMessage."""
    chat = ctx.chat()
    text, entities = ctx.formatted(ctx.params.text("text") or "")
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > ctx.profile.max_text:
        raise ApiError(400, "Bad Request: message is too long")
    reply_to = ctx.reply_to(chat)
    ctx.rate(chat)
    with ctx.world.lock:
        sent = ctx.world.bot_send(ctx.bot, chat, text=text, entities=entities, reply_to=reply_to)
        return ctx.render.message(sent)


def send_media(field: str) -> Handler:
    """sendDocument, sendPhoto, …: one-step upload (multipart) or a file_id/URL string."""

    async def run(ctx: Ctx) -> Any:
        chat = ctx.chat()
        stored = ctx.media(field)
        caption, entities = ctx.formatted(ctx.params.text("caption") or "", "caption_entities")
        if len(caption) > ctx.profile.max_caption:
            raise ApiError(400, "Bad Request: message caption is too long")
        reply_to = ctx.reply_to(chat)
        ctx.rate(chat)
        with ctx.world.lock:
            sent = ctx.world.bot_send(
                ctx.bot,
                chat,
                text=caption,
                entities=entities,
                reply_to=reply_to,
                file=stored,
                media_kind=field,
            )
            return ctx.render.message(sent)

    return run


def relay(copy: bool) -> Handler:
    """forwardMessage (keeps the origin) and copyMessage (a new message, answers its id)."""

    async def run(ctx: Ctx) -> Any:
        chat = ctx.chat()
        source_chat = ctx.chat("from_chat_id", post=False)
        verb = "copy" if copy else "forward"
        source = ctx.message_id(source_chat, f"message to {verb} not found")
        text, entities = source.text, source.entities
        if copy and ctx.params.has("caption"):
            text, entities = ctx.formatted(ctx.params.text("caption") or "", "caption_entities")
        ctx.rate(chat)
        fields: dict[str, Any] = {
            "text": text,
            "entities": entities,
            "file": source.file,
            "media_kind": source.media_kind,
        }
        if not copy:
            fields["forward"] = {
                "chat_id": source_chat.id,
                "message_id": source.message_id,
                "date": source.date,
                "sender_id": source.sender_id,
            }
        with ctx.world.lock:
            sent = ctx.world.bot_send(ctx.bot, chat, **fields)
            if copy:
                return {"message_id": ctx.world.ids.to_wire(sent.message_id)}
            return ctx.render.message(sent)

    return run


# --- editing and deleting -----------------------------------------------------------------------


def edit(caption: bool) -> Handler:
    """editMessageText / editMessageCaption: only the bot's own messages."""

    async def run(ctx: Ctx) -> Any:
        if ctx.params.has("inline_message_id"):
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = ctx.chat(post=False)
        message = ctx.message_id(chat, "message to edit not found")
        if message.direction != "out":
            raise ApiError(400, "Bad Request: message can't be edited")
        if caption != (message.file is not None):
            what = "caption" if caption else "text"
            raise ApiError(400, f"Bad Request: there is no {what} in the message to edit")
        key = "caption" if caption else "text"
        text, entities = ctx.formatted(
            ctx.params.text(key) or "", "caption_entities" if caption else "entities"
        )
        if not caption and not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        limit = ctx.profile.max_caption if caption else ctx.profile.max_text
        if len(text) > limit:
            raise ApiError(400, f"Bad Request: message {key} is too long")
        if text == message.text and entities == message.entities:
            raise ApiError(400, NOT_MODIFIED)
        with ctx.world.lock:
            ctx.world.bot_edit(ctx.bot, message, text, entities)
            if ctx.profile.edit_stub:
                now = int(ctx.world.clock.now())
                return {"message_id": 0, "date": now, "chat": ctx.render.chat(chat)}
            return ctx.render.message(message)

    return run


async def delete_message(ctx: Ctx) -> Any:
    """deleteMessage."""
    chat = ctx.chat(post=False)
    message = ctx.message_id(chat, "message to delete not found")
    ctx.world.bot_delete(message)
    return True


# --- files and chats ----------------------------------------------------------------------------


async def get_file(ctx: Ctx) -> Any:
    """getFile: a ``File`` with its ``file_path`` (20 MB limit)."""
    file_id = ctx.params.text("file_id")
    found = ctx.world.files.by_id(file_id) if file_id else None
    if found is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    if found.size > ctx.profile.max_download_bytes:
        raise ApiError(400, "Bad Request: file is too big")
    return ctx.render.file(found)


async def get_chat(ctx: Ctx) -> Any:
    """getChat."""
    chat = ctx.chat(post=False)
    with ctx.world.lock:
        return ctx.render.chat(chat, full=True) | dict(ctx.profile.full_chat_fields)


async def member_count(ctx: Ctx) -> Any:
    """getChatMemberCount / getChatMembersCount."""
    return ctx.chat(post=False).member_count


async def send_chat_action(ctx: Ctx) -> Any:
    """sendChatAction (accepted, nothing happens)."""
    ctx.chat()
    if not ctx.params.text("action"):
        raise ApiError(400, "Bad Request: wrong parameter action in request")
    return True


# --- webhooks, callbacks, the rest --------------------------------------------------------------


async def set_webhook(ctx: Ctx) -> Any:
    """setWebhook (only a flag: the mock never calls the URL)."""
    url = ctx.params.text("url") or ""
    if url and not url.startswith(("https://", "http://")):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    ctx.bot.webhook_url = url or None
    if ctx.params.flag("drop_pending_updates"):
        ctx.bot.queue.clear()
    return True


async def delete_webhook(ctx: Ctx) -> Any:
    """deleteWebhook."""
    ctx.bot.webhook_url = None
    if ctx.params.flag("drop_pending_updates"):
        ctx.bot.queue.clear()
    return True


async def get_webhook_info(ctx: Ctx) -> Any:
    """getWebhookInfo."""
    return {
        "url": ctx.bot.webhook_url or "",
        "has_custom_certificate": False,
        "pending_update_count": ctx.bot.queue.pending_count(),
    }


async def answer_callback_query(ctx: Ctx) -> Any:
    """answerCallbackQuery: each query id once."""
    cbid = ctx.params.text("callback_query_id") or ""
    if ctx.bot.callbacks.pop(cbid, None) is None:
        raise ApiError(
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
    return True


async def get_my_commands(ctx: Ctx) -> Any:
    """getMyCommands."""
    return ctx.bot.ext.get("commands", [])


async def set_my_commands(ctx: Ctx) -> Any:
    """setMyCommands."""
    commands = ctx.params.json("commands")
    if not isinstance(commands, list):
        raise ParamError("commands must be a JSON array")
    ctx.bot.ext["commands"] = commands
    return True


async def delete_my_commands(ctx: Ctx) -> Any:
    """deleteMyCommands."""
    ctx.bot.ext.pop("commands", None)
    return True


async def ok_true(ctx: Ctx) -> Any:
    """Methods that only answer ``true`` (logOut, close)."""
    return True


MEDIA_FIELDS = ("document", "photo", "audio", "video", "voice", "animation")


def method_table(profile: BotApiProfile) -> dict[str, Method]:
    """Canonical name → :class:`Method` for this profile."""
    table = [
        Method("getMe", get_me),
        Method("getUpdates", get_updates, poll=True),
        Method("sendMessage", send_message, effect=True),
        Method("editMessageText", edit(caption=False), effect=True),
        Method("editMessageCaption", edit(caption=True), effect=True),
        Method("deleteMessage", delete_message, effect=True),
        Method("forwardMessage", relay(copy=False), effect=True),
        Method("copyMessage", relay(copy=True), effect=True),
        Method("getFile", get_file),
        Method("getChat", get_chat),
        Method("sendChatAction", send_chat_action, effect=True),
        Method("setWebhook", set_webhook, effect=True),
        Method("deleteWebhook", delete_webhook, effect=True),
        Method("getWebhookInfo", get_webhook_info),
        Method("answerCallbackQuery", answer_callback_query, effect=True),
        Method("getMyCommands", get_my_commands),
        Method("setMyCommands", set_my_commands, effect=True),
        Method("deleteMyCommands", delete_my_commands, effect=True),
        Method("logOut", ok_true, effect=True),
        Method("close", ok_true, effect=True),
    ]
    table += [Method(f"send{f.capitalize()}", send_media(f), effect=True) for f in MEDIA_FIELDS]
    table += [Method(name, member_count) for name in profile.member_count_methods]
    return {m.name: m for m in table}
