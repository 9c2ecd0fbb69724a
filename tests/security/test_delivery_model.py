"""R5 — a stateful model test of sync + outbox against the mock (hypothesis state machine).

Issue 7, "Stateful model test". One account (Telegram, Bale, Soroush Plus or Rubika, drawn
per example) runs Payam's real adapter, :class:`~tui.engine.sync.SyncLoop`,
:class:`~tui.engine.outbox.Outbox` and :class:`~tui.engine.store.Store` (a real file) against
the real mock app in-process (:class:`tests.security.deliverykit.Wire`, no socket), on a
fake client clock (waits cost nothing). Hypothesis draws sequences of these rules:

* users write, edit and delete (server-emit, on the mock's world);
* poll (one ``SyncLoop.step``), deliver (one ``Outbox.deliver_once``);
* send (``Outbox.send_text``), the user's own edit and delete (``Outbox.edit``/``delete``);
* crash — the process's state is dropped, optionally in the middle of a send (the row claimed,
  the request maybe processed, the outcome never written) or of a poll; restart — a new Store
  connection, adapter, SyncLoop and Outbox over the same file, rows left ``sending`` recovered
  to ``unknown``;
* network faults: the mock's fault plan on (429, 500, 502, reset, hang, truncate, replay,
  ambiguous_send at a drawn rate) or off; the network down (connection refused) or up.

Invariants after every step: local history ⊆ server history (every stored incoming message
exists on the server with a text it really had, a local delete means a server delete; every
sent own message exists there); every outbox row in exactly one state (no row ``sending``
between steps while the process runs); no text on the server twice; a ``sent`` row's text
there exactly once and a never-ambiguous queued row's not at all; and from the recorded wire
(the mock's request log tells each request's fault) no request of a row follows one that may
have been processed — no automatic re-send of an ambiguous row, at most one attempt after it.
At the end (faults off, network up, polls drained, the outbox drained): local == server, the
store sound (integrity, FTS, unread counters, no quarantine, no gap marker), every row that met
only clean failures (a 429, connection refused) ``sent`` with exactly one copy at the server,
and every row that met an ambiguous failure or a crash mid-send ``unknown`` with at most one.

``make test``: :data:`EXAMPLES` examples × :data:`STEPS` steps; ``make soak``: 2,000 × 100.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from adapters.base import AccountSpec, Adapter
from adapters.http import make_client
from adapters.mock import MockWorld
from adapters.mock.faults import FaultPlan
from adapters.mock.model import MockBot, MockMessage
from adapters.registry import load
from adapters.secret import Secret
from tests.engine.mockharness import store_problems
from tests.security.deliverykit import Wire, WireCall
from tui.engine.outbox import Outbox, OutboxError
from tui.engine.store import Store, StoreError
from tui.engine.sync import SyncConfig, SyncLoop
from tui.engine.testing import FakeClock

SOAK = os.environ.get("PAYAM_SOAK") == "1"
EXAMPLES = int(os.environ.get("PAYAM_MODEL_EXAMPLES") or (2000 if SOAK else 200))
STEPS = int(os.environ.get("PAYAM_MODEL_STEPS") or (100 if SOAK else 50))
MESSENGERS = ("telegram", "bale", "splus", "rubika")
FAULT_KINDS = ("429", "500", "502", "reset", "hang", "truncate", "replay", "ambiguous_send")
ACCOUNT_NAME = "model"
EDIT_MARK = " ✎"
DRAIN_LIMIT = 3000
TOTALS: Counter[str] = Counter()


def base(text: str) -> str:
    """The text a row was queued with (own edits append ``✎n``)."""
    return text.split(EDIT_MARK, 1)[0]


@dataclass
class Row:
    """What the model remembers of one outbox row (rows may vanish: a discarded send)."""

    uuid: str
    op: str
    chat: str
    body: str  # for a text row, its base text; for an edit, the new text
    target: str | None = None  # delete: the server message id
    crashed: bool = False  # claimed (and maybe sent) by a process that then died
    frozen_attempts: int | None = None  # wire attempts when first seen unknown
    state: str = "queued"
    gone: bool = False


@dataclass
class Process:
    """One run of Payam: the objects a crash throws away."""

    store: Store
    adapter: Adapter
    loop: SyncLoop
    outbox: Outbox


@dataclass
class Users:
    """The people writing to the bot: two private chats and a group."""

    chats: list[tuple[dict[str, Any] | None, dict[str, Any]]] = field(default_factory=list)
    opened: dict[int, str] = field(default_factory=dict)  # index -> chat id


class DeliveryModel(RuleBasedStateMachine):
    """Sync + outbox under users, crashes and faults (see the module docs)."""

    SEEDS: ClassVar[int] = 0

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.dir = Path(tempfile.mkdtemp(prefix="payam-model-"))
        self.db = self.dir / "payam.db"
        self.clock = FakeClock()
        self.proc: Process | None = None
        self.rows: dict[str, Row] = {}
        self.versions: dict[tuple[str, str], set[str]] = {}  # incoming: every text it had
        self.n = 0
        self.ro: sqlite3.Connection | None = None

    # --- setup ---------------------------------------------------------------------------

    @initialize(messenger=st.sampled_from(MESSENGERS), seed=st.integers(0, 2**16))
    def setup(self, messenger: str, seed: int) -> None:
        self.messenger = messenger
        self.account = f"{messenger}:{ACCOUNT_NAME}"
        self.world = MockWorld(seed, (messenger,))
        self.mw = self.world[messenger]
        self.mw.set_rate_scale(0.0001)  # the mock's table never refuses (its clock is real)
        self.bot: MockBot = self.mw.add_bot("Model Bot", "model_bot")
        self.wire = Wire(self.world, messenger)
        self.rng = random.Random(seed)
        self.users = Users()
        for i in range(2):
            self.users.chats.append((None, {"name": f"کاربر {i}", "username": f"u{i}"}))
        self.users.chats.append(
            ({"type": "group", "title": "گروه مدل"}, {"name": "عضو", "username": "m0"})
        )
        self.start()
        # An account in use: each user has written once and the client has synced, so it
        # knows its chats (a bot can message only users who started it).
        for who in range(len(self.users.chats)):
            self.user_writes(who)
        assert self.proc is not None
        while self.bot.queue.pending_count():
            self.run(self.proc.loop.step())

    def start(self) -> None:
        store = Store(self.db)
        cls = load(self.messenger)
        spec = AccountSpec(self.messenger, ACCOUNT_NAME, f"http://mock.test/{self.messenger}")
        adapter = cls(spec, Secret(self.bot.token), make_client(transport=self.wire))
        config = SyncConfig(poll_timeout_s=0.0)
        sync = SyncLoop(
            store, adapter, clock=self.clock, config=config, rng=random.Random(self.rng.random())
        )
        outbox = Outbox(
            store, {self.account: adapter}, clock=self.clock, rng=random.Random(self.rng.random())
        )
        self.proc = Process(store, adapter, sync, outbox)
        self.run(outbox.recover(self.account))  # as the deliverer does under its send lock
        if self.ro is None:
            self.ro = sqlite3.connect(self.db)

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        try:
            if self.proc is not None or hasattr(self, "world"):
                self.finish()
        finally:
            if self.proc is not None:
                self.drop()
            if self.ro is not None:
                self.ro.close()
            self.loop.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def drop(self) -> None:
        """Throw the process away (nothing it had in memory survives)."""
        assert self.proc is not None
        self.run(self.proc.adapter._client.aclose())
        self.proc.store.close()
        self.proc = None

    # --- the users (server-emit) ---------------------------------------------------------

    def text(self, kind: str) -> str:
        self.n += 1
        return f"{kind} {self.n} از مدل با نیم‌فاصله"

    @rule(
        actions=st.lists(
            st.tuples(st.sampled_from(["write", "write", "edit", "delete"]), st.integers(0, 10**6)),
            min_size=1,
            max_size=3,
        )
    )
    def users(self, actions: list[tuple[str, int]]) -> None:
        """Users write (in two private chats and a group), edit and delete (server-emit)."""
        for action, pick in actions:
            live = self._live_incoming()
            if action == "write" or not live:
                self.user_writes(pick % len(self.users.chats))
                continue
            message = live[pick % len(live)]
            if action == "edit":
                text = self.text("ویرایش")
                self.mw.user_edit(self.bot, message.chat_id, message.message_id, text)
                self.versions[(message.chat_id, message.message_id)].add(text)
            else:
                self.mw.user_delete(self.bot, message.chat_id, message.message_id)
            TOTALS[f"user {action}s"] += 1

    def user_writes(self, who: int) -> None:
        chat, user = self.users.chats[who]
        text = self.text("پیام")
        with self.mw.lock:
            message = self.mw.inbound(self.bot, sender=user, chat=chat, text=text)
        if chat is not None and "id" not in chat:
            chat["id"] = self.mw.ids.to_wire(message.chat_id)
        self.users.opened[who] = message.chat_id
        self.versions[(message.chat_id, message.message_id)] = {text}
        TOTALS["user writes"] += 1

    def _live_incoming(self) -> list[MockMessage]:
        out = []
        for chat in self.users.opened.values():
            dialog = self.bot.dialogs.get(chat)
            if dialog is not None:
                out.extend(
                    m for m in dialog.messages.values() if m.direction == "in" and not m.deleted
                )
        return out

    # --- the network --------------------------------------------------------------------

    @rule(
        plan=st.none()
        | st.tuples(
            st.sets(st.sampled_from(FAULT_KINDS), min_size=1),
            st.sampled_from([0.1, 0.2, 0.3, 0.5, 1.0]),
            st.integers(0, 2**16),
        ),
        down=st.sampled_from([False, False, True]),
    )
    def network(self, plan: tuple[set[str], float, int] | None, down: bool) -> None:
        """The mock's fault plan on (kinds, rate) or off; the network down or up."""
        if plan is None:
            self.mw.set_faults(None)
        else:
            kinds, rate, seed = plan
            self.mw.set_faults(FaultPlan(seed, rate, sorted(kinds), hang_s=0.0))
            TOTALS["fault plans"] += 1
        self.wire.offline = down

    # --- the process ----------------------------------------------------------------------

    @precondition(lambda self: self.proc is not None)
    @rule(times=st.integers(1, 4))
    def poll(self, times: int) -> None:
        assert self.proc is not None
        for _ in range(times):
            outcome = self.run(self.proc.loop.step())
            assert outcome != "stopped"
            TOTALS[f"poll {outcome}"] += 1

    @precondition(lambda self: self.proc is not None)
    @rule(times=st.integers(1, 4))
    def deliver(self, times: int) -> None:
        assert self.proc is not None
        for _ in range(times):
            wait = self.run(self.proc.outbox.deliver_once(self.account))
            TOTALS["deliveries"] += 1
            if wait:
                self.clock.advance(wait)

    def _known_chats(self) -> list[str]:
        assert self.ro is not None
        rows = self.ro.execute(
            "SELECT DISTINCT ch.chat_id FROM chats ch JOIN messages m ON m.chat = ch.id "
            "WHERE m.outgoing = 0 ORDER BY ch.chat_id"
        ).fetchall()
        return [r[0] for r in rows]

    @precondition(lambda self: self.proc is not None and bool(self._known_chats()))
    @rule(picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=3))
    def send(self, picks: list[int]) -> None:
        assert self.proc is not None
        chats = self._known_chats()
        for pick in picks:
            chat = chats[pick % len(chats)]
            text = self.text("پاسخ")
            (item,) = self.run(self.proc.outbox.send_text(self.account, chat, text))
            self.rows[item.client_uuid] = Row(item.client_uuid, "text", chat, text)
            TOTALS["sends"] += 1

    def _own(self) -> list[tuple[int, str, str, str, str]]:
        """Own messages the user may still change: (store id, chat, msg_id, text, row state)."""
        assert self.ro is not None
        rows = self.ro.execute(
            "SELECT m.id, ch.chat_id, m.msg_id, m.text, o.state FROM messages m "
            "JOIN chats ch ON ch.id = m.chat JOIN outbox o ON o.message = m.id AND o.op = 'text' "
            "WHERE m.outgoing = 1 AND m.deleted = 0 AND o.state IN ('queued', 'sent') "
            "AND NOT EXISTS (SELECT 1 FROM outbox d WHERE d.message = m.id AND d.op = 'delete') "
            "ORDER BY m.id"
        ).fetchall()
        return [tuple(r) for r in rows]

    @precondition(lambda self: self.proc is not None and bool(self._own()))
    @rule(delete=st.booleans(), pick=st.integers(0, 10**6))
    def own_change(self, delete: bool, pick: int) -> None:
        """The user edits or deletes one of their own messages (through the outbox)."""
        assert self.proc is not None
        own = self._own()
        mid, chat, msg_id, text, _state = own[pick % len(own)]
        self.n += 1
        new = f"{base(text)}{EDIT_MARK}{self.n}"
        outbox = self.proc.outbox
        try:
            if delete:
                item = self.run(outbox.delete(self.account, chat, mid))
            else:
                item = self.run(outbox.edit(self.account, chat, mid, new))
        except (StoreError, OutboxError):
            return  # the row is being sent or is unknown: the UI refuses the same way
        TOTALS["own deletes" if delete else "own edits"] += 1
        if item is not None:
            op = "delete" if delete else "edit"
            body = "" if delete else new
            self.rows[item.client_uuid] = Row(
                item.client_uuid, op, chat, body, msg_id if delete else None
            )

    @precondition(lambda self: self.proc is not None)
    @rule(mid_send=st.booleans(), processed=st.booleans(), mid_poll=st.booleans())
    def crash(self, mid_send: bool, processed: bool, mid_poll: bool) -> None:
        """kill -9, in effect: whatever was in flight is never written down."""
        proc = self.proc
        assert proc is not None
        if mid_send:
            now = self.clock.now()
            heads, _ = self.run(proc.store.run(proc.store.outbox_heads, self.account, now))
            heads = [h for h in heads if h.op == "text"]
            if heads:
                item = self.run(proc.store.run(proc.store.outbox_claim, heads[0].id, "dying", now))
                if item is not None:
                    self.rows[item.client_uuid].crashed = True
                    if processed:
                        self.run(_quietly(proc.adapter.send(item.chat_id, item.body)))
        if mid_poll:
            self.run(_quietly(proc.adapter.poll(proc.loop.cursor, 0.0)))
        self.drop()
        TOTALS["crashes"] += 1

    @precondition(lambda self: self.proc is None)
    @rule()
    def restart(self) -> None:
        self.start()

    # --- invariants -----------------------------------------------------------------------

    def _server_out(self) -> dict[tuple[str, str], MockMessage]:
        out: dict[tuple[str, str], MockMessage] = {}
        for chat, dialog in self.bot.dialogs.items():
            for m in dialog.messages.values():
                if m.direction == "out":
                    out[(chat, m.message_id)] = m
        return out

    def _attempts(self, row: Row) -> list[WireCall]:
        calls = self.wire.calls
        if row.op == "text":
            return [
                c
                for c in calls
                if c.method == "sendMessage" and base(c.params.get("text", "")) == row.body
            ]
        if row.op == "edit":
            return [
                c
                for c in calls
                if c.method == "editMessageText" and c.params.get("text") == row.body
            ]
        return [
            c
            for c in calls
            if c.method == "deleteMessage"
            and c.params.get("message_id") == row.target
            and c.params.get("chat_id") == row.chat
        ]

    def _sync_rows(self) -> None:
        assert self.ro is not None
        states = dict(self.ro.execute("SELECT client_uuid, state FROM outbox").fetchall())
        for row in self.rows.values():
            if row.uuid not in states:
                row.gone = True
                continue
            row.state = states[row.uuid]
            if row.state == "unknown" and row.frozen_attempts is None:
                row.frozen_attempts = len(self._attempts(row))

    @invariant()
    def local_history_is_within_server_history(self) -> None:
        if not hasattr(self, "world") or self.ro is None:
            return
        TOTALS["steps"] += 1
        for chat, msg, text, deleted in self.ro.execute(
            "SELECT ch.chat_id, m.msg_id, m.text, m.deleted FROM messages m "
            "JOIN chats ch ON ch.id = m.chat WHERE m.outgoing = 0"
        ):
            assert (chat, msg) in self.versions, f"stored {chat}/{msg} the server never had"
            assert text in self.versions[(chat, msg)], f"{chat}/{msg}: a text it never had"
            if deleted:
                server = self.mw.message(self.bot, chat, msg)
                assert server is not None and server.deleted
        server_out = self._server_out()
        for chat, msg, text, deleted in self.ro.execute(
            "SELECT ch.chat_id, m.msg_id, m.text, m.deleted FROM messages m "
            "JOIN chats ch ON ch.id = m.chat WHERE m.outgoing = 1 AND m.msg_id NOT LIKE 'local:%'"
        ):
            server = server_out.get((chat, msg))
            assert server is not None, f"own message {msg} is not at the server"
            assert base(server.text) == base(text)
            assert server.deleted or not deleted

    @invariant()
    def every_row_in_one_state_and_no_automatic_resend(self) -> None:
        if not hasattr(self, "world") or self.ro is None:
            return
        states = self.ro.execute("SELECT client_uuid, state FROM outbox").fetchall()
        assert len({u for u, _ in states}) == len(states)
        allowed = {"queued", "sent", "failed", "unknown"} | (
            {"sending"} if self.proc is None else set()
        )
        assert {s for _, s in states} <= allowed, states
        self._sync_rows()
        copies = Counter(base(m.text) for m in self._server_out().values())
        assert all(n == 1 for n in copies.values()), "a text reached the server twice"
        for row in self.rows.values():
            attempts = self._attempts(row)
            # No attempt follows one that may have been processed: the wire shows no re-send.
            for earlier in attempts[:-1]:
                assert earlier.clean, (row, [(a.outcome, a.fault) for a in attempts])
            if row.frozen_attempts is not None:
                assert len(attempts) == row.frozen_attempts, "an unknown row was sent again"
            if row.op != "text":
                continue
            if row.state == "sent":
                assert copies[row.body] == 1
            elif not row.crashed and all(a.clean for a in attempts):
                assert copies[row.body] == 0, "a row not yet sent is at the server"

    # --- the end ----------------------------------------------------------------------------

    def finish(self) -> None:
        """Faults stop, the network comes back, the process runs: everything settles."""
        self.mw.set_faults(None)
        self.wire.offline = False
        if self.proc is None:
            self.start()
        proc = self.proc
        assert proc is not None
        for _ in range(DRAIN_LIMIT):
            outcome = self.run(proc.loop.step())
            if outcome == "empty" and self.bot.queue.pending_count() == 0:
                break
        else:
            raise AssertionError("polls did not drain")
        for _ in range(DRAIN_LIMIT):
            wait = self.run(proc.outbox.deliver_once(self.account))
            if wait is None:
                break
            self.clock.advance(max(wait, 0.001))
        else:
            raise AssertionError("the outbox did not drain")
        self.local_history_is_within_server_history()
        self.every_row_in_one_state_and_no_automatic_resend()
        self.local_equals_server()

    def local_equals_server(self) -> None:
        assert self.ro is not None
        emits_deletes = self.messenger == "rubika"  # Telegram-style bots are never told
        want: dict[tuple[str, str], tuple[str, bool]] = {}
        for chat in self.users.opened.values():
            for m in self.bot.dialogs[chat].messages.values():
                if m.direction == "in":
                    want[(chat, m.message_id)] = (m.text, m.deleted and emits_deletes)
        got = {
            (c, m): (t, bool(d))
            for c, m, t, d in self.ro.execute(
                "SELECT ch.chat_id, m.msg_id, m.text, m.deleted FROM messages m "
                "JOIN chats ch ON ch.id = m.chat WHERE m.outgoing = 0"
            )
        }
        assert got == want
        server_out = self._server_out()
        local_out = {
            (chat, msg): (text, bool(deleted))
            for chat, msg, text, deleted in self.ro.execute(
                "SELECT ch.chat_id, m.msg_id, m.text, m.deleted FROM messages m "
                "JOIN chats ch ON ch.id = m.chat WHERE m.outgoing = 1 "
                "AND m.msg_id NOT LIKE 'local:%'"
            )
        }
        # Own messages: equal, except where the user holds an "unknown" row: its text may or
        # may not be at the server (the echo stays local until the user decides), and an
        # unknown edit or delete may or may not have taken effect.
        unknown = [r for r in self.rows.values() if r.state == "unknown" and not r.gone]
        unknown_texts = {r.body for r in unknown if r.op == "text"}
        unknown_edits = {r.body for r in unknown if r.op == "edit"}
        unknown_deletes = {(r.chat, r.target) for r in unknown if r.op == "delete"}
        for msg, m in server_out.items():
            if base(m.text) in unknown_texts:
                assert msg not in local_out
                continue
            assert msg in local_out, f"own message {msg} was sent but is not stored as sent"
            text, deleted = local_out[msg]
            assert text == m.text or m.text in unknown_edits, (msg, text, m.text)
            assert deleted == m.deleted or msg in unknown_deletes, (msg, deleted, m.deleted)
        assert store_problems(self.ro) == []
        assert self.ro.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)
        assert self.ro.execute("SELECT count(*) FROM gaps").fetchone() == (0,)
        copies = Counter(base(m.text) for m in server_out.values())
        for row in self.rows.values():
            attempts = self._attempts(row)
            met_ambiguity = (
                row.crashed
                or any(not a.clean for a in attempts[:-1])
                or (bool(attempts) and attempts[-1].ambiguous)
            )
            if row.gone:  # discarded before it was ever processed
                assert row.op != "text" or copies[row.body] == 0
                TOTALS["rows discarded"] += 1
            elif met_ambiguity:
                assert row.state == "unknown", row
                assert row.op != "text" or copies[row.body] <= 1
                TOTALS["rows unknown"] += 1
            else:
                assert row.state == "sent", (row, [(a.outcome, a.fault) for a in attempts])
                assert row.op != "text" or copies[row.body] == 1
                TOTALS["rows sent once"] += 1
                if any(a.clean for a in attempts):
                    TOTALS["rows sent after a retry"] += 1


async def _quietly(coro: Any) -> None:
    try:
        await coro
    except Exception:  # the crash interrupts whatever this was
        return


DeliveryModel.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
    derandomize=not SOAK,
    database=None,
)


@pytest.mark.timeout(7200 if SOAK else 600)
def test_sync_and_outbox_model_against_the_mock() -> None:
    TOTALS.clear()
    started = time.perf_counter()
    DeliveryModel.TestCase().runTest()
    elapsed = time.perf_counter() - started
    print(
        f"model: {EXAMPLES} examples x {STEPS} steps in {elapsed:.1f} s; "
        f"{dict(sorted(TOTALS.items()))}"
    )
