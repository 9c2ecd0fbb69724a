"""kill -9 while ingesting: nothing lost, nothing doubled, the file always sound.

The server's state lives outside the killed process (a :mod:`tui.engine.testing_file`
directory: produced updates + the confirmation point), so after every SIGKILL the test can
check the store against what the server has forgotten. Each cycle: produce more updates,
start ``python -m tui.engine.ingest``, let it work a random while, SIGKILL it, and read the
shared byte it keeps set while a write transaction is open. Then:

* ``PRAGMA integrity_check`` is ok (and the FTS index's own check);
* 0 lost: the server never confirmed past the stored cursor, and every update below the
  cursor is in the store exactly as the model says (new, edited, deleted, quarantined);
* 0 doubled: nothing from at or past the cursor is in the store, each poison update is
  quarantined once, and every chat's unread count equals its stored messages (a re-applied
  insert or delete would skew it).

30 cycles by default, 200 with ``PAYAM_SOAK=1``. A later slice runs the same harness against
the served mock (``--base-url``) instead of the file-backed server.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tui.engine.testing_file import produce, read_ack, read_updates

ACCOUNT = "fake:kill"
CYCLES = 200 if os.environ.get("PAYAM_SOAK") == "1" else 30


def model(
    updates: list[dict[str, Any]], below: int
) -> tuple[dict[tuple[str, str], tuple[str, bool]], set[str]]:
    """What the store must hold after applying every update with id < ``below``."""
    messages: dict[tuple[str, str], tuple[str, bool]] = {}
    poison: set[str] = set()
    for u in updates:
        if u["id"] >= below:
            break
        key = (u.get("chat", ""), u.get("msg", ""))
        if u["t"] == "new":
            messages.setdefault(key, (u["text"], False))
        elif u["t"] == "edit" and key in messages and not messages[key][1]:
            messages[key] = (u["text"], False)
        elif u["t"] == "delete" and key in messages:
            messages[key] = (messages[key][0], True)
        elif u["t"] == "poison":
            poison.add(str(u["id"]))
    return messages, poison


def check(db: Path, srv: Path, updates: list[dict[str, Any]]) -> int:
    """Assert the invariants; return the stored cursor."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
        row = conn.execute("SELECT cursor FROM accounts WHERE key = ?", (ACCOUNT,)).fetchone()
        cursor = int(row[0]) if row and row[0] else 1
        assert read_ack(srv) <= cursor, "the server forgot updates the store does not have"
        want, poison = model(updates, cursor)
        got = {
            (chat, msg): (text, bool(deleted))
            for chat, msg, text, deleted in conn.execute(
                "SELECT ch.chat_id, m.msg_id, m.text, m.deleted FROM messages m "
                "JOIN chats ch ON ch.id = m.chat"
            )
        }
        assert got == want
        hints = [r[0] for r in conn.execute("SELECT cursor_hint FROM quarantine")]
        assert sorted(hints) == sorted(poison)  # each once
        for chat, unread, live in conn.execute(
            "SELECT ch.chat_id, ch.unread, (SELECT count(*) FROM messages m WHERE m.chat = ch.id "
            "AND m.deleted = 0 AND m.outgoing = 0) FROM chats ch"
        ):
            assert unread == live, f"unread of {chat} drifted: {unread} != {live}"
        return cursor
    finally:
        conn.close()


def start(db: Path, srv: Path, flag: Path, seed: int, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "tui.engine.ingest",
        "--db",
        str(db),
        "--account",
        ACCOUNT,
        "--fake-dir",
        str(srv),
        "--tx-flag",
        str(flag),
        "--seed",
        str(seed),
        *extra,
    ]
    return subprocess.Popen(cmd, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.soak
def test_sigkill_at_random_moments_loses_and_doubles_nothing(tmp_path: Path) -> None:
    rng = random.Random(20250101)
    db, srv, flag = tmp_path / "payam.db", tmp_path / "srv", tmp_path / "txflag"
    inside = 0
    updates: list[dict[str, Any]] = []
    for cycle in range(CYCLES):
        updates += produce(srv, 1500, rng)
        flag.unlink(missing_ok=True)
        proc = start(db, srv, flag, cycle)
        deadline = time.monotonic() + 60
        while not (flag.exists() and flag.read_bytes() == b"1"):  # its first write began
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the ingest process never wrote"
            time.sleep(0.001)
        time.sleep(rng.uniform(0.0, 0.2))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
        inside += flag.read_bytes() == b"1"  # the byte as the process left it at death
        check(db, srv, updates)
    # the end: a clean run drains the server, and the store holds exactly what was produced
    proc = start(db, srv, flag, CYCLES, "--until-drained")
    assert proc.wait(timeout=300) == 0
    if proc.stderr:
        proc.stderr.close()
    assert updates == read_updates(srv)
    assert check(db, srv, updates) == updates[-1]["id"] + 1
    print(
        f"kill -9: {CYCLES} cycles, {inside} inside a write transaction "
        f"({inside / CYCLES:.0%}), {len(updates)} updates"
    )
    assert inside / CYCLES >= 0.3
