"""The world's parts on their own: clock, ids, update queue, fault plan, scenarios, runners."""

from __future__ import annotations

import asyncio
import random
import re
import threading

import httpx
import pytest

from adapters.mock import (
    EitaaIds,
    MockClock,
    MockWorld,
    RubikaIds,
    TelegramIds,
    ThreadedMockServer,
    build_scenario,
    object_id,
)
from adapters.mock.faults import FaultPlan
from adapters.mock.updates import UpdateQueue


def test_the_clock_follows_real_time_and_only_moves_forward() -> None:
    clock = MockClock(start=1_000_000.0)
    assert 1_000_000.0 <= clock.now() < 1_000_100.0
    assert clock.advance(86_400) >= 1_086_400.0
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    assert clock.http_date().endswith("GMT")


def test_id_formats() -> None:
    rng = random.Random(1)
    tg = TelegramIds()
    bot_id = tg.new_bot_id(rng)
    assert re.fullmatch(rf"{bot_id}:[A-Za-z0-9_-]{{35}}", tg.new_token(rng, bot_id))
    assert tg.to_wire("-1001234") == -1001234 and tg.to_wire("name") == "name"
    assert tg.normalize(42) == "42" and tg.normalize(" 42 ") == "42"
    with pytest.raises(ValueError, match="not an id"):
        tg.normalize(True)
    eitaa = EitaaIds()
    token = eitaa.new_token(rng, "123456")
    assert re.fullmatch(
        r"bot123456:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", token
    )
    assert eitaa.bot_id_from_token(token) == "123456"
    rubika = RubikaIds()
    user = rubika.new_user_id(rng)
    assert user.startswith("u0") and len(user) == 32
    assert rubika.new_chat_id(rng, "group").startswith("g0")
    assert rubika.new_chat_id(rng, "channel").startswith("c0")
    chat = rubika.private_chat_id(user, "b0bot")
    assert chat.startswith("b0") and chat == rubika.private_chat_id(user, "b0bot")
    assert rubika.to_wire("123") == "123"
    ids = [rubika.new_message_id(0, 1_700_000_000.0) for _ in range(3)]
    assert [int(i) for i in ids] == sorted(int(i) for i in ids) and len(set(ids)) == 3


def test_object_ids_sort_by_time_then_sequence() -> None:
    a, b, c = object_id(1_700_000_000, 5), object_id(1_700_000_000, 6), object_id(1_700_000_001, 1)
    assert len(a) == 24 and a < b < c
    assert a[:8] == f"{1_700_000_000:08x}"
    # aiorubi's self-made first cursor sorts before anything issued at or after that second.
    assert f"{1_700_000_000:08x}" + "0" * 16 < a


def test_queue_ack_retention_and_reseed() -> None:
    clock = MockClock(start=1_000_000.0)
    queue = UpdateQueue(clock, random.Random(0))
    first = queue.push("new")
    second = queue.push("new")
    assert (first.seq, second.seq) == (1, 2)
    queue.confirm_below(2)
    assert [r.seq for r in queue.select(100)] == [2]
    assert [r.seq for r in queue.select(100, replay=True)] == [1, 2]
    clock.advance(24 * 3600 + 1)
    assert queue.select(100) == []
    clock.advance(7 * 24 * 3600)
    jumped = queue.push("new")
    assert jumped.seq > second.seq + 1000  # a week idle: Telegram picks the next id at random


async def test_a_newer_poll_terminates_the_older() -> None:
    queue = UpdateQueue(MockClock(), random.Random(0))
    older = queue.begin_poll()
    waiting = asyncio.create_task(queue.wait_for_updates(older, 30, 100))
    await asyncio.sleep(0)
    newer = queue.begin_poll()
    assert await waiting is None
    assert older.terminated and not newer.terminated
    queue.end_poll(older)  # ending the older one does not unregister the newer
    other_thread = threading.Thread(target=queue.push, args=("new",))
    got = asyncio.create_task(queue.wait_for_updates(newer, 30, 100))
    await asyncio.sleep(0)
    other_thread.start()
    records = await got
    other_thread.join()
    assert records is not None and [r.kind for r in records] == ["new"]


def test_fault_plan_kinds_apply_where_they_make_sense() -> None:
    plan = FaultPlan(seed=3, rate=1.0, kinds=["replay"])
    assert plan.draw(poll=False, effect=True) is None
    assert plan.draw(poll=True, effect=False) == "replay"
    plan = FaultPlan(seed=3, rate=1.0, kinds=["ambiguous_send", 429])
    assert {plan.draw(poll=False, effect=False) for _ in range(20)} == {"429"}
    assert FaultPlan(seed=3, rate=0.0, kinds=["500"]).draw(poll=True, effect=True) is None
    bad: list[tuple[float, list[str | int]]] = [(0.5, []), (0.5, ["x"]), (2.0, ["500"])]
    for rate, kinds in bad:
        with pytest.raises(ValueError, match=r"kind|rate"):
            FaultPlan(seed=1, rate=rate, kinds=kinds)


def test_the_demo_scenario_is_seeded() -> None:
    one, two, other = MockWorld(5), MockWorld(5), MockWorld(6)
    tokens = build_scenario(one, "demo", 5)
    assert tokens == build_scenario(two, "demo", 5) != build_scenario(other, "demo", 6)
    assert {"telegram", "bale", "splus"} <= set(tokens)
    assert all(len(t) == 1 for t in tokens.values())
    assert build_scenario(MockWorld(1), "empty", 1) == {m: [] for m in MockWorld(1)}
    bale = one["bale"]
    bot = bale.bots[tokens["bale"][0]]
    texts = [r.message.text for r in bot.queue.select(100) if r.message]
    assert any("\u200c" in t for t in texts) and any("Shiraz" in t for t in texts)
    with pytest.raises(ValueError, match="unknown scenario"):
        build_scenario(MockWorld(1), "chaos", 1)


def test_the_threaded_runner_serves_sync_code_and_restarts() -> None:
    with ThreadedMockServer(scenario="demo", seed=2) as mocks:
        token = mocks.tokens["telegram"][0]
        url = f"{mocks.base_url('telegram')}/bot{token}/getUpdates"
        with httpx.Client(timeout=10, trust_env=False) as client:
            updates = client.post(url, json={"timeout": 0}).json()["result"]
            assert len(updates) == 5
            port = mocks.port
            mocks.stop()
            with pytest.raises(httpx.ConnectError):
                client.get(url)
            mocks.start()
            assert mocks.port == port
            assert len(client.get(url).json()["result"]) == 5
