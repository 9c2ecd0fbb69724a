"""The mock enforces CONTRACTS §4's rate table (adapters.ratelimit) on message-producing calls."""

from __future__ import annotations

import asyncio
import time

from adapters.ratelimit import TELEGRAM, RateLimiter
from tests.mock.util import Mock


async def _burst(mock: Mock, token: str, chat_id: int, n: int) -> list[int]:
    statuses = []
    for i in range(n):
        response = await mock.call("telegram", token, "sendMessage", chat_id=chat_id, text=f"{i}")
        statuses.append(response.status_code)
    return statuses


async def test_a_raw_burst_to_one_chat_gets_429_with_retry_after(mock: Mock) -> None:
    token = await mock.bot("telegram")
    chat_id = (await mock.inbound("telegram", token, "/start"))["chat_id"]
    statuses = await _burst(mock, token, chat_id, 15)
    assert statuses[:10] == [200] * 10  # the burst allowance
    assert 429 in statuses[10:]
    response = await mock.call("telegram", token, "sendMessage", chat_id=chat_id, text="more")
    body = response.json()
    assert response.status_code == 429 and body["parameters"]["retry_after"] >= 1
    # Only what went through is in the chat.
    chat = await mock.chat("telegram", token, chat_id)
    sent = [m for m in chat["messages"] if m["direction"] == "out"]
    assert len(sent) == statuses.count(200)


async def test_groups_allow_20_per_minute(mock: Mock) -> None:
    token = await mock.bot("telegram")
    group = {"type": "group", "title": "Busy"}
    chat_id = (await mock.inbound("telegram", token, "hi", chat=group))["chat_id"]
    statuses = await _burst(mock, token, chat_id, 11)
    assert statuses == [200] * 10 + [429]
    retry = (await mock.call("telegram", token, "sendMessage", chat_id=chat_id, text="x")).json()
    assert retry["parameters"]["retry_after"] == 3  # one message per 3 s sustained


async def test_only_message_producing_requests_count(mock: Mock) -> None:
    token = await mock.bot("telegram")
    chat_id = (await mock.inbound("telegram", token, "/start"))["chat_id"]
    await _burst(mock, token, chat_id, 12)
    document = await mock.client.post(
        mock.api("telegram", token, "sendDocument"),
        data={"chat_id": str(chat_id)},
        files={"document": ("a.txt", b"x", "text/plain")},
    )
    assert document.status_code == 429
    first_sent = (await mock.chat("telegram", token, chat_id))["messages"][1]
    edit = await mock.call(
        "telegram",
        token,
        "editMessageText",
        chat_id=chat_id,
        message_id=first_sent["message_id"],
        text="edited",
    )
    assert edit.status_code == 200
    assert (await mock.call("telegram", token, "getMe")).status_code == 200


async def test_the_mock_clock_drives_the_rate_windows(mock: Mock) -> None:
    token = await mock.bot("telegram")
    chat_id = (await mock.inbound("telegram", token, "/start"))["chat_id"]
    statuses = await _burst(mock, token, chat_id, 12)
    assert 429 in statuses
    await mock.control("telegram", "clock", {"advance_s": 10})
    assert await _burst(mock, token, chat_id, 10) == [200] * 10


async def test_scaled_limits_and_paced_sends_meet_no_429(mock: Mock) -> None:
    """With the windows scaled (tests only) a client pacing with the same class never meets a
    429 (the raw bursts above show the limiter is real)."""
    scale = 0.01
    answer = await mock.control("telegram", "limits", {"scale": scale})
    assert answer["scale"] == scale and answer["private_per_s"] == 100.0
    token = await mock.bot("telegram")
    chats = [
        (await mock.inbound("telegram", token, "/start", name=f"u{i}"))["chat_id"] for i in range(3)
    ]
    group = (await mock.inbound("telegram", token, "hi", chat={"type": "group", "title": "G"}))[
        "chat_id"
    ]
    pacer = RateLimiter(TELEGRAM.scaled(scale), margin=0.8)
    targets = [(c, False) for c in chats] + [(group, True)]
    statuses = []
    for i in range(80):
        chat_id, is_group = targets[i % len(targets)]
        for _ in range(100):  # wait for a slot, as the outbox does
            delay = pacer.check(str(chat_id), is_group, time.monotonic())
            if delay == 0:
                break
            await asyncio.sleep(delay)
        response = await mock.call("telegram", token, "sendMessage", chat_id=chat_id, text=f"{i}")
        statuses.append(response.status_code)
    assert statuses == [200] * 80
