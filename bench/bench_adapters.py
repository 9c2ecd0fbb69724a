"""Adapters over their mocks on loopback (issue 3's budgets), against a bare httpx client.

The mock server runs in a **separate process** (``multiprocessing``, spawn) so that the figures
are the client side's: the adapter's HTTP, JSON and model work, not the mock's rendering, which
runs on the other process. (``--thread``: the server on a thread of this process instead, as the
demo runs it; client and server then share one interpreter lock.) The process is driven over a
pipe: make a bot, queue N user messages, inject one message.

Per Telegram-style adapter (Telegram, Bale, Soroush Plus):

* throughput: 10,000 queued updates received *and parsed* (``poll`` until drained, every
  update a ``MessageNew``); budget ≥ 15,000 updates/s. A bare httpx client (``getUpdates`` and
  ``json.loads``, nothing else) pulls another 10,000 from the same mock in the same run; the
  ratio adapter/bare is printed.
* latency: a message injected while the adapter waits in an idle long poll
  (``poll(cursor, 10)``), until ``poll`` returns it; p95 ≤ 10 ms over 200 injections.

Rubika (when its mock is there) has no long poll: the engine polls, and sleeps
``poll_interval_s`` after an empty batch. Its budget is *within one poll interval*: every
injected message (at a random moment) is received within ``poll_interval_s`` plus 100 ms for the
request itself. Its throughput is printed, with no budget. Eitaa cannot receive: nothing to
measure.

Data: 10,000 updates (≈ the bytes printed) per throughput run; a run with fewer (``--updates``)
or fewer than 200 pings (``--pings``) exits non-zero, so a quick look never counts as a pass.

    .venv/bin/python -m bench adapters            # or: make bench
    .venv/bin/python -m bench.bench_adapters --updates=2000 --pings=50   # quick look, exits 1
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import multiprocessing.connection
import random
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from adapters import registry
from adapters.base import AccountSpec, Adapter
from adapters.botapi.adapter import BotApiAdapter
from adapters.http import make_client
from adapters.mock import MockWorld, ThreadedMockServer, load_mocks
from adapters.models import MessageNew
from adapters.secret import Secret
from bench.bench_mock import MAX_P95_MS, MIN_UPDATES_PER_S, PINGS, QUEUED, _p

RUBIKA_SLACK_S = 0.1  # one request's worth on top of the poll interval
RUBIKA_PINGS = 25
SENDERS = 50


# --- the mock side: a world, driven in-process or over a pipe ---------------------------------


def _bot(world: MockWorld, messenger: str, name: str) -> str:
    mw = world[messenger]
    return mw.add_bot(name, f"{name.lower()}_bot").token


def _queue(world: MockWorld, messenger: str, token: str, n: int) -> None:
    mw = world[messenger]
    bot = mw.bots[token]
    for i in range(n):
        sender = {"name": f"کاربر {i % SENDERS}", "username": f"user{i % SENDERS}"}
        mw.inbound(bot, sender=sender, text=f"پیام شماره {i} با متن فارسی 🌹")


def _inject(world: MockWorld, messenger: str, token: str) -> None:
    mw = world[messenger]
    mw.inbound(mw.bots[token], sender={"name": "پینگ", "username": "pinger"}, text="ping")


def _child(conn: multiprocessing.connection.Connection) -> None:
    """The mock process: serve every mock on loopback, obey the pipe until "stop"."""
    with ThreadedMockServer() as server:
        conn.send(server.url)
        while True:
            command, *args = conn.recv()
            if command == "stop":
                break
            if command == "bot":
                conn.send(_bot(server.world, *args))
            elif command == "queue":
                _queue(server.world, *args)
                conn.send(None)
            elif command == "inject":
                _inject(server.world, *args)
                conn.send(None)


class Mock(Protocol):
    """What the benchmark asks of the mock side."""

    url: str
    where: str

    def bot(self, messenger: str, name: str) -> str: ...
    def queue(self, messenger: str, token: str, n: int) -> None: ...
    def inject(self, messenger: str, token: str) -> None: ...
    def close(self) -> None: ...


class ProcessMock:
    """The mock in a child process (spawned: nothing of this process is inherited)."""

    where = "a separate process"

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_child, args=(child,), name="payam-mock", daemon=True)
        self._proc.start()
        self.url: str = self._conn.recv()

    def _ask(self, *command: Any) -> Any:
        self._conn.send(command)
        return self._conn.recv()

    def bot(self, messenger: str, name: str) -> str:
        token: str = self._ask("bot", messenger, name)
        return token

    def queue(self, messenger: str, token: str, n: int) -> None:
        self._ask("queue", messenger, token, n)

    def inject(self, messenger: str, token: str) -> None:
        self._ask("inject", messenger, token)

    def close(self) -> None:
        self._conn.send(("stop",))
        self._proc.join(timeout=10)


class ThreadMock:
    """The mock on a thread of this process (its own event loop)."""

    where = "a thread of this process"

    def __init__(self) -> None:
        self._server = ThreadedMockServer()
        self._server.start()
        self.url = self._server.url

    def bot(self, messenger: str, name: str) -> str:
        return _bot(self._server.world, messenger, name)

    def queue(self, messenger: str, token: str, n: int) -> None:
        _queue(self._server.world, messenger, token, n)

    def inject(self, messenger: str, token: str) -> None:
        _inject(self._server.world, messenger, token)

    def close(self) -> None:
        self._server.close()


# --- the client side ----------------------------------------------------------------------------


@dataclass
class Options:
    updates: int = QUEUED
    pings: int = PINGS
    thread: bool = False

    @classmethod
    def parse(cls, argv: list[str]) -> Options:
        out = cls()
        for arg in argv:
            name, _, value = arg.lstrip("-").partition("=")
            if name == "updates":
                out.updates = int(value)
            elif name == "pings":
                out.pings = int(value)
            elif name == "thread":
                out.thread = True
            else:
                raise SystemExit(f"unknown option {arg!r} (--updates=N --pings=N --thread)")
        return out


def _adapter(mock: Mock, messenger: str, token: str, client: httpx.AsyncClient) -> Adapter:
    cls = registry.load(messenger)
    path = urllib.parse.urlsplit(cls.default_base_url).path.rstrip("/")
    spec = AccountSpec(messenger, "bench", f"{mock.url}/{messenger}{path}")
    return cls(spec, Secret(token), client)


async def adapter_throughput(mock: Mock, messenger: str, n: int) -> float:
    """Updates/s the adapter receives and parses, draining ``n`` queued ones."""
    token = mock.bot(messenger, "Drain")
    mock.queue(messenger, token, n)
    async with make_client() as client:
        adapter = _adapter(mock, messenger, token, client)
        cursor: str | None = None
        received = 0
        started = time.perf_counter()
        while True:
            batch = await adapter.poll(cursor, 0)
            received += sum(isinstance(e, MessageNew) for e in batch.events)
            if not batch.events and batch.cursor == cursor:
                break
            cursor = batch.cursor
        elapsed = time.perf_counter() - started
    if received != n:
        raise AssertionError(f"{messenger}: received {received} of {n}")
    return received / elapsed


async def bare_throughput(mock: Mock, messenger: str, n: int) -> tuple[float, int]:
    """Updates/s and bytes a bare httpx client pulls (getUpdates + json.loads only)."""
    token = mock.bot(messenger, "Bare")
    mock.queue(messenger, token, n)
    url = f"{mock.url}/{messenger}/bot{token}/getUpdates"
    received = size = 0
    offset: int | None = None
    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        started = time.perf_counter()
        while True:
            body = {"limit": 100} if offset is None else {"limit": 100, "offset": offset}
            response = await client.post(url, json=body)
            size += len(response.content)
            result = response.json()["result"]
            if not result:
                break
            received += len(result)
            offset = result[-1]["update_id"] + 1
        elapsed = time.perf_counter() - started
    if received != n:
        raise AssertionError(f"{messenger} bare: received {received} of {n}")
    return received / elapsed, size


async def long_poll_latency(mock: Mock, messenger: str, pings: int) -> list[float]:
    """ms from injecting a message to an idle long poll's ``poll`` returning it."""
    token = mock.bot(messenger, "Ping")
    samples: list[float] = []
    async with make_client() as client:
        adapter = _adapter(mock, messenger, token, client)
        cursor: str | None = None
        for _ in range(pings):
            poll = asyncio.create_task(adapter.poll(cursor, 10))
            await asyncio.sleep(0.005)  # the poll reaches the mock and waits there
            sent = time.perf_counter()
            mock.inject(messenger, token)
            batch = await poll
            samples.append((time.perf_counter() - sent) * 1000)
            if not any(isinstance(e, MessageNew) for e in batch.events):
                raise AssertionError(f"{messenger}: the poll returned without the message")
            cursor = batch.cursor
    return samples


async def short_poll_latency(mock: Mock, messenger: str, pings: int) -> tuple[list[float], float]:
    """Rubika: the engine's loop (poll; after an empty batch sleep ``poll_interval_s``); seconds
    from injecting at a random moment to receiving. Returns the samples and the interval."""
    token = mock.bot(messenger, "Ping")
    rng = random.Random(7)
    async with make_client() as client:
        adapter = _adapter(mock, messenger, token, client)
        interval = adapter.capabilities.poll_interval_s
        arrived: asyncio.Queue[float] = asyncio.Queue()
        stop = asyncio.Event()

        async def engine() -> None:
            cursor: str | None = None
            while not stop.is_set():
                batch = await adapter.poll(cursor, 0)
                cursor = batch.cursor
                for event in batch.events:
                    if isinstance(event, MessageNew):
                        arrived.put_nowait(time.perf_counter())
                if not batch.events:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), interval)

        loop = asyncio.create_task(engine())
        samples: list[float] = []
        try:
            for _ in range(pings):
                await asyncio.sleep(rng.uniform(0, interval))
                sent = time.perf_counter()
                await asyncio.to_thread(mock.inject, messenger, token)
                samples.append(await asyncio.wait_for(arrived.get(), interval * 5) - sent)
        finally:
            stop.set()  # no request is cut off half-sent: the loop ends between polls
            await loop
    return samples, interval


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


async def _run(mock: Mock, opts: Options, say: Callable[[str], None]) -> int:
    rc = 0
    messengers = [m for m in load_mocks() if m in registry.names()]
    say(
        f"mock server: {mock.where}; data: {opts.updates:,} queued updates per throughput run, "
        f"{opts.pings} long-poll pings"
    )
    for messenger in messengers:
        cls = registry.load(messenger)
        caps = cls.capabilities
        if not caps.receive:
            say(f"{messenger}: send-only (capabilities.receive=False): nothing to receive")
            continue
        rate = await adapter_throughput(mock, messenger, opts.updates)
        if issubclass(cls, BotApiAdapter):
            bare, size = await bare_throughput(mock, messenger, opts.updates)
            ok = rate >= MIN_UPDATES_PER_S
            rc |= not ok
            say(
                f"{messenger}: {rate:,.0f} updates/s received and parsed by the adapter "
                f"(budget >= {MIN_UPDATES_PER_S:,}: {_verdict(ok)}); bare httpx {bare:,.0f}/s "
                f"on {size / 1e6:.1f} MB; adapter/bare = {rate / bare:.2f}"
            )
            samples = await long_poll_latency(mock, messenger, opts.pings)
            p95 = _p(samples, 95)
            ok = p95 <= MAX_P95_MS
            rc |= not ok
            say(
                f"{messenger}: injected -> received on an idle long poll: p50 "
                f"{_p(samples, 50):.2f} ms, p95 {p95:.2f} ms, max {max(samples):.2f} ms "
                f"(budget p95 <= {MAX_P95_MS:g} ms: {_verdict(ok)})"
            )
        else:
            say(f"{messenger}: {rate:,.0f} updates/s received and parsed (no budget)")
            seconds, interval = await short_poll_latency(
                mock, messenger, min(opts.pings, RUBIKA_PINGS)
            )
            worst = max(seconds)
            ok = worst <= interval + RUBIKA_SLACK_S
            rc |= not ok
            say(
                f"{messenger}: no long poll; injected -> received, engine loop with "
                f"poll_interval_s={interval:g}: p50 {statistics.median(seconds) * 1000:.0f} ms, "
                f"p95 {_p(seconds, 95) * 1000:.0f} ms, max {worst * 1000:.0f} ms (budget: "
                f"within one poll interval + {RUBIKA_SLACK_S * 1000:.0f} ms: {_verdict(ok)})"
            )
    if opts.updates < QUEUED or opts.pings < PINGS:
        say(f"smaller data than the budgets' ({QUEUED:,} updates, {PINGS} pings): not a pass")
        rc = 1
    return int(rc)


def main(argv: list[str]) -> int:
    """Run the benchmark; non-zero if a budget is missed or the data is smaller."""
    opts = Options.parse(argv)
    mock: Mock = ThreadMock() if opts.thread else ProcessMock()
    try:
        return asyncio.run(_run(mock, opts, lambda line: print(line, flush=True)))
    finally:
        mock.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
