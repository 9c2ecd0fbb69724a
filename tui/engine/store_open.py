"""Opening the store file — at once, or early in a thread of its own (:class:`EarlyOpen`).

``payam`` spends most of its first ~250 ms importing Textual and the UI and starting Textual,
all before the inbox's first query could run on the event loop. Opening SQLite and reading the
inbox (~15 ms on a million messages) need none of that, and SQLite lets other threads run while
it works, so the TUI starts them in a thread before it imports the UI
(:meth:`tui.engine.service.Service.open_early`); :meth:`~tui.engine.service.Service.start`
then takes the result instead of doing the work on the critical path.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from pathlib import Path

from tui.engine.records import InboxEntry
from tui.engine.store import Store

Opened = tuple[Store, list[InboxEntry] | None, int | None]
"""The store, its inbox and its data version (None each when reading them failed: the service
then reads them itself, so their errors surface as they always have)."""


def open_store(path: Path) -> Store:
    """Open (creating when missing) the store at ``path``, its directory private."""
    from tui.settings.paths import make_private_dir

    make_private_dir(path.parent)
    return Store(path)


class EarlyOpen:
    """The store at ``path`` being opened, and its inbox read, in a daemon thread."""

    def __init__(self, path: Path) -> None:
        self.future: Future[Opened] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(path,), name="payam-store-open", daemon=True
        )
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            store = open_store(path)
        except BaseException as exc:  # handed to start(), which reports it
            self.future.set_exception(exc)
            return
        try:
            # The version first: a commit between the two then shows as a change later.
            version = store.data_version()
            inbox = store.inbox()
        except Exception:
            self.future.set_result((store, None, None))
            return
        self.future.set_result((store, inbox, version))

    async def result(self) -> Opened:
        """Wait (without blocking the loop) for the store; raises what opening raised."""
        return await asyncio.wrap_future(self.future)

    def discard(self) -> None:
        """Never used: close the store once it is open."""
        self._thread.join()
        if not self.future.exception():
            self.future.result()[0].close()


__all__ = ["EarlyOpen", "Opened", "open_store"]
