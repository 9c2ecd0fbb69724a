"""getUpdates on the Telegram-style mocks: ack by offset, conflicts, retention, long polls."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from adapters.mock import MockServer
from tests.mock.util import Mock


async def _updates(mock: Mock, messenger: str, token: str, **params: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await mock.result(messenger, token, "getUpdates", **params)
    return result


async def _until_polling(mock: Mock, messenger: str, token: str, count: int) -> None:
    """Wait until the mock has logged ``count`` getUpdates calls from ``token``.

    The log entry is written in the same event-loop step that registers the poll, so once it is
    there the poll is waiting.
    """
    while True:
        log = await mock.requests(messenger, token)
        if sum(e["api_method"] == "getUpdates" for e in log) >= count:
            return
        await asyncio.sleep(0.005)


async def test_offset_confirms_everything_below_it(mock: Mock) -> None:
    token = await mock.bot("telegram")
    for text in ("one", "two", "three"):
        await mock.inbound("telegram", token, text)
    first = await _updates(mock, "telegram", token)
    ids = [u["update_id"] for u in first]
    assert [u["message"]["text"] for u in first] == ["one", "two", "three"]
    assert ids == sorted(ids) and len(set(ids)) == 3
    # Without a higher offset nothing is confirmed: the same updates come again.
    assert [u["update_id"] for u in await _updates(mock, "telegram", token)] == ids
    # offset = last id confirms the first two only.
    assert [u["update_id"] for u in await _updates(mock, "telegram", token, offset=ids[2])] == [
        ids[2]
    ]
    assert await _updates(mock, "telegram", token, offset=ids[2] + 1) == []
    await mock.inbound("telegram", token, "four")
    later = await _updates(mock, "telegram", token, offset=ids[2] + 1)
    assert [u["message"]["text"] for u in later] == ["four"]
    assert later[0]["update_id"] > ids[2]


async def test_limit_and_negative_offset(mock: Mock) -> None:
    token = await mock.bot("bale")
    for i in range(5):
        await mock.inbound("bale", token, f"m{i}")
    assert len(await _updates(mock, "bale", token, limit=2)) == 2
    assert len(await _updates(mock, "bale", token, limit=0)) == 1  # clamped to 1..100
    last = await _updates(mock, "bale", token, offset=-1)
    assert [u["message"]["text"] for u in last] == ["m4"]
    assert [u["message"]["text"] for u in await _updates(mock, "bale", token)] == ["m4"]


@pytest.mark.parametrize("messenger", ["telegram", "bale", "splus"])
async def test_409_while_a_webhook_is_set(mock: Mock, messenger: str) -> None:
    token = await mock.bot(messenger)
    await mock.inbound(messenger, token, "waiting")
    assert await mock.result(messenger, token, "setWebhook", url="https://example.com/hook")
    response = await mock.call(messenger, token, "getUpdates")
    assert response.status_code == 409
    assert "webhook is active" in response.json()["description"]
    info = await mock.result(messenger, token, "getWebhookInfo")
    assert info["url"] == "https://example.com/hook" and info["pending_update_count"] == 1
    assert await mock.result(messenger, token, "deleteWebhook")
    assert len(await _updates(mock, messenger, token)) == 1


async def test_a_new_getupdates_terminates_the_older_one(mock: Mock) -> None:
    token = await mock.bot("telegram")
    older = asyncio.create_task(mock.call("telegram", token, "getUpdates", timeout=30))
    await _until_polling(mock, "telegram", token, 1)
    newer = await mock.call("telegram", token, "getUpdates", timeout=0)
    first = await older
    assert newer.status_code == 200 and newer.json() == {"ok": True, "result": []}
    assert first.status_code == 409
    assert first.json()["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running"
    )


async def test_updates_older_than_24h_of_mock_time_are_dropped(mock: Mock) -> None:
    token = await mock.bot("telegram")
    await mock.inbound("telegram", token, "old")
    await mock.control("telegram", "clock", {"advance_s": 23 * 3600})
    await mock.inbound("telegram", token, "recent")
    assert len(await _updates(mock, "telegram", token)) == 2
    await mock.control("telegram", "clock", {"advance_s": 3600 + 1})
    kept = await _updates(mock, "telegram", token)
    assert [u["message"]["text"] for u in kept] == ["recent"]


async def test_a_long_poll_wakes_on_an_injected_message(mock: Mock) -> None:
    token = await mock.bot("splus")
    poll = asyncio.create_task(_updates(mock, "splus", token, timeout=50))
    await _until_polling(mock, "splus", token, 1)
    assert not poll.done()
    await mock.inbound("splus", token, "wake up")
    # Had the push not woken the poll, it would answer [] only after 50 s.
    woken = await poll
    assert [u["message"]["text"] for u in woken] == ["wake up"]


async def test_an_inject_from_another_thread_wakes_the_poll(server: MockServer, mock: Mock) -> None:
    token = await mock.bot("telegram")
    poll = asyncio.create_task(_updates(mock, "telegram", token, timeout=50))
    await _until_polling(mock, "telegram", token, 1)
    world = server.world["telegram"]
    bot = world.bot(token)
    assert bot is not None
    await asyncio.to_thread(lambda: world.inbound(bot, sender={"name": "Thread"}, text="hi"))
    assert [u["message"]["text"] for u in await poll] == ["hi"]


async def test_a_poll_whose_client_left_loses_nothing(mock: Mock) -> None:
    token = await mock.bot("telegram")
    with pytest.raises(httpx.ReadTimeout):
        await mock.client.post(
            mock.api("telegram", token, "getUpdates"), json={"timeout": 30}, timeout=0.2
        )
    await mock.inbound("telegram", token, "after")
    assert [u["message"]["text"] for u in await _updates(mock, "telegram", token)] == ["after"]


async def test_a_bot_never_sees_its_own_messages(mock: Mock) -> None:
    token = await mock.bot("telegram")
    chat_id = (await mock.inbound("telegram", token, "hello"))["chat_id"]
    await mock.result("telegram", token, "sendMessage", chat_id=chat_id, text="reply")
    updates = await _updates(mock, "telegram", token)
    assert [u["message"]["text"] for u in updates] == ["hello"]


async def test_edit_emits_edited_message_and_delete_emits_nothing(mock: Mock) -> None:
    token = await mock.bot("telegram")
    sent = await mock.inbound("telegram", token, "typo")
    first = await _updates(mock, "telegram", token)
    offset = first[-1]["update_id"] + 1
    ref = {"token": token, "chat_id": str(sent["chat_id"]), "message_id": sent["message_id"]}
    assert (await mock.control("telegram", "edit", {**ref, "text": "fixed"}))["emitted"] is True
    edited = await _updates(mock, "telegram", token, offset=offset)
    assert edited[0]["edited_message"]["text"] == "fixed"
    assert edited[0]["edited_message"]["message_id"] == sent["message_id"]
    assert "edit_date" in edited[0]["edited_message"]
    offset = edited[-1]["update_id"] + 1
    assert (await mock.control("telegram", "delete", ref))["emitted"] is False
    assert await _updates(mock, "telegram", token, offset=offset) == []
    chat = await mock.chat("telegram", token, sent["chat_id"])
    assert chat["messages"][0] | {"date": 0} == chat["messages"][0] | {
        "date": 0,
        "text": "fixed",
        "edited": True,
        "deleted": True,
    }


@pytest.mark.parametrize(
    ("messenger", "key"),
    [("telegram", "channel_post"), ("bale", "channel_post"), ("splus", None)],
)
async def test_channel_posts(mock: Mock, messenger: str, key: str | None) -> None:
    """Telegram and Bale send channel_post; Soroush Plus has no such update at all."""
    token = await mock.bot(messenger, channels=["news"])
    sent = await mock.inbound(
        messenger, token, "خبر تازه", chat={"type": "channel", "username": "news"}, name="Admin"
    )
    ref = {"token": token, "chat_id": "news", "message_id": sent["message_id"]}
    await mock.control(messenger, "edit", {**ref, "text": "خبر تازه‌تر"})
    updates = await _updates(mock, messenger, token)
    if key is None:
        assert updates == []
    else:
        post = updates[0][key]
        assert post["text"] == "خبر تازه" and post["chat"]["type"] == "channel"
        assert post["sender_chat"]["username"] == "news" and "from" not in post
        assert updates[1][f"edited_{key}"]["text"] == "خبر تازه‌تر"


async def test_allowed_updates_filters_new_updates(mock: Mock) -> None:
    token = await mock.bot("telegram")
    assert await _updates(mock, "telegram", token, allowed_updates=["edited_message"]) == []
    sent = await mock.inbound("telegram", token, "new one")
    ref = {"token": token, "chat_id": sent["chat_id"], "message_id": sent["message_id"]}
    await mock.control("telegram", "edit", {**ref, "text": "edited"})
    updates = await _updates(mock, "telegram", token)
    assert [list(u)[1] for u in updates] == ["edited_message"]


async def test_the_apps_work_over_asgi_transport_too() -> None:
    """Unit tests may skip the socket: everything but the connection-level faults works."""
    from adapters.mock import MockWorld, MountApp

    world = MockWorld(seed=3)
    transport = httpx.ASGITransport(app=MountApp(world))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        created = await client.post("/bale/__mock__/bots", json={"name": "A", "username": "a"})
        token = created.json()["token"]
        poll = asyncio.create_task(
            client.post(f"/bale/bot{token}/getUpdates", json={"timeout": 50})
        )
        await asyncio.sleep(0.05)
        await client.post(
            "/bale/__mock__/inbound", json={"token": token, "from": {"name": "B"}, "text": "hi"}
        )
        updates = (await poll).json()["result"]
        assert [u["message"]["text"] for u in updates] == ["hi"]
        chat_id = updates[0]["message"]["chat"]["id"]
        sent = await client.post(
            f"/bale/bot{token}/sendMessage", json={"chat_id": chat_id, "text": "hello"}
        )
        assert sent.json()["result"]["text"] == "hello"
