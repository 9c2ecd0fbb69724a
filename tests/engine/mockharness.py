"""Shared helpers for the engine tests that run against the REAL served mocks over loopback.

Used by ``tests/engine/test_mock_*.py`` (issue 4: faults, kill -9, outbox under faults, rate
pacing) and ``bench/bench_ingest.py``, and meant for issue 7's stricter variants (a stateful
model test can drive the same :class:`Producer`, :func:`stored_view` and log checks).

* :func:`make_world` — a seeded :class:`~adapters.mock.MockWorld` of the chosen messengers only.
* :class:`Producer` — plays the users' side of one bot directly on the world (thread-safe, no
  HTTP): new messages and edits in a few private chats and groups, recording every update it
  caused with its sequence number, so a test knows exactly what the server produced
  (:meth:`Producer.expected`) and what it has forgotten (:func:`confirmed_below`);
  :func:`cursor_below` reads a stored cursor (Bot API ``update_id`` or Rubika's 24-hex id) as
  that sequence number.
* :func:`real_adapter` — the registry's adapter for a messenger, pointed at the served mock
  (:func:`api_root` adds Rubika's ``/v3``, Eitaa's ``/api``), with the rate table optionally
  scaled like ``POST limits`` (:func:`scaled_adapter_class`); :func:`sync_until` polls it into
  a store; :func:`pump` delivers an outbox one row at a time, so that a test can stop the
  server between two sends.
* :func:`stored_view` / :func:`compare` / :func:`store_problems` — what the store file holds for
  one account against what was produced, and the invariants every check shares (integrity,
  FTS, unread counters).
* :class:`Control` — the control API over HTTP (bots, faults, limits, requests, chats);
  :func:`retry_after_violations` / :func:`count_429` — judgements over its request log.
* :func:`start_ingest` / :func:`tx_inside` — the ``python -m tui.engine.ingest`` subprocess of the
  kill -9 harness and the byte it keeps set while a write transaction is open.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import sqlite3
import subprocess
import sys
import urllib.parse
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import httpx

from adapters.base import AccountSpec, Adapter
from adapters.http import make_client
from adapters.mock import MockWorld
from adapters.mock.model import MockBot
from adapters.mock.world import MessengerWorld
from adapters.registry import load
from adapters.secret import Secret
from tui.engine.outbox import Outbox
from tui.engine.store import Store
from tui.engine.sync import SyncConfig, SyncLoop

TELEGRAM_STYLE: tuple[str, ...] = ("telegram", "bale", "splus")
CLOCK_GRANULARITY_S = 0.001
"""Slack allowed when comparing request-log times (asyncio timers may fire a hair early)."""

Kind = Literal["new", "edit"]


def make_world(seed: int, messengers: Sequence[str] = TELEGRAM_STYLE) -> MockWorld:
    """A world with only ``messengers`` (each must have a mock module)."""
    return MockWorld(seed, messengers)


# --- the users' side ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Update:
    """One update the mock queued for the bot."""

    seq: int  # the queue's sequence number: the Bot API update_id (inside Rubika's cursor)
    kind: Kind
    chat: str  # the chat id as the store keeps it (the wire id as a string)
    msg: str
    text: str


@dataclass
class Producer:
    """A few users writing to one bot: ``privates`` private chats and ``groups`` groups.

    Every text is unique (it names the bot, the message and a running number), plain (no
    formatting markers a messenger could turn into spans) and Persian with a ZWNJ and an
    Arabic-letter spelling, so search normalisation is in the path too.
    """

    world: MessengerWorld
    token: str
    rng: random.Random
    privates: int = 3
    groups: int = 2
    label: str = "b"
    updates: list[Update] = field(default_factory=list)
    _chats: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = field(default_factory=list)
    chats: dict[str, str] = field(default_factory=dict)  # chat id -> "private" | "group"
    _live: list[tuple[str, str]] = field(default_factory=list)
    _opened: set[int] = field(default_factory=set)
    _n: int = 0

    def __post_init__(self) -> None:
        for i in range(self.privates):
            user = {"name": f"کاربر {self.label}{i}", "username": f"u_{self.label}_{i}"}
            self._chats.append(("private", None, user))
        for g in range(self.groups):
            user = {"name": f"عضو {self.label}{g}", "username": f"m_{self.label}_{g}"}
            chat = {"type": "group", "title": f"گروه {self.label} {g}"}
            self._chats.append(("group", chat, user))

    @property
    def bot(self) -> MockBot:
        """The bot the users write to."""
        bot = self.world.bot(self.token)
        assert bot is not None, "unknown token"
        return bot

    def open_chats(self) -> dict[str, str]:
        """Make sure every chat exists (one message each); ``chat_id -> "private"|"group"``."""
        for i in range(len(self._chats)):
            if i not in self._opened:
                self._new(i)
        return dict(self.chats)

    def _new(self, index: int) -> Update:
        kind, spec, user = self._chats[index]
        self._n += 1
        text = f"پیام {self.label}-{self._n} از كتاب‌خانه {self.rng.randrange(10_000)}"
        with self.world.lock:
            message = self.world.inbound(self.bot, sender=user, chat=spec, text=text)
            seq = self.bot.queue.last_seq
        if spec is not None and "id" not in spec:
            spec["id"] = self.world.ids.to_wire(message.chat_id)  # found again by id from now on
        self._opened.add(index)
        self.chats[message.chat_id] = kind
        update = Update(seq, "new", message.chat_id, message.message_id, text)
        self.updates.append(update)
        self._live.append((message.chat_id, message.message_id))
        return update

    def _edit(self) -> Update:
        chat, msg = self.rng.choice(self._live)
        self._n += 1
        text = f"ویرایش {self.label}-{self._n} پیام {msg}"
        with self.world.lock:
            self.world.user_edit(self.bot, chat, msg, text)
            seq = self.bot.queue.last_seq
        update = Update(seq, "edit", chat, msg, text)
        self.updates.append(update)
        return update

    def step(self, edit_share: float = 0.1) -> Update:
        """One more update: an edit of an earlier message with ``edit_share``, else a new one."""
        if self._live and self.rng.random() < edit_share:
            return self._edit()
        return self._new(self.rng.randrange(len(self._chats)))

    def produce(self, n: int, edit_share: float = 0.1) -> list[Update]:
        """``n`` more updates."""
        return [self.step(edit_share) for _ in range(n)]

    @property
    def end(self) -> int:
        """The cursor a client has once it has everything: last update_id + 1."""
        return self.bot.queue.last_seq + 1

    def expected(self, below: int | None = None) -> dict[tuple[str, str], str]:
        """What the store must hold after applying every update with ``seq < below``
        (all of them by default): ``(chat, msg) -> text``, edits applied in order."""
        out: dict[tuple[str, str], str] = {}
        for u in self.updates:
            if below is not None and u.seq >= below:
                break
            if u.kind == "new":
                out.setdefault((u.chat, u.msg), u.text)
            else:
                out[(u.chat, u.msg)] = u.text  # an edit of a message from before: kept too
        return out

    def texts(self) -> set[str]:
        """Every text the users ever wrote (new messages and edits)."""
        return {u.text for u in self.updates}


def cursor_below(messenger: str, cursor: str | None) -> int:
    """The update_id a stored cursor stands for: every update below it is in the store.

    Telegram-style cursors are the next ``update_id`` itself; Rubika's are the 24-hex id of the
    last update received (8 hex of time, 16 of its sequence number), confirmed inclusively."""
    if not cursor:
        return 0
    if messenger == "rubika":
        return int(cursor[8:], 16) + 1
    return int(cursor)


def confirmed_below(bot: MockBot) -> int:
    """The server's confirmation point: every update below it is forgotten (acked or expired)."""
    pending = bot.queue.select(1)
    return pending[0].seq if pending else bot.queue.last_seq + 1


# --- the client's side -----------------------------------------------------------------------


def scaled_adapter_class(cls: type[Adapter], scale: float) -> type[Adapter]:
    """``cls`` with its rate table scaled like the mock's ``POST limits {"scale"}``, so the
    outbox paces by the same table the mock enforces."""
    caps = replace(cls.capabilities, rate_limits=cls.capabilities.rate_limits.scaled(scale))
    return type(f"{cls.__name__}Scaled", (cls,), {"capabilities": caps})


def api_root(mount: str, messenger: str) -> str:
    """An account's ``base_url`` for a mock mounted at ``mount`` (``MockServer.base_url``): the
    mount plus any path the adapter's default root has (none today: every adapter's root is
    the API's origin, and the mock mounts each API's real paths below ``/<messenger>``)."""
    return mount + urllib.parse.urlsplit(load(messenger).default_base_url).path.rstrip("/")


def real_adapter(
    mount: str, messenger: str, token: str, name: str, *, scale: float | None = None
) -> Adapter:
    """The registry's adapter for ``messenger`` against the mock mounted at ``mount``
    (``MockServer.base_url(messenger)``). Close ``adapter._client`` when done."""
    cls = load(messenger)
    if scale is not None:
        cls = scaled_adapter_class(cls, scale)
    spec = AccountSpec(messenger, name, api_root(mount, messenger))
    return cls(spec, Secret(token), make_client())


async def close_adapters(adapters: Iterable[Adapter]) -> None:
    """Close the httpx clients the adapters were given."""
    for a in adapters:
        await a._client.aclose()


async def sync_until(
    store: Store, adapter: Adapter, end: int, config: SyncConfig | None = None
) -> None:
    """Poll ``adapter`` into ``store`` until the stored cursor reaches ``end`` (a client that
    learns its chats, with their kinds, before it sends to them)."""
    loop = SyncLoop(store, adapter, config=config or SyncConfig(poll_timeout_s=0.0))
    while cursor_below(adapter.spec.messenger, loop.cursor) < end:
        await loop.step()


async def pump(
    outbox: Outbox, account: str, until: Callable[[], Awaitable[bool]] | None = None
) -> None:
    """Deliver one row at a time (never cancelled inside a send) until ``until()`` holds or
    nothing queued can go any more. Between two rows nothing is in flight, so a test may stop
    the server then."""
    while until is None or not await until():
        wait = await outbox.deliver_once(account)
        if wait is None:
            return
        if wait > 0:
            await asyncio.sleep(min(wait, 0.05))


# --- the store file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredView:
    """What the store holds for one account's received messages."""

    messages: dict[tuple[str, str], str]  # (chat, msg) -> text
    rows: int  # received rows (a doubled message would make this exceed len(messages))
    texts: Counter[str]  # how often each text is stored
    cursor: str | None

    def duplicated(self) -> int:
        """Rows beyond one per (chat, msg), plus texts stored more than once."""
        extra_rows = self.rows - len(self.messages)
        extra_texts = sum(n - 1 for n in self.texts.values() if n > 1)
        return extra_rows + extra_texts


def stored_view(conn: sqlite3.Connection, account: str) -> StoredView:
    """The received (not outgoing) messages of ``account`` in the store."""
    rows = conn.execute(
        "SELECT ch.chat_id, m.msg_id, m.text FROM messages m JOIN chats ch ON ch.id = m.chat "
        "JOIN accounts a ON a.id = ch.account WHERE a.key = ? AND m.outgoing = 0",
        (account,),
    ).fetchall()
    cur = conn.execute("SELECT cursor FROM accounts WHERE key = ?", (account,)).fetchone()
    return StoredView(
        {(c, m): t for c, m, t in rows},
        len(rows),
        Counter(t for _, _, t in rows),
        cur[0] if cur else None,
    )


def compare(want: dict[tuple[str, str], str], got: StoredView) -> tuple[int, int, int]:
    """``(lost, duplicated, wrong_text)`` of a stored view against the expected messages."""
    lost = sum(1 for k in want if k not in got.messages)
    extra = sum(1 for k in got.messages if k not in want)
    wrong = sum(1 for k, t in want.items() if k in got.messages and got.messages[k] != t)
    return lost, got.duplicated() + extra, wrong


def store_problems(conn: sqlite3.Connection) -> list[str]:
    """Invariants of a sound store: integrity_check ok, the FTS index consistent, and every
    chat's unread counter equal to its live received messages (a re-applied insert skews it)."""
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    try:
        conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        problems.append(f"fts: {exc}")
    for chat, unread, live in conn.execute(
        "SELECT ch.chat_id, ch.unread, (SELECT count(*) FROM messages m WHERE m.chat = ch.id "
        "AND m.deleted = 0 AND m.outgoing = 0) FROM chats ch"
    ):
        if unread != live:
            problems.append(f"unread of {chat} drifted: {unread} != {live}")
    return problems


def gap_count(conn: sqlite3.Connection) -> int:
    """Gap markers in the store (none is due while a client keeps polling)."""
    return int(conn.execute("SELECT count(*) FROM gaps").fetchone()[0])


# --- the control API and the request log -------------------------------------------------------

Entry = Mapping[str, Any]
"""One request-log entry as ``GET requests`` answers it (``t``, ``api_method``, ``status``, …)."""


class Control:
    """The control API of one served world (CONTRACTS §2), over HTTP like any test client."""

    def __init__(self, url: str, client: httpx.AsyncClient) -> None:
        """``url``: the server's ``http://HOST:PORT``."""
        self.url = url
        self.client = client

    async def call(
        self, messenger: str, path: str, body: Any = None, *, method: str = "POST"
    ) -> Any:
        """One control request; asserts a 200 and returns the JSON answer."""
        response = await self.client.request(
            method, f"{self.url}/{messenger}/__mock__/{path}", json=body
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def bot(self, messenger: str, name: str) -> str:
        """A new bot; its token."""
        created = await self.call(messenger, "bots", {"name": name, "username": f"{name}_bot"})
        return str(created["token"])

    async def faults(self, messenger: str, plan: Mapping[str, Any] | None) -> None:
        """Install a fault plan (None: remove it)."""
        if plan is None:
            await self.call(messenger, "faults", method="DELETE")
        else:
            await self.call(messenger, "faults", dict(plan))

    async def limits(self, messenger: str, scale: float) -> dict[str, Any]:
        """Scale the rate table (every bucket restarts full)."""
        answer: dict[str, Any] = await self.call(messenger, "limits", {"scale": scale})
        return answer

    async def requests(self, messenger: str, token: str) -> list[dict[str, Any]]:
        """The request log of one token, in arrival order."""
        answer = await self.call(messenger, f"requests?token={token}", method="GET")
        return list(answer["requests"])

    async def clear_requests(self, messenger: str) -> None:
        """Forget the request log."""
        await self.call(messenger, "requests", method="DELETE")

    async def chat_texts(self, messenger: str, token: str, chat_id: str) -> list[str]:
        """The texts the bot sent to a chat, as the mock's chat shows them, in order."""
        answer = await self.call(messenger, f"chats/{chat_id}?token={token}", method="GET")
        return [m["text"] for m in answer["messages"] if m["direction"] == "out"]


def retry_after_violations(
    entries: Sequence[Entry], *, default_s: float | None = None
) -> list[str]:
    """Requests of ONE token that came before a ``retry_after`` elapsed: after a 429 carrying
    ``retry_after`` R logged at t, the next request must arrive at ≥ t + R. ``default_s``: the
    wait owed after an injected 429 that carried no hint (Rubika's ``TOO_REQUESTS``, HTTP 200)."""
    bad: list[str] = []
    for prev, e in itertools.pairwise(entries):
        after = prev.get("retry_after")
        if after is None and prev.get("fault") == "429":
            after = default_s
        if after is None or (prev.get("status") != 429 and prev.get("fault") != "429"):
            continue
        if e["t"] < prev["t"] + after - CLOCK_GRANULARITY_S:
            bad.append(
                f"{e['api_method']} {e['t'] - prev['t']:.3f} s after a 429 with retry_after "
                f"{after:g}"
            )
    return bad


def retry_after_slack(entries: Sequence[Entry], *, default_s: float | None = None) -> float | None:
    """The smallest ``next.t - (t + retry_after)`` after a 429 (None: no 429 was followed);
    ``default_s`` as in :func:`retry_after_violations`."""
    slack: list[float] = []
    for prev, e in itertools.pairwise(entries):
        after = prev.get("retry_after")
        if after is None and prev.get("fault") == "429":
            after = default_s
        if after is not None and (prev.get("status") == 429 or prev.get("fault") == "429"):
            slack.append(e["t"] - prev["t"] - after)
    return min(slack) if slack else None


def count_429(entries: Iterable[Entry], *, injected: bool | None = None) -> int:
    """Rate-limit answers in the log: the fault plan's (``injected=True``; Rubika answers
    those with HTTP 200) and the rate table's 429s (``injected=False``), or both (None)."""
    n = 0
    for e in entries:
        fault = e.get("fault") == "429"
        table = e.get("status") == 429 and not fault
        n += (fault and injected is not False) or (table and injected is not True)
    return n


def faults_seen(entries: Iterable[Entry]) -> Counter[str]:
    """How many requests each fault kind hit."""
    return Counter(str(e["fault"]) for e in entries if e.get("fault"))


# --- the kill -9 harness -----------------------------------------------------------------------

TOKEN_ENV = "PAYAM_MOCK_TOKEN"


def start_ingest(
    db: Path,
    account: str,
    base_url: str,
    token: str,
    flag: Path,
    *,
    poll_timeout: float = 1.0,
    extra: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """``python -m tui.engine.ingest`` against a served mock, the token in the environment
    (never in argv), the write-transaction byte in ``flag``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYAM_")}
    env[TOKEN_ENV] = token
    root = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    cmd = [
        sys.executable,
        "-m",
        "tui.engine.ingest",
        "--db",
        str(db),
        "--account",
        account,
        "--base-url",
        base_url,
        "--token-env",
        TOKEN_ENV,
        "--tx-flag",
        str(flag),
        "--poll-timeout",
        str(poll_timeout),
        *extra,
    ]
    return subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE)


def tx_inside(flag: Path) -> bool:
    """Whether the ingest process's write-transaction byte is set."""
    return flag.exists() and flag.read_bytes() == b"1"
