"""The engine against a scripted Bot API: requests it makes and what it makes of the answers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from adapters.bale.adapter import BaleAdapter
from adapters.base import SendOptions
from adapters.botapi import adapter as engine
from adapters.errors import Ambiguous, Rejected, Unsupported
from adapters.models import FileRef, MessageNew, Span, Unparsed
from adapters.splus.adapter import SplusAdapter
from adapters.telegram.adapter import TelegramAdapter

from .scripted import BASE, TOKEN, Script, fail, make, message, ok

MESSENGERS = ["telegram", "bale", "splus"]


def update(uid: int, text: str = "سلام") -> dict[str, object]:
    return {"update_id": uid, "message": message(uid, text)}


def test_profiles_bind_the_contract_attributes() -> None:
    assert TelegramAdapter.messenger == "telegram"
    assert BaleAdapter.default_base_url == "https://tapi.bale.ai"
    assert SplusAdapter.capabilities.formatting == "entities"
    assert BaleAdapter.capabilities.formatting == "markdown-implicit"
    assert TelegramAdapter.capabilities.send_options == {"silent"}
    for cls in (TelegramAdapter, BaleAdapter, SplusAdapter):
        caps = cls.capabilities
        assert (caps.max_text, caps.max_caption) == (4096, 1024)
        assert (caps.max_upload_bytes, caps.max_download_bytes) == (50 * 2**20, 20 * 2**20)


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_me_hits_the_real_path_under_the_base(messenger: str) -> None:
    script = Script(
        getMe=ok({"id": 42, "is_bot": True, "first_name": "دمو", "username": "demo_bot"})
    )
    me = await make(messenger, script).me()
    assert (me.id, me.name, me.username) == ("42", "دمو", "demo_bot")
    assert script.seen[0].path == f"/mock/bot{TOKEN}/getMe"


async def test_first_poll_sends_no_offset_and_reports_no_jump() -> None:
    script = Script(getUpdates=ok([update(500), update(501)]))
    batch = await make("telegram", script).poll(None, 25)
    params = script.seen[0].params
    assert "offset" not in params and params["limit"] == 100 and params["timeout"] == 25
    assert batch.cursor == "502" and not batch.id_jump
    assert [type(e) for e in batch.events] == [MessageNew, MessageNew]


async def test_poll_read_timeout_is_the_long_poll_plus_a_margin() -> None:
    timeouts: list[dict[str, float]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"])
        return ok([update(7)])

    await make("telegram", Script(getUpdates=answer)).poll("7", 30)
    assert timeouts[0]["read"] == 30 + engine.POLL_MARGIN_S


@pytest.mark.parametrize(("first", "jump"), [(100, False), (105, True), (90, False)])
async def test_cursor_and_id_jump(first: int, jump: bool) -> None:
    script = Script(getUpdates=ok([update(first), update(first + 1)]))
    batch = await make("splus", script).poll("100", 0)
    assert script.seen[0].params["offset"] == 100
    assert batch.cursor == str(first + 2) and batch.id_jump is jump


@pytest.mark.parametrize("cursor", [None, "812"])
async def test_empty_poll_keeps_the_cursor(cursor: str | None) -> None:
    batch = await make("telegram", Script(getUpdates=ok([]))).poll(cursor, 0)
    assert batch.events == () and batch.cursor == cursor and not batch.id_jump


async def test_empty_answer_long_before_the_timeout_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []

    async def fake_sleep(delay: float) -> None:
        pauses.append(delay)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    await make("bale", Script(getUpdates=ok([]))).poll("5", 30)
    assert pauses == [1.0]
    await make("bale", Script(getUpdates=ok([update(5)]))).poll("5", 30)
    assert pauses == [1.0]  # not when something arrived


async def test_poison_at_the_end_still_moves_the_cursor_past_it() -> None:
    body = json.dumps({"ok": True, "result": [update(10), update(11, "\ud800")]}).encode()
    script = Script(getUpdates=httpx.Response(200, content=body))
    batch = await make("telegram", script).poll("10", 0)
    assert [type(e) for e in batch.events] == [MessageNew, Unparsed]
    assert batch.cursor == "12"


@pytest.mark.parametrize(
    "poison",
    [b'"\\ud800"', b'"bad \xff utf-8"'],
    ids=["escaped-lone-surrogate", "invalid-utf8"],
)
async def test_poison_text_in_an_otherwise_raw_utf8_body(poison: bytes) -> None:
    good = json.dumps(update(20, "سلام 😀"), ensure_ascii=False).encode()
    bad = json.dumps(update(21, "PLACEHOLDER"), ensure_ascii=False).encode()
    bad = bad.replace(b'"PLACEHOLDER"', poison)
    body = b'{"ok":true,"result":[' + good + b"," + bad + b"]}"
    batch = await make("telegram", Script(getUpdates=httpx.Response(200, content=body))).poll(
        "20", 0
    )
    assert [type(e) for e in batch.events] == [MessageNew, Unparsed]
    assert batch.cursor == "22"


async def test_bad_cursor_is_refused_before_any_request() -> None:
    script = Script(getUpdates=ok([]))
    with pytest.raises(Rejected):
        await make("telegram", script).poll("6790a1b2c3d4e5f600000002", 0)
    assert script.seen == []


async def test_bale_sends_form_bodies_and_telegram_json() -> None:
    bale, tg = Script(getUpdates=ok([])), Script(getUpdates=ok([]))
    await make("bale", bale).poll("3", 0)
    await make("telegram", tg).poll("3", 0)
    assert bale.seen[0].content_type == "application/x-www-form-urlencoded"
    assert bale.seen[0].params == {"limit": "100", "timeout": "0", "offset": "3"}
    assert tg.seen[0].content_type == "application/json"


# --- send, edit, delete -------------------------------------------------------------------


async def test_telegram_send_with_entities_reply_and_silent() -> None:
    script = Script(sendMessage=ok(message(900, "x")))
    text = "😀 سلام دنیا"
    sent = await make("telegram", script).send(
        "-1001",
        text,
        reply_to="77",
        entities=(Span(2, 6, "bold"),),
        options=SendOptions(silent=True),
    )
    assert (sent.message_id, sent.chat_id) == ("900", "987654321")
    p = script.seen[0].params
    assert p["chat_id"] == -1001 and p["text"] == text and p["reply_to_message_id"] == 77
    assert p["entities"] == [{"type": "bold", "offset": 3, "length": 4}]
    assert p["disable_notification"] is True and "parse_mode" not in p


async def test_splus_sends_entities_too() -> None:
    script = Script(sendMessage=ok(message(1, "x")))
    await make("splus", script).send("5", "ab", entities=(Span(0, 1, "italic"),))
    assert script.seen[0].params["entities"] == [{"type": "italic", "offset": 0, "length": 1}]


async def test_bale_writes_spans_as_markers_in_a_form_body() -> None:
    script = Script(sendMessage=ok(message(1, "x")))
    await make("bale", script).send("@shop", "خرید ویژه", entities=(Span(5, 9, "bold"),))
    seen = script.seen[0]
    assert seen.content_type == "application/x-www-form-urlencoded"
    assert seen.params == {"chat_id": "@shop", "text": "خرید *ویژه*"}


async def test_usernames_get_their_at_sign() -> None:
    script = Script(sendMessage=ok(message(1, "x")))
    await make("telegram", script).send("mychannel", "hi")
    assert script.seen[0].params["chat_id"] == "@mychannel"


@pytest.mark.parametrize(
    ("messenger", "options"),
    [
        ("bale", SendOptions(silent=True)),
        ("splus", SendOptions(silent=True)),
        ("telegram", SendOptions(pin=True)),
        ("telegram", SendOptions(title="t")),
        ("telegram", SendOptions(delete_after_views=3)),
    ],
)
async def test_unsupported_options_are_refused_before_any_request(
    messenger: str, options: SendOptions
) -> None:
    script = Script(sendMessage=ok(message(1, "x")))
    with pytest.raises(Unsupported):
        await make(messenger, script).send("5", "hi", options=options)
    assert script.seen == []


@pytest.mark.parametrize(
    ("text", "reply_to"), [("x" * 4097, None), ("   ", None), ("\ud800", None), ("ok", "abc")]
)
async def test_unsendable_text_is_refused_before_any_request(
    text: str, reply_to: str | None
) -> None:
    script = Script(sendMessage=ok(message(1, "x")))
    with pytest.raises(Rejected):
        await make("telegram", script).send("5", text, reply_to=reply_to)
    assert script.seen == []


async def test_max_length_text_goes_out() -> None:
    script = Script(sendMessage=ok(message(1, "x")))
    await make("bale", script).send("5", "ب" * 4096)
    assert script.seen[0].params["text"] == "ب" * 4096


async def test_bale_edit_stub_answer_is_success() -> None:
    script = Script(editMessageText=ok({"message_id": 0, "date": 0, "chat": {"id": 0}}))
    await make("bale", script).edit("5", "77", "ویرایش")
    assert script.seen[0].params == {"chat_id": "5", "message_id": "77", "text": "ویرایش"}


async def test_telegram_edit_answers() -> None:
    good = Script(editMessageText=ok(message(77, "new")))
    await make("telegram", good).edit("5", "77", "new")
    await make("telegram", Script(editMessageText=ok(True))).edit("5", "77", "new")
    stub = Script(editMessageText=ok({"message_id": 0}))
    with pytest.raises(Ambiguous):
        await make("telegram", stub).edit("5", "77", "new")
    same = Script(editMessageText=fail(400, "Bad Request: message is not modified: same"))
    await make("telegram", same).edit("5", "77", "new")  # already so: done


async def test_delete() -> None:
    script = Script(deleteMessage=ok(True))
    await make("splus", script).delete("-100", "9")
    assert script.seen[0].params == {"chat_id": -100, "message_id": 9}


# --- files --------------------------------------------------------------------------------


async def test_send_document_streams_with_progress(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000  # 256 000 bytes: several chunks
    path = tmp_path / "گزارش نهایی.pdf"
    path.write_bytes(data)
    doc = {"file_id": "d1", "file_name": path.name}
    script = Script(sendDocument=ok(message(5, None, caption="c", document=doc)))
    seen: list[tuple[int, int]] = []
    sent = await make("telegram", script).send_file(
        "5", path, caption="فاکتور", reply_to="3", progress=lambda d, t: seen.append((d, t))
    )
    assert sent.message_id == "5"
    req = script.seen[0]
    assert req.method == "sendDocument"
    assert req.params == {"chat_id": "5", "caption": "فاکتور", "reply_to_message_id": "3"}
    assert req.files["document"] == (path.name, "application/pdf", data)
    assert "chunked" not in req.headers.get("transfer-encoding", "")
    assert seen[0] == (0, len(data)) and seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) > 3


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_small_images_go_as_photos(messenger: str, tmp_path: Path) -> None:
    path = tmp_path / "p.JPG"
    path.write_bytes(b"\xff\xd8\xff" + b"0" * 100)
    script = Script(sendPhoto=ok(message(6, None, photo=[{"file_id": "p"}])))
    await make(messenger, script).send_file("5", path)
    assert script.seen[0].method == "sendPhoto"
    assert script.seen[0].files["photo"][1] == "image/jpeg"


async def test_big_images_go_as_documents(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    with path.open("wb") as fh:
        fh.truncate(10 * 2**20 + 1)  # sparse: no disk cost
    script = Script(sendDocument=ok(message(6, None, document={"file_id": "d"})))
    await make("telegram", script).send_file("5", path)
    assert script.methods() == ["sendDocument"]


async def test_upload_limits_are_checked_before_sending(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as fh:
        fh.truncate(50 * 2**20 + 1)
    empty = tmp_path / "empty.bin"
    empty.touch()
    small = tmp_path / "s.txt"
    small.write_text("x")
    script = Script(sendDocument=ok(message(6, None, document={"file_id": "d"})))
    adapter = make("bale", script)
    for path, caption in ((big, ""), (empty, ""), (small, "c" * 1025), (tmp_path / "nope", "")):
        with pytest.raises(Rejected):
            await adapter.send_file("5", path, caption=caption)
    assert script.seen == []


async def test_file_that_shrinks_mid_upload_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"z" * 300_000)

    def shrink(done: int, total: int) -> None:
        if done:
            path.write_bytes(b"z" * 10)

    script = Script(sendDocument=ok(message(6, None, document={"file_id": "d"})))
    with pytest.raises(Rejected, match="shrank"):
        await make("telegram", script).send_file("5", path, progress=shrink)


async def test_download_via_get_file(tmp_path: Path) -> None:
    data = b"\x89PNG" + b"1" * 150_000
    script = Script(
        getFile=ok({"file_id": "AgAD", "file_size": len(data), "file_path": "photos/file 12.jpg"}),
        download=httpx.Response(200, content=data),
    )
    seen: list[tuple[int, int]] = []
    out = await make("bale", script).download(
        FileRef("AgAD"), tmp_path / "x.jpg", progress=lambda d, t: seen.append((d, t))
    )
    assert out.read_bytes() == data
    assert script.seen[0].params == {"file_id": "AgAD"}
    assert script.seen[1].path == f"/mock/file/bot{TOKEN}/photos/file 12.jpg"
    assert seen[-1] == (len(data), len(data))


async def test_download_limits(tmp_path: Path) -> None:
    script = Script(getFile=ok({"file_id": "f", "file_size": 21 * 2**20, "file_path": "a"}))
    adapter = make("telegram", script)
    with pytest.raises(Rejected):
        await adapter.download(FileRef("f", size=21 * 2**20), tmp_path / "a")
    assert script.seen == []  # known too big: nothing asked
    with pytest.raises(Rejected):
        await adapter.download(FileRef("f"), tmp_path / "a")
    assert script.methods() == ["getFile"]  # the server said too big: no file GET
    gone = Script(getFile=ok({"file_id": "f", "file_size": 5}))
    with pytest.raises(Rejected, match="no download"):
        await make("telegram", gone).download(FileRef("f"), tmp_path / "b")
    assert not (tmp_path / "a").exists()


# --- chat info ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messenger", "count_method"),
    [
        ("telegram", "getChatMemberCount"),
        ("bale", "getChatMembersCount"),
        ("splus", "getChatMemberCount"),
    ],
)
async def test_chat_info_with_member_count(messenger: str, count_method: str) -> None:
    chat = {"id": -100, "type": "supergroup", "title": "گروه", "description": "درباره"}
    script = Script(getChat=ok(chat)).on(count_method, ok(42))
    info = await make(messenger, script).chat_info("-100")
    assert (info.id, info.kind, info.title, info.member_count) == ("-100", "group", "گروه", 42)
    assert info.description == "درباره"
    assert script.methods() == ["getChat", count_method]


async def test_chat_info_private_and_count_failures() -> None:
    private = Script(getChat=ok({"id": 5, "type": "private", "first_name": "Ali"}))
    info = await make("telegram", private).chat_info("5")
    assert info.title == "Ali" and private.methods() == ["getChat"]
    for answer in (fail(400, "Bad Request: method is available only for groups"), fail(403, "no")):
        script = Script(getChat=ok({"id": -1, "type": "channel", "title": "c"}))
        script.on("getChatMemberCount", answer)
        assert (await make("telegram", script).chat_info("-1")).member_count is None


async def test_base_url_default_and_trailing_slash() -> None:
    script = Script(getMe=ok({"id": 1, "is_bot": True, "first_name": "b"}))
    adapter = make("telegram", script)
    adapter.spec = type(adapter.spec)("telegram", "t", BASE + "/")
    await adapter.me()
    assert script.seen[0].path == f"/mock/bot{TOKEN}/getMe"
    adapter.spec = type(adapter.spec)("telegram", "t", "")
    await adapter.me()
    assert str(script.seen[1].path) == f"/bot{TOKEN}/getMe"
