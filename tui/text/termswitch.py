"""The terminal's bidi switch (:func:`applied`, re-exported by :mod:`tui.text.termbidi`):
explicit mode (``ESC[8l``) around the UI's run when the decision says so, and implicit mode
(``ESC[8h``) back on normal exit, on an exception, at interpreter exit and on SIGTERM/SIGHUP.
Only SIGKILL or ``os._exit`` can leave the terminal in explicit mode; ``printf '\\e[8h'``
undoes that.
"""

from __future__ import annotations

import atexit
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, Final, TypeAlias, cast

if TYPE_CHECKING:
    from tui.text.termbidi import BidiDecision

Stream: TypeAlias = "int | IO[str] | IO[bytes]"

BDSM_EXPLICIT: Final = b"\x1b[8l"  # reset BDSM: the terminal lays text out as received
BDSM_IMPLICIT: Final = b"\x1b[8h"  # set BDSM: the terminal's default, it runs the UBA itself


def _fileno(stream: Stream | None) -> int | None:
    if stream is None:
        return None
    if isinstance(stream, int):
        return stream
    try:
        return stream.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is an OSError; closed -> ValueError
        return None


class BidiSwitch:
    """Puts a terminal into explicit bidi mode and back; idempotent and safe to call at exit.

    Writes go straight to the file descriptor with ``os.write`` (after flushing the stream, if
    one was given), so :meth:`leave` also works from a signal handler or ``atexit``.
    """

    def __init__(self, out: Stream) -> None:
        """Remember where to write; nothing is sent until :meth:`enter`."""
        self._out = out
        self._lock = threading.Lock()
        self.active = False

    def _write(self, data: bytes) -> None:
        out = self._out
        fd = _fileno(out)
        if fd is None:  # a stream without a descriptor (StringIO, BytesIO): tests, captures
            stream = cast("IO[Any]", out)
            text = isinstance(cast(object, stream), io.TextIOBase)
            stream.write(data.decode("ascii") if text else data)
            stream.flush()
            return
        if not isinstance(out, int):
            # Whatever the stream still buffers was written before us, so it goes out first.
            with suppress(OSError, ValueError):
                out.flush()
        os.write(fd, data)

    def enter(self) -> None:
        """Send ``ESC[8l`` unless already sent."""
        with self._lock:
            if self.active:
                return
            _ensure_atexit()
            self._write(BDSM_EXPLICIT)
            self.active = True
            _ACTIVE.add(self)

    def leave(self) -> None:
        """Send ``ESC[8h`` if :meth:`enter` sent ``ESC[8l``; errors (a closed tty) are ignored."""
        # No lock: a signal handler may run while the main thread holds it.
        if not self.active:
            return
        self.active = False
        _ACTIVE.discard(self)
        with suppress(OSError, ValueError):
            self._write(BDSM_IMPLICIT)


_ACTIVE: set[BidiSwitch] = set()
_atexit_registered = False


def _leave_all() -> None:
    for switch in list(_ACTIVE):
        switch.leave()


def _ensure_atexit() -> None:
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(_leave_all)
        _atexit_registered = True


# signal.getsignal() returns a Handlers member, an int, a callable or None.
_Handler: TypeAlias = Any
_SIGNALS: Final = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def _install_signal_handlers() -> dict[int, _Handler]:
    """Restore the terminal on SIGTERM/SIGHUP, then do what the previous handler did."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, _Handler] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        _leave_all()
        before = previous.get(signum, signal.SIG_DFL)
        if callable(before):
            before(signum, frame)
        else:
            # Die of the same signal, as the default action would, now that the tty is restored.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    for signum in _SIGNALS:
        current = signal.getsignal(signum)
        if current == signal.SIG_IGN:
            continue  # the process outlives this signal, so the terminal must stay switched
        previous[signum] = current
        signal.signal(signum, handler)
    previous[-1] = handler  # remembered so that the uninstall touches only our own handler
    return previous


def _uninstall_signal_handlers(previous: dict[int, _Handler]) -> None:
    ours = previous.pop(-1, None)
    for signum, before in previous.items():
        if signal.getsignal(signum) is ours:
            signal.signal(signum, before if before is not None else signal.SIG_DFL)


@contextmanager
def applied(decision: BidiDecision, out: Stream | None = None) -> Iterator[BidiSwitch]:
    """Switch the terminal to explicit mode for the ``with`` block if ``decision`` says so.

    ``out`` defaults to ``sys.__stdout__``. The terminal is switched back on leaving the block
    (also by an exception), at interpreter exit and on SIGTERM/SIGHUP. Yields the switch, so a
    suspend hook (Ctrl+Z) can call ``leave()`` and ``enter()`` around the shell's turn.
    """
    target: Stream | None = sys.__stdout__ if out is None else out
    if target is None:
        raise ValueError("applied: no output stream")
    switch = BidiSwitch(target)
    if not decision.send_explicit:
        yield switch
        return
    previous = _install_signal_handlers()
    try:
        switch.enter()
        yield switch
    finally:
        switch.leave()
        _uninstall_signal_handlers(previous)


__all__ = ["BDSM_EXPLICIT", "BDSM_IMPLICIT", "BidiSwitch", "Stream", "applied"]
