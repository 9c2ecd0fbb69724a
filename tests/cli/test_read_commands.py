"""``payam search``, ``export``, ``backup`` and ``doctor``'s store check, on a filled store."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.cli.conftest import Payam, ingest
from tests.cli.mockkit import MockKit
from tests.cli.test_tail import RAW_CONTROLS, SCHEMA_KEYS


@pytest.fixture
def filled(kit: MockKit, payam: Payam, shop: str) -> dict[str, str]:
    """Three chats (one with a hostile title), four messages, one own reply; chat ids by name."""
    sara, _ = kit.inbound("bale", shop, "كتاب قديمي دارید؟", sender="Sara")  # Arabic kaf/yeh
    team, _ = kit.inbound(
        "bale", shop, "جلسه\u200cی فردا", sender="Reza", chat={"type": "group", "title": "Team"}
    )
    evil, _ = kit.inbound(
        "bale", shop, "ESC \x1b[2J here", sender="X", chat={"type": "group", "title": "E\x1bvil"}
    )
    kit.inbound("bale", shop, "می\u200cخواهم کتاب بخرم", sender="Sara")
    ingest(payam, 4)
    assert payam("send", "bale:shop", sara, "بله، کتاب داریم").rc == 0
    return {"sara": sara, "team": team, "evil": evil}


def test_search_is_newest_first_with_highlights(payam: Payam, filled: dict[str, str]) -> None:
    text = payam("search", "کتاب")
    assert text.rc == 0, text.err
    lines = text.out.splitlines()
    assert len(lines) == 3
    assert "[کتاب] داریم" in lines[0]  # the own reply, newest
    assert "[كتاب] قديمي" in lines[2]  # found despite the Arabic spelling
    as_json = payam("search", "--json", "کتاب")
    hits = [json.loads(line) for line in as_json.out.splitlines()]
    assert [set(h) for h in hits] == [SCHEMA_KEYS | {"snippet"}] * 3
    assert [h["text"] for h in hits] == [
        "بله، کتاب داریم",
        "می\u200cخواهم کتاب بخرم",
        "كتاب قديمي دارید؟",
    ]
    assert hits[0]["sender"] == {"id": "700700700", "name": "Gol Shop"}  # own: the bot itself
    none = payam("search", "ناموجود")
    assert none.rc == 0 and none.out == "" and "no messages match" in none.err
    hostile = payam("search", "ESC")
    assert RAW_CONTROLS.search(hostile.out) is None and "E␛vil" in hostile.out
    assert payam("search", "  ").rc == 2
    assert payam("search", "x", "--account", "bale:ghost").rc == 1


def test_export_jsonl_and_txt(payam: Payam, filled: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    result = payam("export", "--format", "jsonl", "--out", str(out))
    assert result.rc == 0 and "exported 5 messages from 3 chats" in result.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 5 and all(set(r) >= SCHEMA_KEYS for r in rows)
    sara = [r for r in rows if r["chat_id"] == filled["sara"]]
    assert [r["text"] for r in sara] == [
        "كتاب قديمي دارید؟",
        "می\u200cخواهم کتاب بخرم",
        "بله، کتاب داریم",
    ]
    assert [r["outgoing"] for r in sara] == [False, False, True]
    assert RAW_CONTROLS.search(out.read_text(encoding="utf-8")) is None

    one = payam("export", "--format", "txt", "--chat", "Team")
    assert one.rc == 0
    assert one.out.splitlines() == [
        f"# Team — bale:shop {filled['team']} (group)",
        "",
        one.out.splitlines()[2],
    ]
    assert one.out.splitlines()[2].endswith("Reza: جلسه\u200cی فردا")
    by_id = payam("export", "--format", "txt", "--chat", filled["evil"])
    assert by_id.rc == 0 and "# E␛vil" in by_id.out and RAW_CONTROLS.search(by_id.out) is None
    assert payam("export", "--format", "csv").rc == 2
    missing = payam("export", "--format", "txt", "--chat", "Nowhere")
    assert missing.rc == 1 and "no stored chat" in missing.err


def test_backup_is_a_valid_store_and_never_overwrites_by_accident(
    payam: Payam, filled: dict[str, str], tmp_path: Path
) -> None:
    dest = tmp_path / "backup.db"
    result = payam("backup", str(dest))
    assert result.rc == 0 and "backed up 5 messages in 3 chats" in result.out
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith(("backup", ".backup"))
    ) == [
        "backup.db"  # one self-contained file: no -wal, -shm or temporary left beside it
    ]
    conn = sqlite3.connect(dest)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        texts = {r[0] for r in conn.execute("SELECT text FROM messages")}
    finally:
        conn.close()
    assert "بله، کتاب داریم" in texts and len(texts) == 5
    again = payam("backup", str(dest))
    assert again.rc == 1 and "--force" in again.err
    assert payam("backup", "--force", str(dest)).rc == 0
    assert payam("backup", str(payam.data / "payam.db")).rc == 1  # not over the store itself
    # The backup is a store Payam reads: point a data dir at it.
    restored = tmp_path / "restored"
    restored.mkdir()
    dest.rename(restored / "payam.db")
    found = payam("--data-dir", str(restored), "search", "کتاب")
    assert found.rc == 0 and len(found.out.splitlines()) == 3


def test_reading_commands_need_a_store(payam: Payam) -> None:
    for args in (("search", "x"), ("export", "--format", "txt"), ("backup", "b.db")):
        result = payam(*args)
        assert result.rc == 1 and "no messages stored yet" in result.err
    assert not (payam.data / "payam.db").exists()  # and they did not create one


def test_a_store_that_cannot_be_opened_is_a_one_line_failure(payam: Payam) -> None:
    payam.data.mkdir(parents=True)
    (payam.data / "payam.db").write_bytes(b"this is not a database, just text" * 100)
    result = payam("search", "x")
    assert result.rc == 1 and "cannot open the store" in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_doctor_reports_the_store_check(payam: Payam, filled: dict[str, str]) -> None:
    result = payam("doctor")
    assert "quick_check ok" in result.out
