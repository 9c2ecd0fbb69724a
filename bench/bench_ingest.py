"""Ingest budget (issue 4): updates through sync — poll, parse, store + FTS — from the served mock.

A served mock in its own process (as ``payam mock serve`` would be) holds ≥ 10,000 queued
Telegram-style updates for one bot: new messages in 8 private chats and 4 groups, 10 % edits,
Persian text. The real :class:`~adapters.telegram.adapter.TelegramAdapter` polls it over loopback
(``getUpdates``, 100 a request) through :class:`~tui.engine.sync.SyncLoop` into a fresh store file
(WAL, ``synchronous=FULL``, FTS5), until the stored cursor has passed the last update. The figure
is updates/s from the first poll to that commit (best of ``--repeat`` runs, each on a fresh store).

Measured in the same run for reference: the bare store floor — the very batches that run
received, applied again with :meth:`Store.apply_batch` alone into another fresh file — so the
difference is what the network, the mock and the parser cost.

Budget: ≥ 5,000 updates/s. Options (``--name=value``): ``--updates`` (10000, no fewer),
``--repeat`` (3), ``--seed`` (1). Exits non-zero on a miss or with fewer than 10,000 updates.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from adapters.base import AccountSpec
from adapters.http import make_client
from adapters.models import Batch
from adapters.secret import Secret
from adapters.telegram.adapter import TelegramAdapter
from tui.engine.store import Store
from tui.engine.sync import SyncConfig, SyncLoop

BUDGET_UPDATES_PER_S = 5_000.0
MIN_UPDATES = 10_000
ACCOUNT = "telegram:bench"


# --- the server process ----------------------------------------------------------------------


def serve(updates: int, seed: int) -> None:
    """Child mode: queue ``updates`` for one bot, print ``READY <base_url> <token> <end>
    <messages>`` (the cursor after the last update; how many messages the store must hold),
    serve until stdin closes."""
    from adapters.mock import MockServer, MockWorld
    from tests.engine.mockharness import Producer

    async def run() -> None:
        world = MockWorld(seed, ["telegram"])
        bot = world["telegram"].add_bot("Bench", "bench_bot")
        producer = Producer(
            world["telegram"], bot.token, random.Random(seed), privates=8, groups=4, label="x"
        )
        producer.open_chats()
        producer.produce(updates - len(producer.updates), edit_share=0.1)
        async with MockServer(world) as server:
            url, want = server.base_url("telegram"), len(producer.expected())
            print(f"READY {url} {bot.token} {producer.end} {want}", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

    asyncio.run(run())


# --- the client ------------------------------------------------------------------------------


class Recording(TelegramAdapter):
    """The real adapter, keeping each batch it returned (for the store-floor replay)."""

    batches: list[Batch]

    async def poll(self, cursor: str | None, timeout_s: float) -> Batch:
        batch = await super().poll(cursor, timeout_s)
        self.batches.append(batch)
        return batch


async def through_sync(db: Path, base_url: str, token: str, end: int) -> tuple[float, list[Batch]]:
    """Seconds from the first poll to the commit of the last update, and the batches."""
    adapter = Recording(AccountSpec("telegram", "bench", base_url), Secret(token), make_client())
    adapter.batches = []
    store = Store(db)
    loop = SyncLoop(store, adapter, config=SyncConfig(poll_timeout_s=0.0))
    try:
        started = time.perf_counter()
        while int(loop.cursor or 0) < end:
            outcome = await loop.step()
            if outcome not in ("stored", "empty"):
                raise RuntimeError(f"sync did not go cleanly: {outcome} ({loop.reason})")
        elapsed = time.perf_counter() - started
    finally:
        store.close()
        await adapter._client.aclose()
    return elapsed, adapter.batches


def store_floor(db: Path, batches: list[Batch]) -> float:
    """Seconds to apply the same batches with ``Store.apply_batch`` alone."""
    store = Store(db)
    try:
        started = time.perf_counter()
        for batch in batches:
            store.apply_batch(ACCOUNT, batch, now=datetime.now(UTC))
        return time.perf_counter() - started
    finally:
        store.close()


def count(db: Path) -> int:
    store = Store(db)
    try:
        return int(store.query("SELECT count(*) FROM messages")[0][0])
    finally:
        store.close()


def main(argv: list[str]) -> int:
    opts = dict(a.lstrip("-").partition("=")[::2] for a in argv)
    if "serve" in opts:
        serve(int(opts["updates"]), int(opts["seed"]))
        return 0
    updates = int(opts.get("updates", MIN_UPDATES))
    repeat = max(1, int(opts.get("repeat", 3)))
    seed = int(opts.get("seed", 1))
    root = Path(__file__).resolve().parents[1]
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    )
    rates: list[float] = []
    floors: list[float] = []
    stored = 0
    for run in range(repeat):
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.bench_ingest",
                "--serve",
                f"--updates={updates}",
                f"--seed={seed + run}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=root,
        )
        try:
            assert child.stdout is not None and child.stdin is not None
            ready = child.stdout.readline().split()
            if not ready or ready[0] != "READY":
                print(f"the mock server did not start: {ready}")
                return 1
            base_url, token, end, want = ready[1], ready[2], int(ready[3]), int(ready[4])
            with tempfile.TemporaryDirectory() as tmp:
                elapsed, batches = asyncio.run(
                    through_sync(Path(tmp) / "sync.db", base_url, token, end)
                )
                got = sum(len(b.events) for b in batches)
                stored = count(Path(tmp) / "sync.db")
                floor = store_floor(Path(tmp) / "floor.db", batches)
                if stored != want or count(Path(tmp) / "floor.db") != want:
                    print(f"the store holds {stored:,} messages, not {want:,}")
                    return 1
        finally:
            if child.stdin is not None:
                child.stdin.close()
            child.wait(timeout=30)
        rates.append(got / elapsed)
        floors.append(got / floor)
        print(
            f"  run {run + 1}: {got:,} updates in {elapsed:.2f} s through sync = "
            f"{got / elapsed:,.0f}/s; apply_batch alone {got / floor:,.0f}/s "
            f"({len(batches)} batches, {stored:,} messages stored)"
        )
    best, floor_best = max(rates), max(floors)
    print(f"updates queued at the mock: {updates:,} (Telegram, 12 chats, 10 % edits), seed {seed}")
    print(
        f"ingest through sync (poll + parse + store + FTS): {best:,.0f} updates/s "
        f"(best of {repeat})"
    )
    print(f"bare store floor (apply_batch alone, same batches): {floor_best:,.0f} updates/s")
    print(f"budget: >= {BUDGET_UPDATES_PER_S:,.0f} updates/s")
    if updates < MIN_UPDATES:
        print(f"too few updates: {updates:,} < {MIN_UPDATES:,}")
        return 1
    if best < BUDGET_UPDATES_PER_S:
        print("MISSED")
        return 1
    print("met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
