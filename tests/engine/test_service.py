"""The service facade over the real served mocks: start/stop, inbox, pages, state, notices.

Real HTTP on loopback (a :class:`ThreadedMockServer`), real adapters, real SQLite. Waits are
hang guards (``until``), never pass figures.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.mock import ThreadedMockServer
from adapters.secret import Secret
from tests.cli.mockkit import HANG_GUARD_S, MockKit, until
from tui.engine.runtime import AccountParts
from tui.engine.service import Service, ServiceOptions
from tui.engine.service_inbox import Subscription
from tui.engine.service_types import (
    ChangedElsewhere,
    InboxChanged,
    InboxFilter,
    MessagesChanged,
    Notice,
    StoreChecked,
)
from tui.engine.store import Store

MakeService = Callable[..., Awaitable[Service]]


@pytest.fixture
def mocks() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=11) as server:
        kit = MockKit(server)
        yield kit
        kit.close()


@pytest.fixture
async def make_service(tmp_path: Path) -> AsyncIterator[MakeService]:
    made: list[Service] = []

    async def make(*parts: AccountParts, start: bool = True, **changes: Any) -> Service:
        options = ServiceOptions(
            lock_dir=tmp_path / "locks", downloads_dir=tmp_path / "downloads", **changes
        )
        service = Service(tmp_path / "data" / "payam.db", parts, options=options)
        made.append(service)
        if start:
            await service.start()
        return service

    yield make
    for service in made:
        await service.stop()


async def next_matching(sub: Subscription, check: Callable[[Notice], bool]) -> Notice:
    """The next notice ``check`` accepts (hang-guarded)."""

    async def find() -> Notice:
        async for notice in sub:
            if check(notice):
                return notice
        raise AssertionError("the subscription ended")

    return await asyncio.wait_for(find(), HANG_GUARD_S)


def advance(mocks: MockKit, seconds: float = 60) -> None:
    """Move the (shared) mock clock, so message dates differ by more than a second."""
    mocks.control("bale", "clock", {"advance_s": seconds})


async def test_start_paints_before_any_token_is_read_and_stop_records_it(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("bale")
    gate = threading.Event()
    reads: list[float] = []

    def slow_token() -> Secret:
        reads.append(time.monotonic())
        gate.wait(HANG_GUARD_S)  # a keyring prompt the user has not answered yet
        return Secret(token)

    parts = replace(mocks.parts("bale", "shop", token), load_token=slow_token)
    try:
        service = await make_service(parts)
        # start() returned: the inbox can be painted while the token is still being read.
        assert service.inbox() == []
        assert service.account_status("bale:shop").state == "starting"
    finally:
        gate.set()
    (status,) = await service.wait_ready()
    assert status.state == "polling" and status.delivering == "here"
    assert status.capabilities is not None and status.capabilities.edit
    assert len(reads) == 1
    await service.stop()
    info = Store(service.store.path).account("bale:shop")
    assert info is not None and (info.status, info.status_reason) == (
        "idle",
        "stopped by the user",
    )


async def test_inbox_order_unread_counts_pins_and_filters(
    mocks: MockKit, make_service: MakeService
) -> None:
    bale, tg = mocks.bot("bale"), mocks.bot("telegram", "Friend Bot", "friend_bot")
    sara, _ = mocks.inbound("bale", bale, "سلام", sender="سارا كريمي", username="sara_k")
    advance(mocks)
    reza, _ = mocks.inbound("bale", bale, "hi", sender="Reza")  # (Arabic ك/ي in Sara's name)
    advance(mocks)
    team, _ = mocks.inbound(
        "bale", bale, "جلسه", sender="Reza", chat={"type": "group", "title": "Shop team"}
    )
    advance(mocks)
    mocks.inbound("bale", bale, "کی می‌رسه؟", sender="سارا كريمي", username="sara_k")
    advance(mocks)
    ali, _ = mocks.inbound("telegram", tg, "hello from abroad", sender="Ali")
    service = await make_service(
        mocks.parts("bale", "shop", bale), mocks.parts("telegram", "me", tg)
    )
    await until(lambda: sum(r.unread for r in service.inbox()) == 5, "five unread messages")
    rows = service.inbox()
    assert [(r.account, r.chat_id) for r in rows] == [
        ("telegram:me", ali),
        ("bale:shop", sara),
        ("bale:shop", team),
        ("bale:shop", reza),
    ]
    assert [r.unread for r in rows] == [1, 2, 1, 1]
    assert rows[1].preview == "کی می‌رسه؟" and rows[2].kind == "group"

    await service.set_chat_state("bale:shop", reza, pinned=True)
    assert [r.chat_id for r in service.inbox()][:2] == [reza, ali]
    assert [r.chat_id for r in service.inbox(InboxFilter(messengers=frozenset({"telegram"})))] == [
        ali
    ]
    bale_only = service.inbox(InboxFilter(accounts=frozenset({"bale:shop"})))
    assert {r.chat_id for r in bale_only} == {sara, team, reza}
    # type-to-filter folds Persian spellings: Persian ک/ی find a title typed with Arabic ك/ي
    assert [r.chat_id for r in service.inbox(InboxFilter(text="کریمی"))] == [sara]
    assert [r.chat_id for r in service.inbox(InboxFilter(text="shop TEAM"))] == [team]
    assert await service.mark_read("bale:shop", sara) == 0
    unread = service.inbox(InboxFilter(unread_only=True))
    assert {r.chat_id for r in unread} == {ali, team, reza}


async def test_keyset_pages_and_jumping_to_a_message(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("bale")
    ids = []
    for i in range(25):
        chat, mid = mocks.inbound("bale", token, f"m{i:02d}")
        ids.append(mid)
        advance(mocks, 1)
    service = await make_service(mocks.parts("bale", "shop", token))
    await until(lambda: service.inbox() and service.inbox()[0].unread == 25, "25 messages")

    newest = await service.page("bale:shop", chat, limit=10)
    assert [m.text for m in newest.messages] == [f"m{i:02d}" for i in range(15, 25)]
    assert newest.has_older and not newest.has_newer
    older = await service.page("bale:shop", chat, before=newest.messages[0].id, limit=10)
    assert [m.text for m in older.messages] == [f"m{i:02d}" for i in range(5, 15)]
    assert older.has_older and older.has_newer
    newer = await service.page("bale:shop", chat, after=older.messages[-1].id, limit=3)
    assert [m.text for m in newer.messages] == ["m15", "m16", "m17"]
    around = await service.page_around("bale:shop", chat, msg_id=ids[12], limit=6)
    texts = [m.text for m in around.messages]
    assert texts == ["m09", "m10", "m11", "m12", "m13", "m14"]
    assert around.has_older and around.has_newer
    hit = around.messages[3]
    again = await service.page_around("bale:shop", chat, message=hit.id, limit=6)
    assert [m.text for m in again.messages] == texts


async def test_mark_read_and_chat_state_persist_and_notify(
    mocks: MockKit, make_service: MakeService, tmp_path: Path
) -> None:
    token = mocks.bot("bale")
    chat, _ = mocks.inbound("bale", token, "one")
    mocks.inbound("bale", token, "two")
    service = await make_service(mocks.parts("bale", "shop", token))
    await until(lambda: service.inbox() and service.inbox()[0].unread == 2, "two unread")
    with service.subscribe() as sub:
        assert await service.mark_read("bale:shop", chat) == 0
        notice = await next_matching(sub, lambda n: isinstance(n, InboxChanged))
        assert notice == InboxChanged(frozenset({("bale:shop", chat)}))
    assert service.chat("bale:shop", chat).unread == 0  # type: ignore[union-attr]
    state = await service.set_chat_state(
        "bale:shop", chat, direction="rtl", muted=True, draft="پیش\u200cنویس"
    )
    assert (state.direction, state.muted, state.pinned, state.draft) == (
        "rtl",
        True,
        False,
        "پیش\u200cنویس",
    )
    assert service.chat("bale:shop", chat).state.muted  # type: ignore[union-attr]
    await service.stop()
    reopened = await make_service()  # the same store, no accounts: state is in the store
    kept = await reopened.chat_state("bale:shop", chat)
    assert kept.draft == "پیش\u200cنویس" and kept.direction == "rtl" and kept.read_up_to > 0
    assert reopened.chat("bale:shop", chat).unread == 0  # type: ignore[union-attr]


async def test_history_at_start_is_told_apart_from_live_arrivals(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("bale")
    an_hour_ago = time.time() - 3600
    chat, old = mocks.inbound("bale", token, "sent while payam was closed", date=an_hour_ago)
    service = await make_service(mocks.parts("bale", "shop", token), start=False)
    with service.subscribe() as sub:
        await service.start()
        first = await next_matching(sub, lambda n: isinstance(n, MessagesChanged))
        assert first == MessagesChanged(
            "bale:shop", chat, new=(old,), live=False, incoming=True, origin="sync"
        )
        await until(lambda: service.runners["bale:shop"].caught_up, "the backlog drained")
        _, live = mocks.inbound("bale", token, "and now, live")
        second = await next_matching(sub, lambda n: isinstance(n, MessagesChanged))
        assert second == MessagesChanged(
            "bale:shop", chat, new=(live,), live=True, incoming=True, origin="sync"
        )
        mocks.edit("bale", token, chat, live, "and now, live (edited)")
        edited = await next_matching(sub, lambda n: isinstance(n, MessagesChanged))
        assert isinstance(edited, MessagesChanged)
        assert edited.edited == (live,) and edited.live and not edited.new
    stored = await service.message("bale:shop", chat, live)
    assert stored is not None and stored.text == "and now, live (edited)"
    assert stored.edited_at is not None


async def test_writes_by_another_process_become_notices(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("bale")
    mocks.inbound("bale", token, "hello")
    service = await make_service(mocks.parts("bale", "shop", token), watch_interval_s=0.05)
    await until(lambda: service.inbox(), "the first chat")
    with service.subscribe() as sub:
        other = Store(service.store.path)  # a second connection: what `payam send` would open
        try:
            other.ensure_chat("bale:other", "42", kind="group", title="Elsewhere")
            other.enqueue_text("bale:other", "42", ["queued by another process"], now=other_now())
        finally:
            other.close()
        notice = await next_matching(
            sub, lambda n: isinstance(n, MessagesChanged) and n.origin == "elsewhere"
        )
        assert notice == MessagesChanged(
            "bale:other", "42", live=True, incoming=False, origin="elsewhere"
        )
        everything = await next_matching(sub, lambda n: isinstance(n, ChangedElsewhere))
        assert ("bale:other", "42") in everything.chats  # type: ignore[union-attr]
    row = service.chat("bale:other", "42")
    assert row is not None and row.preview == "queued by another process" and row.kind == "group"


def other_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


async def test_store_check_runs_on_request_and_is_announced(make_service: MakeService) -> None:
    service = await make_service()
    with service.subscribe() as sub:
        assert await service.check_store() == []
        assert await next_matching(sub, lambda n: isinstance(n, StoreChecked)) == StoreChecked(())


async def test_search_is_newest_first_and_folds_persian(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("bale")
    mocks.inbound("bale", token, "كتاب قديمي")  # Arabic kaf and yeh
    advance(mocks)
    chat, _ = mocks.inbound("bale", token, "می\u200cخواهم کتاب بخرم")
    service = await make_service(mocks.parts("bale", "shop", token))
    await until(lambda: service.inbox() and service.inbox()[0].unread == 2, "two messages")
    hits = await service.search("کتاب")
    assert [h.message.text for h in hits] == ["می\u200cخواهم کتاب بخرم", "كتاب قديمي"]
    first = hits[0]
    start, end = first.snippet.highlights[0]
    assert first.message.text[start:end] == "کتاب" and first.message.chat_id == chat
    assert await service.search("کتاب", accounts=["telegram:none"]) == []
