"""The log file: private, rotated, sanitised, and free of tokens even at DEBUG."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import httpx
import pytest

from adapters.secret import Secret
from tests.settings.helpers import CANARY, find_canary, leaks
from tui.settings import logs, textsafe
from tui.settings.logs import close_logging, setup_logging
from tui.settings.paths import Paths


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.resolve(tmp_path / "c.toml", tmp_path / "data", env={})


def read_log(paths: Paths, handler: logging.Handler) -> str:
    handler.flush()
    return paths.log_file.read_text(encoding="utf-8")


def test_file_and_dir_are_private_whatever_the_umask(paths: Paths) -> None:
    old = os.umask(0o022)
    try:
        handler = setup_logging(paths, "info")
        logging.getLogger("payam.test").info("hello")
    finally:
        os.umask(old)
    assert stat.S_IMODE(paths.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.log_file.stat().st_mode) == 0o600
    assert "INFO    payam.test: hello" in read_log(paths, handler)
    close_logging(handler)


def test_rotated_files_are_private_too(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 300)
    handler = setup_logging(paths, "info")
    for i in range(20):
        logging.getLogger("payam.test").info("line %d %s", i, "x" * 40)
    handler.flush()
    rotated = sorted(paths.data_dir.glob("payam.log*"))
    assert len(rotated) == 1 + logs.BACKUPS
    for path in rotated:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    close_logging(handler)


def test_setup_twice_keeps_one_handler(paths: Paths) -> None:
    first = setup_logging(paths)
    second = setup_logging(paths)
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_payam_handler", False)]
    assert ours == [second] and first not in logging.getLogger().handlers
    close_logging(second)


HOSTILE = (
    "name\x1b]52;c;ZXZpbA==\x07 \x1b[2J\x9b6n \u202eevil\u202c \x1b]8;;http://x\x1b\\link"
    "\nforged 2024-01-01 ERROR root: fake record"
)


@pytest.mark.parametrize("engine", [True, False], ids=["display_safe", "fallback"])
def test_hostile_text_cannot_reach_the_log_raw(
    paths: Paths, engine: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not engine:
        monkeypatch.setattr(textsafe, "_impl", textsafe._fallback)
    elif not textsafe.using_text_engine():
        pytest.skip("tui.text.sanitize is not importable yet")
    handler = setup_logging(paths, "info")
    logging.getLogger("payam.test").warning("from %s", HOSTILE)
    try:
        raise ValueError(HOSTILE)
    except ValueError:
        logging.getLogger("payam.test").exception("failed")
    raw = paths.log_file.read_bytes()
    close_logging(handler)
    text = raw.decode("utf-8")
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert bad not in text, repr(bad)
    # every line at column 0 is a real record; the forged one is indented
    records = [line for line in text.splitlines() if line and not line.startswith(" ")]
    assert len(records) == 2
    assert "\n    forged 2024-01-01 ERROR" in text


def test_fallback_sanitiser() -> None:
    out = textsafe._fallback("a\x1b[2J\x07\x7f\x9b\ud800\u202e\tb\nc", "body")
    assert out == "a\u241b[2J\u2407\u2421\u241b[\ufffd<U+202E>\tb\nc"
    assert textsafe._fallback("x\ny", "name") == "x\u240ay"


async def test_httpx_at_debug_never_writes_the_token(paths: Paths, tmp_path: Path) -> None:
    handler = setup_logging(paths, "debug")
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.DEBUG
    token = Secret(CANARY)
    unregistered = "5550001:AAHunregisteredTokenShape_xyz"

    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401 if "bad" in request.url.path else 200, json={"ok": True})

    async with httpx.AsyncClient(transport=httpx.MockTransport(reply)) as client:
        await client.get(f"https://api.example/bot{token.reveal()}/getMe")
        await client.get(f"https://api.example/bot{unregistered}/getUpdates")
        response = await client.get(f"https://api.example/bot{token.reveal()}/bad")
        try:
            response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            logging.getLogger("payam.test").debug("failed: %s", exc)
            logging.getLogger("payam.test").exception("with traceback")
    logging.getLogger("httpcore.http11").debug("send_request_headers url=%s", f"/bot{CANARY}/x")
    # a record built without the record factory is still scrubbed by the formatter
    handler.handle(logging.makeLogRecord({"msg": f"raw {CANARY}", "levelno": 20}))
    text = read_log(paths, handler)
    close_logging(handler)
    assert "HTTP Request: GET" in text and "getMe" in text
    assert not leaks(text)
    assert "AAHunregisteredTokenShape_xyz" not in text
    assert find_canary([tmp_path]) == []


def test_httpx_is_quiet_unless_debug(paths: Paths) -> None:
    handler = setup_logging(paths, "info")
    assert logging.getLogger("httpx").level == logging.WARNING
    assert logging.getLogger("httpcore").level == logging.WARNING
    close_logging(handler)


def test_unknown_level_is_refused(paths: Paths) -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        setup_logging(paths, "loud")
    assert not paths.data_dir.exists()  # refused before anything was created
