"""The Eitaa (Eitaayar) adapter: send-only, options on the wire, errors, canary token."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from adapters import registry
from adapters.base import SendOptions
from adapters.eitaa import wire
from adapters.eitaa.adapter import EitaaAdapter
from adapters.errors import (
    AdapterError,
    Ambiguous,
    AuthFailed,
    Forbidden,
    RateLimited,
    Rejected,
    Transient,
    Unsupported,
)
from adapters.models import FileRef, Span
from tests.adapters.eitaa.fake import BASE, TOKEN, FakeEitaa, fail, make, ok
from tests.adapters.rubika.leaks import assert_error_is_clean, leaks

ZWNJ = "\u200c"


def test_capabilities_say_send_only() -> None:
    assert registry.load("eitaa") is EitaaAdapter
    assert EitaaAdapter.default_base_url == "https://eitaayar.ir"
    caps = EitaaAdapter.capabilities
    assert (caps.receive, caps.long_poll, caps.edit, caps.delete) == (False, False, False, False)
    assert (caps.reply, caps.files_send, caps.files_receive) == (True, True, False)
    assert caps.formatting == "none"
    assert caps.send_options == {"title", "schedule_at", "pin", "delete_after_views", "silent"}


async def test_me_is_a_get_and_reads_a_telegram_like_result() -> None:
    fake = FakeEitaa()
    me = await make(fake).me()
    assert (me.id, me.name, me.username) == ("424242", "کانال‌یار", "shop_bot")
    (call,) = fake.seen
    assert (call.http_method, call.url) == ("GET", f"{BASE}/api/{TOKEN}/getMe")


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ({"id": "7", "title": "کانال من"}, ("7", "کانال من", None)),
        ({"user_id": 9, "username": "@shop"}, ("9", "shop", "shop")),
        (True, ("", "shop", None)),  # ok:true but nothing named: the account's own name
        ({}, ("", "shop", None)),
    ],
)
async def test_me_is_lenient(result: object, expected: tuple[str, str, str | None]) -> None:
    me = await make(FakeEitaa().on("getMe", ok(result))).me()
    assert (me.id, me.name, me.username) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (fail(401, "Unauthorized"), AuthFailed),
        (fail(400, "chat not found"), AuthFailed),  # any 4xx from getMe
        (fail(400, "bad", status=200), AuthFailed),  # ok:false with HTTP 200
        (httpx.Response(404, text="<html>not found</html>"), AuthFailed),
        (fail(429, "Too Many Requests", parameters={"retry_after": 4}), RateLimited),
        (fail(500, "Internal"), Transient),
        (httpx.Response(502, text="<html>Bad Gateway</html>"), Transient),
        (httpx.Response(200, content=b'{"ok": true, "res'), Transient),
        (httpx.ReadTimeout("slow"), Transient),
    ],
)
async def test_me_errors(answer: httpx.Response | Exception, expected: type[AdapterError]) -> None:
    with pytest.raises(expected) as info:
        await make(FakeEitaa().on("getMe", answer)).me()
    assert_error_is_clean(info.value, TOKEN)


async def test_wrong_token() -> None:
    with pytest.raises(AuthFailed):
        await make(FakeEitaa(), token="bot1:00000000-0000-0000-0000-000000000000").me()


async def test_send_is_form_encoded_and_strips_the_at() -> None:
    fake = FakeEitaa()
    text = f"سلام 😀 می{ZWNJ}خواهم"
    sent = await make(fake).send("@mychannel", text, entities=(Span(0, 4, "bold"),))
    (call,) = fake.seen
    assert (call.http_method, call.method) == ("POST", "sendMessage")
    assert call.content_type.startswith("application/x-www-form-urlencoded")
    assert call.params == {"chat_id": "mychannel", "text": text}  # no formatting on Eitaa
    assert (sent.chat_id, sent.message_id, sent.scheduled, sent.date) == (
        "mychannel",
        "1042",
        False,
        None,
    )


async def test_every_option_on_the_wire() -> None:
    fake = FakeEitaa()
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    options = SendOptions(
        title="اطلاعیه", schedule_at=when, pin=True, delete_after_views=100, silent=True
    )
    sent = await make(fake).send("12345", "متن", reply_to="77", options=options)
    assert fake.seen[0].params == {
        "chat_id": "12345",
        "text": "متن",
        "title": "اطلاعیه",
        "date": str(int(when.timestamp())),
        "pin": "1",
        "viewCountForDelete": "100",
        "disable_notification": "1",  # the documented spelling, not notification_disable
        "reply_to_message_id": "77",  # the documented spelling, not id_message_to_reply
    }
    assert sent.scheduled and sent.date == when.astimezone(UTC)
    assert sent.date is not None and sent.date.tzinfo is UTC


@pytest.mark.parametrize(
    "options",
    [
        SendOptions(schedule_at=datetime(2030, 1, 1)),  # naive: which zone?
        SendOptions(delete_after_views=0),
        SendOptions(delete_after_views=-5),
    ],
)
async def test_nonsense_options_are_refused_with_no_request(options: SendOptions) -> None:
    fake = FakeEitaa()
    adapter = make(fake)
    with pytest.raises(Rejected):
        await adapter.send("mychannel", "x", options=options)
    with pytest.raises(Rejected):
        await adapter.send_file("mychannel", Path(__file__), options=options)
    with pytest.raises(Rejected):
        await adapter.send("@", "x")
    assert fake.seen == []


async def test_what_eitaa_cannot_do_is_refused_with_no_request(tmp_path: Path) -> None:
    fake = FakeEitaa()
    adapter = make(fake)
    with pytest.raises(Unsupported):
        await adapter.poll(None, 30)
    with pytest.raises(Unsupported):
        await adapter.edit("mychannel", "1", "x")
    with pytest.raises(Unsupported):
        await adapter.delete("mychannel", "1")
    with pytest.raises(Unsupported):
        await adapter.download(FileRef("f"), tmp_path / "x")
    assert fake.seen == []


async def test_chat_info_needs_no_request() -> None:
    fake = FakeEitaa()
    adapter = make(fake)
    chat = await adapter.chat_info("@mychannel")
    assert (chat.id, chat.kind, chat.title, chat.username) == (
        "mychannel",
        "channel",
        "mychannel",
        "mychannel",
    )
    numeric = await adapter.chat_info("-100123")
    assert (numeric.kind, numeric.title, numeric.username) == ("channel", "-100123", None)
    assert fake.seen == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (fail(401, "Unauthorized"), AuthFailed),
        (fail(400, "invalid token", status=200), AuthFailed),
        (fail(429, "Too Many Requests", parameters={"retry_after": 4}), RateLimited),
        (fail(403, "you are not admin of this channel"), Forbidden),
        (fail(400, "chat not found"), Rejected),
        (fail(400, "chat not found", status=200), Rejected),  # EitaaSender's ok:false with 200
        (httpx.Response(413, text="<html>too large</html>"), Rejected),
        (fail(500, "Internal"), Ambiguous),
        (httpx.Response(502, text="<html>Bad Gateway</html>"), Ambiguous),
        (httpx.Response(200, content=b'{"ok": true, "re'), Ambiguous),  # processed, cut off
        (httpx.Response(200, content=b"<html>?</html>"), Ambiguous),
        (httpx.ReadTimeout("slow"), Ambiguous),
        (httpx.RemoteProtocolError("closed"), Ambiguous),
        (httpx.ConnectError("refused"), Transient),  # never sent
    ],
)
@pytest.mark.parametrize("method", ["sendMessage", "sendFile"])
async def test_send_errors(
    tmp_path: Path,
    answer: httpx.Response | Exception,
    expected: type[AdapterError],
    method: str,
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    fake = FakeEitaa().on(method, answer)
    adapter = make(fake)
    ops = {"sendMessage": lambda: adapter.send("mychannel", "x"),
           "sendFile": lambda: adapter.send_file("mychannel", path)}  # fmt: skip
    with pytest.raises(expected) as info:
        await ops[method]()
    assert_error_is_clean(info.value, TOKEN)
    assert [s.method for s in fake.seen] == [method]
    if isinstance(info.value, Forbidden):
        assert info.value.chat_id == "mychannel"
    if isinstance(info.value, RateLimited):
        assert (info.value.retry_after_s, info.value.known) == (4.0, True)


async def test_rate_limit_without_a_hint() -> None:
    with pytest.raises(RateLimited) as info:
        await make(FakeEitaa().on("sendMessage", fail(429, "slow down"))).send("c", "x")
    assert (info.value.retry_after_s, info.value.known) == (3.0, False)


@pytest.mark.parametrize(
    ("result", "message_id"),
    [({"message_id": 5}, "5"), ({"id": "6"}, "6"), (7, "7"), ({"message_id": {"message_id": 8}},
     "8"), (True, None), ({}, None), ({"message_id": ""}, None)],
)  # fmt: skip
async def test_sent_message_id_shapes(result: object, message_id: str | None) -> None:
    fake = FakeEitaa().on("sendMessage", ok(result))
    adapter = make(fake)
    first = await adapter.send("c", "x")
    if message_id is not None:
        assert first.message_id == message_id
    else:
        # Posted, id unknown (the result shape is only inferred): a unique stand-in that is
        # never a real (numeric) Eitaa id, so two such posts are never merged into one.
        second = await adapter.send("c", "y")
        assert first.message_id.startswith("unknown:") and second.message_id.startswith("unknown:")
        assert first.message_id != second.message_id


async def test_send_file_is_multipart_with_options_and_progress(tmp_path: Path) -> None:
    payload = b"GIF89a" + bytes(200_000)
    path = tmp_path / "خنده.gif"
    path.write_bytes(payload)
    fake = FakeEitaa()
    progress: list[tuple[int, int]] = []
    sent = await make(fake).send_file(
        "@mychannel",
        path,
        caption="زیرنویس",
        reply_to="9",
        progress=lambda d, t: progress.append((d, t)),
        options=SendOptions(pin=True, silent=True),
    )
    (call,) = fake.seen
    assert (call.http_method, call.method) == ("POST", "sendFile")
    assert call.params == {
        "chat_id": "mychannel",
        "caption": "زیرنویس",
        "pin": "1",
        "disable_notification": "1",
        "reply_to_message_id": "9",
    }
    assert call.files == {"file": ("خنده.gif", "image/gif", payload)}
    assert sent.message_id == "1042"
    assert progress[0] == (0, len(payload)) and progress[-1] == (len(payload), len(payload))


async def test_send_file_size_check_before_any_request(tmp_path: Path) -> None:
    fake = FakeEitaa()
    adapter = make(fake)
    big = tmp_path / "big.mp4"
    with big.open("wb") as f:
        f.truncate(adapter.capabilities.max_upload_bytes + 1)
    with pytest.raises(Rejected):
        await adapter.send_file("mychannel", big)
    with pytest.raises(Rejected):
        await adapter.send_file("mychannel", tmp_path / "missing")
    assert fake.seen == []


async def test_a_file_that_shrinks_while_sending_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(bytes(300_000))

    def shrink(done: int, total: int) -> None:
        if done and done < total:
            path.write_bytes(b"")  # truncated under our feet

    with pytest.raises(Rejected) as info:
        await make(FakeEitaa()).send_file("mychannel", path, progress=shrink)
    assert_error_is_clean(info.value, TOKEN)


async def test_no_token_in_logs_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "adapters"):
        caplog.set_level(logging.DEBUG, logger=name)  # restored after the test
    fake = FakeEitaa()
    adapter = make(fake)
    await adapter.me()
    await adapter.send("mychannel", "x")
    fake.on("sendMessage", fail(400, f"bad path /api/{TOKEN}/sendMessage"))
    with pytest.raises(Rejected) as info:
        await adapter.send("mychannel", "x")
    assert "***" in info.value.reason
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert any(r.name == "httpx" for r in caplog.records)
    assert not leaks(text, TOKEN)


def test_auth_words() -> None:
    for text in ("Unauthorized", "invalid token", "Token not found", "token is invalid"):
        assert wire.Failure(400, text).auth
    for text in ("chat not found", "you are not authorized to post here", ""):
        assert not wire.Failure(400, text).auth
