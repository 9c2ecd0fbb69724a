"""A streamed ``multipart/form-data`` body for one file, with progress and a fixed length.

httpx can build multipart bodies itself, but it reads the file in one go from its own loop and
reports no progress. This body is read in chunks off the event loop, calls ``progress`` as the
bytes leave, and declares ``Content-Length`` up front, so the request is not chunked (upload
servers behind proxies often refuse chunked bodies).

Every adapter that uploads (Telegram-style, Rubika, Eitaa) sends its files through here, with
:func:`post`, which turns a file that changes or vanishes mid-upload into :class:`Rejected`.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from adapters import http
from adapters.base import Progress
from adapters.errors import AdapterError, Rejected

CHUNK = 64 * 1024


class FileChanged(OSError):
    """The file grew or shrank while it was being sent (the declared length would be wrong)."""


@dataclass(frozen=True, slots=True)
class Body:
    """Headers and the async byte stream to pass as ``headers=`` and ``content=``."""

    headers: dict[str, str]
    stream: AsyncIterator[bytes]
    length: int


# The HTML5 form encoding of names in Content-Disposition (what browsers, httpx and
# python-multipart agree on): UTF-8 as is; quote, backslash and C0 controls escaped.
_ESCAPES = {ord('"'): "%22", ord("\\"): "\\\\"}
_ESCAPES.update({c: f"%{c:02X}" for c in range(0x20) if c != 0x1B})


def _quote(value: str) -> str:
    return value.translate(_ESCAPES)


def form_value(value: Any) -> str:
    """A parameter as a form field: nested objects as JSON text, booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def file_body(
    path: Path,
    size: int,
    *,
    field: str = "file",
    fields: Mapping[str, Any] | None = None,
    filename: str | None = None,
    mime: str | None = None,
    progress: Progress | None = None,
) -> Body:
    """A body with the plain ``fields`` first and then ``path`` (``size`` bytes) as ``field``.

    ``progress(done, size)`` is called once with 0 and then after every chunk.
    """
    boundary = secrets.token_hex(16)
    name = filename if filename is not None else path.name
    content_type = mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
    parts: list[str] = []
    for key, value in (fields or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(key)}"\r\n\r\n'
        )
        parts.append(f"{form_value(value)}\r\n")
    parts.append(
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{_quote(field)}"; filename="{_quote(name)}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    )
    # "replace": a file name from a non-UTF-8 file system holds surrogate escapes.
    head = "".join(parts).encode("utf-8", "replace")
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + size + len(tail)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(length),
    }
    return Body(headers, _stream(head, path, size, tail, progress), length)


async def _stream(
    head: bytes, path: Path, size: int, tail: bytes, progress: Progress | None
) -> AsyncIterator[bytes]:
    yield head
    done = 0
    if progress is not None:
        progress(0, size)
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while done < size:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK, size - done))
            if not chunk:
                raise FileChanged("the file shrank while it was being sent")
            done += len(chunk)
            yield chunk
            if progress is not None:
                progress(done, size)
        if await asyncio.to_thread(handle.read, 1):
            raise FileChanged("the file grew while it was being sent")
    finally:
        await asyncio.to_thread(handle.close)
    yield tail


def file_size(path: Path, cap: int, what: str = "upload") -> int:
    """The size of a regular file no larger than ``cap``; Rejected before any request if not."""
    error: AdapterError | None = None
    try:
        stat = path.stat()
    except OSError as exc:
        error = Rejected(f"{what}: cannot read the file ({exc.strerror or 'unreadable'})")
    if error is not None:
        raise error
    if not path.is_file():
        raise Rejected(f"{what}: not a regular file")
    if stat.st_size > cap:
        raise Rejected(f"{what}: the file is larger than {cap} bytes")
    return stat.st_size


async def post(
    client: httpx.AsyncClient,
    url: str,
    body: Body,
    *,
    effect: bool,
    what: str,
    http_timeout: httpx.Timeout | None = None,
) -> httpx.Response:
    """POST ``body`` with :func:`adapters.http.request`'s error mapping.

    A file that cannot be read to the end while it streams is :class:`Rejected`: the server
    got an incomplete multipart body, which no server processes.
    """
    error: AdapterError | None = None
    extra: dict[str, Any] = {} if http_timeout is None else {"timeout": http_timeout}
    try:
        return await http.request(
            client,
            "POST",
            url,
            effect=effect,
            what=what,
            content=body.stream,
            headers=body.headers,
            **extra,
        )
    except OSError as exc:
        error = Rejected(f"{what}: cannot read the file ({exc.strerror or exc})")
    except AdapterError as exc:
        error = exc
    del url  # this frame joins the error's traceback: no URL (token) among its locals
    raise error
