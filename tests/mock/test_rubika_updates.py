"""Rubika getUpdates over a real socket: 24-hex time-prefixed cursors, cursors the server never
issued, next_offset_id echoed when nothing is new, the update kinds (StartedBot, NewMessage,
UpdatedMessage, RemovedMessage), the ``start_id`` alias, ``limit`` and 24 h retention."""

from __future__ import annotations

import re
from typing import Any

from tests.mock.util import Mock

R = "rubika"
HEX24 = re.compile(r"[0-9a-f]{24}")


async def updates(mock: Mock, token: str, **params: Any) -> dict[str, Any]:
    response = await mock.client.post(f"{mock.base(R)}/v3/{token}/getUpdates", json=params)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "OK", response.text
    data: dict[str, Any] = body["data"]
    return data


async def now(mock: Mock) -> float:
    return float((await mock.control(R, "clock", method="GET"))["now"])


async def test_cursors_are_24_hex_and_prefixed_with_the_mock_time(mock: Mock) -> None:
    token = await mock.bot(R)
    await mock.control(R, "clock", {"advance_s": 40 * 86400})  # far from the real clock
    before = await now(mock)
    await mock.inbound(R, token, "سلام")
    after = await now(mock)
    data = await updates(mock, token)
    cursor = data["next_offset_id"]
    assert HEX24.fullmatch(cursor)
    assert int(before) <= int(cursor[:8], 16) <= int(after)
    # Nothing new: the cursor comes back as it went.
    assert await updates(mock, token, offset_id=cursor) == {"updates": [], "next_offset_id": cursor}


async def test_a_cursor_the_server_never_issued_is_compared_as_a_string(mock: Mock) -> None:
    """aiorubi's first cursor is ``f"{ts:08x}" + "0" * 16``: everything before ``ts`` is
    confirmed (skipped), everything after it is delivered."""
    token = await mock.bot(R)
    await mock.inbound(R, token, "قدیمی")
    t_old = await now(mock)
    await mock.control(R, "clock", {"advance_s": 100})
    await mock.inbound(R, token, "جدید")
    crafted = f"{int(t_old) + 50:08x}" + "0" * 16
    data = await updates(mock, token, offset_id=crafted.upper())  # case does not matter
    texts = [u["new_message"]["text"] for u in data["updates"] if u["type"] == "NewMessage"]
    assert texts == ["جدید"]
    assert data["next_offset_id"] > crafted and HEX24.fullmatch(data["next_offset_id"])
    # The skipped ones are gone for good: no cursor now returns only what is unconfirmed.
    again = (await updates(mock, token))["updates"]
    assert [u["new_message"]["text"] for u in again if "new_message" in u] == ["جدید"]
    invalid = await mock.client.post(
        f"{mock.base(R)}/v3/{token}/getUpdates", json={"offset_id": "not-a-cursor"}
    )
    assert invalid.json()["status"] == "INVALID_INPUT"


async def test_next_offset_id_is_returned_when_nothing_is_queued(mock: Mock) -> None:
    token = await mock.bot(R)
    future = "ffffffff" + "0" * 16
    assert await updates(mock, token, offset_id=future) == {"updates": [], "next_offset_id": future}
    before = await now(mock)
    fresh = await updates(mock, token)  # no cursor: one for "now", so nothing later is skipped
    after = await now(mock)
    assert fresh["updates"] == [] and HEX24.fullmatch(fresh["next_offset_id"])
    assert int(before) <= int(fresh["next_offset_id"][:8], 16) <= int(after)
    await mock.inbound(R, token, "بعدی")
    later = await updates(mock, token, offset_id=fresh["next_offset_id"])
    assert [u["type"] for u in later["updates"]] == ["StartedBot", "NewMessage"]


async def test_update_kinds_and_exactly_once_delivery(mock: Mock) -> None:
    """A first message brings StartedBot; a user's edit UpdatedMessage; a user's delete
    RemovedMessage (Rubika sends it); passing next_offset_id back confirms, with no loss and
    no repeat."""
    token = await mock.bot(R)
    sara = {"id": "u0" + "a" * 30, "name": "سارا"}
    sent = await mock.control(R, "inbound", {"token": token, "from": sara, "text": "سلام"})
    chat_id, mid = sent["chat_id"], sent["message_id"]
    first = await updates(mock, token)
    started, new = first["updates"]
    assert started == {"type": "StartedBot", "chat_id": chat_id}
    message = new["new_message"]
    assert new["type"] == "NewMessage" and new["chat_id"] == chat_id and chat_id.startswith("b0")
    assert message["message_id"] == mid and isinstance(mid, str) and mid.isdigit()
    assert message["sender_id"] == "u0" + "a" * 30 and message["sender_type"] == "User"
    assert isinstance(message["time"], str) and message["is_edited"] is False
    target = {"token": token, "chat_id": chat_id, "message_id": mid}
    edit = await mock.control(R, "edit", {**target, "text": "ویرایش"})
    delete = await mock.control(R, "delete", target)
    assert edit == delete == {"emitted": True}
    second = await updates(mock, token, offset_id=first["next_offset_id"])
    edited, removed = second["updates"]
    assert edited["type"] == "UpdatedMessage"
    assert edited["updated_message"]["text"] == "ویرایش" and edited["updated_message"]["is_edited"]
    assert removed == {"type": "RemovedMessage", "chat_id": chat_id, "removed_message_id": mid}
    assert first["next_offset_id"] < second["next_offset_id"]
    third = await updates(mock, token, start_id=second["next_offset_id"])  # the prose's name
    assert third == {"updates": [], "next_offset_id": second["next_offset_id"]}


async def test_limit_and_metadata_and_files_in_messages(mock: Mock) -> None:
    token = await mock.bot(R)
    parts = [{"type": "Bold", "from_index": 0, "length": 4}]
    group = {"type": "group", "title": "G"}
    for i in range(5):
        await mock.inbound(R, token, f"پیام {i}", chat=group, entities=parts)
    await mock.inbound(R, token, "عکس", chat=group, file={"name": "a.txt", "content": "abc"})
    page = await updates(mock, token, limit=2)
    assert len(page["updates"]) == 2
    rest = await updates(mock, token, offset_id=page["next_offset_id"], limit=100)
    assert len(rest["updates"]) == 4
    texts = [u["new_message"].get("text") for u in page["updates"] + rest["updates"]]
    assert texts == [f"پیام {i}" for i in range(5)] + ["عکس"]
    assert page["updates"][0]["new_message"]["metadata"] == {"meta_data_parts": parts}
    assert page["updates"][0]["chat_id"].startswith("g0")
    file = rest["updates"][-1]["new_message"]["file"]
    assert file["file_name"] == "a.txt" and file["size"] == "3" and file["file_id"]


async def test_unconfirmed_updates_are_dropped_after_24_hours(mock: Mock) -> None:
    token = await mock.bot(R)
    await mock.inbound(R, token, "دیروز")
    await mock.control(R, "clock", {"advance_s": 24 * 3600 + 1})
    await mock.inbound(R, token, "امروز", name="Ali")
    kept = (await updates(mock, token))["updates"]
    assert [u["new_message"]["text"] for u in kept if u["type"] == "NewMessage"] == ["امروز"]
