"""The outbox against the served mocks under faults: sent exactly once, or honestly ``unknown``.

Issue 4, "Tests — Outbox under faults". Real adapters (Telegram, Bale, Soroush Plus, Rubika,
Eitaa), a real :class:`~adapters.mock.MockServer` over loopback, a real store file. The users
write first (a bot can only message users who started it, and groups it is in) and the client
syncs, learning its chats and their kinds; Eitaa, send-only, posts to three channels the client
looks up with ``chat_info`` as the service does. Then texts are queued to three private chats
and a group per bot (Eitaa: its channels). The rate table is scaled ×0.1 on both sides
(``POST limits`` and the client's limiter) to keep the run short.

(a) ``429`` faults at rate 0.3, and the mock **stopped and restarted** on the same port half-way
(connection refused in between): every row ends ``sent``, and the mock's chat (``GET chats``)
shows each text exactly once, in the order queued. The log shows one 200 per row; every other
request was an injected 429 (or never reached the mock), and a row was retried no sooner than
its 429's ``retry_after`` (Rubika's ``TOO_REQUESTS`` has none: then the engine's 3 s).

(b) ``reset``, ``500``, ``502``, ``ambiguous_send`` (and ``hang``) at rate 0.35, plus a chat
whose user never started the bot. The rule, per CONTRACTS §1, for what each request met:

========================= ============================= ============ ===============
request met               adapter error                 row ends     text at the mock
========================= ============================= ============ ===============
nothing                   —                             ``sent``     once
``500`` / ``502``         Ambiguous (5xx on a send)     ``unknown``  never
``reset``                 Ambiguous (no answer)         ``unknown``  never
``hang``                  Ambiguous (closed, no answer) ``unknown``  never
``ambiguous_send``        Ambiguous (no answer)         ``unknown``  once
nothing, user never       Forbidden (403; Rubika:       ``failed``   never
started the bot (Eitaa:   Rejected, ``INVALID_INPUT``):
a channel not ours)       a definite refusal
========================= ============================= ============ ===============

Each row is attempted exactly once (the log's sendMessage requests of a chat pair one to one
with its rows, in order), none is re-sent automatically — not even by a restarted outbox that
recovers and drains again — and no text appears twice at the mock.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.base import Adapter
from adapters.errors import RateLimited
from adapters.mock import MockServer, MockWorld
from tests.engine.mockharness import (
    Control,
    Producer,
    close_adapters,
    make_world,
    pump,
    real_adapter,
    retry_after_violations,
    sync_until,
)
from tui.engine.outbox import Outbox
from tui.engine.store import Store

MESSENGERS = ("telegram", "bale", "splus", "rubika", "eitaa")
SCALE = 0.1
SOAK = os.environ.get("PAYAM_SOAK") == "1"
PER_CHAT = 40 if SOAK else 8  # rows queued per chat (make soak: five times as many)


@dataclass
class Rig:
    """A served world, one bot per messenger with its chats known, a store and an outbox."""

    server: MockServer
    world: MockWorld
    control: Control
    store: Store
    tokens: dict[str, str]  # account -> token
    adapters: dict[str, Adapter]
    outbox: Outbox
    chats: dict[str, dict[str, str]] = field(default_factory=dict)  # account -> chat -> kind

    def messenger(self, account: str) -> str:
        return account.partition(":")[0]

    async def queue(self, per_chat: int, label: str) -> dict[str, list[tuple[str, str, str]]]:
        """Queue ``per_chat`` texts to every chat; ``account -> [(client_uuid, chat, text)]``."""
        out: dict[str, list[tuple[str, str, str]]] = {}
        for account, chats in self.chats.items():
            rows = out.setdefault(account, [])
            for i in range(per_chat):
                for chat in chats:
                    text = f"پاسخ {label} {account} {chat} شماره {i} با نیم‌فاصله"
                    (item,) = await self.outbox.send_text(account, chat, text)
                    rows.append((item.client_uuid, chat, text))
        return out

    async def log(self, account: str) -> list[dict[str, Any]]:
        return await self.control.requests(self.messenger(account), self.tokens[account])

    async def sent_texts(self, account: str, chat: str) -> list[str]:
        return await self.control.chat_texts(self.messenger(account), self.tokens[account], chat)

    def stranger(self, account: str) -> str:
        """A chat the bot may not post to: a user who never started it (Eitaa: a channel the
        bot is not an admin of)."""
        world = self.world[self.messenger(account)]
        if not world.spec.receives:
            return world.add_chat("channel", username=f"not_ours_{account[:5]}").id
        user = world.add_user("غریبه")
        world.add_chat("private", chat_id=user.id, user_id=user.id)
        return user.id


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    world = make_world(11, MESSENGERS)
    async with MockServer(world) as server, httpx.AsyncClient(trust_env=False) as http:
        control = Control(server.url, http)
        store = Store(tmp_path / "payam.db")
        tokens: dict[str, str] = {}
        adapters: dict[str, Adapter] = {}
        chats: dict[str, dict[str, str]] = {}
        for m in MESSENGERS:
            await control.limits(m, SCALE)
            account = f"{m}:out"
            if world[m].spec.receives:  # users write first; the client syncs, learning kinds
                token = await control.bot(m, f"out_{m}")
                producer = Producer(
                    world[m], token, random.Random(m), privates=3, groups=1, label=m
                )
                chats[account] = producer.open_chats()
                adapter = real_adapter(server.base_url(m), m, token, "out", scale=SCALE)
                await sync_until(store, adapter, producer.end)
            else:  # send-only (Eitaa): the bot's channels, looked up as the service does
                channels = [f"news_{m}_{i}" for i in range(3)]
                token = world[m].add_bot(f"out_{m}", f"out_{m}_bot", channels=channels).token
                adapter = real_adapter(server.base_url(m), m, token, "out", scale=SCALE)
                chats[account] = {}
                for ref in channels:
                    info = await adapter.chat_info(ref)
                    await store.run(store.ensure_chat, account, info.id, kind=info.kind)
                    chats[account][info.id] = info.kind
            tokens[account] = token
            adapters[account] = adapter
        outbox = Outbox(store, adapters, rng=random.Random(3))
        yield Rig(server, world, control, store, tokens, adapters, outbox, chats)
        store.close()
        await close_adapters(adapters.values())


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.timeout(900 if SOAK else 180)
async def test_429s_and_a_server_restart_end_with_every_row_sent_exactly_once(rig: Rig) -> None:
    queued = await rig.queue(PER_CHAT, "a")
    total = {acc: len(rows) for acc, rows in queued.items()}
    for i, m in enumerate(MESSENGERS):
        await rig.control.faults(m, {"seed": 429 + i, "rate": 0.3, "kinds": ["429"]})

    async def states(account: str) -> Counter[str]:
        return Counter(i.state for i in await rig.store.run(rig.store.outbox, account))

    async def refused(account: str) -> int:
        rows = await rig.store.run(rig.store.outbox, account)
        return sum("cannot connect" in i.error for i in rows)

    # 1. A third of the rows go out through the 429s.
    def third_sent(account: str) -> Any:
        async def check() -> bool:
            return (await states(account))["sent"] >= total[account] // 3

        return check

    await asyncio.gather(*(pump(rig.outbox, acc, third_sent(acc)) for acc in queued))
    # 2. The server goes away between two sends: connection refused, rows wait and retry.
    await rig.server.stop()

    def was_refused(account: str) -> Any:
        async def check() -> bool:
            return await refused(account) >= 2

        return check

    await asyncio.gather(*(pump(rig.outbox, acc, was_refused(acc)) for acc in queued))
    refusals = {acc: await refused(acc) for acc in queued}
    # 3. It comes back on the same port; everything drains.
    await rig.server.start()
    await asyncio.gather(*(pump(rig.outbox, acc) for acc in queued))

    injected = 0
    for account, rows in queued.items():
        items = await rig.store.run(rig.store.outbox, account)
        assert Counter(i.state for i in items) == {"sent": total[account]}, account
        for chat in rig.chats[account]:
            want = [text for _, c, text in rows if c == chat]
            got = await rig.sent_texts(account, chat)
            assert got == want  # each text exactly once, and in the order queued
        log = [e for e in await rig.log(account) if e["api_method"] == "sendMessage"]
        statuses = Counter((e["status"], e.get("fault")) for e in log)
        assert statuses[(200, None)] == total[account]
        # besides one 200 per row, only injected 429s (Rubika's TOO_REQUESTS is HTTP 200)
        assert {k for k in statuses if k != (200, None)} <= {(429, "429"), (200, "429")}
        injected += statuses[(429, "429")] + statuses[(200, "429")]
        for chat in rig.chats[account]:  # a row waits its retry_after (other chats need not)
            mine = [e for e in log if str(e["chat_id"]) == chat]
            assert retry_after_violations(mine, default_s=RateLimited.DEFAULT_S) == []
        # the local echoes took the server's ids: one outgoing message per text, none local
        echoes = await rig.store.run(
            rig.store.query,
            "SELECT m.msg_id, m.text FROM messages m JOIN chats ch ON ch.id = m.chat "
            "JOIN accounts a ON a.id = ch.account WHERE a.key = ? AND m.outgoing = 1",
            (account,),
        )
        assert sorted(t for _, t in echoes) == sorted(t for _, _, t in rows)
        assert not any(mid.startswith("local:") for mid, _ in echoes)
    print(
        f"outbox (a): {sum(total.values())} rows sent exactly once through {injected} injected "
        f"429s and a restart ({sum(refusals.values())} rows met connection refused)"
    )
    assert injected > 0
    assert all(n >= 2 for n in refusals.values())


AMBIGUOUS_KINDS = ["reset", "500", "502", "ambiguous_send", "hang"]
PROCESSED = {None, "ambiguous_send"}


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.timeout(900 if SOAK else 180)
async def test_ambiguous_faults_end_unknown_and_nothing_is_sent_twice(rig: Rig) -> None:
    # A chat the bot may not post to: a definite refusal, unless a fault came first.
    strangers: dict[str, str] = {}
    for account in rig.chats:
        strangers[account] = rig.stranger(account)
        rig.chats[account][strangers[account]] = "private"
    queued = await rig.queue(PER_CHAT, "b")
    plan = {"seed": 35, "rate": 0.35, "kinds": AMBIGUOUS_KINDS, "hang_s": 1.0}
    for i, m in enumerate(MESSENGERS):
        await rig.control.faults(m, plan | {"seed": 35 + i})
    await asyncio.gather(*(pump(rig.outbox, acc) for acc in queued))

    async def check_all() -> Counter[str]:
        outcome: Counter[str] = Counter()
        for account, rows in queued.items():
            items = {i.client_uuid: i for i in await rig.store.run(rig.store.outbox, account)}
            log = [e for e in await rig.log(account) if e["api_method"] == "sendMessage"]
            for chat in rig.chats[account]:
                mine = [(u, text) for u, c, text in rows if c == chat]
                hits = [e for e in log if str(e.get("chat_id")) == chat]
                assert len(hits) == len(mine), f"{account} {chat}: a row was sent again"
                at_mock = Counter(await rig.sent_texts(account, chat))
                for (uuid, text), hit in zip(mine, hits, strict=True):
                    fault = hit.get("fault")
                    state = items[uuid].state
                    if fault is not None:
                        want = "unknown"
                    elif chat == strangers[account]:
                        want = "failed"
                    else:
                        want = "sent"
                    assert state == want, (account, chat, fault, items[uuid].error)
                    reached = fault in PROCESSED and chat != strangers[account]
                    assert at_mock[text] == (1 if reached else 0)
                    outcome[f"{fault or 'none'}->{state}"] += 1
                assert max(at_mock.values(), default=0) <= 1
        return outcome

    async def request_count() -> int:
        return sum([len(await rig.log(acc)) for acc in queued])

    outcome = await check_all()
    requests = await request_count()
    # A restart: a new outbox recovers and drains again — nothing is re-sent by itself.
    again = Outbox(rig.store, rig.adapters, rng=random.Random(4))
    for account in queued:
        assert await again.recover(account) == 0
        await again.drain(account)
    assert await request_count() == requests
    assert await check_all() == outcome
    print(f"outbox (b): {sum(outcome.values())} rows; {dict(sorted(outcome.items()))}")
    for kind in AMBIGUOUS_KINDS:
        assert outcome[f"{kind}->unknown"] > 0, kind
    assert outcome["none->sent"] > 0
    assert outcome["none->failed"] > 0
