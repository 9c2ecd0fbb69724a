"""Rubika over a real loopback socket: framing of the upload, timeouts, httpcore's logs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters import http
from adapters.base import AccountSpec
from adapters.errors import Ambiguous, Transient
from adapters.rubika.adapter import RubikaAdapter
from adapters.secret import Secret
from tests.adapters.rubika.fake import TOKEN, multipart_parts
from tests.adapters.rubika.leaks import assert_error_is_clean, leaks
from tests.adapters.rubika.loopback import Server, serve


def rubika(server: Server, client: httpx.AsyncClient) -> RubikaAdapter:
    spec = AccountSpec("rubika", "loop", f"{server.url}/rubika")
    return RubikaAdapter(spec, Secret(TOKEN), client)


async def test_upload_is_sent_with_a_length_and_the_logs_stay_clean(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored after the test
    path = tmp_path / "سند.pdf"
    path.write_bytes(b"%PDF" + bytes(300_000))

    def respond(path_: str, headers: dict[str, str], body: bytes) -> Any:
        if path_.endswith("/requestSendFile"):
            return {"status": "OK", "data": {"upload_url": f"{server.url}/upload/t1"}}
        if path_.startswith("/upload/"):
            return {"status": "OK", "data": {"file_id": "F9"}}
        return {"status": "OK", "data": {"message_id": "42"}}

    async with serve(respond) as server, http.make_client() as client:
        sent = await rubika(server, client).send_file("b0chat", path, caption="سند")
    assert sent.message_id == "42"
    request, upload, send = server.requests
    assert request.path == f"/rubika/v3/{TOKEN}/requestSendFile"
    assert "transfer-encoding" not in upload.headers
    assert int(upload.headers["content-length"]) == len(upload.body)
    parsed = httpx.Request("POST", "/", headers=upload.headers, content=upload.body)
    assert multipart_parts(parsed)["file"] == ("سند.pdf", "application/pdf", path.read_bytes())
    assert send.path.endswith("/sendFile")
    assert any(r.name.startswith("httpcore") for r in caplog.records)  # a real connection
    assert not leaks(caplog.text + "".join(r.getMessage() for r in caplog.records), TOKEN)


@pytest.mark.parametrize(
    ("op", "expected"),
    [("poll", Transient), ("send", Ambiguous), ("me", Transient)],
)
async def test_a_server_that_never_answers(op: str, expected: type[Exception]) -> None:
    async with (
        serve(lambda *_: None) as server,
        http.make_client(timeout=httpx.Timeout(0.2)) as client,
    ):
        adapter = rubika(server, client)
        calls = {
            "poll": lambda: adapter.poll("c", 30),
            "send": lambda: adapter.send("b0chat", "سلام"),
            "me": adapter.me,
        }
        with pytest.raises(expected) as info:
            await calls[op]()
    assert_error_is_clean(info.value, TOKEN)


async def test_nothing_listening_is_transient_even_for_a_send() -> None:
    async with serve(lambda *_: {}) as server:
        url = server.url  # the port is free again once the block ends
    async with http.make_client() as client:
        adapter = RubikaAdapter(AccountSpec("rubika", "x", url), Secret(TOKEN), client)
        with pytest.raises(Transient) as info:
            await adapter.send("b0chat", "x")  # never reached a server: safe to retry
    assert_error_is_clean(info.value, TOKEN)
