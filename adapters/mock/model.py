"""The records a mock world holds: users, chats, messages, files, bots and their dialogs.

Messenger-neutral on purpose: every id is the internal ``str`` form (see :mod:`adapters.mock.ids`),
times are mock-clock epoch seconds, and formatting is kept in the wire form the messenger uses
(``entities``: Telegram-style entity dicts, or Rubika's ``meta_data_parts``), because the mock
only stores and replays it. Each messenger's app renders these records into its own JSON.

The records are mutable and owned by :class:`adapters.mock.world.MessengerWorld`; change them
only through the world (which holds the lock) or while holding ``world.lock``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from adapters.mock.ids import ChatType

if TYPE_CHECKING:
    from adapters.mock.updates import UpdateQueue
    from adapters.ratelimit import RateLimiter

Direction = Literal["in", "out"]


@dataclass
class MockUser:
    """A person (or another bot) on the messenger."""

    id: str
    first_name: str
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False
    language_code: str | None = None

    @property
    def name(self) -> str:
        """First and last name, as a client shows them."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass
class MockChat:
    """A chat as the messenger knows it (global, shared by every bot in the world)."""

    id: str
    type: ChatType
    title: str | None = None
    username: str | None = None  # without "@"
    user_id: str | None = None  # private chats: the other party
    description: str | None = None
    member_count: int | None = None

    @property
    def is_private(self) -> bool:
        """A one-to-one chat with a user."""
        return self.type == "private"


@dataclass
class StoredFile:
    """An uploaded or downloadable file. ``data`` is the whole content (the mock is in-memory)."""

    file_id: str
    file_unique_id: str
    file_path: str
    name: str
    mime: str
    data: bytes
    kind: str = "document"  # document | photo | audio | video | voice | animation | sticker | file
    width: int | None = None
    height: int | None = None
    source_url: str | None = None  # sent "by URL": the mock never fetches it

    @property
    def size(self) -> int:
        """Length of the content in bytes."""
        return len(self.data)


@dataclass
class MockMessage:
    """One message in one bot's view of one chat."""

    message_id: str
    chat_id: str
    date: float
    direction: Direction  # "in": from a user to the bot; "out": sent by the bot
    sender_id: str | None  # user or bot id; None for an anonymous channel post
    text: str = ""  # the text, or the caption of a file
    entities: list[dict[str, Any]] | None = None  # in the messenger's own wire form
    reply_to: str | None = None
    edit_date: float | None = None
    deleted: bool = False
    file: StoredFile | None = None
    media_kind: str | None = None  # how the file was sent: "document", "photo", ...
    forward: dict[str, Any] | None = None  # forwarded from: {"chat_id", "message_id", "date"}
    scheduled_at: float | None = None  # Eitaa: a post waiting for its `date`
    extra: dict[str, Any] = field(default_factory=dict)  # per-messenger fields (title, pin, …)

    def snapshot(self) -> MockMessage:
        """A copy frozen at this moment (an update shows the message as it was then)."""
        clone = copy.copy(self)
        clone.entities = copy.deepcopy(self.entities)
        clone.extra = copy.deepcopy(self.extra)
        clone.forward = copy.deepcopy(self.forward)
        return clone


@dataclass
class Dialog:
    """One bot's side of one chat: the messages it holds and whether the user started it."""

    chat_id: str
    messages: dict[str, MockMessage] = field(default_factory=dict)  # insertion (= id) order
    seq: int = 0  # last per-chat message counter handed out
    started: bool = False  # private chats: the user has written to the bot


@dataclass
class MockBot:
    """A bot account: what its token unlocks."""

    token: str
    bot_id: str
    name: str
    username: str
    queue: UpdateQueue
    limiter: RateLimiter
    channels: list[str] = field(default_factory=list)  # chat ids the bot posts to as admin
    dialogs: dict[str, Dialog] = field(default_factory=dict)
    webhook_url: str | None = None
    allowed_updates: frozenset[str] | None = None  # None: every kind
    callbacks: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (chat, message)
    description: str = ""
    ext: dict[str, Any] = field(default_factory=dict)  # per-messenger state, keyed by its name
