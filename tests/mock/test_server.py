"""The h11-based mock HTTP server: keep-alive, bodies, and connection-level control."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from adapters.mock.asgi import (
    EXTENSION,
    ConnectionAborted,
    abort_connection,
    connection_control,
)
from adapters.mock.server import MockHTTPServer

seen_disconnects: list[str] = []
disconnected = asyncio.Event()


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Echo app; the path picks a behaviour."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path = scope["path"]
    if path == "/rst":
        abort_connection(scope, rst=True)
        return
    if path == "/close":
        abort_connection(scope, rst=False)
        return
    if path == "/cut":
        control = connection_control(scope)
        assert control is not None
        control.cut_response(5)
    if path == "/boom":
        raise RuntimeError("the app failed")
    if path == "/wait":
        seen_disconnects.append((await receive())["type"])
        disconnected.set()
        return
    if path == "/nodelay":
        conn = scope["extensions"][EXTENSION]
        sock = conn.writer.get_extra_info("socket")
        body = str(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)).encode()
    if path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    client = f"{scope['client'][1]}".encode()
    headers = [(b"content-type", b"text/plain"), (b"x-client-port", client)]
    if path == "/cut":
        headers.append((b"content-length", b"20"))
        body = b"x" * 20
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
async def served() -> AsyncIterator[MockHTTPServer]:
    server = MockHTTPServer(app)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http(served: MockHTTPServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{served.port}", timeout=10, trust_env=False
    ) as client:
        yield client


async def test_keep_alive_reuses_the_connection(http: httpx.AsyncClient) -> None:
    first = await http.post("/echo", content=b"a")
    second = await http.post("/echo", content=b"b")
    assert (first.content, second.content) == (b"a", b"b")
    assert first.headers["x-client-port"] == second.headers["x-client-port"]
    assert "date" in first.headers


async def test_content_length_and_chunked_bodies(http: httpx.AsyncClient) -> None:
    big = bytes(range(256)) * 4096
    assert (await http.post("/echo", content=big)).content == big

    async def parts() -> AsyncIterator[bytes]:
        for i in range(50):
            yield f"{i},".encode()

    chunked = await http.post("/echo", content=parts())
    assert chunked.content == b"".join(f"{i},".encode() for i in range(50))


async def test_streamed_response_without_length_is_chunked(http: httpx.AsyncClient) -> None:
    response = await http.get("/stream")
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.content == b"one,two,three"


async def test_head_sends_no_body(http: httpx.AsyncClient) -> None:
    response = await http.head("/echo")
    assert response.status_code == 200 and response.content == b""


async def test_abort_with_rst_is_a_read_error(http: httpx.AsyncClient) -> None:
    with pytest.raises(httpx.ReadError):
        await http.post("/rst", content=b"x")
    assert (await http.post("/echo", content=b"after")).content == b"after"


async def test_abort_with_close_is_a_protocol_error(http: httpx.AsyncClient) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        await http.post("/close", content=b"x")


async def test_cut_response_stops_mid_body(http: httpx.AsyncClient) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        await http.get("/cut")


async def test_an_app_failure_is_a_500(http: httpx.AsyncClient) -> None:
    response = await http.get("/boom")
    assert response.status_code == 500
    assert (await http.get("/echo")).status_code == 200


async def test_the_app_hears_the_client_leave(http: httpx.AsyncClient) -> None:
    seen_disconnects.clear()
    disconnected.clear()
    with pytest.raises(httpx.ReadTimeout):
        await http.get("/wait", timeout=0.2)
    await disconnected.wait()
    assert seen_disconnects == ["http.disconnect"]


async def test_accepted_sockets_have_tcp_nodelay(http: httpx.AsyncClient) -> None:
    assert (await http.get("/nodelay")).content != b"0"


async def _raw(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    writer.close()
    return head


async def test_expect_100_continue(served: MockHTTPServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    writer.write(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
    )
    await writer.drain()
    interim = await reader.readuntil(b"\r\n\r\n")
    assert interim.startswith(b"HTTP/1.1 100")
    writer.write(b"hello")
    await writer.drain()
    final = await reader.readuntil(b"\r\n\r\n")
    assert final.startswith(b"HTTP/1.1 200")
    assert await reader.readexactly(5) == b"hello"
    writer.close()


async def test_garbage_gets_a_400(served: MockHTTPServer) -> None:
    assert (await _raw(served.port, b"NOT HTTP AT ALL\r\n\r\n")).startswith(b"HTTP/1.1 400")


async def test_stop_then_start_on_the_same_port(served: MockHTTPServer) -> None:
    port = served.port
    async with httpx.AsyncClient(timeout=5, trust_env=False) as client:
        waiting = asyncio.create_task(client.get(f"http://127.0.0.1:{port}/wait"))
        await asyncio.sleep(0.05)
        await served.stop()
        with pytest.raises(httpx.TransportError):
            await waiting
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/echo")
        await served.start()
        assert served.port == port
        assert (await client.post(f"http://127.0.0.1:{port}/echo", content=b"back")).content == (
            b"back"
        )


async def test_without_the_extension_an_abort_raises() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://asgi") as client:
        assert (await client.post("/echo", content=b"fine")).content == b"fine"
        with pytest.raises(ConnectionAborted):
            await client.post("/rst")
