"""Sync: one loop per receiving account, moving updates into the store without loss or doubles.

Each turn: ``poll(cursor)`` → store the events AND the new cursor in one transaction
(:meth:`tui.engine.store_ingest.IngestOps.apply_batch`) → publish a change notice. A crash
before the commit means the server sends the same updates again (it was never told to forget
them, and every write is idempotent); after the commit, the next poll starts past them.

What each adapter error does (CONTRACTS §1):

* ``RateLimited`` — wait exactly ``retry_after_s``, then poll again;
* ``Transient`` (and any unexpected exception) — back off exponentially with jitter, never
  above 30 s; a successful poll resets the backoff;
* ``AuthFailed`` — stop the account: "token rejected";
* ``Conflict`` — stop the account with the reason (a webhook is set, or another client polls
  this bot). Never delete the webhook: that could break someone's deployment;
* ``Rejected``/``Forbidden``/``Unsupported`` on a poll — cannot get better by retrying: stop
  with the reason.

After an empty batch from an API without long polling the loop sleeps ``poll_interval_s``
(the adapter returns at once; the engine does the waiting, never both, never neither).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, TypeAlias

from adapters.base import Adapter
from adapters.errors import (
    AuthFailed,
    Conflict,
    Forbidden,
    RateLimited,
    Rejected,
    Unsupported,
)
from adapters.models import Batch
from adapters.redact import scrub
from tui.engine.clock import Clock, SystemClock
from tui.engine.gaps import RESEED_IDLE, RETENTION
from tui.engine.locks import AccountLock
from tui.engine.notices import ChangeNotice, NoticeHub
from tui.engine.records import BatchResult
from tui.engine.store import Store

log = logging.getLogger("payam.sync")

Outcome: TypeAlias = Literal["stored", "empty", "rate_limited", "retrying", "stopped"]
StopKind: TypeAlias = Literal["", "auth", "conflict", "refused"]
BatchObserver = Callable[[Batch, BatchResult], None]
"""Called on the loop's thread after a batch is committed (the service builds its notices)."""


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """Tunables; the defaults are the contract's."""

    poll_timeout_s: float = 25.0  # long-poll wait asked of the server
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 30.0
    retention: timedelta = RETENTION
    reseed_idle: timedelta = RESEED_IDLE


class Backoff:
    """Exponential backoff with "equal jitter": a delay in [d/2, d], d = min(cap, base·2ⁿ).

    Half fixed, half random: retries from many clients spread out, yet each wait is at least
    half the nominal one (full jitter could retry at once). Never above ``cap``.
    """

    def __init__(self, base_s: float, cap_s: float, rng: random.Random) -> None:
        """A fresh backoff; :meth:`next` gives the next delay."""
        self.base_s = base_s
        self.cap_s = cap_s
        self.failures = 0
        self._rng = rng

    def next(self) -> float:
        """The delay before the next attempt (and count one more failure)."""
        nominal = min(self.cap_s, self.base_s * 2.0 ** min(self.failures, 30))
        self.failures += 1
        return nominal / 2 + self._rng.uniform(0.0, nominal / 2)

    def reset(self) -> None:
        """After a success: the next failure waits ``base`` again."""
        self.failures = 0


class AccountStopped(Exception):
    """The account cannot go on polling; ``reason`` says why, in words for the user."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


STOPPED_BY_USER = "stopped by the user"


class SyncLoop:
    """The receive loop of one account."""

    def __init__(
        self,
        store: Store,
        adapter: Adapter,
        *,
        clock: Clock | None = None,
        hub: NoticeHub | None = None,
        config: SyncConfig | None = None,
        rng: random.Random | None = None,
        lock_dir: Path | None = None,
        on_batch: BatchObserver | None = None,
    ) -> None:
        """``lock_dir``: ``<data dir>/locks``; None only in tests that run a single loop.
        ``on_batch`` sees every committed batch with what it changed."""
        self.store = store
        self.adapter = adapter
        self.account = adapter.spec.key
        self.clock = clock or SystemClock()
        self.hub = hub or NoticeHub()
        self.config = config or SyncConfig()
        self.backoff = Backoff(
            self.config.backoff_base_s, self.config.backoff_cap_s, rng or random.Random()
        )
        self.lock = AccountLock(lock_dir, self.account, "poll") if lock_dir else None
        self.cursor: str | None = None
        self.status = "idle"
        self.reason = ""
        self.until: datetime | None = None  # rate_limited / retrying: the next poll's time
        self.stop_kind: StopKind = ""  # why the account stopped, for the UI's wording
        self.on_batch = on_batch
        self._loaded = False
        self._task: asyncio.Task[object] | None = None
        self._stopping = False

    # --- running -------------------------------------------------------------------------

    async def run(self) -> str:
        """Poll until stopped; returns the reason it stopped.

        Raises :class:`tui.engine.locks.LockHeld` (naming the holder's pid) when another
        process already polls this account; then nothing is polled.
        """
        if self.lock is not None:
            self.lock.acquire()
        self._task = asyncio.current_task()
        self._stopping = False
        try:
            while True:
                try:
                    await self.step()
                except AccountStopped as stop:
                    return stop.reason
        except asyncio.CancelledError:
            if not self._stopping:  # cancelled from outside (a timeout, a task group): say so
                raise
            await self._set_status("idle", STOPPED_BY_USER)
            return STOPPED_BY_USER
        finally:
            self._task = None
            if self.lock is not None:
                self.lock.release()

    @property
    def running(self) -> bool:
        """Whether :meth:`run` is under way."""
        return self._task is not None

    def stop(self) -> None:
        """Ask a running :meth:`run` to end (it returns "stopped by the user")."""
        if self._task is not None:
            self._stopping = True
            self._task.cancel()

    async def step(self) -> Outcome:
        """One poll and what follows it (a store, a wait, or a stop).

        Raises :class:`AccountStopped` when the account must stop.
        """
        if not self._loaded:
            info = await self.store.run(self.store.account, self.account)
            self.cursor = info.cursor if info is not None else None
            self._loaded = True
        if self.status not in ("polling",):
            await self._set_status("polling", "")
        try:
            batch = await self.adapter.poll(self.cursor, self.config.poll_timeout_s)
        except RateLimited as exc:
            self.until = self.clock.now() + timedelta(seconds=exc.retry_after_s)
            await self._set_status("rate_limited", exc.reason)
            await self.clock.sleep(exc.retry_after_s)
            return "rate_limited"
        except AuthFailed as exc:
            self.stop_kind = "auth"
            await self._stop(f"token rejected ({exc.reason})" if exc.reason else "token rejected")
        except Conflict as exc:
            self.stop_kind = "conflict"
            await self._stop(
                "another client is receiving for this bot, or a webhook is set "
                f"(409: {exc.reason}); stop it, or remove the webhook yourself"
            )
        except (Rejected, Forbidden, Unsupported) as exc:
            self.stop_kind = "refused"
            await self._stop(f"the server refuses to deliver updates: {exc.reason}")
        except Exception as exc:  # Transient, Ambiguous, or a bug: back off and try again
            delay = self.backoff.next()
            log.warning(
                "%s: poll failed (%s); retrying in %.1f s", self.account, type(exc).__name__, delay
            )
            self.until = self.clock.now() + timedelta(seconds=delay)
            await self._set_status("retrying", scrub(f"{type(exc).__name__}: {exc}"))
            await self.clock.sleep(delay)
            return "retrying"
        return await self._store(batch)

    async def _store(self, batch: Batch) -> Outcome:
        try:
            result = await self.store.run(
                self.store.apply_batch,
                self.account,
                batch,
                now=self.clock.now(),
                retention=self.config.retention,
                reseed_idle=self.config.reseed_idle,
            )
        except Exception as exc:  # the disk, a lock timeout: nothing was committed, try again
            delay = self.backoff.next()
            log.error(
                "%s: storing a batch failed (%s); retrying in %.1f s",
                self.account,
                type(exc).__name__,
                delay,
            )
            self.until = self.clock.now() + timedelta(seconds=delay)
            await self._set_status("retrying", f"could not store: {type(exc).__name__}")
            await self.clock.sleep(delay)
            return "retrying"
        self.backoff.reset()
        if batch.cursor is not None:
            self.cursor = batch.cursor
        if self.on_batch is not None:
            try:
                self.on_batch(batch, result)
            except Exception:  # an observer's bug must never stop the account
                log.exception("%s: a batch observer failed", self.account)
        if result.gap is not None:
            self.hub.publish(ChangeNotice("gap", self.account, detail=result.gap.reason))
        if result.chats:
            self.hub.publish(ChangeNotice("messages", self.account, result.chats))
        if batch.events:
            return "stored"
        if not self.adapter.capabilities.long_poll:
            await self.clock.sleep(self.adapter.capabilities.poll_interval_s)
        return "empty"

    async def _stop(self, reason: str) -> None:
        await self._set_status("stopped", reason)
        raise AccountStopped(reason)

    async def _set_status(self, status: str, reason: str) -> None:
        if status not in ("rate_limited", "retrying"):
            self.until = None
        waiting = status in ("rate_limited", "retrying")  # each wait has its own `until`
        if (status, reason) == (self.status, self.reason) and not waiting:
            return
        self.status, self.reason = status, reason
        await self.store.run(self.store.set_status, self.account, status, reason, self.clock.now())
        self.hub.publish(ChangeNotice("account", self.account, detail=status))
