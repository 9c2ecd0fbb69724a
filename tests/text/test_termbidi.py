"""The terminal bidi mode: the DECRQM probe against a pseudo-terminal, the policy, the switch."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.text import termbidi
from tui.text.termbidi import (
    BDSM_EXPLICIT,
    BDSM_IMPLICIT,
    BDSM_QUERY,
    DA1_QUERY,
    BidiDecision,
    BidiModeError,
    BidiSwitch,
    applied,
    decide,
    probe_bdsm,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

REPO = Path(__file__).resolve().parents[2]
VTE = b"\x1b[8;1$y\x1b[?65;1;9c"  # what VTE 0.70 answers (rtl.md §5.2)
VTE_EXPLICIT = b"\x1b[8;2$y\x1b[?65;1;9c"
XTERM = b"\x1b[8;0$y\x1b[?64;1;2;6;9;15;18;21;22c"  # xterm 379: mode 8 not recognised
DA1_ONLY = b"\x1b[?1;2c"  # a terminal that ignores DECRQM
PERMANENT = b"\x1b[8;3$y\x1b[?62c"
QUERY = BDSM_QUERY + DA1_QUERY
SHORT = 0.1  # the probe timeout in tests: only the silent terminal waits for it


class FakeTerminal:
    """The far side of a pty: records what the app writes and answers the probe with ``reply``.

    ``reply=None`` plays a terminal that never answers. The answer goes out in two pieces to
    check that the probe reassembles a reply split across reads.
    """

    def __init__(self, reply: bytes | None) -> None:
        self.master, self.slave = os.openpty()
        self.reply = reply
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        answered = False
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.01)[0]:
                continue
            try:
                self.received += os.read(self.master, 1024)
            except OSError:
                return
            if self.reply is not None and not answered and QUERY in self.received:
                half = len(self.reply) // 2
                os.write(self.master, self.reply[:half])
                os.write(self.master, self.reply[half:])
                answered = True

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        os.close(self.slave)
        os.close(self.master)


@pytest.fixture
def terminal(request: pytest.FixtureRequest) -> Iterator[FakeTerminal]:
    fake = FakeTerminal(request.param)
    yield fake
    fake.close()


def tty_modes(fd: int) -> list[object]:
    return list(termios.tcgetattr(fd))


# --- the probe ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terminal", "status", "value"),
    [
        (VTE, "reply", 1),
        (VTE_EXPLICIT, "reply", 2),
        (XTERM, "reply", 0),
        (DA1_ONLY, "no-decrpm", None),
        (None, "timeout", None),
    ],
    indirect=["terminal"],
    ids=["vte", "vte-explicit", "xterm", "da1-only", "silent"],
)
def test_probe_reads_the_reply_and_restores_the_tty(
    terminal: FakeTerminal, status: str, value: int | None
) -> None:
    before = tty_modes(terminal.slave)
    result = probe_bdsm(terminal.slave, terminal.slave, timeout=SHORT)
    assert (result.status, result.value) == (status, value)
    assert result.raw == (terminal.reply or b"")
    assert tty_modes(terminal.slave) == before
    assert terminal.received == QUERY


@pytest.mark.parametrize("terminal", [VTE], indirect=True)
def test_probe_restores_the_tty_when_writing_fails(terminal: FakeTerminal) -> None:
    read_end, write_end = os.pipe()
    try:
        before = tty_modes(terminal.slave)
        result = probe_bdsm(terminal.slave, read_end, timeout=SHORT)  # a read end: EBADF
        assert result.status == "error"
        assert "OSError" in result.detail
        assert tty_modes(terminal.slave) == before
    finally:
        os.close(read_end)
        os.close(write_end)


def test_probe_ignores_a_dec_private_mode_8_report() -> None:
    # "ESC[?8;1$y" is DECARM (autorepeat), not BDSM: it must not read as "reorders".
    fake = FakeTerminal(b"\x1b[?8;1$y\x1b[?62c")
    try:
        result = probe_bdsm(fake.slave, fake.slave, timeout=SHORT)
    finally:
        fake.close()
    assert (result.status, result.value) == ("no-decrpm", None)


# --- decide(): auto --------------------------------------------------------------------------


def auto(fake: FakeTerminal, env: dict[str, str] | None = None, probe: bool = True) -> BidiDecision:
    return decide(
        None, env=env or {}, probe=probe, stdin=fake.slave, stdout=fake.slave, timeout=SHORT
    )


@pytest.mark.parametrize("terminal", [VTE], indirect=True)
def test_auto_on_vte_switches_to_explicit(terminal: FakeTerminal) -> None:
    decision = auto(terminal)
    assert decision.mode == "app"
    assert decision.send_explicit is True
    assert decision.probe is not None
    assert decision.probe.value == 1
    assert "BDSM" in decision.reason
    assert (decision.requested, decision.source, decision.advice) == ("auto", "default", None)


@pytest.mark.parametrize("terminal", [VTE_EXPLICIT], indirect=True)
def test_auto_on_a_terminal_already_explicit_sends_nothing(terminal: FakeTerminal) -> None:
    decision = auto(terminal)
    assert (decision.mode, decision.send_explicit) == ("app", False)


@pytest.mark.parametrize("terminal", [PERMANENT], indirect=True)
def test_auto_on_a_permanently_reordering_terminal_is_terminal_mode(
    terminal: FakeTerminal,
) -> None:
    assert auto(terminal).mode == "terminal"


@pytest.mark.parametrize("terminal", [XTERM, DA1_ONLY, None], indirect=True)
def test_auto_without_bdsm_falls_back_to_app(terminal: FakeTerminal) -> None:
    decision = auto(terminal)
    assert (decision.mode, decision.send_explicit) == ("app", False)
    assert decision.probe is not None
    assert "no BDSM report" in decision.reason


@pytest.mark.parametrize("terminal", [XTERM], indirect=True)
@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"KONSOLE_VERSION": "230805"}, "Konsole"),
        ({"TERM": "mlterm-256color"}, "mlterm"),
        ({"MLTERM": "3.9.3"}, "mlterm"),
        ({"TERM_PROGRAM": "Apple_Terminal"}, "Apple Terminal"),
        ({"TERM_PROGRAM": "mintty"}, "mintty"),
    ],
)
def test_terminals_that_reorder_without_a_switch_get_terminal_mode(
    terminal: FakeTerminal, env: dict[str, str], name: str
) -> None:
    decision = auto(terminal, env)
    assert decision.mode == "terminal"
    assert name in decision.reason
    assert decision.advice is not None
    assert name in decision.advice
    assert decision.send_explicit is False


@pytest.mark.parametrize("terminal", [VTE], indirect=True)
def test_a_bdsm_report_wins_over_the_environment(terminal: FakeTerminal) -> None:
    # mintty may well report BDSM; then the standard switch is better than terminal mode.
    decision = auto(terminal, {"TERM_PROGRAM": "mintty"})
    assert (decision.mode, decision.send_explicit) == ("app", True)


@pytest.mark.parametrize("terminal", [None], indirect=True)
@pytest.mark.parametrize(
    "env", [{"TERM_PROGRAM": "vscode"}, {"WT_SESSION": "x"}, {"TERM": "xterm-kitty"}]
)
def test_other_terminals_get_app_mode_without_a_probe(
    terminal: FakeTerminal, env: dict[str, str]
) -> None:
    decision = auto(terminal, env, probe=False)
    assert (decision.mode, decision.probe) == ("app", None)
    assert terminal.received == b""


@pytest.mark.parametrize("terminal", [VTE], indirect=True)
def test_inside_tmux_no_probe_and_advice(terminal: FakeTerminal) -> None:
    decision = auto(terminal, {"TMUX": "fake-socket,1,0", "VTE_VERSION": "7006"})
    assert (decision.mode, decision.probe, decision.send_explicit) == ("app", None, False)
    assert terminal.received == b""
    assert decision.advice is not None
    for needed in ("tmux", "printf '\\e[8l'", "allow-passthrough", "PAYAM_BIDI", "VTE"):
        assert needed in decision.advice
    assert decision.advice in decision.summary()


@pytest.mark.parametrize("terminal", [None], indirect=True)
def test_inside_screen_with_konsole_is_terminal_mode_with_advice(terminal: FakeTerminal) -> None:
    decision = auto(terminal, {"STY": "1234.pts-0.host", "KONSOLE_VERSION": "230805"})
    assert decision.mode == "terminal"
    assert decision.advice is not None
    assert "GNU screen" in decision.advice
    assert "allow-passthrough" not in decision.advice


def test_no_tty_means_no_probe_and_app_mode() -> None:
    read_end, write_end = os.pipe()
    try:
        decision = decide(None, env={}, stdin=read_end, stdout=write_end)
        os.set_blocking(read_end, False)
        with pytest.raises(BlockingIOError):
            os.read(read_end, 100)  # nothing was written: no query went into the pipe
    finally:
        os.close(read_end)
        os.close(write_end)
    assert (decision.mode, decision.probe, decision.send_explicit) == ("app", None, False)
    assert "not a terminal" in decision.reason


# --- decide(): explicit settings -----------------------------------------------------------


@pytest.mark.parametrize("terminal", [VTE], indirect=True)
def test_payam_bidi_wins_over_the_config(terminal: FakeTerminal) -> None:
    decision = decide(
        "app", env={"PAYAM_BIDI": " Terminal "}, stdin=terminal.slave, stdout=terminal.slave
    )
    assert (decision.mode, decision.requested, decision.source) == ("terminal", "terminal", "env")
    assert terminal.received == b""  # an explicit mode never probes


@pytest.mark.parametrize(
    ("configured", "env", "mode", "source"),
    [
        ("off", {}, "off", "config"),
        ("terminal", {"PAYAM_BIDI": ""}, "terminal", "config"),
        (None, {"PAYAM_BIDI": "off"}, "off", "env"),
        ("  ", {}, "app", "default"),
    ],
)
def test_where_the_setting_comes_from(
    configured: str | None, env: dict[str, str], mode: str, source: str
) -> None:
    decision = decide(configured, env=env, stdin=io.StringIO(), stdout=io.StringIO())
    assert (decision.mode, decision.source, decision.send_explicit) == (mode, source, False)


@pytest.mark.parametrize("terminal", [None], indirect=True)
def test_forced_app_sends_the_switch_on_a_tty_only(terminal: FakeTerminal) -> None:
    on_tty = decide("app", env={}, stdin=terminal.slave, stdout=terminal.slave)
    piped = decide("app", env={}, stdin=io.StringIO(), stdout=io.StringIO())
    assert (on_tty.mode, on_tty.send_explicit) == ("app", True)
    assert (piped.mode, piped.send_explicit) == ("app", False)
    konsole = decide(
        "app", env={"KONSOLE_VERSION": "1"}, stdin=terminal.slave, stdout=terminal.slave
    )
    assert konsole.advice is not None
    assert "Konsole" in konsole.advice


@pytest.mark.parametrize(
    ("configured", "env", "origin"),
    [
        ("sideways", {}, "config key 'bidi'"),
        (None, {"PAYAM_BIDI": "rtl"}, "PAYAM_BIDI"),
        ("app", {"PAYAM_BIDI": "yes"}, "PAYAM_BIDI"),
    ],
)
def test_invalid_values_give_a_clear_error(
    configured: str | None, env: dict[str, str], origin: str
) -> None:
    with pytest.raises(BidiModeError) as caught:
        decide(configured, env=env, stdin=io.StringIO(), stdout=io.StringIO())
    message = str(caught.value)
    assert origin in message
    assert "auto, app, terminal, off" in message
    assert isinstance(caught.value, ValueError)


# --- the switch ------------------------------------------------------------------------------

SWITCHING = BidiDecision("app", "auto", "default", "test", send_explicit=True)


def drain(fd: int) -> bytes:
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 1024)
    except BlockingIOError:
        return b""


def test_applied_restores_on_an_exception() -> None:
    read_end, write_end = os.pipe()
    seen_inside: list[bytes] = []

    def crash() -> None:
        with applied(SWITCHING, write_end):
            seen_inside.append(drain(read_end))
            raise RuntimeError("boom")

    try:
        with pytest.raises(RuntimeError, match="boom"):
            crash()
        assert seen_inside == [BDSM_EXPLICIT]
        assert drain(read_end) == BDSM_IMPLICIT
    finally:
        os.close(read_end)
        os.close(write_end)


def test_applied_does_nothing_when_not_asked() -> None:
    out = io.BytesIO()
    with applied(BidiDecision("app", "auto", "default", "x"), out) as switch:
        assert switch.active is False
    assert out.getvalue() == b""


def test_the_switch_is_idempotent_and_writes_text_or_bytes_streams() -> None:
    text, raw = io.StringIO(), io.BytesIO()
    for stream in (text, raw):
        switch = BidiSwitch(stream)
        switch.enter()
        switch.enter()
        switch.leave()
        switch.leave()
    assert text.getvalue() == "\x1b[8l\x1b[8h"
    assert raw.getvalue() == b"\x1b[8l\x1b[8h"


def run_python(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


PRELUDE = (
    "import sys, time\n"
    "from tui.text.termbidi import BidiDecision, BidiSwitch, applied\n"
    "d = BidiDecision('app', 'auto', 'default', 't', send_explicit=True)\n"
)


@pytest.mark.parametrize(
    "body",
    [
        # An exception unwinding the with block.
        "with applied(d):\n    raise RuntimeError('crash')\n",
        # A crash outside any with block: only atexit can restore.
        "BidiSwitch(sys.stdout).enter()\nprint('in app mode', flush=True)\n"
        "raise RuntimeError('crash')\n",
    ],
    ids=["in-with", "atexit"],
)
def test_a_crashing_process_restores_the_terminal(body: str) -> None:
    proc = run_python(PRELUDE + body)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert b"RuntimeError: crash" in err
    assert out.startswith(BDSM_EXPLICIT)
    assert out.endswith(BDSM_IMPLICIT)
    assert out.count(BDSM_IMPLICIT) == 1


def test_sigterm_restores_the_terminal_and_still_kills() -> None:
    proc = run_python(
        PRELUDE + "with applied(d):\n    print('ready', file=sys.stderr, flush=True)\n"
        "    time.sleep(60)\n"
    )
    assert proc.stderr is not None
    assert proc.stderr.readline() == b"ready\n"
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM
    assert out == BDSM_EXPLICIT + BDSM_IMPLICIT


def test_signal_handlers_are_put_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with applied(SWITCHING, io.BytesIO()):
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before
    assert not termbidi._ACTIVE
