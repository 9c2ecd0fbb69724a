"""Write the demo world into a fresh store, before the UI starts, so the first screen is full.

Three ways in, each the fastest one that is still Payam's real code path:

1. **Users' messages** (a few hundred) — through each account's real adapter over loopback
   HTTP: ``me()``, then ``poll`` until the bot's update queue is empty, each batch stored with
   :meth:`~tui.engine.store.Store.apply_batch` exactly as the sync loop stores it (cursor
   included, so the service's sync loops carry on from there). Rubika names its chats through
   ``getChat`` on the way, edits and deletions arrive as the messengers send them.
2. **The long history** (:mod:`tui.demo.history`) — applied as prepared batches: no bot API
   would hand it out again, and replaying 20,000 updates would delay the first paint by over a
   second.
3. **The account's own messages** — outbox rows with their local echo, claimed and settled as
   the deliverer would settle them (sent with the server's id, failed, unknown); one is left
   queued, for the service's deliverer to send once the demo starts.

Then the per-chat settings: pinned, muted, a draft, and read markers that leave the planned
number of unread messages. The seeding connection skips fsync (``synchronous = OFF``): the
store is a temporary file that lives as long as the demo.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from adapters import registry
from adapters.base import AccountSpec, Adapter
from adapters.http import make_client
from adapters.models import Batch, Sent
from adapters.secret import Secret
from tui.demo.model import DemoAccount, DemoChat, DemoWorld, OwnMessage
from tui.engine.store import Store

CLAIMER = "payam-demo-seed"


@dataclass
class SeedReport:
    """What seeding wrote, and how long each step took (seconds)."""

    received: dict[str, int] = field(default_factory=dict)  # account -> messages via poll
    history: int = 0
    own: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def api_root(mount: str, adapter_class: type[Adapter]) -> str:
    """An account's ``base_url`` for a mock mounted at ``mount``: the mount plus whatever
    path the adapter's real root has (none today)."""
    return mount + urllib.parse.urlsplit(adapter_class.default_base_url).path.rstrip("/")


async def seed_store(
    store: Store, demo: DemoWorld, mounts: Mapping[str, str], files_dir: Path
) -> SeedReport:
    """Fill ``store`` (fresh) from ``demo``; ``mounts``: messenger -> the served mock's URL;
    ``files_dir``: where the account's sent files are kept (the outbox names them)."""
    report = SeedReport()
    await store.run(store.query, "PRAGMA synchronous = OFF")
    t0 = time.perf_counter()
    # The history is written on the store's thread while the adapters wait on HTTP.
    history = asyncio.ensure_future(store.run(_histories, store, demo))
    accounts = list(demo.accounts.values())
    classes = {a.messenger: registry.load(a.messenger) for a in accounts}
    async with make_client() as client:  # one client (and one TLS context) for all five
        counts = await asyncio.gather(
            *(
                _receive(store, a, classes[a.messenger], mounts[a.messenger], client)
                for a in accounts
            )
        )
    report.received = dict(zip([a.key for a in accounts], counts, strict=True))
    report.history = await history
    t1 = time.perf_counter()
    report.own = await store.run(_own_messages, store, demo, files_dir)
    await store.run(_chat_settings, store, demo)
    t2 = time.perf_counter()
    await store.run(store.query, "PRAGMA synchronous = FULL")
    report.timings = {"receive+history": t1 - t0, "own+settings": t2 - t1}
    return report


async def _receive(
    store: Store,
    account: DemoAccount,
    cls: type[Adapter],
    mount: str,
    client: httpx.AsyncClient,
) -> int:
    """``me()`` and every queued update of one account, through its real adapter."""
    spec = AccountSpec(
        account.messenger,
        account.name,
        api_root(mount, cls),
        channels=account.channels,
        receive=not account.send_only,
    )
    adapter = cls(spec, Secret(account.token), client)
    me = await adapter.me()
    await store.run(store.set_identity, account.key, me.id, me.name)
    if not (spec.receive and cls.capabilities.receive):
        return 0
    stored = 0
    cursor: str | None = None
    while True:
        batch = await adapter.poll(cursor, 0.0)
        result = await store.run(store.apply_batch, account.key, batch, now=datetime.now(UTC))
        stored += result.new
        cursor = batch.cursor
        if not batch.events:
            return stored


def _histories(store: Store, demo: DemoWorld) -> int:
    """Apply the prepared histories. The account's identity is set first (what ``me()`` will
    say: the bot's wire id and name), so that its own messages in them count as outgoing."""
    written = 0
    for history in demo.histories:
        chat = demo.chats[history.chat]
        mw = demo.world[chat.messenger]
        bot = mw.bot(demo.accounts[chat.account].token)
        if bot is not None:
            store.set_identity(chat.account, str(mw.ids.to_wire(bot.bot_id)), bot.name)
        info = store.account(chat.account)
        cursor = info.cursor if info is not None else None  # keep what sync stored
        result = store.apply_batch(
            chat.account, Batch(history.events, cursor), now=datetime.now(UTC)
        )
        written += result.new
    return written


def _own_messages(store: Store, demo: DemoWorld, files_dir: Path) -> int:
    for chat in demo.chats.values():
        if chat.kind == "channel":  # sync never sees a channel the account only posts to
            store.ensure_chat(
                chat.account,
                chat.store_id,
                kind="channel",
                title=chat.title,
                username=chat.username,
            )
    for own in sorted(demo.own, key=lambda o: o.date):
        _own(store, demo.chats[own.chat], own, files_dir)
    return len(demo.own)


def _own(store: Store, chat: DemoChat, own: OwnMessage, files_dir: Path) -> None:
    when = datetime.fromtimestamp(own.date, UTC)
    if own.file is not None:
        name, data, kind = own.file
        files_dir.mkdir(parents=True, exist_ok=True)
        path = files_dir / name
        path.write_bytes(data)
        caption = [own.text] if own.text else []
        items = store.enqueue_file(
            chat.account, chat.store_id, path, caption, now=when, reply_to=own.reply_to, kind=kind
        )
    else:
        items = store.enqueue_text(
            chat.account, chat.store_id, [own.text], now=when, reply_to=own.reply_to
        )
    if own.state == "queued":
        return
    for item in items:
        claimed = store.outbox_claim(item.id, CLAIMER, when)
        assert claimed is not None, "a fresh row can be claimed"
        if own.state == "sent":
            sent = Sent(chat.store_id, own.server_id or "", when)
            store.outbox_sent(item.id, sent if own.server_id else None, when)
        else:
            store.outbox_finish(item.id, own.state, own.error, when)


def _chat_settings(store: Store, demo: DemoWorld) -> None:
    for chat in demo.chats.values():
        if chat.pinned or chat.muted or chat.draft:
            store.set_chat_state(
                chat.account, chat.store_id, pinned=chat.pinned, muted=chat.muted, draft=chat.draft
            )
        store.mark_read(chat.account, chat.store_id, _read_marker(store, chat))


def _read_marker(store: Store, chat: DemoChat) -> int | None:
    """The message to mark read up to, leaving ``chat.unread`` incoming messages unread
    (None: everything is read)."""
    if chat.unread <= 0:
        return None
    left = chat.unread
    before: int | None = None
    while True:
        page = store.page(chat.account, chat.store_id, before=before, limit=50)
        for message in reversed(page.messages):
            if left == 0:
                return message.id
            if not message.outgoing and not message.deleted:
                left -= 1
        if not page.has_older or not page.messages:
            return 0
        before = page.messages[0].id
