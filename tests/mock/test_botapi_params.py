"""Telegram-style mocks take parameters every way real clients send them (over a real socket)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.mock.util import Mock

MESSENGERS = ["telegram", "bale", "splus"]


async def _started_chat(mock: Mock, messenger: str) -> tuple[str, int]:
    token = await mock.bot(messenger)
    sent = await mock.inbound(messenger, token, "/start")
    return token, sent["chat_id"]


async def _texts(mock: Mock, messenger: str, token: str, chat_id: int) -> list[str]:
    chat = await mock.chat(messenger, token, chat_id)
    return [m["text"] for m in chat["messages"] if m["direction"] == "out"]


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_get_with_a_json_body(mock: Mock, messenger: str) -> None:
    """balethon sends GET requests carrying a JSON body (getMe, deleteMessage, …)."""
    token, chat_id = await _started_chat(mock, messenger)
    url = mock.api(messenger, token, "sendMessage")
    response = await mock.client.request("GET", url, json={"chat_id": chat_id, "text": "سلام"})
    assert response.status_code == 200, response.text
    assert response.json()["result"]["text"] == "سلام"
    me = await mock.client.request("GET", mock.api(messenger, token, "getMe"), json={})
    assert me.json()["result"]["is_bot"] is True


async def test_query_string(mock: Mock) -> None:
    token, chat_id = await _started_chat(mock, "telegram")
    url = mock.api("telegram", token, "sendMessage")
    response = await mock.client.get(url, params={"chat_id": str(chat_id), "text": "از کوئری"})
    assert response.json()["result"]["chat"]["id"] == chat_id
    assert await _texts(mock, "telegram", token, chat_id) == ["از کوئری"]


async def test_form_body_with_nested_json_strings(mock: Mock) -> None:
    """Form bodies carry nested objects (reply_parameters, entities) as JSON strings."""
    token, chat_id = await _started_chat(mock, "telegram")
    first = await mock.result("telegram", token, "sendMessage", chat_id=chat_id, text="first")
    form = {
        "chat_id": str(chat_id),
        "text": "bold reply",
        "entities": json.dumps([{"type": "bold", "offset": 0, "length": 4}]),
        "reply_parameters": json.dumps({"message_id": first["message_id"]}),
    }
    response = await mock.client.post(mock.api("telegram", token, "sendMessage"), data=form)
    result = response.json()["result"]
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert result["reply_to_message"]["message_id"] == first["message_id"]


async def test_json_body(mock: Mock) -> None:
    token, chat_id = await _started_chat(mock, "splus")
    result = await mock.result("splus", token, "sendMessage", chat_id=chat_id, text="json ✓")
    assert result["text"] == "json ✓"


@pytest.mark.parametrize("messenger", MESSENGERS)
async def test_multipart_upload(mock: Mock, messenger: str) -> None:
    token, chat_id = await _started_chat(mock, messenger)
    response = await mock.client.post(
        mock.api(messenger, token, "sendDocument"),
        data={"chat_id": str(chat_id), "caption": "گزارش"},
        files={"document": ("report.txt", b"hello file", "text/plain")},
    )
    assert response.status_code == 200, response.text
    document = response.json()["result"]["document"]
    assert document["file_name"] == "report.txt"
    assert document["file_size"] == len(b"hello file")
    assert response.json()["result"]["caption"] == "گزارش"


async def test_chunked_request_body(mock: Mock) -> None:
    token, chat_id = await _started_chat(mock, "bale")
    payload = json.dumps({"chat_id": chat_id, "text": "تکه‌تکه"}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), 7):
            yield payload[i : i + 7]

    request = mock.client.build_request(
        "POST",
        mock.api("bale", token, "sendMessage"),
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert request.headers["transfer-encoding"] == "chunked"
    response = await mock.client.send(request)
    assert response.status_code == 200, response.text
    assert await _texts(mock, "bale", token, chat_id) == ["تکه‌تکه"]


@pytest.mark.parametrize("spelling", ["SENDMESSAGE", "sendmessage", "SendMessage"])
async def test_method_names_are_case_insensitive_on_telegram(mock: Mock, spelling: str) -> None:
    token, chat_id = await _started_chat(mock, "telegram")
    response = await mock.call("telegram", token, spelling, chat_id=chat_id, text="hi")
    assert response.json()["ok"] is True
    log = await mock.requests("telegram", token)
    assert log[-1]["api_method"] == "sendMessage"


async def test_unknown_method_is_404(mock: Mock) -> None:
    token = await mock.bot("telegram")
    response = await mock.call("telegram", token, "sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.mark.parametrize(
    ("messenger", "status", "description"),
    [("telegram", 401, "Unauthorized"), ("bale", 404, "Not Found"), ("splus", 401, "Unauthorized")],
)
async def test_unknown_token_gets_that_messengers_auth_error(
    mock: Mock, messenger: str, status: int, description: str
) -> None:
    response = await mock.client.get(mock.api(messenger, "123456:not-a-real-token", "getMe"))
    assert response.status_code == status
    assert response.json() == {"ok": False, "error_code": status, "description": description}


async def test_malformed_json_body_is_a_bad_request(mock: Mock) -> None:
    token = await mock.bot("telegram")
    response = await mock.client.post(
        mock.api("telegram", token, "sendMessage"),
        content=b'{"chat_id": 1, "text": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["description"].startswith("Bad Request:")
