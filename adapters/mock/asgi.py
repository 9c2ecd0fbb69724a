"""ASGI plumbing shared by the mock apps: the connection-control extension, replies, JSON.

**The ``payam.connection`` extension.** Faults like ``reset``, ``hang`` and ``ambiguous_send``
need control of the TCP connection that ASGI does not offer. Payam's own server
(:mod:`adapters.mock.server`) puts an object implementing :class:`ConnectionControl` into
``scope["extensions"]["payam.connection"]``; an app calls ``abort(rst=True)`` to drop the
connection with a TCP RST (SO_LINGER 0) and no response, ``abort(rst=False)`` for a plain close,
or ``cut_response(n)`` to stop after ``n`` body bytes of the response it is about to send.
Under another server (``httpx.ASGITransport`` in unit tests) the extension is missing: normal
requests work, and :func:`abort_connection` raises :class:`ConnectionAborted` instead, which
ASGITransport hands to the client as that exception.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.types import Receive, Scope, Send

EXTENSION = "payam.connection"


class ConnectionControl(Protocol):
    """What :mod:`adapters.mock.server` offers an app for the current request's connection."""

    def abort(self, *, rst: bool = True) -> None:
        """Close the connection now, sending nothing more (``rst``: a TCP reset)."""

    def cut_response(self, after_bytes: int) -> None:
        """Send at most ``after_bytes`` of the coming response body, then close."""


class ConnectionAborted(Exception):
    """Raised in place of a connection abort when the server offers no ``payam.connection``."""


def connection_control(scope: Scope) -> ConnectionControl | None:
    """The ``payam.connection`` extension of this request, if the server offers one."""
    ext = scope.get("extensions") or {}
    control = ext.get(EXTENSION)
    return control if control is not None else None


def abort_connection(scope: Scope, *, rst: bool) -> None:
    """Drop the request's connection with no response (or raise :class:`ConnectionAborted`)."""
    control = connection_control(scope)
    if control is None:
        raise ConnectionAborted("connection aborted by the mock (fault injection)")
    control.abort(rst=rst)


async def wait_disconnect(receive: Receive, within_s: float) -> bool:
    """Wait up to ``within_s`` seconds for the client to go away; True if it did.

    Call only after the request body has been read: then ``receive`` answers ``http.disconnect``
    when the client closes (Payam's server), or blocks until the response is done (ASGITransport).
    """
    try:
        async with asyncio.timeout(within_s):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return True
    except TimeoutError:
        return False


@dataclass(frozen=True, slots=True)
class Reply:
    """A complete HTTP answer."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def dumps(obj: Any, *, ascii_only: bool = True) -> bytes:
    """Compact JSON. ``ascii_only`` escapes non-ASCII (as Telegram does), which also keeps lone
    surrogates (a poison update) encodable; readable UTF-8 is used otherwise when possible."""
    if not ascii_only:
        try:
            return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:
            pass
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def json_reply(obj: Any, status: int = 200, *, ascii_only: bool = True) -> Reply:
    """A JSON :class:`Reply` with that status."""
    return Reply(status, dumps(obj, ascii_only=ascii_only))


PROXY_502_BODY = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def proxy_502() -> Reply:
    """What a reverse proxy answers when the API behind it is down: HTML, not JSON."""
    return Reply(502, PROXY_502_BODY, "text/html")


async def send_reply(send: Send, reply: Reply, *, head: bool = False) -> None:
    """Send ``reply`` (``head``: headers only, Content-Length kept)."""
    headers = [
        (b"content-type", reply.content_type.encode("latin-1")),
        (b"content-length", str(len(reply.body)).encode("latin-1")),
    ]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})


def route_path(scope: Scope) -> str:
    """The request path below the app's mount point (``root_path`` stripped)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path
