"""Rate pacing against the served mock: the outbox meets no 429; the same burst sent raw does.

Issue 4, "Tests — Rate pacing" (issue 7's "Rate compliance" is the same shape). The mock's rate
table (CONTRACTS §4: per private chat 1/s, per group 20/min, overall 30/s, token buckets with
bursts of 10 — 30 overall) is scaled with ``POST limits {"scale": 0.05}``, and the client's
:class:`~adapters.ratelimit.RateLimiter` by the same factor (the adapter's capabilities carry the
scaled table). 1,000 texts go to 5 private chats (170 each) and 2 groups (75 each) through the
real outbox and the real adapter into the real mock:

* 0 responses 429 over the whole run (steady state included), read from the request log;
* the log's arrival times, replayed through a fresh limiter at the mock's own (unscaled-margin)
  table, never exceed a per-chat, per-group or overall bucket — the limits hold at the mock,
  independently of the mock's bookkeeping;
* each text reached its chat exactly once, in order.

Then the same 1,000 sends go out raw (``adapter.send`` in a loop, no outbox, no limiter) against
fresh buckets, and the mock answers 429s (counted by the client's ``RateLimited``, and from the
log where the answer is an HTTP 429): the limiter is what kept the first run clean. The
paced run takes ~12 s (the groups' 20/min ÷ 0.05, at the client's 0.8 margin).
"""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.base import Adapter
from adapters.errors import RateLimited
from adapters.mock import MockServer
from adapters.ratelimit import RateLimiter
from tests.engine.mockharness import (
    Control,
    Producer,
    close_adapters,
    count_429,
    make_world,
    pump,
    real_adapter,
    sync_until,
)
from tui.engine.outbox import Outbox
from tui.engine.store import Store
from tui.engine.store_outbox import ELIGIBLE, ITEM_FROM

SCALE = 0.05
SOAK = os.environ.get("PAYAM_SOAK") == "1"
# x5 + x2 = 1,000 (make soak: 5,000)
PRIVATE_SENDS, GROUP_SENDS = (850, 375) if SOAK else (170, 75)
TOTAL = 5 * PRIVATE_SENDS + 2 * GROUP_SENDS


def over_limit(log: list[dict[str, Any]], kinds: dict[str, str], limiter: RateLimiter) -> int:
    """Sends whose arrival, replayed through ``limiter`` (mock time), found a bucket empty."""
    over = 0
    for e in log:
        chat = str(e["chat_id"])
        if limiter.check(chat, kinds[chat] != "private", float(e["t"])) > 0:
            over += 1
    return over


MESSENGERS = ("telegram", "bale", "splus", "rubika")


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.timeout(1200 if SOAK else 180)
async def test_1000_paced_sends_meet_no_429_and_the_same_burst_raw_does(tmp_path: Path) -> None:
    world = make_world(21, MESSENGERS)
    async with MockServer(world) as server, httpx.AsyncClient(trust_env=False) as http:
        control = Control(server.url, http)
        store = Store(tmp_path / "payam.db")
        adapters: dict[str, Adapter] = {}
        bots: dict[str, tuple[str, str, dict[str, str]]] = {}  # account -> messenger, token, kinds
        plans: dict[str, list[tuple[str, str]]] = {}
        try:
            for m in MESSENGERS:
                scaled = await control.limits(m, SCALE)
                token = await control.bot(m, f"pace_{m}")
                producer = Producer(world[m], token, random.Random(m), privates=5, groups=2)
                kinds = producer.open_chats()
                assert sorted(Counter(kinds.values()).items()) == [("group", 2), ("private", 5)]
                account = f"{m}:pace"
                adapters[account] = real_adapter(server.base_url(m), m, token, "pace", scale=SCALE)
                await sync_until(store, adapters[account], producer.end)  # learns the groups
                bots[account] = (m, token, kinds)
                plan = plans[account] = []
                for i in range(max(PRIVATE_SENDS, GROUP_SENDS)):
                    for chat, kind in kinds.items():
                        if i < (PRIVATE_SENDS if kind == "private" else GROUP_SENDS):
                            plan.append((chat, f"پیام زمان‌بندی‌شده {chat} شماره {i}"))
                assert len(plan) == TOTAL
                await control.clear_requests(m)

            outbox = Outbox(store, adapters, rng=random.Random(2))
            for account, plan in plans.items():
                for chat, text in plan:
                    await outbox.send_text(account, chat, text)
            await asyncio.gather(*(pump(outbox, account) for account in plans))

            figures: dict[str, tuple[int, int, float, int, int]] = {}
            for account, plan in plans.items():
                m, token, kinds = bots[account]
                items = await store.run(store.outbox, account)
                assert Counter(i.state for i in items) == {"sent": TOTAL}, account
                # One request per row, each sent at the first attempt: no rate-limit answer of
                # any form (Rubika's TOO_REQUESTS comes as an HTTP 200) made a row go again.
                assert {i.attempts for i in items} == {1}, account
                paced = await sends(control, m, token)
                assert len(paced) == TOTAL
                limiter = RateLimiter(world[m].spec.rate_limits.scaled(SCALE))
                over = over_limit(paced, kinds, limiter)
                span = paced[-1]["t"] - paced[0]["t"]
                for chat in kinds:
                    want = [text for c, text in plan if c == chat]
                    assert await control.chat_texts(m, token, chat) == want

                # The same burst, raw: no outbox, no limiter, fresh buckets at the mock.
                await control.limits(m, SCALE)
                await control.clear_requests(m)
                refused = 0
                for chat, text in plan:
                    try:
                        await adapters[account].send(chat, text)
                    except RateLimited:
                        refused += 1
                raw = await sends(control, m, token)
                if m != "rubika":  # Rubika's TOO_REQUESTS is an HTTP 200: only the client knows
                    assert refused == count_429(raw, injected=False)
                    assert all(e["retry_after"] >= 1 for e in raw if e["status"] == 429)
                figures[account] = (count_429(paced), over, span, refused, len(raw))
        finally:
            store.close()
            await close_adapters(adapters.values())
    for account, (paced_429, over, span, raw_429, raw_n) in figures.items():
        print(
            f"pacing {account} (scale {SCALE}: private {scaled['private_per_s']:g}/s, group "
            f"{scaled['group_per_s']:.3g}/s, overall {scaled['overall_per_s']:g}/s): {TOTAL} sends "
            f"in {span:.1f} s, {paced_429} responses 429, {over} over a bucket at the mock; "
            f"raw burst: {raw_429} rate-limited of {raw_n}"
        )
    for account, (paced_429, over, _, raw_429, _) in figures.items():
        assert paced_429 == 0, account
        assert over == 0, account
        assert raw_429 > 0, account


async def sends(control: Control, messenger: str, token: str) -> list[dict[str, Any]]:
    """The token's sendMessage requests in the mock's log."""
    log = await control.requests(messenger, token)
    return [e for e in log if e["api_method"] == "sendMessage"]


def test_the_deliverers_head_query_searches_the_index(tmp_path: Path) -> None:
    """Which rows may go now is asked before every send; it must not walk every older row (it
    did: ~10 ms a call with 1,000 rows queued, which starved the pacing above of CPU)."""
    with Store(tmp_path / "payam.db") as store:
        plan = store.query(
            f"EXPLAIN QUERY PLAN SELECT o.id FROM {ITEM_FROM} WHERE a.key = ? AND {ELIGIBLE}",  # noqa: S608
            ("telegram:pace",),
        )
    details = [str(row[-1]) for row in plan]
    scans = [d for d in details if d.startswith("SCAN")]
    assert scans == [], details
    assert any("outbox_by_state (account=? AND state=? AND chat=? AND id<?)" in d for d in details)
