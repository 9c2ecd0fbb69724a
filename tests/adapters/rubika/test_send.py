"""Rubika sending: sendMessage with metadata, edit, delete, the three-step upload, download."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from adapters import registry
from adapters.base import SendOptions
from adapters.errors import Ambiguous, AuthFailed, Rejected, Transient, Unsupported
from adapters.models import FileRef, Span
from adapters.rubika.adapter import RubikaAdapter
from tests.adapters.rubika.fake import BASE, BOT_CHAT, FILES, TOKEN, FakeRubika, err, make, ok

ZWNJ = "\u200c"


def test_registered_under_its_name() -> None:
    assert registry.load("rubika") is RubikaAdapter
    assert RubikaAdapter.capabilities.formatting == "metadata"
    assert RubikaAdapter.default_base_url == "https://botapi.rubika.ir"


async def test_me_posts_an_empty_json_object() -> None:
    fake = FakeRubika()
    me = await make(fake).me()
    assert (me.id, me.name, me.username) == ("b0BOTID000000000000000000000000", "Demo", "demo_bot")
    (call,) = fake.seen
    assert call.url == f"{BASE}/v3/{TOKEN}/getMe" and call.body == {}


async def test_send_puts_everything_on_the_wire() -> None:
    fake = FakeRubika()
    text = f"سلام 😀 می{ZWNJ}خواهم **بگویم**"
    start = text.index("بگویم")
    sent = await make(fake).send(
        BOT_CHAT,
        text,
        reply_to="204215121115944299",
        entities=(Span(start, start + 5, "bold"), Span(0, 4, "link", url="https://x.test")),
        options=SendOptions(silent=True),
    )
    (call,) = fake.calls("sendMessage")
    assert call.body == {
        "chat_id": BOT_CHAT,
        "text": text,
        "reply_to_message_id": "204215121115944299",
        "metadata": {"meta_data_parts": [
            {"type": "Link", "from_index": 0, "length": 4, "link_url": "https://x.test"},
            {"type": "Bold", "from_index": start + 1, "length": 5},  # the emoji counts 2
        ]},
        "disable_notification": True,
    }  # fmt: skip
    assert sent.chat_id == BOT_CHAT and sent.message_id.startswith("2042151211159443")
    assert not sent.scheduled


async def test_plain_send_has_no_optional_fields_and_numeric_ids_become_strings() -> None:
    fake = FakeRubika().on("sendMessage", ok({"message_id": 204215121115944300}))
    sent = await make(fake).send(BOT_CHAT, "x" * 4096)
    assert fake.calls("sendMessage")[0].body == {"chat_id": BOT_CHAT, "text": "x" * 4096}
    assert sent.message_id == "204215121115944300"


@pytest.mark.parametrize(
    "options", [SendOptions(pin=True), SendOptions(title="t"), SendOptions(delete_after_views=3)]
)
async def test_unsupported_options_are_refused_before_any_request(options: SendOptions) -> None:
    fake = FakeRubika()
    with pytest.raises(Unsupported):
        await make(fake).send(BOT_CHAT, "x", options=options)
    assert fake.seen == []


async def test_edit_and_delete() -> None:
    fake = FakeRubika()
    adapter = make(fake)
    await adapter.edit(BOT_CHAT, "77", "ویرایش‌شده")
    await adapter.delete(BOT_CHAT, "77")
    assert [(s.method, s.body) for s in fake.seen] == [
        ("editMessageText", {"chat_id": BOT_CHAT, "message_id": "77", "text": "ویرایش‌شده"}),
        ("deleteMessage", {"chat_id": BOT_CHAT, "message_id": "77"}),
    ]


async def test_a_send_answer_without_message_id_is_ambiguous() -> None:
    fake = FakeRubika().on("sendMessage", ok({}))
    with pytest.raises(Ambiguous):
        await make(fake).send(BOT_CHAT, "x")


async def test_three_step_upload_with_progress(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 1000  # 256 kB: several chunks
    path = tmp_path / "عکس تعطیلات.jpg"
    path.write_bytes(payload)
    fake = FakeRubika()
    progress: list[tuple[int, int]] = []
    sent = await make(fake).send_file(
        BOT_CHAT, path, caption="عکس", reply_to="5", progress=lambda d, t: progress.append((d, t))
    )
    assert fake.methods() == ["requestSendFile", "upload", "sendFile"]
    assert fake.calls("requestSendFile")[0].body == {"type": "Image"}
    upload = fake.calls("upload")[0]
    assert TOKEN not in upload.url and upload.url.startswith(FILES)
    # A declared length, not a chunked body (upload servers behind proxies refuse those).
    assert upload.headers["content-length"] == str(upload.length)
    assert "transfer-encoding" not in upload.headers
    name, mime, data = upload.files["file"]
    assert (name, mime, data) == ("عکس تعطیلات.jpg", "image/jpeg", payload)
    file_id = next(iter(fake.files))
    assert fake.calls("sendFile")[0].body == {
        "chat_id": BOT_CHAT, "file_id": file_id, "text": "عکس", "reply_to_message_id": "5"
    }  # fmt: skip
    assert sent.message_id
    assert progress[0] == (0, len(payload)) and progress[-1] == (len(payload), len(payload))
    assert [d for d, _ in progress] == sorted(d for d, _ in progress) and len(progress) > 3


async def test_upload_answer_with_a_bare_file_id(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"%PDF")
    fake = FakeRubika().on("upload", httpx.Response(200, json={"file_id": "bare"}))
    await make(fake).send_file(BOT_CHAT, path)
    assert fake.calls("requestSendFile")[0].body == {"type": "File"}
    assert fake.calls("sendFile")[0].body == {"chat_id": BOT_CHAT, "file_id": "bare"}


async def test_file_checks_happen_before_any_request(tmp_path: Path) -> None:
    fake = FakeRubika()
    adapter = make(fake)
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        f.truncate(adapter.capabilities.max_upload_bytes + 1)
    with pytest.raises(Rejected, match="larger"):
        await adapter.send_file(BOT_CHAT, big)
    with pytest.raises(Rejected):
        await adapter.send_file(BOT_CHAT, tmp_path / "missing.jpg")
    with pytest.raises(Rejected):
        await adapter.send_file(BOT_CHAT, tmp_path)
    assert fake.seen == []


@pytest.mark.parametrize(
    ("step", "answer", "expected"),
    [
        ("requestSendFile", err("SERVER_ERROR"), Transient),
        ("requestSendFile", ok({}), Transient),
        ("upload", httpx.Response(502, text="<html>bad gateway</html>"), Transient),
        ("upload", httpx.ReadTimeout("slow"), Transient),  # no message can exist yet
        ("upload", err("INVALID_INPUT", "too big"), Rejected),
        ("sendFile", httpx.ReadTimeout("slow"), Ambiguous),  # the upload worked; did this?
        ("sendFile", err("SERVER_ERROR"), Ambiguous),
        ("sendFile", err("INVALID_ACCESS"), AuthFailed),
    ],
)
async def test_upload_failures_by_step(
    tmp_path: Path, step: str, answer: httpx.Response | Exception, expected: type[Exception]
) -> None:
    path = tmp_path / "a.mp4"
    path.write_bytes(b"video")
    fake = FakeRubika().on(step, answer)
    with pytest.raises(expected):
        await make(fake).send_file(BOT_CHAT, path)
    assert fake.methods()[-1] == step


async def test_download_goes_to_the_download_url_without_the_token(tmp_path: Path) -> None:
    fake = FakeRubika()
    fake.files["F1"] = "فایل".encode() * 50_000
    progress: list[tuple[int, int]] = []
    size = len(fake.files["F1"])
    out = await make(fake).download(
        FileRef("F1", "a.txt", size=size), tmp_path / "a.txt", lambda d, t: progress.append((d, t))
    )
    assert out.read_bytes() == fake.files["F1"]
    assert fake.methods() == ["getFile", "download"]
    assert fake.calls("getFile")[0].body == {"file_id": "F1"}
    download = fake.calls("download")[0]
    assert TOKEN not in download.url and download.url == f"{FILES}/download/F1"
    assert progress[-1] == (size, size)


async def test_download_refuses_oversized_files_before_asking(tmp_path: Path) -> None:
    fake = FakeRubika()
    adapter = make(fake)
    huge = FileRef("F", size=adapter.capabilities.max_download_bytes + 1)
    with pytest.raises(Rejected):
        await adapter.download(huge, tmp_path / "x")
    assert fake.seen == []


async def test_download_url_missing_or_file_unknown(tmp_path: Path) -> None:
    fake = FakeRubika()
    with pytest.raises(Rejected):
        await make(fake).download(FileRef("nope"), tmp_path / "x")  # INVALID_INPUT
    fake.on("getFile", ok({}))
    with pytest.raises(Transient):
        await make(fake).download(FileRef("F"), tmp_path / "x")
    assert not (tmp_path / "x").exists()
