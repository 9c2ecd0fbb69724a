"""The service: the one facade the UI and the CLI call. No UI code touches SQL or adapters.

::

    service = Service.from_config(paths, config)         # or Service(store, [AccountParts…])
    updates = service.subscribe()                         # before start: nothing is missed
    await service.start()                                 # opens the store, loads the inbox
    rows = service.inbox(InboxFilter(unread_only=True))   # paint; tokens are read after this
    asyncio.create_task(service.check_store())            # quick_check, in the background
    async for notice in updates: ...                      # MessagesChanged, InboxChanged, …
    await service.stop()

What it runs, per account (:mod:`tui.engine.service_accounts`): the adapter, built in a
background task (a refused keyring is a status, not a crash); a :class:`~tui.engine.sync.SyncLoop`
for a receiving account unless another process holds its poll lock (status "polling elsewhere
(pid N)"); and the outbox deliverer (sends go out from whichever process holds the send lock).

What it tells (:mod:`tui.engine.service_types`): :class:`MessagesChanged` per chat (with the ids
it stored, and whether they are live or history fetched at start), :class:`InboxChanged` once
the cached inbox is up to date, :class:`AccountChanged`, :class:`OutboxChanged`,
:class:`GapFound`, :class:`DownloadFinished`, :class:`StoreChecked`, :class:`ChangedElsewhere`
(another process wrote: ``store.data_version()`` is watched) and :class:`Resync`.

The read side is :mod:`tui.engine.service_chats`, the write side :mod:`tui.engine.service_send`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.base import Adapter, Capabilities
from adapters.models import Batch
from tui.engine.clock import Clock, SystemClock
from tui.engine.notices import ChangeNotice, NoticeHub
from tui.engine.outbox import Outbox
from tui.engine.records import BatchResult
from tui.engine.runtime import AccountParts, parts_from_config
from tui.engine.schema import SchemaTooNew
from tui.engine.service_accounts import AccountRunner, ServiceOptions
from tui.engine.service_chats import ChatsMixin
from tui.engine.service_inbox import Fanout, InboxCache, Subscription
from tui.engine.service_send import SendMixin
from tui.engine.service_types import (
    AccountChanged,
    AccountStatus,
    AccountUnavailable,
    ChangedElsewhere,
    GapFound,
    InboxChanged,
    MessagesChanged,
    Notice,
    OutboxChanged,
    ServiceError,
)
from tui.engine.store import Store, StoreError

if TYPE_CHECKING:
    from tui.settings.paths import Paths
    from tui.settings.schema import Config

log = logging.getLogger("payam.service")


@dataclass(frozen=True, slots=True)
class _Stored:
    """A committed batch: the chats to refresh and the notices to publish after."""

    account: str
    chats: frozenset[str]
    notices: tuple[MessagesChanged, ...]


class _ForwardingHub(NoticeHub):
    """The engine's hub: every notice of the sync loops and the outbox reaches the service."""

    def __init__(self, service: Service) -> None:
        super().__init__()
        self._service = service

    def publish(self, notice: ChangeNotice) -> None:
        self._service._engine_notice(notice)
        super().publish(notice)


def _open_store(path: Path) -> Store:
    from tui.settings.paths import make_private_dir

    make_private_dir(path.parent)
    return Store(path)


class Service(ChatsMixin, SendMixin):
    """The facade (see the module docs). Async methods must be awaited on one event loop."""

    def __init__(
        self,
        store: Store | Path,
        accounts: Iterable[AccountParts] = (),
        *,
        options: ServiceOptions | None = None,
    ) -> None:
        """``store``: an open :class:`Store` (stays the caller's) or the path of the file
        (opened in :meth:`start`, closed in :meth:`stop`). ``accounts``: what to run."""
        self.options = options or ServiceOptions()
        self.clock: Clock = self.options.clock or SystemClock()
        self._store_path = None if isinstance(store, Store) else Path(store)
        if isinstance(store, Store):
            self.store = store
        self._parts = {p.key: p for p in accounts}
        self.runners: dict[str, AccountRunner] = {}
        self.adapters: dict[str, Adapter] = {}
        self.hub: NoticeHub = _ForwardingHub(self)
        self.token_lock = asyncio.Lock()
        self._fanout = Fanout()
        self._inbox = InboxCache()
        self._work: asyncio.Queue[_Stored | ChangeNotice] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._data_version = 0
        self.started = False

    @classmethod
    def from_config(
        cls,
        paths: Paths,
        config: Config,
        *,
        accounts: Collection[str] | None = None,
        options: ServiceOptions | None = None,
    ) -> Service:
        """A service over ``paths.db_file`` for the configured accounts (or those named),
        with the data dir's locks and the config's downloads dir."""
        keys = list(accounts) if accounts is not None else [a.key for a in config.accounts]
        parts = []
        for key in keys:
            account = config.account(key)
            if account is None:
                raise AccountUnavailable(f"there is no account {key} in {config.path}")
            parts.append(parts_from_config(account, config))
        base = options or ServiceOptions()
        opts = replace(
            base,
            lock_dir=paths.locks_dir,
            downloads_dir=base.downloads_dir or config.resolved_downloads_dir(),
        )
        return cls(paths.db_file, parts, options=opts)

    # --- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Open the store and load the inbox (what the first paint needs), then set every
        account up in the background. Never runs the integrity check (see
        :meth:`check_store`); never reads a token before returning."""
        if self.started:
            return
        self.started_at = self.clock.now()
        if self._store_path is not None:
            error = ""
            try:
                self.store = await asyncio.to_thread(_open_store, self._store_path)
            except (sqlite3.Error, SchemaTooNew, StoreError, OSError) as exc:
                error = f"cannot open the store {self._store_path}: {exc}"
            if error:
                raise ServiceError(error)
        self.started = True
        self.outbox = Outbox(
            self.store,
            self.adapters,
            clock=self.clock,
            hub=self.hub,
            lock_dir=self.options.lock_dir,
            idle_poll_s=self.options.outbox_idle_s,
        )
        self._work = asyncio.Queue()
        self._inbox.replace(await self.store.run(self.store.inbox))
        self._data_version = await self.store.run(self.store.data_version)
        self._tasks = [
            asyncio.create_task(self._pump(), name="payam-service-pump"),
            asyncio.create_task(self._watch(), name="payam-service-watch"),
        ]
        for parts in self._parts.values():
            self._start_runner(parts)

    async def stop(self) -> None:
        """Stop every account (sync loops record "stopped by the user"), end the notice
        subscriptions, close the clients the service made and the store it opened."""
        if not self.started:
            return
        for runner in list(self.runners.values()):
            await runner.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self._fanout.close_all()
        if self._store_path is not None:
            await asyncio.to_thread(self.store.close)
        self.started = False

    async def __aenter__(self) -> Service:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def subscribe(self) -> Subscription:
        """Every notice published from now on (iterate it with ``async for``)."""
        return self._fanout.subscribe()

    # --- accounts ------------------------------------------------------------------------

    def _start_runner(self, parts: AccountParts) -> AccountRunner:
        runner = AccountRunner(self, parts, self.started_at)
        self.runners[parts.key] = runner
        runner.start()
        self.account_changed(runner)
        return runner

    def _runner(self, account: str) -> AccountRunner:
        runner = self.runners.get(account)
        if runner is None:
            raise AccountUnavailable(f"{account} is not a configured account")
        return runner

    def accounts(self) -> list[AccountStatus]:
        """Every account the service runs, with its status, by key."""
        return [self.runners[k].status() for k in sorted(self.runners)]

    def account_status(self, account: str) -> AccountStatus:
        """One account's status."""
        return self._runner(account).status()

    async def wait_ready(self, accounts: Collection[str] | None = None) -> list[AccountStatus]:
        """Wait until these accounts (default: all) are set up — adapter built or failed,
        poll lock taken or found held — and return their statuses."""
        keys = list(accounts) if accounts is not None else list(self.runners)
        for key in keys:
            await self._runner(key).ready.wait()
        return [self.account_status(k) for k in keys]

    async def capabilities(self, account: str) -> Capabilities:
        """What the account's messenger can do (waits for its adapter class to load)."""
        runner = self._runner(account)
        await runner.ready.wait()
        if runner.adapter_class is None:
            raise AccountUnavailable(f"{account}: {runner.status().label}")
        return runner.adapter_class.capabilities

    async def _adapter_for(self, account: str) -> Adapter:
        runner = self._runner(account)
        await runner.ready.wait()
        if runner.adapter is None:
            raise AccountUnavailable(f"{account}: {runner.status().label}")
        return runner.adapter

    async def add_account(self, parts: AccountParts) -> AccountStatus:
        """Run a new account (added in the accounts screen); returns its first status."""
        if parts.key in self.runners:
            raise ServiceError(f"{parts.key} is already running")
        self._parts[parts.key] = parts
        return self._start_runner(parts).status()

    async def restart_account(self, account: str) -> AccountStatus:
        """Stop an account and set it up again (re-reading its token): after the user fixed
        a rejected token, removed a webhook, or unlocked the keyring."""
        await self._runner(account).stop()
        return self._start_runner(self._parts[account]).status()

    async def remove_account(self, account: str, *, forget_history: bool = False) -> None:
        """Stop running an account; with ``forget_history``, delete what the store holds."""
        await self._runner(account).stop()
        del self.runners[account]
        self._parts.pop(account, None)
        if forget_history:
            await self.store.run(self.store.remove_account, account)
            self._inbox.replace(await self.store.run(self.store.inbox))
            self._fanout.publish(InboxChanged())

    # --- callbacks from the runners and the engine (all on the loop's thread) -------------

    def account_changed(self, runner: AccountRunner) -> None:
        """Publish the runner's status if it changed."""
        if self.runners.get(runner.key) is not runner:
            return
        status = runner.status()
        if status != runner.published:
            runner.published = status
            self._fanout.publish(AccountChanged(status))

    def batch_stored(self, runner: AccountRunner, batch: Batch, result: BatchResult) -> None:
        """Queue a committed batch's notices (published once the inbox cache is updated)."""
        notices = tuple(runner.classify(batch, result))
        if self._work is not None and (result.chats or notices):
            self._work.put_nowait(_Stored(runner.key, result.chats, notices))

    def adapter_ready(self, runner: AccountRunner) -> None:
        """Make the account's configured channels known (a background task)."""
        if runner.adapter is not None and runner.adapter.spec.channels:
            task = asyncio.create_task(self._channels(runner.key, runner.adapter.spec.channels))
            self._tasks.append(task)

    async def _channels(self, account: str, channels: tuple[str, ...]) -> None:
        for ref in channels:
            rows = [r for r in self._inbox.rows() if r.account == account]
            name = ref.lstrip("@").casefold()
            if any(r.chat_id == ref or (r.username or "").casefold() == name for r in rows):
                continue
            try:
                await self.ensure_chat_info(account, ref)
            except ServiceError as exc:  # offline or not admin yet: tried again next start
                log.warning("%s: channel %s not resolved (%s)", account, ref, exc)

    def _engine_notice(self, notice: ChangeNotice) -> None:
        if notice.topic == "account":
            runner = self.runners.get(notice.account)
            if runner is not None:
                self.account_changed(runner)
        elif notice.topic in ("outbox", "gap", "resync") and self._work is not None:
            self._work.put_nowait(notice)
        # "messages" from sync loops arrive richer through batch_stored.

    async def _pump(self) -> None:
        """Refresh the inbox rows that changed, then publish the notices, in order."""
        assert self._work is not None
        while True:
            items = [await self._work.get()]
            while not self._work.empty():
                items.append(self._work.get_nowait())
            dirty: dict[str, set[str]] = {}
            after: list[Notice] = []
            for item in items:
                if isinstance(item, _Stored):
                    dirty.setdefault(item.account, set()).update(item.chats)
                    after.extend(item.notices)
                elif item.topic == "outbox":
                    dirty.setdefault(item.account, set()).update(item.chat_ids)
                    after.append(OutboxChanged(item.account, item.chat_ids, item.detail))
                elif item.topic == "gap":
                    after.append(GapFound(item.account, item.detail))
            changed: set[tuple[str, str]] = set()
            try:
                for account, chats in dirty.items():
                    if chats:
                        changed |= await self._refresh_chats(account, sorted(chats))
            except Exception:  # a store hiccup: the next notice refreshes again
                log.exception("refreshing the inbox failed")
            for notice in after:
                self._fanout.publish(notice)
            if changed:
                self._fanout.publish(InboxChanged(frozenset(changed)))

    async def _watch(self) -> None:
        """Turn writes by other processes (``payam send`` beside the TUI, a poller elsewhere)
        into notices: ``PRAGMA data_version`` changes only when another connection commits."""
        while True:
            await self.clock.sleep(self.options.watch_interval_s)
            try:
                version = await self.store.run(self.store.data_version)
                if version != self._data_version:
                    self._data_version = version
                    await self._changed_elsewhere()
                for runner in list(self.runners.values()):
                    if await runner.refresh_remote():
                        self.account_changed(runner)
            except Exception:
                log.exception("watching the store failed")

    async def _changed_elsewhere(self) -> None:
        before = {(r.account, r.chat_id): r for r in self._inbox.rows()}
        changed = self._inbox.replace(await self.store.run(self.store.inbox))
        for key in sorted(changed):
            old, new = before.get(key), self._inbox.get(*key)
            if new is None:
                continue
            last, was = new.last_message_id, old.last_message_id if old is not None else None
            grew = last is not None and (was is None or last > was)
            incoming = grew and not new.preview_outgoing and not new.preview_deleted
            self._fanout.publish(
                MessagesChanged(key[0], key[1], live=True, incoming=incoming, origin="elsewhere")
            )
        if changed:
            self._fanout.publish(InboxChanged(frozenset(changed)))
        self._fanout.publish(ChangedElsewhere(frozenset(changed)))


__all__ = ["AccountParts", "Service", "ServiceOptions"]
