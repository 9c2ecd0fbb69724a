"""CONTRACTS §1's error table, from scripted answers and from transport failures, leak-free."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.botapi.adapter import BotApiAdapter
from adapters.errors import (
    AdapterError,
    Ambiguous,
    AuthFailed,
    Conflict,
    Forbidden,
    RateLimited,
    Rejected,
    Transient,
)
from adapters.models import FileRef

from .leaks import assert_clean, leaks
from .scripted import TOKEN, Script, fail, make, message, ok

Op = Callable[[BotApiAdapter, Path], Awaitable[Any]]


async def _send(a: BotApiAdapter, tmp: Path) -> Any:
    return await a.send("-100", "سلام")


async def _edit(a: BotApiAdapter, tmp: Path) -> Any:
    return await a.edit("-100", "5", "x")


async def _delete(a: BotApiAdapter, tmp: Path) -> Any:
    return await a.delete("-100", "5")


async def _upload(a: BotApiAdapter, tmp: Path) -> Any:
    path = tmp / "f.txt"
    path.write_text("data")
    return await a.send_file("-100", path)


async def _poll(a: BotApiAdapter, tmp: Path) -> Any:
    return await a.poll("10", 0)


async def _me(a: BotApiAdapter, tmp: Path) -> Any:
    return await a.me()


async def _chat(a: BotApiAdapter, tmp: Path) -> Any:
    return await a.chat_info("-100")


async def _get_file(a: BotApiAdapter, tmp: Path) -> Any:
    return await a.download(FileRef("f"), tmp / "out")


# (operation, the method it calls, whether it changes anything on the server)
OPS: dict[str, tuple[Op, str, bool]] = {
    "send": (_send, "sendMessage", True),
    "edit": (_edit, "editMessageText", True),
    "delete": (_delete, "deleteMessage", True),
    "upload": (_upload, "sendDocument", True),
    "poll": (_poll, "getUpdates", False),
    "me": (_me, "getMe", False),
    "chat": (_chat, "getChat", False),
    "getFile": (_get_file, "getFile", False),
}
WRITES = [k for k, v in OPS.items() if v[2]]
READS = [k for k, v in OPS.items() if not v[2]]


async def run(messenger: str, op: str, answer: Any, tmp: Path) -> AdapterError:
    fn, method, _ = OPS[op]
    adapter = make(messenger, Script(**{method: answer}))
    with pytest.raises(AdapterError) as info:
        await fn(adapter, tmp)
    assert_clean(info.value)
    return info.value


HTML_502 = httpx.Response(502, text="<html><body>Bad Gateway</body></html>")
TRUNCATED = httpx.Response(200, content=b'{"ok": true, "result": [{"update_id": 1, "mess')

TABLE = [
    # messenger, op, answer, error class
    ("telegram", "send", fail(401, "Unauthorized"), AuthFailed),
    ("splus", "poll", fail(401, "Unauthorized"), AuthFailed),
    ("telegram", "send", fail(404, "Not Found"), AuthFailed),
    ("bale", "send", fail(404, "Not Found"), AuthFailed),
    ("bale", "poll", httpx.Response(404, text="404 page not found"), AuthFailed),
    ("bale", "send", fail(400, "Bad Request: Token not found"), AuthFailed),
    ("bale", "send", fail(404, "Not Found", status=200), AuthFailed),
    ("bale", "delete", fail(404, "Bad Request: message not found"), Rejected),
    ("bale", "send", httpx.Response(404, json={"ok": False, "error_code": 404}), AuthFailed),
    ("telegram", "send", httpx.Response(404, text="404 page not found"), Rejected),
    ("telegram", "send", fail(400, "Bad Request: chat not found"), Rejected),
    ("telegram", "send", httpx.Response(400, text="<html>bad</html>"), Rejected),
    ("telegram", "edit", fail(400, "Bad Request: message to edit not found"), Rejected),
    ("telegram", "send", fail(403, "Forbidden: bot was blocked by the user"), Forbidden),
    ("splus", "upload", fail(403, "Forbidden: not enough rights"), Forbidden),
    ("bale", "delete", fail(400, "permission_denied"), Forbidden),
    ("telegram", "poll", fail(403, "Forbidden"), Rejected),  # no chat: not Forbidden
    ("telegram", "send", fail(429, "Too Many Requests: retry after 7", retry_after=7), RateLimited),
    ("telegram", "send", fail(429, "Too Many Requests"), RateLimited),
    ("bale", "send", fail(400, "bot limit exceed"), RateLimited),
    ("bale", "send", fail(420, "Flood"), RateLimited),
    ("bale", "send", fail(429, "x", status=200, retry_after=5), RateLimited),
    ("telegram", "me", fail(429, "Too Many Requests", retry_after=2), RateLimited),
    ("telegram", "poll", fail(409, "Conflict: terminated by other getUpdates request"), Conflict),
    ("bale", "poll", fail(409, "Conflict: can't use getUpdates while webhook is active"), Conflict),
    ("telegram", "send", fail(409, "Conflict"), Rejected),
    ("telegram", "me", fail(400, "Bad Request"), AuthFailed),
    ("splus", "me", fail(403, "Forbidden"), AuthFailed),
    ("telegram", "poll", HTML_502, Transient),
    ("telegram", "me", fail(500, "Internal Server Error"), Transient),
    ("bale", "chat", fail(503, "x"), Transient),
    ("telegram", "getFile", fail(500, "x"), Transient),
    ("bale", "poll", fail(502, "Bad Gateway", status=200), Transient),
    ("telegram", "send", fail(500, "Internal Server Error"), Ambiguous),
    ("bale", "edit", HTML_502, Ambiguous),
    ("splus", "delete", fail(503, "x"), Ambiguous),
    ("telegram", "upload", fail(502, "x"), Ambiguous),
    ("telegram", "poll", TRUNCATED, Transient),
    ("telegram", "send", TRUNCATED, Ambiguous),
    ("telegram", "send", ok({"no": "message_id"}), Ambiguous),
    ("telegram", "send", httpx.Response(200, json={"result": 1}), Ambiguous),
    ("telegram", "poll", ok({"not": "a list"}), Transient),
    ("telegram", "chat", ok("nonsense"), Transient),
    ("telegram", "send", fail(400, "Bad Request: message text is empty"), Rejected),
]


@pytest.mark.parametrize(("messenger", "op", "answer", "expected"), TABLE)
async def test_scripted_answers_map_per_contract(
    messenger: str, op: str, answer: Any, expected: type[AdapterError], tmp_path: Path
) -> None:
    err = await run(messenger, op, answer, tmp_path)
    assert type(err) is expected, err


async def test_error_details(tmp_path: Path) -> None:
    err = await run("telegram", "send", fail(429, "Too Many Requests", retry_after=7), tmp_path)
    assert isinstance(err, RateLimited) and (err.retry_after_s, err.known) == (7.0, True)
    err = await run("bale", "send", fail(400, "bot limit exceed"), tmp_path)
    assert isinstance(err, RateLimited) and (err.retry_after_s, err.known) == (3.0, False)
    err = await run(
        "telegram", "send", fail(403, "Forbidden: bot was blocked by the user"), tmp_path
    )
    assert isinstance(err, Forbidden) and err.chat_id == "-100" and "blocked" in err.reason
    err = await run("telegram", "poll", fail(409, "Conflict: terminated by other"), tmp_path)
    assert "terminated by other" in err.reason
    err = await run("telegram", "send", fail(400, "Bad Request: chat not found"), tmp_path)
    assert err.reason == "sendMessage: Bad Request: chat not found"


async def test_a_description_quoting_the_token_is_scrubbed() -> None:
    # A server echoing the token back is contrived; the reason is still scrubbed. (The raw
    # payload stays visible to a locals-printing crash screen, unlike the URL: not checked.)
    script = Script(sendMessage=fail(400, f"bad /bot{TOKEN}/sendMessage"))
    with pytest.raises(Rejected) as info:
        await make("telegram", script).send("1", "x")
    err = info.value
    assert "***" in err.reason
    assert not leaks(str(err) + repr(err) + repr(err.args))


TRANSPORT = [
    (httpx.ConnectError("refused"), Transient, Transient),
    (httpx.ConnectTimeout("slow"), Transient, Transient),
    (httpx.PoolTimeout("full"), Transient, Transient),
    (httpx.ReadTimeout("slow"), Transient, Ambiguous),
    (httpx.WriteTimeout("slow"), Transient, Ambiguous),
    (httpx.ReadError("reset"), Transient, Ambiguous),
    (httpx.RemoteProtocolError("closed"), Transient, Ambiguous),
]


@pytest.mark.parametrize(("exc", "on_read", "on_write"), TRANSPORT, ids=lambda x: type(x).__name__)
@pytest.mark.parametrize("op", list(OPS))
async def test_transport_failures(
    op: str,
    exc: httpx.HTTPError,
    on_read: type[AdapterError],
    on_write: type[AdapterError],
    tmp_path: Path,
) -> None:
    expected = on_write if OPS[op][2] else on_read
    err = await run("telegram", op, exc, tmp_path)
    assert type(err) is expected


async def test_download_failures_are_transient_and_clean(tmp_path: Path) -> None:
    file_info = ok({"file_id": "f", "file_size": 10, "file_path": "docs/a.bin"})
    for answer, expected in (
        (httpx.ReadError("reset"), Transient),
        (httpx.Response(502), Transient),
        (httpx.Response(404), Rejected),
    ):
        script = Script(getFile=file_info, download=answer)
        with pytest.raises(AdapterError) as info:
            await make("bale", script).download(FileRef("f"), tmp_path / "a.bin")
        assert type(info.value) is expected
        assert_clean(info.value)
        assert not (tmp_path / "a.bin").exists()


async def test_logs_never_show_the_token(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    script = Script(
        getMe=ok({"id": 1, "is_bot": True, "first_name": "b"}),
        sendMessage=[fail(401, "Unauthorized"), httpx.ReadError("reset")],
        getUpdates=ok([{"update_id": 1, "message": message()}]),
    )
    adapter = make("telegram", script)
    await adapter.me()
    await adapter.poll(None, 0)
    for _ in range(2):
        with pytest.raises(AdapterError) as info:
            await adapter.send("1", "x")
        logging.getLogger("payam.test").exception("send failed", exc_info=info.value)
    assert "HTTP Request" in caplog.text  # httpx did log the requests...
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert not leaks(text)  # ...with the token masked
