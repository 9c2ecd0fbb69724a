"""The real Rubika adapter against the Rubika mock over a real socket, end to end: identity,
an injected message received exactly once by polling, Persian sends, edit, delete, a user's
edit and delete arriving as events, upload and download, error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from adapters import http
from adapters.base import AccountSpec
from adapters.errors import AuthFailed, Rejected
from adapters.mock import MockServer
from adapters.models import Batch, ChatSeen, FileRef, MessageDeleted, MessageEdited, MessageNew
from adapters.rubika.adapter import RubikaAdapter
from adapters.secret import Secret
from tests.mock.util import Mock

R = "rubika"
ZWNJ = "\u200c"


@pytest.fixture
async def adapter_client() -> AsyncIterator[httpx.AsyncClient]:
    async with http.make_client() as client:
        yield client


def rubika(server: MockServer, client: httpx.AsyncClient, token: str) -> RubikaAdapter:
    spec = AccountSpec(R, "family", server.base_url(R))
    return RubikaAdapter(spec, Secret(token), client)


async def drain(adapter: RubikaAdapter, cursor: str | None) -> tuple[list[Batch], str | None]:
    """Poll until a poll brings nothing (the mock answers at once: no long poll)."""
    batches: list[Batch] = []
    for _ in range(20):
        batch = await adapter.poll(cursor, 0)
        cursor = batch.cursor
        if not batch.events:
            return batches, cursor
        batches.append(batch)
    raise AssertionError("the queue never drained")


async def test_identity_receive_send_edit_delete(
    mock: Mock, server: MockServer, adapter_client: httpx.AsyncClient
) -> None:
    token = await mock.bot(R, name="Family Bot")
    adapter = rubika(server, adapter_client, token)
    me = await adapter.me()
    assert (me.name, me.username) == ("Family Bot", "family_bot") and me.id.startswith("b0")

    sara = {"id": "u0" + "s" * 30, "name": "سارا", "username": "sara_k"}
    body = {"token": token, "from": sara, "text": "سلام! خوبی؟"}
    injected = await mock.control(R, "inbound", body)
    batches, cursor = await drain(adapter, None)
    events = [e for b in batches for e in b.events]
    new = [e for e in events if isinstance(e, MessageNew)]
    assert len(new) == 1 and any(isinstance(e, ChatSeen) for e in events)  # StartedBot
    message = new[0].message
    assert (message.id, message.text) == (injected["message_id"], "سلام! خوبی؟")
    assert new[0].chat.id == injected["chat_id"] and new[0].chat.kind == "private"
    assert new[0].chat.title == "سارا" and new[0].chat.username == "sara_k"
    assert message.sender is not None and message.sender.name == "سارا"
    # Exactly once: the cursor confirmed it.
    again, cursor = await drain(adapter, cursor)
    assert again == []

    text = f"سلام سارا جان، فردا می{ZWNJ}بینمت 🌹"
    sent = await adapter.send(injected["chat_id"], text, reply_to=injected["message_id"])
    await adapter.edit(injected["chat_id"], sent.message_id, "ویرایش شد ✅")
    chat = await mock.chat(R, token, injected["chat_id"])
    mine = chat["messages"][-1]
    assert mine["message_id"] == sent.message_id and mine["text"] == "ویرایش شد ✅"
    assert mine["edited"] is True and mine["reply_to"] == injected["message_id"]
    await adapter.delete(injected["chat_id"], sent.message_id)
    assert (await mock.chat(R, token, injected["chat_id"]))["messages"][-1]["deleted"] is True

    target = {"token": token, "chat_id": injected["chat_id"], "message_id": injected["message_id"]}
    await mock.control(R, "edit", {**target, "text": "سلام!"})
    await mock.control(R, "delete", target)
    batches, cursor = await drain(adapter, cursor)
    events = [e for b in batches for e in b.events]
    assert [type(e) for e in events] == [MessageEdited, MessageDeleted]
    edited, deleted = events
    assert isinstance(edited, MessageEdited) and edited.message.text == "سلام!"
    assert isinstance(deleted, MessageDeleted) and deleted.message_id == injected["message_id"]


async def test_files_both_ways(
    mock: Mock, server: MockServer, adapter_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    token = await mock.bot(R)
    adapter = rubika(server, adapter_client, token)
    group = {"type": "group", "title": "خانواده"}
    got = await mock.inbound(
        R, token, "عکس تولد", chat=group, file={"name": "تولد.txt", "content": "کیک 🎂"}
    )
    batches, _ = await drain(adapter, None)
    new = [e for b in batches for e in b.events if isinstance(e, MessageNew)]
    (attachment,) = new[0].message.attachments
    assert attachment.file.name == "تولد.txt" and attachment.file.size == len("کیک 🎂".encode())
    saved = await adapter.download(attachment.file, tmp_path / "in.txt")
    assert saved.read_text() == "کیک 🎂"

    path = tmp_path / "سند.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(70_000))
    sent = await adapter.send_file(got["chat_id"], path, caption="گزارش")
    stored = (await mock.chat(R, token, got["chat_id"]))["messages"][-1]
    assert stored["message_id"] == sent.message_id and stored["text"] == "گزارش"
    assert stored["file"]["name"] == "سند.pdf" and stored["file"]["size"] == path.stat().st_size
    back = await adapter.download(FileRef(id=stored["file"]["file_id"]), tmp_path / "out.pdf")
    assert back.read_bytes() == path.read_bytes()


async def test_errors_map_to_the_adapter_family(
    mock: Mock, server: MockServer, adapter_client: httpx.AsyncClient
) -> None:
    token = await mock.bot(R)
    with pytest.raises(AuthFailed):
        await rubika(server, adapter_client, "Z" * 64).me()
    with pytest.raises(Rejected):
        await rubika(server, adapter_client, token).send("b0" + "n" * 30, "سلام")


async def test_the_demo_family_group(adapter_client: httpx.AsyncClient) -> None:
    """``--scenario demo``: a Persian family group (several people, a photo) and a cousin's
    private chat wait in the Rubika bot's queue; names come from getChat."""
    async with MockServer(scenario="demo", seed=5) as demo:
        (token,) = demo.tokens[R]
        adapter = rubika(demo, adapter_client, token)
        batches, _ = await drain(adapter, None)
    new = [e for b in batches for e in b.events if isinstance(e, MessageNew)]
    group = [e for e in new if e.chat.kind == "group"]
    assert {e.chat.title for e in group} == {"خانواده بزرگ 🌷"}
    senders = {e.message.sender.name for e in group if e.message.sender is not None}
    assert {"مامان", "بابا", "سارا", "علی"} <= senders
    assert any(e.message.attachments for e in group)
    assert all(any("\u0600" <= c <= "\u06ff" for c in e.message.text) for e in group)
    private = [e for e in new if e.chat.kind == "private"]
    assert private and {e.chat.title for e in private} == {"نگار"}


async def test_cursors_lose_nothing_and_repeat_nothing(
    mock: Mock, server: MockServer, adapter_client: httpx.AsyncClient
) -> None:
    """250 messages, injected before and between polls of 100: each arrives exactly once."""
    token = await mock.bot(R)
    world = server.world[R]
    bot = world.bots[token]
    group = {"type": "group", "title": "شلوغ"}
    user = {"id": "u0" + "m" * 30, "name": "مریم"}

    def inject(start: int, stop: int) -> None:
        for i in range(start, stop):
            world.inbound(bot, sender=user, chat=group, text=str(i))

    adapter = rubika(server, adapter_client, token)
    inject(0, 150)
    cursor: str | None = None
    seen: list[str] = []
    for step in range(6):
        batch = await adapter.poll(cursor, 0)
        cursor = batch.cursor
        seen += [e.message.text for e in batch.events if isinstance(e, MessageNew)]
        if step == 0:
            inject(150, 250)  # arrives while the client is between polls
    assert seen == [str(i) for i in range(250)]
