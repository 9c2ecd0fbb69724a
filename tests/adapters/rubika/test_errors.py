"""Rubika errors: every envelope variant and transport failure, mapped per CONTRACTS §1.

Reads (getMe, getUpdates, getChat, getFile) fail Transient; writes (send, edit, delete,
sendFile) that may have been processed fail Ambiguous. A canary token never reaches an error
or a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from adapters.errors import (
    AdapterError,
    Ambiguous,
    AuthFailed,
    RateLimited,
    Rejected,
    Transient,
)
from adapters.models import FileRef
from adapters.rubika.adapter import RubikaAdapter
from tests.adapters.rubika.fake import BOT_CHAT, TOKEN, FakeRubika, err, make, ok, peyk_err
from tests.adapters.rubika.leaks import assert_error_is_clean, leaks

Op = Callable[[RubikaAdapter], Awaitable[object]]
READS: dict[str, Op] = {
    "getUpdates": lambda a: a.poll("6790a1b20000000000000000", 0),
    "getChat": lambda a: a.chat_info(BOT_CHAT),
    "getFile": lambda a: a.download(FileRef("F1"), Path("/nonexistent/never-written")),
}
WRITES: dict[str, Op] = {
    "sendMessage": lambda a: a.send(BOT_CHAT, "سلام"),
    "editMessageText": lambda a: a.edit(BOT_CHAT, "1", "x"),
    "deleteMessage": lambda a: a.delete(BOT_CHAT, "1"),
}


async def fails_with(answer: httpx.Response | Exception, method: str, op: Op) -> AdapterError:
    fake = FakeRubika().on(method, answer)
    with pytest.raises(AdapterError) as info:
        await op(make(fake))
    assert fake.methods() == [method]
    assert_error_is_clean(info.value, TOKEN)
    return info.value


ENVELOPES: list[tuple[httpx.Response, type[AdapterError] | None]] = [
    (err("INVALID_ACCESS", "bad token"), AuthFailed),
    (peyk_err("INVALID_ACCESS", "bad token"), AuthFailed),
    (err("TOO_REQUESTS"), RateLimited),
    (peyk_err("TOO_REQUESTS"), RateLimited),
    (err("INVALID_INPUT", "chat_id is invalid"), Rejected),
    (peyk_err("SOMETHING_ELSE", "?"), Rejected),
    (err("SERVER_ERROR"), None),  # Transient for reads, Ambiguous for writes
    (httpx.Response(500, text="oops"), None),
    (httpx.Response(502, text="<html>Bad Gateway</html>"), None),
    (httpx.Response(200, content=b'{"status": "OK", "da'), None),  # truncated
    (httpx.Response(200, content=b"not json"), None),
    (httpx.Response(429, text="slow down"), RateLimited),  # a proxy's HTTP status
    (httpx.Response(401, text="no"), AuthFailed),
    (httpx.Response(404, text="no such path"), Rejected),
    (httpx.Response(400, json={"status": "INVALID_ACCESS"}), AuthFailed),  # envelope wins
]


@pytest.mark.parametrize(("answer", "expected"), ENVELOPES)
@pytest.mark.parametrize("method", list(READS))
async def test_reads(
    answer: httpx.Response, expected: type[AdapterError] | None, method: str
) -> None:
    error = await fails_with(answer, method, READS[method])
    assert type(error) is (expected or Transient)


@pytest.mark.parametrize(("answer", "expected"), ENVELOPES)
@pytest.mark.parametrize("method", list(WRITES))
async def test_writes(
    answer: httpx.Response, expected: type[AdapterError] | None, method: str
) -> None:
    error = await fails_with(answer, method, WRITES[method])
    assert type(error) is (expected or Ambiguous)


TRANSPORT: list[tuple[Exception, type[AdapterError], type[AdapterError]]] = [
    # exception, as a read, as a write
    (httpx.ConnectError("refused"), Transient, Transient),  # never sent
    (httpx.ConnectTimeout("slow"), Transient, Transient),
    (httpx.PoolTimeout("busy"), Transient, Transient),
    (httpx.ReadTimeout("slow"), Transient, Ambiguous),
    (httpx.WriteTimeout("slow"), Transient, Ambiguous),
    (httpx.ReadError("reset"), Transient, Ambiguous),
    (httpx.RemoteProtocolError("closed"), Transient, Ambiguous),
]


@pytest.mark.parametrize(("exc", "as_read", "as_write"), TRANSPORT)
async def test_transport_failures(
    exc: Exception, as_read: type[AdapterError], as_write: type[AdapterError]
) -> None:
    assert type(await fails_with(exc, "getUpdates", READS["getUpdates"])) is as_read
    assert type(await fails_with(exc, "sendMessage", WRITES["sendMessage"])) is as_write


async def test_rate_limit_hints() -> None:
    default = await fails_with(err("TOO_REQUESTS"), "sendMessage", WRITES["sendMessage"])
    assert isinstance(default, RateLimited)
    assert (default.retry_after_s, default.known) == (3.0, False)
    hinted = await fails_with(
        err("TOO_REQUESTS", retry_after=7), "sendMessage", WRITES["sendMessage"]
    )
    assert isinstance(hinted, RateLimited) and (hinted.retry_after_s, hinted.known) == (7.0, True)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (err("INVALID_INPUT"), AuthFailed),  # any API refusal of getMe: the token is bad
        (peyk_err("NOT_FOUND"), AuthFailed),
        (httpx.Response(404), AuthFailed),
        (httpx.Response(403), AuthFailed),
        (ok({}), Transient),  # accepted, but an answer of the wrong shape
        (err("SERVER_ERROR"), Transient),
        (err("TOO_REQUESTS"), RateLimited),
    ],
)
async def test_me_failures(answer: httpx.Response, expected: type[AdapterError]) -> None:
    assert type(await fails_with(answer, "getMe", lambda a: a.me())) is expected


async def test_a_wrong_token_is_answered_invalid_access() -> None:
    fake = FakeRubika()
    with pytest.raises(AuthFailed) as info:
        await make(fake, token="WRONGtoken0000000000000000000000").me()
    assert "token rejected" in str(info.value)


async def test_a_malformed_token_is_never_sent() -> None:
    fake = FakeRubika()
    for token in ("", "a/b", "tok en ", "x?y"):
        with pytest.raises(AuthFailed):
            await make(fake, token=token).me()
    assert fake.seen == []


async def test_mock_style_base_url() -> None:
    fake = FakeRubika()
    await make(fake, base_url="http://127.0.0.1:8700/rubika/").send(BOT_CHAT, "x")
    assert fake.seen[0].url == f"http://127.0.0.1:8700/rubika/v3/{TOKEN}/sendMessage"


async def test_server_text_echoing_the_token_is_scrubbed() -> None:
    echo = err("INVALID_INPUT", f"bad url /v3/{TOKEN}/sendMessage")
    error = await fails_with(echo, "sendMessage", WRITES["sendMessage"])
    assert isinstance(error, Rejected) and "***" in error.reason


async def test_no_token_in_logs_at_debug(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "adapters"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored after the test
    fake = FakeRubika()
    fake.push({"type": "NewMessage", "chat_id": BOT_CHAT, "new_message": {"text": "poison"}})
    adapter = make(fake)
    await adapter.me()
    await adapter.poll(None, 0)
    await adapter.send(BOT_CHAT, "x")
    path = tmp_path / "f.txt"
    path.write_text("x")
    await adapter.send_file(BOT_CHAT, path)
    fake.on("getChat", httpx.ReadTimeout("slow"))
    with pytest.raises(Transient):
        await adapter.chat_info(BOT_CHAT)
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert any(r.name == "httpx" for r in caplog.records)  # the URL lines were logged...
    assert not leaks(text, TOKEN)  # ...with the token masked
