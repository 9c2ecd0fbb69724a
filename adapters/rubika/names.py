"""Names for Rubika ids: updates carry only ``chat_id``/``sender_id``, ``getChat`` names them.

One :class:`NameCache` per adapter instance (per account: what one bot may see is not what
another may). It is bounded (least recently used entries go first) and entries age out, so a
renamed chat or person is picked up again within ``max_age_s``; a stale entry is still used
when a refresh fails, since an old name is better than none.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from adapters.rubika.wire import ChatInfo


@dataclass(slots=True)
class _Entry:
    info: ChatInfo
    fetched_at: float


class NameCache:
    """A bounded LRU map of id -> :class:`ChatInfo` with an age limit."""

    def __init__(
        self,
        max_entries: int = 4096,
        max_age_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def fresh(self, key: str) -> ChatInfo | None:
        """The entry for ``key`` if it is young enough to use without asking again."""
        entry = self._entries.get(key)
        if entry is None or self._clock() - entry.fetched_at > self.max_age_s:
            return None
        self._entries.move_to_end(key)
        return entry.info

    def any(self, key: str) -> ChatInfo | None:
        """The entry for ``key`` however old (the fallback when a refresh fails)."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return None if entry is None else entry.info

    def put(self, key: str, info: ChatInfo) -> None:
        """Store ``info``, dropping the least recently used entries beyond the bound."""
        self._entries[key] = _Entry(info, self._clock())
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
