"""The demo world's records, and the :class:`Builder` the chat scripts write it with.

A demo world is a :class:`~adapters.mock.MockWorld` (what the servers know) plus what only
Payam's store would know after months of use: the outcome of the user's own sends (delivered,
failed, unknown, still queued), per-chat settings (pinned, muted, a draft, how far the user has
read) and a long history that no bot API would hand out again. :class:`DemoWorld` keeps both;
:mod:`tui.demo.seed` writes the store from it.

Users' messages go into the mock world with ``world.inbound`` (so they wait in the bot's update
queue, and reach the store through the real adapter's ``poll``); the account's own messages
with ``world.bot_send`` (bots never receive their own messages, so the store learns of them as
delivered outbox rows); the long history directly as :class:`~adapters.models.Batch` events.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from adapters.mock import MockWorld
from adapters.mock.model import MockBot, MockChat, MockMessage, MockUser, StoredFile
from adapters.mock.world import MessengerWorld
from adapters.models import Event

OwnState = Literal["sent", "failed", "unknown", "queued"]
ACCOUNT_NAMES: Mapping[str, str] = {
    "bale": "shop",
    "rubika": "family",
    "eitaa": "mahalle",
    "splus": "office",
    "telegram": "relay",
}
"""The demo's account per messenger: ``<messenger>:<name>``."""


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """One configured account of the demo: a bot of the mock world."""

    messenger: str
    name: str
    token: str
    channels: tuple[str, ...] = ()
    send_only: bool = False

    @property
    def key(self) -> str:
        """``<messenger>:<name>``."""
        return f"{self.messenger}:{self.name}"


@dataclass
class DemoChat:
    """One chat of the demo, as the mock world and the store both name it.

    ``wire_id`` is the id on the messenger's wire, as a string: what the adapter hands the store
    and what the control API accepts. ``people`` are control-API ``from`` objects (with the
    user's id, so the same person is the same user). ``lines`` and ``answers`` are what the
    simulated users say here, unprompted and in answer to the user's own messages.
    """

    key: str
    account: str
    messenger: str
    chat_id: str
    wire_id: str
    kind: str
    title: str
    username: str | None = None
    people: list[dict[str, Any]] = field(default_factory=list)
    lines: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    unread: int = 0
    pinned: bool = False
    muted: bool = False
    draft: str = ""
    receives: bool = True
    edits_emitted: bool = False  # the messenger tells bots about a user's edit
    deletes_emitted: bool = False  # ... and about a user's deletion (Rubika only)

    @property
    def store_id(self) -> str:
        """The chat id in the store (a channel posted to by name keeps its username)."""
        return self.username if self.messenger == "eitaa" and self.username else self.wire_id


@dataclass(frozen=True, slots=True)
class OwnMessage:
    """A message the account sent (or tried to): an outbox row with its outcome.

    ``server_id``: the id the mock gave it (``sent``, and ``unknown`` when it did arrive);
    None for a send the server never saw. ``file``: name and bytes of an attached file.
    """

    chat: str  # DemoChat.key
    text: str
    date: float
    state: OwnState = "sent"
    error: str = ""
    server_id: str | None = None
    reply_to: str | None = None  # wire message id
    file: tuple[str, bytes, str] | None = None  # (name, content, kind)


@dataclass
class History:
    """A long history written to the store directly (see :mod:`tui.demo.history`)."""

    chat: str  # DemoChat.key
    events: tuple[Event, ...]


@dataclass
class DemoWorld:
    """Everything the demo seeds: the mock world and the store-only part."""

    seed: int
    world: MockWorld
    accounts: dict[str, DemoAccount] = field(default_factory=dict)
    chats: dict[str, DemoChat] = field(default_factory=dict)
    own: list[OwnMessage] = field(default_factory=list)
    histories: list[History] = field(default_factory=list)

    def account_of(self, messenger: str) -> DemoAccount:
        """The demo's account on ``messenger``."""
        return self.accounts[f"{messenger}:{ACCOUNT_NAMES[messenger]}"]


class Builder:
    """Writes one messenger's part of the demo: chats, users' messages, own messages.

    ``minutes`` arguments are how long ago, on the mock clock, a message was sent.
    """

    def __init__(self, demo: DemoWorld, messenger: str, rng: random.Random) -> None:
        self.demo = demo
        self.messenger = messenger
        self.rng = rng
        self.mw: MessengerWorld = demo.world[messenger]
        self.account = demo.account_of(messenger)
        bot = self.mw.bot(self.account.token)
        assert bot is not None, "the account's bot is in the world"
        self.bot: MockBot = bot

    # --- ids and time ------------------------------------------------------------------

    def wire(self, internal_id: str) -> str:
        """An internal mock id as the adapter sees it (the wire value as a string)."""
        return str(self.mw.ids.to_wire(internal_id))

    def ago(self, minutes: float) -> float:
        """The mock-clock time ``minutes`` ago."""
        return self.mw.clock.now() - minutes * 60

    # --- chats ---------------------------------------------------------------------------

    def register(self, key: str, chat: MockChat, title: str, **extra: Any) -> DemoChat:
        """Make ``chat`` one of the demo's chats under ``key``."""
        handle = DemoChat(
            key=key,
            account=self.account.key,
            messenger=self.messenger,
            chat_id=chat.id,
            wire_id=self.wire(chat.id),
            kind="group" if chat.type == "supergroup" else chat.type,
            title=title,
            username=chat.username,
            receives=self.mw.spec.receives,
            edits_emitted=self.mw.spec.emits(self.bot, "edited", chat),
            deletes_emitted=self.mw.spec.emits(self.bot, "deleted", chat),
            **extra,
        )
        self.demo.chats[key] = handle
        return handle

    def private(self, key: str, person: dict[str, Any], **extra: Any) -> DemoChat:
        """The private chat with ``person`` (an existing user is found by username or id)."""
        user = self.user(person)
        cid = self.mw.ids.private_chat_id(user.id, self.bot.bot_id)
        chat = self.mw.chats.get(cid) or self.mw.add_chat("private", chat_id=cid, user_id=user.id)
        handle = self.register(key, chat, user.name, **extra)
        handle.people = [self.person(person)]
        return handle

    def group(self, key: str, title: str, people: list[dict[str, Any]], **extra: Any) -> DemoChat:
        """The group called ``title`` the bot is in (created when the world has none)."""
        found = next(
            (
                self.mw.chats[c]
                for c in self.bot.dialogs
                if c in self.mw.chats and self.mw.chats[c].title == title
            ),
            None,
        )
        chat = found or self.mw.add_chat("group", title=title, member_count=len(people) + 1)
        self.mw.dialog(self.bot, chat.id)
        handle = self.register(key, chat, title, **extra)
        handle.people = [self.person(p) for p in people]
        return handle

    def channel(self, key: str, username: str, **extra: Any) -> DemoChat:
        """One of the bot's channels, by username."""
        chat = self.mw.resolve_chat(username)
        assert chat is not None and chat.id in self.bot.channels, f"the bot posts to {username}"
        return self.register(key, chat, chat.title or username, **extra)

    def user(self, spec: dict[str, Any]) -> MockUser:
        """The user ``spec`` names: by id or username, else by name (the scenario's people
        without a username), else a new one."""
        if spec.get("id") is None and not spec.get("username"):
            named = [u for u in self.mw.users.values() if u.name == spec["name"] and not u.is_bot]
            if named:
                return named[0]
        return self.mw.find_or_add_user(spec)

    def person(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A control-API ``from`` object for ``spec`` (its user id added)."""
        user = self.user(spec)
        out: dict[str, Any] = {"id": self.wire(user.id), "name": user.name}
        if user.username:
            out["username"] = user.username
        return out

    def _chat(self, key: str) -> MockChat:
        return self.mw.chats[self.demo.chats[key].chat_id]

    # --- messages ------------------------------------------------------------------------

    def say(
        self,
        key: str,
        who: dict[str, Any],
        text: str,
        minutes: float,
        *,
        reply_to: MockMessage | None = None,
        entities: list[dict[str, Any]] | None = None,
        file: StoredFile | None = None,
    ) -> MockMessage:
        """A user's message, queued for the bot as the real server would."""
        chat = self._chat(key)
        return self.mw.inbound(
            self.bot,
            sender=who,
            chat={"id": chat.id, "type": chat.type},
            text=text,
            reply_to=reply_to.message_id if reply_to is not None else None,
            entities=entities,
            file=file,
            media_kind=file.kind if file is not None else None,
            date=self.ago(minutes),
        )

    def edit(self, message: MockMessage, text: str) -> None:
        """The user edits their message (an update, where the messenger sends one)."""
        self.mw.user_edit(self.bot, message.chat_id, message.message_id, text)

    def delete(self, message: MockMessage) -> None:
        """The user deletes their message (an update, where the messenger sends one)."""
        self.mw.user_delete(self.bot, message.chat_id, message.message_id)

    def own(
        self,
        key: str,
        text: str,
        minutes: float,
        *,
        state: OwnState = "sent",
        error: str = "",
        reply_to: MockMessage | None = None,
        file: tuple[str, bytes, str] | None = None,
    ) -> MockMessage | None:
        """The account's own message. ``sent`` (and ``unknown``, which did arrive) reach the
        mock as the bot's messages; ``failed`` and ``queued`` exist only in the outbox."""
        date = self.ago(minutes)
        message: MockMessage | None = None
        if state in ("sent", "unknown"):
            stored = None
            if file is not None:
                stored = self.mw.files.add(file[1], name=file[0], kind=file[2])
            message = self.mw.bot_send(
                self.bot,
                self._chat(key),
                text=text,
                reply_to=reply_to.message_id if reply_to is not None else None,
                file=stored,
                media_kind=file[2] if file is not None else None,
                date=date,
            )
        self.demo.own.append(
            OwnMessage(
                chat=key,
                text=text,
                date=date,
                state=state,
                error=error,
                server_id=self.wire(message.message_id) if message is not None else None,
                reply_to=self.wire(reply_to.message_id) if reply_to is not None else None,
                file=file,
            )
        )
        return message

    def existing(self, key: str) -> list[MockMessage]:
        """The messages the bot's side of a chat already holds (oldest first)."""
        dialog = self.bot.dialogs.get(self._chat(key).id)
        return list(dialog.messages.values()) if dialog is not None else []
