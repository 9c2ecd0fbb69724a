"""A terminal for ``bench_tui``: a private tmux server whose windows run one program each, read
with ``capture-pane -p`` and driven with ``send-keys``.

Every window is 120×40 (the issue's reference size). The server gets its own HOME and XDG dirs
and an environment without ``COLUMNS``/``LINES`` (which would override the pane's size), and
``-f /dev/null`` (no user tmux.conf). Times are ``time.monotonic()``, the clock Textual and
:mod:`tui.paintprobe` stamp with, so the benchmark can compare its own times with the app's.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SIZE = (120, 40)
HANG_GUARD_S = 120.0


class Hung(Exception):
    """A window never showed what was awaited (the hang guard ran out)."""


@dataclass
class Window:
    """One program in its own tmux window."""

    target: str
    pid: int
    started: float  # monotonic time just before tmux was asked to start it


class Terminal:
    """The private tmux server (see the module docs)."""

    def __init__(self, home: Path, env: Mapping[str, str] | None = None) -> None:
        self.socket = f"payam-bench-{os.getpid()}"
        self.home = home
        base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        self.env = {
            **base,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "LANG": "C.UTF-8",
            **(env or {}),
        }
        width, height = SIZE
        self.tmux("new-session", "-d", "-s", "bench", "-x", str(width), "-y", str(height))

    def tmux(self, *args: str) -> str:
        """A tmux command on our server; its stdout."""
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=self.env,
        )
        return done.stdout

    def run(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> Window:
        """Start ``argv`` (``exec``-ed, so the pane's pid is the program's) in a new window."""
        settings = [f"-e{k}={v}" for k, v in (env or {}).items()]
        command = "exec " + shlex.join(argv)
        started = time.monotonic()
        out = self.tmux(
            "new-window", "-d", "-P", "-F", "#{window_id} #{pane_pid}", "-t", "bench",
            "-c", str(Path.cwd()), *settings, command,
        )  # fmt: skip
        target, _, pid = out.strip().partition(" ")
        return Window(target, int(pid), started)

    def rows(self, window: Window) -> list[str]:
        """What the window shows, a string per row."""
        return self.tmux("capture-pane", "-p", "-t", window.target).splitlines()

    def wait(
        self, window: Window, done: Callable[[list[str]], bool], what: str = "the screen"
    ) -> float:
        """Poll the window until ``done(rows)``; the monotonic time it was first seen."""
        deadline = time.monotonic() + HANG_GUARD_S
        while True:
            rows = self.rows(window)
            seen = time.monotonic()
            if done(rows):
                return seen
            if seen > deadline:
                raise Hung(f"never saw {what}:\n" + "\n".join(rows))

    def keys(self, window: Window, *keys: str, literal: bool = False) -> None:
        """``send-keys`` to the window (``literal``: type the text as is)."""
        self.tmux("send-keys", "-t", window.target, *(["-l"] if literal else []), *keys)

    def close(self, window: Window) -> None:
        """Kill the window (and its program)."""
        self.tmux("kill-window", "-t", window.target)

    def shutdown(self) -> None:
        """Stop the tmux server."""
        self.tmux("kill-server")


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


__all__ = ["SIZE", "Hung", "Terminal", "Window", "rss_mib"]
