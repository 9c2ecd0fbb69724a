"""``payam`` as real processes over the served mocks: commands, ``tail`` and the TUI in a pty.

Used by the subprocess half of the canary sweep and by the one-poller tests. Every run gets
a clean environment (a temp HOME and XDG dirs, no proxies, the fail keyring: tokens come from
``token_command`` only) and ``--config``/``--data-dir`` in the test's temp dir. The config sets
``log_level = "debug"`` (so ``httpx``/``httpcore`` log at DEBUG into ``payam.log``) and a fixed
bidi mode (no terminal probe). Only processes started here are ever signalled, by their pid.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from tests.cli.mockkit import HANG_GUARD_S, MockKit
from tests.security.display_session import environment as display_environment
from tests.security.ptyharness import PtyProcess

REPO: Final = Path(__file__).resolve().parents[2]

# A poll worker that dies with the token in its locals and in its message (raw, base64 and
# URL-encoded), as soon as the poller stored a batch: Payam's crash report must show none of it.
CRASH_IN_POLL: Final = """
import base64, os, sys, urllib.parse
import tui.screens.notices as notices

def crash(self, notice):
    token_in_locals = open(os.environ["PAYAM_TEST_TOKEN_FILE"]).read().strip()
    quoted = urllib.parse.quote(token_in_locals, safe="")
    packed = base64.b64encode(token_in_locals.encode()).decode()
    raise RuntimeError(f"poll worker died on {token_in_locals} (q={quoted}, b={packed})")

notices.Router._messages = crash
from tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def environment(root: Path) -> dict[str, str]:
    """The display suite's clean environment (a temp HOME and XDG dirs, UTF-8, no keyring
    daemon, no proxies), without colour."""
    return {**display_environment(root), "NO_COLOR": "1"}


def write_config(root: Path, kit: MockKit, accounts: dict[str, str]) -> Path:
    """``config.toml`` with one account ``<messenger>:canary`` per entry of ``accounts``
    (messenger -> token, the token read by ``token_command`` from a private file)."""
    secrets = root / "secrets"
    secrets.mkdir(mode=0o700, exist_ok=True)
    lines = ['bidi = "app"', 'log_level = "debug"']
    for messenger, token in accounts.items():
        token_file = secrets / f"{messenger}.token"
        token_file.write_text(token + "\n", encoding="utf-8")
        token_file.chmod(0o600)
        lines += [
            "",
            "[[accounts]]",
            f'messenger = "{messenger}"',
            'name = "canary"',
            f"base_url = {json.dumps(kit.api_root(messenger))}",
            f"token_command = {json.dumps(f'cat {token_file}')}",
        ]
    config = root / "config" / "config.toml"
    config.parent.mkdir(exist_ok=True)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


@dataclass
class Done:
    """A finished command."""

    rc: int
    out: bytes
    err: bytes


@dataclass
class Background:
    """A running ``payam`` (``tail``): its output collected on threads."""

    proc: subprocess.Popen[bytes]
    out: bytearray = field(default_factory=bytearray)
    err: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        for stream, into in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, into), daemon=True).start()

    @staticmethod
    def _pump(stream: object, into: bytearray) -> None:
        assert stream is not None
        for chunk in iter(stream.readline, b""):  # type: ignore[attr-defined]
            into += chunk

    def wait_lines(self, n: int) -> None:
        """Wait (hang-guarded) until standard output has ``n`` lines."""
        wait(lambda: self.out.count(b"\n") >= n, f"{n} lines from payam")

    def end(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` (this process only) and wait."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=HANG_GUARD_S)
        time.sleep(0.1)  # let the reader threads drain the pipes
        return rc


class Payam:
    """``python -m tui --config … --data-dir …`` in a clean environment; keeps every output."""

    def __init__(self, root: Path, config: Path) -> None:
        self.root = root
        self.config = config
        self.data = root / "data"
        self.env = environment(root)
        self.outputs: list[tuple[str, bytes]] = []
        self.started: list[Background] = []
        self.ptys: list[PtyProcess] = []

    def argv(self, *args: str, script: str | None = None) -> list[str]:
        head = [sys.executable, "-c", script] if script else [sys.executable, "-m", "tui"]
        return [*head, "--config", str(self.config), "--data-dir", str(self.data), *args]

    def __call__(self, *args: str, stdin: bytes | None = None) -> Done:
        done = subprocess.run(
            self.argv(*args),
            input=stdin,
            capture_output=True,
            env=self.env,
            cwd=REPO,
            timeout=HANG_GUARD_S * 2,
            check=False,
        )
        self.outputs += [(f"{' '.join(args)} stdout", done.stdout)]
        self.outputs += [(f"{' '.join(args)} stderr", done.stderr)]
        return Done(done.returncode, done.stdout, done.stderr)

    def start(self, *args: str) -> Background:
        """A long-running command (``tail``)."""
        proc = subprocess.Popen(
            self.argv(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env,
            cwd=REPO,
        )
        bg = Background(proc)
        self.started.append(bg)
        return bg

    def pty(
        self, *args: str, script: str | None = None, env: dict[str, str] | None = None
    ) -> PtyProcess:
        """The TUI (or ``script``) on a pseudo-terminal."""
        proc = PtyProcess(
            self.argv(*args, script=script), env={**self.env, **(env or {})}, cwd=REPO
        )
        self.ptys.append(proc)
        return proc

    def close(self) -> None:
        """Kill whatever this runner started and is still running (by pid)."""
        for bg in self.started:
            if bg.proc.poll() is None:
                bg.proc.kill()
            bg.proc.wait()
            for stream in (bg.proc.stdout, bg.proc.stderr):
                if stream is not None:
                    stream.close()
        for p in self.ptys:
            if p.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    p.proc.kill()
                p.proc.wait()


def wait(check: Callable[[], object], what: str) -> None:
    """Wait until ``check()`` is truthy (a hang guard, never a pass figure)."""
    deadline = time.monotonic() + HANG_GUARD_S
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@contextlib.contextmanager
def running(root: Path, config: Path) -> Iterator[Payam]:
    """A :class:`Payam` closed (its processes killed) at the end."""
    payam = Payam(root, config)
    try:
        yield payam
    finally:
        payam.close()


def get_updates(kit: MockKit, messenger: str, token: str) -> int:
    """``getUpdates`` requests the mock logged for ``token``."""
    return sum(1 for r in kit.requests(messenger, token) if r["api_method"] == "getUpdates")


def in_long_poll(kit: MockKit, messenger: str, token: str, after: int) -> Sequence[object]:
    """The ``getUpdates`` entries beyond the first ``after``, not yet answered."""
    entries = [r for r in kit.requests(messenger, token) if r["api_method"] == "getUpdates"]
    return [r for r in entries[after:] if r.get("status") is None]
