"""The mock server alone, measured with a bare httpx client (no adapter, no parsing beyond JSON).

Figures: getUpdates throughput with 10,000 queued Telegram-style updates (limit 100), and the
time from an injected message to its arrival at an idle long poll (p50/p95 over 200 injections,
once injected in-process through the world and once through the control API over HTTP).
Server and client share one event loop here, so the figures include both sides' work; the
adapter benchmark compares its own figures against these.

Budgets: ≥ 15,000 updates/s (the adapter's budget: the mock must not be the bottleneck), and
injected → received p95 ≤ 10 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx

from adapters.mock import MockServer

QUEUED = 10_000
PINGS = 200
MIN_UPDATES_PER_S = 15_000
MAX_P95_MS = 10.0


async def _throughput(server: MockServer, client: httpx.AsyncClient) -> float:
    world = server.world["telegram"]
    bot = world.add_bot("Bench", "bench_bot")
    for i in range(QUEUED):
        world.inbound(
            bot, sender={"id": 1000 + i % 50, "name": f"کاربر {i % 50}"}, text=f"پیام {i}"
        )
    url = f"{server.base_url('telegram')}/bot{bot.token}/getUpdates"
    received, offset = 0, None
    started = time.perf_counter()
    while True:
        body = {"limit": 100} if offset is None else {"limit": 100, "offset": offset}
        result = (await client.post(url, json=body)).json()["result"]
        if not result:
            break
        received += len(result)
        offset = result[-1]["update_id"] + 1
    elapsed = time.perf_counter() - started
    assert received == QUEUED, f"received {received} of {QUEUED}"
    return received / elapsed


async def _latency(
    server: MockServer, client: httpx.AsyncClient, *, over_http: bool
) -> list[float]:
    world = server.world["splus"]
    bot = world.add_bot("Ping", f"ping_{int(over_http)}_bot")
    url = f"{server.base_url('splus')}/bot{bot.token}/getUpdates"
    inbound = f"{server.base_url('splus')}/__mock__/inbound"
    offset = 1
    samples: list[float] = []
    for _ in range(PINGS):
        poll = asyncio.create_task(client.post(url, json={"offset": offset, "timeout": 10}))
        await asyncio.sleep(0.003)  # let the poll reach the server and wait there
        sent = time.perf_counter()
        if over_http:
            await client.post(inbound, json={"token": bot.token, "from": {"id": 7}, "text": "ping"})
        else:
            world.inbound(bot, sender={"id": 7, "name": "ping"}, text="ping")
        result = (await poll).json()["result"]
        samples.append((time.perf_counter() - sent) * 1000)
        offset = result[-1]["update_id"] + 1
    return samples


def _p(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100)[int(q) - 1]


async def _run() -> int:
    rc = 0
    async with (
        MockServer() as server,
        httpx.AsyncClient(trust_env=False, timeout=30) as client,
    ):
        rate = await _throughput(server, client)
        ok = rate >= MIN_UPDATES_PER_S
        rc |= not ok
        print(
            f"getUpdates, {QUEUED} queued, limit 100: {rate:,.0f} updates/s "
            f"(budget >= {MIN_UPDATES_PER_S:,}: {'ok' if ok else 'MISSED'})"
        )
        for over_http in (False, True):
            samples = await _latency(server, client, over_http=over_http)
            p95 = _p(samples, 95)
            ok = p95 <= MAX_P95_MS
            rc |= not ok
            how = "control API over HTTP" if over_http else "in-process world.inbound"
            print(
                f"injected -> received on an idle long poll ({how}): p50 {_p(samples, 50):.2f} ms, "
                f"p95 {p95:.2f} ms (budget <= {MAX_P95_MS:g} ms: {'ok' if ok else 'MISSED'})"
            )
    return int(rc)


def main(argv: list[str]) -> int:
    """Run the benchmark; non-zero if a budget is missed."""
    return asyncio.run(_run())
