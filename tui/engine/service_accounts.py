"""One account inside the service: build its adapter lazily, poll (lock-aware), deliver, report.

An :class:`AccountRunner` goes through these steps in a background task, so that
:meth:`tui.engine.service.Service.start` returns before any token is read:

1. load the adapter class (an import, in a thread) — its capabilities are now known;
2. read the token (keyring check and read, or ``token_command``, in a thread, one account at a
   time) — a refused keyring or a missing token becomes the status ``token_unavailable``;
3. make the client and the adapter; ask ``me()`` once if the store does not know who the
   account is (``AuthFailed`` → ``token_rejected``);
4. start the outbox deliverer (:meth:`tui.engine.outbox.Outbox.run`, which takes the account's
   ``send`` lock or waits for whoever holds it);
5. for a receiving account, take the ``poll`` lock: held by another process → the status
   ``polling_elsewhere`` names its pid and this process does not poll (with ``take_over`` it
   tries again every ``lock_retry_s``); else run a :class:`tui.engine.sync.SyncLoop`.

:attr:`AccountRunner.ready` is set once these steps are done (or failed): the lock decision is
made by then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from adapters.errors import AuthFailed
from adapters.models import MessageEdited, MessageNew
from adapters.redact import scrub
from tui.engine.clock import Clock
from tui.engine.locks import AccountLock, holder, lock_path
from tui.engine.runtime import AccountParts, describe_class_error, describe_token_error
from tui.engine.service_types import AccountState, AccountStatus, MessagesChanged
from tui.engine.sync import SyncConfig, SyncLoop

if TYPE_CHECKING:
    import httpx

    from adapters.base import Adapter
    from adapters.models import Batch, Message
    from tui.engine.notices import NoticeHub
    from tui.engine.outbox import Outbox
    from tui.engine.records import BatchResult
    from tui.engine.store import Store

log = logging.getLogger("payam.service")

BACKLOG_BATCH = 100
"""getUpdates hands out at most this many updates a call (Telegram, Rubika): a batch with fewer
means the backlog kept by the server while Payam was not running has been drained."""
CLOCK_SKEW = timedelta(seconds=2)


@dataclass(frozen=True, slots=True)
class ServiceOptions:
    """How a :class:`~tui.engine.service.Service` runs its accounts.

    ``lock_dir`` is ``<data dir>/locks`` (None: no cross-process locks, for tests of a single
    process). ``poll=False``/``deliver=False`` leave receiving/sending to other processes
    (``payam send`` delivers but does not poll; ``search`` and ``export`` do neither).
    ``take_over``: an account polled elsewhere is taken over when that process ends.
    """

    lock_dir: Path | None = None
    downloads_dir: Path | None = None
    download_cap_bytes: int | None = None
    poll: bool = True
    deliver: bool = True
    take_over: bool = True
    identify: bool = True
    clock: Clock | None = None
    sync: SyncConfig = field(default_factory=SyncConfig)
    lock_retry_s: float = 5.0
    watch_interval_s: float = 0.5
    outbox_idle_s: float = 1.0


class RunnerHost(Protocol):
    """What a runner needs from the service."""

    store: Store
    hub: NoticeHub
    outbox: Outbox
    adapters: dict[str, Adapter]
    clock: Clock
    options: ServiceOptions
    token_lock: asyncio.Lock

    def account_changed(self, runner: AccountRunner) -> None:
        """The runner's status may have changed."""

    def batch_stored(self, runner: AccountRunner, batch: Batch, result: BatchResult) -> None:
        """A batch of this account was committed."""

    def adapter_ready(self, runner: AccountRunner) -> None:
        """The adapter exists (resolve configured channels, wake waiting sends)."""


class AccountRunner:
    """Runs one account for the service (see the module docs)."""

    def __init__(self, host: RunnerHost, parts: AccountParts, started_at: datetime) -> None:
        """Nothing runs until :meth:`start`."""
        self.host = host
        self.parts = parts
        self.key = parts.key
        self.started_at = started_at
        self.adapter_class: type[Adapter] | None = None
        self.adapter: Adapter | None = None
        self.client: httpx.AsyncClient | None = None
        self.loop: SyncLoop | None = None
        self.receive = True
        self.self_id: str | None = None
        self.caught_up = False
        self.ready = asyncio.Event()
        self._state: AccountState = "starting"
        self._reason = ""
        self._holder: int | None = None
        self.remote = ""
        self._tasks: list[asyncio.Task[object]] = []
        self._main: asyncio.Task[object] | None = None
        self._deliver: asyncio.Task[object] | None = None
        self._poller: asyncio.Task[object] | None = None  # the task inside loop.run()
        self.published: AccountStatus | None = None

    # --- status --------------------------------------------------------------------------

    def status(self) -> AccountStatus:
        """The account's status now."""
        from tui.settings.schema import mask_url

        state, reason = self._state, self._reason
        until, retries = None, 0
        loop = self.loop
        if loop is not None:
            if loop.status == "polling":
                state, reason = "polling", ""
            elif loop.status == "rate_limited":
                state, reason, until = "rate_limited", loop.reason, loop.until
            elif loop.status == "retrying":
                state, reason, until = "retrying", loop.reason, loop.until
                retries = loop.backoff.failures
            elif loop.status == "stopped":
                kinds: dict[str, AccountState] = {"auth": "token_rejected", "conflict": "conflict"}
                state, reason = kinds.get(loop.stop_kind, "stopped"), loop.reason
            elif loop.reason:  # run() ended: "stopped by the user"
                state, reason = "idle", loop.reason
            else:  # about to make its first poll
                state, reason = "polling", ""
        outbox = self.host.outbox
        if self._deliver is None or self._deliver.done():
            delivering: str = "off"
        else:
            delivering = "here" if self.key in outbox.delivering else "elsewhere"
        return AccountStatus(
            key=self.key,
            messenger=self.parts.messenger,
            name=self.parts.name,
            state=state,
            reason=reason,
            until=until,
            retries=retries,
            holder_pid=self._holder if state == "polling_elsewhere" else None,
            remote=self.remote if state == "polling_elsewhere" else "",
            proxy=mask_url(self.parts.proxy) if self.parts.proxy else None,
            capabilities=self.adapter_class.capabilities if self.adapter_class else None,
            receive=self.receive,
            delivering=delivering,  # type: ignore[arg-type]
        )

    def _set(self, state: AccountState, reason: str = "") -> None:
        self._state, self._reason = state, reason
        self.host.account_changed(self)

    # --- running -------------------------------------------------------------------------

    def start(self) -> None:
        """Set the account up in a background task."""
        self._main = asyncio.create_task(self._run(), name=f"payam-account-{self.key}")

    async def _run(self) -> None:
        try:
            await self._setup()
        except Exception as exc:  # a bug: report it as a stop, never crash the service
            log.exception("%s: setting up the account failed", self.key)
            self._set("stopped", scrub(f"{type(exc).__name__}: {exc}"))
        finally:
            self.ready.set()

    async def _setup(self) -> None:
        host, options = self.host, self.host.options
        try:
            cls = await asyncio.to_thread(self.parts.load_class)
        except Exception as exc:
            self._set("stopped", describe_class_error(exc))
            return
        self.adapter_class = cls
        spec = self.parts.make_spec(cls)
        self.receive = spec.receive and cls.capabilities.receive
        host.account_changed(self)
        error = ""
        try:
            async with host.token_lock:  # one keyring prompt / token command at a time
                token = await asyncio.to_thread(self.parts.load_token)
        except Exception as exc:
            error = describe_token_error(exc)
        if error:
            self._set("token_unavailable", error)
            return
        self.client = self.parts.make_client()
        self.adapter = cls(spec, token, self.client)
        host.adapters[self.key] = self.adapter
        if options.identify and not await self._identify():
            return
        host.adapter_ready(self)
        if options.deliver:
            self._deliver = self._spawn(host.outbox.run(self.key), "deliver")
        if not self.receive:
            self._set("send_only")
        elif not options.poll:
            self._set("idle", "not polling in this process")
        else:
            await self._start_polling()

    async def _identify(self) -> bool:
        store = self.host.store
        info = await store.run(store.account, self.key)
        if info is not None and info.self_id:
            self.self_id = info.self_id
            return True
        assert self.adapter is not None
        try:
            me = await self.adapter.me()
        except AuthFailed as exc:
            reason = f"token rejected ({exc.reason})" if exc.reason else "token rejected"
            await store.run(store.set_status, self.key, "stopped", reason, self.host.clock.now())
            self._set("token_rejected", exc.reason)
            return False
        except Exception as exc:  # offline now: sync will find out, and say so
            log.warning("%s: getMe failed (%s)", self.key, type(exc).__name__)
            return True
        self.self_id = me.id
        await store.run(store.set_identity, self.key, me.id, me.name)
        return True

    def _new_loop(self) -> SyncLoop:
        assert self.adapter is not None
        options = self.host.options
        return SyncLoop(
            self.host.store,
            self.adapter,
            clock=self.host.clock,
            hub=self.host.hub,
            config=options.sync,
            lock_dir=options.lock_dir,
            on_batch=lambda batch, result: self.host.batch_stored(self, batch, result),
        )

    async def _start_polling(self) -> None:
        loop = self._new_loop()
        if loop.lock is not None and not await asyncio.to_thread(loop.lock.try_acquire):
            await self._elsewhere(loop.lock)
            if self.host.options.take_over:
                self._spawn(self._wait_for_lock(), "take-over")
            return
        self.loop = loop
        self._spawn(self._poll(loop), "poll")

    async def _elsewhere(self, lock: AccountLock) -> None:
        self._holder = await asyncio.to_thread(holder, lock.path)
        self.remote = await self._stored_status()
        self._set("polling_elsewhere")

    async def _wait_for_lock(self) -> None:
        while True:
            await self.host.clock.sleep(self.host.options.lock_retry_s)
            loop = self._new_loop()
            assert loop.lock is not None
            if await asyncio.to_thread(loop.lock.try_acquire):
                self.loop = loop
                await self._poll(loop)
                return
            await self._elsewhere(loop.lock)

    async def _poll(self, loop: SyncLoop) -> None:
        self._poller = asyncio.current_task()
        self._set("polling")
        try:
            await loop.run()
        finally:
            self._poller = None
            self.host.account_changed(self)

    async def _stored_status(self) -> str:
        info = await self.host.store.run(self.host.store.account, self.key)
        if info is None:
            return ""
        return f"{info.status}: {info.status_reason}" if info.status_reason else info.status

    def _spawn(self, coro: Coroutine[object, object, object], what: str) -> asyncio.Task[object]:
        task = asyncio.create_task(coro, name=f"payam-{what}-{self.key}")
        self._tasks.append(task)
        return task

    async def refresh_remote(self) -> bool:
        """Re-read the status stored by the process that polls this account; True if new."""
        if self._state != "polling_elsewhere" or self.loop is not None:
            return False
        before = self.remote
        options = self.host.options
        if options.lock_dir is not None:
            self._holder = await asyncio.to_thread(
                holder, lock_path(options.lock_dir, self.key, "poll")
            )
        self.remote = await self._stored_status()
        return self.remote != before

    async def stop(self) -> None:
        """Stop polling and delivering, close the client this runner made."""
        loop = self.loop
        if loop is not None and loop.running:
            loop.stop()  # run() records "stopped by the user" and returns
        waiting = []
        for task in [self._main, *self._tasks]:
            if task is None or task.done():
                continue
            if task is not self._poller:  # that one ends by itself once run() returns
                task.cancel()
            waiting.append(task)
        for task in waiting:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self._deliver = None
        self.host.adapters.pop(self.key, None)
        if self.client is not None and self.parts.owns_client:
            with contextlib.suppress(Exception):
                await self.client.aclose()
        self.client = None

    # --- what a batch changed ------------------------------------------------------------

    def classify(self, batch: Batch, result: BatchResult) -> list[MessagesChanged]:
        """Notices for a committed batch, one per chat and liveness, in batch order.

        History or live: before the backlog is drained (a batch shorter than
        :data:`BACKLOG_BATCH`), a message counts as live only if it was sent after the service
        started; afterwards everything is live.
        """
        caught_up = self.caught_up
        if len(batch.events) < BACKLOG_BATCH:
            self.caught_up = True
        if not result.changes:
            return []
        messages: dict[tuple[str, str], Message] = {
            (e.chat.id, e.message.id): e.message
            for e in batch.events
            if isinstance(e, MessageNew | MessageEdited)
        }
        since = self.started_at - CLOCK_SKEW
        groups: dict[tuple[str, bool], tuple[list[str], list[str], list[str], list[bool]]] = {}
        for change in result.changes:
            m = messages.get((change.chat_id, change.msg_id))
            if caught_up:
                live = True
            elif change.kind == "new" and m is not None:
                live = m.date >= since
            elif change.kind == "edited" and m is not None and m.edited_at is not None:
                live = m.edited_at >= since
            else:
                live = False
            new, edited, deleted, incoming = groups.setdefault(
                (change.chat_id, live), ([], [], [], [])
            )
            if change.kind == "new":
                new.append(change.msg_id)
                sender = m.sender if m is not None else None
                incoming.append(sender is None or sender.id != self.self_id)
            elif change.kind == "edited":
                edited.append(change.msg_id)
            else:
                deleted.append(change.msg_id)
        return [
            MessagesChanged(
                self.key,
                chat_id,
                tuple(new),
                tuple(edited),
                tuple(deleted),
                live=live,
                incoming=any(incoming),
                origin="sync",
            )
            for (chat_id, live), (new, edited, deleted, incoming) in groups.items()
        ]
