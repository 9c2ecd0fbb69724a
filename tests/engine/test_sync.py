"""Sync with the fake adapter: every error class, poison, gaps, locks, notices."""

from __future__ import annotations

import asyncio
import os
import random
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.errors import (
    Ambiguous,
    AuthFailed,
    Conflict,
    Forbidden,
    RateLimited,
    Rejected,
    Transient,
    Unsupported,
)
from tui.engine.locks import LockHeld
from tui.engine.notices import ChangeNotice, NoticeHub
from tui.engine.store import Store
from tui.engine.sync import STOPPED_BY_USER, AccountStopped, Backoff, SyncLoop
from tui.engine.testing import FakeAdapter, FakeClock, FakeServer

ACC = "fake:test"


def make_loop(store: Store, adapter: FakeAdapter, clock: FakeClock, **kw: object) -> SyncLoop:
    return SyncLoop(store, adapter, clock=clock, rng=random.Random(7), **kw)  # type: ignore[arg-type]


async def test_events_and_cursor_are_stored_and_announced(
    store: Store, server: FakeServer, adapter: FakeAdapter, clock: FakeClock
) -> None:
    hub = NoticeHub()
    seen: list[ChangeNotice] = []

    async def listen() -> None:
        async for notice in hub.subscribe():
            seen.append(notice)

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0)
    server.user_says("100", "سلام")
    server.user_says("200", "درود")
    loop = make_loop(store, adapter, clock, hub=hub)
    assert await loop.step() == "stored"
    await asyncio.sleep(0)
    listener.cancel()
    assert store.account(ACC).cursor == "3"  # type: ignore[union-attr]
    assert [e.chat_id for e in store.inbox()] == ["200", "100"]
    assert ChangeNotice("messages", ACC, frozenset({"100", "200"})) in seen
    assert await loop.step() == "empty"
    assert adapter.calls[-1] == ("poll", ("3", 25.0))
    assert server.confirmed_below == 3


async def test_rate_limited_waits_exactly_retry_after(
    store: Store, adapter: FakeAdapter, clock: FakeClock
) -> None:
    adapter.fail("poll", RateLimited(7))
    adapter.fail("poll", RateLimited(None))  # no hint: the 3 s default
    loop = make_loop(store, adapter, clock)
    assert await loop.step() == "rate_limited"
    assert await loop.step() == "rate_limited"
    assert clock.sleeps == [7.0, 3.0]
    assert store.account(ACC).status == "rate_limited"  # type: ignore[union-attr]
    await loop.step()
    assert adapter.count("poll") == 3


@pytest.mark.parametrize("error", [Transient("reset"), Ambiguous("?"), RuntimeError("bug")])
async def test_transient_failures_back_off_capped_and_reset_on_success(
    store: Store, adapter: FakeAdapter, clock: FakeClock, error: Exception
) -> None:
    if isinstance(error, Transient | Ambiguous):
        adapter.fail("poll", error, times=9)
    else:  # not an AdapterError at all: a bug in an adapter must not kill the loop
        real_poll = adapter.poll
        failures = iter(range(9))

        async def flaky(cursor: str | None, timeout_s: float) -> object:
            if next(failures, None) is not None:
                raise error
            return await real_poll(cursor, timeout_s)

        adapter.poll = flaky  # type: ignore[method-assign,assignment]
    loop = make_loop(store, adapter, clock)
    for _ in range(9):
        assert await loop.step() == "retrying"
    for n, delay in enumerate(clock.sleeps):
        nominal = min(30.0, 2.0**n)
        assert nominal / 2 <= delay <= nominal <= 30.0
    assert max(clock.sleeps) > 15  # it did grow to the cap's range
    clock.sleeps.clear()
    assert await loop.step() == "empty"  # success resets the backoff
    adapter.fail("poll", Transient("again"))
    assert await loop.step() == "retrying"
    assert 0.5 <= clock.sleeps[-1] <= 1.0


def test_backoff_never_exceeds_the_cap() -> None:
    b = Backoff(1.0, 30.0, random.Random(1))
    delays = [b.next() for _ in range(100)]
    assert max(delays) <= 30.0 and min(delays[10:]) >= 15.0


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (AuthFailed("401 Unauthorized"), "token rejected"),
        (Conflict("terminated by other getUpdates request"), "webhook"),
        (Rejected("bad request"), "refuses"),
        (Forbidden("x", "blocked"), "refuses"),
        (Unsupported("no receive"), "refuses"),
    ],
)
async def test_fatal_errors_stop_the_account_with_a_reason(
    store: Store, adapter: FakeAdapter, clock: FakeClock, error: Exception, words: str
) -> None:
    adapter.fail("poll", error)  # type: ignore[arg-type]
    loop = make_loop(store, adapter, clock)
    reason = await loop.run()
    assert words in reason
    info = store.account(ACC)
    assert info is not None and (info.status, info.status_reason) == ("stopped", reason)
    assert [m for m, _ in adapter.calls] == ["poll"]  # no retry, no webhook deletion
    assert clock.sleeps == []


async def test_conflict_names_409(store: Store, adapter: FakeAdapter, clock: FakeClock) -> None:
    adapter.fail("poll", Conflict("webhook is active"))
    with pytest.raises(AccountStopped, match="409"):
        await make_loop(store, adapter, clock).step()


async def test_poison_is_quarantined_and_the_cursor_moves_on_in_one_poll(
    store: Store, server: FakeServer, adapter: FakeAdapter, clock: FakeClock
) -> None:
    server.user_says("100", "before")
    server.poison(b'{"update_id": 2, "message": "\\ud800"}', "lone surrogate")
    server.user_says("100", "after")
    loop = make_loop(store, adapter, clock)
    assert await loop.step() == "stored"
    assert store.account(ACC).cursor == "4"  # type: ignore[union-attr]
    assert [m.text for m in store.page(ACC, "100").messages] == ["before", "after"]
    (q,) = store.quarantined(ACC)
    assert (q.error, q.cursor_hint) == ("lone surrogate", "2")
    await loop.step()
    assert server.confirmed_below == 4 and server.updates == []


async def test_edits_and_deletes_arrive_through_sync(
    store: Store, server: FakeServer, adapter: FakeAdapter, clock: FakeClock
) -> None:
    m = server.user_says("100", "اول")
    loop = make_loop(store, adapter, clock)
    await loop.step()
    clock.advance(60)
    server.user_edits(m, "دوم")
    other = server.user_says("100", "حذفی")
    server.user_deletes(other)
    await loop.step()
    first, second = store.page(ACC, "100").messages
    assert (first.text, first.edited_at, second.deleted) == ("دوم", clock.now(), True)


async def test_an_empty_batch_without_long_poll_sleeps_the_interval(
    store: Store, server: FakeServer, clock: FakeClock
) -> None:
    short = FakeAdapter.with_capabilities(long_poll=False, poll_interval_s=2.5)(server)
    loop = make_loop(store, short, clock)
    assert await loop.step() == "empty"
    assert clock.sleeps == [2.5]
    server.user_says("1", "x")
    assert await loop.step() == "stored"
    assert clock.sleeps == [2.5]  # a full batch: poll again at once


async def test_a_long_poll_is_not_followed_by_an_engine_sleep(
    store: Store, adapter: FakeAdapter, clock: FakeClock
) -> None:
    assert await make_loop(store, adapter, clock).step() == "empty"
    assert clock.sleeps == [25.0]  # the server's long-poll wait only


# --- gap markers -------------------------------------------------------------------------


async def test_gap_after_longer_offline_than_the_retention(
    store: Store, server: FakeServer, adapter: FakeAdapter, clock: FakeClock
) -> None:
    server.user_says("100", "a")
    await make_loop(store, adapter, clock).step()
    clock.advance(23 * 3600)
    server.user_says("100", "b")
    await make_loop(store, adapter, clock).step()
    assert store.gaps(ACC) == []  # 23 h: nothing was lost
    clock.advance(25 * 3600)
    server.user_says("100", "c")
    await make_loop(store, adapter, clock).step()
    (gap,) = store.gaps(ACC, "100")
    assert gap.kind == "offline" and gap.chat_id is None and "missing" in gap.reason
    assert gap.at == clock.now()


async def test_gap_when_ids_jump_while_the_account_is_active(
    store: Store, server: FakeServer, adapter: FakeAdapter, clock: FakeClock
) -> None:
    server.user_says("100", "a")
    loop = make_loop(store, adapter, clock)
    await loop.step()
    clock.advance(3600)
    server.reseed(5000)  # the server dropped updates 2..4999
    server.user_says("100", "b")
    await loop.step()
    (gap,) = store.gaps(ACC)
    assert gap.kind == "id_jump"


async def test_no_gap_for_a_reseed_after_a_week_idle(
    store: Store, server: FakeServer, adapter: FakeAdapter, clock: FakeClock
) -> None:
    server.user_says("100", "a")
    loop = make_loop(store, adapter, clock)
    await loop.step()
    for _ in range(16):  # eight days of empty polls every 12 h: polled, but nothing new
        clock.advance(12 * 3600)
        assert await loop.step() == "empty"
    server.reseed(987654)
    server.user_says("100", "b")
    assert await loop.step() == "stored"
    assert store.gaps(ACC) == []
    assert [m.text for m in store.page(ACC, "100").messages] == ["a", "b"]


# --- locks and the run loop --------------------------------------------------------------


async def test_a_second_poller_for_the_account_is_told_who_holds_it(
    store: Store, adapter: FakeAdapter, clock: FakeClock, tmp_path: Path
) -> None:
    first = make_loop(store, adapter, clock, lock_dir=tmp_path / "locks")
    second = make_loop(store, adapter, clock, lock_dir=tmp_path / "locks")
    task = asyncio.create_task(first.run())
    await asyncio.sleep(0.01)
    with pytest.raises(LockHeld) as held:
        await second.run()
    assert held.value.pid == os.getpid()
    assert str(os.getpid()) in str(held.value)
    polls = adapter.count("poll")
    first.stop()
    assert await task == STOPPED_BY_USER
    assert adapter.count("poll") == polls  # the second never polled
    third = make_loop(store, adapter, clock, lock_dir=tmp_path / "locks")
    task = asyncio.create_task(third.run())  # the lock was released
    await asyncio.sleep(0.01)
    third.stop()
    assert await task == STOPPED_BY_USER


async def test_run_keeps_polling_until_stopped(
    store: Store, server: FakeServer, adapter: FakeAdapter, clock: FakeClock
) -> None:
    hub = NoticeHub()
    notices = hub.subscribe()
    loop = make_loop(store, adapter, clock, hub=hub)
    for i in range(5):
        server.user_says("100", f"m{i}")
    task = asyncio.create_task(loop.run())
    async for notice in notices:  # wait until the loop says it stored them
        if notice.topic == "messages" and loop.cursor == "6":
            break
    await notices.aclose()
    loop.stop()
    assert await task == STOPPED_BY_USER
    assert [m.text for m in store.page(ACC, "100").messages] == [f"m{i}" for i in range(5)]
    assert store.account(ACC).status == "idle"  # type: ignore[union-attr]


async def test_a_restarted_loop_resumes_from_the_stored_cursor(
    store: Store, server: FakeServer, adapter: FakeAdapter, clock: FakeClock
) -> None:
    server.user_says("100", "a")
    await make_loop(store, adapter, clock).step()
    server.user_says("100", "b")
    await make_loop(store, FakeAdapter(server), clock).step()
    assert [m.text for m in store.page(ACC, "100").messages] == ["a", "b"]


def test_fake_clock_sleep_is_recorded(clock: FakeClock) -> None:
    start = clock.now()
    asyncio.run(clock.sleep(1.5))
    assert clock.sleeps == [1.5] and clock.now() - start == timedelta(seconds=1.5)


async def test_a_cancel_from_outside_propagates(
    store: Store, adapter: FakeAdapter, clock: FakeClock
) -> None:
    loop = make_loop(store, adapter, clock)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await loop.run()
