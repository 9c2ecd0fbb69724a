"""What the conversation and search screens need from the engine: two narrow Protocols.

They are written to be satisfied by :class:`tui.engine.service.Service` as it is (same method
names, parameters and return types), so the app can hand its service straight to the screens;
``tests/tui/fakes.py`` has an in-memory implementation for the tests. Every method is awaited in
a worker, never on a path that paints.

Ids: ``message`` / ``before`` / ``after`` / ``up_to`` are the store's message ids
(``StoredMessage.id``, the sort key); ``msg_id`` / ``reply_to`` are the messenger's ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from adapters.base import Capabilities, SendOptions
from tui.engine.records import (
    ChatState,
    Direction,
    GapMarker,
    InboxEntry,
    OutboxItem,
    Page,
    SearchHit,
    StoredMessage,
)
from tui.engine.store_chats import Keep

Progress = Callable[[int, int], None]


class ConversationSource(Protocol):
    """One chat's history, state and sending, as :class:`~tui.engine.service.Service` offers."""

    def chat(self, account: str, chat_id: str) -> InboxEntry | None:
        """The chat's inbox row (title, kind, state), from memory; None if unknown."""
        ...

    async def capabilities(self, account: str) -> Capabilities:
        """What the account's messenger can do."""
        ...

    async def page(
        self,
        account: str,
        chat_id: str,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> Page:
        """Up to ``limit`` messages oldest → newest: the newest, or just older than ``before``,
        or just newer than ``after`` (``after=0``: the oldest)."""
        ...

    async def page_around(
        self,
        account: str,
        chat_id: str,
        *,
        message: int | None = None,
        msg_id: str | None = None,
        limit: int = 50,
    ) -> Page:
        """A page with the message (store id or messenger id) in its middle."""
        ...

    async def message(self, account: str, chat_id: str, msg_id: str) -> StoredMessage | None:
        """One message by the messenger's id (a reply's quote)."""
        ...

    async def message_by_id(self, message: int) -> StoredMessage | None:
        """One message by the store's id (after an edit, a delivery change)."""
        ...

    async def gaps(self, account: str, chat_id: str | None = None) -> list[GapMarker]:
        """ "Messages may be missing" markers shown in this chat."""
        ...

    async def mark_read(self, account: str, chat_id: str, up_to: int | None = None) -> int:
        """Move the read marker to store id ``up_to``; returns the unread count."""
        ...

    async def chat_state(self, account: str, chat_id: str) -> ChatState:
        """Direction override, draft and read marker of the chat."""
        ...

    async def set_chat_state(
        self,
        account: str,
        chat_id: str,
        *,
        direction: Direction | Keep | None = ...,
        muted: bool | Keep = ...,
        pinned: bool | Keep = ...,
        draft: str | Keep = ...,
    ) -> ChatState:
        """Change some of the chat's settings (direction override None = automatic)."""
        ...

    async def send_text(
        self,
        account: str,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        options: SendOptions | None = None,
    ) -> Sequence[OutboxItem]:
        """Queue a text (the local echo appears in the history at once)."""
        ...

    async def send_file(
        self,
        account: str,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
    ) -> Sequence[OutboxItem]:
        """Queue a file with an optional caption."""
        ...

    async def edit(self, account: str, chat_id: str, message: int, text: str) -> OutboxItem | None:
        """Queue an edit of own message ``message`` (store id)."""
        ...

    async def delete(self, account: str, chat_id: str, message: int) -> OutboxItem | None:
        """Queue a delete of message ``message`` (store id)."""
        ...

    async def resend(self, client_uuid: str) -> OutboxItem:
        """Put a failed or unknown send back in the queue."""
        ...

    async def discard(self, client_uuid: str) -> None:
        """Drop a queued, failed or unknown send and its local echo."""
        ...

    async def download(self, attachment_id: int, *, progress: Progress | None = None) -> Path:
        """Fetch an attachment into the downloads dir, reporting ``progress(done, total)``."""
        ...


class SearchSource(Protocol):
    """Search across every account, as :meth:`~tui.engine.service.Service.search` offers."""

    async def search(
        self,
        query: str,
        *,
        accounts: Sequence[str] = (),
        chat: tuple[str, str] | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[SearchHit]:
        """Hits NEWEST FIRST; page with ``before`` = the last hit's ``message.id``."""
        ...
