"""The store: one SQLite file holding the only copy of the history.

Everything above the adapters that reads or writes history goes through :class:`Store`, one
class, so that a second backend (PostgreSQL for a team inbox) can come later behind the same
methods. The class is assembled from one module per job:

* :mod:`tui.engine.store_core` — connection, pragmas, transactions, threading model, checks,
  backup, accounts;
* :mod:`tui.engine.store_ingest` — what sync writes (events + cursor in one transaction,
  quarantine, gap markers);
* :mod:`tui.engine.store_read` — inbox, chat pages, search;
* :mod:`tui.engine.store_chats` — per-chat state, read markers, gaps, quarantine, files;
* :mod:`tui.engine.store_outbox` — outbox rows and their local echoes, the user's actions;
* :mod:`tui.engine.store_delivery` — the deliverer's claims and outcomes.

The schema and its migrations are in :mod:`tui.engine.schema`.
"""

from __future__ import annotations

from tui.engine.store_chats import ChatOps
from tui.engine.store_core import StoreError
from tui.engine.store_delivery import DeliveryOps
from tui.engine.store_ingest import IngestOps
from tui.engine.store_outbox import OutboxOps
from tui.engine.store_read import ReadOps


class Store(IngestOps, ReadOps, ChatOps, OutboxOps, DeliveryOps):
    """The SQLite store. ``Store(path)`` opens (creating and migrating) the file at ``path``.

    Synchronous and thread-safe; from async code use ``await store.run(store.method, ...)``.
    """


__all__ = ["Store", "StoreError"]
