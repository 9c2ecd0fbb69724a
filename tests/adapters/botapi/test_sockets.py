"""Over a real loopback socket and through Starlette's own form parser.

MockTransport never exercises httpcore (its connection handling and DEBUG logging) and never
parses our multipart body like a server would; these tests do both.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters import http
from adapters.base import AccountSpec
from adapters.errors import AdapterError, Ambiguous, AuthFailed, Transient
from adapters.secret import Secret
from adapters.telegram.adapter import TelegramAdapter

from .leaks import assert_clean, leaks
from .scripted import TOKEN


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    if b"/getMe " in head:
        body = b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        writer.write(
            b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
    # Everything else: the connection closes with no answer (a reset, or a crash mid-request).
    writer.close()


@pytest.fixture
async def server() -> AsyncIterator[str]:
    srv = await asyncio.start_server(_serve, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    async with srv:
        yield f"http://127.0.0.1:{port}/telegram"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_real_socket_failures_map_and_logs_stay_clean(
    server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    async with http.make_client() as client:
        adapter = TelegramAdapter(AccountSpec("telegram", "t", server), Secret(TOKEN), client)
        refused = TelegramAdapter(
            AccountSpec("telegram", "t", f"http://127.0.0.1:{_free_port()}/telegram"),
            Secret(TOKEN),
            client,
        )
        cases = [
            (adapter.me(), AuthFailed),
            (adapter.send("5", "x"), Ambiguous),  # may have been processed
            (adapter.poll("1", 0), Transient),
            (refused.send("5", "x"), Transient),  # never sent
        ]
        for call, expected in cases:
            with pytest.raises(AdapterError) as info:
                await call
            assert type(info.value) is expected
            assert_clean(info.value)
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert not leaks(caplog.text + "".join(r.getMessage() for r in caplog.records))


async def test_starlette_parses_the_streamed_upload(tmp_path: Path) -> None:
    got: dict[str, object] = {}

    async def send_document(request: Request) -> JSONResponse:
        async with request.form() as form:
            upload = form["document"]
            assert not isinstance(upload, str)
            got.update(
                fields={k: v for k, v in form.items() if isinstance(v, str)},
                filename=upload.filename,
                mime=upload.content_type,
                data=await upload.read(),
            )
        message = {"message_id": 3, "date": 1, "chat": {"id": 5, "type": "private"}}
        return JSONResponse({"ok": True, "result": message})

    app = Starlette(routes=[Route(f"/bot{TOKEN}/sendDocument", send_document, methods=["POST"])])
    path = tmp_path / 'فایل "ویژه".csv'
    data = "ستون,۱\n".encode() * 30_000
    path.write_bytes(data)
    transport = httpx.ASGITransport(app=app)
    async with http.make_client(transport=transport) as client:
        adapter = TelegramAdapter(AccountSpec("telegram", "t", "http://m"), Secret(TOKEN), client)
        sent = await adapter.send_file("5", path, caption="شرح", reply_to="2")
    assert sent.message_id == "3"
    assert got["fields"] == {"chat_id": "5", "caption": "شرح", "reply_to_message_id": "2"}
    # Quotes go out HTML5-escaped, as browsers and httpx send them; the Persian stays UTF-8.
    assert got["filename"] == path.name.replace('"', "%22")
    assert got["mime"] == "text/csv"
    assert got["data"] == data
