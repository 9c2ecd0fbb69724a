"""Seeded gap scenarios over the fake server (issue 7, "Gaps"), judged by ground truth.

One :func:`scenario` is one account's life on a :class:`~tui.engine.testing.FakeServer` with a
:class:`~tui.engine.testing.FakeClock` (no wall time), polled by the real
:class:`~tui.engine.sync.SyncLoop` into a real store:

* ``normal`` — users write now and then; the account is polled at random intervals of at most
  23 h (the server keeps updates 24 h), sometimes after a few quiet days of empty polls;
* ``offline`` — an active stretch, then users write while nothing polls for more than the
  retention (24 h + 1 s … 5 days), then more writes, then a poll;
* ``id_jump`` — an active stretch ending in a stored batch, then users write and the server
  drops those updates (less than 24 h later, the account still active), then a poll;
* ``reseed`` — an active stretch, then 7–10 days without updates (polled every ≤ 23 h), then
  the server picks new ids far ahead (Telegram's re-seed), then users write and it is polled.

:class:`Outcome` reports what the users wrote but the store never got (``lost``, the ground
truth of a real gap) and the gap markers the engine placed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from tui.engine.store import Store
from tui.engine.sync import SyncConfig, SyncLoop
from tui.engine.testing import FakeAdapter, FakeClock, FakeServer

Kind = Literal["normal", "offline", "id_jump", "reseed"]
HOUR = 3600.0
DAY = 24 * HOUR
CONFIG = SyncConfig(poll_timeout_s=0.0)


@dataclass(frozen=True)
class Outcome:
    """One scenario's result."""

    kind: Kind
    written: int
    lost: int  # written by users, never stored: the ground truth of a real gap
    markers: int
    jumped: bool  # a batch had ids skip ahead of the cursor


class _Run:
    def __init__(self, store: Store, name: str, rng: random.Random) -> None:
        self.rng = rng
        self.clock = FakeClock()
        self.server = FakeServer(self.clock)
        self.adapter = FakeAdapter(self.server, name=name)
        self.jumped = False
        self.loop = SyncLoop(
            store,
            self.adapter,
            clock=self.clock,
            config=CONFIG,
            rng=random.Random(rng.random()),
            on_batch=self._seen,
        )
        self.texts: list[str] = []

    def _seen(self, batch: object, result: object) -> None:
        self.jumped |= bool(getattr(batch, "id_jump", False))

    def write(self, n: int) -> None:
        for _ in range(n):
            text = f"{self.adapter.spec.name} پیام {len(self.texts)}"
            self.server.user_says(str(100 + self.rng.randrange(4)), text)
            self.texts.append(text)

    async def drain(self) -> None:
        """Poll until the server has nothing more (at most a few polls)."""
        for _ in range(50):
            if await self.loop.step() == "empty":
                return
        raise AssertionError("the poller never drained")

    async def active(self, steps: int, *, quiet_days: bool = True) -> None:
        """Writes and polls at most 23 h apart; with ``quiet_days``, sometimes days of empty
        polls (never more than 23 h between two of them)."""
        for _ in range(steps):
            if quiet_days and self.rng.random() < 0.1:
                for _ in range(self.rng.randrange(2, 12)):
                    self.clock.advance(self.rng.uniform(1, 23 * HOUR))
                    await self.drain()
            self.write(self.rng.randrange(0, 4))
            self.clock.advance(self.rng.uniform(0, 23 * HOUR))
            await self.drain()
        self.write(1)  # the stretch ends with an update stored now
        await self.drain()


async def scenario(store: Store, kind: Kind, index: int, seed: int) -> Outcome:
    """Play one scenario of ``kind`` as account ``fake:<kind><index>``."""
    rng = random.Random(seed)
    run = _Run(store, f"{kind}{index}", rng)
    await run.active(rng.randrange(1, 8), quiet_days=kind == "normal")
    if kind == "offline":
        run.write(rng.randrange(1, 4))
        run.clock.advance(DAY + rng.uniform(1, 5 * DAY))
        run.write(rng.randrange(0, 3))
        await run.drain()
    elif kind == "id_jump":
        run.write(rng.randrange(1, 4))
        run.clock.advance(rng.uniform(0, 20 * HOUR))
        run.server.updates.clear()  # the server dropped what was pending; ids go on
        run.write(rng.randrange(1, 3))
        await run.drain()
    elif kind == "reseed":
        idle = 0.0
        while idle < 7 * DAY + rng.uniform(0, 3 * DAY):
            step = rng.uniform(HOUR, 23 * HOUR)
            run.clock.advance(step)
            idle += step
            await run.drain()
        run.server.reseed(run.server.next_update + rng.randrange(10**5, 10**7))
        run.write(rng.randrange(1, 4))
        await run.drain()
    else:
        await run.active(rng.randrange(1, 8))
    account = run.adapter.spec.key
    rows = await store.run(
        store.query,
        "SELECT m.text FROM messages m JOIN chats ch ON ch.id = m.chat "
        "JOIN accounts a ON a.id = ch.account WHERE a.key = ?",
        (account,),
    )
    stored = {r[0] for r in rows}
    markers = len(await store.run(store.gaps, account))
    lost = sum(1 for t in run.texts if t not in stored)
    return Outcome(kind, len(run.texts), lost, markers, run.jumped)
