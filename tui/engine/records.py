"""What the store hands out: frozen rows, free of SQL, for the service, the CLI and the UI.

Every ``id`` named ``id`` on a message is the store's sort key (``(date_ms << 12) | seq``):
pass it back as ``before``/``after`` to page (keyset), or as a read marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeAlias

from adapters.models import FileRef, Sender, Span
from tui.engine.clock import from_ms
from tui.engine.normalize import Snippet

if TYPE_CHECKING:
    from adapters.base import SendOptions

OutboxState: TypeAlias = Literal["queued", "sending", "sent", "failed", "unknown"]
OutboxOp: TypeAlias = Literal["text", "file", "edit", "delete"]
AccountStatus: TypeAlias = Literal["idle", "polling", "rate_limited", "retrying", "stopped"]
Direction: TypeAlias = Literal["auto", "rtl", "ltr", "majority"]


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """An account as the store knows it (the config owns the rest)."""

    key: str
    messenger: str
    name: str
    cursor: str | None
    last_poll_at: datetime | None
    last_update_at: datetime | None
    status: str
    status_reason: str
    status_at: datetime | None
    self_id: str | None
    self_name: str | None = None  # the account's own display name (from ``me()``)


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    """An attachment's metadata; ``local_path`` once downloaded (or for an own upload)."""

    id: int
    kind: str
    file: FileRef
    width: int | None
    height: int | None
    duration_s: int | None
    local_path: str | None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One message of a chat. ``delivery`` is the outbox state of an own message, else None."""

    id: int
    account: str
    chat_id: str
    msg_id: str
    sender: Sender | None
    outgoing: bool
    date: datetime
    text: str
    reply_to: str | None
    edited_at: datetime | None
    deleted: bool
    spans: tuple[Span, ...] = ()
    attachments: tuple[StoredAttachment, ...] = ()
    delivery: OutboxState | None = None
    client_uuid: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """Messages oldest → newest, and whether more exist on either side (keyset paging)."""

    messages: tuple[StoredMessage, ...]
    has_older: bool
    has_newer: bool


@dataclass(frozen=True, slots=True)
class ChatState:
    """What the user set on a chat: stored with the history, never in the config."""

    direction: Direction | None = None
    muted: bool = False
    pinned: bool = False
    draft: str = ""
    read_up_to: int = 0


class InboxEntry(NamedTuple):
    """One row of the unified inbox.

    A NamedTuple rather than a frozen dataclass: the inbox builds 2,000 of them per refresh,
    and a frozen dataclass's ``__init__`` costs ~5× more (~2.5 ms of a 10 ms budget).
    """

    account: str
    messenger: str
    chat_id: str
    kind: str
    title: str
    username: str | None
    last_ms: int | None  # last activity, ms UTC (see last_at)
    unread: int
    state: ChatState
    preview: str
    preview_sender: str | None
    preview_outgoing: bool
    preview_deleted: bool
    last_message_id: int | None

    @property
    def last_at(self) -> datetime | None:
        """Last activity as a datetime (computed on use: the inbox builds 2,000 of these)."""
        return None if self.last_ms is None else from_ms(self.last_ms)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A message that matched, with its chat and where to highlight (original offsets)."""

    message: StoredMessage
    chat_title: str
    chat_kind: str
    snippet: Snippet


@dataclass(frozen=True, slots=True)
class GapMarker:
    """ "Messages may be missing" here. ``chat_id`` None: every chat of the account."""

    id: int
    account: str
    chat_id: str | None
    kind: Literal["offline", "id_jump"]
    since: datetime | None
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A poison update, kept raw."""

    id: int
    account: str
    at: datetime
    error: str
    raw: bytes
    cursor_hint: str | None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One outbox row. ``message`` is the local echo (text/file) or the target (edit/delete)."""

    id: int
    client_uuid: str
    account: str
    chat_id: str
    chat_kind: str
    op: OutboxOp
    body: str
    file_path: str | None
    reply_to: str | None
    message: int | None
    group_uuid: str
    part: int
    parts: int
    state: OutboxState
    attempts: int
    next_try_at: datetime
    error: str
    server_msg_id: str | None
    created_at: datetime
    updated_at: datetime
    options: SendOptions | None = None  # send options of a text row (Eitaa's title, schedule…)


ChangeKind: TypeAlias = Literal["new", "edited", "deleted"]


class Change(NamedTuple):
    """One message a batch really changed (a replayed update that changed nothing is absent)."""

    kind: ChangeKind
    chat_id: str
    msg_id: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one poll changed: the change notice is built from it."""

    account: str
    new: int = 0
    edited: int = 0
    deleted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    chats: frozenset[str] = frozenset()
    gap: GapMarker | None = None
    written: bool = True
    changes: tuple[Change, ...] = ()  # in batch order
