"""The log file: ``payam.log`` in the data dir, rotated, private, sanitised and redacted.

* The file is created with mode 0600 (rotated files too) inside a 0700 data dir.
* Secrets: :mod:`adapters.redact` scrubs every record as it is created (every loaded token is a
  ``Secret``, which registers it); the formatter scrubs the final text once more, for records
  built without the record factory (``logging.makeLogRecord``).
* Hostile text: a message can quote a stranger's name or text. The formatter passes the output
  through the project's sanitiser (``display_safe``) so ESC, C1 and bidi overrides are made
  visible instead of reaching whoever runs ``tail -f payam.log`` in a terminal, and indents
  continuation lines so a message cannot forge a record of its own.
* ``httpx``/``httpcore`` log request URLs, which hold the token for Telegram-style APIs; they
  are set to WARNING unless the level is DEBUG, and redaction applies at every level.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os

from tui.settings.paths import Paths

_TAG = "_payam_handler"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 3
_QUIET = ("httpx", "httpcore", "hpack", "asyncio")


class SafeFormatter(logging.Formatter):
    """Formats a record, then redacts secrets and neutralises terminal controls in the text."""

    def format(self, record: logging.LogRecord) -> str:
        from adapters.redact import scrub
        from tui.settings.textsafe import safe

        text = safe(scrub(super().format(record)))
        # Continuation lines (tracebacks, multi-line messages) are indented: a line at column
        # 0 always starts a real record.
        return text.replace("\n", "\n    ")


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating handler whose files are created 0600 whatever the umask."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors="backslashreplace")


def setup_logging(paths: Paths, level: str | int = "info") -> logging.Handler:
    """Send the root logger to ``paths.log_file`` at ``level``; return the handler.

    Calling it again replaces the previous Payam handler. Creates the data dir (0700).
    """
    import adapters.redact  # noqa: F401 - installs the redacting record factory

    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    paths.ensure_data_dir()
    handler = _PrivateRotatingFileHandler(
        paths.log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=False
    )
    setattr(handler, _TAG, True)
    handler.setFormatter(SafeFormatter(FORMAT))
    handler.setLevel(numeric)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _TAG, False)]:
        close_logging(old)
    root.addHandler(handler)
    root.setLevel(min(numeric, root.level) if root.level else numeric)
    quiet = numeric if numeric <= logging.DEBUG else logging.WARNING
    for name in _QUIET:
        logging.getLogger(name).setLevel(quiet)
    return handler


def close_logging(handler: logging.Handler) -> None:
    """Detach and close a handler returned by :func:`setup_logging`."""
    logging.getLogger().removeHandler(handler)
    handler.close()
