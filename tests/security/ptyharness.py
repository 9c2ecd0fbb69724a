"""Run a program in a real pseudo-terminal, drive it with keys, and judge what it wrote.

:class:`PtyProcess` starts a command on a fresh pty (``os.openpty``; a controlled ``TERM`` and
window size), reads everything it writes on a background thread, and feeds a ``pyte`` screen on
demand, so a test can wait until text is shown, press keys, and read rows the way a user's
terminal would show them. Only the process it started is ever signalled.

:func:`tokens` splits the captured output the way an ECMA-48 terminal parses it (a stateless
character filter cannot be fooled by an unterminated sequence, but a terminal *is* stateful,
so the judge must be too): text, C0 controls, ``ESC`` sequences, CSI, OSC and the string
controls DCS/SOS/PM/APC (terminated by BEL or ST, or unterminated up to the end), and C1
controls. :data:`TEXTUAL_OUTPUT` is the explicit whitelist of what Textual 8.2.8's Linux driver
and compositor write themselves (read from its source: ``drivers/linux_driver.py``,
``_compositor.py``/``strip.py``, ``App.bell``, ``App._set_pointer_shape``); every other token in
the stream came from somewhere else.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import re
import signal
import struct
import subprocess
import termios
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyte
import regex

_ZERO_WIDTH: Final = regex.compile(r"[\p{Mn}\p{Me}\p{Cf}]")
_POINTER_SHAPE: Final = re.compile(r"\x1b\]22;[a-z-]+\x07")

HANG_GUARD_S: Final = 60.0  # a hang guard, never a pass figure

KEYS: Final = {
    "enter": "\r",
    "escape": "\x1b",
    "tab": "\t",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "ctrl+a": "\x01",
    "ctrl+f": "\x06",
    "ctrl+p": "\x10",
    "ctrl+u": "\x15",
    "ctrl+q": "\x11",
    "f1": "\x1bOP",
}


class RecordingScreen(pyte.Screen):  # type: ignore[misc]
    """A pyte screen that keeps what the terminal would answer (DSR, DA) instead of sending
    it back: a stranger who can make the terminal answer can type into the app."""

    def __init__(self, columns: int, lines: int) -> None:
        super().__init__(columns, lines)
        self.answers: list[str] = []
        self.titles: list[str] = []

    def write_process_input(self, data: str) -> None:
        self.answers.append(data)

    def set_title(self, param: str) -> None:
        self.titles.append(param)
        super().set_title(param)

    def set_icon_name(self, param: str) -> None:
        self.titles.append(param)
        super().set_icon_name(param)


class PtyProcess:
    """A command running on a pseudo-terminal (see the module docs)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str],
        cwd: Path,
        size: tuple[int, int] = (120, 40),
    ) -> None:
        self.columns, self.lines = size
        self.master, slave = os.openpty()
        winsize = struct.pack("HHHH", self.lines, self.columns, 0, 0)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, winsize)
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._data = bytearray()
        self._lock = threading.Lock()
        self._last = time.monotonic()
        self._fed = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self.screen = RecordingScreen(self.columns, self.lines)
        self._stream = pyte.Stream(self.screen)
        self._reader = threading.Thread(target=self._read, daemon=True, name="pty-reader")
        self._reader.start()

    # --- output ------------------------------------------------------------------------------

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the other side closed
                return
            if not chunk:
                return
            with self._lock:
                self._data += chunk
                self._last = time.monotonic()

    @property
    def output(self) -> bytes:
        """Everything written so far."""
        with self._lock:
            return bytes(self._data)

    def mark(self) -> int:
        """The current length of the output (slice :attr:`output` from it later)."""
        with self._lock:
            return len(self._data)

    def refresh(self) -> RecordingScreen:
        """Feed what arrived since the last call to the pyte screen; the screen."""
        with self._lock:
            new = bytes(self._data[self._fed :])
            self._fed = len(self._data)
        text = self._pending + self._decoder.decode(new)
        # pyte reads only the first digit of an OSC number, so Textual's own pointer shape
        # (OSC 22) would count as a title (OSC 2): drop exactly those, holding back an OSC
        # that is not complete yet (the rest of it comes with the next read).
        cut = text.rfind("\x1b]")
        if cut >= 0 and "\x07" not in text[cut:] and "\x1b\\" not in text[cut:]:
            text, self._pending = text[:cut], text[cut:]
        else:
            self._pending = ""
        text = _POINTER_SHAPE.sub("", text)
        # pyte's draw() drops the rest of a run of text after a zero-width character that is
        # not combining (ZWJ, ZWNJ, LRM, VS16): feed the text in pieces that end right after
        # each one (the parser keeps its state across feeds).
        start = 0
        for found in _ZERO_WIDTH.finditer(text):
            if unicodedata.combining(found.group()) == 0:
                self._stream.feed(text[start : found.end()])
                start = found.end()
        self._stream.feed(text[start:])
        return self.screen

    def rows(self) -> list[str]:
        """The screen's rows now, as text."""
        return list(self.refresh().display)

    def shown(self) -> str:
        """The whole screen as one string, rows joined by newlines."""
        return "\n".join(self.rows())

    def wait_for(
        self, done: Callable[[str], bool], what: str, timeout: float = HANG_GUARD_S
    ) -> str:
        """Wait until ``done(screen text)``; the screen text then (hang-guarded)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.shown()
            if done(text):
                return text
            if self.proc.poll() is not None:
                raise AssertionError(f"the program exited ({self.proc.returncode}) before {what}")
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}; the screen:\n{text}")
            time.sleep(0.05)

    def wait_quiet(self, quiet_s: float = 0.35, timeout: float = HANG_GUARD_S) -> None:
        """Wait until nothing was written for ``quiet_s`` (the app finished redrawing)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                idle = time.monotonic() - self._last
            if idle >= quiet_s:
                return
            if time.monotonic() > deadline:
                raise AssertionError("the program never stopped writing")
            time.sleep(min(0.05, quiet_s - idle + 0.01))

    # --- input -------------------------------------------------------------------------------

    def press(self, *keys: str, quiet_s: float = 0.3, answer_s: float = 2.0) -> None:
        """Type each key (a name of :data:`KEYS` or literal text); after each, wait until the
        program starts writing (at most ``answer_s``: a key may change nothing) and then
        stops for ``quiet_s``."""
        for key in keys:
            data = KEYS.get(key, key)
            before = self.mark()
            os.write(self.master, data.encode("utf-8"))
            deadline = time.monotonic() + answer_s
            while self.mark() == before and time.monotonic() < deadline:
                time.sleep(0.02)
            self.wait_quiet(quiet_s)

    def type(self, text: str) -> None:
        """Type ``text`` (no waiting)."""
        os.write(self.master, text.encode("utf-8"))

    # --- end ---------------------------------------------------------------------------------

    def stop(self, quit_keys: str = "\x11", timeout: float = 20.0) -> int:
        """Quit with ``quit_keys``; SIGTERM, then SIGKILL, this process only if it lingers."""
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                os.write(self.master, quit_keys.encode())
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self._reader.join(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self.master)
        self.refresh()
        return self.proc.returncode


# --- the byte stream, as a terminal parses it ---------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One unit of terminal output: ``kind`` is ``text``, ``c0``, ``esc``, ``csi``, ``osc``,
    ``dcs``, ``sos``, ``pm``, ``apc`` or ``c1``; ``start`` is its offset in the decoded text."""

    kind: str
    text: str
    start: int


_STRING_KINDS: Final = {"P": "dcs", "X": "sos", "^": "pm", "_": "apc", "]": "osc"}
_C1_STRINGS: Final = {"\x90": "dcs", "\x98": "sos", "\x9e": "pm", "\x9f": "apc", "\x9d": "osc"}
_CSI_BODY: Final = re.compile(r"[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]")
_ESC_BODY: Final = re.compile(r"[\x20-\x2f]*[\x30-\x7e]")
_TEXT: Final = re.compile(r"[^\x00-\x1f\x7f-\x9f]+")


def decode(data: bytes) -> str:
    """The output as a UTF-8 terminal reads it (an invalid byte becomes U+FFFD)."""
    return data.decode("utf-8", "replace")


def tokens(text: str) -> Iterator[Token]:
    """Split decoded terminal output into :class:`Token` s (see the module docs)."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        found = _TEXT.match(text, i)
        if found:
            yield Token("text", found.group(), i)
            i = found.end()
            continue
        if char == "\x1b" and i + 1 < n:
            nxt = text[i + 1]
            if nxt == "[":
                body = _CSI_BODY.match(text, i + 2)
                end = body.end() if body else n
                yield Token("csi", text[i:end], i)
                i = end
                continue
            if nxt in _STRING_KINDS:
                end = _string_end(text, i + 2, bel=nxt == "]")
                yield Token(_STRING_KINDS[nxt], text[i:end], i)
                i = end
                continue
            body = _ESC_BODY.match(text, i + 1)
            end = body.end() if body else i + 1
            yield Token("esc", text[i:end], i)
            i = end
            continue
        if char in _C1_STRINGS:
            end = _string_end(text, i + 1, bel=char == "\x9d")
            yield Token("c1", text[i:end], i)
            i = end
            continue
        if "\x80" <= char <= "\x9f":
            yield Token("c1", char, i)
        else:
            yield Token("c0", char, i)
        i += 1


def _string_end(text: str, start: int, *, bel: bool) -> int:
    """Where a string control that starts at ``start`` ends (after its terminator)."""
    i = start
    while i < len(text):
        char = text[i]
        if char == "\x1b" and text.startswith("\x1b\\", i):
            return i + 2
        if char == "\x9c" or (bel and char == "\x07"):
            return i + 1
        if char == "\x1b" or char in "\x18\x1a":  # ESC starts something new; CAN/SUB abort
            return i
        i += 1
    return len(text)


# What Textual 8.2.8 writes itself to an xterm-256color terminal (see the module docs).
TEXTUAL_OUTPUT: Final = {
    "csi": (
        re.compile(r"\x1b\[[0-9;:]*m"),  # SGR: the compositor's styles
        re.compile(r"\x1b\[[0-9]+;[0-9]+H"),  # cursor position: the compositor's rows
        re.compile(r"\x1b\[\?(1049|1000|1003|1015|1006|1016|2004|2048|7|25|1004|2026)[hl]"),
        re.compile(r"\x1b\[\?(2026|2048)\$p"),  # DECRQM: synchronised output, in-band resize
        re.compile(r"\x1b\[(>[0-9]+|<)u"),  # kitty keyboard protocol on (its flags) / off
        re.compile(r"\x1b\[8[hl]"),  # BDSM: Payam's terminal bidi mode (tui.text.termbidi)
    ),
    "osc": (re.compile(r"\x1b\]22;[a-z-]+\x07"),),  # pointer shape (App._set_pointer_shape)
    "c0": (re.compile(r"[\r\n\x07\x08]"),),  # BEL: App.bell() (the notifications' bell)
}

#: Modes and queries Textual sets only while starting and while stopping: never while content
#: is on screen.
SETUP_ONLY: Final = re.compile(
    r"\x1b\[(\?(1049|1000|1003|1015|1006|1016|2004|2048|7|1004)|8)[hl]|\x1b\[(>[0-9]+|<)u"
)


def for_pyte(text: str) -> str:
    """``text`` without Textual's pointer-shape OSC 22, which pyte misreads as a title."""
    return _POINTER_SHAPE.sub("", text)


def is_textual(token: Token) -> bool:
    """Whether ``token`` is something Textual writes itself."""
    if token.kind == "text":
        return True
    return any(p.fullmatch(token.text) for p in TEXTUAL_OUTPUT.get(token.kind, ()))


def foreign(text: str) -> list[Token]:
    """Every control token of the decoded output that is not Textual's own."""
    return [t for t in tokens(text) if not is_textual(t)]


def context(text: str, at: int, width: int = 60) -> str:
    """A readable excerpt of the output around offset ``at`` (for failure messages)."""
    return repr(text[max(0, at - width) : at + width])
