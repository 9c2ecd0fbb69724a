"""The service's read side: the inbox, chat pages, per-chat state, search, chat references.

A mixin of :class:`tui.engine.service.Service`; every store call runs on the store's worker
thread (``store.run``), never on the event loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from adapters.errors import AdapterError
from tui.engine.records import (
    AccountInfo,
    ChatState,
    Direction,
    GapMarker,
    InboxEntry,
    Page,
    SearchHit,
    StoredMessage,
)
from tui.engine.service_inbox import ChatKey, Fanout, InboxCache
from tui.engine.service_types import (
    AccountUnavailable,
    AmbiguousChat,
    ChatCandidate,
    ChatNotFound,
    InboxChanged,
    InboxFilter,
    ServiceError,
    StoreChecked,
)
from tui.engine.store import Store, StoreError
from tui.engine.store_chats import UNSET, Keep

if TYPE_CHECKING:
    from adapters.base import Adapter

P = ParamSpec("P")
T = TypeVar("T")


class ChatsMixin:
    """Inbox, pages, state, search and chat lookup (see :class:`tui.engine.service.Service`)."""

    store: Store
    _inbox: InboxCache
    _fanout: Fanout

    async def _adapter_for(self, account: str) -> Adapter:
        raise NotImplementedError  # provided by Service

    # --- the inbox -----------------------------------------------------------------------

    def inbox(self, wanted: InboxFilter | None = None) -> list[InboxEntry]:
        """The unified inbox from the cache: pinned first, then newest activity first, with
        unread counts; ``wanted`` filters by messenger, account, unread and title text.
        Cheap (no SQL): call it again on every :class:`InboxChanged`."""
        return self._inbox.view(wanted or InboxFilter())

    def chat(self, account: str, chat_id: str) -> InboxEntry | None:
        """One chat's inbox row (title, kind, unread, state), from the cache."""
        return self._inbox.get(account, chat_id)

    async def _refresh_chats(self, account: str, chat_ids: Sequence[str] = ()) -> set[ChatKey]:
        """Re-read these rows (all of the account's when empty) into the cache."""
        store = self.store
        if chat_ids:
            keys = {(account, c) for c in chat_ids}
            entries: list[InboxEntry] = []
            ids = sorted(set(chat_ids))
            for i in range(0, len(ids), 500):
                entries += await store.run(
                    store.inbox, accounts=[account], chat_ids=ids[i : i + 500]
                )
        else:
            entries = await store.run(store.inbox, accounts=[account])
            keys = {(r.account, r.chat_id) for r in self._inbox.rows() if r.account == account}
        return self._inbox.update(keys, entries)

    async def _touch(self, account: str, chat_id: str) -> None:
        changed = await self._refresh_chats(account, [chat_id])
        if changed:
            self._fanout.publish(InboxChanged(frozenset(changed)))

    # --- a chat's messages ---------------------------------------------------------------

    async def page(
        self,
        account: str,
        chat_id: str,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> Page:
        """Up to ``limit`` messages, oldest → newest: the newest, or those just older than
        message id ``before``, or just newer than ``after`` (keyset paging on the store id)."""
        return await self._call(
            self.store.page, account, chat_id, before=before, after=after, limit=limit
        )

    async def page_around(
        self,
        account: str,
        chat_id: str,
        *,
        message: int | None = None,
        msg_id: str | None = None,
        limit: int = 50,
    ) -> Page:
        """A page with the message in its middle: by store id (``message``, e.g. a search
        hit) or by the messenger's id (``msg_id``, e.g. a reply's ``reply_to``)."""
        if message is None:
            if msg_id is None:
                raise ServiceError("page_around needs message or msg_id")
            found = await self.message(account, chat_id, msg_id)
            if found is None:
                raise ChatNotFound(f"message {msg_id} is not in the stored history of this chat")
            message = found.id
        half = max(1, limit // 2)
        older = await self.page(account, chat_id, before=message + 1, limit=half + 1)
        newer = await self.page(account, chat_id, after=message, limit=max(1, limit - half - 1))
        return Page(
            older.messages + newer.messages, has_older=older.has_older, has_newer=newer.has_newer
        )

    async def message(self, account: str, chat_id: str, msg_id: str) -> StoredMessage | None:
        """One message by the messenger's id (``local:<uuid>`` for an unsent own message)."""
        return await self._call(self.store.message, account, chat_id, msg_id)

    async def message_by_id(self, message: int) -> StoredMessage | None:
        """One message by the store's id."""
        return await self._call(self.store.message_by_id, message)

    async def gaps(self, account: str, chat_id: str | None = None) -> list[GapMarker]:
        """Gap markers ("messages may be missing") of an account, or those shown in a chat."""
        return await self._call(self.store.gaps, account, chat_id)

    # --- per-chat state ------------------------------------------------------------------

    async def mark_read(self, account: str, chat_id: str, up_to: int | None = None) -> int:
        """Move the read marker to message ``up_to`` (default: the newest); returns unread."""
        unread = await self._call(self.store.mark_read, account, chat_id, up_to)
        await self._touch(account, chat_id)
        return unread

    async def chat_state(self, account: str, chat_id: str) -> ChatState:
        """Direction override, mute, pin, draft and read marker of a chat."""
        return await self._call(self.store.chat_state, account, chat_id)

    async def set_chat_state(
        self,
        account: str,
        chat_id: str,
        *,
        direction: Direction | Keep | None = UNSET,
        muted: bool | Keep = UNSET,
        pinned: bool | Keep = UNSET,
        draft: str | Keep = UNSET,
    ) -> ChatState:
        """Change some of a chat's settings (the others stay); returns the new state."""
        state = await self._call(
            self.store.set_chat_state,
            account,
            chat_id,
            direction=direction,
            muted=muted,
            pinned=pinned,
            draft=draft,
        )
        await self._touch(account, chat_id)
        return state

    # --- search --------------------------------------------------------------------------

    async def search(
        self,
        query: str,
        *,
        accounts: Sequence[str] = (),
        chat: tuple[str, str] | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[SearchHit]:
        """Messages matching every word of ``query`` (prefixes; Persian spellings folded),
        NEWEST FIRST, with a snippet and its highlights. Page with ``before`` = the last hit's
        ``message.id``. ``chat`` = (account, chat_id) searches one chat."""
        return await self._call(
            self.store.search, query, accounts=accounts, chat=chat, before=before, limit=limit
        )

    # --- chat references -----------------------------------------------------------------

    async def resolve_chat(self, account: str, ref: str, *, lookup: bool = True) -> InboxEntry:
        """The chat ``ref`` names in ``account``: its id, ``@username``, or exact title.

        A chat the store has not seen is looked up with the adapter's ``chat_info`` (an id or
        an @username) unless ``lookup`` is False. Raises :class:`AmbiguousChat` (with the
        candidates) when several chats have that title, :class:`ChatNotFound` when none
        matches.
        """
        ref = ref.strip()
        if not ref:
            raise ChatNotFound("no chat given")
        rows = [r for r in self._inbox.rows() if r.account == account]
        exact = [r for r in rows if r.chat_id == ref]
        if exact:
            return exact[0]
        if ref.startswith("@") and len(ref) > 1:
            name = ref[1:].casefold()
            named = [r for r in rows if (r.username or "").casefold() == name]
            if named:
                return named[0]
            if not lookup:
                raise ChatNotFound(f"no chat of {account} is {ref}")
            return await self.ensure_chat_info(account, ref)
        wanted = unicodedata.normalize("NFC", ref)
        titled = [r for r in rows if unicodedata.normalize("NFC", r.title) == wanted]
        if len(titled) == 1:
            return titled[0]
        if titled:
            raise AmbiguousChat(
                ref,
                tuple(ChatCandidate(r.account, r.chat_id, r.title, r.username) for r in titled),
            )
        if lookup and ref.isascii() and not any(ch.isspace() for ch in ref):  # maybe an id
            try:
                return await self.ensure_chat_info(account, ref)
            except ChatNotFound as exc:
                reason = f"no chat of {account} has the id or title {ref!r} ({exc})"
                raise ChatNotFound(reason) from None
        raise ChatNotFound(f"no chat of {account} has the id or title {ref!r}")

    async def ensure_chat_info(self, account: str, chat_id: str) -> InboxEntry:
        """Ask the messenger about a chat (``chat_info``) and record it in the store, so a
        send into a chat sync never saw is paced by its real kind. Returns its inbox row."""
        adapter = await self._adapter_for(account)
        error = ""
        try:
            info = await adapter.chat_info(chat_id)
        except AdapterError as exc:
            error = exc.reason
        if error:
            raise ChatNotFound(f"{account} cannot find chat {chat_id!r}: {error}")
        await self._call(
            self.store.ensure_chat,
            account,
            info.id,
            kind=info.kind,
            title=info.title,
            username=info.username,
        )
        await self._touch(account, info.id)
        entry = self._inbox.get(account, info.id)
        if entry is None:  # cannot happen: ensure_chat created it
            raise ChatNotFound(f"chat {chat_id!r} vanished")
        return entry

    async def account_info(self, account: str) -> AccountInfo | None:
        """What the store knows of an account: its own id (``self_id``), cursor, last poll,
        and the status the process that polls it last recorded."""
        return await self._call(self.store.account, account)

    # --- the store as a whole ------------------------------------------------------------

    async def check_store(self) -> list[str]:
        """``PRAGMA quick_check`` on a separate read-only connection, in a thread, so the UI's
        queries never wait behind it (run it after the first paint). Publishes
        :class:`StoreChecked`; returns the problems (empty: sound)."""
        path = self.store.path
        if path == ":memory:":
            problems = await self.store.run(self.store.quick_check)
        else:
            problems = await asyncio.to_thread(_quick_check, Path(path))
        self._fanout.publish(StoreChecked(tuple(problems)))
        return problems

    async def backup(self, dest: Path) -> tuple[int, int]:
        """An online SQLite backup of the store to ``dest`` (consistent while others write),
        then checked (``quick_check`` on the copy). Returns (messages, chats) in the copy;
        :class:`ServiceError` when the copy is not sound."""
        await self._call(self.store.backup, dest)
        problems, messages, chats = await asyncio.to_thread(_inspect, dest, backup=True)
        if problems:
            raise ServiceError(f"the backup failed its check: {'; '.join(problems[:3])}")
        return messages, chats

    async def _call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await self.store.run(fn, *args, **kwargs)
        except StoreError as exc:
            raise ServiceError(str(exc)) from None


def _quick_check(path: Path) -> list[str]:
    return _inspect(path)[0]


def _inspect(path: Path, *, backup: bool = False) -> tuple[list[str], int, int]:
    """``quick_check`` problems of a store file, read-only. With ``backup`` (a fresh copy
    nobody else has open): first made a single self-contained file (rollback journal instead
    of WAL, so no ``-wal``/``-shm`` beside it), and its messages and chats counted."""
    mode = "rw" if backup else "ro"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
    try:
        if backup:
            conn.execute("PRAGMA journal_mode = DELETE")
        # A scan reads every page once: a cache only costs the UI's process memory (2 MiB by
        # default, held until the connection closes).
        conn.execute("PRAGMA cache_size = -256")
        problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
        if problems == ["ok"]:
            problems = []
        messages = chats = 0
        if backup and not problems:
            messages = int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
            chats = int(conn.execute("SELECT count(*) FROM chats").fetchone()[0])
    finally:
        conn.close()
    return problems, messages, chats


__all__ = ["AccountUnavailable", "ChatsMixin"]
