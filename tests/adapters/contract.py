"""The adapter contract suite (ARCHITECTURE.md "The adapter contract", CONTRACTS §1).

The same scenarios run against every adapter over **its own mock** (``adapters/mock``): every
messenger that has both an adapter (the ``payam.adapters`` entry points) and a mock
(:func:`adapters.mock.load_mocks`) is included automatically, so Rubika and Eitaa join as soon as
their ``mock.py`` lands. What an adapter's :class:`~adapters.base.Capabilities` say it cannot do
is skipped for that adapter, with the reason.

Two ways to reach a mock:

* functional scenarios go over ``httpx.ASGITransport`` (:class:`~adapters.mock.MountApp`): fast,
  no sockets, no timeouts;
* everything with faults, timeouts or concurrent long polls goes over **real loopback**
  (:class:`~adapters.mock.MockServer`), because ASGITransport ignores timeouts and never raises
  network errors.

The user's side is played through the control API (CONTRACTS §2); the world is touched directly
only where the control API has no way to say it (1,000 injections at once, a file's bytes).

Collected by ``tests/adapters/test_contract_suite.py``; the per-fault table lives in
``tests/adapters/test_faults_adapters.py`` and shares :func:`harness` with this module.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters import registry
from adapters.base import AccountSpec, Adapter, Capabilities, SendOptions
from adapters.botapi.adapter import BotApiAdapter
from adapters.errors import (
    AdapterError,
    Ambiguous,
    AuthFailed,
    Conflict,
    Forbidden,
    RateLimited,
    Rejected,
    Transient,
    Unsupported,
)
from adapters.http import make_client
from adapters.mock import MockServer, MockWorld, MountApp, load_mocks
from adapters.mock.registry import MOCK_MODULES
from adapters.mock.world import MessengerWorld
from adapters.models import (
    Batch,
    Event,
    FileRef,
    MessageDeleted,
    MessageEdited,
    MessageNew,
    Span,
    Unparsed,
)
from adapters.secret import Secret

__all__ = [
    "ADAPTERS",
    "FACTS",
    "MESSENGERS",
    "ApiFacts",
    "Harness",
    "facts",
    "h",
    "harness",
    "lh",
    "messenger",
    "test_chat_info",
    "test_conflict_from_a_second_concurrent_poll",
    "test_conflict_from_a_webhook",
    "test_cursor_none_lost_none_twice",
    "test_delete_own_message",
    "test_edit_own_message",
    "test_error_ambiguous_from_a_send",
    "test_error_auth_failed",
    "test_error_forbidden",
    "test_error_rate_limited",
    "test_error_rejected_bad_chat",
    "test_error_transient_from_a_read",
    "test_error_unsupported_makes_no_request",
    "test_file_receive_and_download",
    "test_file_send",
    "test_formatting_round_trip",
    "test_identity",
    "test_max_length_text",
    "test_mock_available",
    "test_poison_updates",
    "test_receive_text_variants",
    "test_reply",
    "test_send_read_back",
    "test_send_text_variants",
    "test_user_delete_event",
    "test_user_edit_event",
]

SEED = 3
BOT_NAME = "ربات قرارداد"
BOT_USERNAME = "contract_bot"
CHANNEL = "contract_news"  # every bot posts here (Eitaa: its only kind of chat)
USER = {"name": "سارا کریمی", "username": "sara_contract"}
ZWNJ = "\u200c"

TEXT_VARIANTS = {
    "persian": "سلام! سفارشم کی می‌رسه؟ ۱۲۳۴",
    "zwnj": f"می{ZWNJ}خواهم کتاب{ZWNJ}ها را بخوانم{ZWNJ}",
    "emoji": "🌹 👋🏽 👨‍👩‍👧 🇮🇷 ✔️",
    "mixed": f"Order #42 سفارش{ZWNJ}ها 📦 تحویل شد\nخط دوم\tبا تب",
}


@dataclass(frozen=True)
class ApiFacts:
    """What differs between the messengers' APIs in ways the contract's expectations follow."""

    forbidden: bool = True  # the API has a "forbidden" answer (Rubika: only INVALID_INPUT)
    rate_hint: bool = True  # a rate-limit answer says how long to wait (Rubika: no hint)


FACTS: dict[str, ApiFacts] = {"rubika": ApiFacts(forbidden=False, rate_hint=False)}
"""Per messenger; the default for any other (a plug-in included) is Telegram's behaviour."""


def facts(messenger: str) -> ApiFacts:
    """The API facts of ``messenger``."""
    return FACTS.get(messenger, ApiFacts())


def _adapters() -> dict[str, type[Adapter]]:
    loaded, _failures = registry.load_all()
    return loaded


ADAPTERS: dict[str, type[Adapter]] = _adapters()
"""Every registered adapter that imports."""

MESSENGERS: list[str] = [m for m in load_mocks() if m in ADAPTERS]
"""Messengers with an adapter and a mock: the suite's parameters (evaluated at collection)."""


# --- the harness ------------------------------------------------------------------------------


@dataclass
class Harness:
    """One messenger's mock (in-process or on loopback), a bot on it, and its adapter."""

    messenger: str
    world: MockWorld
    root: str  # "http://mock" over ASGI, "http://127.0.0.1:<port>" on loopback
    control_client: httpx.AsyncClient
    adapter_client: httpx.AsyncClient
    tmp: Path
    loopback: bool
    token: str = field(default="", repr=False)
    bot_id: str = ""
    adapter: Adapter = field(init=False)

    # --- what is being tested

    @property
    def cls(self) -> type[Adapter]:
        """The adapter class under test."""
        return ADAPTERS[self.messenger]

    @property
    def caps(self) -> Capabilities:
        """Its capabilities."""
        return self.cls.capabilities

    @property
    def mw(self) -> MessengerWorld:
        """The messenger's mock world (for what the control API cannot say)."""
        return self.world[self.messenger]

    @property
    def base(self) -> str:
        """The mock's mount point for this messenger; the control API is below it."""
        return f"{self.root}/{self.messenger}"

    @property
    def api_base(self) -> str:
        """The adapter's ``base_url``: the mount point plus the real API's path prefix."""
        return self.base + urllib.parse.urlsplit(self.cls.default_base_url).path.rstrip("/")

    @property
    def botapi(self) -> bool:
        """A Telegram-style Bot API (the shared engine and wire)."""
        return issubclass(self.cls, BotApiAdapter)

    def new_adapter(
        self, token: str | None = None, client: httpx.AsyncClient | None = None
    ) -> Adapter:
        """An adapter for ``token`` (default: the harness bot's) over the mock."""
        spec = AccountSpec(
            self.messenger,
            "contract",
            self.api_base,
            channels=(CHANNEL,),
            receive=self.caps.receive,
        )
        return self.cls(spec, Secret(token or self.token), client or self.adapter_client)

    def needs(self, **flags: bool) -> None:
        """Skip unless every named capability has the given value."""
        for name, wanted in flags.items():
            have = getattr(self.caps, name)
            if bool(have) != wanted:
                pytest.skip(f"{self.messenger}: capabilities say {name}={have}")

    # --- the control API

    async def control(
        self, path: str, body: Any = None, *, method: str = "POST", expect: int = 200
    ) -> Any:
        """One control-API call; its JSON answer (the status must be ``expect``)."""
        content = None if body is None else json.dumps(body).encode()  # lone surrogates escaped
        response = await self.control_client.request(
            method,
            f"{self.base}/__mock__/{path}",
            content=content,
            headers={"content-type": "application/json"},
        )
        assert response.status_code == expect, (path, response.status_code, response.text)
        return response.json()

    async def add_bot(self, name: str, username: str, **extra: Any) -> tuple[str, str]:
        """A bot on the mock: (token, bot id as str)."""
        made = await self.control("bots", {"name": name, "username": username, **extra})
        return str(made["token"]), str(made["bot_id"])

    async def inbound(
        self, text: str, *, user: dict[str, Any] | None = None, **extra: Any
    ) -> tuple[str, str]:
        """A user's message to the bot: (chat id, message id) as str."""
        body = {"token": self.token, "from": user or USER, "text": text, **extra}
        made = await self.control("inbound", body)
        return str(made["chat_id"]), str(made["message_id"])

    async def chat(self, chat_id: str, token: str | None = None) -> dict[str, Any]:
        """``GET chats/<id>``: the chat and the bot's messages in it."""
        quoted = urllib.parse.quote(chat_id, safe="")
        response = await self.control_client.get(
            f"{self.base}/__mock__/chats/{quoted}", params={"token": token or self.token}
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def message(self, chat_id: str, message_id: str) -> dict[str, Any]:
        """One message of the chat, as the control API lists it."""
        found = [
            m for m in (await self.chat(chat_id))["messages"] if str(m["message_id"]) == message_id
        ]
        assert len(found) == 1, (message_id, found)
        message: dict[str, Any] = found[0]
        return message

    async def outgoing(self, chat_id: str) -> list[dict[str, Any]]:
        """The bot's own messages in the chat."""
        return [m for m in (await self.chat(chat_id))["messages"] if m["direction"] == "out"]

    async def requests(self, token: str | None = None) -> list[dict[str, Any]]:
        """The mock's request log for ``token`` (default: the harness bot's)."""
        response = await self.control_client.get(
            f"{self.base}/__mock__/requests", params={"token": token or self.token}
        )
        entries: list[dict[str, Any]] = response.json()["requests"]
        return entries

    async def faults(
        self, *kinds: str, hang_s: float = 30.0, rate: float = 1.0, seed: int = SEED
    ) -> None:
        """Install a fault plan (no kinds: remove it)."""
        if not kinds:
            await self.control("faults", method="DELETE")
            return
        await self.control(
            "faults", {"seed": seed, "rate": rate, "kinds": list(kinds), "hang_s": hang_s}
        )

    # --- chats to write to

    async def target(self) -> str:
        """A chat the bot may post to: a user's private chat, or (send-only) its channel."""
        if self.caps.receive:
            chat_id, _ = await self.inbound("/start")
            return chat_id
        return CHANNEL

    async def drain(self, cursor: str | None, *, limit_polls: int = 200) -> Drained:
        """Poll (no long poll) until a poll brings nothing new; every event, in order."""
        out = Drained(cursor)
        for _ in range(limit_polls):
            batch = await self.adapter.poll(out.cursor, 0)
            out.polls += 1
            out.batches.append(batch)
            out.events.extend(batch.events)
            moved = batch.cursor != out.cursor
            out.cursor = batch.cursor if batch.cursor is not None else out.cursor
            if not batch.events and not moved:
                return out
        raise AssertionError(f"still receiving after {limit_polls} polls")


@dataclass
class Drained:
    """What :meth:`Harness.drain` saw."""

    cursor: str | None
    events: list[Event] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    polls: int = 0

    def new(self) -> list[MessageNew]:
        """The new-message events."""
        return [e for e in self.events if isinstance(e, MessageNew)]


@asynccontextmanager
async def harness(
    messenger: str,
    tmp: Path,
    *,
    loopback: bool = False,
    client_timeout: httpx.Timeout | None = None,
) -> AsyncIterator[Harness]:
    """A fresh world with only ``messenger``'s mock, a bot on it, and the bot's adapter.

    ``loopback``: serve the world on 127.0.0.1 (real sockets, timeouts, connection faults);
    otherwise the adapter talks to the ASGI app in-process.
    """
    world = MockWorld(SEED, [messenger])
    server: MockServer | None = None
    if loopback:
        server = MockServer(world)
        await server.start()
        root = server.url
        control = httpx.AsyncClient(trust_env=False, timeout=30.0)
        adapter_client = (
            make_client() if client_timeout is None else make_client(timeout=client_timeout)
        )
    else:
        app = MountApp(world)
        root = "http://mock"
        control = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), trust_env=False)
        adapter_client = make_client(transport=httpx.ASGITransport(app=app))
    h = Harness(messenger, world, root, control, adapter_client, tmp, loopback)
    try:
        h.token, h.bot_id = await h.add_bot(BOT_NAME, BOT_USERNAME, channels=[CHANNEL])
        h.adapter = h.new_adapter()
        yield h
    finally:
        await adapter_client.aclose()
        await control.aclose()
        if server is not None:
            await server.stop()


@pytest.fixture(params=MESSENGERS)
def messenger(request: pytest.FixtureRequest) -> str:
    """Each messenger with an adapter and a mock."""
    name: str = request.param
    return name


@pytest.fixture
async def h(messenger: str, tmp_path: Path) -> AsyncIterator[Harness]:
    """The messenger's harness over ASGITransport."""
    async with harness(messenger, tmp_path) as made:
        yield made


@pytest.fixture
async def lh(messenger: str, tmp_path: Path) -> AsyncIterator[Harness]:
    """The messenger's harness over real loopback."""
    async with harness(messenger, tmp_path, loopback=True) as made:
        yield made


# --- helpers --------------------------------------------------------------------------------


def _span_key(span: Span) -> tuple[int, int, str, str | None]:
    return (span.start, span.end, span.kind, span.url)


def _spans(spans: Sequence[Span]) -> list[tuple[int, int, str, str | None]]:
    return sorted(_span_key(s) for s in spans)


def _find(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


async def _raises(call: Any) -> AdapterError:
    """Await ``call``; the adapter error it raised (fails if it returned)."""
    with pytest.raises(AdapterError) as info:
        await call
    return info.value


def _max_text(limit: int) -> str:
    """Exactly ``limit`` code points of Persian (BMP: one UTF-16 unit each), with ZWNJ."""
    unit = f"کتاب{ZWNJ}ها و "
    return (unit * (limit // len(unit) + 1))[: limit - 1] + "."


# --- the mock is there ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ADAPTERS))
def test_mock_available(name: str) -> None:
    """Every registered adapter has a mock, so the rest of the suite covers it."""
    if name not in MESSENGERS:
        module = MOCK_MODULES.get(name)
        try:
            load_mocks([name])  # a mock that exists but fails to import fails here
        except (KeyError, ModuleNotFoundError) as exc:
            if isinstance(exc, ModuleNotFoundError) and exc.name != module:
                raise
            pytest.skip(f"{name}: no mock registered yet ({module or 'no module'}): not covered")
    assert name in load_mocks([name])


# --- identity, sending, reading back ---------------------------------------------------------


async def test_identity(h: Harness) -> None:
    """``me()`` names the bot the token belongs to."""
    me = await h.adapter.me()
    assert me.id == h.bot_id
    assert me.name == BOT_NAME
    assert me.username in (BOT_USERNAME, None)


async def test_chat_info(h: Harness) -> None:
    """``chat_info`` names a chat by its id."""
    chat_id = await h.target()
    chat = await h.adapter.chat_info(chat_id)
    assert chat.id == chat_id
    if h.caps.receive:
        assert chat.kind == "private"
        assert chat.title == USER["name"]
    else:
        assert chat.kind == "channel" and CHANNEL in (chat.title, chat.username)


async def test_send_read_back(h: Harness) -> None:
    """What ``send`` says it sent is what the chat holds."""
    chat_id = await h.target()
    sent = await h.adapter.send(chat_id, "سلام از قرارداد")
    assert sent.chat_id == chat_id
    assert not sent.scheduled
    stored = await h.message(chat_id, sent.message_id)
    assert stored["direction"] == "out"
    assert stored["text"] == "سلام از قرارداد"
    assert str(stored["from"]["id"]) == h.bot_id
    assert not stored["edited"] and not stored["deleted"]


@pytest.mark.parametrize("variant", sorted(TEXT_VARIANTS))
async def test_send_text_variants(h: Harness, variant: str) -> None:
    """Persian, ZWNJ, emoji and mixed text arrive exactly as given."""
    text = TEXT_VARIANTS[variant]
    chat_id = await h.target()
    sent = await h.adapter.send(chat_id, text)
    assert (await h.message(chat_id, sent.message_id))["text"] == text


@pytest.mark.parametrize("variant", sorted(TEXT_VARIANTS))
async def test_receive_text_variants(h: Harness, variant: str) -> None:
    """Persian, ZWNJ, emoji and mixed text are received exactly as the user wrote them."""
    h.needs(receive=True)
    text = TEXT_VARIANTS[variant]
    chat_id, message_id = await h.inbound(text)
    got = (await h.drain(None)).new()
    assert [(e.chat.id, e.message.id, e.message.text) for e in got] == [(chat_id, message_id, text)]
    assert got[0].message.sender is not None
    assert got[0].message.sender.name == USER["name"]
    assert got[0].message.date.tzinfo is not None


async def test_max_length_text(h: Harness) -> None:
    """Exactly ``max_text`` code points go through; one more is refused or rejected, unsent."""
    limit = h.caps.max_text
    chat_id = await h.target()
    text = _max_text(limit)
    assert len(text) == limit
    sent = await h.adapter.send(chat_id, text)
    assert (await h.message(chat_id, sent.message_id))["text"] == text

    # One more (and far more): refused before sending (no request) or rejected by the server
    # (one request), the same way both times; nothing is stored.
    made: list[int] = []
    for extra in ("!", "!" * limit):
        before = len(await h.requests())
        error = await _raises(h.adapter.send(chat_id, text + extra))
        assert type(error) is Rejected
        made.append(len(await h.requests()) - before)
    assert made in ([0, 0], [1, 1]), made
    assert len(await h.outgoing(chat_id)) == 1


async def test_reply(h: Harness) -> None:
    """``reply_to`` reaches the server."""
    h.needs(reply=True)
    chat_id = await h.target()
    first = await h.adapter.send(chat_id, "اول")
    second = await h.adapter.send(chat_id, "پاسخ", reply_to=first.message_id)
    stored = await h.message(chat_id, second.message_id)
    assert str(stored.get("reply_to")) == first.message_id


# --- formatting ---------------------------------------------------------------------------------


def _formatted() -> tuple[str, tuple[Span, ...]]:
    """Text with spans over Persian, ZWNJ and after an astral emoji (UTF-16 ≠ code points)."""
    text = f"سلام 😀 دنیا{ZWNJ}ها این کد است و پیوند"
    spans = (
        Span(*_find(text, "سلام"), "bold"),
        Span(*_find(text, f"دنیا{ZWNJ}ها"), "italic"),
        Span(*_find(text, "کد"), "code"),
        Span(*_find(text, "پیوند"), "link", url="https://example.org/a?b=1"),
    )
    return text, spans


async def test_formatting_round_trip(h: Harness) -> None:
    """Spans survive both ways through the messenger's own wire form.

    Send with spans → the chat holds them in the wire form (entities, metadata, or Bale's
    in-text markers); a user's message carrying exactly that wire form → the same spans.
    """
    if h.caps.formatting == "none":
        pytest.skip(f"{h.messenger}: capabilities say formatting=none")
    text, spans = _formatted()
    chat_id = await h.target()
    sent = await h.adapter.send(chat_id, text, entities=spans)
    stored = await h.message(chat_id, sent.message_id)
    if h.caps.formatting == "markdown-implicit":
        assert stored["text"] != text and not stored.get("entities"), "markers in the text"
    else:
        assert stored["text"] == text and stored.get("entities"), "spans in the wire form"
    if not h.caps.receive:
        return
    extra = {"entities": stored["entities"]} if stored.get("entities") else {}
    await h.inbound(stored["text"], **extra)
    got = (await h.drain(None)).new()
    assert len(got) == 2  # the /start, then the formatted one
    assert got[1].message.text == text
    assert _spans(got[1].message.spans) == _spans(spans)


# --- edits and deletes --------------------------------------------------------------------------


async def test_edit_own_message(h: Harness) -> None:
    """``edit`` changes the bot's own message."""
    h.needs(edit=True)
    chat_id = await h.target()
    sent = await h.adapter.send(chat_id, "پیش‌نویس")
    await h.adapter.edit(chat_id, sent.message_id, "نسخه نهایی ✅")
    stored = await h.message(chat_id, sent.message_id)
    assert stored["text"] == "نسخه نهایی ✅" and stored["edited"]


async def test_delete_own_message(h: Harness) -> None:
    """``delete`` removes the bot's own message."""
    h.needs(delete=True)
    chat_id = await h.target()
    sent = await h.adapter.send(chat_id, "موقت")
    await h.adapter.delete(chat_id, sent.message_id)
    assert (await h.message(chat_id, sent.message_id))["deleted"]


async def test_user_edit_event(h: Harness) -> None:
    """A user's edit becomes MessageEdited where the messenger sends an update for it."""
    h.needs(receive=True)
    chat_id, message_id = await h.inbound("قبل از ویرایش")
    drained = await h.drain(None)
    answer = await h.control(
        "edit",
        {"token": h.token, "chat_id": chat_id, "message_id": message_id, "text": "بعد 😀"},
    )
    after = await h.drain(drained.cursor)
    if not answer["emitted"]:
        assert after.events == []
        pytest.skip(f"{h.messenger}: the messenger sends no update for a user's edit")
    edited = [e for e in after.events if isinstance(e, MessageEdited)]
    assert [(e.chat.id, e.message.id, e.message.text) for e in edited] == [
        (chat_id, message_id, "بعد 😀")
    ]
    assert edited[0].message.edited_at is not None


async def test_user_delete_event(h: Harness) -> None:
    """A user's deletion becomes MessageDeleted where the messenger sends an update for it."""
    h.needs(receive=True)
    chat_id, message_id = await h.inbound("پاک می‌شود")
    drained = await h.drain(None)
    answer = await h.control(
        "delete", {"token": h.token, "chat_id": chat_id, "message_id": message_id}
    )
    after = await h.drain(drained.cursor)
    if not answer["emitted"]:
        assert after.events == [], "no update, no event"
        pytest.skip(f"{h.messenger}: the messenger sends no update for a user's deletion")
    deleted = [e for e in after.events if isinstance(e, MessageDeleted)]
    assert [(e.chat.id, e.message_id) for e in deleted] == [(chat_id, message_id)]


# --- files --------------------------------------------------------------------------------------


async def test_file_send(h: Harness) -> None:
    """``send_file`` uploads the exact bytes, under the file's name, with the caption."""
    h.needs(files_send=True)
    chat_id = await h.target()
    data = random.Random(1).randbytes(150_000)
    path = h.tmp / "گزارش ماه.pdf"
    path.write_bytes(data)
    progress: list[tuple[int, int]] = []
    sent = await h.adapter.send_file(
        chat_id, path, caption="گزارش 📎", progress=lambda d, t: progress.append((d, t))
    )
    stored = await h.message(chat_id, sent.message_id)
    assert stored["text"] == "گزارش 📎"
    described = stored["file"]
    assert described["size"] == len(data) and described["name"] == path.name
    with h.mw.lock:
        found = h.mw.files.by_id(described["file_id"])
        assert found is not None and found.data == data
    assert progress and progress[-1][0] == len(data)


async def test_file_receive_and_download(h: Harness) -> None:
    """A user's file arrives as an attachment; ``download`` gives back the identical bytes."""
    h.needs(receive=True, files_receive=True)
    data = random.Random(2).randbytes(70_000)
    file = {
        "name": "سند.bin",
        "mime": "application/octet-stream",
        "content_b64": base64.b64encode(data).decode(),
    }
    await h.inbound("این فایل", file=file)
    got = (await h.drain(None)).new()
    assert len(got) == 1 and got[0].message.text == "این فایل"
    (attachment,) = got[0].message.attachments
    assert attachment.file.size in (len(data), None)
    dest = h.tmp / "download.bin"
    assert await h.adapter.download(attachment.file, dest) == dest
    assert dest.read_bytes() == data
    assert not dest.with_name(dest.name + ".part").exists()


# --- cursors ------------------------------------------------------------------------------------


async def test_cursor_none_lost_none_twice(h: Harness) -> None:
    """1,000 queued messages, polled 100 at a time: each arrives exactly once, in order."""
    h.needs(receive=True)
    total = 1000
    mw = h.mw
    bot = mw.bots[h.token]
    senders = [{"name": f"کاربر {i}", "username": f"user{i}_contract"} for i in range(5)]
    injected: list[tuple[str, str]] = []
    for i in range(total):
        message = mw.inbound(bot, sender=senders[i % len(senders)], text=f"پیام {i}")
        wire = mw.ids.to_wire
        injected.append((str(wire(message.chat_id)), str(wire(message.message_id))))
    drained = await h.drain(None)
    # Message ids are unique per chat only: compare (chat, message) pairs.
    ids = [(e.chat.id, e.message.id) for e in drained.new()]
    assert len(ids) == total, f"received {len(ids)} of {total}"
    assert len(set(ids)) == total, "a message came twice"
    assert ids == injected, "lost or reordered"
    assert [e.message.text for e in drained.new()] == [f"پیام {i}" for i in range(total)]
    sizes = [len([e for e in b.events if isinstance(e, MessageNew)]) for b in drained.batches]
    assert max(sizes) <= 100 and drained.polls >= total // 100 + 1
    # The cursor is confirmed: nothing comes again, and the mock holds nothing pending.
    assert (await h.drain(drained.cursor)).events == []
    assert bot.queue.pending_count() == 0


# --- poison updates -----------------------------------------------------------------------------


def _poison(h: Harness, chat_id: str) -> list[dict[str, Any]]:
    """Three updates in the messenger's own wire shape: a lone surrogate, wrong types, and
    missing fields."""
    now = int(h.mw.clock.now())
    wire_chat = h.mw.ids.to_wire(chat_id)
    if h.botapi:
        chat = {"id": wire_chat, "type": "private", "first_name": "x"}
        return [
            {"message": {"message_id": 9001, "date": now, "chat": chat, "text": "bad \ud800"}},
            {"message": {"message_id": "nine", "date": "yesterday", "chat": [], "text": 5}},
            {"message": {"text": "no id, no date, no chat"}},
        ]
    if h.messenger == "rubika":
        return [
            {
                "type": "NewMessage",
                "chat_id": wire_chat,
                "new_message": {"message_id": "9001", "time": str(now), "text": "bad \ud800"},
            },
            {
                "type": "NewMessage",
                "chat_id": wire_chat,
                "new_message": {"message_id": True, "time": "yesterday", "text": 5},
            },
            {"type": "NewMessage"},
        ]
    pytest.skip(f"{h.messenger}: no poison updates written for this wire yet")


async def test_poison_updates(h: Harness) -> None:
    """Poison updates become Unparsed; the rest of the batch survives; the cursor moves on."""
    h.needs(receive=True)
    chat_id, first = await h.inbound("قبل")
    poison = _poison(h, chat_id)
    await h.control("raw_update", {"token": h.token, "update": poison[0]})
    _, middle = await h.inbound("وسط")
    for raw in poison[1:]:  # the last update of the batch is poison
        await h.control("raw_update", {"token": h.token, "update": raw})
    batch = await h.adapter.poll(None, 0)
    unparsed = [e for e in batch.events if isinstance(e, Unparsed)]
    good = [e for e in batch.events if isinstance(e, MessageNew)]
    assert [e.message.id for e in good] == [first, middle]
    assert len(unparsed) == len(poison)
    for event in unparsed:
        assert isinstance(event.raw, bytes) and event.raw and event.error
        event.raw.decode("ascii")  # storable as is: lone surrogates stay escaped
    assert batch.cursor is not None
    # Past the poison: the next poll brings nothing again.
    again = await h.adapter.poll(batch.cursor, 0)
    assert again.events == ()


# --- errors -------------------------------------------------------------------------------------


async def test_error_auth_failed(h: Harness) -> None:
    """A token the messenger does not know → AuthFailed (and nothing else happens)."""
    other = MockWorld(SEED + 1, [h.messenger])[h.messenger]
    with other.lock:
        unknown = other.ids.new_token(other.rng, other.ids.new_bot_id(other.rng))
    assert unknown not in h.mw.bots
    bad = h.new_adapter(token=unknown)
    error = await _raises(bad.me())
    assert type(error) is AuthFailed


async def test_error_forbidden(h: Harness) -> None:
    """Posting where the bot may not → Forbidden(chat_id): a user who never started this bot,
    or (send-only messengers) a channel the bot is not an admin of."""
    chat_id = await h.target()  # the user started the harness bot, not the second one
    token, _ = await h.add_bot("دومی", "second_contract_bot")
    error = await _raises(h.new_adapter(token=token).send(chat_id, "سلام"))
    assert (await h.chat(chat_id, token))["messages"] == []
    if not facts(h.messenger).forbidden:
        assert type(error) is Rejected
        pytest.skip(f"{h.messenger}: the API has no forbidden answer (checked: Rejected)")
    assert type(error) is Forbidden
    assert isinstance(error, Forbidden) and error.chat_id == chat_id


async def test_error_rate_limited(h: Harness) -> None:
    """A raw burst against §4's rate table → RateLimited with a wait."""
    chat_id = await h.target()
    burst = h.caps.rate_limits.burst
    sent = 0
    error: AdapterError | None = None
    for i in range(burst * 3):
        try:
            await h.adapter.send(chat_id, f"رگبار {i}")
        except AdapterError as exc:
            error = exc
            break
        sent += 1
    assert isinstance(error, RateLimited), error
    assert burst <= sent < burst * 3
    assert error.retry_after_s > 0
    assert error.known == facts(h.messenger).rate_hint
    hints = [r["retry_after"] for r in await h.requests() if r.get("retry_after") is not None]
    if error.known and hints:  # the mock's log names the hint it sent
        assert error.retry_after_s == hints[-1]
    assert len(await h.outgoing(chat_id)) == sent


async def test_error_rejected_bad_chat(h: Harness) -> None:
    """A chat that does not exist → Rejected."""
    bad = "999999999" if h.mw.ids.wire_type == "int" else "b0" + "x" * 30
    error = await _raises(h.adapter.send(bad, "کسی نیست"))
    assert type(error) is Rejected


_OPTION_VALUES: dict[str, Any] = {
    "title": "عنوان",
    "schedule_at": datetime(2031, 1, 1, tzinfo=UTC),
    "pin": True,
    "delete_after_views": 5,
    "silent": True,
}


async def test_error_unsupported_makes_no_request(h: Harness) -> None:
    """What the capabilities do not list is refused with Unsupported before any request."""
    caps = h.caps
    chat_id = await h.target()
    before = len(await h.requests())
    refused: list[str] = []
    for f in fields(SendOptions):
        if f.name not in caps.send_options:
            options = replace(SendOptions(), **{f.name: _OPTION_VALUES[f.name]})
            assert type(await _raises(h.adapter.send(chat_id, "x", options=options))) is Unsupported
            refused.append(f"option {f.name}")
    path = h.tmp / "f.txt"
    path.write_text("محتوا")
    ops: dict[str, Callable[[], Awaitable[Any]]] = {
        "edit": lambda: h.adapter.edit(chat_id, "1", "x"),
        "delete": lambda: h.adapter.delete(chat_id, "1"),
        "files_send": lambda: h.adapter.send_file(chat_id, path),
        "files_receive": lambda: h.adapter.download(FileRef("1"), h.tmp / "d"),
        "receive": lambda: h.adapter.poll(None, 0),
        "reply": lambda: h.adapter.send(chat_id, "x", reply_to="1"),
    }
    for capability, call in ops.items():
        if not getattr(caps, capability):
            assert type(await _raises(call())) is Unsupported, capability
            refused.append(capability)
    if not refused:
        pytest.skip(f"{h.messenger}: every option and operation is supported")
    assert len(await h.requests()) == before, f"a request went out for {refused}"


# --- errors that need a real socket ---------------------------------------------------------------


async def test_error_transient_from_a_read(lh: Harness) -> None:
    """A read that fails (500, a reset, a hang then close) → Transient."""
    for kind in ("500", "reset", "hang"):
        await lh.faults(kind, hang_s=0.2)
        assert type(await _raises(lh.adapter.me())) is Transient, kind
    await lh.faults()
    assert (await lh.adapter.me()).id == lh.bot_id


async def test_error_ambiguous_from_a_send(lh: Harness) -> None:
    """A send that may have been processed → Ambiguous; ambiguous_send was processed."""
    chat_id = await lh.target()
    for kind in ("ambiguous_send", "500", "reset"):
        await lh.faults(kind)
        assert type(await _raises(lh.adapter.send(chat_id, kind))) is Ambiguous, kind
    await lh.faults()
    assert [m["text"] for m in await lh.outgoing(chat_id)] == ["ambiguous_send"]


async def test_conflict_from_a_second_concurrent_poll(lh: Harness) -> None:
    """A second poller on the same token ends the first one's long poll → Conflict."""
    lh.needs(receive=True, long_poll=True)
    first = asyncio.create_task(lh.adapter.poll(None, 20))
    for _ in range(500):  # until the long poll has reached the mock
        if any(r["api_method"] == "getUpdates" for r in await lh.requests()):
            break
        await asyncio.sleep(0.01)
    second = lh.new_adapter()
    for _ in range(50):  # a second poll that came too early would not end the first
        batch = await second.poll(None, 0)
        assert batch.events == ()
        done, _ = await asyncio.wait({first}, timeout=0.1)
        if done:
            break
    error = await _raises(first)
    assert type(error) is Conflict


async def test_conflict_from_a_webhook(lh: Harness) -> None:
    """getUpdates while a webhook is set → Conflict."""
    lh.needs(receive=True, long_poll=True)
    if not lh.botapi:
        pytest.skip(f"{lh.messenger}: no webhook/getUpdates conflict in this API")
    url = f"{lh.api_base}/bot{lh.token}/setWebhook"
    answer = await lh.control_client.post(url, json={"url": "https://example.org/hook"})
    assert answer.json()["ok"] is True
    error = await _raises(lh.adapter.poll(None, 0))
    assert type(error) is Conflict
