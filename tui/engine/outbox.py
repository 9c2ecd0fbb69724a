"""The outbox: sends that survive restarts, are paced below the limits, and never double.

``send_*`` writes the row(s) and the local echo in one transaction and returns at once; a
deliverer (:meth:`Outbox.run`, one per account) sends them. States::

    queued → sending → sent
                     → failed   (Forbidden, Rejected, AuthFailed, Unsupported: with the reason)
                     → unknown  (Ambiguous, or a crash while sending: it may have arrived)
    sending → queued            (Transient: backoff ≤ 30 s; RateLimited: exactly retry_after)
    failed | unknown → queued   (the user's resend)      queued | failed | unknown → gone
                                                          (the user's discard)

``unknown`` is never re-sent by itself: the Bot APIs have no idempotency key, so a retry after
a send that may have been processed could show the message twice.

Edits and deletes of own messages go through the outbox too, with the same states: they are
side effects that can be Ambiguous, they must survive a restart, and they must reach the
server after the send they refer to (rows of a chat go out in order). They do not count
against the rate table (CONTRACTS §4). The store shows their effect once ``sent``.

Pacing: one :class:`adapters.ratelimit.RateLimiter` per account, at ``margin`` (default 0.8)
of the CONTRACTS §4 table, checked before a row is claimed; a chat that must wait does not
hold up the others. One deliverer per account across processes (a ``send`` lock under
``locks/``) keeps that pacing exact when ``payam send`` runs beside the TUI: the process
without the lock only queues, and the lock holder delivers.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path

from adapters.base import Adapter, SendOptions
from adapters.errors import (
    Ambiguous,
    AuthFailed,
    Forbidden,
    RateLimited,
    Rejected,
    Transient,
    Unsupported,
)
from adapters.models import Sent
from adapters.ratelimit import RateLimiter
from adapters.redact import scrub
from tui.engine.clock import Clock, SystemClock
from tui.engine.locks import AccountLock
from tui.engine.notices import ChangeNotice, NoticeHub
from tui.engine.records import OutboxItem
from tui.engine.store import Store, StoreError
from tui.engine.textsplit import split_once, split_text

log = logging.getLogger("payam.outbox")

FINAL = frozenset({"sent", "failed", "unknown"})
PACING_MARGIN = 0.8
BACKOFF_CAP_S = 30.0


class OutboxError(StoreError):
    """A send refused before anything was queued (too big, unsupported, empty)."""


class Outbox:
    """Queue sends and deliver them, for the accounts whose adapters it is given."""

    def __init__(
        self,
        store: Store,
        adapters: Mapping[str, Adapter],
        *,
        clock: Clock | None = None,
        hub: NoticeHub | None = None,
        lock_dir: Path | None = None,
        margin: float = PACING_MARGIN,
        rng: random.Random | None = None,
        idle_poll_s: float = 1.0,
    ) -> None:
        """``adapters`` maps ``<messenger>:<name>`` to its adapter. ``lock_dir``: the data
        dir's ``locks``; None only in tests (then :meth:`recover` is the caller's job)."""
        self.store = store
        self.adapters = adapters
        self.clock = clock or SystemClock()
        self.hub = hub or NoticeHub()
        self.lock_dir = lock_dir
        self.claimer = f"{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.idle_poll_s = idle_poll_s
        self.progress: dict[str, tuple[int, int]] = {}
        self.delivering: set[str] = set()  # accounts whose send lock this process holds
        self._rng = rng or random.Random()
        self._margin = margin
        # Made on first use: ``adapters`` may be a mapping that gains accounts later (the
        # service builds each adapter once its token has been read).
        self._limiters: dict[str, RateLimiter] = {}
        self._wake: dict[str, asyncio.Event] = {}

    def _adapter(self, account: str) -> Adapter:
        try:
            return self.adapters[account]
        except KeyError:
            raise OutboxError(f"no adapter for {account}") from None

    def _limiter(self, account: str) -> RateLimiter:
        limiter = self._limiters.get(account)
        if limiter is None:
            caps = self._adapter(account).capabilities
            limiter = self._limiters[account] = RateLimiter(caps.rate_limits, self._margin)
        return limiter

    def _poke(self, account: str, chat_id: str) -> None:
        self._wake.setdefault(account, asyncio.Event()).set()
        self.hub.publish(ChangeNotice("outbox", account, frozenset({chat_id})))

    # --- the user's side: every call returns once the rows are written ---------------------

    async def send_text(
        self,
        account: str,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        options: SendOptions | None = None,
    ) -> list[OutboxItem]:
        """Queue ``text``; over the messenger's ``max_text`` it becomes ordered parts.

        ``options`` the messenger does not support are refused here, before anything is
        queued; they go with the first part (``silent`` with every part)."""
        caps = self._adapter(account).capabilities
        if reply_to is not None and not caps.reply:
            raise OutboxError(f"{account.partition(':')[0]} cannot reply to messages")
        extra = options.used() - caps.send_options if options is not None else frozenset()
        if extra:
            raise OutboxError(
                f"{account.partition(':')[0]} does not support: {', '.join(sorted(extra))}"
            )
        parts = split_text(text, caps.max_text)
        if not parts:
            raise OutboxError("nothing to send")
        items = await self.store.run(
            self.store.enqueue_text,
            account,
            chat_id,
            parts,
            now=self.clock.now(),
            reply_to=reply_to,
            options=options,
        )
        self._poke(account, chat_id)
        return items

    async def send_file(
        self,
        account: str,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
    ) -> list[OutboxItem]:
        """Queue a file; a caption over ``max_caption`` continues in text parts after it."""
        caps = self._adapter(account).capabilities
        if not caps.files_send:
            raise OutboxError(f"{account.partition(':')[0]} cannot send files")
        path = await asyncio.to_thread(_checked_file, path, caps.max_upload_bytes)
        head, rest = split_once(caption.strip(), caps.max_caption) if caption.strip() else ("", "")
        parts = [head, *split_text(rest, caps.max_text)]
        items = await self.store.run(
            self.store.enqueue_file,
            account,
            chat_id,
            path,
            parts,
            now=self.clock.now(),
            reply_to=reply_to,
        )
        self._poke(account, chat_id)
        return items

    async def edit(self, account: str, chat_id: str, message: int, text: str) -> OutboxItem | None:
        """Queue an edit of own message ``message`` (store id); None if it was still unsent
        and was changed in place."""
        caps = self._adapter(account).capabilities
        if not caps.edit:
            raise OutboxError(f"{account.partition(':')[0]} cannot edit messages")
        if not text.strip() or len(split_text(text, caps.max_text)) != 1:
            raise OutboxError(f"an edit must be 1–{caps.max_text} characters")
        item = await self.store.run(
            self.store.enqueue_edit, account, chat_id, message, text, now=self.clock.now()
        )
        self._poke(account, chat_id)
        return item

    async def delete(self, account: str, chat_id: str, message: int) -> OutboxItem | None:
        """Queue a delete; None if the message was never sent and was dropped locally."""
        if not self._adapter(account).capabilities.delete:
            raise OutboxError(f"{account.partition(':')[0]} cannot delete messages")
        item = await self.store.run(
            self.store.enqueue_delete, account, chat_id, message, now=self.clock.now()
        )
        self._poke(account, chat_id)
        return item

    async def resend(self, client_uuid: str) -> OutboxItem:
        """A failed or unknown row goes back to the queue (the user chose to)."""
        item = await self.store.run(self.store.outbox_resend, client_uuid, self.clock.now())
        self._poke(item.account, item.chat_id)
        return item

    async def discard(self, client_uuid: str) -> None:
        """Drop a queued, failed or unknown row and its local echo."""
        item = await self.store.run(self.store.outbox_item, client_uuid)
        await self.store.run(self.store.outbox_discard, client_uuid)
        if item is not None:
            self._poke(item.account, item.chat_id)

    # --- delivering --------------------------------------------------------------------

    async def recover(self, account: str) -> int:
        """Rows left ``sending`` by a dead process become ``unknown``. Call only while
        holding the account's send lock (:meth:`run` does)."""
        n = await self.store.run(self.store.outbox_recover, account, self.clock.now())
        if n:
            self.hub.publish(ChangeNotice("outbox", account, detail=f"{n} interrupted"))
        return n

    async def run(self, account: str) -> None:
        """Deliver for ``account`` until cancelled. Without the send lock (another process
        delivers), only waits for it, taking over when that process ends."""
        lock = AccountLock(self.lock_dir, account, "send") if self.lock_dir else None
        try:
            while True:
                if lock is not None and not lock.held:
                    if not lock.try_acquire():
                        await self.clock.sleep(self.idle_poll_s * 5)
                        continue
                    self.delivering.add(account)
                    await self.recover(account)
                wait = await self.deliver_once(account)
                if wait is None or wait > 0:
                    await self._idle(account, self.idle_poll_s if wait is None else wait)
        finally:
            self.delivering.discard(account)
            if lock is not None:
                lock.release()

    async def drain(self, account: str) -> None:
        """Deliver until nothing queued can go any more (for ``payam send`` and tests)."""
        while (wait := await self.deliver_once(account)) is not None:
            if wait > 0:
                await self.clock.sleep(wait)

    async def settle(self, client_uuids: Sequence[str]) -> list[OutboxItem]:
        """Wait until each row is ``sent``, ``failed`` or ``unknown`` (or gone), whoever
        delivers it — this process or the one holding the send lock (``payam send`` beside
        the TUI). Returns the rows as they ended."""
        while True:
            items = [await self.store.run(self.store.outbox_item, u) for u in client_uuids]
            if all(i is None or i.state in FINAL for i in items):
                return [i for i in items if i is not None]
            await self.clock.sleep(self.idle_poll_s / 4)

    async def _idle(self, account: str, seconds: float) -> None:
        wake = self._wake.setdefault(account, asyncio.Event())
        if wake.is_set():
            wake.clear()
            return
        waiter = asyncio.ensure_future(wake.wait())
        sleeper = asyncio.ensure_future(self.clock.sleep(min(seconds, self.idle_poll_s)))
        try:
            await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            sleeper.cancel()
            wake.clear()

    async def deliver_once(self, account: str) -> float | None:
        """Try to send one row. Returns 0 to go on at once, the seconds before a row can go,
        or None when nothing is queued."""
        now = self.clock.now()
        heads, next_due = await self.store.run(self.store.outbox_heads, account, now)
        waits: list[float] = []
        if next_due is not None:
            waits.append(max(0.0, (next_due - now).total_seconds()))
        if not heads:
            return min(waits) if waits else None
        limiter = self._limiter(account)
        for head in heads:
            if head.op in ("text", "file"):
                wait = limiter.check(
                    head.chat_id, head.chat_kind != "private", self.clock.monotonic()
                )
                if wait > 0:
                    waits.append(wait)
                    continue
            item = await self.store.run(self.store.outbox_claim, head.id, self.claimer, now)
            if item is not None:
                await self._deliver(item)
            return 0.0
        return min(waits)

    async def _deliver(self, item: OutboxItem) -> None:
        adapter = self._adapter(item.account)
        store, now = self.store, self.clock.now
        try:
            sent = await self._call(adapter, item)
        except RateLimited as exc:
            at = now() + timedelta(seconds=exc.retry_after_s)
            await store.run(store.outbox_retry, item.id, at, exc.reason, now())
        except Transient as exc:
            nominal = min(BACKOFF_CAP_S, 2.0 ** min(item.attempts - 1, 10))
            delay = nominal / 2 + self._rng.uniform(0, nominal / 2)
            await store.run(
                store.outbox_retry, item.id, now() + timedelta(seconds=delay), exc.reason, now()
            )
        except Ambiguous as exc:
            await store.run(
                store.outbox_finish,
                item.id,
                "unknown",
                f"may or may not have arrived: {exc.reason}",
                now(),
            )
        except AuthFailed as exc:
            await store.run(
                store.outbox_finish,
                item.id,
                "failed",
                f"token rejected {exc.reason}".strip(),
                now(),
            )
        except (Forbidden, Rejected, Unsupported) as exc:
            await store.run(store.outbox_finish, item.id, "failed", exc.reason, now())
        except Exception as exc:  # a bug or an unknown failure: it may have been sent
            log.exception("%s: sending failed unexpectedly", item.account)
            await store.run(
                store.outbox_finish,
                item.id,
                "unknown",
                scrub(f"{type(exc).__name__}: {exc}"),
                now(),
            )
        else:
            await store.run(store.outbox_sent, item.id, sent, now())
        finally:
            self.progress.pop(item.client_uuid, None)
        self.hub.publish(ChangeNotice("outbox", item.account, frozenset({item.chat_id})))

    async def _call(self, adapter: Adapter, item: OutboxItem) -> Sent | None:
        if item.op == "text":
            return await adapter.send(
                item.chat_id, item.body, reply_to=item.reply_to, options=item.options
            )
        if item.op == "file":

            def progress(done: int, total: int) -> None:
                self.progress[item.client_uuid] = (done, total)

            return await adapter.send_file(
                item.chat_id,
                Path(item.file_path or ""),
                caption=item.body,
                reply_to=item.reply_to,
                progress=progress,
            )
        target = (
            await self.store.run(self.store.message_by_id, item.message)
            if item.message is not None
            else None
        )
        if target is None or target.msg_id.startswith("local:"):
            raise Rejected("the message it refers to was never sent")
        if item.op == "edit":
            await adapter.edit(item.chat_id, target.msg_id, item.body)
        else:
            await adapter.delete(item.chat_id, target.msg_id)
        return None


def _checked_file(path: Path, limit: int) -> Path:
    """The absolute path of a regular file within ``limit`` bytes, or :class:`OutboxError`."""
    if not path.is_file():
        raise OutboxError(f"not a file: {path.name}")
    size = path.stat().st_size
    if size > limit:
        raise OutboxError(f"{path.name} is {size:,} bytes; the limit is {limit:,}")
    return path.resolve()
