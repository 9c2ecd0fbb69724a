"""Rubika mock wire quirks over a real socket: the HEAD time probe, the always-200 combined
error envelope, INVALID_ACCESS, TOO_REQUESTS, lenient bodies, both endpoint method names and
how injected faults look on Rubika's routes."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from adapters.mock import MockServer
from tests.mock.util import Mock

R = "rubika"


def api(mock: Mock, token: str, method: str) -> str:
    return f"{mock.base(R)}/v3/{token}/{method}"


async def call(mock: Mock, token: str, method: str, **params: Any) -> dict[str, Any]:
    """A JSON POST; Rubika answers HTTP 200 whatever happens."""
    response = await mock.client.post(api(mock, token, method), json=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def group_chat(mock: Mock, token: str) -> str:
    sent = await mock.inbound(R, token, "سلام", chat={"type": "group", "title": "خانواده"})
    return str(sent["chat_id"])


async def test_head_time_probe_answers_the_mock_clock(mock: Mock) -> None:
    """aiorubi sends HEAD to an API URL (``/v3/-/-``) and builds its first cursor from the Date
    header: it must be the mock clock's time, with no body and no token check."""
    advanced = (await mock.control(R, "clock", {"advance_s": 5 * 86400}))["now"]
    response = await mock.client.head(f"{mock.base(R)}/v3/-/-")
    after = (await mock.control(R, "clock", method="GET"))["now"]
    assert response.status_code == 200 and response.content == b""
    stamp = parsedate_to_datetime(response.headers["date"]).timestamp()
    assert int(advanced) <= stamp <= after  # five days ahead of the real clock, like the mock


async def test_errors_are_http_200_with_both_envelope_shapes(mock: Mock) -> None:
    token = await mock.bot(R)
    body = await call(mock, token, "sendMessage", chat_id="b0" + "x" * 30, text="سلام")
    # aiorubi reads status/dev_message; peyk reads error_code/error_message.
    assert body["status"] == body["error_code"] == "INVALID_INPUT"
    assert body["dev_message"] == body["error_message"] and "chat_id" in body["dev_message"]
    assert "data" not in body
    missing = await call(mock, token, "noSuchMethod")
    assert missing["status"] == "INVALID_INPUT"


async def test_an_unknown_token_is_invalid_access(mock: Mock) -> None:
    await mock.bot(R)
    body = await call(mock, "A" * 64, "getMe")
    assert body["status"] == body["error_code"] == "INVALID_ACCESS"
    assert body["dev_message"]


async def test_a_raw_burst_gets_too_requests_without_retry_after(mock: Mock) -> None:
    token = await mock.bot(R)
    chat_id = await group_chat(mock, token)
    bodies = [
        await call(mock, token, "sendMessage", chat_id=chat_id, text=f"{i}") for i in range(14)
    ]
    statuses = [b["status"] for b in bodies]
    assert statuses[:10] == ["OK"] * 10  # the burst allowance (20/min per group after it)
    limited = [b for b in bodies if b["status"] == "TOO_REQUESTS"]
    assert limited and all(b["error_code"] == "TOO_REQUESTS" for b in limited)
    assert not any("retry_after" in b or "parameters" in b for b in limited)
    chat = await mock.chat(R, token, chat_id)
    sent = [m for m in chat["messages"] if m["direction"] == "out"]
    assert len(sent) == statuses.count("OK")  # a refused send is not made


async def test_bodies_may_be_empty_json_or_a_form(mock: Mock) -> None:
    token = await mock.bot(R, name="Family Bot")
    bare = await mock.client.post(api(mock, token, "getMe"))
    empty = await mock.client.post(api(mock, token, "getMe"), json={})
    assert bare.json() == empty.json()
    bot = empty.json()["data"]["bot"]
    assert bot["bot_title"] == "Family Bot" and bot["username"] == "family_bot"
    assert bot["bot_id"].startswith("b0") and len(bot["bot_id"]) == 32
    assert set(bot) >= {"description", "start_message", "share_url"}
    chat_id = await group_chat(mock, token)
    form = await mock.client.post(
        api(mock, token, "sendMessage"), data={"chat_id": chat_id, "text": "فرم"}
    )
    sent = form.json()["data"]["message_id"]
    assert isinstance(sent, str) and sent.isdigit()
    assert (await mock.chat(R, token, chat_id))["messages"][-1]["text"] == "فرم"


async def test_update_bot_endpoint_in_both_spellings(mock: Mock, server: MockServer) -> None:
    token = await mock.bot(R)
    plural = await call(
        mock, token, "updateBotEndpoints", url="https://bot.example/u", type="ReceiveUpdate"
    )
    singular = await call(
        mock,
        token,
        "updateBotEndpoint",
        url="https://bot.example/q",
        type="ReceiveInlineMessage",
    )
    assert plural == singular == {"status": "OK", "data": {"status": "Done"}}
    plain = await call(mock, token, "updateBotEndpoint", url="http://x/", type="ReceiveUpdate")
    assert plain["data"] == {"status": "InvalidUrl"}  # HTTPS is required
    bad_type = await call(mock, token, "updateBotEndpoints", url="https://x/", type="Nope")
    assert bad_type["status"] == "INVALID_INPUT"
    stored = server.world[R].bots[token].ext["rubika"]["endpoints"]
    assert stored == {
        "ReceiveUpdate": "https://bot.example/u",
        "ReceiveInlineMessage": "https://bot.example/q",
    }
    commands = [{"command": "start", "description": "شروع"}]
    assert (await call(mock, token, "setCommands", bot_commands=commands))["data"] == {}


async def test_injected_faults_in_rubika_shape(mock: Mock) -> None:
    """429 → TOO_REQUESTS with HTTP 200; 500 → HTTP 500 with a SERVER_ERROR body; uploads and
    downloads are hit too, the control API never."""
    token = await mock.bot(R)
    await mock.control(R, "faults", {"seed": 1, "rate": 1.0, "kinds": ["429"]})
    limited = await call(mock, token, "getMe")
    assert limited["status"] == limited["error_code"] == "TOO_REQUESTS"
    await mock.control(R, "faults", {"seed": 1, "rate": 1.0, "kinds": ["500"]})
    failed = await mock.client.post(api(mock, token, "getMe"), json={})
    assert failed.status_code == 500 and failed.json()["status"] == "SERVER_ERROR"
    upload = await mock.client.post(
        f"{mock.base(R)}/upload/0", files={"file": ("a.txt", b"x", "text/plain")}
    )
    download = await mock.client.get(f"{mock.base(R)}/download/1/a.txt")
    assert upload.status_code == download.status_code == 500
    assert (await mock.control(R, "bots", method="GET"))["bots"]  # not faulted
    log = await mock.requests(R)
    assert [e["api_method"] for e in log][-2:] == ["upload", "download"]
    assert all(e["fault"] == "500" for e in log[-3:])


async def test_api_routes_only(mock: Mock, client: httpx.AsyncClient) -> None:
    token = await mock.bot(R)
    stray = await client.get(f"{mock.base(R)}/bot{token}/getMe")
    assert stray.status_code == 404


async def test_get_chat_and_metadata(mock: Mock) -> None:
    """getChat names groups and people (updates carry ids only); metadata is kept as sent and
    checked against the text in UTF-16 units."""
    token = await mock.bot(R)
    sara = {"id": "u0" + "k" * 30, "name": "سارا", "username": "sara_k"}
    private = await mock.control(R, "inbound", {"token": token, "from": sara, "text": "سلام"})
    group = await group_chat(mock, token)
    person = (await call(mock, token, "getChat", chat_id=private["chat_id"]))["data"]["chat"]
    assert person == {
        "chat_id": private["chat_id"],
        "chat_type": "User",
        "user_id": sara["id"],
        "first_name": "سارا",
        "username": "sara_k",
    }
    family = (await call(mock, token, "getChat", chat_id=group))["data"]["chat"]
    assert family == {"chat_id": group, "chat_type": "Group", "title": "خانواده"}
    member = (await call(mock, token, "getChat", chat_id=sara["id"]))["data"]["chat"]
    assert member["chat_type"] == "User" and member["first_name"] == "سارا"
    unknown = await call(mock, token, "getChat", chat_id="g0" + "z" * 30)
    assert unknown["status"] == "INVALID_INPUT"

    parts = [
        {"type": "Bold", "from_index": 0, "length": 2},
        {"type": "Italic", "from_index": 3, "length": 2},
    ]
    meta = {"meta_data_parts": parts}
    sent = await call(mock, token, "sendMessage", chat_id=group, text="😀 سلام", metadata=meta)
    assert sent["status"] == "OK"
    assert (await mock.chat(R, token, group))["messages"][-1]["entities"] == parts
    too_long = {"meta_data_parts": [{"type": "Bold", "from_index": 0, "length": 9}]}
    refused = await call(
        mock, token, "sendMessage", chat_id=group, text="😀 سلام", metadata=too_long
    )
    assert refused["status"] == "INVALID_INPUT"
