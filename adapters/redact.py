"""Scrub known secrets from log records, wherever in the logging tree they are emitted.

httpx logs ``HTTP Request: POST https://host/bot<TOKEN>/getMe ...`` at INFO level, and the token
is part of the URL path for every Telegram-style API. A filter on the ``httpx`` logger would not
see records from its children (``httpcore.http11`` ...), so redaction happens in the log-record
factory instead: every record created anywhere is checked against the registered secrets (raw,
URL-encoded and base64 forms) and against the shape of a bot-token URL segment.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

MASK = "***"
_lock = threading.Lock()
_needles: set[str] = set()
_pattern: re.Pattern[str] | None = None
# Token-shaped path segments of the five APIs, even for tokens never registered here:
# /bot<digits>:<secret>/, /file/bot.../, Eitaa /api/bot<digits>:<uuid>/, Rubika /v3/<opaque>/;
# and a ``token=`` query parameter (the mocks' control API takes the bot's token that way).
_SHAPES = re.compile(
    r"(?<=/bot)\d{3,}:[A-Za-z0-9_\-]{6,}"
    r"|(?<=/api/)bot\d+:[0-9A-Fa-f\-]{8,}"
    r"|(?<=/v3/)[A-Za-z0-9_\-]{16,}(?=/)"
    r"|(?<=[?&]token=)[^&\s\"'#]{4,}"
)


def variants(value: str) -> set[str]:
    """The forms in which ``value`` can appear in text: raw, URL-encoded, base64."""
    out = {value, urllib.parse.quote(value, safe=""), urllib.parse.quote(value)}
    raw = value.encode("utf-8", "surrogatepass")
    out.add(base64.b64encode(raw).decode().rstrip("="))
    out.add(base64.urlsafe_b64encode(raw).decode().rstrip("="))
    return {v for v in out if len(v) >= 4}


def register(value: str) -> None:
    """Add a secret so that every later log record is scrubbed of it."""
    global _pattern
    if len(value) < 4:
        return
    with _lock:
        new = variants(value) - _needles
        if not new:
            return
        _needles.update(new)
        alternatives = sorted(_needles, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(n) for n in alternatives))
    _install()


def scrub(text: str) -> str:
    """``text`` with every registered secret and every token-shaped URL segment masked."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _SHAPES.sub(MASK, text)


_installed = False
_previous_factory: Callable[..., logging.LogRecord] | None = None


def _install() -> None:
    global _installed, _previous_factory
    if _installed:
        return
    _installed = True
    _previous_factory = logging.getLogRecordFactory()
    previous = _previous_factory

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; leave it for logging
            return record
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatted tracebacks can quote URLs; render now and scrub the text.
            exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, scrub(exc_text)
        return record

    logging.setLogRecordFactory(factory)


_install()
