"""``payam doctor``: every check reported on its own line; exit 1 only when something FAILs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backends import null

from tests.settings.conftest import Result
from tests.settings.helpers import FakeServer

Payam = Callable[..., Result]


def lines_for(out: str, topic: str) -> list[str]:
    return [line for line in out.splitlines() if line[5:].startswith(topic)]


def write(dirs: tuple[Path, Path], text: str) -> Path:
    config = dirs[0]
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)
    return config


def test_fresh_machine(payam: Payam, dirs: tuple[Path, Path]) -> None:
    result = payam("doctor")
    assert result.rc == 0, result.out + result.err
    out = result.out
    assert lines_for(out, "config")[0] == f"ok   config      {dirs[0]}: not found (defaults in use)"
    assert lines_for(out, "data dir")[0].endswith("(created on first use)")
    assert lines_for(out, "keyring")[0].startswith("warn keyring     keyring backend tui.settings")
    assert lines_for(out, "store") and lines_for(out, "bidi") and lines_for(out, "adapters")
    assert out.rstrip().endswith("doctor: no problems found")
    assert not dirs[1].exists()  # the doctor looks; it creates nothing


def test_accounts_and_proxies(
    payam: Payam, dirs: tuple[Path, Path], fake_server: FakeServer
) -> None:
    write(
        dirs,
        """
[[accounts]]
messenger = "fake"
name = "shop"
proxy = "socks5h://me:hunter2@127.0.0.1:1080"
[[accounts]]
messenger = "fake"
name = "remote"
base_url = "http://api.example/fake"
send_only = true
token_command = "pass show x"
[[accounts]]
messenger = "gone"
name = "x"
""",
    )
    result = payam("doctor")
    shop = lines_for(result.out, "fake:shop")[0]
    assert shop.startswith("ok ") and "base https://fake.example/api" in shop
    assert "proxy socks5h://me:***@127.0.0.1:1080" in shop and "hunter2" not in result.out
    remote = lines_for(result.out, "fake:remote")[0]
    assert remote.startswith("warn") and "unencrypted" in remote and "send-only" in remote
    assert "token: command" in remote
    gone = lines_for(result.out, "gone:x")[0]
    assert gone.startswith("FAIL") and "no adapter is installed for 'gone'" in gone
    assert result.rc == 1 and "problems found" in result.err
    assert fake_server.requests == []  # parse only, no network


def test_invalid_config_lists_every_problem(payam: Payam, dirs: tuple[Path, Path]) -> None:
    config = write(dirs, 'bidi = "x"\nlanguage = "y"\ncolour = 1\n')
    result = payam("doctor")
    assert result.rc == 1
    fails = lines_for(result.out, "config")
    assert (
        fails[0] == f"FAIL config      {config}: bidi: 'x' is not one of: auto, app, terminal, off"
    )
    assert fails[1].startswith(f"FAIL config      {config}: language:")


def test_warnings_are_shown_without_failing(payam: Payam, dirs: tuple[Path, Path]) -> None:
    config = write(dirs, "colour = 1\n")
    result = payam("doctor")
    assert result.rc == 0
    assert f"warn config      {config}: colour: unknown key (ignored)" in result.out


def test_refused_keyring_fails_only_when_an_account_needs_it(
    payam: Payam, dirs: tuple[Path, Path], fake_server: FakeServer
) -> None:
    keyring.set_keyring(null.Keyring())
    result = payam("doctor")
    assert result.rc == 0
    line = lines_for(result.out, "keyring")[0]
    assert line.startswith("warn") and "null.Keyring refused" in line
    assert "(no account needs it yet)" in line
    write(dirs, '[[accounts]]\nmessenger = "fake"\nname = "shop"\n')
    result = payam("doctor")
    assert result.rc == 1
    line = lines_for(result.out, "keyring")[0]
    assert line.startswith("FAIL") and "(needed by fake:shop)" in line
    assert "token_command" in line and "allow_insecure_keyring" in line


def test_store_not_available_yet(payam: Payam, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tui.engine.store", None)  # import raises ImportError
    result = payam("doctor")
    assert "info store       not available yet" in result.out and result.rc == 0


def test_store_quick_check(payam: Payam, dirs: tuple[Path, Path]) -> None:
    try:
        from tui.engine.store import Store
    except ImportError:
        pytest.skip("tui.engine.store is not there yet")
    db = dirs[1] / "payam.db"
    Store(db).close()
    result = payam("doctor")
    assert lines_for(result.out, "store")[0] == f"ok   store       {db}: quick_check ok"
    db.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    broken = payam("doctor")
    assert broken.rc == 1 and lines_for(broken.out, "store")[0].startswith("FAIL")


def test_bidi_decision(
    payam: Payam, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(dirs, 'bidi = "terminal"\n')
    result = payam("doctor")
    assert "bidi mode: terminal (requested terminal via config)" in result.out
    monkeypatch.setenv("PAYAM_BIDI", "off")
    assert "bidi mode: off (requested off via env)" in payam("doctor").out
    monkeypatch.setenv("PAYAM_BIDI", "sideways")
    bad = payam("doctor")
    assert bad.rc == 1 and "FAIL bidi" in bad.out and "PAYAM_BIDI" in bad.out
