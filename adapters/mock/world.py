"""The shared in-memory world: one :class:`MessengerWorld` per messenger under one clock.

Everything a messenger's app and the control API do goes through these methods, which take
``world.lock`` (a re-entrant lock), so a world can be driven from the server's event loop and
from any other thread (the demo's simulated users, a synchronous test) at the same time. Long
polls are woken thread-safely by :class:`adapters.mock.updates.UpdateQueue`.

Per-messenger behaviour is data in a :class:`~adapters.mock.spec.MessengerSpec` (re-exported
here). See the package docstring for the extension guide.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from adapters.mock.clock import MockClock
from adapters.mock.faults import FaultPlan, RequestLog
from adapters.mock.files import FileStore
from adapters.mock.ids import ChatType
from adapters.mock.model import (
    Dialog,
    Direction,
    MockBot,
    MockChat,
    MockMessage,
    MockUser,
    StoredFile,
)
from adapters.mock.spec import CHAT_TYPES, Access, EmitRule, MessengerSpec, MockError
from adapters.mock.updates import UpdateQueue
from adapters.ratelimit import RateLimiter

__all__ = ["Access", "EmitRule", "MessengerSpec", "MessengerWorld", "MockError", "MockWorld"]


class MessengerWorld:
    """One messenger's bots, users, chats, messages, files, limits, faults and request log."""

    def __init__(self, spec: MessengerSpec, clock: MockClock, seed: int = 0) -> None:
        self.spec = spec
        self.name = spec.name
        self.clock = clock
        self.ids = spec.ids()
        self.rng = random.Random(f"{seed}:{spec.name}")
        self.lock = threading.RLock()
        self.bots: dict[str, MockBot] = {}
        self.users: dict[str, MockUser] = {}
        self.chats: dict[str, MockChat] = {}
        self.files = FileStore(self.ids, self.rng)
        self.log = RequestLog()
        self.faults: FaultPlan | None = None
        self.rate_scale = 1.0
        self.ext: dict[str, Any] = {}  # per-messenger world state, keyed by the messenger's name

    # --- bots --------------------------------------------------------------------------------

    def add_bot(
        self,
        name: str,
        username: str,
        *,
        token: str | None = None,
        channels: Iterable[str | Mapping[str, Any]] = (),
    ) -> MockBot:
        """Create a bot. ``channels``: usernames (or ``{"username","title","id"}``) it posts to."""
        with self.lock:
            if token is not None and token in self.bots:
                raise MockError(409, "a bot with that token exists")
            bot_id = (token and self.ids.bot_id_from_token(token)) or self.ids.new_bot_id(self.rng)
            token = token or self.ids.new_token(self.rng, bot_id)
            queue = UpdateQueue(
                self.clock,
                self.rng,
                first_seq=self.spec.first_update_id,
                retention_s=self.spec.retention_s,
                reseed_after_s=self.spec.reseed_after_s,
            )
            limiter = RateLimiter(self.spec.rate_limits.scaled(self.rate_scale))
            bot = MockBot(token, bot_id, name, username.lstrip("@"), queue, limiter)
            self.bots[token] = bot
            self.users[bot_id] = MockUser(bot_id, name, username=bot.username, is_bot=True)
            for ref in channels:
                chat = self._channel(ref)
                bot.channels.append(chat.id)
                self.dialog(bot, chat.id)
            return bot

    def bot(self, token: str) -> MockBot | None:
        """The bot that ``token`` unlocks (None: the messenger's auth error)."""
        return self.bots.get(token)

    def require_bot(self, token: str | None) -> MockBot:
        """The bot for ``token``, or :class:`MockError` 404 (the control API's answer)."""
        bot = self.bots.get(token or "")
        if bot is None:
            raise MockError(404, "unknown token")
        return bot

    def _channel(self, ref: str | Mapping[str, Any]) -> MockChat:
        spec: dict[str, Any] = {"username": ref} if isinstance(ref, str) else dict(ref)
        spec.setdefault("type", "channel")
        username = str(spec.get("username") or "").lstrip("@") or None
        found = self.resolve_chat(str(spec["id"])) if "id" in spec else None
        found = found or (self.resolve_chat(username) if username else None)
        if found is not None:
            return found
        chat_id = self.ids.normalize(spec["id"]) if "id" in spec else None
        return self.add_chat(
            spec["type"], title=spec.get("title") or username, username=username, chat_id=chat_id
        )

    # --- users and chats ---------------------------------------------------------------------

    def add_user(
        self, name: str, *, username: str | None = None, user_id: str | None = None
    ) -> MockUser:
        """Create a user (a fresh id in this messenger's format unless ``user_id``)."""
        with self.lock:
            uid = user_id or self.ids.new_user_id(self.rng)
            user = MockUser(uid, name, username=(username or "").lstrip("@") or None)
            self.users[uid] = user
            return user

    def find_or_add_user(self, spec: Mapping[str, Any]) -> MockUser:
        """A user by ``id``, else by ``username``, else a new one (``name`` is required then)."""
        with self.lock:
            uid = self.ids.normalize(spec["id"]) if spec.get("id") is not None else None
            username = str(spec.get("username") or "").lstrip("@") or None
            user = self.users.get(uid) if uid else None
            if user is None and username and uid is None:
                user = next((u for u in self.users.values() if u.username == username), None)
            if user is None:
                name = str(spec.get("name") or spec.get("first_name") or username or "")
                if not name:
                    raise MockError(400, "from.name is required for a new user")
                user = self.add_user(name, username=username, user_id=uid)
            return user

    def add_chat(
        self,
        chat_type: str,
        *,
        title: str | None = None,
        username: str | None = None,
        chat_id: str | None = None,
        user_id: str | None = None,
        member_count: int | None = None,
    ) -> MockChat:
        """Create a chat (a fresh id in this messenger's format unless ``chat_id``)."""
        if chat_type not in CHAT_TYPES:
            raise MockError(400, f"chat type must be one of {sorted(CHAT_TYPES)}")
        ctype: ChatType = chat_type  # type: ignore[assignment]
        with self.lock:
            cid = chat_id or self.ids.new_chat_id(self.rng, ctype)
            chat = MockChat(cid, ctype, title, (username or "").lstrip("@") or None, user_id)
            chat.member_count = member_count or (2 if ctype == "private" else 3)
            self.chats[cid] = chat
            return chat

    def resolve_chat(self, ref: str) -> MockChat | None:
        """A chat by id, ``@username`` or bare username."""
        with self.lock:
            chat = self.chats.get(ref)
            if chat is not None:
                return chat
            name = ref.lstrip("@").lower()
            return next(
                (c for c in self.chats.values() if (c.username or "").lower() == name), None
            )

    def chat_for_inbound(
        self, bot: MockBot, spec: Mapping[str, Any] | None, user: MockUser
    ) -> MockChat:
        """The chat an injected message goes to, created on first use."""
        spec = dict(spec or {})
        ctype = str(spec.get("type") or "private")
        with self.lock:
            if ctype == "private":
                cid = self.ids.normalize(spec["id"]) if spec.get("id") is not None else None
                cid = cid or self.ids.private_chat_id(user.id, bot.bot_id)
                chat = self.chats.get(cid)
                if chat is None:
                    chat = self.add_chat("private", chat_id=cid, user_id=user.id)
                return chat
            chat = None
            if spec.get("id") is not None:
                chat = self.chats.get(self.ids.normalize(spec["id"]))
            elif spec.get("username"):
                chat = self.resolve_chat(str(spec["username"]))
            elif spec.get("title"):
                known = [self.chats[c] for c in (*bot.dialogs, *bot.channels) if c in self.chats]
                chat = next(
                    (c for c in known if c.title == spec["title"] and c.type == ctype), None
                )
            if chat is None:
                cid = self.ids.normalize(spec["id"]) if spec.get("id") is not None else None
                chat = self.add_chat(
                    ctype,
                    title=str(spec.get("title") or "") or None,
                    username=spec.get("username"),
                    chat_id=cid,
                )
            return chat

    def dialog(self, bot: MockBot, chat_id: str) -> Dialog:
        """The bot's side of a chat, created on first use."""
        with self.lock:
            dialog = bot.dialogs.get(chat_id)
            if dialog is None:
                dialog = bot.dialogs[chat_id] = Dialog(chat_id)
            return dialog

    def access(self, bot: MockBot, chat: MockChat) -> Access:
        """May the bot post to ``chat``? Private chats need the user to have started it."""
        with self.lock:
            dialog = bot.dialogs.get(chat.id)
            if chat.is_private:
                return "ok" if dialog is not None and dialog.started else "not_started"
            return "ok" if dialog is not None or chat.id in bot.channels else "not_member"

    # --- messages ----------------------------------------------------------------------------

    def _new_message(
        self,
        bot: MockBot,
        chat: MockChat,
        direction: Direction,
        sender_id: str | None,
        **fields: Any,
    ) -> MockMessage:
        dialog = self.dialog(bot, chat.id)
        dialog.seq += 1
        now = self.clock.now()
        date = fields.pop("date", None)
        mid = self.ids.new_message_id(dialog.seq, now)
        message = MockMessage(
            mid, chat.id, now if date is None else float(date), direction, sender_id, **fields
        )
        dialog.messages[mid] = message
        return message

    def message(self, bot: MockBot, chat_id: str, message_id: str) -> MockMessage | None:
        """A message of the bot's side of a chat, deleted ones included, or None."""
        with self.lock:
            dialog = bot.dialogs.get(chat_id)
            return dialog.messages.get(message_id) if dialog else None

    def emit(
        self,
        bot: MockBot,
        event: str,
        chat: MockChat,
        message: MockMessage | None = None,
        **data: Any,
    ) -> bool:
        """Queue ``event`` for ``bot`` if this messenger really sends it; True if queued."""
        with self.lock:
            if not self.spec.emits(bot, event, chat):
                return False
            snap = message.snapshot() if message is not None else None
            bot.queue.push(event, chat=copy.copy(chat), message=snap, data=data)
            return True

    def inbound(
        self,
        bot: MockBot,
        *,
        sender: Mapping[str, Any],
        chat: Mapping[str, Any] | None = None,
        text: str = "",
        reply_to: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        file: StoredFile | None = None,
        media_kind: str | None = None,
        date: float | None = None,
    ) -> MockMessage:
        """A user's message to the bot (the control API's ``inbound``); emits ``new``, and
        ``started`` first when it opens a private chat."""
        if not self.spec.receives:
            raise MockError(400, f"{self.name} bots cannot receive messages")
        with self.lock:
            user = self.find_or_add_user(sender)
            target = self.chat_for_inbound(bot, chat, user)
            dialog = self.dialog(bot, target.id)
            if reply_to is not None and reply_to not in dialog.messages:
                raise MockError(400, "reply_to names no message in that chat")
            if target.is_private and not dialog.started:
                dialog.started = True
                self.emit(bot, "started", target)  # Rubika's StartedBot; others: nothing
            message = self._new_message(
                bot,
                target,
                "in",
                user.id,
                text=text,
                reply_to=reply_to,
                entities=entities,
                file=file,
                media_kind=media_kind if file else None,
                date=date,
            )
            self.emit(bot, "new", target, message)
            return message

    def user_edit(self, bot: MockBot, chat_id: str, message_id: str, text: str) -> MockMessage:
        """A user edits their message; emits ``edited``."""
        with self.lock:
            message, chat = self._incoming(bot, chat_id, message_id)
            message.text = text
            message.entities = None
            message.edit_date = self.clock.now()
            self.emit(bot, "edited", chat, message)
            return message

    def user_delete(self, bot: MockBot, chat_id: str, message_id: str) -> None:
        """A user deletes their message; emits ``deleted`` (Telegram-style APIs send nothing)."""
        with self.lock:
            message, chat = self._incoming(bot, chat_id, message_id)
            message.deleted = True
            self.emit(bot, "deleted", chat, message, message_id=message_id)

    def _incoming(
        self, bot: MockBot, chat_id: str, message_id: str
    ) -> tuple[MockMessage, MockChat]:
        chat = self.chats.get(chat_id) or self.resolve_chat(chat_id)
        message = self.message(bot, chat.id, message_id) if chat else None
        if chat is None or message is None or message.deleted:
            raise MockError(404, "no such message in that chat")
        if message.direction != "in":
            raise MockError(400, "only a user's (incoming) message can be edited or deleted here")
        return message, chat

    def callback(
        self, bot: MockBot, chat_id: str, message_id: str, sender: Mapping[str, Any], data: str
    ) -> str:
        """A user presses an inline button under the bot's message; emits ``callback``."""
        with self.lock:
            chat = self.chats.get(chat_id) or self.resolve_chat(chat_id)
            message = self.message(bot, chat.id, message_id) if chat else None
            if chat is None or message is None:
                raise MockError(404, "no such message in that chat")
            user = self.find_or_add_user(sender)
            cbid = self.ids.new_callback_id(self.rng)
            bot.callbacks[cbid] = (chat.id, message_id)
            self.emit(bot, "callback", chat, message, id=cbid, user_id=user.id, data=data)
            return cbid

    def bot_send(self, bot: MockBot, chat: MockChat, **fields: Any) -> MockMessage:
        """A message the bot sent (never an update for the bot itself)."""
        with self.lock:
            return self._new_message(bot, chat, "out", bot.bot_id, **fields)

    def bot_edit(
        self, bot: MockBot, message: MockMessage, text: str, entities: list[dict[str, Any]] | None
    ) -> MockMessage:
        """The bot edits its own message (no update: bots never see their own changes)."""
        with self.lock:
            message.text = text
            message.entities = entities
            message.edit_date = self.clock.now()
            return message

    def bot_delete(self, message: MockMessage) -> None:
        """The bot deletes a message (it stays in the chat, marked deleted)."""
        with self.lock:
            message.deleted = True

    # --- limits and faults -------------------------------------------------------------------

    def rate_check(self, bot: MockBot, chat: MockChat) -> float:
        """0.0 (a token taken) or the seconds the bot must wait before this send."""
        with self.lock:
            return bot.limiter.check(chat.id, not chat.is_private, self.clock.now())

    def set_rate_scale(self, scale: float) -> None:
        """Shorten every rate window by ``scale`` (buckets restart full)."""
        limits = self.spec.rate_limits.scaled(scale)
        with self.lock:
            self.rate_scale = scale
            for bot in self.bots.values():
                bot.limiter = RateLimiter(limits)

    def set_faults(self, plan: FaultPlan | None) -> None:
        """Install a fault plan (None: no faults)."""
        with self.lock:
            self.faults = plan


class MockWorld:
    """Every messenger's world under one clock: ``world["bale"]`` is a :class:`MessengerWorld`."""

    def __init__(
        self,
        seed: int = 0,
        messengers: Iterable[str] | None = None,
        *,
        clock: MockClock | None = None,
        specs: Iterable[MessengerSpec] | None = None,
    ) -> None:
        """``messengers``: which registered mocks to include (default: every available one);
        ``specs``: explicit specs instead of the registry (tests of the world alone)."""
        self.seed = seed
        self.clock = clock or MockClock()
        if specs is None:
            from adapters.mock.registry import load_mocks

            specs = [m.spec for m in load_mocks(messengers).values()]
        self.messengers = {s.name: MessengerWorld(s, self.clock, seed) for s in specs}

    def __getitem__(self, name: str) -> MessengerWorld:
        return self.messengers[name]

    def __contains__(self, name: object) -> bool:
        return name in self.messengers

    def __iter__(self) -> Iterator[str]:
        return iter(self.messengers)
