"""A minimal HTTP/1.1 server on 127.0.0.1 for tests that need a real socket.

``httpx.MockTransport`` never runs httpcore: no connection logging, no timeouts, no
``Content-Length`` versus chunked framing on the wire. This server reads each request whole,
records it, and answers with what ``respond(path, headers, body)`` returns, or with nothing
at all (the connection is held open) when it returns None.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    """One request as it arrived on the socket."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Respond = Callable[[str, dict[str, str], bytes], Any]


@dataclass
class Server:
    """The running server: its base URL and what it received."""

    url: str
    requests: list[Request] = field(default_factory=list)


@asynccontextmanager
async def serve(respond: Respond) -> AsyncIterator[Server]:
    """Serve until the block ends. ``respond`` returns a JSON-able body, or None to hang."""
    hung: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                server.requests.append(Request(method, path, headers, body))
                answer = respond(path, headers, body)
                if answer is None:
                    hung.append(writer)
                    return
                data = json.dumps(answer).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(data), data)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    listener = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    server = Server(f"http://127.0.0.1:{port}")
    try:
        yield server
    finally:
        for writer in hung:
            writer.close()
        listener.close()
        await listener.wait_closed()
