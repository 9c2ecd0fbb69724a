"""Who reorders right-to-left text: Payam or the terminal (``reference/rtl.md`` §5).

The setting is ``bidi = auto | app | terminal | off`` (config key ``bidi``; the environment
variable ``PAYAM_BIDI`` wins over the config). The resulting mode tells the UI what to send:

* ``app``: Payam shapes and reorders, the terminal must lay cells out left to right as received.
  On a terminal that reports BDSM (ECMA-48 mode 8, e.g. VTE/GNOME Terminal) Payam switches it to
  explicit mode (``ESC[8l``) while it runs and back to implicit (``ESC[8h``) at exit, otherwise
  every Persian line would be reordered a second time.
* ``terminal``: the terminal reorders and shapes by itself and has no standard off switch
  (Konsole, mlterm, Apple Terminal, mintty), so Payam sends logical, unshaped text (it still
  right-aligns RTL paragraphs, which the terminal may do imperfectly).
* ``off``: no bidi handling at all: logical text, no shaping, no alignment, no escape sequences.
  For raw inspection or a terminal on which both of the above look wrong.

In ``auto``, and only when stdin and stdout are both terminals, :func:`probe_bdsm` asks the
terminal with DECRQM (``ESC[8$p``) fenced by DA1 (``ESC[c``) *before* Textual starts: Textual's
input parser knows only DEC-private mode reports, so a late ``ESC[8;1$y`` would arrive as stray
keys. Then environment heuristics, then ``app``. tmux and GNU screen answer DECRQM themselves and
do not forward mode switches, so inside them Payam does not probe and tells the user what to do.

:func:`decide` returns a :class:`BidiDecision` (what ``payam doctor`` prints), and
:func:`applied` (:mod:`tui.text.termswitch`, re-exported here) is the context manager that sends
the switch around the UI's run and restores the terminal on normal exit, on an exception, at
interpreter exit and on SIGTERM/SIGHUP. Only SIGKILL or ``os._exit`` can leave the terminal in
explicit mode; ``printf '\\e[8h'`` undoes that.
"""

from __future__ import annotations

import os
import re
import select
import sys
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Final, Literal

from tui.text.termswitch import (
    _ACTIVE,
    BDSM_EXPLICIT,
    BDSM_IMPLICIT,
    BidiSwitch,
    Stream,
    _fileno,
    applied,
)

if sys.platform != "win32":
    import termios
    import tty

Mode = Literal["app", "terminal", "off"]
Requested = Literal["auto", "app", "terminal", "off"]

#: The values the setting accepts.
MODES: Final[tuple[Requested, ...]] = ("auto", "app", "terminal", "off")
ENV_VAR: Final = "PAYAM_BIDI"
#: The default probe timeout: long enough for a remote terminal over ssh, short enough not to
#: be noticed at startup (rtl.md §5.3 suggests 0.2–0.3 s).
PROBE_TIMEOUT: Final = 0.25

BDSM_QUERY: Final = b"\x1b[8$p"  # DECRQM for ANSI (not DEC-private) mode 8
DA1_QUERY: Final = b"\x1b[c"  # every terminal answers DA1: the fence that ends the wait early

# "ESC[8;Ps$y" (no "?": "ESC[?8;Ps$y" would be DEC-private mode 8, autorepeat).
_DECRPM: Final = re.compile(rb"\x1b\[8;([0-9])\$y")
_DA1_REPLY: Final = re.compile(rb"\x1b\[\?[0-9;]*c")

ProbeStatus = Literal["reply", "no-decrpm", "timeout", "error"]


class BidiModeError(ValueError):
    """An invalid ``bidi`` setting (config key or ``PAYAM_BIDI``)."""


@dataclass(frozen=True)
class ProbeResult:
    """What the terminal said to DECRQM mode 8.

    ``status``: ``reply`` (a DECRPM came back, ``value`` holds Ps), ``no-decrpm`` (only the DA1
    fence came back: the terminal ignores DECRQM), ``timeout`` (no complete DA1 reply in time) or
    ``error`` (the tty could not be used; ``raw`` is empty). ``value``: 0 not recognised, 1 set
    (implicit: the terminal reorders), 2 reset (explicit), 3 permanently set, 4 permanently reset.
    """

    status: ProbeStatus
    value: int | None
    raw: bytes
    detail: str = ""


@dataclass(frozen=True)
class BidiDecision:
    """The outcome of :func:`decide`, with its reason, for the UI and ``payam doctor``.

    ``send_explicit``: write ``ESC[8l`` before the UI starts and ``ESC[8h`` after it ends (what
    :func:`applied` does). ``advice``: what the user should do when Payam cannot fix the terminal
    by itself (inside tmux, or a terminal that reorders with no switch), else ``None``.
    """

    mode: Mode
    requested: Requested
    source: Literal["env", "config", "default"]
    reason: str
    probe: ProbeResult | None = None
    send_explicit: bool = False
    advice: str | None = None

    @property
    def app_reorders(self) -> bool:
        """True when Payam itself shapes and reorders (the ``app`` mode)."""
        return self.mode == "app"

    def summary(self) -> str:
        """A few human-readable lines for ``payam doctor``."""
        lines = [
            f"bidi mode: {self.mode} (requested {self.requested} via {self.source})",
            f"reason: {self.reason}",
        ]
        if self.probe is not None:
            probe = self.probe
            lines.append(f"probe: {probe.status} value={probe.value} raw={probe.raw!r}")
        if self.send_explicit:
            lines.append("switches the terminal to explicit mode (ESC[8l) while running")
        if self.advice:
            lines.append(f"advice: {self.advice}")
        return "\n".join(lines)


def parse_mode(value: str, origin: str) -> Requested:
    """Normalise a setting value; raise :class:`BidiModeError` naming ``origin`` if invalid."""
    cleaned = value.strip().lower()
    for mode in MODES:
        if cleaned == mode:
            return mode
    raise BidiModeError(
        f"invalid bidi mode {value!r} in {origin}; expected one of: {', '.join(MODES)}"
    )


def _isatty(fd: int | None) -> bool:
    return fd is not None and os.isatty(fd)


def probe_bdsm(fd_in: int, fd_out: int, timeout: float = PROBE_TIMEOUT) -> ProbeResult:
    """Ask the terminal on ``fd_in``/``fd_out`` for the state of BDSM (mode 8).

    Sends ``ESC[8$p ESC[c`` with ``fd_in`` in raw mode and reads until the DA1 reply or until
    ``timeout`` seconds have passed in total; the tty settings are restored in every case. Bytes
    the user types during those milliseconds are consumed. Call it before Textual starts.
    """
    if sys.platform == "win32":
        return ProbeResult("error", None, b"", "no termios on Windows")
    try:
        foreground = os.tcgetpgrp(fd_in)
    except OSError:
        foreground = None  # not our controlling tty: no job control, so no SIGTTOU either
    if foreground is not None and foreground != os.getpgrp():
        # Changing the settings of our controlling tty from the background would stop us.
        return ProbeResult("error", None, b"", "running in the background")
    try:
        saved = termios.tcgetattr(fd_in)
    except termios.error as exc:
        return ProbeResult("error", None, b"", f"tcgetattr: {exc}")
    buf = b""
    try:
        tty.setraw(fd_in, termios.TCSANOW)
        os.write(fd_out, BDSM_QUERY + DA1_QUERY)
        deadline = time.monotonic() + timeout
        while _DA1_REPLY.search(buf) is None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd_in], [], [], left)[0]:
                break
            chunk = os.read(fd_in, 1024)
            if not chunk:
                break
            buf += chunk
    except OSError as exc:
        return ProbeResult("error", None, buf, f"{type(exc).__name__}: {exc}")
    finally:
        with suppress(termios.error):
            termios.tcsetattr(fd_in, termios.TCSADRAIN, saved)
    found = _DECRPM.search(buf)
    if found is not None:
        return ProbeResult("reply", int(found.group(1)), buf)
    if _DA1_REPLY.search(buf) is not None:
        return ProbeResult("no-decrpm", None, buf)
    return ProbeResult("timeout", None, buf)


def _reordering_terminal(env: Mapping[str, str]) -> str | None:
    """A terminal that reorders RTL text itself with no escape sequence to stop it (§5.3)."""
    program = env.get("TERM_PROGRAM", "")
    if env.get("KONSOLE_VERSION"):
        return "Konsole"
    if env.get("TERM", "").startswith("mlterm") or env.get("MLTERM"):
        return "mlterm"
    return {"Apple_Terminal": "Apple Terminal", "mintty": "mintty"}.get(program)


def _multiplexer(env: Mapping[str, str]) -> str | None:
    return "tmux" if env.get("TMUX") else "GNU screen" if env.get("STY") else None


def _multiplexer_advice(name: str, env: Mapping[str, str]) -> str:
    hint = ""
    if env.get("VTE_VERSION"):
        hint = (
            " VTE_VERSION is set, so the outer terminal is probably GNOME Terminal or another"
            " VTE terminal, which reorders by default (the variable may be stale after"
            " re-attaching)."
        )
    passthrough = (
        " or enable passthrough (tmux: set -g allow-passthrough on) and run"
        " printf '\\ePtmux;\\e\\e[8l\\e\\\\' inside tmux;"
        if name == "tmux"
        else ";"
    )
    return (
        f"Payam runs inside {name}, which answers terminal queries itself and does not pass the"
        f" bidi mode switch on to your terminal.{hint} If Persian text looks reversed or broken:"
        " with a VTE terminal, run printf '\\e[8l' in the outer terminal before attaching"
        " (printf '\\e[8h' undoes it)"
        f"{passthrough} with Konsole, mlterm, Terminal.app or mintty, turn their bidi off"
        " or set bidi = terminal (PAYAM_BIDI=terminal); otherwise set bidi = app or terminal"
        " explicitly, whichever looks right."
    )


def _requested(
    configured: str | None, env: Mapping[str, str]
) -> tuple[Requested, Literal["env", "config", "default"]]:
    from_env = env.get(ENV_VAR, "")
    if from_env.strip():
        return parse_mode(from_env, f"environment variable {ENV_VAR}"), "env"
    if configured is not None and configured.strip():
        return parse_mode(configured, "config key 'bidi'"), "config"
    return "auto", "default"


def decide(
    configured: str | None,
    *,
    env: Mapping[str, str] | None = None,
    probe: bool = True,
    stdin: Stream | None = None,
    stdout: Stream | None = None,
    timeout: float = PROBE_TIMEOUT,
) -> BidiDecision:
    """Decide the bidi mode from the configured value, ``PAYAM_BIDI`` and the terminal.

    ``configured`` is the config key's value (``None`` or empty: ``auto``); ``env`` defaults to
    ``os.environ``; ``stdin``/``stdout`` (fds or streams) default to ``sys.stdin``/``sys.stdout``.
    ``probe=False`` skips the DECRQM probe (the heuristics still run). Raises
    :class:`BidiModeError` for an invalid value.
    """
    env = os.environ if env is None else env
    requested, source = _requested(configured, env)
    fd_in = _fileno(sys.stdin if stdin is None else stdin)
    fd_out = _fileno(sys.stdout if stdout is None else stdout)
    on_tty = _isatty(fd_in) and _isatty(fd_out)
    mux = _multiplexer(env)
    reorderer = _reordering_terminal(env)
    advice = _multiplexer_advice(mux, env) if mux else None

    def made(mode: Mode, reason: str, **more: Any) -> BidiDecision:
        more.setdefault("advice", advice)
        return BidiDecision(mode, requested, source, reason, **more)

    if requested == "off":
        return made("off", "bidi = off: no reordering, no shaping, no mode switch", advice=None)
    if requested == "terminal":
        return made("terminal", "bidi = terminal: the terminal reorders and shapes logical text")
    if requested == "app":
        # ESC[8l is ignored by terminals without BDSM, so sending it blindly is harmless; it is
        # what makes a forced "app" work on VTE. Never into a pipe or a file, though.
        if reorderer and not mux:
            advice = (
                f"{reorderer} reorders RTL text itself and has no escape sequence to stop it:"
                " turn its bidi off in its settings, or use bidi = terminal."
            )
        return made("app", "bidi = app: Payam reorders and shapes", send_explicit=on_tty)

    if not on_tty:
        return made("app", "stdin or stdout is not a terminal: no probe, Payam reorders")
    if mux:
        if reorderer:
            return made(
                "terminal", f"inside {mux}; the environment names {reorderer}, which reorders"
            )
        return made("app", f"inside {mux}, which answers DECRQM itself: no probe, Payam reorders")
    result: ProbeResult | None = None
    if probe and env.get("TERM", "") != "dumb" and fd_in is not None and fd_out is not None:
        result = probe_bdsm(fd_in, fd_out, timeout)
        if result.status == "reply":
            if result.value == 1:
                return made(
                    "app",
                    "the terminal reports BDSM set (it reorders): switched to explicit mode while"
                    " Payam runs",
                    probe=result,
                    send_explicit=True,
                )
            if result.value in (2, 4):
                return made("app", "the terminal reports BDSM reset (explicit mode)", probe=result)
            if result.value == 3:
                return made(
                    "terminal",
                    "the terminal reports BDSM permanently set: it always reorders",
                    probe=result,
                )
    if reorderer:
        return made(
            "terminal",
            f"{reorderer} reorders RTL text itself and has no off switch",
            probe=result,
            advice=(
                f"for Payam's own layout, turn bidi off in {reorderer}'s settings and set"
                " bidi = app"
            ),
        )
    what = "no BDSM report" if result is not None else "no probe"
    return made("app", f"{what}, no terminal known to reorder: Payam reorders", probe=result)


__all__ = [
    "BDSM_EXPLICIT",
    "BDSM_IMPLICIT",
    "ENV_VAR",
    "MODES",
    "_ACTIVE",
    "BidiDecision",
    "BidiModeError",
    "BidiSwitch",
    "ProbeResult",
    "Stream",
    "applied",
    "decide",
    "parse_mode",
    "probe_bdsm",
]
