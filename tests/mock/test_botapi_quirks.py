"""Per-messenger quirks of the Telegram-style mocks, and the rules every one of them keeps."""

from __future__ import annotations

import base64

import pytest

from adapters.mock.scenarios import tiny_png
from tests.mock.util import Mock

MESSENGERS = ["telegram", "bale", "splus"]


async def _started(mock: Mock, messenger: str) -> tuple[str, int]:
    token = await mock.bot(messenger)
    return token, (await mock.inbound(messenger, token, "/start"))["chat_id"]


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_edit_message_text_answer(mock: Mock, messenger: str) -> None:
    """Bale answers editMessageText with a stub (message_id 0, no text); the others with the
    edited message."""
    token, chat_id = await _started(mock, messenger)
    sent = await mock.result(messenger, token, "sendMessage", chat_id=chat_id, text="v1")
    result = await mock.result(
        messenger,
        token,
        "editMessageText",
        chat_id=chat_id,
        message_id=sent["message_id"],
        text="v2",
    )
    if messenger == "bale":
        assert result["message_id"] == 0 and "text" not in result
    else:
        assert result["message_id"] == sent["message_id"] and result["text"] == "v2"
        assert "edit_date" in result
    stored = (await mock.chat(messenger, token, chat_id))["messages"][-1]
    assert stored["text"] == "v2" and stored["edited"] is True


async def test_edit_rules(mock: Mock) -> None:
    token, chat_id = await _started(mock, "telegram")
    sent = await mock.result("telegram", token, "sendMessage", chat_id=chat_id, text="same")
    same = await mock.call(
        "telegram",
        token,
        "editMessageText",
        chat_id=chat_id,
        message_id=sent["message_id"],
        text="same",
    )
    assert same.status_code == 400 and "message is not modified" in same.json()["description"]
    users = await mock.call(
        "telegram", token, "editMessageText", chat_id=chat_id, message_id=1, text="x"
    )
    assert users.json()["description"] == "Bad Request: message can't be edited"
    gone = await mock.call("telegram", token, "deleteMessage", chat_id=chat_id, message_id=999)
    assert gone.json()["description"] == "Bad Request: message to delete not found"


async def test_bale_rejects_string_media_in_a_json_body_but_not_in_a_form(mock: Mock) -> None:
    token, chat_id = await _started(mock, "bale")
    first = await mock.client.post(
        mock.api("bale", token, "sendPhoto"),
        data={"chat_id": str(chat_id)},
        files={"photo": ("p.png", tiny_png(4, 3, (0, 0, 255)), "image/png")},
    )
    file_id = first.json()["result"]["photo"][-1]["file_id"]
    as_json = await mock.call("bale", token, "sendPhoto", chat_id=chat_id, photo=file_id)
    assert as_json.status_code == 400
    assert as_json.json()["description"] == "Bad Request: malformed request"
    as_form = await mock.client.post(
        mock.api("bale", token, "sendPhoto"), data={"chat_id": str(chat_id), "photo": file_id}
    )
    assert as_form.status_code == 200, as_form.text
    assert as_form.json()["result"]["photo"][-1]["file_id"] == file_id


async def test_telegram_takes_string_media_in_json(mock: Mock) -> None:
    token, chat_id = await _started(mock, "telegram")
    first = await mock.client.post(
        mock.api("telegram", token, "sendDocument"),
        data={"chat_id": str(chat_id)},
        files={"document": ("a.txt", b"abc", "text/plain")},
    )
    file_id = first.json()["result"]["document"]["file_id"]
    again = await mock.result("telegram", token, "sendDocument", chat_id=chat_id, document=file_id)
    assert again["document"]["file_id"] == file_id


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_download_by_file_path_and_by_file_id(mock: Mock, messenger: str) -> None:
    """A user's file: getFile then /file/bot<T>/<file_path>; balethon skips getFile and asks
    for /file/bot<T>/<file_id>."""
    token = await mock.bot(messenger)
    content = "فایل مشتری\n".encode() * 50
    await mock.inbound(
        messenger,
        token,
        "see attached",
        file={"name": "order.txt", "content_b64": base64.b64encode(content).decode()},
    )
    update = (await mock.result(messenger, token, "getUpdates"))[0]["message"]
    assert update["caption"] == "see attached"
    document = update["document"]
    assert document["file_name"] == "order.txt" and document["file_size"] == len(content)
    info = await mock.result(messenger, token, "getFile", file_id=document["file_id"])
    assert info["file_size"] == len(content)
    base = f"{mock.base(messenger)}/file/bot{token}"
    by_path = await mock.client.get(f"{base}/{info['file_path']}")
    by_id = await mock.client.get(f"{base}/{document['file_id']}")
    assert by_path.status_code == by_id.status_code == 200
    assert by_path.content == by_id.content == content
    head = await mock.client.head(f"{base}/{info['file_path']}")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(content)
    missing = await mock.client.get(f"{base}/documents/nope.txt")
    assert missing.status_code == 404


async def test_photo_upload_reports_its_size(mock: Mock) -> None:
    token, chat_id = await _started(mock, "telegram")
    response = await mock.client.post(
        mock.api("telegram", token, "sendPhoto"),
        data={"chat_id": str(chat_id), "caption": "<b>گل</b>", "parse_mode": "HTML"},
        files={"photo": ("rose.png", tiny_png(40, 30, (200, 0, 0)), "image/png")},
    )
    result = response.json()["result"]
    assert (result["photo"][-1]["width"], result["photo"][-1]["height"]) == (40, 30)
    assert result["caption"] == "گل"
    assert result["caption_entities"] == [{"type": "bold", "offset": 0, "length": 2}]


@pytest.mark.parametrize(
    ("messenger", "works", "missing"),
    [
        ("bale", "getChatMembersCount", "getChatMemberCount"),
        ("splus", "getChatMemberCount", "getChatMembersCount"),
    ],
)
async def test_member_count_method_names(
    mock: Mock, messenger: str, works: str, missing: str
) -> None:
    token = await mock.bot(messenger)
    sent = await mock.inbound(messenger, token, "hi all", chat={"type": "group", "title": "Team"})
    assert await mock.result(messenger, token, works, chat_id=sent["chat_id"]) == 3
    response = await mock.call(messenger, token, missing, chat_id=sent["chat_id"])
    assert response.status_code == 404


async def test_telegram_knows_both_member_count_names(mock: Mock) -> None:
    token, chat_id = await _started(mock, "telegram")
    for name in ("getChatMemberCount", "getChatMembersCount"):
        assert await mock.result("telegram", token, name, chat_id=chat_id) == 2


@pytest.mark.parametrize(
    ("messenger", "text", "entities"),
    [
        ("telegram", "<b>سلام</b> <i>world</i>", [("bold", 0, 4), ("italic", 5, 5)]),
        ("splus", "<b>سلام</b> <i>world</i>", [("bold", 0, 4), ("italic", 5, 5)]),
        ("bale", "<b>سلام</b> <i>world</i>", None),
    ],
)
async def test_parse_mode(
    mock: Mock, messenger: str, text: str, entities: list[tuple[str, int, int]] | None
) -> None:
    """Telegram and Soroush Plus parse HTML into entities; Bale has no parse_mode: it accepts and
    ignores the parameter, keeping the text as sent."""
    token, chat_id = await _started(mock, messenger)
    result = await mock.result(
        messenger, token, "sendMessage", chat_id=chat_id, text=text, parse_mode="HTML"
    )
    if entities is None:
        assert result["text"] == text and "entities" not in result
    else:
        assert result["text"] == "سلام world"
        got = [(e["type"], e["offset"], e["length"]) for e in result["entities"]]
        assert got == entities


async def test_parse_mode_errors(mock: Mock) -> None:
    token, chat_id = await _started(mock, "telegram")
    unknown = await mock.call(
        "telegram", token, "sendMessage", chat_id=chat_id, text="x", parse_mode="BBCode"
    )
    assert unknown.json()["description"] == "Bad Request: unsupported parse_mode"
    broken = await mock.call(
        "telegram", token, "sendMessage", chat_id=chat_id, text="1.5", parse_mode="MarkdownV2"
    )
    assert broken.status_code == 400
    assert broken.json()["description"].startswith("Bad Request: can't parse entities")


async def test_a_bot_cannot_start_a_conversation(mock: Mock) -> None:
    first = await mock.bot("telegram", "First Bot")
    second = await mock.bot("telegram", "Second Bot")
    chat_id = (await mock.inbound("telegram", first, "hi first bot"))["chat_id"]
    response = await mock.call("telegram", second, "sendMessage", chat_id=chat_id, text="hi!")
    assert response.status_code == 403
    assert response.json()["description"] == (
        "Forbidden: bot can't initiate conversation with a user"
    )
    unknown = await mock.call("telegram", second, "sendMessage", chat_id=42, text="hi!")
    assert unknown.status_code == 400
    assert unknown.json()["description"] == "Bad Request: chat not found"


async def test_a_bot_posts_to_its_channel_by_username(mock: Mock) -> None:
    token = await mock.bot("bale", channels=["shop_news"])
    other = await mock.bot("bale", "Other Bot")
    result = await mock.result("bale", token, "sendMessage", chat_id="@shop_news", text="حراج!")
    assert result["chat"]["type"] == "channel" and "sender_chat" in result
    refused = await mock.call("bale", other, "sendMessage", chat_id="@shop_news", text="x")
    assert refused.status_code == 403


async def test_text_length_limit(mock: Mock) -> None:
    token, chat_id = await _started(mock, "splus")
    ok = await mock.call("splus", token, "sendMessage", chat_id=chat_id, text="ب" * 4096)
    assert ok.status_code == 200
    long = await mock.call("splus", token, "sendMessage", chat_id=chat_id, text="ب" * 4097)
    assert long.json()["description"] == "Bad Request: message is too long"
    empty = await mock.call("splus", token, "sendMessage", chat_id=chat_id, text=" ")
    assert empty.json()["description"] == "Bad Request: message text is empty"


async def test_forward_and_copy(mock: Mock) -> None:
    token = await mock.bot("telegram")
    source = await mock.inbound("telegram", token, "forward me", name="Ali")
    target = (await mock.inbound("telegram", token, "/start", name="Zahra"))["chat_id"]
    forwarded = await mock.result(
        "telegram",
        token,
        "forwardMessage",
        chat_id=target,
        from_chat_id=source["chat_id"],
        message_id=source["message_id"],
    )
    assert forwarded["text"] == "forward me"
    assert forwarded["forward_from"]["first_name"] == "Ali"
    assert forwarded["forward_origin"]["type"] == "user"
    copied = await mock.result(
        "telegram",
        token,
        "copyMessage",
        chat_id=target,
        from_chat_id=source["chat_id"],
        message_id=source["message_id"],
    )
    assert set(copied) == {"message_id"}
    texts = [m["text"] for m in (await mock.chat("telegram", token, target))["messages"]]
    assert texts == ["/start", "forward me", "forward me"]


async def test_callback_query_round_trip(mock: Mock) -> None:
    token, chat_id = await _started(mock, "splus")
    sent = await mock.result("splus", token, "sendMessage", chat_id=chat_id, text="Go?")
    pressed = await mock.control(
        "splus",
        "callback",
        {
            "token": token,
            "chat_id": chat_id,
            "message_id": sent["message_id"],
            "from": {"name": "Sara"},
            "data": "yes",
        },
    )
    updates = await mock.result("splus", token, "getUpdates")
    query = updates[-1]["callback_query"]
    assert query["id"] == pressed["callback_query_id"] and query["data"] == "yes"
    assert query["message"]["text"] == "Go?"
    assert await mock.result("splus", token, "answerCallbackQuery", callback_query_id=query["id"])
    again = await mock.call("splus", token, "answerCallbackQuery", callback_query_id=query["id"])
    assert again.status_code == 400


async def test_get_chat_and_chat_action(mock: Mock) -> None:
    token = await mock.bot("telegram")
    sent = await mock.inbound("telegram", token, "hi", name="مریم", chat=None)
    chat = await mock.result("telegram", token, "getChat", chat_id=sent["chat_id"])
    assert chat | {"id": sent["chat_id"], "type": "private", "first_name": "مریم"} == chat
    # Telegram's ChatFullInfo has fields python-telegram-bot requires.
    assert {"accent_color_id", "max_reaction_count", "accepted_gift_types"} <= set(chat)
    assert await mock.result(
        "telegram", token, "sendChatAction", chat_id=sent["chat_id"], action="typing"
    )
    bale = await mock.bot("bale")
    bale_chat = (await mock.inbound("bale", bale, "hi", name="مریم"))["chat_id"]
    assert "accent_color_id" not in await mock.result("bale", bale, "getChat", chat_id=bale_chat)
