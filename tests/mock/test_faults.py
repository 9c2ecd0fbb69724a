"""Each injected fault kind, as a raw httpx client sees it over a real socket (CONTRACTS §2).

Which adapter error each becomes is the adapter tests' business; here: the wire behaviour, and
whether the request was processed (the control API shows the chat).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.mock.util import Mock


async def _setup(mock: Mock, messenger: str = "telegram") -> tuple[str, int]:
    token = await mock.bot(messenger)
    chat_id = (await mock.inbound(messenger, token, "/start"))["chat_id"]
    return token, chat_id


async def _faults(mock: Mock, kinds: list[str], **extra: Any) -> None:
    await mock.control("telegram", "faults", {"seed": 1, "rate": 1.0, "kinds": kinds, **extra})


async def _sent_texts(mock: Mock, token: str, chat_id: int) -> list[str]:
    chat = await mock.chat("telegram", token, chat_id)
    return [m["text"] for m in chat["messages"] if m["direction"] == "out"]


async def _send(mock: Mock, token: str, chat_id: int, text: str) -> httpx.Response:
    return await mock.call("telegram", token, "sendMessage", chat_id=chat_id, text=text)


async def test_429_carries_retry_after_and_is_not_processed(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["429"])
    response = await _send(mock, token, chat_id, "x")
    body = response.json()
    assert response.status_code == 429 and body["error_code"] == 429 and body["ok"] is False
    assert body["parameters"]["retry_after"] in (1, 2, 3)
    assert (
        body["description"] == f"Too Many Requests: retry after {body['parameters']['retry_after']}"
    )
    assert await _sent_texts(mock, token, chat_id) == []


async def test_500_is_json_and_not_processed(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["500"])
    response = await _send(mock, token, chat_id, "x")
    assert response.status_code == 500
    assert response.json() == {
        "ok": False,
        "error_code": 500,
        "description": "Internal Server Error",
    }
    assert await _sent_texts(mock, token, chat_id) == []


async def test_502_is_a_proxy_html_page_and_not_processed(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["502"])
    response = await _send(mock, token, chat_id, "x")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert b"502 Bad Gateway" in response.content
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert await _sent_texts(mock, token, chat_id) == []


async def test_reset_is_a_read_error_and_not_processed(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["reset"])
    with pytest.raises(httpx.ReadError):
        await _send(mock, token, chat_id, "x")
    assert await _sent_texts(mock, token, chat_id) == []


async def test_hang_then_close_and_not_processed(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["hang"], hang_s=0.2)
    with pytest.raises(httpx.RemoteProtocolError):
        await _send(mock, token, chat_id, "x")
    assert await _sent_texts(mock, token, chat_id) == []


async def test_hang_outlasts_a_client_timeout(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["hang"], hang_s=30)
    with pytest.raises(httpx.ReadTimeout):
        await mock.client.post(
            mock.api("telegram", token, "sendMessage"),
            json={"chat_id": chat_id, "text": "x"},
            timeout=0.3,
        )
    await mock.control("telegram", "faults", method="DELETE")
    assert await _sent_texts(mock, token, chat_id) == []


async def test_truncate_is_processed_with_half_a_body(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["truncate"])
    response = await _send(mock, token, chat_id, "cut")
    assert response.status_code == 200
    assert response.content.startswith(b'{"ok":true,"result":{')
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert await _sent_texts(mock, token, chat_id) == ["cut"]


async def test_ambiguous_send_is_processed_then_dropped(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["ambiguous_send"])
    with pytest.raises(httpx.RemoteProtocolError):
        await _send(mock, token, chat_id, "maybe")
    assert await _sent_texts(mock, token, chat_id) == ["maybe"]
    # Reads are never side-effecting: ambiguous_send does not apply to them.
    assert (await mock.call("telegram", token, "getMe")).status_code == 200


async def test_replay_returns_confirmed_updates_again(mock: Mock) -> None:
    token = await mock.bot("telegram")
    for text in ("a", "b"):
        await mock.inbound("telegram", token, text)
    first = await mock.result("telegram", token, "getUpdates")
    offset = first[-1]["update_id"] + 1
    assert await mock.result("telegram", token, "getUpdates", offset=offset) == []
    await _faults(mock, ["replay"])
    await mock.inbound("telegram", token, "c")
    replayed = await mock.result("telegram", token, "getUpdates", offset=offset)
    ids = [u["update_id"] for u in replayed]
    assert ids == sorted(ids)
    assert any(i < offset for i in ids), "already-confirmed updates come again"
    assert replayed[-1]["message"]["text"] == "c"
    # Sends are not polls: replay does not apply to them.
    chat_id = replayed[-1]["message"]["chat"]["id"]
    assert (await _send(mock, token, chat_id, "ok")).status_code == 200


async def test_downloads_get_faults_too(mock: Mock) -> None:
    token = await mock.bot("telegram")
    await mock.inbound("telegram", token, "f", file={"name": "a.txt", "content": "abcdef"})
    message = (await mock.result("telegram", token, "getUpdates"))[0]["message"]
    await _faults(mock, ["truncate"])
    url = f"{mock.base('telegram')}/file/bot{token}/{message['document']['file_id']}"
    response = await mock.client.get(url)
    assert response.status_code == 200 and response.content == b"abc"


async def test_faults_never_touch_the_control_api(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    await _faults(mock, ["429", "500", "502", "reset", "hang", "truncate", "ambiguous_send"])
    same_user = {"token": token, "from": {"id": chat_id}, "text": "still works"}
    await mock.control("telegram", "inbound", same_user)
    assert (await mock.control("telegram", "bots", method="GET"))["bots"]
    assert len((await mock.chat("telegram", token, chat_id))["messages"]) == 2
    assert (await mock.control("telegram", "faults", method="GET"))["faults"]["rate"] == 1.0
    await mock.control("telegram", "faults", method="DELETE")
    assert (await _send(mock, token, chat_id, "x")).status_code == 200


async def test_the_request_log(mock: Mock) -> None:
    token, chat_id = await _setup(mock)
    other = await mock.bot("telegram", "Other")
    await _send(mock, token, chat_id, "logged")
    await mock.call("telegram", other, "getMe")
    await _faults(mock, ["reset"])
    with pytest.raises(httpx.ReadError):
        await mock.client.get(mock.api("telegram", token, "getMe"))
    entries = await mock.requests("telegram", token)
    assert [(e["http_method"], e["api_method"], e["status"]) for e in entries] == [
        ("POST", "sendMessage", 200),
        ("GET", "getMe", None),
    ]
    assert entries[0]["chat_id"] == chat_id and "fault" not in entries[0]
    assert entries[1]["fault"] == "reset" and "chat_id" not in entries[1]
    assert entries[0]["t"] <= entries[1]["t"]
    assert len(await mock.requests("telegram")) == 3


async def test_the_same_seed_injects_the_same_faults(mock: Mock) -> None:
    token = await mock.bot("telegram")
    patterns = []
    for _ in range(2):
        await mock.control("telegram", "requests", method="DELETE")
        await mock.control(
            "telegram", "faults", {"seed": 42, "rate": 0.5, "kinds": ["500", "502", "429"]}
        )
        for _ in range(20):
            await mock.call("telegram", token, "getMe")
        patterns.append([e.get("fault") for e in await mock.requests("telegram", token)])
    assert patterns[0] == patterns[1]
    assert {None, "500", "502", "429"} >= set(patterns[0]) and len(set(patterns[0])) > 1


async def test_unknown_fault_kind_is_refused(mock: Mock) -> None:
    url = f"{mock.base('telegram')}/__mock__/faults"
    response = await mock.client.post(url, json={"seed": 1, "rate": 1, "kinds": ["gremlins"]})
    assert response.status_code == 400 and "gremlins" in response.json()["error"]
