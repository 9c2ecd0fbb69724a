"""Schema: forward migrations from every earlier version, refusal of newer files, pragmas."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.models import Batch, ChatRef, Message, MessageNew, Sender
from tui.engine import schema
from tui.engine.store import Store


def seed_v1(conn: sqlite3.Connection) -> None:
    """Rows a version-1 file holds (written with SQL of that version, not today's code)."""
    conn.execute(
        "INSERT INTO accounts (id, key, messenger, name, cursor) "
        "VALUES (1, 'bale:shop', 'bale', 'shop', '42')"
    )
    conn.execute(
        "INSERT INTO chats (id, account, chat_id, kind, title, last_msg, last_ts) "
        "VALUES (1, 1, '100', 'group', 'گروه', 4096, 1)"
    )
    conn.execute(
        "INSERT INTO messages (id, chat, msg_id, date, text) VALUES (4096, 1, '7', 1, 'كتاب قدیمی')"
    )
    conn.execute(
        "INSERT INTO outbox (client_uuid, account, chat, op, body, group_uuid, "
        "next_try_at, created_at, updated_at) "
        "VALUES ('u1', 1, 1, 'text', 'hi', 'g1', 0, 0, 0)"
    )


def seed_v2(conn: sqlite3.Connection) -> None:
    """Version 2 added ``outbox.options``."""
    seed_v1(conn)
    conn.execute("UPDATE outbox SET options = '{\"silent\": true}' WHERE client_uuid = 'u1'")


# One seed per version a user may still have on disk. Adding schema v(N+1) means adding the
# seed for vN here: the test below fails until it exists.
SEEDS: dict[int, Callable[[sqlite3.Connection], None]] = {1: seed_v1, 2: seed_v2}


def build(path: Path, version: int) -> None:
    """A file at schema ``version``, filled with that version's seed rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, schema.MIGRATIONS[:version])
    if version:
        conn.execute("BEGIN")
        SEEDS[version](conn)
        conn.execute("COMMIT")
    assert schema.version(conn) == version
    conn.close()


@pytest.mark.parametrize("version", range(schema.latest()))
def test_every_earlier_version_migrates_to_the_latest(tmp_path: Path, version: int) -> None:
    assert version == 0 or version in SEEDS, f"add a seed for schema v{version}"
    path = tmp_path / "old.db"
    build(path, version)
    with Store(path) as store:
        assert store.schema_version == schema.latest()
        assert store.integrity_check() == []
        if version:
            assert store.account("bale:shop") is not None
            assert [h.message.msg_id for h in store.search("کتاب")] == ["7"]
        # and the migrated file works for today's code
        now = datetime(2025, 1, 1, tzinfo=UTC)
        msg = Message("8", "100", now, Sender("1", "a"), "تازه")
        store.apply_batch("bale:shop", Batch((MessageNew(ChatRef("100"), msg),), "43"), now=now)
        assert store.account("bale:shop").cursor == "43"  # type: ignore[union-attr]


def test_appending_a_migration_upgrades_a_filled_file(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    build(path, 1)

    def fill_notes(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE chats SET note = 'migrated'")

    v2 = schema.Migration(
        "add a note column",
        ("ALTER TABLE chats ADD COLUMN note TEXT NOT NULL DEFAULT ''",),
        step=fill_notes,
    )
    with Store(path, migrations=[*schema.MIGRATIONS, v2]) as store:
        assert store.schema_version == schema.latest() + 1
        assert store.query("SELECT note FROM chats") == [("migrated",)]
        assert store.account("bale:shop").cursor == "42"  # type: ignore[union-attr]


def test_a_failing_migration_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    build(path, 1)
    bad = schema.Migration("broken", ("ALTER TABLE chats ADD COLUMN x INTEGER", "NOT SQL"))
    with pytest.raises(sqlite3.OperationalError):
        Store(path, migrations=[*schema.MIGRATIONS, bad])
    conn = sqlite3.connect(path)
    assert schema.version(conn) == 1
    assert "x" not in [r[1] for r in conn.execute("PRAGMA table_info(chats)")]
    conn.close()


def test_a_newer_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    build(path, schema.latest())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.latest() + 1}")
    conn.close()
    with pytest.raises(schema.SchemaTooNew):
        Store(path)


def test_durability_settings(store: Store, db_path: Path) -> None:
    settings = store.settings()
    assert settings["journal_mode"] == "wal"
    assert settings["synchronous"] == 2  # FULL
    assert settings["busy_timeout"] >= 5000
    assert settings["foreign_keys"] == 1
    assert db_path.stat().st_mode & 0o077 == 0  # private messages: owner only


def test_quick_check_is_a_separate_call(store: Store) -> None:
    assert store.quick_check() == []
    assert store.integrity_check() == []


def test_a_second_connection_sees_the_migrated_file(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    a, b = Store(path), Store(path)
    assert a.schema_version == b.schema_version == schema.latest()
    a.close()
    b.close()
