"""Eitaa over a real loopback socket: form and multipart framing, timeouts, clean logs."""

from __future__ import annotations

import logging
import urllib.parse
from pathlib import Path

import httpx
import pytest

from adapters import http
from adapters.base import AccountSpec, SendOptions
from adapters.eitaa.adapter import EitaaAdapter
from adapters.errors import Ambiguous, Transient
from adapters.secret import Secret
from tests.adapters.eitaa.fake import TOKEN
from tests.adapters.rubika.fake import multipart_parts
from tests.adapters.rubika.leaks import assert_error_is_clean, leaks
from tests.adapters.rubika.loopback import Server, serve


def eitaa(server: Server, client: httpx.AsyncClient) -> EitaaAdapter:
    spec = AccountSpec("eitaa", "loop", f"{server.url}/eitaa", channels=("mychannel",))
    return EitaaAdapter(spec, Secret(TOKEN), client)


async def test_posts_over_a_socket_and_the_logs_stay_clean(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored after the test
    path = tmp_path / "ویدیو.mp4"
    path.write_bytes(bytes(200_000))
    answer = {"ok": True, "result": {"message_id": 7}}
    async with serve(lambda *_: answer) as server, http.make_client() as client:
        adapter = eitaa(server, client)
        await adapter.me()
        await adapter.send("@mychannel", "سلام", options=SendOptions(pin=True))
        await adapter.send_file("mychannel", path, caption="فیلم")
    me, text, upload = server.requests
    assert (me.method, me.path) == ("GET", f"/eitaa/api/{TOKEN}/getMe")
    form = dict(urllib.parse.parse_qsl(text.body.decode()))
    assert form == {"chat_id": "mychannel", "text": "سلام", "pin": "1"}
    assert "transfer-encoding" not in upload.headers
    parts = multipart_parts(httpx.Request("POST", "/", headers=upload.headers, content=upload.body))
    assert parts["file"] == ("ویدیو.mp4", "video/mp4", path.read_bytes())
    assert parts["caption"][2].decode() == "فیلم"
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert not leaks(caplog.text + "".join(r.getMessage() for r in caplog.records), TOKEN)


async def test_a_server_that_never_answers() -> None:
    async with (
        serve(lambda *_: None) as server,
        http.make_client(timeout=httpx.Timeout(0.2)) as client,
    ):
        adapter = eitaa(server, client)
        with pytest.raises(Ambiguous) as sending:
            await adapter.send("mychannel", "x")  # it may have been posted
        with pytest.raises(Transient) as asking:
            await adapter.me()
    assert_error_is_clean(sending.value, TOKEN)
    assert_error_is_clean(asking.value, TOKEN)
