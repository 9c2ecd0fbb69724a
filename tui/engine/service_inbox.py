"""The service's in-memory parts: the cached unified inbox and the notice fan-out.

:class:`InboxCache` holds one :class:`~tui.engine.records.InboxEntry` per chat, kept in inbox
order (pinned first, then newest activity), and is refreshed row by row from change notices,
so the UI reads the inbox without touching SQLite on every keystroke of type-to-filter.

:class:`Fanout` hands every notice to each :class:`Subscription`; a subscriber that falls
``maxsize`` notices behind gets one :class:`~tui.engine.service_types.Resync` instead of an
unbounded backlog. A subscription is registered when it is created (not on its first
``__anext__``), so nothing published after :meth:`Fanout.subscribe` returns is missed.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Iterable, Sequence
from types import TracebackType

from tui.engine.normalize import normalize
from tui.engine.records import InboxEntry
from tui.engine.service_types import InboxFilter, Notice, Resync

ChatKey = tuple[str, str]


def _fold(text: str) -> str:
    return normalize(unicodedata.normalize("NFC", text)).casefold()


def _order(entry: InboxEntry) -> tuple[bool, int]:
    last = entry.last_message_id
    return (not entry.state.pinned, -(last if last is not None else -1))


class InboxCache:
    """Every chat's inbox row, in inbox order."""

    def __init__(self) -> None:
        """An empty cache: :meth:`replace` fills it."""
        self._rows: dict[ChatKey, InboxEntry] = {}
        self._folded: dict[ChatKey, str] = {}
        self._ordered: list[InboxEntry] | None = []

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, account: str, chat_id: str) -> InboxEntry | None:
        """One row, or None."""
        return self._rows.get((account, chat_id))

    def replace(self, entries: Iterable[InboxEntry]) -> set[ChatKey]:
        """Take a whole new list; returns the keys whose rows changed, appeared or vanished."""
        fresh = {(e.account, e.chat_id): e for e in entries}
        changed = {k for k, e in fresh.items() if self._rows.get(k) != e}
        changed |= self._rows.keys() - fresh.keys()
        self._rows = fresh
        self._folded = {k: v for k, v in self._folded.items() if k in fresh and k not in changed}
        self._ordered = None
        return changed

    def update(self, keys: Iterable[ChatKey], entries: Sequence[InboxEntry]) -> set[ChatKey]:
        """Refresh the rows ``keys`` from ``entries`` (a key without an entry is dropped);
        returns the keys that really changed."""
        fresh = {(e.account, e.chat_id): e for e in entries}
        changed: set[ChatKey] = set()
        for key in set(keys) | fresh.keys():
            new = fresh.get(key)
            if new == self._rows.get(key):
                continue
            changed.add(key)
            self._folded.pop(key, None)
            if new is None:
                self._rows.pop(key, None)
            else:
                self._rows[key] = new
        if changed:
            self._ordered = None
        return changed

    def rows(self) -> list[InboxEntry]:
        """Every row in inbox order (a new list each call)."""
        if self._ordered is None:
            self._ordered = sorted(self._rows.values(), key=_order)
        return list(self._ordered)

    def view(self, wanted: InboxFilter) -> list[InboxEntry]:
        """The rows ``wanted`` selects, in inbox order."""
        rows = self.rows()
        if wanted.messengers:
            rows = [r for r in rows if r.messenger in wanted.messengers]
        if wanted.accounts:
            rows = [r for r in rows if r.account in wanted.accounts]
        if wanted.unread_only:
            rows = [r for r in rows if r.unread > 0]
        needle = _fold(wanted.text.strip().lstrip("@")) if wanted.text.strip() else ""
        if needle:
            rows = [r for r in rows if needle in self._haystack(r)]
        return rows

    def _haystack(self, entry: InboxEntry) -> str:
        key = (entry.account, entry.chat_id)
        folded = self._folded.get(key)
        if folded is None:
            folded = self._folded[key] = _fold(f"{entry.title}\n{entry.username or ''}")
        return folded


class Subscription:
    """An async iterator of notices; registered from creation until :meth:`close`."""

    def __init__(self, fanout: Fanout, maxsize: int) -> None:
        """Use :meth:`Fanout.subscribe`."""
        self._fanout = fanout
        self._queue: asyncio.Queue[Notice | None] = asyncio.Queue(maxsize + 1)
        self._maxsize = maxsize
        self._closing = False
        self.closed = False  # True once the end has been read

    def _put(self, notice: Notice | None) -> None:
        if self._closing:
            return
        if notice is not None and self._queue.qsize() >= self._maxsize:
            while not self._queue.empty():
                self._queue.get_nowait()
            notice = Resync()
        self._queue.put_nowait(notice)

    async def get(self) -> Notice:
        """The next notice; raises :class:`StopAsyncIteration` once closed and drained."""
        if self.closed and self._queue.empty():
            raise StopAsyncIteration
        notice = await self._queue.get()
        if notice is None:
            self.closed = True
            raise StopAsyncIteration
        return notice

    def get_nowait(self) -> Notice | None:
        """The next notice if one is waiting, else None."""
        if self._queue.empty():
            return None
        notice = self._queue.get_nowait()
        if notice is None:
            self.closed = True
        return notice

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Notice:
        return await self.get()

    def close(self) -> None:
        """Stop receiving (an ``async for`` over it ends)."""
        if not self._closing:
            self._closing = True
            self._fanout.discard(self)
            self._queue.put_nowait(None)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Fanout:
    """Hands each published notice to every subscription (call on the event loop's thread)."""

    def __init__(self, maxsize: int = 1000) -> None:
        """``maxsize``: how far a subscriber may fall behind before it gets ``Resync``."""
        self._maxsize = maxsize
        self._subs: set[Subscription] = set()

    def subscribe(self) -> Subscription:
        """A new subscription, receiving everything published from now on."""
        sub = Subscription(self, self._maxsize)
        self._subs.add(sub)
        return sub

    def discard(self, sub: Subscription) -> None:
        """Forget a subscription (its ``close`` calls this)."""
        self._subs.discard(sub)

    def publish(self, notice: Notice) -> None:
        """Give ``notice`` to every subscriber."""
        for sub in list(self._subs):
            sub._put(notice)

    def close_all(self) -> None:
        """End every subscription (the service stopped)."""
        for sub in list(self._subs):
            sub.close()

    @property
    def subscribers(self) -> int:
        """How many subscriptions are open."""
        return len(self._subs)
