"""The store's connection, transactions, threading, checks and accounts.

Thread and process model
------------------------
* ``sqlite3`` is synchronous. A :class:`StoreCore` owns ONE connection and serialises every use
  of it with a lock, so it may be called from any thread. Async code calls
  ``await store.run(store.method, ...)``, which runs the call on the store's own single worker
  thread (FIFO, never the event loop's thread: the UI never blocks on a fsync).
* Several processes may open the same file at once (the TUI, ``payam send``,
  ``payam search``). WAL lets readers run beside the one writer; every write is a short
  ``BEGIN IMMEDIATE`` transaction, which takes the write lock up front (no deadlocking
  read-to-write upgrades) and waits up to ``busy_timeout`` for another process's.
* Durability: WAL + ``synchronous=FULL``. A committed cursor tells the server it may forget the
  updates before it, so the commit must survive a power cut, not only a crash.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, Self, TypeVar

from tui.engine import schema
from tui.engine.clock import from_ms, to_ms
from tui.engine.normalize import NORM_VERSION, normalize
from tui.engine.records import AccountInfo
from tui.engine.sqlrows import fts_delete

P = ParamSpec("P")
T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
WriteObserver = Callable[[bool], None]
"""Called with True just before a write transaction begins and False once it has ended."""


class StoreError(RuntimeError):
    """A request the store refuses (unknown account or chat, a state that does not allow it)."""


def _ms(when: datetime | None) -> int | None:
    return None if when is None else to_ms(when)


def _dt(ms: int | None) -> datetime | None:
    return None if ms is None else from_ms(ms)


class StoreCore:
    """Connection, transactions and accounts. Use :class:`tui.engine.store.Store`."""

    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        on_write: WriteObserver | None = None,
        migrations: Sequence[schema.Migration] = schema.MIGRATIONS,
    ) -> None:
        """Open (creating, mode 0600) and migrate the store at ``path`` (":memory:" for tests)."""
        self.path = str(path)
        if self.path != ":memory:":
            target = Path(self.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            # Private messages: create the file owner-only; SQLite gives -wal/-shm the same mode.
            os.close(os.open(target, os.O_CREAT | os.O_RDWR, 0o600))
        self._lock = threading.RLock()
        self._executor: ThreadPoolExecutor | None = None
        self._on_write = on_write
        self._conn = sqlite3.connect(
            self.path,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,  # guarded by self._lock
            timeout=busy_timeout_ms / 1000,
        )
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms):d}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal" and self.path != ":memory:":
            raise StoreError(f"could not switch the store to WAL (journal_mode={mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        schema.migrate(conn, migrations)
        self._ensure_index_version()
        # The index's vocabulary, for search's prefix expansion (per connection, not stored).
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_vocab "
            "USING fts5vocab(main, messages_fts, 'row')"
        )

    # --- plumbing ----------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` … ``COMMIT``), rolled back on error."""
        with self._lock:
            if self._on_write is not None:
                self._on_write(True)
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            finally:
                if self._on_write is not None:
                    self._on_write(False)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one SELECT (a single statement is its own snapshot)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a store call on the store's worker thread and await its result."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="payam-store")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Finish queued calls and close the connection (idempotent)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- checks ------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """``PRAGMA user_version``: the schema version of the file."""
        with self._lock:
            return schema.version(self._conn)

    def settings(self) -> dict[str, Any]:
        """The pragmas that matter for durability (for ``payam doctor`` and the tests)."""
        with self._lock:
            c = self._conn
            return {
                "journal_mode": c.execute("PRAGMA journal_mode").fetchone()[0],
                "synchronous": c.execute("PRAGMA synchronous").fetchone()[0],
                "busy_timeout": c.execute("PRAGMA busy_timeout").fetchone()[0],
                "foreign_keys": c.execute("PRAGMA foreign_keys").fetchone()[0],
                "schema_version": schema.version(c),
            }

    def quick_check(self) -> list[str]:
        """``PRAGMA quick_check``: an empty list when the file is sound, else the problems.

        Takes a while on a big store: run it in the background after the first paint, or in
        ``payam doctor``, never before the UI shows.
        """
        return self._check("quick_check")

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` (slower and more thorough than :meth:`quick_check`)."""
        return self._check("integrity_check")

    def _check(self, pragma: str) -> list[str]:
        rows = self.query(f"PRAGMA {pragma}")
        problems = [str(r[0]) for r in rows]
        return [] if problems == ["ok"] else problems

    def backup(self, dest: Path | str) -> None:
        """An online copy of the store (``payam backup``), consistent while others write."""
        target = sqlite3.connect(str(dest))
        try:
            with self._lock:
                self._conn.backup(target)
        finally:
            target.close()

    def data_version(self) -> int:
        """Changes when another connection (another process) commits: a cheap "anything new?"."""
        return int(self.query("PRAGMA data_version")[0][0])

    # --- the search index's version ----------------------------------------------------

    def _ensure_index_version(self) -> None:
        row = self.query("SELECT value FROM meta WHERE key = 'norm_version'")
        if row and int(row[0][0]) == NORM_VERSION:
            return
        with self.write() as c:
            # Normalisation changed (or a new file): rebuild the folded copy from the texts.
            c.execute("INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')")
            for mid, text in c.execute(
                "SELECT id, text FROM messages WHERE deleted = 0 AND text != ''"
            ).fetchall():
                c.execute(
                    "INSERT INTO messages_fts (rowid, body) VALUES (?, ?)", (mid, normalize(text))
                )
            c.execute(
                "INSERT INTO meta (key, value) VALUES ('norm_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(NORM_VERSION),),
            )

    # --- accounts ----------------------------------------------------------------------

    def ensure_account(self, key: str) -> int:
        """The row id of account ``key`` (``<messenger>:<name>``), created when new."""
        row = self.query("SELECT id FROM accounts WHERE key = ?", (key,))
        if row:
            return int(row[0][0])
        with self.write() as c:
            return self._account_id(c, key, create=True)

    @staticmethod
    def _account_id(c: sqlite3.Connection, key: str, *, create: bool = False) -> int:
        row = c.execute("SELECT id FROM accounts WHERE key = ?", (key,)).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            raise StoreError(f"unknown account {key!r}")
        messenger, sep, name = key.partition(":")
        if not sep or not messenger or not name:
            raise StoreError(f"an account is named <messenger>:<name>, not {key!r}")
        cur = c.execute(
            "INSERT INTO accounts (key, messenger, name) VALUES (?, ?, ?)", (key, messenger, name)
        )
        return int(cur.lastrowid or 0)

    def _chat_pk(self, c: sqlite3.Connection, account: str, chat_id: str) -> int:
        row = c.execute(
            "SELECT ch.id FROM chats ch JOIN accounts a ON a.id = ch.account "
            "WHERE a.key = ? AND ch.chat_id = ?",
            (account, chat_id),
        ).fetchone()
        if row is None:
            raise StoreError(f"unknown chat {chat_id!r} of {account}")
        return int(row[0])

    _ACCOUNT_COLS = (
        "key, messenger, name, cursor, last_poll_at, last_update_at, status, status_reason, "
        "status_at, self_id, self_name"
    )

    @staticmethod
    def _account_info(r: Sequence[Any]) -> AccountInfo:
        return AccountInfo(
            key=r[0],
            messenger=r[1],
            name=r[2],
            cursor=r[3],
            last_poll_at=_dt(r[4]),
            last_update_at=_dt(r[5]),
            status=r[6],
            status_reason=r[7],
            status_at=_dt(r[8]),
            self_id=r[9],
            self_name=r[10],
        )

    def account(self, key: str) -> AccountInfo | None:
        """One account, or None."""
        rows = self.query(f"SELECT {self._ACCOUNT_COLS} FROM accounts WHERE key = ?", (key,))  # noqa: S608
        return self._account_info(rows[0]) if rows else None

    def accounts(self) -> list[AccountInfo]:
        """Every account the store has seen, by key."""
        rows = self.query(f"SELECT {self._ACCOUNT_COLS} FROM accounts ORDER BY key")  # noqa: S608
        return [self._account_info(r) for r in rows]

    def set_identity(self, key: str, self_id: str, name: str = "") -> None:
        """Record who the account is (from ``me()``), so its own messages are told apart."""
        with self.write() as c:
            aid = self._account_id(c, key, create=True)
            c.execute(
                "UPDATE accounts SET self_id = ?, self_name = ? WHERE id = ?", (self_id, name, aid)
            )

    def set_status(self, key: str, status: str, reason: str, at: datetime) -> None:
        """The account's sync status as the UI and ``payam account list`` show it."""
        with self.write() as c:
            aid = self._account_id(c, key, create=True)
            c.execute(
                "UPDATE accounts SET status = ?, status_reason = ?, status_at = ? WHERE id = ?",
                (status, reason, to_ms(at), aid),
            )

    def remove_account(self, key: str) -> bool:
        """Forget an account and everything stored for it. True if it existed."""
        with self.write() as c:
            row = c.execute("SELECT id FROM accounts WHERE key = ?", (key,)).fetchone()
            if row is None:
                return False
            aid = int(row[0])
            for mid, text in c.execute(
                "SELECT m.id, m.text FROM messages m JOIN chats ch ON ch.id = m.chat "
                "WHERE ch.account = ? AND m.deleted = 0 AND m.text != ''",
                (aid,),
            ).fetchall():
                fts_delete(c, mid, text)
            c.execute("DELETE FROM accounts WHERE id = ?", (aid,))
            return True


__all__ = ["StoreCore", "StoreError"]
