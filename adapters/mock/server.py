"""A small asyncio HTTP/1.1 server on h11 that runs ASGI apps with connection-level control.

Why not uvicorn: fault injection needs to reset a connection (RST), hang it, or close it after a
request was processed without answering, which ASGI servers do not let an app do. This server
offers that through the ``payam.connection`` scope extension (:mod:`adapters.mock.asgi`).

What it does: keep-alive; Content-Length and chunked request bodies (h11 de-chunks);
``Expect: 100-continue``; streaming responses (chunked when the app gives no length); a ``Date``
header when the app sets none; ``http.disconnect`` from ``receive()`` when the client closes
while the app waits (long polls stop waiting for a client that left). No pipelining, no TLS,
no HTTP/2. The listening socket is created with ``IPPROTO_TCP`` and every accepted socket gets
``TCP_NODELAY``: without it a keep-alive response can sit ~40 ms waiting for a delayed ACK.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote

import h11
from starlette.types import ASGIApp, Message

from adapters.mock.asgi import EXTENSION

log = logging.getLogger("payam.mock.server")
READ_SIZE = 256 * 1024


class _Conn:
    """One client connection. Requests are served one after another (keep-alive)."""

    def __init__(self, app: ASGIApp, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.app = app
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.SERVER)
        self.aborted = False
        self.cut_after: int | None = None
        sockname = writer.get_extra_info("sockname") or ("", 0)
        peername = writer.get_extra_info("peername") or ("", 0)
        self.server_addr = (str(sockname[0]), int(sockname[1]))
        self.client_addr = (str(peername[0]), int(peername[1]))

    # --- the ConnectionControl extension -------------------------------------------------------

    def abort(self, *, rst: bool = True) -> None:
        """Close the connection now, sending nothing more (``rst``: with a TCP reset)."""
        if self.aborted:
            return
        self.aborted = True
        transport = self.writer.transport
        if rst:
            sock = self.writer.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        else:
            transport.close()

    def cut_response(self, after_bytes: int) -> None:
        """Send at most ``after_bytes`` of the coming response body, then close."""
        self.cut_after = max(0, after_bytes)

    # --- reading -------------------------------------------------------------------------------

    async def _next_event(self) -> Any:
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                return event
            if self.h11.they_are_waiting_for_100_continue:
                self._write(self.h11.send(h11.InformationalResponse(status_code=100, headers=[])))
            try:
                data = await self.reader.read(READ_SIZE)
            except (ConnectionError, OSError):
                data = b""
            self.h11.receive_data(data)

    def _write(self, data: bytes | None) -> None:
        if data and not self.aborted:
            self.writer.write(data)

    async def run(self) -> None:
        """Serve requests on this connection until it closes."""
        try:
            while not self.aborted:
                try:
                    event = await self._next_event()
                except h11.RemoteProtocolError as exc:
                    await self._bad_request(exc)
                    return
                if not isinstance(event, h11.Request):
                    return  # ConnectionClosed, or bytes after a close we asked for
                await self._serve(event)
                if self.aborted or not await self._finish_cycle():
                    return
        except (ConnectionError, OSError, h11.LocalProtocolError):
            pass
        finally:
            if not self.aborted:
                self.writer.close()

    async def _finish_cycle(self) -> bool:
        """Get ready for the next request on this connection; False if it must close."""
        while self.h11.their_state is h11.SEND_BODY:  # the app left part of the body unread
            event = await self._next_event()
            if isinstance(event, h11.ConnectionClosed):
                return False
        if self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE:
            self.h11.start_next_cycle()
            return True
        return False

    async def _bad_request(self, exc: Exception) -> None:
        if self.h11.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            body = f"bad request: {exc}\n".encode()
            headers = [("content-type", "text/plain"), ("content-length", str(len(body)))]
            try:
                self._write(self.h11.send(h11.Response(status_code=400, headers=headers)))
                self._write(self.h11.send(h11.Data(data=body)))
                self._write(self.h11.send(h11.EndOfMessage()))
                await self.writer.drain()
            except (h11.LocalProtocolError, ConnectionError, OSError):
                pass

    # --- one request ---------------------------------------------------------------------------

    async def _serve(self, request: h11.Request) -> None:
        raw_path, _, query = request.target.partition(b"?")
        method = request.method.decode("ascii")
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.http_version.decode("ascii"),
            "method": method,
            "scheme": "http",
            "path": unquote(raw_path.decode("latin-1"), encoding="utf-8", errors="replace"),
            "raw_path": raw_path,
            "query_string": query,
            "root_path": "",
            "headers": [(k.lower(), v) for k, v in request.headers],
            "client": self.client_addr,
            "server": self.server_addr,
            "extensions": {EXTENSION: self},
            "state": {},
        }
        self.cut_after = None
        state = _Exchange(self, head=method == "HEAD")
        try:
            await self.app(scope, state.receive, state.send)
        except Exception:
            if self.aborted:
                return
            log.exception("mock server: the app failed on %s %s", method, scope["path"])
            if not state.started:
                await state.send_plain(500, b"internal error in the mock\n")
            else:
                self.abort(rst=False)
            return
        if self.aborted:
            return
        if not state.started:
            await state.send_plain(500, b"the app sent no response\n")
        elif not state.done:
            self.abort(rst=False)


class _Exchange:
    """The ASGI ``receive``/``send`` pair of one request."""

    def __init__(self, conn: _Conn, *, head: bool) -> None:
        self.conn = conn
        self.head = head
        self.body_done = False
        self.started = False
        self.done = False
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.sent = 0

    async def receive(self) -> Message:
        """ASGI ``receive``: the body, then ``http.disconnect`` when the client leaves."""
        conn = self.conn
        if conn.aborted:
            return {"type": "http.disconnect"}
        if not self.body_done:
            event = await conn._next_event()
            if isinstance(event, h11.Data):
                return {"type": "http.request", "body": bytes(event.data), "more_body": True}
            if isinstance(event, h11.EndOfMessage):
                self.body_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.disconnect"}
        if self.done:
            return {"type": "http.disconnect"}
        # The body is read: wait for the client to go away (pipelined bytes are kept for h11).
        while True:
            try:
                data = await conn.reader.read(READ_SIZE)
            except (ConnectionError, OSError):
                data = b""
            if not data:
                return {"type": "http.disconnect"}
            conn.h11.receive_data(data)

    async def send(self, message: Message) -> None:
        """ASGI ``send``: one response, written through h11."""
        conn = self.conn
        if conn.aborted or self.done:
            return
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.headers = [(bytes(k).lower(), bytes(v)) for k, v in message.get("headers", [])]
            return
        if message["type"] != "http.response.body":
            return
        body = bytes(message.get("body", b""))
        more = bool(message.get("more_body", False))
        out = b""
        if not self.started:
            self.started = True
            names = {k for k, _ in self.headers}
            if b"date" not in names:
                self.headers.append((b"date", formatdate(usegmt=True).encode("ascii")))
            if not more and b"content-length" not in names and b"transfer-encoding" not in names:
                self.headers.append((b"content-length", str(len(body)).encode("ascii")))
            out += conn.h11.send(h11.Response(status_code=self.status, headers=self.headers)) or b""
        if body and not self.head:
            if conn.cut_after is not None and self.sent + len(body) > conn.cut_after:
                out += conn.h11.send(h11.Data(data=body[: conn.cut_after - self.sent])) or b""
                conn._write(out)
                await self._drain()
                conn.abort(rst=False)
                return
            self.sent += len(body)
            out += conn.h11.send(h11.Data(data=body)) or b""
        if not more:
            out += conn.h11.send(h11.EndOfMessage()) or b""
            self.done = True
        conn._write(out)
        await self._drain()

    async def _drain(self) -> None:
        try:
            await self.conn.writer.drain()
        except (ConnectionError, OSError):
            self.conn.aborted = True

    async def send_plain(self, status: int, body: bytes) -> None:
        """A plain-text response (server-side errors)."""
        headers = [(b"content-type", b"text/plain; charset=utf-8")]
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})


class MockHTTPServer:
    """Serves one ASGI app on ``host:port`` (port 0: any free port) until :meth:`stop`."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._conns: dict[asyncio.Task[None], _Conn] = {}

    async def start(self) -> None:
        """Bind and listen (again on the same port after :meth:`stop`)."""
        family, _, proto, _, addr = socket.getaddrinfo(
            self.host, self.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )[0]
        sock = socket.socket(family, socket.SOCK_STREAM, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind(addr)
            sock.listen(1024)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        self._server = await asyncio.start_server(self._accept, sock=sock, limit=READ_SIZE)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = _Conn(self.app, reader, writer)
        task = asyncio.current_task()
        assert task is not None
        self._conns[task] = conn
        try:
            await conn.run()
        except asyncio.CancelledError:
            # Only stop() cancels these. asyncio's stream callback (3.11) logs a cancelled
            # handler task as an error, so end quietly instead of re-raising.
            pass
        finally:
            self._conns.pop(task, None)

    async def stop(self) -> None:
        """Stop listening and drop every open connection (a restart finds the port free)."""
        if self._server is not None:
            self._server.close()
        for conn in list(self._conns.values()):
            conn.abort(rst=False)  # handlers waiting on receive() see a disconnect and end
        if self._conns:
            _, late = await asyncio.wait(list(self._conns), timeout=1.0)
            for task in late:  # an app that ignores disconnects
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
