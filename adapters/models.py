"""The data that crosses the adapter boundary (CONTRACTS §1): frozen, messenger-neutral.

Ids are strings everywhere above the wire; each adapter converts at its edge. Times are
timezone-aware UTC datetimes. Text is exactly as the messenger sent it: sanitising happens at
display time (``tui.text.sanitize``), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

ChatKind: TypeAlias = Literal["private", "group", "channel"]
SpanKind: TypeAlias = Literal[
    "bold",
    "italic",
    "underline",
    "strike",
    "spoiler",
    "code",
    "pre",
    "link",
    "mention",
    "quote",
    "highlight",
]
AttachmentKind: TypeAlias = Literal[
    "photo",
    "document",
    "audio",
    "video",
    "voice",
    "animation",
    "sticker",
    "file",
]


@dataclass(frozen=True, slots=True)
class Span:
    """Formatting over ``text[start:end]``, in code points (Python ``str`` indices).

    Adapters convert from the wire's units (Telegram-style entities count UTF-16 code units).
    ``url`` is set for ``link``; ``user_id`` for a ``mention`` of a user without a username;
    ``language`` for ``pre`` blocks.
    """

    start: int
    end: int
    kind: str
    url: str | None = None
    user_id: str | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span range {self.start}..{self.end}")


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the account is (``me()``)."""

    id: str
    name: str
    username: str | None = None


@dataclass(frozen=True, slots=True)
class Sender:
    """The author of a message. ``name`` is the display name as sent (untrusted)."""

    id: str
    name: str
    username: str | None = None
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A chat as an update names it. ``title`` may be empty when only the id is known."""

    id: str
    kind: ChatKind = "private"
    title: str = ""
    username: str | None = None


@dataclass(frozen=True, slots=True)
class Chat(ChatRef):
    """A chat as ``chat_info`` describes it."""

    description: str | None = None
    member_count: int | None = None


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file on the messenger's side. ``name`` is untrusted: sanitise before using as a path."""

    id: str
    name: str = ""
    size: int | None = None
    mime: str | None = None
    unique_id: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str
    file: FileRef
    width: int | None = None
    height: int | None = None
    duration_s: int | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    chat_id: str
    date: datetime
    sender: Sender | None = None  # None: a channel post with no author
    text: str = ""  # the text, or the caption of a file
    spans: tuple[Span, ...] = ()
    reply_to: str | None = None
    edited_at: datetime | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class Sent:
    """What a send returned: ``date`` is the server's, or the time a scheduled post will go out."""

    chat_id: str
    message_id: str
    date: datetime | None = None
    scheduled: bool = False


# --- events in a Batch --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageNew:
    chat: ChatRef
    message: Message


@dataclass(frozen=True, slots=True)
class MessageEdited:
    chat: ChatRef
    message: Message


@dataclass(frozen=True, slots=True)
class MessageDeleted:
    chat: ChatRef
    message_id: str


@dataclass(frozen=True, slots=True)
class ChatSeen:
    """A chat's title or username changed (or a chat was first seen without a message)."""

    chat: ChatRef


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A poison update: kept raw for quarantine; the cursor still moves past it."""

    raw: bytes
    error: str
    cursor_hint: str | None = None


Event: TypeAlias = MessageNew | MessageEdited | MessageDeleted | ChatSeen | Unparsed


@dataclass(frozen=True, slots=True)
class Batch:
    """One poll's result.

    ``cursor`` goes back into the next ``poll``; it is None only when nothing was ever received.
    ``id_jump`` is True when the first update's id did not follow the cursor that was passed in
    (the server dropped updates, or re-seeded its ids after a week idle); the engine decides
    which, from the age of the last stored update.
    """

    events: tuple[Event, ...]
    cursor: str | None
    id_jump: bool = False
