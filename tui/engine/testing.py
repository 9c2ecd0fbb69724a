"""Test doubles that follow CONTRACTS §1: a fake clock, a scripted server, a fake adapter.

Importable from ``tui.engine`` (not ``tests``) because ``python -m tui.engine.ingest`` uses the
file-backed variant (:mod:`tui.engine.testing_file`) for the kill -9 harness. Nothing here
talks to a network or sleeps on the wall clock.

* :class:`FakeClock` — ``sleep`` advances time at once and records each request.
* :class:`FakeServer` — server-side history with Telegram ``getUpdates`` semantics: ids rise by
  one, a poll with cursor *n* confirms (forgets) every update below *n*, unconfirmed updates
  expire after the retention, ids can be re-seeded; it records what the bot sent and answers
  a send over the §4 table with a 429, like the mocks.
* :class:`FakeAdapter` — an :class:`adapters.base.Adapter` over a :class:`FakeServer` that can
  raise any error class on demand (before or after the server acted) and records every call.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx

from adapters.base import AccountSpec, Adapter, Capabilities, Progress, SendOptions
from adapters.errors import AdapterError, RateLimited, Rejected
from adapters.models import (
    Batch,
    Chat,
    ChatKind,
    ChatRef,
    Event,
    FileRef,
    Identity,
    Message,
    MessageDeleted,
    MessageEdited,
    MessageNew,
    Sender,
    Sent,
    Span,
    Unparsed,
)
from adapters.ratelimit import RateLimiter, RateLimits
from adapters.secret import Secret


class FakeClock:
    """A clock that only moves when told to, or when someone sleeps on it."""

    def __init__(self, start: datetime | None = None) -> None:
        """Starts at ``start`` (default 2025-01-01 UTC) and monotonic 1000.0."""
        self._now = start or datetime(2025, 1, 1, tzinfo=UTC)
        self._mono = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        """The fake wall time."""
        return self._now

    def monotonic(self) -> float:
        """The fake monotonic time."""
        return self._mono

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    async def sleep(self, seconds: float) -> None:
        """Record the request, advance time by it, and let other tasks run."""
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)


FAKE_CAPS = Capabilities(
    receive=True,
    long_poll=True,
    poll_interval_s=0.0,
    edit=True,
    delete=True,
    reply=True,
    files_send=True,
    files_receive=True,
    formatting="entities",
    max_text=4096,
    max_caption=1024,
    max_upload_bytes=50 * 1024 * 1024,
    max_download_bytes=20 * 1024 * 1024,
    send_options=frozenset(),
    rate_limits=RateLimits(),
)


@dataclass
class SentRecord:
    """One message the bot got through to the server."""

    chat_id: str
    message_id: str
    text: str
    at: float  # the server's monotonic time
    file: str | None = None


@dataclass
class FakeServer:
    """Server-side state of one bot."""

    clock: FakeClock
    retention: timedelta = timedelta(hours=24)
    limits: RateLimits | None = None
    updates: list[tuple[int, datetime, Event]] = field(default_factory=list)
    next_update: int = 1
    confirmed_below: int = 0
    sent: list[SentRecord] = field(default_factory=list)
    edits: list[tuple[str, str, str]] = field(default_factory=list)
    deletes: list[tuple[str, str]] = field(default_factory=list)
    chats: dict[str, ChatRef] = field(default_factory=dict)
    too_many: int = 0
    _next_msg: int = 1
    _limiter: RateLimiter | None = None

    def __post_init__(self) -> None:
        if self.limits is not None:
            self._limiter = RateLimiter(self.limits)

    # --- the users' side ---------------------------------------------------------------

    def _push(self, event: Event) -> None:
        self.updates.append((self.next_update, self.clock.now(), event))
        self.next_update += 1

    def chat(self, chat_id: str, kind: ChatKind = "private", title: str = "") -> ChatRef:
        """Declare a chat (its kind decides the rate limit that applies)."""
        return self.chats.setdefault(chat_id, ChatRef(chat_id, kind, title or f"chat {chat_id}"))

    def user_says(
        self, chat_id: str, text: str, *, sender: Sender | None = None, spans: tuple[Span, ...] = ()
    ) -> Message:
        """A user writes ``text`` in ``chat_id``: one MessageNew update."""
        ref = self.chat(chat_id)
        msg = Message(
            str(self._next_msg),
            chat_id,
            self.clock.now(),
            sender or Sender("u1", "کاربر"),
            text,
            spans,
        )
        self._next_msg += 1
        self._push(MessageNew(ref, msg))
        return msg

    def user_edits(self, message: Message, text: str) -> Message:
        """The author edits a message: one MessageEdited update."""
        edited = replace(message, text=text, edited_at=self.clock.now())
        self._push(MessageEdited(self.chat(message.chat_id), edited))
        return edited

    def user_deletes(self, message: Message) -> None:
        """The message is deleted: one MessageDeleted update."""
        self._push(MessageDeleted(self.chat(message.chat_id), message.id))

    def poison(self, raw: bytes = b'{"update_id": "x"}', error: str = "bad update") -> None:
        """An update the adapter could not parse."""
        self._push(Unparsed(raw, error, str(self.next_update)))

    def reseed(self, first_id: int) -> None:
        """The server picks new ids (Telegram after a week idle, or a server that lost data)."""
        self.next_update = first_id

    # --- getUpdates --------------------------------------------------------------------

    def get_updates(self, cursor: str | None, limit: int = 100) -> Batch:
        """Telegram semantics: confirm below ``cursor``, expire old ones, return the rest."""
        start = int(cursor) if cursor is not None else 0
        self.confirmed_below = max(self.confirmed_below, start)
        horizon = self.clock.now() - self.retention
        self.updates = [u for u in self.updates if u[0] >= self.confirmed_below and u[1] >= horizon]
        batch = self.updates[:limit]
        if not batch:
            return Batch((), cursor)
        jump = cursor is not None and batch[0][0] != start
        return Batch(tuple(u[2] for u in batch), str(batch[-1][0] + 1), id_jump=jump)

    # --- the bot's side ------------------------------------------------------------------

    def accept_send(self, chat_id: str, text: str, file: str | None = None) -> Sent:
        """Record a send (or refuse it with 429 over the rate table)."""
        if self._limiter is not None:
            ref = self.chat(chat_id)
            wait = self._limiter.check(chat_id, ref.kind != "private", self.clock.monotonic())
            if wait > 0:
                self.too_many += 1
                raise RateLimited(wait)
        mid = str(self._next_msg)
        self._next_msg += 1
        self.sent.append(SentRecord(chat_id, mid, text, self.clock.monotonic(), file))
        return Sent(chat_id, mid, self.clock.now())


@dataclass
class Scripted:
    """An error to raise on the next call of a method; ``processed``: after the server acted."""

    error: AdapterError
    processed: bool = False


class FakeAdapter(Adapter):
    """An adapter over a :class:`FakeServer`. ``calls`` lists ``(method, args)`` in order."""

    messenger: ClassVar[str] = "fake"
    default_base_url: ClassVar[str] = "fake://"
    capabilities: ClassVar[Capabilities] = FAKE_CAPS

    def __init__(self, server: FakeServer, name: str = "test", *, limit: int = 100) -> None:
        """An account ``fake:<name>`` over ``server``; ``limit``: updates per poll."""
        spec = AccountSpec(self.messenger, name, self.default_base_url)
        super().__init__(spec, Secret("fake-token"), httpx.AsyncClient(transport=_NoNetwork()))
        self.server = server
        self.limit = limit
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.script: dict[str, deque[Scripted]] = {}
        self.files: dict[str, bytes] = {}  # download content by file id (default: x * size)

    @classmethod
    def with_capabilities(cls, **changes: Any) -> type[FakeAdapter]:
        """A subclass whose capabilities differ from :data:`FAKE_CAPS` by ``changes``."""
        caps = replace(cls.capabilities, **changes)
        return type(f"FakeAdapter_{id(caps):x}", (cls,), {"capabilities": caps})

    def fail(
        self, method: str, error: AdapterError, *, times: int = 1, processed: bool = False
    ) -> None:
        """Make the next ``times`` calls of ``method`` raise ``error``."""
        queue = self.script.setdefault(method, deque())
        queue.extend(Scripted(error, processed) for _ in range(times))

    def _enter(self, method: str, *args: Any) -> Scripted | None:
        self.calls.append((method, args))
        queue = self.script.get(method)
        if queue:
            step = queue.popleft()
            if not step.processed:
                raise step.error
            return step
        return None

    def count(self, method: str) -> int:
        """How many times ``method`` was called."""
        return sum(1 for m, _ in self.calls if m == method)

    async def me(self) -> Identity:
        """The bot's identity."""
        self._enter("me")
        return Identity("bot1", "Payam test bot", "payam_test_bot")

    async def poll(self, cursor: str | None, timeout_s: float) -> Batch:
        """getUpdates; an empty long poll waits ``timeout_s`` on the fake clock."""
        self._enter("poll", cursor, timeout_s)
        batch = self.server.get_updates(cursor, self.limit)
        if not batch.events and self.capabilities.long_poll:
            await self.server.clock.sleep(timeout_s)
        return batch

    async def send(
        self,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        entities: tuple[Span, ...] = (),
        options: SendOptions | None = None,
    ) -> Sent:
        """sendMessage."""
        self.check_options(options, reply_to)
        await asyncio.sleep(0)  # a real request yields: let concurrent deliverers interleave
        step = self._enter("send", chat_id, text)
        if len(text) > self.capabilities.max_text:
            raise Rejected("message is too long")
        sent = self.server.accept_send(chat_id, text)
        if step is not None:
            raise step.error
        return sent

    async def edit(self, chat_id: str, message_id: str, text: str) -> None:
        """editMessageText."""
        await asyncio.sleep(0)  # a real request yields: let concurrent deliverers interleave
        step = self._enter("edit", chat_id, message_id, text)
        self.server.edits.append((chat_id, message_id, text))
        if step is not None:
            raise step.error

    async def delete(self, chat_id: str, message_id: str) -> None:
        """deleteMessage."""
        await asyncio.sleep(0)  # a real request yields: let concurrent deliverers interleave
        step = self._enter("delete", chat_id, message_id)
        self.server.deletes.append((chat_id, message_id))
        if step is not None:
            raise step.error

    async def send_file(
        self,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
        progress: Progress | None = None,
    ) -> Sent:
        """sendDocument: reads the file and reports progress in two steps."""
        await asyncio.sleep(0)  # a real request yields: let concurrent deliverers interleave
        step = self._enter("send_file", chat_id, str(path), caption)
        size = await asyncio.to_thread(lambda: path.stat().st_size)
        if progress is not None:
            progress(size // 2, size)
            progress(size, size)
        sent = self.server.accept_send(chat_id, caption, file=path.name)
        if step is not None:
            raise step.error
        return sent

    async def download(self, file: FileRef, dest: Path, progress: Progress | None = None) -> Path:
        """getFile: writes ``file.size`` bytes (or the scripted content) to ``dest``."""
        self._enter("download", file.id, str(dest))
        data = self.files.get(file.id, b"x" * (file.size or 0))
        await asyncio.to_thread(_write_chunks, dest, data, progress)
        return dest

    async def chat_info(self, chat_id: str) -> Chat:
        """getChat."""
        self._enter("chat_info", chat_id)
        ref = self.server.chat(chat_id)
        return Chat(ref.id, ref.kind, ref.title, ref.username)


class _NoNetwork(httpx.AsyncBaseTransport):
    """The fake never touches the network; a stray request fails loudly."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise AssertionError("FakeAdapter made a network request")


def _write_chunks(dest: Path, data: bytes, progress: Progress | None) -> None:
    total = len(data)
    with dest.open("wb") as out:
        for start in range(0, max(total, 1), 65536):
            out.write(data[start : start + 65536])
            if progress is not None:
                progress(min(start + 65536, total), total)
