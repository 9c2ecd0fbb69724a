"""Crashes without Textual's crash screen: :class:`CrashSafeApp` is the base of
:class:`tui.app.PayamApp`.

Textual's own crash handling (the private ``App._fatal_error``) prints a traceback *with locals*,
which would put tokens and message texts on the terminal. Here an unhandled exception is
remembered, and the app exits with a plain traceback (no locals), every registered secret
scrubbed (:func:`adapters.redact.scrub`): to the log at once, and to stderr once the terminal is
restored. Textual is pinned (8.2.8) because this overrides a private method; ``test_crash.py``
holds it to that.
"""

from __future__ import annotations

import logging
import sys
import traceback

from rich.text import Text
from textual.app import App
from textual.worker import WorkerFailed

from adapters.redact import scrub
from tui.text import display_safe

log = logging.getLogger("payam.ui")


def crash_report(error: BaseException) -> str:
    """A plain traceback (no locals) of ``error``, secrets scrubbed; a failed worker is
    reported by its own exception."""
    if isinstance(error, WorkerFailed):
        error = error.error
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return scrub(text)


class CrashSafeApp(App[int]):
    """An app whose crash report shows no locals and no secrets (see the module docs)."""

    def _handle_exception(self, error: Exception) -> None:
        """Remember the error for :meth:`_fatal_error` (Textual's version shows locals)."""
        self._crash_error = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Exit after an unhandled exception WITHOUT Textual's crash screen (which prints a
        traceback with locals, tokens included): a plain traceback, every registered secret
        scrubbed, goes to the log now and to stderr once the terminal is restored."""
        error = getattr(self, "_crash_error", None) or sys.exc_info()[1]
        report = crash_report(error) if error is not None else "unknown error\n"
        log.error("Payam crashed:\n%s", report)
        self.bell()
        shown = display_safe(f"Payam crashed:\n{report}", "body")  # no escapes reach the tty
        self._exit_renderables.append(Text(shown))
        self._close_messages_no_wait()


__all__ = ["CrashSafeApp", "crash_report"]
