"""Canary sweep, as the user runs Payam: ``payam`` processes, kill -9, a TUI crash in a pty.

Issue 7, "Secrets". Five accounts (one per messenger) whose tokens are canaries
(:mod:`tests.security.canarykit`), read by ``token_command``; the config sets ``log_level =
"debug"``, so ``payam.log`` gets ``httpx``/``httpcore`` at DEBUG. Driven, all as subprocesses:

(b) ``payam tail --json`` killed with SIGKILL while its long polls are open at the mock, then
    ``payam tail`` (text) restarted under every fault kind of the control API (rate 0.3) until
    it printed what arrived meanwhile;
(d) ``send`` (every account, and one into a 500 outage), ``search`` (text and JSON),
    ``export`` (jsonl to a file, txt to stdout), ``backup``, ``doctor``, ``account list``;
(c) the real TUI on a pseudo-terminal, whose notice handler for a poller's batch is made to
    raise with the token in its locals and, raw, URL-encoded and base64, in its message.

Swept for every form of every secret part: every stdout and stderr, the pty byte stream (the
crash report included), every file under the test's root — ``payam.log``, the store with its
``-wal``/``-shm``, the backup, the export, the config — but the token files themselves:
**0**. Not vacuous: the token files do hold the canaries; ``payam.log`` has DEBUG records of
``httpcore`` and names the accounts; the crash report was shown.
"""

from __future__ import annotations

import random
import re
import signal
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from adapters.mock import ThreadedMockServer
from adapters.mock.faults import FAULT_KINDS
from tests.cli.mockkit import MockKit
from tests.security.canarykit import Canary, Sweep, make_canary
from tests.security.processkit import CRASH_IN_POLL, in_long_poll, running, wait, write_config

MESSENGERS = ("telegram", "bale", "splus", "rubika", "eitaa")
RECEIVING = ("telegram", "bale", "splus", "rubika")
MIXED = {"rate": 0.3, "kinds": list(FAULT_KINDS), "hang_s": 0.5}


@pytest.fixture
def kit() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=31) as server:
        mocks = MockKit(server)
        yield mocks
        mocks.close()


def _faults(kit: MockKit, on: bool) -> None:
    for i, m in enumerate(MESSENGERS):
        if on:
            kit.control(m, "faults", {"seed": 300 + i, **MIXED})
        else:
            kit.control(m, "faults", method="DELETE")


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_no_canary_leaks_from_commands_kill9_or_a_tui_crash(kit: MockKit, tmp_path: Path) -> None:
    rng = random.Random(20250108)
    canaries: dict[str, Canary] = {m: make_canary(m, rng) for m in MESSENGERS}
    for m, c in canaries.items():
        extra = {"channels": [f"canary_news_{m}"]} if m == "eitaa" else {}
        kit.bot(m, f"Canary {m}", f"canary_{m}_bot", token=c.token, **extra)
    config = write_config(tmp_path, kit, {m: c.token for m, c in canaries.items()})
    chats = {m: kit.inbound(m, canaries[m].token, f"salam {m}")[0] for m in RECEIVING}
    chats["eitaa"] = "@canary_news_eitaa"
    sweep = Sweep(list(canaries.values()))

    with running(tmp_path, config) as payam:
        # (b) tail, killed -9 inside its long polls, then restarted under faults.
        first = payam.start("tail", "--json")
        first.wait_lines(len(RECEIVING))
        for m in ("telegram", "bale", "splus"):  # Rubika has no long poll: polled every second
            token = canaries[m].token
            wait(partial(in_long_poll, kit, m, token, 1), f"{m}'s open long poll")
        assert first.end(signal.SIGKILL) == -signal.SIGKILL
        for m in RECEIVING:
            kit.inbound(m, canaries[m].token, f"after the kill {m}")
        _faults(kit, on=True)
        second = payam.start("tail")
        second.wait_lines(len(RECEIVING))
        assert second.end() == 0
        _faults(kit, on=False)
        for label, bg in (("tail --json (killed)", first), ("tail (restarted)", second)):
            sweep.add(f"{label} stdout", bytes(bg.out))
            sweep.add(f"{label} stderr", bytes(bg.err))
        assert b"after the kill telegram" in second.out

        # (d) the headless commands, one failing.
        for m in MESSENGERS:
            sent = payam("send", f"{m}:canary", chats[m], f"reply {m}")
            assert sent.rc == 0, sent.err
        export = tmp_path / "export.jsonl"
        for args in (
            ("search", "salam"),
            ("search", "--json", "after"),
            ("export", "--format", "jsonl", "--out", str(export)),
            ("export", "--format", "txt"),
            ("backup", str(tmp_path / "backup.db")),
            ("account", "list"),
        ):
            done = payam(*args)
            assert done.rc == 0, (args, done.err)
        payam("doctor")
        kit.control("bale", "faults", {"seed": 3, "rate": 1.0, "kinds": ["500"]})
        failing = payam("send", "bale:canary", chats["bale"], "during an outage")
        kit.control("bale", "faults", method="DELETE")
        assert failing.rc != 0 or b"unknown" in failing.out + failing.err

        # (c) the TUI dies in the handler of a poller's batch; its crash report is swept.
        token_file = tmp_path / "secrets" / "telegram.token"
        tui = payam.pty(script=CRASH_IN_POLL, env={"PAYAM_TEST_TOKEN_FILE": str(token_file)})
        kit.inbound("telegram", canaries["telegram"].token, "wake the poller")
        wait(lambda: tui.proc.poll() is not None, "the TUI's crash")
        tui.stop()
        stream = tui.output
        assert tui.proc.returncode == 1
        assert b"Payam crashed" in stream and b"RuntimeError: poll worker died on" in stream

    sweep.add("tui pty stream", stream)
    for label, data in payam.outputs:
        sweep.add(label, data)
    files = sweep.add_files(tmp_path, skip=[tmp_path / "secrets"])
    names = {p.name for p in files}
    assert {"payam.log", "payam.db", "backup.db", "export.jsonl", "config.toml"} <= names, names

    log = (payam.data / "payam.log").read_text(encoding="utf-8")
    httpcore_debug = len(re.findall(r"^\S+ \S+ DEBUG +httpcore", log, re.MULTILINE))
    print(
        f"\ncanary sweep (processes): {sweep.size():,} bytes in {len(sweep.haystacks)} "
        f"haystacks; payam.log {len(log.splitlines()):,} lines, {httpcore_debug} httpcore DEBUG"
    )
    # Not vacuous: the log is at DEBUG and names the accounts; the token files hold the canaries.
    assert httpcore_debug > 0 and "telegram:canary" in log
    for m, canary in canaries.items():
        assert canary.secret in (tmp_path / "secrets" / f"{m}.token").read_text()
    assert sweep.count("canary") > 0
    assert sweep.leaks() == []
