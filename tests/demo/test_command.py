"""``payam demo``: its help, its registration, its errors, the app it builds, and a whole
headless run as a subprocess with HOME pointing at an empty temp dir."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from tests.demo.conftest import HANG_GUARD_S, SHORT_HISTORY, tree
from tui import cli
from tui.demo.runtime import Demo, start_demo
from tui.settings.schema import Language

REPO = Path(__file__).resolve().parents[2]


def payam(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        check=False,
    )


def test_help() -> None:
    done = payam("demo", "--help")
    assert done.returncode == 0
    for option in ("--quiet", "--port", "--headless", "--language"):
        assert option in done.stdout
    assert "demo" in payam("--help").stdout
    assert "demo" in cli.COMMAND_MODULES


def test_usage_and_runtime_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["demo", "--port", str(port), "--quiet", "--headless"]) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_the_app_is_built_over_the_demo() -> None:
    from tui.commands.demo import build_app
    from tui.text.termbidi import decide

    with start_demo(quiet=True, history_size=SHORT_HISTORY) as demo:
        app = build_app(demo, decide("off", env={}, probe=False))
        assert getattr(app, "service", None) is demo.service
        assert not demo.service.started  # the app starts it when it mounts


def test_language_is_english_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["demo"]).language == "en"  # `make demo` stays English
    assert parser.parse_args(["demo", "--language", "fa"]).language == "fa"
    with pytest.raises(SystemExit) as usage:
        parser.parse_args(["demo", "--language", "de"])
    assert usage.value.code == 2
    assert "--language" in capsys.readouterr().err


def test_language_fa_reaches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """``payam demo --language fa`` builds the app with the Persian UI: run() hands the option
    to the app build (the app itself is not run: that needs a terminal)."""
    from tui.commands import demo as command
    from tui.text.termbidi import decide

    built: list[Any] = []

    def build_only(demo: Demo, language: Language = "en") -> int:
        built.append(command.build_app(demo, decide("off", env={}, probe=False), language))
        return 0

    monkeypatch.setattr(command, "run_app", build_only)
    args = cli.build_parser().parse_args(["demo", "--quiet", "--language", "fa"])
    assert command.run(args) == 0
    (app,) = built
    assert app.t.rtl and app.has_class("-rtl")
    assert (app.config.language, app.config.digits, app.config.calendar) == (
        "fa",
        "persian",
        "jalali",
    )


async def test_the_persian_demo_opens_mirrored() -> None:
    """The app built with ``--language fa`` shows the inbox mirrored: each chat's badge at the
    right edge, its title beside it, the footer's words in Persian."""
    from tests.tui.screen import screen_rows
    from tui.commands.demo import build_app
    from tui.screens.inbox import InboxScreen
    from tui.text.termbidi import decide
    from tui.themes import badge

    with start_demo(quiet=True, history_size=SHORT_HISTORY) as demo:
        app = build_app(demo, decide("off", env={}, probe=False), "fa")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await demo.service.wait_ready()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, InboxScreen) and screen.has_class("-rtl")
            inbox = screen.inbox_list
            assert inbox.rows
            rows = screen_rows(app)
            first = rows[inbox.region.y][inbox.region.x : inbox.region.right]
            assert first.rstrip().endswith(f" {badge(inbox.rows[0].messenger).code}"), first
            assert not any("Quit" in r or "Help" in r for r in rows)  # the footer is Persian


class HeadlessDemo:
    """``payam demo --quiet --headless`` in a subprocess whose HOME is an empty temp dir and
    whose "real" keyring is the tripwire (logging any use to ``marker``)."""

    def __init__(self, tmp_path: Path) -> None:
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.marker = tmp_path / "tripwire.log"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PAYAM_", "XDG_")) and "PROXY" not in k.upper()
        }
        env |= {
            "HOME": str(self.home),
            "PYTHON_KEYRING_BACKEND": "tests.demo.tripwire.Tripwire",
            "PAYAM_TRIPWIRE_FILE": str(self.marker),
            "PYTHONPATH": str(REPO),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "demo", "--quiet", "--headless"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _pump(stream: IO[str] | None, sink: list[str]) -> None:
        assert stream is not None
        for line in stream:
            sink.append(line)

    def wait_for(self, check: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + HANG_GUARD_S
        while not check():
            assert self.proc.poll() is None, f"payam demo ended early: {''.join(self.err)}"
            assert time.monotonic() < deadline, f"gave up waiting for {what}: {self.err}"
            time.sleep(0.05)

    def banner(self, pattern: str) -> str:
        found = re.search(pattern, "".join(self.err))
        assert found, pattern
        return found.group(1)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def test_a_headless_run_end_to_end(tmp_path: Path) -> None:
    demo = HeadlessDemo(tmp_path)
    try:
        demo.wait_for(lambda: "-- live --\n" in demo.out, "the inbox")
        url = demo.banner(r"mock servers on (http://127\.0\.0\.1:\d+)")
        token = demo.banner(r"bale:shop +\S+ +token (\S+)")
        root = Path(demo.banner(r"temporary files: (\S+) "))
        assert root.is_dir()
        assert any("Python Iran" in line for line in demo.out)
        body = {
            "token": token,
            "from": {"name": "Sara", "username": "sara_k"},
            "text": "سلام از تست 👋",
        }
        request = urllib.request.Request(  # noqa: S310 - loopback, the demo's own mock
            f"{url}/bale/__mock__/inbound",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=HANG_GUARD_S) as answer:  # noqa: S310
            assert answer.status == 200
        demo.wait_for(lambda: any("سلام از تست 👋" in x for x in demo.out), "the message")
        demo.proc.send_signal(signal.SIGINT)
        assert demo.proc.wait(HANG_GUARD_S) == 0
    finally:
        demo.close()
    assert not root.exists()
    assert tree(demo.home) == set()
    assert not demo.marker.exists()


def test_a_closed_terminal_still_removes_the_temporary_files(tmp_path: Path) -> None:
    demo = HeadlessDemo(tmp_path)
    try:
        demo.wait_for(lambda: "-- live --\n" in demo.out, "the inbox")
        root = Path(demo.banner(r"temporary files: (\S+) "))
        assert root.is_dir()
        demo.proc.send_signal(signal.SIGHUP)
        assert demo.proc.wait(HANG_GUARD_S) == -signal.SIGHUP
    finally:
        demo.close()
    assert not root.exists()
    assert tree(demo.home) == set()
