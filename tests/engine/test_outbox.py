"""The outbox: state machine, crash recovery, order, parts, files, edits, claims, pacing."""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.errors import (
    Ambiguous,
    AuthFailed,
    Forbidden,
    RateLimited,
    Rejected,
    Transient,
    Unsupported,
)
from adapters.ratelimit import RateLimits
from tui.engine.notices import NoticeHub
from tui.engine.outbox import Outbox, OutboxError
from tui.engine.store import Store, StoreError
from tui.engine.testing import FakeAdapter, FakeClock, FakeServer

ACC = "fake:test"


def make_outbox(store: Store, adapter: FakeAdapter, clock: FakeClock, **kw: object) -> Outbox:
    return Outbox(store, {ACC: adapter}, clock=clock, rng=random.Random(3), **kw)  # type: ignore[arg-type]


@pytest.fixture
def outbox(store: Store, adapter: FakeAdapter, clock: FakeClock) -> Outbox:
    return make_outbox(store, adapter, clock)


def states(store: Store) -> list[str]:
    return [i.state for i in store.outbox(ACC)]


async def test_send_returns_at_once_with_a_local_echo_then_delivers(
    outbox: Outbox, store: Store, server: FakeServer
) -> None:
    (item,) = await outbox.send_text(ACC, "100", "سلام")
    assert item.state == "queued" and server.sent == []
    (echo,) = store.page(ACC, "100").messages
    assert (echo.text, echo.outgoing, echo.delivery) == ("سلام", True, "queued")
    assert echo.msg_id == f"local:{item.client_uuid}"
    await outbox.drain(ACC)
    (echo,) = store.page(ACC, "100").messages
    assert (echo.msg_id, echo.delivery) == (server.sent[0].message_id, "sent")
    assert states(store) == ["sent"]
    assert store.inbox()[0].unread == 0


async def test_long_text_is_split_into_ordered_parts_sent_in_order(
    store: Store, server: FakeServer, clock: FakeClock
) -> None:
    small = FakeAdapter.with_capabilities(max_text=20)(server)
    outbox = make_outbox(store, small, clock)
    text = "یک دو سه چهار پنج شش هفت هشت نه ده یازده دوازده سیزده"
    items = await outbox.send_text(ACC, "100", text)
    assert len(items) > 2
    assert [i.part for i in items] == list(range(1, len(items) + 1))
    assert all(len(i.body) <= 20 for i in items)
    assert " ".join(i.body for i in items) == text
    await outbox.drain(ACC)
    assert [s.text for s in server.sent] == [i.body for i in items]
    assert [m.text for m in store.page(ACC, "100").messages] == [i.body for i in items]


async def test_transient_failures_retry_until_sent_once(
    outbox: Outbox, store: Store, adapter: FakeAdapter, server: FakeServer, clock: FakeClock
) -> None:
    adapter.fail("send", Transient("connection refused"), times=4)
    await outbox.send_text(ACC, "100", "x")
    await outbox.drain(ACC)
    assert [s.text for s in server.sent] == ["x"]
    assert states(store) == ["sent"] and store.outbox(ACC)[0].attempts == 5
    assert 0 < max(clock.sleeps) <= 30


async def test_rate_limited_waits_exactly_retry_after(
    outbox: Outbox, store: Store, adapter: FakeAdapter, server: FakeServer, clock: FakeClock
) -> None:
    adapter.fail("send", RateLimited(12))
    await outbox.send_text(ACC, "100", "x")
    start = clock.now()
    assert await outbox.deliver_once(ACC) == 0.0
    (row,) = store.outbox(ACC)
    assert row.state == "queued" and row.next_try_at == start + timedelta(seconds=12)
    assert await outbox.deliver_once(ACC) == 12.0
    clock.advance(11.9)
    assert await outbox.deliver_once(ACC) == pytest.approx(0.1)
    assert server.sent == []
    clock.advance(0.1)
    await outbox.drain(ACC)
    assert [s.text for s in server.sent] == ["x"]


async def test_ambiguous_becomes_unknown_and_is_never_resent_by_itself(
    outbox: Outbox, store: Store, adapter: FakeAdapter, server: FakeServer
) -> None:
    adapter.fail("send", Ambiguous("read timeout"), processed=True)
    (item,) = await outbox.send_text(ACC, "100", "maybe")
    await outbox.drain(ACC)
    assert await outbox.deliver_once(ACC) is None
    row = store.outbox_item(item.client_uuid)
    assert row is not None and row.state == "unknown" and "read timeout" in row.error
    assert [s.text for s in server.sent] == ["maybe"]  # it did arrive, once
    assert store.page(ACC, "100").messages[0].delivery == "unknown"


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (Forbidden("100", "bot was blocked by the user"), "blocked"),
        (Rejected("chat not found"), "not found"),
        (AuthFailed("401"), "token rejected"),
        (Unsupported("no such option"), "no such option"),
    ],
)
async def test_refusals_fail_with_the_reason(
    outbox: Outbox, store: Store, adapter: FakeAdapter, error: Exception, words: str
) -> None:
    adapter.fail("send", error)  # type: ignore[arg-type]
    await outbox.send_text(ACC, "100", "x")
    await outbox.drain(ACC)
    (row,) = store.outbox(ACC)
    assert row.state == "failed" and words in row.error
    assert adapter.count("send") == 1


async def test_a_row_left_sending_by_a_crash_becomes_unknown_at_start(
    store: Store, adapter: FakeAdapter, server: FakeServer, clock: FakeClock, tmp_path: Path
) -> None:
    crashed = make_outbox(store, adapter, clock)
    (item,) = await crashed.send_text(ACC, "100", "in flight")
    assert store.outbox_claim(item.id, crashed.claimer, clock.now()) is not None
    # the process dies here, between the claim and the answer
    hub = NoticeHub()
    fresh = make_outbox(store, adapter, clock, lock_dir=tmp_path / "locks", hub=hub)
    notices = hub.subscribe()
    task = asyncio.create_task(fresh.run(ACC))
    while "interrupted" not in (await anext(notices)).detail:
        pass
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await notices.aclose()
    row = store.outbox_item(item.client_uuid)
    assert row is not None and row.state == "unknown" and "interrupted" in row.error
    assert server.sent == [] and adapter.count("send") == 0
    await fresh.resend(item.client_uuid)  # the user decides
    await fresh.drain(ACC)
    assert [s.text for s in server.sent] == ["in flight"]


async def test_resend_and_discard(outbox: Outbox, store: Store, adapter: FakeAdapter) -> None:
    adapter.fail("send", Rejected("nope"))
    (failed,) = await outbox.send_text(ACC, "100", "retry me")
    await outbox.drain(ACC)
    (queued,) = await outbox.send_text(ACC, "100", "drop me")
    with pytest.raises(StoreError):
        await outbox.resend(queued.client_uuid)  # only failed/unknown rows
    await outbox.discard(queued.client_uuid)
    assert [m.text for m in store.page(ACC, "100").messages] == ["retry me"]
    await outbox.resend(failed.client_uuid)
    await outbox.drain(ACC)
    assert states(store) == ["sent"]
    with pytest.raises(StoreError):
        await outbox.discard(failed.client_uuid)  # a sent row is history


async def test_a_failed_part_holds_back_the_later_parts(
    store: Store, server: FakeServer, clock: FakeClock
) -> None:
    small = FakeAdapter.with_capabilities(max_text=10)(server)
    outbox = make_outbox(store, small, clock)
    small.fail("send", Rejected("flood"))
    items = await outbox.send_text(ACC, "100", "aaaa bbbb cccc dddd")
    await outbox.drain(ACC)
    assert states(store) == ["failed", "queued"]
    assert server.sent == []
    await outbox.resend(items[0].client_uuid)
    await outbox.drain(ACC)
    assert [s.text for s in server.sent] == ["aaaa bbbb", "cccc dddd"]


async def test_rows_of_a_chat_go_in_order_and_other_chats_are_not_held_up(
    outbox: Outbox, adapter: FakeAdapter, server: FakeServer
) -> None:
    adapter.fail("send", RateLimited(30))
    await outbox.send_text(ACC, "a", "a1")
    await outbox.send_text(ACC, "a", "a2")
    await outbox.send_text(ACC, "b", "b1")
    await outbox.drain(ACC)
    assert [s.text for s in server.sent] == ["b1", "a1", "a2"]


async def test_files_go_through_the_outbox_with_their_caption(
    store: Store, server: FakeServer, clock: FakeClock, tmp_path: Path
) -> None:
    small = FakeAdapter.with_capabilities(max_caption=10, max_upload_bytes=100)(server)
    outbox = make_outbox(store, small, clock)
    path = tmp_path / "سند.txt"
    path.write_bytes(b"0123456789")
    items = await outbox.send_file(ACC, "100", path, caption="عنوان کوتاه و توضیح بیشتر")
    assert [i.op for i in items] == ["file", "text"]
    echo = store.page(ACC, "100").messages[0]
    assert echo.attachments[0].local_path == str(path.resolve())
    assert echo.attachments[0].file.name == "سند.txt" and echo.attachments[0].file.size == 10
    await outbox.drain(ACC)
    assert [(s.file, s.text) for s in server.sent] == [
        ("سند.txt", "عنوان"),
        (None, "کوتاه و توضیح بیشتر"),
    ]
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(OutboxError, match="limit"):
        await outbox.send_file(ACC, "100", tmp_path / "big")
    no_files = FakeAdapter.with_capabilities(files_send=False)(server)
    with pytest.raises(OutboxError, match="cannot send files"):
        await make_outbox(store, no_files, clock).send_file(ACC, "100", path)


async def test_edits_and_deletes_of_own_messages_go_through_the_outbox(
    outbox: Outbox, store: Store, adapter: FakeAdapter, server: FakeServer, clock: FakeClock
) -> None:
    await outbox.send_text(ACC, "100", "نسخه اول")
    await outbox.drain(ACC)
    (echo,) = store.page(ACC, "100").messages
    clock.advance(5)
    edit = await outbox.edit(ACC, "100", echo.id, "نسخه دوم")
    assert edit is not None and edit.op == "edit"
    assert store.page(ACC, "100").messages[0].text == "نسخه اول"  # shown once it is done
    await outbox.drain(ACC)
    assert server.edits == [("100", echo.msg_id, "نسخه دوم")]
    (m,) = store.page(ACC, "100").messages
    assert (m.text, m.edited_at) == ("نسخه دوم", clock.now())
    await outbox.delete(ACC, "100", echo.id)
    await outbox.drain(ACC)
    assert server.deletes == [("100", echo.msg_id)]
    assert store.page(ACC, "100").messages[0].deleted


async def test_an_ambiguous_edit_is_unknown_too(
    outbox: Outbox, store: Store, adapter: FakeAdapter
) -> None:
    await outbox.send_text(ACC, "100", "x")
    await outbox.drain(ACC)
    adapter.fail("edit", Ambiguous("reset"), processed=True)
    await outbox.edit(ACC, "100", store.page(ACC, "100").messages[0].id, "y")
    await outbox.drain(ACC)
    assert states(store) == ["sent", "unknown"]


async def test_editing_or_deleting_an_unsent_message_needs_no_request(
    outbox: Outbox, store: Store, adapter: FakeAdapter, server: FakeServer
) -> None:
    (item,) = await outbox.send_text(ACC, "100", "typo")
    assert await outbox.edit(ACC, "100", item.message or 0, "fixed") is None
    (gone,) = await outbox.send_text(ACC, "100", "oops")
    assert await outbox.delete(ACC, "100", gone.message or 0) is None
    await outbox.drain(ACC)
    assert [s.text for s in server.sent] == ["fixed"]
    assert adapter.count("edit") == adapter.count("delete") == 0
    assert [m.text for m in store.page(ACC, "100").messages] == ["fixed"]


async def test_capabilities_are_checked_before_queueing(
    store: Store, server: FakeServer, clock: FakeClock
) -> None:
    plain = FakeAdapter.with_capabilities(edit=False, delete=False, reply=False)(server)
    outbox = make_outbox(store, plain, clock)
    with pytest.raises(OutboxError, match="reply"):
        await outbox.send_text(ACC, "100", "x", reply_to="5")
    with pytest.raises(OutboxError, match="edit"):
        await outbox.edit(ACC, "100", 1, "x")
    with pytest.raises(OutboxError, match="delete"):
        await outbox.delete(ACC, "100", 1)
    with pytest.raises(OutboxError, match="nothing"):
        await outbox.send_text(ACC, "100", "   ")
    with pytest.raises(OutboxError, match="no adapter"):
        await outbox.send_text("bale:other", "100", "x")
    assert store.outbox() == []


async def test_two_deliverers_on_two_connections_never_send_a_row_twice(
    db_path: Path, server: FakeServer, clock: FakeClock
) -> None:
    store_a, store_b = Store(db_path), Store(db_path)
    a = make_outbox(store_a, FakeAdapter(server), clock)
    b = make_outbox(store_b, FakeAdapter(server), clock)
    for i in range(40):
        await a.send_text(ACC, f"c{i % 8}", f"m{i}")
    await asyncio.gather(a.drain(ACC), b.drain(ACC))
    texts = [s.text for s in server.sent]
    assert sorted(texts) == sorted(f"m{i}" for i in range(40))
    assert len(texts) == len(set(texts))
    assert {i.state for i in store_a.outbox()} == {"sent"}
    store_a.close()
    store_b.close()


async def test_notices_tell_the_ui_about_outbox_changes(
    store: Store, adapter: FakeAdapter, clock: FakeClock
) -> None:
    hub = NoticeHub()
    outbox = make_outbox(store, adapter, clock, hub=hub)
    got = []

    async def listen() -> None:
        async for notice in hub.subscribe():
            got.append(notice)

    task = asyncio.create_task(listen())
    await asyncio.sleep(0)
    await outbox.send_text(ACC, "100", "x")
    await outbox.drain(ACC)
    await asyncio.sleep(0)
    task.cancel()
    assert [n.topic for n in got] == ["outbox", "outbox"]
    assert all(n.chat_ids == frozenset({"100"}) for n in got)


# --- pacing ------------------------------------------------------------------------------


async def test_a_steady_burst_is_paced_below_the_table_and_a_raw_burst_is_not(
    store: Store, clock: FakeClock
) -> None:
    limits = RateLimits()  # CONTRACTS §4: 1/s per private chat, 20/min per group, 30/s overall
    server = FakeServer(clock, limits=limits)  # answers 429 over the table, like the mocks
    for g in ("g1", "g2"):
        server.chat(g, "group")
    adapter = FakeAdapter(server)
    outbox = make_outbox(store, adapter, clock)
    chats = [f"p{i}" for i in range(5)] + ["g1", "g2"]
    for g in ("g1", "g2"):  # the store knows the chat kinds (from sync or chat_info)
        store.ensure_chat(ACC, g, kind="group")
    for i in range(300):
        await outbox.send_text(ACC, chats[i % len(chats)], f"m{i}")
    await outbox.drain(ACC)
    assert server.too_many == 0
    assert sorted(s.text for s in server.sent) == sorted(f"m{i}" for i in range(300))
    # the same table on the receiving side never had to wait: checked by the server above;
    # the pacing was not trivially slow either (groups bound it: 43 a group at ≤ 16/min)
    span = server.sent[-1].at - server.sent[0].at
    assert span < 43 / (20 / 60 * 0.8) * 1.2

    raw_server = FakeServer(clock, limits=limits)
    raw = FakeAdapter(raw_server)
    for i in range(100):
        with contextlib.suppress(RateLimited):
            await raw.send(chats[i % 5], f"r{i}")
    assert raw_server.too_many > 0  # the limiter is real


async def test_a_second_process_only_queues_while_the_lock_holder_delivers(
    db_path: Path, server: FakeServer, tmp_path: Path
) -> None:
    locks = tmp_path / "locks"
    tui_store, cli_store = Store(db_path), Store(db_path)
    # real time, short idle polls: with a fake clock every idle loop would spin
    tui = Outbox(tui_store, {ACC: FakeAdapter(server)}, lock_dir=locks, idle_poll_s=0.01)
    cli_adapter = FakeAdapter(server)
    cli = Outbox(cli_store, {ACC: cli_adapter}, lock_dir=locks, idle_poll_s=0.01)
    tui_task = asyncio.create_task(tui.run(ACC))
    await asyncio.sleep(0)  # the TUI's deliverer takes the send lock
    items = await cli.send_text(ACC, "100", "from payam send")
    cli_task = asyncio.create_task(cli.run(ACC))  # cannot get the lock: only waits
    (done,) = await cli.settle([i.client_uuid for i in items])
    assert done.state == "sent"
    assert [s.text for s in server.sent] == ["from payam send"]
    assert cli_adapter.count("send") == 0  # delivered by the lock holder
    for task in (tui_task, cli_task):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    tui_store.close()
    cli_store.close()
