"""The store's schema and its forward migrations.

``PRAGMA user_version`` is the schema version (0 = empty file). :data:`MIGRATIONS` is a list:
entry *i* takes a database from version *i* to *i + 1*. To change the schema, append one
:class:`Migration` (SQL statements and/or a Python step) and never edit an old one; the test
suite builds every earlier version, fills it, and migrates it to the newest.

Conventions every version keeps:

* times are INTEGER milliseconds since the epoch, UTC;
* ``messages.id`` is a sort key, ``(date_ms << 12) | seq``: ordering by it is ordering by
  ``(date, arrival)``, so chat pages, the inbox and search all page by one integer (keyset,
  never OFFSET), and the FTS index (rowid = messages.id) returns newest first for free;
* ``messages_fts`` is contentless (``content=''``, ``detail=none``): it holds only the folded
  copy's terms; the text itself is stored once, exactly as received, in ``messages.text``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


class SchemaTooNew(RuntimeError):
    """The file was written by a newer Payam; opening it could corrupt it."""


@dataclass(frozen=True)
class Migration:
    """One step forward: ``statements`` run in order, then ``step`` (a data migration) if set."""

    description: str
    statements: tuple[str, ...] = ()
    step: Callable[[sqlite3.Connection], None] | None = field(default=None)

    def apply(self, conn: sqlite3.Connection) -> None:
        """Run inside the caller's transaction (never ``executescript``: it would commit)."""
        for sql in self.statements:
            conn.execute(sql)
        if self.step is not None:
            self.step(conn)


V1 = Migration(
    "accounts, chats, messages, spans, attachments, per-chat state, outbox, quarantine, gaps, "
    "FTS5 index",
    (
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID""",
        """CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,            -- '<messenger>:<name>'
            messenger TEXT NOT NULL,
            name TEXT NOT NULL,
            self_id TEXT,                         -- me(): tells own messages from others'
            self_name TEXT,
            cursor TEXT,                          -- the adapter's opaque poll cursor
            last_poll_at INTEGER,                 -- last successful poll (ms UTC)
            last_update_at INTEGER,               -- last poll that brought events
            status TEXT NOT NULL DEFAULT 'idle',
            status_reason TEXT NOT NULL DEFAULT '',
            status_at INTEGER
        )""",
        """CREATE TABLE chats (
            id INTEGER PRIMARY KEY,
            account INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            chat_id TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'private' CHECK (kind IN ('private', 'group', 'channel')),
            title TEXT NOT NULL DEFAULT '',
            username TEXT,
            last_msg INTEGER,                     -- messages.id of the newest message
            last_ts INTEGER,                      -- last activity (ms UTC)
            preview TEXT NOT NULL DEFAULT '',     -- the newest message, denormalised so the
            preview_sender TEXT,                  -- inbox never joins 2,000 messages
            preview_outgoing INTEGER NOT NULL DEFAULT 0,
            preview_deleted INTEGER NOT NULL DEFAULT 0,
            unread INTEGER NOT NULL DEFAULT 0,    -- incoming, not deleted, after the read marker
            UNIQUE (account, chat_id)
        )""",
        """CREATE INDEX chats_by_activity ON chats (last_msg DESC)""",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY,               -- (date_ms << 12) | seq
            chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            msg_id TEXT NOT NULL,                 -- the messenger's id; 'local:<uuid>' until sent
            sender_id TEXT,
            sender_name TEXT,
            sender_username TEXT,
            outgoing INTEGER NOT NULL DEFAULT 0,
            date INTEGER NOT NULL,
            text TEXT NOT NULL DEFAULT '',        -- exactly as received
            reply_to TEXT,
            edited_at INTEGER,
            deleted INTEGER NOT NULL DEFAULT 0,
            deleted_at INTEGER,
            UNIQUE (chat, msg_id)                 -- chats is UNIQUE (account, chat_id)
        )""",
        """CREATE INDEX messages_by_chat ON messages (chat, id)""",
        """CREATE TABLE spans (
            message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            kind TEXT NOT NULL,
            url TEXT,
            user_id TEXT,
            language TEXT,
            PRIMARY KEY (message, idx)
        ) WITHOUT ROWID""",
        """CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            kind TEXT NOT NULL,
            file_id TEXT NOT NULL,
            file_unique_id TEXT,
            name TEXT NOT NULL DEFAULT '',        -- untrusted: sanitised before any use as a path
            size INTEGER,
            mime TEXT,
            width INTEGER,
            height INTEGER,
            duration_s INTEGER,
            local_path TEXT,                      -- set once downloaded (or for an own upload)
            downloaded_at INTEGER,
            UNIQUE (message, idx)
        )""",
        """CREATE TABLE chat_state (
            chat INTEGER PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
            direction TEXT CHECK (direction IN ('auto', 'rtl', 'ltr', 'majority')),
            muted INTEGER NOT NULL DEFAULT 0,
            pinned INTEGER NOT NULL DEFAULT 0,
            draft TEXT NOT NULL DEFAULT '',
            read_up_to INTEGER NOT NULL DEFAULT 0  -- messages.id of the last message read
        )""",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            client_uuid TEXT NOT NULL UNIQUE,
            account INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            op TEXT NOT NULL CHECK (op IN ('text', 'file', 'edit', 'delete')),
            body TEXT NOT NULL DEFAULT '',        -- text, caption, or the new text of an edit
            file_path TEXT,
            reply_to TEXT,
            message INTEGER REFERENCES messages(id) ON DELETE SET NULL,  -- echo, or edit target
            group_uuid TEXT NOT NULL,             -- the parts of one long text share it
            part INTEGER NOT NULL DEFAULT 1,
            parts INTEGER NOT NULL DEFAULT 1,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try_at INTEGER NOT NULL,
            error TEXT NOT NULL DEFAULT '',
            server_msg_id TEXT,
            claimed_by TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        )""",
        """CREATE INDEX outbox_by_state ON outbox (account, state, chat, id)""",
        """CREATE INDEX outbox_by_message ON outbox (message)""",
        """CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            account INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            at INTEGER NOT NULL,
            error TEXT NOT NULL,
            raw BLOB NOT NULL,
            cursor_hint TEXT
        )""",
        """CREATE TABLE gaps (
            id INTEGER PRIMARY KEY,
            account INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            chat INTEGER REFERENCES chats(id) ON DELETE CASCADE,  -- NULL: every chat
            kind TEXT NOT NULL CHECK (kind IN ('offline', 'id_jump')),
            since INTEGER,                        -- last time we know we had everything
            at INTEGER NOT NULL,
            reason TEXT NOT NULL
        )""",
        """CREATE INDEX gaps_by_account ON gaps (account, at)""",
        """CREATE VIRTUAL TABLE messages_fts USING fts5 (
            body, content='', detail=none, tokenize='unicode61 remove_diacritics 0'
        )""",
    ),
)

V2 = Migration(
    "outbox: the send options of a text row (Eitaa's title, schedule, pin, views, silent)",
    ("ALTER TABLE outbox ADD COLUMN options TEXT",),  # JSON object; NULL: none
)

MIGRATIONS: list[Migration] = [V1, V2]


def latest(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The version a database has after every migration."""
    return len(migrations)


def version(conn: sqlite3.Connection) -> int:
    """The database's schema version."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database to the newest version in one write transaction; return that version.

    Two processes opening the same new file race here; ``BEGIN IMMEDIATE`` makes the loser wait
    and then see the winner's version, so each migration runs once.
    """
    target = latest(migrations)
    if version(conn) == target:
        return target
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = version(conn)
        if current > target:
            raise SchemaTooNew(
                f"the store has schema version {current}; this Payam knows up to {target}"
            )
        for migration in migrations[current:]:
            migration.apply(conn)
        conn.execute(f"PRAGMA user_version = {target:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return target
