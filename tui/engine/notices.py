"""Change notices: how the engine tells the service (and through it the UI) what changed.

A notice says *what* changed, never the data: subscribers re-read the store. Delivery is in
memory, within one process and one event loop: :meth:`NoticeHub.publish` is called on the
loop's thread (sync loops and deliverers run there), and each subscriber reads its own bounded
queue. A subscriber that falls behind gets one ``resync`` notice instead of an unbounded
backlog. Changes made by *other* processes (``payam send`` beside the TUI) are not seen here:
the service watches :meth:`tui.engine.store_core.StoreCore.data_version` for those.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Literal, TypeAlias

Topic: TypeAlias = Literal["messages", "account", "outbox", "gap", "resync"]


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """Something changed. ``chat_ids`` names the chats touched (empty: account-wide)."""

    topic: Topic
    account: str = ""
    chat_ids: frozenset[str] = frozenset()
    detail: str = ""


class NoticeHub:
    """Fan-out of notices to any number of async subscribers."""

    def __init__(self, maxsize: int = 1000) -> None:
        """``maxsize``: notices a subscriber may fall behind before it gets ``resync``."""
        self._maxsize = maxsize
        self._queues: set[asyncio.Queue[ChangeNotice]] = set()

    def publish(self, notice: ChangeNotice) -> None:
        """Hand ``notice`` to every subscriber (call on the event loop's thread)."""
        for queue in self._queues:
            try:
                queue.put_nowait(notice)
            except asyncio.QueueFull:
                # Too far behind: replace the backlog with one "re-read everything".
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(ChangeNotice("resync"))

    async def subscribe(self) -> AsyncGenerator[ChangeNotice, None]:
        """Notices published from now on, until the consumer stops iterating."""
        queue: asyncio.Queue[ChangeNotice] = asyncio.Queue(self._maxsize)
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)

    @property
    def subscribers(self) -> int:
        """How many subscribers are listening."""
        return len(self._queues)
