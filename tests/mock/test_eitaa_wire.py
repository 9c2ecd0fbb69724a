"""Eitaa (Eitaayar) mock quirks over a real socket: case-insensitive method names, all four
parameter encodings, both spellings of the notification and reply parameters, scheduled posts,
the 401 for an unknown token, send-only (inbound → 400), chat access and the rate table."""

from __future__ import annotations

from typing import Any

import httpx

from adapters.mock import MockServer
from tests.mock.util import Mock

E = "eitaa"


def api(mock: Mock, token: str, method: str) -> str:
    return f"{mock.base(E)}/api/{token}/{method}"


async def channel_bot(mock: Mock, *channels: Any) -> str:
    return await mock.bot(E, "News Bot", channels=list(channels or ["mychannel"]))


def result(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True, response.text
    return body["result"]


async def posts(mock: Mock, token: str, chat: str = "mychannel") -> dict[str, Any]:
    return await mock.chat(E, token, chat)


async def test_method_names_are_case_insensitive(mock: Mock) -> None:
    token = await channel_bot(mock)
    me = result(await mock.client.get(api(mock, token, "GETME")))
    assert me == result(await mock.client.get(api(mock, token, "getme")))
    assert set(me) == {"id", "first_name", "username"}  # the guessed Telegram-like shape
    assert me["first_name"] == "News Bot" and isinstance(me["id"], int)
    text = result(
        await mock.client.post(
            api(mock, token, "sendmessage"), data={"chat_id": "mychannel", "text": "سلام"}
        )
    )
    upload = result(
        await mock.client.post(
            api(mock, token, "SENDFILE"),
            data={"chat_id": "mychannel", "caption": "فایل"},
            files={"file": ("a.txt", b"abc", "text/plain")},
        )
    )
    assert isinstance(text["message_id"], int) and upload["message_id"] == text["message_id"] + 1
    log = [e["api_method"] for e in await mock.requests(E, token)]
    assert log == ["getMe", "getMe", "sendMessage", "sendFile"]  # logged canonically


async def test_all_four_encodings(mock: Mock) -> None:
    token = await channel_bot(mock)
    url = api(mock, token, "sendMessage")
    query = await mock.client.get(url, params={"chat_id": "mychannel", "text": "کوئری"})
    form = await mock.client.post(url, data={"chat_id": "mychannel", "text": "فرم"})
    as_json = await mock.client.post(url, json={"chat_id": "mychannel", "text": "جیسون"})
    multipart = await mock.client.post(
        url, files={"chat_id": (None, "mychannel"), "text": (None, "چندبخشی")}
    )
    for response in (query, form, as_json, multipart):
        result(response)
    texts = [m["text"] for m in (await posts(mock, token))["messages"]]
    assert texts == ["کوئری", "فرم", "جیسون", "چندبخشی"]
    # The query string also carries fields under a multipart file (a public C++ client).
    mixed = await mock.client.post(
        api(mock, token, "sendFile"),
        params={"chat_id": "mychannel", "caption": "از کوئری"},
        files={"file": ("img.png", b"\x89PNG....", "image/png")},
    )
    result(mixed)
    last = (await posts(mock, token))["messages"][-1]
    assert last["text"] == "از کوئری" and last["file"]["sent_as"] == "photo"


async def test_both_spellings_of_notification_and_reply(mock: Mock) -> None:
    token = await channel_bot(mock)
    url = api(mock, token, "sendMessage")
    first = result(await mock.client.post(url, data={"chat_id": "mychannel", "text": "اول"}))
    spelled = [
        {"disable_notification": "1", "reply_to_message_id": str(first["message_id"])},
        {"notification_disable": "true", "id_message_to_reply": str(first["message_id"])},
    ]
    for extra in spelled:
        result(await mock.client.post(url, data={"chat_id": "mychannel", "text": "پاسخ", **extra}))
    loud = {"chat_id": "mychannel", "text": "بلند", "notification_disable": "0"}
    result(await mock.client.post(url, data=loud))
    messages = (await posts(mock, token))["messages"]
    for reply in messages[1:3]:
        assert reply["reply_to"] == first["message_id"]
        assert reply["extra"] == {"disable_notification": True}
    assert "extra" not in messages[3]
    missing = await mock.client.post(
        url, data={"chat_id": "mychannel", "text": "x", "id_message_to_reply": "999"}
    )
    assert missing.status_code == 400 and missing.json()["error_code"] == 400


async def test_title_pin_and_views_in_every_spelling(mock: Mock) -> None:
    token = await channel_bot(mock)
    url = api(mock, token, "sendMessage")
    options = [
        {"pin": "1", "title": "عنوان", "viewCountForDelete": "50"},
        {"pin": "on"},
        {"pin": "off"},
        {"pin": "0"},
    ]
    for extra in options:
        result(await mock.client.post(url, data={"chat_id": "mychannel", "text": "t", **extra}))
    result(await mock.client.post(url, json={"chat_id": "mychannel", "text": "t", "pin": True}))
    extras = [m.get("extra", {}) for m in (await posts(mock, token))["messages"]]
    assert extras == [
        {"title": "عنوان", "pin": True, "viewCountForDelete": 50},
        {"pin": True},
        {},
        {},
        {"pin": True},
    ]
    bad = await mock.client.post(
        url, data={"chat_id": "mychannel", "text": "t", "viewCountForDelete": "-1"}
    )
    assert bad.status_code == 400


async def test_a_future_date_schedules_the_post(mock: Mock) -> None:
    token = await channel_bot(mock)
    now = (await mock.control(E, "clock", method="GET"))["now"]
    url = api(mock, token, "sendMessage")
    later = int(now) + 3600
    scheduled = result(
        await mock.client.post(url, data={"chat_id": "mychannel", "text": "بعداً", "date": later})
    )
    result(await mock.client.post(url, data={"chat_id": "mychannel", "text": "الان", "date": 0}))
    past = {"chat_id": "mychannel", "text": "گذشته", "date": str(int(now) - 60)}
    result(await mock.client.post(url, data=past))
    chat = await posts(mock, token)
    assert [m["text"] for m in chat["messages"]] == ["الان", "گذشته"]
    (waiting,) = chat["scheduled"]
    assert waiting["message_id"] == scheduled["message_id"]
    assert waiting["scheduled_at"] == later and waiting["date"] == later
    await mock.control(E, "clock", {"advance_s": 3601})
    chat = await posts(mock, token)
    assert "scheduled" not in chat
    assert [m["text"] for m in chat["messages"]] == ["بعداً", "الان", "گذشته"]


async def test_an_unknown_token_is_401(mock: Mock) -> None:
    await channel_bot(mock)
    response = await mock.client.get(
        api(mock, "bot1:00000000-0000-0000-0000-000000000000", "getMe")
    )
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_send_only_inbound_is_refused(mock: Mock) -> None:
    token = await channel_bot(mock)
    url = f"{mock.base(E)}/__mock__/inbound"
    refused = await mock.client.post(url, json={"token": token, "from": {"name": "x"}, "text": "y"})
    assert refused.status_code == 400 and "cannot receive" in refused.json()["error"]
    no_updates = await mock.client.get(api(mock, token, "getUpdates"))
    assert no_updates.status_code == 404 and no_updates.json()["ok"] is False


async def test_only_the_bots_own_channels(mock: Mock) -> None:
    mine = await channel_bot(mock, {"username": "mine", "title": "کانال من", "id": 555001})
    await mock.bot(E, "Other", channels=["theirs"])
    url = api(mock, mine, "sendMessage")
    by_id = await mock.client.post(url, data={"chat_id": "555001", "text": "با شناسه"})
    at_name = await mock.client.post(url, data={"chat_id": "@mine", "text": "با نام"})
    assert by_id.status_code == at_name.status_code == 200
    unknown = await mock.client.post(url, data={"chat_id": "nowhere", "text": "x"})
    assert unknown.status_code == 400
    assert unknown.json()["description"] == "Bad Request: chat not found"
    foreign = await mock.client.post(url, data={"chat_id": "theirs", "text": "x"})
    assert foreign.status_code == 403 and foreign.json()["error_code"] == 403
    chat = await mock.chat(E, mine, 555001)
    assert chat["chat"]["id"] == 555001 and [m["text"] for m in chat["messages"]] == [
        "با شناسه",
        "با نام",
    ]


async def test_a_raw_burst_to_a_channel_gets_429(mock: Mock) -> None:
    token = await channel_bot(mock)
    url = api(mock, token, "sendMessage")
    statuses = []
    for i in range(13):
        response = await mock.client.post(url, data={"chat_id": "mychannel", "text": f"{i}"})
        statuses.append(response.status_code)
    assert statuses[:10] == [200] * 10 and 429 in statuses
    limited = await mock.client.post(url, data={"chat_id": "mychannel", "text": "x"})
    body = limited.json()
    assert limited.status_code == 429 and body["parameters"]["retry_after"] >= 1
    delete = await mock.client.post(
        api(mock, token, "deleteMessage"), data={"chat_id": "mychannel", "message_id": "1"}
    )
    assert result(delete) is True  # not rate-limited (and accepted though unverified)


async def test_the_demo_channel() -> None:
    """``--scenario demo``: a news channel with posts (one pinned, one with a file) and one
    scheduled post the clock has not reached."""
    async with MockServer(scenario="demo", seed=5) as demo, httpx.AsyncClient() as client:
        (token,) = demo.tokens[E]
        url = f"{demo.base_url(E)}/__mock__/chats/mahalle_news"
        chat = (await client.get(url, params={"token": token})).json()
        me = (await client.get(f"{demo.base_url(E)}/api/{token}/getMe")).json()["result"]
    assert chat["chat"]["type"] == "channel" and chat["chat"]["title"] == "خبرهای محله 🏘"
    posts = chat["messages"]
    assert len(posts) >= 3 and any(p.get("extra", {}).get("pin") for p in posts)
    assert any("file" in p for p in posts)
    assert len(chat["scheduled"]) == 1 and me["username"] == "mahalle_yar_bot"
