"""The Eitaayar methods of the Eitaa mock: getMe, sendMessage, sendFile (and deleteMessage).

Eitaayar is send-only and undocumented (messenger-apis.md §6); every client spells things its
own way, so each parameter is read in every spelling seen [CONFLICT → accept both]:

================================  ============================================================
``chat_id``                       a numeric id or a channel/group username (``@`` optional)
``reply_to_message_id``           also ``id_message_to_reply`` (eitaayarbot, eitaapy, public
                                  code); must name a message of that chat
``disable_notification``          also ``notification_disable``; 1/0, true/false, on/off
``pin``                           1/0, true/false, on/off (a public script sends ``pin=off``)
``date``                          unix seconds (a float is accepted); in the future the post is
                                  *scheduled*: kept aside (the control API's ``chats`` lists it
                                  under ``scheduled``) until the mock clock passes it; ``0`` or
                                  a past time posts now
``viewCountForDelete``            a positive integer (also ``view_count_for_delete``)
``title``                         kept with the post (Eitaayar's internal search title)
================================  ============================================================

Answers (inferred): ``sendMessage``/``sendFile`` → ``{"message_id": N}``; ``getMe`` → a
Telegram-like ``{"id", "first_name", "username"}`` (a guess: no source shows it).
``deleteMessage(chat_id, message_id)`` appears in one unverified client only; it is accepted.
Only the two sends count against the rate table (20/min per channel; 429 with ``retry_after``).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.mock.model import MockBot, MockChat, MockMessage
from adapters.mock.params import Params
from adapters.mock.world import MessengerWorld
from adapters.ratelimit import retry_after_header

MAX_TEXT = 4096  # unknown for Eitaa (§6.3): Telegram's
MAX_UPLOAD = 50 * 1024 * 1024  # unknown: Telegram's


class EitaaError(Exception):
    """An ``ok: false`` answer; the HTTP status equals ``code``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad(description: str) -> EitaaError:
    """A 400 with Telegram's ``Bad Request:`` wording."""
    return EitaaError(400, f"Bad Request: {description}")


@dataclass
class Ctx:
    """One request: the world, the bot and its parameters."""

    world: MessengerWorld
    bot: MockBot
    params: Params

    def first(self, *names: str) -> str | None:
        """The first of ``names`` that was given (the spelling a client used), or None."""
        return next((n for n in names if self.params.values.get(n) not in (None, "")), None)

    def chat(self) -> MockChat:
        """The channel or group to post to: one the bot is an admin of."""
        ref = self.params.chat_ref("chat_id")
        if not ref:
            raise bad("chat_id is empty")
        chat = self.world.resolve_chat(ref)
        if chat is None:
            raise bad("chat not found")
        if self.world.access(self.bot, chat) != "ok":
            raise EitaaError(403, "Forbidden: the bot is not an admin of this chat")
        return chat

    def text(self, name: str, *, required: bool) -> str:
        """A text field, checked for presence and length."""
        text = self.params.text(name) or ""
        if required and not text.strip():
            raise bad("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad("message is too long")
        return text

    def reply_to(self, chat: MockChat) -> str | None:
        """The message replied to, in either spelling."""
        name = self.first("reply_to_message_id", "id_message_to_reply")
        if name is None:
            return None
        wanted = self.params.integer(name)
        target = self.world.message(self.bot, chat.id, str(wanted))
        if target is None or target.deleted:
            raise bad("message to be replied not found")
        return target.message_id

    def scheduled_at(self) -> float | None:
        """``date`` in the future, or None (absent, 0 or past: post now)."""
        when = self.params.number("date")
        if when is None or when <= self.world.clock.now():
            return None
        return when

    def extra(self) -> dict[str, Any]:
        """title, pin, viewCountForDelete and the silent flag, kept on the post."""
        p = self.params
        out: dict[str, Any] = {}
        title = p.text("title")
        if title:
            out["title"] = title
        if p.flag("pin"):
            out["pin"] = True
        silent = self.first("disable_notification", "notification_disable")
        if silent is not None and p.flag(silent):
            out["disable_notification"] = True
        views = self.first("viewCountForDelete", "view_count_for_delete")
        if views is not None:
            count = p.integer(views)
            if count is None or count <= 0:
                raise bad("viewCountForDelete must be a positive integer")
            out["viewCountForDelete"] = count
        return out

    def rate(self, chat: MockChat) -> None:
        """Take a slot from the rate table or raise the 429."""
        delay = self.world.rate_check(self.bot, chat)
        if delay > 0:
            seconds = retry_after_header(delay)
            raise EitaaError(429, f"Too Many Requests: retry after {seconds}", seconds)

    def post(self, chat: MockChat, **fields: Any) -> dict[str, Any]:
        """Make the post (scheduled or not) and answer with its id."""
        when = self.scheduled_at()
        reply_to = self.reply_to(chat)
        extra = self.extra()
        self.rate(chat)
        if when is not None:
            fields.update(date=when, scheduled_at=when)
        sent = self.world.bot_send(self.bot, chat, reply_to=reply_to, extra=extra, **fields)
        return {"message_id": self.world.ids.to_wire(sent.message_id)}


Handler = Callable[[Ctx], Awaitable[Any]]


@dataclass(frozen=True)
class Method:
    """One Eitaayar method of the mock."""

    name: str  # canonical spelling, as logged
    fn: Handler
    effect: bool = False


def _file_kind(name: str, mime: str) -> str:
    """Eitaa goes by the file name: ``.gif`` is a GIF, ``.webp`` a sticker ([S-pyeitaa])."""
    lower = name.lower()
    if lower.endswith(".gif"):
        return "animation"
    if lower.endswith(".webp"):
        return "sticker"
    major = (mimetypes.guess_type(name)[0] or mime).split("/", 1)[0]
    return {"image": "photo", "video": "video", "audio": "audio"}.get(major, "document")


async def get_me(ctx: Ctx) -> Any:
    """getMe: a Telegram-like ``{"id", "first_name", "username"}`` (a guess)."""
    bot = ctx.bot
    return {
        "id": ctx.world.ids.to_wire(bot.bot_id),
        "first_name": bot.name,
        "username": bot.username,
    }


async def send_message(ctx: Ctx) -> Any:
    """sendMessage(chat_id, text, title?, date?, pin?, viewCountForDelete?, …)."""
    chat = ctx.chat()
    return ctx.post(chat, text=ctx.text("text", required=True))


async def send_file(ctx: Ctx) -> Any:
    """sendFile: multipart ``file`` + the fields of sendMessage + ``caption``."""
    chat = ctx.chat()
    upload = ctx.params.files.get("file")
    if upload is None:
        raise bad("there is no file in the request")
    if not upload.data:
        raise bad("file must be non-empty")
    if len(upload.data) > MAX_UPLOAD:
        raise EitaaError(413, "Request Entity Too Large")
    caption = ctx.text("caption" if ctx.params.has("caption") else "text", required=False)
    kind = _file_kind(upload.filename, upload.content_type)
    generic = upload.content_type in ("", "application/octet-stream")
    with ctx.world.lock:
        stored = ctx.world.files.add(
            upload.data,
            name=upload.filename,
            mime=None if generic else upload.content_type,
            kind=kind,
        )
    return ctx.post(chat, text=caption, file=stored, media_kind=kind)


async def delete_message(ctx: Ctx) -> Any:
    """deleteMessage(chat_id, message_id) (unverified: one client only) → ``true``."""
    chat = ctx.chat()
    mid = ctx.params.integer("message_id")
    if mid is None:
        raise bad("message identifier is not specified")
    message: MockMessage | None = ctx.world.message(ctx.bot, chat.id, str(mid))
    if message is None or message.deleted:
        raise bad("message to delete not found")
    ctx.world.bot_delete(message)
    return True


METHODS: dict[str, Method] = {
    m.name.lower(): m
    for m in (
        Method("getMe", get_me),
        Method("sendMessage", send_message, effect=True),
        Method("sendFile", send_file, effect=True),
        Method("deleteMessage", delete_message, effect=True),
    )
}
"""Lower-cased method name → :class:`Method` (Eitaa clients use every case)."""
