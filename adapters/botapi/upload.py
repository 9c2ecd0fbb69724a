"""A streaming ``multipart/form-data`` body with a known length and progress callbacks.

httpx's own multipart encoder reads files synchronously and reports no progress; this one
yields the file in chunks as the transport asks for them, calls ``progress(sent, total)``
after each, and declares ``Content-Length`` up front (no chunked transfer encoding, which
some reverse proxies in front of bot APIs refuse for uploads).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.base import Progress

CHUNK = 64 * 1024

# HTML5 form encoding of names in Content-Disposition (what browsers and httpx send): quotes,
# backslashes and control characters are percent-escaped; other text stays UTF-8.
_ESCAPES = {'"': "%22", "\\": "\\\\"} | {chr(c): f"%{c:02X}" for c in range(0x20)}
_ESCAPE_RE = re.compile("|".join(re.escape(c) for c in _ESCAPES))


class FileChanged(Exception):
    """The file could not be read to the end (it shrank, vanished or became unreadable)."""


def _quote(value: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], value)


def form_value(value: Any) -> str:
    """A parameter as a form field: nested objects as JSON text, booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


@dataclass(frozen=True, slots=True)
class MultipartFile:
    """One file field of the form."""

    field: str
    path: Path
    filename: str
    mime: str
    size: int


class MultipartBody:
    """Fields, then one file, streamed. Iterate with ``async for`` exactly once."""

    def __init__(
        self,
        fields: Mapping[str, Any],
        file: MultipartFile,
        progress: Progress | None = None,
    ) -> None:
        self.boundary = secrets.token_hex(16)
        self._file = file
        self._progress = progress
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(
                f"--{self.boundary}\r\n"
                f'Content-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'
                f"{form_value(value)}\r\n".encode()
            )
        parts.append(
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quote(file.field)}"; '
            f'filename="{_quote(file.filename)}"\r\n'
            f"Content-Type: {file.mime}\r\n\r\n".encode()
        )
        self._head = b"".join(parts)
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        """The request's ``Content-Type`` header."""
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def length(self) -> int:
        """The exact body size in bytes (the ``Content-Length``)."""
        return len(self._head) + self._file.size + len(self._tail)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._head
        total = self._file.size
        sent = 0
        if self._progress is not None:
            self._progress(0, total)
        try:
            with self._file.path.open("rb") as fh:
                while sent < total:
                    # Small blocking reads: a local file answers in microseconds.
                    chunk = fh.read(min(CHUNK, total - sent))
                    if not chunk:
                        raise FileChanged("the file got shorter while it was being sent")
                    sent += len(chunk)
                    yield chunk
                    if self._progress is not None:
                        self._progress(sent, total)
        except OSError as exc:
            raise FileChanged(exc.strerror or type(exc).__name__) from None
        yield self._tail
