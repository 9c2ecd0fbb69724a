"""The control API (CONTRACTS §2): bots, inbound, edit/delete, chats, clock, limits, requests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.mock import EitaaIds, MessengerSpec, MockWorld, RubikaIds
from adapters.mock.control import create_control_app
from adapters.ratelimit import EITAA, RUBIKA
from tests.mock.util import Mock

TG_TOKEN = re.compile(r"^(\d+):[A-Za-z0-9_-]{35}$")


async def test_create_and_list_bots(mock: Mock) -> None:
    created = await mock.control(
        "bale", "bots", {"name": "Shop", "username": "shop_bot", "channels": ["shop_news"]}
    )
    match = TG_TOKEN.match(created["token"])
    assert match and created["bot_id"] == int(match.group(1))
    chosen = await mock.control(
        "bale", "bots", {"name": "Mine", "username": "@mine_bot", "token": "4242:chosen-secret"}
    )
    assert chosen == {"token": "4242:chosen-secret", "bot_id": 4242}
    me = await mock.result("bale", "4242:chosen-secret", "getMe")
    assert (me["id"], me["first_name"], me["username"]) == (4242, "Mine", "mine_bot")
    listing = (await mock.control("bale", "bots", method="GET"))["bots"]
    assert [b["username"] for b in listing] == ["shop_bot", "mine_bot"]
    assert listing[0]["chats"][0]["type"] == "channel"
    assert listing[0]["chats"][0]["username"] == "shop_news"
    again = await mock.client.post(
        f"{mock.base('bale')}/__mock__/bots",
        json={"name": "Dup", "token": "4242:chosen-secret"},
    )
    assert again.status_code == 409


async def test_inbound_takes_string_or_integer_ids_and_answers_integers(mock: Mock) -> None:
    token = await mock.bot("telegram")
    first = await mock.control(
        "telegram",
        "inbound",
        {"token": token, "from": {"id": "5550001", "name": "Ali"}, "text": "a"},
    )
    assert first == {"chat_id": 5550001, "message_id": 1}
    second = await mock.control(
        "telegram",
        "inbound",
        {
            "token": token,
            "chat": {"id": 5550001, "type": "private"},
            "from": {"id": 5550001, "name": "Ali"},
            "text": "b",
            "reply_to": "1",
        },
    )
    assert second == {"chat_id": 5550001, "message_id": 2}
    updates = await mock.result("telegram", token, "getUpdates")
    assert updates[1]["message"]["reply_to_message"]["text"] == "a"


async def test_group_chats_are_found_again_by_title_or_id(mock: Mock) -> None:
    token = await mock.bot("splus")
    group = {"type": "group", "title": "تیم"}
    first = await mock.inbound("splus", token, "a", chat=group, name="A")
    second = await mock.inbound("splus", token, "b", chat=group, name="B")
    third = await mock.inbound(
        "splus", token, "c", chat={"type": "group", "id": str(first["chat_id"])}, name="C"
    )
    assert first["chat_id"] == second["chat_id"] == third["chat_id"]
    chat = await mock.chat("splus", token, first["chat_id"])
    assert chat["chat"]["title"] == "تیم" and chat["chat"]["type"] == "group"
    assert [m["from"]["name"] for m in chat["messages"]] == ["A", "B", "C"]


async def test_a_username_keeps_a_user(mock: Mock) -> None:
    token = await mock.bot("telegram")
    one = await mock.control(
        "telegram",
        "inbound",
        {"token": token, "from": {"name": "Sara", "username": "sara_k"}, "text": "1"},
    )
    two = await mock.control(
        "telegram", "inbound", {"token": token, "from": {"username": "@sara_k"}, "text": "2"}
    )
    assert one["chat_id"] == two["chat_id"]


async def test_chat_read_back(mock: Mock) -> None:
    token = await mock.bot("telegram", "Reader")
    sent = await mock.inbound(
        "telegram", token, "file here", file={"name": "n.txt", "content": "سلام"}
    )
    chat_id = sent["chat_id"]
    await mock.result("telegram", token, "sendMessage", chat_id=chat_id, text="got it")
    chat = await mock.chat("telegram", token, str(chat_id))
    assert chat["chat"] == {"id": chat_id, "type": "private", "user_id": chat_id, "member_count": 2}
    incoming, outgoing = chat["messages"]
    assert incoming["direction"] == "in" and incoming["from"]["name"] == "Sara"
    assert incoming["file"]["name"] == "n.txt" and incoming["file"]["size"] == len("سلام".encode())
    assert outgoing == outgoing | {
        "direction": "out",
        "text": "got it",
        "edited": False,
        "deleted": False,
    }
    assert outgoing["from"]["name"] == "Reader" and isinstance(outgoing["date"], int)


async def test_control_errors(mock: Mock) -> None:
    base = f"{mock.base('telegram')}/__mock__"
    token = await mock.bot("telegram")
    cases = [
        ("POST", "inbound", {"token": "nope", "from": {"name": "x"}, "text": "t"}, 404),
        ("POST", "inbound", {"token": token, "text": "no sender"}, 400),
        ("POST", "inbound", {"token": token, "from": {"name": "x"}, "chat": {"type": "room"}}, 400),
        ("POST", "inbound", {"token": token, "from": {"name": "x"}, "reply_to": 99}, 400),
        ("POST", "edit", {"token": token, "chat_id": 1, "message_id": 1, "text": "x"}, 404),
        ("POST", "clock", {"advance_s": -5}, 400),
        ("POST", "limits", {"scale": 0}, 400),
        ("POST", "bots", {"username": "no_name"}, 400),
    ]
    for method, path, body, status in cases:
        response = await mock.client.request(method, f"{base}/{path}", json=body)
        assert response.status_code == status, (path, body, response.text)
        assert "error" in response.json()
    not_json = await mock.client.post(f"{base}/inbound", content=b"[1, 2")
    assert not_json.status_code == 400
    missing = await mock.client.get(f"{base}/chats/12345", params={"token": token})
    assert missing.status_code == 404


async def test_only_users_messages_can_be_edited_here(mock: Mock) -> None:
    token = await mock.bot("telegram")
    chat_id = (await mock.inbound("telegram", token, "/start"))["chat_id"]
    sent = await mock.result("telegram", token, "sendMessage", chat_id=chat_id, text="bot's")
    response = await mock.client.post(
        f"{mock.base('telegram')}/__mock__/edit",
        json={"token": token, "chat_id": chat_id, "message_id": sent["message_id"], "text": "x"},
    )
    assert response.status_code == 400


async def test_clock_moves_message_dates(mock: Mock) -> None:
    before = (await mock.control("telegram", "clock", method="GET"))["now"]
    after = (await mock.control("telegram", "clock", {"advance_s": 3600}))["now"]
    assert after >= before + 3600
    token = await mock.bot("telegram")
    await mock.inbound("telegram", token, "later")
    update = (await mock.result("telegram", token, "getUpdates"))[0]
    assert update["message"]["date"] >= int(before + 3600)


async def test_limits_answer_the_scaled_table(mock: Mock) -> None:
    default = await mock.control("bale", "limits", method="GET")
    assert default["scale"] == 1.0 and default["group_per_s"] == pytest.approx(20 / 60)
    scaled = await mock.control("bale", "limits", {"scale": 0.1})
    assert scaled["group_per_s"] == pytest.approx(200 / 60)


async def test_root_lists_the_messengers(mock: Mock) -> None:
    root = await mock.client.get(mock.server.url + "/")
    assert {"telegram", "bale", "splus"} <= set(root.json()["messengers"])
    assert (await mock.client.get(mock.server.url + "/whatsapp/bot1:x/getMe")).status_code == 404


# --- other id schemes and send-only worlds (ASGITransport: no fault needs the socket) ----------


@pytest.fixture
async def odd_world() -> AsyncIterator[tuple[MockWorld, httpx.AsyncClient, httpx.AsyncClient]]:
    world = MockWorld(
        specs=[
            MessengerSpec("sendonly", EITAA, ids=EitaaIds, receives=False),
            MessengerSpec("strings", RUBIKA, ids=RubikaIds),
        ]
    )
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_control_app(world[name])),
            base_url="http://mock",
        )
        for name in ("sendonly", "strings")
    ]
    yield world, clients[0], clients[1]
    for c in clients:
        await c.aclose()


async def test_a_send_only_messenger_refuses_inbound(
    odd_world: tuple[MockWorld, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    _, sendonly, _ = odd_world
    created = (await sendonly.post("/bots", json={"name": "Ch", "channels": ["mychannel"]})).json()
    assert re.fullmatch(r"bot(\d+):[0-9a-f-]{36}", created["token"])
    assert created["bot_id"] == int(created["token"][3:].split(":")[0])
    response = await sendonly.post(
        "/inbound", json={"token": created["token"], "from": {"name": "x"}, "text": "hi"}
    )
    assert response.status_code == 400


async def test_string_ids_are_answered_as_strings(
    odd_world: tuple[MockWorld, httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    _, _, strings = odd_world
    created = (await strings.post("/bots", json={"name": "R", "username": "r_bot"})).json()
    assert created["bot_id"].startswith("b0") and len(created["bot_id"]) == 32
    assert len(created["token"]) == 64
    sent = (
        await strings.post(
            "/inbound", json={"token": created["token"], "from": {"name": "Ali"}, "text": "سلام"}
        )
    ).json()
    assert sent["chat_id"].startswith("b0") and isinstance(sent["message_id"], str)
    chat = (
        await strings.get(f"/chats/{sent['chat_id']}", params={"token": created["token"]})
    ).json()
    assert chat["messages"][0]["from"]["id"].startswith("u0")
    assert chat["chat"]["id"] == sent["chat_id"]


async def test_bot_defaults(mock: Mock) -> None:
    created = await mock.control("splus", "bots", {"name": "فروشگاه Shop", "channels": "news"})
    me = await mock.result("splus", created["token"], "getMe")
    assert me["username"] == "shop_bot" and me["first_name"] == "فروشگاه Shop"
    listing = (await mock.control("splus", "bots", method="GET"))["bots"]
    assert [c["username"] for c in listing[0]["chats"]] == ["news"]
