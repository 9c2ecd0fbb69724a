"""``python -m tui.engine.ingest``: the headless sync entry point."""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.base import AccountSpec
from adapters.secret import Secret
from tui.engine import ingest
from tui.engine.store import Store
from tui.engine.testing_file import produce, read_ack


def test_drains_a_fake_server_dir_in_a_subprocess(tmp_path: Path) -> None:
    produced = produce(tmp_path / "srv", 500, random.Random(5))
    cmd = [
        sys.executable,
        "-m",
        "tui.engine.ingest",
        "--db",
        str(tmp_path / "p.db"),
        "--account",
        "fake:kill",
        "--fake-dir",
        str(tmp_path / "srv"),
        "--until-drained",
    ]
    assert subprocess.run(cmd, check=False, timeout=120).returncode == 0
    with Store(tmp_path / "p.db") as store:
        assert store.account("fake:kill").cursor == str(produced[-1]["id"] + 1)  # type: ignore[union-attr]
        news = {u["msg"] for u in produced if u["t"] == "new"}
        stored = {r[0] for r in store.query("SELECT msg_id FROM messages")}
        assert stored == news
    assert read_ack(tmp_path / "srv") <= produced[-1]["id"] + 1


def test_a_second_ingest_of_the_same_account_exits_3_naming_the_holder(tmp_path: Path) -> None:
    from tui.engine.locks import AccountLock

    produce(tmp_path / "srv", 5, random.Random(5))
    with AccountLock(tmp_path / "locks", "fake:kill"):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "tui.engine.ingest",
                "--db",
                str(tmp_path / "p.db"),
                "--account",
                "fake:kill",
                "--fake-dir",
                str(tmp_path / "srv"),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    assert proc.returncode == 3
    assert "already running in process" in proc.stderr


def test_a_registered_adapter_gets_the_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[tuple[AccountSpec, str]] = []

    class Probe:
        def __init__(self, spec: AccountSpec, token: Secret, client: object) -> None:
            built.append((spec, token.reveal()))

    monkeypatch.setattr(ingest, "load", lambda name: Probe)
    monkeypatch.setenv("PAYAM_TEST_TOKEN", "123:abc")
    args = ingest.parse(
        [
            "--db",
            "x.db",
            "--account",
            "bale:shop",
            "--base-url",
            "http://127.0.0.1:1/bale",
            "--token-env",
            "PAYAM_TEST_TOKEN",
        ]
    )
    ingest.build_adapter(args)
    assert built == [(AccountSpec("bale", "shop", "http://127.0.0.1:1/bale"), "123:abc")]
    monkeypatch.setenv("PAYAM_TEST_TOKEN", "")
    with pytest.raises(SystemExit, match="empty"):
        ingest.build_adapter(args)
    with pytest.raises(SystemExit, match="fake-dir"):
        ingest.build_adapter(
            argparse.Namespace(account="bale:x", fake_dir=None, base_url=None, token_env=None)
        )


def test_sigterm_stops_the_loop_cleanly(tmp_path: Path) -> None:
    import signal
    import time

    produce(tmp_path / "srv", 5, random.Random(5))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui.engine.ingest",
            "--db",
            str(tmp_path / "p.db"),
            "--account",
            "fake:kill",
            "--fake-dir",
            str(tmp_path / "srv"),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:  # until it has stored the five updates
        assert time.monotonic() < deadline and proc.poll() is None
        if (tmp_path / "p.db").exists():
            with Store(tmp_path / "p.db") as store:
                info = store.account("fake:kill")
                if info is not None and info.cursor == "6":
                    break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    with Store(tmp_path / "p.db") as store:
        info = store.account("fake:kill")
        assert info is not None and (info.status, info.status_reason) == (
            "idle",
            "stopped by the user",
        )
