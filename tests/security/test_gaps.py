"""Gap markers: one in 100 % of real gaps, none after a week-idle re-seed, none in normal runs.

Issue 7, "Gaps". Two halves:

* **Through the served mock** (real adapters over loopback, the engine's clock reading the
  mock's clock, which the control API moves forward): offline past the 24 h retention (each
  receiving messenger), an id jump while active (another client drops the pending updates with
  ``deleteWebhook(drop_pending_updates)``: Telegram-style APIs), a re-seed after 8 days of
  empty polls (the mock picks ids 10⁵–10⁷ ahead), and a normal day of polls. Each asserts the
  ground truth too: the messages really were lost (or really all arrived).
* **Seeded scenarios** over the fake server (:mod:`tests.security.gapkit`): 1,000 normal runs,
  and 200 each of offline, id jump and re-seed, judged against what the users wrote. Printed:
  the counts per kind. ``PAYAM_SOAK=1`` runs ten times as many.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from adapters.base import Adapter
from adapters.mock import MockServer, MockWorld
from tests.engine.mockharness import Control, Producer, make_world, real_adapter, stored_view
from tests.security.gapkit import Kind, Outcome, scenario
from tui.engine.store import Store
from tui.engine.sync import SyncConfig, SyncLoop

SOAK = os.environ.get("PAYAM_SOAK") == "1"
RUNS: dict[Kind, int] = {"normal": 1000, "offline": 200, "id_jump": 200, "reseed": 200}
HOUR = 3600.0


class MockTime:
    """The engine's clock reading the mock world's clock (moved by the control API)."""

    def __init__(self, world: MockWorld, messenger: str) -> None:
        self.clock = world[messenger].clock

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC)

    def monotonic(self) -> float:
        return self.clock.now()

    async def sleep(self, seconds: float) -> None:
        """Never needed here: every poll is asked with timeout 0 and the mock answers."""


@dataclass
class Rig:
    """One account on the served mock, polled step by step."""

    messenger: str
    control: Control
    producer: Producer
    adapter: Adapter
    store: Store
    loop: SyncLoop

    async def drain(self) -> None:
        for _ in range(50):
            if await self.loop.step() == "empty":
                return
        raise AssertionError("the poller never drained")

    async def advance(self, seconds: float) -> None:
        await self.control.call(self.messenger, "clock", {"advance_s": seconds})

    def markers(self) -> list[str]:
        return [g.kind for g in self.store.gaps(self.adapter.spec.key)]

    def lost(self) -> int:
        """Messages the users wrote that the store does not hold."""
        got = stored_view(self.store._conn, self.adapter.spec.key)
        return sum(1 for key in self.producer.expected() if key not in got.messages)


@pytest.fixture
async def rig(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rig]:
    messenger: str = request.param
    world = make_world(17, (messenger,))
    async with MockServer(world) as server, httpx.AsyncClient(trust_env=False) as http:
        control = Control(server.url, http)
        token = await control.bot(messenger, "gaps")
        producer = Producer(world[messenger], token, random.Random(5), label="g")
        adapter = real_adapter(server.base_url(messenger), messenger, token, "gaps")
        store = Store(tmp_path / "payam.db")
        loop = SyncLoop(
            store,
            adapter,
            clock=MockTime(world, messenger),
            config=SyncConfig(poll_timeout_s=0.0),
            rng=random.Random(1),
        )
        try:
            yield Rig(messenger, control, producer, adapter, store, loop)
        finally:
            store.close()
            await adapter._client.aclose()


@pytest.mark.parametrize("rig", ["telegram", "bale", "splus", "rubika"], indirect=True)
async def test_offline_past_the_retention_is_marked(rig: Rig) -> None:
    rig.producer.produce(5, edit_share=0)
    await rig.drain()
    rig.producer.produce(3, edit_share=0)  # written while nothing polls …
    await rig.advance(25 * HOUR)  # … and forgotten by the server a day later
    rig.producer.produce(2, edit_share=0)
    await rig.drain()
    assert rig.lost() == 3  # a real gap: the three are gone
    assert rig.markers() == ["offline"]


@pytest.mark.parametrize("rig", ["telegram", "bale", "splus"], indirect=True)
async def test_an_id_jump_while_active_is_marked(rig: Rig) -> None:
    rig.producer.produce(5, edit_share=0)
    await rig.drain()
    await rig.advance(2 * HOUR)
    rig.producer.produce(3, edit_share=0)
    # Another client on the token drops what is pending (the updates are lost for good).
    url = f"{rig.adapter.spec.base_url}/bot{rig.producer.token}/deleteWebhook"
    async with httpx.AsyncClient(trust_env=False) as other:
        answer = await other.post(url, json={"drop_pending_updates": True})
    assert answer.json()["ok"] is True
    rig.producer.produce(2, edit_share=0)
    await rig.drain()
    assert rig.lost() == 3
    assert rig.markers() == ["id_jump"]


@pytest.mark.parametrize("rig", ["telegram"], indirect=True)
async def test_no_marker_after_a_week_idle_reseed(rig: Rig) -> None:
    rig.producer.produce(5, edit_share=0)
    await rig.drain()
    before = int(rig.loop.cursor or 0)
    for _ in range(16):  # eight days of empty polls, 12 h apart
        await rig.advance(12 * HOUR)
        await rig.drain()
    rig.producer.produce(3, edit_share=0)
    await rig.drain()
    assert int(rig.loop.cursor or 0) - before > 10**5  # the mock did re-seed its ids
    assert rig.lost() == 0
    assert rig.markers() == []


@pytest.mark.parametrize("rig", ["telegram", "rubika"], indirect=True)
async def test_no_marker_in_a_normal_day(rig: Rig) -> None:
    for _ in range(12):
        rig.producer.produce(random.Random(len(rig.producer.updates)).randrange(0, 4), edit_share=0)
        await rig.advance(2 * HOUR)
        await rig.drain()
    assert rig.lost() == 0 and rig.markers() == []


@pytest.mark.soak
@pytest.mark.timeout(900 if SOAK else 120)
async def test_seeded_runs_mark_every_real_gap_and_nothing_else(tmp_path: Path) -> None:
    scale = 10 if SOAK else 1
    store = Store(tmp_path / "payam.db")
    outcomes: list[Outcome] = []
    try:
        for kind, n in RUNS.items():
            for i in range(n * scale):
                outcomes.append(await scenario(store, kind, i, seed=hash((kind, i)) & 0xFFFFFFF))
    finally:
        store.close()
    table: dict[str, Counter[str]] = {}
    for o in outcomes:
        row = table.setdefault(o.kind, Counter())
        row["runs"] += 1
        row["real gaps"] += o.lost > 0
        row["marked"] += o.markers > 0
        row["lost messages"] += o.lost
        row["id jumps seen"] += o.jumped
    print("\ngaps:", {k: dict(v) for k, v in table.items()})
    for kind in ("offline", "id_jump"):  # every run of these is a real gap, and is marked
        row = table[kind]
        assert row["real gaps"] == row["runs"] == row["marked"], (kind, row)
    for kind in ("normal", "reseed"):
        row = table[kind]
        assert row["real gaps"] == 0 and row["marked"] == 0, (kind, row)
    assert table["reseed"]["id jumps seen"] == table["reseed"]["runs"]  # ids did jump
    assert table["normal"]["runs"] == RUNS["normal"] * scale
    # 100 % both ways, per run: a marker exactly where messages were lost.
    assert all((o.lost > 0) == (o.markers > 0) for o in outcomes)
