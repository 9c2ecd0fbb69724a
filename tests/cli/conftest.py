"""Fixtures for the headless CLI tests: the served mocks, and ``payam`` as a user runs it.

Every command runs as a real subprocess (``python -m tui``) with ``--config`` and
``--data-dir`` in the test's temp dir, against a :class:`ThreadedMockServer` on loopback.
Accounts are added the documented way: ``payam account add … --base-url … --token-command``,
where the command is ``cat`` of a private file holding the token (never argv, never config).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from adapters.mock import ThreadedMockServer
from tests.cli.mockkit import HANG_GUARD_S, MockKit

REPO = Path(__file__).resolve().parents[2]
# A token in the real format whose secret part is a canary: searched for after every command.
CANARY_SECRET = "CANARYcliQx7Zr2Lm9Tb4Wv"
CANARY_TOKEN = f"700700700:{CANARY_SECRET}"


@dataclass
class Result:
    rc: int
    out: str
    err: str


@dataclass
class Tail:
    """A running ``payam tail``: its output lines arrive on a queue (hang-guarded reads)."""

    proc: subprocess.Popen[bytes]
    lines: queue.Queue[bytes] = field(default_factory=queue.Queue)
    raw: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for chunk in iter(self.proc.stdout.readline, b""):
            self.raw.append(chunk)
            self.lines.put(chunk)

    def line(self) -> str:
        """The next line of standard output (bytes checked by the caller through ``raw``)."""
        try:
            got = self.lines.get(timeout=HANG_GUARD_S)
        except queue.Empty:
            raise AssertionError("payam tail printed nothing") from None
        return got.decode("utf-8")

    def stop(self) -> Result:
        """SIGTERM, then everything it printed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=HANG_GUARD_S)
        assert self.proc.stderr is not None
        err = self.proc.stderr.read().decode("utf-8")
        return Result(rc, b"".join(self.raw).decode("utf-8"), err)


class Payam:
    """Runs ``payam --config C --data-dir D …`` in a subprocess and keeps every output."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = root / "conf" / "config.toml"
        self.data = root / "data"
        self.outputs: list[str] = []
        self.tails: list[Tail] = []

    def argv(self, *args: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "tui",
            "--config",
            str(self.config),
            "--data-dir",
            str(self.data),
            *args,
        ]

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        env["NO_COLOR"] = "1"
        return env

    def __call__(self, *args: str, stdin: str | None = None) -> Result:
        done = subprocess.run(
            self.argv(*args),
            input=stdin.encode("utf-8") if stdin is not None else None,
            capture_output=True,
            env=self.env(),
            cwd=REPO,
            timeout=HANG_GUARD_S * 2,
            check=False,
        )
        result = Result(done.returncode, done.stdout.decode(), done.stderr.decode())
        self.outputs += [result.out, result.err]
        return result

    def tail(self, *args: str) -> Tail:
        proc = subprocess.Popen(
            self.argv("tail", *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env(),
            cwd=REPO,
        )
        tail = Tail(proc)
        self.tails.append(tail)
        return tail

    def add_account(self, kit: MockKit, messenger: str, name: str, token: str) -> Result:
        """``payam account add`` with ``--base-url`` and ``--token-command`` (``cat`` a file)."""
        secret = self.root / "secrets" / f"{messenger}-{name}.token"
        secret.parent.mkdir(mode=0o700, exist_ok=True)
        secret.write_text(token + "\n")
        secret.chmod(0o600)
        result = self(
            "account",
            "add",
            messenger,
            name,
            "--base-url",
            kit.api_root(messenger),
            "--token-command",
            f"cat {secret}",
        )
        assert result.rc == 0, result.err
        return result

    def close(self) -> None:
        for tail in self.tails:
            if tail.proc.poll() is None:
                tail.proc.kill()
            tail.proc.wait()
            for stream in (tail.proc.stdout, tail.proc.stderr):
                if stream is not None:
                    stream.close()


@pytest.fixture
def kit() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=21) as server:
        mocks = MockKit(server)
        yield mocks
        mocks.close()


@pytest.fixture
def payam(tmp_path: Path) -> Iterator[Payam]:
    runner = Payam(tmp_path)
    yield runner
    runner.close()


@pytest.fixture
def shop(kit: MockKit, payam: Payam) -> str:
    """A Bale bot whose token is the canary, added as ``bale:shop``; returns the token."""
    token = kit.bot("bale", "Gol Shop", "golshop_bot", token=CANARY_TOKEN)
    payam.add_account(kit, "bale", "shop", token)
    return token


def ingest(payam: Payam, count: int, *accounts: str) -> list[str]:
    """Run ``payam tail --json`` until it printed ``count`` events; returns them."""
    tail = payam.tail("--json", *(a for acc in accounts for a in ("--account", acc)))
    lines = [tail.line() for _ in range(count)]
    assert tail.stop().rc == 0
    return lines
