"""Rubika receiving: getUpdates cursors, names from getChat (cached), poison updates."""

from __future__ import annotations

import json

import httpx
import pytest

from adapters.errors import RateLimited, Transient
from adapters.models import ChatSeen, MessageDeleted, MessageEdited, MessageNew, Unparsed
from adapters.rubika.adapter import RubikaAdapter
from tests.adapters.rubika.fake import (
    BOT_CHAT,
    GROUP,
    MEMBER,
    USER,
    FakeRubika,
    err,
    make,
    new_message,
    ok,
)


async def test_first_poll_sends_no_cursor_and_gets_the_backlog() -> None:
    fake = FakeRubika()
    fake.push(new_message(text="اول"), new_message(text="دوم", message_id="204215121115944301"))
    adapter = make(fake)
    batch = await adapter.poll(None, timeout_s=30)
    first = fake.calls("getUpdates")[0]
    assert first.body == {"limit": 100}  # no offset_id: the queued backlog is wanted
    assert [e.message.text for e in batch.events if isinstance(e, MessageNew)] == ["اول", "دوم"]
    assert batch.cursor == fake.updates[-1][0]
    again = await adapter.poll(batch.cursor, timeout_s=30)
    assert fake.calls("getUpdates")[1].body == {"limit": 100, "offset_id": batch.cursor}
    assert again.events == () and again.cursor == batch.cursor  # echoed when empty


async def test_cursor_moves_through_a_long_queue_without_loss_or_repeat() -> None:
    fake = FakeRubika()
    fake.push(*(new_message(message_id=str(i), text=f"m{i}") for i in range(250)))
    adapter = make(fake)
    cursor, got, sizes = None, [], []
    for _ in range(4):
        batch = await adapter.poll(cursor, timeout_s=0)
        got += [e.message.id for e in batch.events if isinstance(e, MessageNew)]
        sizes.append(len(batch.events))
        cursor = batch.cursor
    assert got == [str(i) for i in range(250)]
    assert sizes == [100, 100, 50, 0]


async def test_names_come_from_get_chat_and_are_cached() -> None:
    fake = FakeRubika()
    fake.push(new_message(), new_message(chat_id=GROUP, sender_id=MEMBER, message_id="2"))
    adapter = make(fake)
    batch = await adapter.poll(None, 0)
    private, group = batch.events
    assert isinstance(private, MessageNew) and isinstance(group, MessageNew)
    assert (private.chat.kind, private.chat.title, private.chat.username) == (
        "private",
        "سارا کریمی",
        "sara_k",
    )
    # In a private chat the sender is the chat: no getChat for USER.
    assert private.message.sender is not None
    assert (private.message.sender.id, private.message.sender.name) == (USER, "سارا کریمی")
    assert (group.chat.kind, group.chat.title) == ("group", "گروه خرید")
    assert group.message.sender is not None and group.message.sender.name == "Ali"
    looked_up = [s.body["chat_id"] for s in fake.calls("getChat")]
    assert sorted(looked_up) == sorted([BOT_CHAT, GROUP, MEMBER])

    fake.push(new_message(message_id="3"), new_message(chat_id=GROUP, sender_id=MEMBER))
    second = await adapter.poll(batch.cursor, 0)
    assert len(fake.calls("getChat")) == 3  # all from the cache
    assert all(isinstance(e, MessageNew) and e.chat.title for e in second.events)


async def test_cache_entries_age_out_and_stay_bounded() -> None:
    fake = FakeRubika()
    adapter = make(fake)
    now = [0.0]
    adapter.names._clock = lambda: now[0]
    fake.push(new_message())
    cursor = (await adapter.poll(None, 0)).cursor
    fake.chats[BOT_CHAT]["first_name"] = "سارا جان"
    now[0] += adapter.names.max_age_s + 1
    fake.push(new_message(message_id="2"))
    batch = await adapter.poll(cursor, 0)
    assert isinstance(batch.events[0], MessageNew)
    assert batch.events[0].chat.title == "سارا جان کریمی"
    adapter.names.max_entries = 2
    for i in range(5):
        adapter.names.put(f"u{i}", adapter.names.any(BOT_CHAT))  # type: ignore[arg-type]
    assert len(adapter.names) == 2


async def test_a_failed_lookup_keeps_the_update_and_is_retried_later() -> None:
    fake = FakeRubika()
    fake.on("getChat", [httpx.ReadTimeout("slow"), err("SERVER_ERROR", "busy")])
    fake.push(new_message())
    adapter = make(fake)
    batch = await adapter.poll(None, 0)
    (event,) = batch.events
    assert isinstance(event, MessageNew) and event.chat.title == ""  # not lost
    assert event.message.text == "سلام"
    # Next poll, no new update for that chat: the name is retried and announced.
    fake.answers.pop("getChat")
    later = await adapter.poll(batch.cursor, 0)
    (seen,) = later.events
    assert isinstance(seen, ChatSeen)
    assert (seen.chat.id, seen.chat.title) == (BOT_CHAT, "سارا کریمی")
    quiet = await adapter.poll(later.cursor, 0)
    assert quiet.events == ()  # nothing pending any more


async def test_rate_limited_lookups_stop_for_this_poll() -> None:
    fake = FakeRubika()
    fake.on("getChat", err("TOO_REQUESTS"))
    fake.push(*(new_message(chat_id=f"b0chat{i}", message_id=str(i)) for i in range(10)))
    adapter = make(fake)
    batch = await adapter.poll(None, 0)
    assert len(batch.events) == 10
    assert len(fake.calls("getChat")) <= RubikaAdapter.LOOKUP_CONCURRENCY
    # TOO_REQUESTS is not scoped to a method: the next poll asks nothing until the wait is over.
    polls = len(fake.calls("getUpdates"))
    with pytest.raises(RateLimited) as limited:
        await adapter.poll(batch.cursor, 0)
    assert 0 < limited.value.retry_after_s <= RateLimited.DEFAULT_S
    assert len(fake.calls("getUpdates")) == polls


async def test_edits_deletes_and_chat_events() -> None:
    fake = FakeRubika()
    fake.push(
        {"type": "UpdatedMessage", "chat_id": BOT_CHAT, "updated_message": {
            "message_id": "7", "text": "ویرایش", "time": "1643122999", "is_edited": True,
            "sender_type": "User", "sender_id": USER}},
        {"type": "RemovedMessage", "chat_id": BOT_CHAT, "removed_message_id": "7"},
        {"type": "StartedBot", "chat_id": GROUP},
        {"type": "InlineMessage", "chat_id": BOT_CHAT, "inline_message": {}},
        {"type": "SomethingNew", "chat_id": BOT_CHAT},
    )  # fmt: skip
    batch = await make(fake).poll(None, 0)
    edited, deleted, started = batch.events
    assert isinstance(edited, MessageEdited) and edited.message.edited_at is not None
    assert edited.chat.title == "سارا کریمی"
    assert deleted == MessageDeleted(edited.chat, "7")
    assert isinstance(started, ChatSeen) and started.chat.title == "گروه خرید"


async def test_poison_updates_become_unparsed_and_the_rest_survive() -> None:
    good = new_message(text="سالم", metadata={"meta_data_parts": [
        {"type": "Bold", "from_index": 0, "length": 4}]})  # fmt: skip
    lone = new_message(message_id="2")
    raw = json.dumps({"status": "OK", "data": {"updates": [
        good, {"type": "NewMessage", "chat_id": BOT_CHAT, "new_message": {"text": "no id"}},
        {"type": "NewMessage", "chat_id": 12.5, "new_message": []}, lone,
        "just a string", new_message(message_id="4", text="آخر")],
        "next_offset_id": "6790a1b2000000000000abcd"}})  # fmt: skip
    # A lone surrogate is legal JSON; inject it into the raw text of update "2".
    raw = raw.replace('"message_id": "2", "time": "1643122902"',
                      '"message_id": "2", "time": "1643122902", "x": "\\ud800"')  # fmt: skip
    fake = FakeRubika()
    fake.on("getUpdates", httpx.Response(200, content=raw.encode()))
    batch = await make(fake).poll("6790a1b2000000000000abcc", 0)
    kinds = [type(e).__name__ for e in batch.events]
    assert kinds == ["MessageNew", "Unparsed", "Unparsed", "Unparsed", "Unparsed", "MessageNew"]
    assert batch.cursor == "6790a1b2000000000000abcd"  # the cursor still advances
    first, last = batch.events[0], batch.events[-1]
    assert isinstance(first, MessageNew) and first.message.spans[0].kind == "bold"
    assert isinstance(last, MessageNew) and last.message.text == "آخر"
    poison = [e for e in batch.events if isinstance(e, Unparsed)]
    assert all(p.cursor_hint == batch.cursor and p.raw.isascii() and p.error for p in poison)
    assert b"\\ud800" in poison[2].raw


@pytest.mark.parametrize(
    "answer",
    [
        ok({"updates": {"not": "a list"}, "next_offset_id": "x"}),
        httpx.Response(200, content=b'{"status": "OK", "data": {"upda'),
        httpx.Response(200, content=b"<html>gateway</html>"),
        ok([1, 2]),
    ],
)
async def test_unreadable_get_updates_is_transient(answer: httpx.Response) -> None:
    fake = FakeRubika().on("getUpdates", answer)
    with pytest.raises(Transient):
        await make(fake).poll("c", 0)


async def test_chat_info_asks_once_then_polls_use_the_cache() -> None:
    fake = FakeRubika()
    adapter = make(fake)
    chat = await adapter.chat_info(GROUP)
    assert (chat.id, chat.kind, chat.title) == (GROUP, "group", "گروه خرید")
    fake.push(new_message(chat_id=GROUP, sender_id=MEMBER))
    await adapter.poll(None, 0)
    assert [s.body["chat_id"] for s in fake.calls("getChat")] == [GROUP, MEMBER]
