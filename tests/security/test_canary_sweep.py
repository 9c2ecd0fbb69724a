"""Canary sweep, in process: every fault kind through the served mocks, all five messengers.

Issue 7, "Secrets". One canary token per messenger (:mod:`tests.security.canarykit`), root,
``httpx`` and ``httpcore`` logging at DEBUG into a file through a plain handler. Then:

1. every adapter operation (``me``, ``poll``, ``send``, ``chat_info``, ``edit``, ``delete``,
   ``send_file``, ``download``) meets each fault kind of the control API (``429 500 502 reset
   hang truncate replay ambiguous_send``, rate 1.0) and once with no fault; the ``str``,
   ``repr`` and formatted chain of every exception raised is kept;
2. a sync loop per receiving account and the outbox run against all kinds mixed (rate 0.3)
   while users write, into one store file (``PAYAM_SOAK=1``: 60 s instead of 4 s).

Swept: the log file, every exception, the store file with its ``-wal``/``-shm``, and the
statuses and outbox errors the engine kept — **0** forms of any secret part. Not vacuous: the
log holds DEBUG records of ``httpx`` and ``httpcore`` and the bot ids, and every exception
kind was raised. The subprocess side (``payam`` commands, kill -9 of ``tail``, the TUI crash
in a pty) is :mod:`tests.security.test_canary_processes`.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.base import Adapter
from adapters.errors import AdapterError
from adapters.mock import MockServer
from adapters.mock.faults import FAULT_KINDS
from adapters.models import FileRef, MessageNew
from tests.engine.mockharness import Control, Producer, close_adapters, make_world, real_adapter
from tests.security.canarykit import Canary, Sweep, api_requests, debug_log, log_lines, make_canary
from tui.engine.outbox import Outbox
from tui.engine.store import Store
from tui.engine.sync import SyncConfig, SyncLoop

MESSENGERS = ("telegram", "bale", "splus", "rubika", "eitaa")
RECEIVING = ("telegram", "bale", "splus", "rubika")
HANG_S = 0.3
SOAK = os.environ.get("PAYAM_SOAK") == "1"
MIXED_S = 60.0 if SOAK else 4.0  # how long the sync loops and the outbox run under mixed faults


async def _create(control: Control, world: Any, canary: Canary) -> None:
    body: dict[str, Any] = {"name": f"canary {canary.messenger}", "token": canary.token}
    body["username"] = f"canary_{canary.messenger}_bot"
    if not world[canary.messenger].spec.receives:
        body["channels"] = [f"canary_news_{canary.messenger}"]
    await control.call(canary.messenger, "bots", body)


async def _file_ref(adapter: Adapter) -> tuple[str, FileRef | None]:
    """A first clean poll: the chat the user wrote in, and the file they sent."""
    batch = await adapter.poll(None, 0)
    for event in batch.events:
        if isinstance(event, MessageNew) and event.message.attachments:
            return event.chat.id, event.message.attachments[0].file
    raise AssertionError("the user's file did not arrive")


async def _operations(
    adapter: Adapter, chat: str, ref: FileRef | None, upload: Path, dest: Path
) -> dict[str, Any]:
    """Each operation as a coroutine factory (a fresh coroutine per fault kind)."""
    ops: dict[str, Any] = {
        "me": lambda: adapter.me(),
        "send": lambda: adapter.send(chat, "canary sweep"),
        "chat_info": lambda: adapter.chat_info(chat),
        "edit": lambda: adapter.edit(chat, "1", "edited"),
        "delete": lambda: adapter.delete(chat, "1"),
        "send_file": lambda: adapter.send_file(chat, upload, caption="c"),
    }
    if ref is not None:
        ops["poll"] = lambda: adapter.poll("1", 0)
        ops["download"] = lambda: adapter.download(ref, dest / "got.bin")
    return ops


async def _every_kind(
    control: Control, canary: Canary, adapter: Adapter, ops: dict[str, Any], sweep: Sweep
) -> Counter[str]:
    """Each operation under each fault kind (and none); every exception goes to the sweep."""
    raised: Counter[str] = Counter()
    for kind in (None, *FAULT_KINDS):
        plan = None if kind is None else {"seed": 7, "rate": 1.0, "kinds": [kind], "hang_s": HANG_S}
        await control.faults(canary.messenger, plan)
        for name, op in ops.items():
            try:
                await asyncio.wait_for(op(), 30)
            except AdapterError as exc:
                raised[type(exc).__name__] += 1
                sweep.add_exception(f"{canary.messenger} {name} under {kind}", exc)
            except Exception as exc:  # not the contract: kept, swept, and failed below
                raised[f"UNDECLARED {type(exc).__name__}"] += 1
                sweep.add_exception(f"{canary.messenger} {name} under {kind}", exc)
    await control.faults(canary.messenger, None)
    return raised


async def _mixed(
    control: Control,
    world: Any,
    canaries: dict[str, Canary],
    adapters: dict[str, Adapter],
    chats: dict[str, str],
    db: Path,
) -> None:
    """Sync loops and the outbox under every kind at once, while users write."""
    store = Store(db)
    try:
        for i, m in enumerate(MESSENGERS):
            plan = {"seed": 70 + i, "rate": 0.3, "kinds": list(FAULT_KINDS), "hang_s": HANG_S}
            await control.faults(m, plan)
        config = SyncConfig(poll_timeout_s=0.5, backoff_base_s=0.05)
        loops = [
            SyncLoop(store, adapters[m], config=config, rng=random.Random(i))
            for i, m in enumerate(RECEIVING)
        ]
        tasks = [asyncio.create_task(loop.run()) for loop in loops]
        producers = [
            Producer(world[m], canaries[m].token, random.Random(m), label=m[0]) for m in RECEIVING
        ]
        outbox = Outbox(store, {f"{m}:canary": adapters[m] for m in MESSENGERS})
        for m in MESSENGERS:
            await store.run(store.ensure_chat, f"{m}:canary", chats[m], kind="private")
            for n in range(5):
                await outbox.send_text(f"{m}:canary", chats[m], f"پاسخ {n}")
        deadline = time.monotonic() + MIXED_S
        while time.monotonic() < deadline:
            for p in producers:
                p.produce(3)
            for m in MESSENGERS:
                await outbox.deliver_once(f"{m}:canary")
            await asyncio.sleep(0.1)
        for loop in loops:
            loop.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        for m in MESSENGERS:
            await control.faults(m, None)
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.timeout(600 if SOAK else 240)
async def test_no_canary_leaks_from_faults_sync_or_outbox(tmp_path: Path) -> None:
    rng = random.Random(20250107)
    canaries = {m: make_canary(m, rng) for m in MESSENGERS}
    sweep = Sweep(list(canaries.values()))
    log = tmp_path / "debug.log"
    upload = tmp_path / "upload.txt"
    upload.write_text("a file to upload")
    world = make_world(7, MESSENGERS)
    raised: Counter[str] = Counter()
    with debug_log(log):
        async with MockServer(world) as server, httpx.AsyncClient(trust_env=False) as http:
            control = Control(server.url, http)
            adapters: dict[str, Adapter] = {}
            chats: dict[str, str] = {}
            try:
                for m, canary in canaries.items():
                    await _create(control, world, canary)
                    adapters[m] = real_adapter(server.base_url(m), m, canary.token, "canary")
                    ref: FileRef | None = None
                    if m in RECEIVING:
                        await control.call(
                            m,
                            "inbound",
                            {
                                "token": canary.token,
                                "from": {"name": "Sara", "username": f"sara_{m}"},
                                "text": "a file",
                                "file": {"content": "file body", "name": "a.txt"},
                            },
                        )
                        chats[m], ref = await _file_ref(adapters[m])
                    else:
                        chats[m] = (await adapters[m].chat_info(f"canary_news_{m}")).id
                    ops = await _operations(adapters[m], chats[m], ref, upload, tmp_path)
                    raised += await _every_kind(control, canary, adapters[m], ops, sweep)
                await _mixed(control, world, canaries, adapters, chats, tmp_path / "payam.db")
            finally:
                await close_adapters(adapters.values())
    text = log.read_text(encoding="utf-8")
    sweep.add("debug.log", text)
    files = sweep.add_files(tmp_path)
    print(
        f"\ncanary sweep (faults): {sweep.size():,} bytes in {len(sweep.haystacks)} haystacks, "
        f"{len(text.splitlines()):,} log lines ({log_lines(text, 'httpx', 'INFO')} httpx INFO, "
        f"{log_lines(text, 'httpcore')} httpcore DEBUG); exceptions {dict(raised)}"
    )
    assert not [k for k in raised if k.startswith("UNDECLARED")], raised
    # Not vacuous: the log is at DEBUG and the HTTP stack spoke (httpx logs each request at
    # INFO, with its URL; httpcore traces at DEBUG); every error class was made.
    assert log_lines(text, "httpx", "INFO") > 0 and log_lines(text, "httpcore") > 0
    assert {"Transient", "Ambiguous", "RateLimited"} <= set(raised), raised
    assert any(p.name == "payam.db-wal" for p in files) or any(p.name == "payam.db" for p in files)
    for m in MESSENGERS:  # each API's URLs were logged (the token's place in them masked)
        assert api_requests(text, m) > 0, m
    assert sweep.leaks() == []
