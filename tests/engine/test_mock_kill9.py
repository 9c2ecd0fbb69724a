"""kill -9 while ingesting from the served mock: nothing lost, nothing doubled, the file sound.

Issue 4, "Tests — Kill -9", against the real thing: the mock server runs in this test process
(a :class:`~adapters.mock.ThreadedMockServer`, so it survives every kill, with the server-side
state — produced updates, the confirmation point — in its world), and the client is
``python -m tui.engine.ingest --base-url … --token-env …`` with the real Telegram, Bale, Soroush
Plus or Rubika adapter and the real store file. Each cycle: the users write 400 more updates
(1,500 under PAYAM_SOAK=1: new messages in private chats and groups, edits), an ingest process
starts for one of the four accounts, works a random while (0–250 ms; aimed cycles: none) after
its first write began, and is SIGKILLed; the
byte it keeps set while a write transaction is open (``--tx-flag``, the same mechanism as the
fake-adapter harness in ``test_kill9.py``) says whether the kill landed inside one. Even cycles
kill at that uniformly random moment; odd cycles then wait for the next (or current) write
transaction, stop the process (SIGSTOP) at a random point 0–2 ms into it, and kill it there if
the transaction is still open (else let it go on and aim at the next one, for at most 5 s).
Where each kill really landed is what the byte says, counted for both kinds of cycle
(uniform moments alone land inside ~45 % of the time on an idle machine, far less on a loaded
one: too close to the 30 % bar for 30 samples). Then, for every account:

* ``PRAGMA integrity_check`` is ok, the FTS index checks, every unread counter is right;
* the server never forgot what the store lacks: its confirmation point ≤ the stored cursor;
* the store holds exactly the produced messages below the stored cursor (edits applied):
  0 lost, 0 duplicated, 0 wrong text.

At the end a clean run per account drains the server and the store equals everything produced.
≥ 30 % of kills must land inside a write transaction. 30 cycles; 200 with ``PAYAM_SOAK=1``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from adapters.mock import ThreadedMockServer
from tests.engine.mockharness import (
    Producer,
    api_root,
    compare,
    confirmed_below,
    cursor_below,
    make_world,
    start_ingest,
    store_problems,
    stored_view,
    tx_inside,
)

SOAK = os.environ.get("PAYAM_SOAK") == "1"
CYCLES = 200 if SOAK else 30
PER_CYCLE = 1500 if SOAK else 400  # updates the users write per cycle
MESSENGERS = ("telegram", "bale", "splus", "rubika")
AIM_S = 0.002  # an aimed kill lands this long (at most) after a write transaction began
AIM_WAIT_S = 5.0  # how long an aimed kill waits for the next write transaction
STARTUP_S = 60.0  # a process that never writes within this is a failure, not a slow start


def check(db: Path, producers: dict[str, Producer]) -> dict[str, tuple[int, int, int]]:
    """Assert the invariants for every account; ``account -> (lost, duplicated, wrong)``."""
    out: dict[str, tuple[int, int, int]] = {}
    conn = sqlite3.connect(db)
    try:
        assert store_problems(conn) == []
        for account, producer in producers.items():
            view = stored_view(conn, account)
            first = producer.updates[0].seq if producer.updates else producer.end
            cursor = cursor_below(account.partition(":")[0], view.cursor) or first
            assert confirmed_below(producer.bot) <= cursor, (
                f"{account}: the server forgot updates the store does not have"
            )
            out[account] = compare(producer.expected(below=cursor), view)
            assert out[account] == (0, 0, 0), account
    finally:
        conn.close()
    return out


@pytest.mark.slow
@pytest.mark.soak
@pytest.mark.timeout(1800 if SOAK else 300)
def test_sigkill_while_ingesting_from_the_mock_loses_and_doubles_nothing(tmp_path: Path) -> None:
    rng = random.Random(20250109)
    db, flag = tmp_path / "payam.db", tmp_path / "txflag"
    world = make_world(9, MESSENGERS)
    with ThreadedMockServer(world) as server:
        producers: dict[str, Producer] = {}
        for m in MESSENGERS:
            bot = world[m].add_bot(f"Kill {m}", f"kill_{m}_bot")
            producers[f"{m}:kill"] = Producer(
                world[m], bot.token, random.Random(rng.random()), label=m[0]
            )
        accounts = list(producers)
        inside = {False: 0, True: 0}  # kills inside a write transaction: uniform, aimed
        for cycle in range(CYCLES):
            account = accounts[cycle % len(accounts)]
            producer = producers[account]
            producer.produce(PER_CYCLE, edit_share=0.1)
            flag.unlink(missing_ok=True)
            messenger = account.partition(":")[0]
            url = api_root(server.base_url(messenger), messenger)
            proc = start_ingest(db, account, url, producer.token, flag)
            deadline = time.monotonic() + STARTUP_S
            while not tx_inside(flag):  # its first write began
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the ingest process never wrote"
                time.sleep(0.001)
            aimed = cycle % 2 == 1
            if aimed:  # the next (or current) write transaction, at a random point in it
                # Bounded: a process that has drained its backlog writes nothing more, and is
                # then killed idle (the byte still says where it really was).
                # SIGSTOP freezes it wherever it is (a loaded machine may wake this process
                # too late to catch a few-ms transaction open); if it had already committed,
                # let it go on and aim again.
                give_up = time.monotonic() + AIM_WAIT_S
                while proc.poll() is None and time.monotonic() < give_up:
                    if tx_inside(flag):
                        time.sleep(rng.uniform(0.0, AIM_S))
                        os.kill(proc.pid, signal.SIGSTOP)
                        if tx_inside(flag):
                            break
                        os.kill(proc.pid, signal.SIGCONT)
                    time.sleep(0.0002)
            else:
                time.sleep(rng.uniform(0.0, 0.25))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            if proc.stderr:
                proc.stderr.close()
            landed = tx_inside(flag)  # the byte as the process left it at its death
            inside[aimed] += landed
            check(db, producers)

        # The end: a clean run per account drains the server; the store holds everything.
        for account, producer in producers.items():
            messenger = account.partition(":")[0]
            proc = start_ingest(
                db,
                account,
                api_root(server.base_url(messenger), messenger),
                producer.token,
                flag,
                extra=["--until-drained"],
            )
            assert proc.wait(timeout=300) == 0, proc.stderr.read() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
        final = check(db, producers)
        conn = sqlite3.connect(db)
        try:
            for account, producer in producers.items():
                view = stored_view(conn, account)
                assert cursor_below(account.partition(":")[0], view.cursor) == producer.end
                assert view.messages == producer.expected()
        finally:
            conn.close()
    produced = sum(len(p.updates) for p in producers.values())
    lost = sum(r[0] for r in final.values())
    duplicated = sum(r[1] for r in final.values())
    total = inside[False] + inside[True]
    n_uniform, n_aimed = CYCLES - CYCLES // 2, CYCLES // 2
    print(
        f"kill -9 (mock): {CYCLES} cycles, {total} inside a write transaction "
        f"({total / CYCLES:.0%}; uniform moments {inside[False]}/{n_uniform}, aimed "
        f"{inside[True]}/{n_aimed}), {produced} updates, lost {lost}, duplicated {duplicated}"
    )
    assert total / CYCLES >= 0.3
