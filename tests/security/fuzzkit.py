"""Hostile inputs and oracles for the parser fuzzing (issue 7 "Parser fuzzing", R9).

Shared by ``test_fuzz_parsers.py`` (hypothesis, always) and the atheris targets
(``python -m tests.security.fuzzkit --target NAME [libFuzzer flags]``, opt-in, when atheris
installs). Two levels are attacked:

* the pure wire → model functions with Python values: arbitrary nested JSON values, wrong
  types, huge ints (past Python's 4,300-digit ``int``/``str`` limit), NaN/Infinity, lone
  surrogates, C0/C1 controls, missing and extra fields, nesting 500–5,000 deep, and valid
  updates with fields dropped, replaced or added (:func:`mutated`), so that random values land
  on the paths the parsers really read;
* each adapter end to end with response bodies (random bytes, hostile JSON text, a poison
  update next to a valid one, transport failures) served by an ``httpx.MockTransport``.

The oracle (:func:`check_outcome`): a call either returns the declared type — a
:class:`~adapters.models.Batch` whose events are only ``MessageNew``/``MessageEdited``/
``MessageDeleted``/``ChatSeen``/``Unparsed``, with every string storable (UTF-8 encodable) —
or raises an :class:`~adapters.errors.AdapterError`, whose ``str``/``repr`` hold no token and
whose ``__cause__``/``__context__`` never lead to an httpx exception. Anything else
(``TypeError``, ``KeyError``, ``RecursionError``, ``OverflowError`` …) escaping is a bug.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from hypothesis import strategies as st

from adapters.base import AccountSpec, Adapter
from adapters.botapi import wire as botwire
from adapters.errors import AdapterError, RateLimited
from adapters.http import make_client
from adapters.models import (
    Batch,
    ChatSeen,
    Identity,
    MessageDeleted,
    MessageEdited,
    MessageNew,
    Sent,
    Unparsed,
)
from adapters.registry import load
from adapters.secret import Secret

# --- canary tokens (the secret part is searched for in every error) -----------------------------

TOKENS: dict[str, str] = {
    "telegram": "700100200:AAFuzzCanaryTelegram_Zq81xWvR",
    "bale": "700100201:AAFuzzCanaryBale_Kp30yTbN2m",
    "splus": "700100202:AAFuzzCanarySplus_Lm4qPz7c",
    "rubika": "FuzzCanaryRubika" + "Qx7Zr2Lm9Tb4Wv8K" * 3,
    "eitaa": "bot700100203:5f0b2c1e-fuzz-4c0a-9e1d-canary0eitaa",
}


def secret_part(token: str) -> str:
    """What must never leak: the part after the bot id (Rubika: the whole token)."""
    return token.rpartition(":")[2] if ":" in token else token


# --- values ---------------------------------------------------------------------------------


class HugeInt(int):
    """An int past the int/str limit that hypothesis can still print (its own ``repr`` raises
    ValueError); everywhere else it behaves exactly like the int it is."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"HugeInt(<{self.bit_length()} bits>)")


def _huge(spec: tuple[int, int, int]) -> int:
    base, exp, add = spec
    value = base**exp + add
    return HugeInt(value) if abs(value) > 10**4000 else value


HUGE_INTS = st.sampled_from(
    [(10, 5000, 0), (-10, 4401, 0), (2, 64, 0), (-2, 63, -1), (2, 1024, 0), (10, 20, 0)]
).map(_huge)
"""Past the int/str limit (4,300 digits), past float range, past 64 bits."""


# Every field name the parsers read, so that random dictionaries hit real paths.
FIELDS: tuple[str, ...] = (
    # Bot API
    "update_id", "message", "edited_message", "channel_post", "edited_channel_post",
    "my_chat_member", "callback_query", "message_id", "date", "chat", "id", "type", "title",
    "username", "first_name", "last_name", "from", "is_bot", "text", "caption", "entities",
    "caption_entities", "offset", "length", "url", "user", "language", "photo", "file_id",
    "file_unique_id", "file_size", "file_name", "mime_type", "width", "height", "duration",
    "document", "animation", "audio", "sticker", "video", "video_note", "voice", "contact",
    "reply_to_message", "sender_chat", "edit_date", "ok", "result", "error_code",
    "description", "parameters", "retry_after",
    # Rubika
    "status", "data", "updates", "next_offset_id", "chat_id", "new_message", "updated_message",
    "removed_message_id", "time", "sender_type", "sender_id", "reply_to_message_id", "file",
    "size", "metadata", "meta_data_parts", "from_index", "link_url", "link", "hyperlink_data",
    "mention_text_user_id", "dev_message", "error_message", "bot", "bot_id", "bot_title",
    "chat_type", "upload_url", "download_url",
    # Eitaa
    "channel_id",
)  # fmt: skip

TEXT = st.text(st.characters(exclude_categories=()), max_size=24)
"""Any code point, lone surrogates and controls included."""
HOSTILE_TEXT = st.sampled_from(
    [
        "\ud800",
        "a\udfffb",
        "\x00\x1b]52;c;ZXZpbA==\x07",
        "\u202egnp.exe",
        "9" * 5000,
        "²",
        "-",
        "",
        " 12 ",
        "1e999",
        "NaN",
        "٣",
        "b0" + "x" * 300,
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE_INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    HOSTILE_TEXT,
)
KEYS = st.one_of(st.sampled_from(FIELDS), TEXT)


def json_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Arbitrary JSON-like values (with non-JSON numbers: NaN, Infinity, huge ints)."""
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)
        ),
        max_leaves=max_leaves,
    )


def nested(depth: int, kind: str, leaf: Any = 0) -> Any:
    """``depth`` levels of lists (or ``{"message": …}`` objects) around ``leaf``."""
    value: Any = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"message": value, "update_id": 1}
    return value


DEEP = st.builds(
    nested,
    st.integers(500, 5000),
    st.sampled_from(["list", "dict"]),
    st.sampled_from([0, "x", None]),
)


# --- valid updates and their mutations --------------------------------------------------------


def tg_update(
    update_id: int, message_id: int, text: str, *, kind: str = "message"
) -> dict[str, Any]:
    """A Bot API update with most optional fields present (so mutations reach them)."""
    return {
        "update_id": update_id,
        kind: {
            "message_id": message_id,
            "date": 1_750_000_000,
            "chat": {"id": -1001, "type": "supergroup", "title": "گروه", "username": "grp"},
            "from": {
                "id": 42,
                "is_bot": False,
                "first_name": "سارا",
                "last_name": "R",
                "username": "sara",
            },
            "text": text,
            "entities": [
                {"type": "bold", "offset": 0, "length": 2},
                {"type": "text_link", "offset": 1, "length": 3, "url": "https://example.com"},
                {"type": "text_mention", "offset": 0, "length": 1, "user": {"id": 7}},
            ],
            "photo": [
                {"file_id": "p1", "width": 90, "height": 90, "file_size": 100},
                {"file_id": "p2", "width": 800, "height": 600, "file_size": 9000},
            ],
            "document": {"file_id": "d1", "file_name": "a.pdf", "mime_type": "x", "file_size": 1},
            "reply_to_message": {"message_id": 3},
            "sender_chat": {"id": -1001, "type": "channel", "title": "c"},
            "edit_date": 1_750_000_100,
        },
    }


def tg_member_update(update_id: int) -> dict[str, Any]:
    """``my_chat_member``: becomes a ChatSeen."""
    return {
        "update_id": update_id,
        "my_chat_member": {"chat": {"id": 5, "type": "private", "first_name": "x"}},
    }


def rubika_update(message_id: str, text: str, *, kind: str = "NewMessage") -> dict[str, Any]:
    """A Rubika v3 update with the optional parts present."""
    body = {
        "message_id": message_id,
        "time": "1750000000",
        "text": text,
        "sender_type": "User",
        "sender_id": "u0SENDER",
        "reply_to_message_id": "5",
        "file": {"file_id": "f1", "file_name": "pic.jpg", "size": "2048"},
        "sticker": {"file": {"file_id": "s1", "file_name": "s.webp", "size": 10}},
        "metadata": {
            "meta_data_parts": [
                {"type": "Bold", "from_index": 0, "length": 2},
                {"type": "Link", "from_index": 1, "length": 2, "link_url": "https://x.example"},
                {"type": "MentionText", "from_index": 0, "length": 1, "mention_text_user_id": "u0"},
                {"type": "Pre", "from_index": 0, "length": 1, "language": "py"},
            ]
        },
    }
    update: dict[str, Any] = {"type": kind, "chat_id": "b0CHAT"}
    if kind == "NewMessage":
        update["new_message"] = body
    elif kind == "UpdatedMessage":
        update["updated_message"] = body
    elif kind == "RemovedMessage":
        update["removed_message_id"] = message_id
    return update


Path_ = tuple[str | int, ...]


def _paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


def _apply(value: Any, path: Path_, op: str, new: Any) -> None:
    *head, last = path
    holder = value
    for step in head:
        holder = holder[step]
    if op == "drop" and isinstance(holder, dict):
        holder.pop(last, None)
    elif op == "extra" and isinstance(holder, dict):
        holder[f"extra_{last}"] = new
    else:
        holder[last] = new


def mutated(template: Callable[[], Any]) -> st.SearchStrategy[Any]:
    """``template()`` with up to four fields dropped, replaced by hostile values, or joined by
    extra fields (applied in order; a later path that no longer exists is skipped)."""
    paths = list(_paths(template()))
    edit = st.tuples(
        st.sampled_from(paths), st.sampled_from(["drop", "replace", "extra"]), json_values(8)
    )

    def build(edits: list[tuple[Path_, str, Any]]) -> Any:
        value = template()
        for path, op, new in edits:
            try:
                _apply(value, path, op, new)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier edit replaced a parent of this path
        return value

    return st.lists(edit, min_size=1, max_size=4).map(build)


TG_POISON = st.one_of(
    json_values(),
    DEEP,
    mutated(lambda: tg_update(7, 70, "سلام **x**")),
    mutated(lambda: tg_update(7, 71, "edit", kind="edited_message")),
    mutated(lambda: tg_update(7, 72, "post", kind="channel_post")),
    mutated(lambda: tg_member_update(7)),
)
RUBIKA_POISON = st.one_of(
    json_values(),
    DEEP,
    mutated(lambda: rubika_update("70", "سلام")),
    mutated(lambda: rubika_update("71", "edit", kind="UpdatedMessage")),
    mutated(lambda: rubika_update("72", "", kind="RemovedMessage")),
)
EITAA_RESULTS = st.one_of(
    json_values(),
    DEEP,
    mutated(lambda: {"message_id": 12, "id": 13, "chat": {"id": 1}}),
    mutated(lambda: {"id": 1, "first_name": "x", "username": "@chan", "title": "t"}),
)


# --- encoding hostile values as bodies ----------------------------------------------------------


def encode(value: Any) -> str:
    """JSON text for any value the strategies make (huge ints and NaN included, which
    ``json.dumps`` refuses or writes non-standard), without Python recursion."""
    out: list[str] = []
    stack: list[Any] = [value]
    close = object()
    comma = object()
    while stack:
        item = stack.pop()
        if item is close or item is comma:
            continue
        if isinstance(item, _Lit):
            out.append(item.text)
        elif isinstance(item, bool) or item is None:
            out.append(json.dumps(item))
        elif isinstance(item, int):
            try:
                out.append(str(item))
            except ValueError:  # past the int/str limit: the digits themselves do not matter
                out.append(("-" if item < 0 else "") + "9" * (sys.get_int_max_str_digits() + 7))
        elif isinstance(item, float):
            out.append(json.dumps(item))  # NaN / Infinity: Python's json reads them back
        elif isinstance(item, str):
            out.append(json.dumps(item))  # lone surrogates become \ud800 escapes
        elif isinstance(item, list):
            parts: list[Any] = [_Lit("[")]
            for i, v in enumerate(item):
                if i:
                    parts.append(_Lit(","))
                parts.append(v)
            parts.append(_Lit("]"))
            stack.extend(reversed(parts))
        elif isinstance(item, dict):
            parts = [_Lit("{")]
            for i, (k, v) in enumerate(item.items()):
                if i:
                    parts.append(_Lit(","))
                parts.extend([_Lit(json.dumps(str(k)) + ":"), v])
            parts.append(_Lit("}"))
            stack.extend(reversed(parts))
        else:
            out.append(json.dumps(str(item)))
    return "".join(out)


@dataclass(frozen=True)
class _Lit:
    text: str


# --- the adapters end to end --------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One response (or a transport failure) the fake server gives."""

    status: int = 200
    body: bytes = b""
    raise_: str | None = None  # an httpx exception class name to raise instead


TRANSPORT_ERRORS = ("ConnectError", "ReadTimeout", "ReadError", "RemoteProtocolError", "WriteError")
STATUSES = st.sampled_from([200, 200, 200, 200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 502])


def bodies(
    poison: st.SearchStrategy[Any], envelope: Callable[[list[Any]], Any]
) -> st.SearchStrategy[bytes]:
    """Response bodies: random bytes, any JSON text, a poison update beside a valid one in a
    success envelope, deep nesting and huge numbers written straight into the text."""
    return st.one_of(
        st.binary(max_size=120),
        json_values().map(lambda v: encode(v).encode("utf-8", "surrogatepass")),
        st.lists(poison, min_size=1, max_size=3).map(
            lambda ps: encode(envelope(ps)).encode("utf-8", "surrogatepass")
        ),
        st.integers(500, 100_000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(4301, 9000).map(
            lambda n: b'{"ok":true,"result":[{"update_id":' + b"7" * n + b"}]}"
        ),
        st.sampled_from(
            [
                b'{"ok":false,"error_code":429,"parameters":{"retry_after":Infinity}}',
                b'{"ok":false,"error_code":429,"parameters":{"retry_after":NaN}}',
                b'{"ok":false,"error_code":429,"parameters":{"retry_after":1e400}}',
                b'{"ok":false,"error_code":429,"parameters":{"retry_after":' + b"9" * 400 + b"}}",
                b'{"status":"TOO_REQUESTS","retry_after":' + b"9" * 400 + b"}",
                b'{"ok":false,"error_code":"\xc2\xb2","description":"x"}',
                b'{"ok":false,"error_code":"' + b"4" * 5000 + b'"}',
                b'{"ok":true,"result":{"message_id":' + b"1" * 5000 + b"}}",
                b'{"ok":true,"result":{"id":' + b"1" * 5000 + b"}}",
                b"\xff\xfe\x00",
                b"",
            ]
        ),
    )


def answers(body: st.SearchStrategy[bytes]) -> st.SearchStrategy[Answer]:
    """Mostly bodies with a status, sometimes a transport failure."""
    return st.one_of(
        st.builds(Answer, STATUSES, body),
        st.builds(Answer, st.just(200), st.just(b""), st.sampled_from(TRANSPORT_ERRORS)),
    )


def tg_envelope(poison: list[Any]) -> Any:
    return {"ok": True, "result": [*poison, tg_update(900, 900, "valid")]}


def rubika_envelope(poison: list[Any]) -> Any:
    return {
        "status": "OK",
        "data": {"updates": [*poison, rubika_update("900", "valid")], "next_offset_id": "n1"},
    }


def eitaa_envelope(poison: list[Any]) -> Any:
    return {"ok": True, "result": poison[0]}


def adapter_for(messenger: str, script: Sequence[Answer]) -> Adapter:
    """The registry's adapter whose every request gets the next scripted answer (the last
    one repeats). The token is a canary."""
    queue = list(script)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if answer.raise_ is not None:
            raise getattr(httpx, answer.raise_)("fuzzed failure", request=request)
        return httpx.Response(answer.status, content=answer.body)

    cls = load(messenger)
    spec = AccountSpec(messenger, "fuzz", f"https://fuzz.example/{messenger}")
    client = make_client(transport=httpx.MockTransport(handler))
    return cls(spec, Secret(TOKENS[messenger]), client)


EVENT_TYPES = (MessageNew, MessageEdited, MessageDeleted, ChatSeen, Unparsed)


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, (tuple, list)):
            stack.extend(item)


def check_events(events: Sequence[Any]) -> None:
    """Only declared events; every string outside quarantine storable as UTF-8."""
    for event in events:
        assert isinstance(event, EVENT_TYPES), type(event)
        if isinstance(event, Unparsed):
            assert isinstance(event.raw, bytes) and isinstance(event.error, str)
            event.raw.decode("ascii")  # quarantined as escaped JSON: always storable
            event.error.encode("utf-8")
            continue
        for s in _strings(event):
            s.encode("utf-8")  # a lone surrogate here would make SQLite refuse the batch


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack.extend(x for x in (e.__cause__, e.__context__) if x is not None)


def check_error(exc: AdapterError, token: str) -> None:
    """A declared error: no token in it, no httpx exception behind it, a sane retry_after."""
    secret = secret_part(token)
    for text in (str(exc), repr(exc), exc.reason, *map(str, exc.args)):
        assert secret not in text, text
    for linked in _chain(exc):
        assert not isinstance(linked, httpx.HTTPError), repr(linked)
    if isinstance(exc, RateLimited):
        assert math.isfinite(exc.retry_after_s) and 0 <= exc.retry_after_s <= RateLimited.MAX_S


def check_outcome(result: object, token: str) -> None:
    """The value a call returned."""
    if isinstance(result, Batch):
        check_events(result.events)
        assert result.cursor is None or isinstance(result.cursor, str)
        if result.cursor is not None:
            result.cursor.encode("utf-8")
    elif isinstance(result, Sent):
        assert isinstance(result.message_id, str) and isinstance(result.chat_id, str)
        result.message_id.encode("utf-8")
    elif isinstance(result, Identity):
        assert isinstance(result.id, str) and isinstance(result.name, str)
    else:
        raise AssertionError(f"undeclared result {type(result).__name__}")


async def run_call(messenger: str, op: str, script: Sequence[Answer]) -> None:
    """One adapter call against scripted answers, judged by the oracle."""
    adapter = adapter_for(messenger, script)
    token = TOKENS[messenger]
    result: object = None
    error: AdapterError | None = None
    try:
        if op == "poll":
            result = await adapter.poll("5" if messenger != "rubika" else "c1", 0.0)
        elif op == "send":
            result = await adapter.send("123" if messenger != "eitaa" else "mychannel", "سلام")
        else:
            result = await adapter.me()
    except AdapterError as exc:
        error = exc
    finally:
        await adapter._client.aclose()
    if error is not None:
        check_error(error, token)
    else:
        check_outcome(result, token)


# --- the pure mappings ---------------------------------------------------------------------------

BOTAPI_DIALECTS = {m: load(m).profile.dialect for m in ("telegram", "bale", "splus")}  # type: ignore[attr-defined]
VALID_TG = 10**6


def botapi_page(poison: Any, dialect: botwire.WireDialect) -> None:
    """``updates_to_events``: a poison update beside a valid one; the valid one survives."""
    valid = tg_update(VALID_TG, VALID_TG, "valid text")
    page = botwire.updates_to_events([poison, valid], dialect)
    check_events(page.events)
    last = page.events[-1]
    assert isinstance(last, MessageNew) and last.message.id == str(VALID_TG), last
    assert last.message.text == "valid text"
    assert page.last_id is not None and page.last_id >= VALID_TG
    try:
        alone = botwire.updates_to_events(poison, dialect)  # the result itself hostile
    except botwire.WireError:
        assert not isinstance(poison, list)
    else:
        check_events(alone.events)


def rubika_item(poison: Any) -> None:
    """``parse_update``: a Parsed, None, or the declared WireError."""
    from adapters.rubika import wire as rwire

    try:
        parsed = rwire.parse_update(poison, datetime(2025, 1, 1, tzinfo=UTC))
    except rwire.WireError:
        rwire.dump(poison).decode("ascii")  # what quarantine keeps: always writable
        return
    if parsed is not None:
        for s in _strings(parsed):
            s.encode("utf-8")


def eitaa_result(status: int, body: Any) -> None:
    """``parse``, then the send answer's ``message_id`` and getMe's ``identity``."""
    from adapters.eitaa import wire as ewire

    try:
        result = ewire.parse(status, body)
    except ewire.WireError:
        return
    if isinstance(result, ewire.Failure):
        assert isinstance(result.code, int) and isinstance(result.description, str)
        return
    assert isinstance(ewire.message_id(result), str)
    try:
        ident = ewire.identity(result)
    except ewire.WireError:
        return
    assert isinstance(ident.id, str)


# --- atheris (opt-in) ---------------------------------------------------------------------------


def _atheris_one(target: str, data: bytes) -> None:
    """One atheris input: bytes as a response body, through the wire layer and the adapter."""
    from adapters import jsonsafe

    value: Any = None
    try:
        value = botwire.decode_body(data) if target in BOTAPI_DIALECTS else jsonsafe.loads(data)
    except (ValueError, UnicodeDecodeError):
        value = None
    if target in BOTAPI_DIALECTS:
        if value is not None:
            botapi_page(value, BOTAPI_DIALECTS[target])
    elif target == "rubika":
        if value is not None:
            rubika_item(value)
    else:
        eitaa_result(200, value)
    op = "send" if target == "eitaa" else "poll"
    asyncio.run(run_call(target, op, [Answer(200, data)]))


def main(argv: list[str]) -> None:
    """``python -m tests.security.fuzzkit --target botapi|bale|splus|rubika|eitaa [flags]``."""
    import atheris  # type: ignore[import-not-found]

    target = argv[argv.index("--target") + 1]
    rest = [a for i, a in enumerate(argv) if a != "--target" and argv[i - 1] != "--target"]
    atheris.instrument_all()  # the adapters are imported already: instrument what is loaded

    def one(data: bytes) -> None:
        _atheris_one(target, data)

    atheris.Setup(rest, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
