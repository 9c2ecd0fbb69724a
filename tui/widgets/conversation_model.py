"""The conversation's data, without Textual: a bounded window of loaded messages and the rows
(day separators, gap markers, messages) it shows.

The window holds at most ``limit`` messages of a chat that may have 100,000: pages come from the
source by keyset (``before``/``after`` a store id) as the user scrolls, and the far end is dropped
when the window grows past its limit, so memory and layout work stay flat in the history's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, TypeAlias

from tui.engine.records import GapMarker, Page, StoredMessage
from tui.widgets.dates import TimeFormatter

#: The most messages a conversation keeps loaded at once.
WINDOW_LIMIT: Final = 300
#: How many messages one page asks for.
PAGE_SIZE: Final = 50


class MessageWindow:
    """The loaded messages of one chat, oldest → newest, and whether more exist either side."""

    def __init__(self, limit: int = WINDOW_LIMIT) -> None:
        self.limit = max(PAGE_SIZE, limit)
        self.messages: list[StoredMessage] = []
        self.has_older = False
        self.has_newer = False

    def __len__(self) -> int:
        return len(self.messages)

    @property
    def oldest_id(self) -> int | None:
        """Store id of the oldest loaded message."""
        return self.messages[0].id if self.messages else None

    @property
    def newest_id(self) -> int | None:
        """Store id of the newest loaded message."""
        return self.messages[-1].id if self.messages else None

    def replace(self, page: Page) -> None:
        """Show this page only (a fresh open, a jump)."""
        self.messages = sorted(page.messages, key=lambda m: m.id)
        self.has_older, self.has_newer = page.has_older, page.has_newer
        self._trim(keep_newest=True)

    def add_older(self, page: Page) -> int:
        """Put an older page in front; drops the newest beyond the limit. Returns how many
        messages were added."""
        known = {m.id for m in self.messages}
        oldest = self.oldest_id
        fresh = [
            m for m in page.messages if m.id not in known and (oldest is None or m.id < oldest)
        ]
        fresh.sort(key=lambda m: m.id)
        self.messages[:0] = fresh
        self.has_older = page.has_older
        self._trim(keep_newest=False)
        return len(fresh)

    def add_newer(self, page: Page) -> int:
        """Append a newer page; drops the oldest beyond the limit. Returns how many were added."""
        known = {m.id for m in self.messages}
        newest = self.newest_id
        fresh = [
            m for m in page.messages if m.id not in known and (newest is None or m.id > newest)
        ]
        fresh.sort(key=lambda m: m.id)
        self.messages.extend(fresh)
        self.has_newer = page.has_newer
        self._trim(keep_newest=True)
        return len(fresh)

    def _trim(self, keep_newest: bool) -> None:
        extra = len(self.messages) - self.limit
        if extra <= 0:
            return
        if keep_newest:
            del self.messages[:extra]
            self.has_older = True
        else:
            del self.messages[-extra:]
            self.has_newer = True

    def index(self, message_id: int) -> int | None:
        """Position of a loaded message, by store id."""
        lo, hi = 0, len(self.messages)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.messages[mid].id < message_id:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.messages) and self.messages[lo].id == message_id:
            return lo
        return None

    def find(self, msg_id: str) -> StoredMessage | None:
        """A loaded message by the messenger's id."""
        return next((m for m in self.messages if m.msg_id == msg_id), None)

    def update(self, message: StoredMessage) -> bool:
        """Replace a loaded message by a newer version of it; False if it is not loaded."""
        at = self.index(message.id)
        if at is None:
            return False
        self.messages[at] = message
        return True

    def insert(self, message: StoredMessage) -> bool:
        """Insert a message that belongs inside the loaded range (or at the newest end when
        nothing newer exists); False when it lies outside and was not kept."""
        if self.update(message):
            return True
        newest = self.newest_id
        if self.has_newer and newest is not None and message.id > newest:
            return False
        oldest = self.oldest_id
        if self.has_older and oldest is not None and message.id < oldest:
            return False
        self.messages.append(message)
        self.messages.sort(key=lambda m: m.id)
        self._trim(keep_newest=True)
        return True

    def remove(self, message_id: int) -> bool:
        """Forget a loaded message (a discarded local echo)."""
        at = self.index(message_id)
        if at is None:
            return False
        del self.messages[at]
        return True


@dataclass(frozen=True, slots=True)
class DayItem:
    """A day separator before the first message of a local calendar day."""

    day: date
    when: datetime

    @property
    def key(self) -> tuple[str, int]:
        """Cache key."""
        return ("day", self.day.toordinal())


@dataclass(frozen=True, slots=True)
class GapItem:
    """A "messages may be missing here" marker."""

    gap: GapMarker

    @property
    def key(self) -> tuple[str, int]:
        """Cache key."""
        return ("gap", self.gap.id)


@dataclass(frozen=True, slots=True)
class MessageItem:
    """One message."""

    message: StoredMessage

    @property
    def key(self) -> tuple[str, int]:
        """Cache key."""
        return ("msg", self.message.id)


Item: TypeAlias = DayItem | GapItem | MessageItem


def build_items(
    window: MessageWindow, gaps: Iterable[GapMarker], formatter: TimeFormatter
) -> list[Item]:
    """The rows of the loaded window: day separators, gaps where they happened, messages."""
    messages: Sequence[StoredMessage] = window.messages
    pending = sorted(gaps, key=lambda g: g.at)
    if messages and window.has_older:  # gaps before the window belong to unloaded history
        pending = [g for g in pending if g.at >= messages[0].date]
    out: list[Item] = []
    last_day: date | None = None
    for message in messages:
        while pending and pending[0].at <= message.date:
            out.append(GapItem(pending.pop(0)))
        day = formatter.local_date(message.date)
        if day != last_day:
            out.append(DayItem(day, message.date))
            last_day = day
        out.append(MessageItem(message))
    if not window.has_newer:
        out.extend(GapItem(g) for g in pending)
    return out
