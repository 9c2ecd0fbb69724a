"""Each injected fault kind (CONTRACTS §2), for each adapter and operation: the adapter error.

Table-driven, over real loopback (the mock's connection faults need a socket). CONTRACTS §1:

============== =================================== =========================================
fault          a read (me, poll, chat_info,         a side effect (send, edit, delete,
               download)                            send_file)
============== =================================== =========================================
429            RateLimited (Telegram-style: the     RateLimited (nothing was done)
               hint, 1–3 s; Rubika: no hint)
500, 502       Transient                            Ambiguous (the client cannot know)
reset, hang    Transient                            Ambiguous
truncate       Transient                            Ambiguous (it *was* processed)
replay         poll: the confirmed updates come     not a poll: no fault, the call succeeds
               again, the adapter passes them on
               (no dedupe: the store's UNIQUE
               constraint does it), the cursor
               never moves back; other reads: ok
ambiguous_send not a side effect: ok                Ambiguous (it *was* processed)
============== =================================== =========================================

Multi-request operations are faulted at each step in turn (a seed is chosen so that exactly
that request draws the fault): a step that changes nothing anyone can see (Rubika's
``requestSendFile`` and the upload to ``upload_url``; ``getFile`` before a download) may fail
as Transient even inside a side effect, and the chat must then show nothing. Every case also
checks what the chat holds afterwards: Transient and RateLimited leave it unchanged.

A canary sweep runs over the whole module: no error's str/repr/args/chain/traceback (locals
included) and no DEBUG log line of httpx/httpcore holds the token.
"""

from __future__ import annotations

import base64
import logging
import random
import traceback
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters import redact
from adapters.botapi.adapter import BotApiAdapter
from adapters.errors import (
    AdapterError,
    Ambiguous,
    RateLimited,
    Transient,
)
from adapters.models import FileRef, MessageNew
from tests.adapters.contract import ADAPTERS, MESSENGERS, Harness, facts, harness

READS = ("me", "poll", "chat_info", "download")
EFFECTS = ("send", "edit", "delete", "send_file")
KINDS = ("429", "500", "502", "reset", "hang", "truncate", "replay", "ambiguous_send")
HANG_S = 0.1

STEPS: dict[tuple[str, str], tuple[str, ...]] = {
    ("botapi", "download"): ("getFile", "download"),
    ("rubika", "download"): ("getFile", "download"),
    ("rubika", "send_file"): ("requestSendFile", "upload", "sendFile"),
}
"""(wire family, operation) → the requests it makes, in order (default: one)."""

INVISIBLE_STEPS = frozenset({"requestSendFile", "upload"})
"""Steps of a side effect after which nothing anyone can see has changed (Rubika's adapter
treats their failures as Transient: retrying cannot post twice)."""

MOCK_READ_STEPS = frozenset({"getFile", "download", "requestSendFile"})
"""Steps the mock does not count as side-effecting (``ambiguous_send`` does not apply)."""

PROCESSED = frozenset({"truncate", "ambiguous_send", "replay"})
"""Kinds whose request the mock carries out."""


def family(h: Harness) -> str:
    """The wire family: every Telegram-style API shares one table."""
    return "botapi" if h.botapi else h.messenger


def steps(h: Harness, op: str) -> tuple[str, ...]:
    """The requests ``op`` makes."""
    return STEPS.get((family(h), op), (op,))


OVERRIDES: dict[tuple[str, str, str, str], type[AdapterError]] = {
    # The Rubika mock answers a rate-limited *download* with its API envelope
    # (TOO_REQUESTS, HTTP 200): the adapter cannot tell it from the file, except that the
    # size differs from the one the message announced.
    ("rubika", "download", "429", "download"): Transient,
}


def expected(messenger: str, op: str, kind: str, step: str) -> type[AdapterError] | None:
    """CONTRACTS §1's answer for ``kind`` hitting ``step`` of ``op`` (None: it succeeds)."""
    special = OVERRIDES.get((messenger, op, kind, step))
    if special is not None:
        return special
    if kind == "replay":
        return None
    if kind == "429":
        return RateLimited
    visible = op in EFFECTS and step not in INVISIBLE_STEPS
    return Ambiguous if visible else Transient


def seed_for(index: int, rate: float = 0.5) -> int:
    """A seed whose fault plan spares the first ``index`` requests and hits the next one."""
    for seed in range(10_000):
        rng = random.Random(seed)
        if all(rng.random() >= rate for _ in range(index)) and rng.random() < rate:
            return seed
    raise AssertionError("no seed found")


# --- the canary sweep -------------------------------------------------------------------------


def leaks(text: str, token: str) -> bool:
    """Whether ``text`` shows ``token`` in any form the redactor knows, or its secret half."""
    secret = token.rpartition(":")[2]
    return any(v in text for v in redact.variants(token)) or (len(secret) >= 8 and secret in text)


def chain(error: BaseException) -> list[BaseException]:
    """Every exception reachable through ``__cause__`` and ``__context__``."""
    seen: list[BaseException] = []
    todo = [error]
    while todo:
        e = todo.pop()
        if not any(e is s for s in seen):
            seen.append(e)
            todo.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return seen


def assert_clean(error: BaseException, token: str) -> None:
    """No str/repr/args/chain/traceback (with locals, as a crash screen shows) has the token."""
    linked = chain(error)
    assert [type(e).__module__.split(".")[0] for e in linked if e is not error] == [], linked
    for e in linked:
        shown = [
            str(e),
            repr(e),
            repr(e.args),
            "".join(traceback.format_exception(e)),
            "".join(traceback.TracebackException.from_exception(e, capture_locals=True).format()),
        ]
        for text in shown:
            assert not leaks(text, token), text


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[Sweep]:
    """httpx and httpcore at DEBUG; afterwards no record and no recorded error has a token."""
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    sweep = Sweep()
    yield sweep
    assert sweep.tokens, "the test registered no token to look for"
    records = [r for when in ("setup", "call", "teardown") for r in caplog.get_records(when)]
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    text = "\n".join(formatter.format(r) for r in records)
    assert any(r.name.startswith("httpcore") for r in records), "DEBUG logging was off"
    for token in sweep.tokens:
        assert not leaks(text, token)
        for error in sweep.errors:
            assert_clean(error, token)


@dataclass
class Sweep:
    """The tokens a test used and the errors it saw."""

    tokens: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


# --- one case -----------------------------------------------------------------------------------


@dataclass
class Case:
    """What an operation needs, prepared before any fault is installed."""

    chat_id: str
    own: str = ""  # a message of the bot's (edit, delete)
    file: FileRef | None = None  # download
    path: Path | None = None  # send_file
    cursor: str | None = None  # poll
    confirmed: set[tuple[str, str]] = field(default_factory=set)  # poll: already received


async def prepare(h: Harness, op: str) -> Case:
    """Set the stage for ``op``; skip it when the adapter does it without a request."""
    case = Case(await h.target())
    if op in ("edit", "delete"):
        case.own = (await h.adapter.send(case.chat_id, "مال ربات")).message_id
    if op == "send_file":
        case.path = h.tmp / "سند.txt"
        case.path.write_bytes("محتوای فایل\n".encode() * 500)
    if op == "download":
        data = random.Random(5).randbytes(4000)
        file = {"name": "a.bin", "content_b64": base64.b64encode(data).decode()}
        await h.inbound("فایل", file=file)
        got = (await h.drain(None)).new()
        case.file = got[-1].message.attachments[0].file
    if op == "poll":
        drained = await h.drain(None)  # the last poll confirms everything received
        case.cursor = drained.cursor
        case.confirmed = {(e.chat.id, e.message.id) for e in drained.new()}
        await h.inbound("تازه")
    if op == "chat_info":
        before = len(await h.requests())
        await h.adapter.chat_info(case.chat_id)
        if len(await h.requests()) == before:
            pytest.skip(f"{h.messenger}: chat_info is answered without a request")
    return case


def call(h: Harness, op: str, case: Case) -> Callable[[], Awaitable[Any]]:
    """The operation under test."""
    a = h.adapter
    table: dict[str, Callable[[], Awaitable[Any]]] = {
        "me": lambda: a.me(),
        "poll": lambda: a.poll(case.cursor, 0),
        "chat_info": lambda: a.chat_info(case.chat_id),
        "download": lambda: a.download(case.file or FileRef(""), h.tmp / "got.bin"),
        "send": lambda: a.send(case.chat_id, "زیر خطا"),
        "edit": lambda: a.edit(case.chat_id, case.own, "ویرایش زیر خطا"),
        "delete": lambda: a.delete(case.chat_id, case.own),
        "send_file": lambda: a.send_file(case.chat_id, case.path or Path()),
    }
    return table[op]


async def processed(h: Harness, op: str, case: Case) -> bool:
    """Whether the side effect happened (the chat shows it)."""
    if op == "send":
        return any(m["text"] == "زیر خطا" for m in await h.outgoing(case.chat_id))
    if op == "send_file":
        return any("file" in m for m in await h.outgoing(case.chat_id))
    own = await h.message(case.chat_id, case.own)
    if op == "edit":
        return bool(own["text"] == "ویرایش زیر خطا")
    return bool(own["deleted"])


async def attempt(run: Callable[[], Awaitable[Any]]) -> tuple[Any, AdapterError | None]:
    """``run()``'s result, or the adapter error it raised.

    Caught here, so the error's traceback starts in this frame: the sweep then checks exactly
    the frames of the adapter (and of httpx), not the test's own locals.
    """
    try:
        return await run(), None
    except AdapterError as exc:
        return None, exc


def _family(messenger: str) -> str:
    return "botapi" if issubclass(ADAPTERS[messenger], BotApiAdapter) else messenger


def _unsupported(messenger: str, op: str) -> str | None:
    caps = ADAPTERS[messenger].capabilities
    needed = {
        "poll": ("receive",),
        "download": ("receive", "files_receive"),
        "edit": ("edit",),
        "delete": ("delete",),
        "send_file": ("files_send",),
    }
    missing = [c for c in needed.get(op, ()) if not getattr(caps, c)]
    return f"{messenger}: capabilities say {missing[0]}=False" if missing else None


def _cases() -> list[Any]:
    cases: list[Any] = []
    for messenger in MESSENGERS:
        for op in READS + EFFECTS:
            reason = _unsupported(messenger, op)
            if reason is not None:
                cases.append(
                    pytest.param(
                        messenger,
                        op,
                        "-",
                        0,
                        id=f"{messenger}-{op}",
                        marks=[pytest.mark.skip(reason=reason)],
                    )
                )
                continue
            plan = STEPS.get((_family(messenger), op), (op,))
            for kind in KINDS:
                for index, step in enumerate(plan):
                    at = f"@{step}" if len(plan) > 1 else ""
                    cases.append(
                        pytest.param(messenger, op, kind, index, id=f"{messenger}-{op}{at}-{kind}")
                    )
    return cases


def applies(kind: str, op: str, step: str) -> bool:
    """Whether the mock lets ``kind`` hit ``step`` (replay: polls; ambiguous_send: effects)."""
    if kind == "replay":
        return op == "poll"
    if kind == "ambiguous_send":
        return op in EFFECTS and step not in MOCK_READ_STEPS
    return True


@pytest.mark.parametrize(("messenger", "op", "kind", "index"), _cases())
async def test_fault(
    messenger: str, op: str, kind: str, index: int, tmp_path: Path, debug_logs: Sweep
) -> None:
    """``kind`` on request ``index`` of ``op`` → the contract's error, and the chat agrees.

    Request 0: the fault plan hits every request (rate 1), so the first request the kind
    applies to fails. Later requests: a seed that spares the earlier ones hits exactly that one.
    """
    async with harness(messenger, tmp_path, loopback=True) as h:
        debug_logs.tokens.append(h.token)
        plan = steps(h, op)
        case = await prepare(h, op)
        await h.control("requests", method="DELETE")
        if index == 0:
            landing = next((i for i, st in enumerate(plan) if applies(kind, op, st)), None)
            await h.faults(kind, hang_s=HANG_S)
        else:
            landing = index if applies(kind, op, plan[index]) else None
            await h.faults(kind, hang_s=HANG_S, rate=0.5, seed=seed_for(index))
        result, outcome = await attempt(call(h, op, case))
        await h.faults()
        if outcome is not None:
            debug_logs.errors.append(outcome)
        log = (await h.control("requests", method="GET"))["requests"]
        hit = [e for e in log if e.get("fault")]
        step = plan[landing] if landing is not None else None
        want = None if step is None else expected(h.messenger, op, kind, step)
        got = None if outcome is None else type(outcome)
        assert got is want, (op, kind, step, outcome, log)
        if step is not None and kind != "replay":
            assert hit, log
            if len(plan) > 1:
                assert hit[0]["api_method"] == step, (step, log)
        if isinstance(outcome, RateLimited):
            if facts(h.messenger).rate_hint:
                assert outcome.known and 1 <= outcome.retry_after_s <= 3
            else:
                assert not outcome.known and outcome.retry_after_s > 0
            hint = hit[0].get("retry_after")  # the hint the mock sent, where its log says
            if hint is not None:
                assert outcome.retry_after_s == hint
        if op in EFFECTS:
            done = await processed(h, op, case)
            last = landing == len(plan) - 1
            assert done == (outcome is None or (last and kind in PROCESSED)), (op, kind, step)
        if op == "poll" and outcome is None:
            check_replay(case, result, kind, numeric=h.botapi)


def check_replay(case: Case, batch: Any, kind: str, *, numeric: bool) -> None:
    """The poll's answer: the new message, plus (replay) the confirmed ones again."""
    new = [(e.chat.id, e.message.id) for e in batch.events if isinstance(e, MessageNew)]
    fresh = [pair for pair in new if pair not in case.confirmed]
    assert len(fresh) == 1, new  # the one injected after the drain
    again = [pair for pair in new if pair in case.confirmed]
    if kind == "replay":
        # Passed on as they came: the adapter does not dedupe (the store's UNIQUE does).
        assert again, "the replayed updates are returned again"
    else:
        assert again == []
    assert batch.cursor is not None and case.cursor is not None
    if numeric:
        assert int(batch.cursor) > int(case.cursor), "the cursor never moves back"
    else:
        assert batch.cursor > case.cursor, "the cursor never moves back"


@pytest.mark.parametrize("messenger", MESSENGERS)
@pytest.mark.parametrize("op", ["me", "send"])
async def test_hang_past_the_client_timeout(
    messenger: str, op: str, tmp_path: Path, debug_logs: Sweep
) -> None:
    """A hang longer than the client's timeout: ReadTimeout → Transient (read) / Ambiguous."""
    timeout = httpx.Timeout(0.3, connect=5.0)
    async with harness(messenger, tmp_path, loopback=True, client_timeout=timeout) as h:
        debug_logs.tokens.append(h.token)
        chat_id = await h.target() if op == "send" else ""
        await h.faults("hang", hang_s=30.0)
        adapter = h.adapter
        _, error = await attempt(
            (lambda: adapter.me()) if op == "me" else (lambda: adapter.send(chat_id, "x"))
        )
        await h.faults()
        assert error is not None
        debug_logs.errors.append(error)
        assert type(error) is (Transient if op == "me" else Ambiguous)
