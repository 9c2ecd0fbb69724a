"""End to end, as a person sees it: ``payam demo --quiet --port N`` in a real terminal (tmux,
120×40, on a private server socket, with HOME and the XDG dirs in a temp dir), driven by
``send-keys`` and read with ``capture-pane -p``.

A message injected into the Bale mock through its control API (``POST /bale/__mock__/inbound``)
appears in the inbox; the chat opens with it; a Persian reply typed into the composer (with a
ZWNJ) and sent reaches the mock exactly (``GET /bale/__mock__/chats/<id>``). Every Persian row
read from the pane is compared with GNU FriBidi's visual form of the text (``tests/text/oracle``).

Waits poll the pane until the expected text is there, up to a hang guard (:data:`HANG_GUARD_S`):
a loaded machine only makes them take longer, never fail. Skipped, with the reason, when tmux is
missing, or when ``fribidi`` (the oracle) is.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.text.oracle import normalise
from tests.tui.oracle_rows import expected_lines, needs_fribidi
from tui.demo import DEFAULT_SEED
from tui.demo.world import build_world

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parents[2]
SIZE = (120, 40)
HANG_GUARD_S = 90.0
POLL_S = 0.1
INCOMING = "سلام! سفارش من رسید؟ شماره ۴۲"
SENDER = "Tara E2E"
REPLY = "بله، فردا می\u200cرسد (ساعت ۱۰)"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Terminal:
    """A tmux server of our own, one session running the demo."""

    socket: str
    session: str
    port: int

    def tmux(self, *args: str) -> str:
        """Run a tmux command on our server; its stdout. The server inherits this client's
        environment: without COLUMNS and LINES, which would override the pane's size."""
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env=env,
        )
        return done.stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        """``send-keys`` (``literal``: type the text as is)."""
        self.tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def alive(self) -> bool:
        """Whether the session (the demo) is still running."""
        return self.session in self.tmux("list-sessions", "-F", "#{session_name}").split()

    def rows(self) -> list[str]:
        """What the pane shows, one string per row."""
        return self.tmux("capture-pane", "-p", "-t", self.session).splitlines()[: SIZE[1]]

    def wait(self, what: str, done: Callable[[list[str]], bool]) -> list[str]:
        """Poll the pane until ``done(rows)`` holds (the hang guard fails the test)."""
        deadline = time.monotonic() + HANG_GUARD_S
        rows = self.rows()
        while not done(rows):
            if time.monotonic() > deadline:
                pytest.fail(f"never saw {what}; the pane shows:\n" + "\n".join(rows))
            time.sleep(POLL_S)
            rows = self.rows()
        return rows

    def wait_for(self, text: str) -> list[str]:
        """Poll until some row contains ``text`` (after FriBidi's normalisation)."""
        return self.wait(repr(text), lambda rows: any(text in normalise(r) for r in rows))


def api(port: int, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the mocks' control API (JSON in, JSON out)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        headers={"content-type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def visual(text: str) -> str:
    """FriBidi's visual form of a one-line text (the oracle)."""
    (line, _rtl), *_ = expected_lines(text, 200)
    return line


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """``payam demo --quiet --port N`` in a fresh tmux server; torn down afterwards."""
    home = tmp_path / "home"
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "TMPDIR": str(tmp_path),
        "PAYAM_BIDI": "app",
        "LANG": "C.UTF-8",
    }
    for path in env.values():
        if path.startswith(str(tmp_path)):
            Path(path).mkdir(parents=True, exist_ok=True)
    port = free_port()
    term = Terminal(f"payam-test-{os.getpid()}", "e2e", port)
    command = shlex.join([sys.executable, "-m", "tui", "demo", "--quiet", "--port", str(port)])
    settings = [f"-e{k}={v}" for k, v in env.items()]
    width, height = SIZE
    term.tmux(
        "new-session", "-d", "-s", term.session, "-x", str(width), "-y", str(height),
        "-c", str(ROOT), *settings, command,
    )  # fmt: skip
    try:
        yield term
    finally:
        # Quit as a person would, and wait (up to the hang guard) for the demo to end, so the
        # terminal is restored before the server goes; then the server, whatever happened.
        term.keys("C-q")
        deadline = time.monotonic() + HANG_GUARD_S
        while term.alive() and time.monotonic() < deadline:
            time.sleep(POLL_S)
        term.tmux("kill-server")


@needs_fribidi
def test_an_injected_message_appears_opens_and_gets_a_persian_reply(terminal: Terminal) -> None:
    token = build_world(DEFAULT_SEED, history_size=10).accounts["bale:shop"].token
    # The inbox paints, and the accounts settle.
    terminal.wait("the inbox", lambda rows: any("of 13 chats" in r for r in rows))
    terminal.wait("the accounts polling", lambda rows: "4 polling" in rows[-2])
    bots = api(terminal.port, "/bale/__mock__/bots")["bots"]
    assert token in {b["token"] for b in bots}

    # A customer writes to the shop: the message shows up in the inbox, in a new chat.
    sent = api(
        terminal.port,
        "/bale/__mock__/inbound",
        {
            "token": token,
            "chat": {"type": "private"},
            "from": {"name": SENDER, "username": "tara_e2e"},
            "text": INCOMING,
        },
    )
    chat_id = str(sent["chat_id"])
    rows = terminal.wait_for(SENDER)
    preview = visual(INCOMING)
    rows = terminal.wait_for(preview)
    title_row = next(i for i, r in enumerate(rows) if SENDER in r)
    assert preview in normalise(rows[title_row + 1]), "the preview is under its chat"
    assert "of 14 chats" in rows[0]

    # Filter to it and open it: the message is in the conversation, right-aligned (RTL).
    terminal.keys("f")
    # The filter line has the focus when the key bar drops the inbox's own keys.
    terminal.wait("the filter focused", lambda rows: "Enter Open" not in rows[-1])
    terminal.keys("Tara", literal=True)
    terminal.keys("Enter")
    terminal.wait("the filtered inbox", lambda rows: "1 of 14 chats" in rows[0])
    terminal.keys("Enter")
    opened = terminal.wait("the chat open", lambda rows: rows[0].strip() == SENDER)
    assert not any("chats" in r for r in opened[:2])
    rows = terminal.wait_for(preview)
    body = next(normalise(r) for r in rows if preview in normalise(r))
    assert body.rstrip().endswith(preview), "an RTL paragraph stands at the right"

    # A Persian reply (with a ZWNJ) typed into the composer and sent reaches the mock exactly.
    terminal.keys("i")
    # Typed before the composer has the focus, the text would go to the history view: wait
    # for the composer's key bar, as a person waits for the cursor.
    terminal.wait("the composer focused", lambda rows: "$EDITOR" in rows[-1])
    terminal.keys(REPLY, literal=True)
    terminal.wait_for(visual(REPLY))
    terminal.keys("Enter")

    def reply_stored() -> bool:
        chat = api(terminal.port, f"/bale/__mock__/chats/{chat_id}?token={token}")
        return any(m["direction"] == "out" and m["text"] == REPLY for m in chat["messages"])

    deadline = time.monotonic() + HANG_GUARD_S
    while not reply_stored():
        if time.monotonic() > deadline:
            pytest.fail("the reply never reached the mock")
        time.sleep(POLL_S)
    chat = api(terminal.port, f"/bale/__mock__/chats/{chat_id}?token={token}")
    texts = [m["text"] for m in chat["messages"]]
    assert texts == [INCOMING, REPLY]
    # The sent reply is in the history (above the emptied composer), delivered.
    rows = terminal.wait(
        "the reply delivered", lambda rows: any("you" in r and "✓" in r for r in rows)
    )
    assert sum(visual(REPLY) in normalise(r) for r in rows) == 1
