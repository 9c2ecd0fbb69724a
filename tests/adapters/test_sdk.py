"""The adapter SDK: Secret, redaction, the error family, httpx error mapping, the registry."""

from __future__ import annotations

import base64
import logging
import pickle
import traceback
import urllib.parse
from pathlib import Path

import httpx
import pytest

from adapters import errors, http, redact, registry
from adapters.base import SendOptions
from adapters.models import Span
from adapters.ratelimit import RateLimiter, RateLimits, TokenBucket
from adapters.secret import Secret

CANARY = "7777777:CANARY-sdk-Zx9qPw2LmN8vB4"


def chain(exc: BaseException) -> list[BaseException]:
    """Every exception reachable from ``exc`` through __cause__ and __context__."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop()
        if e in seen:
            continue
        seen.append(e)
        todo.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return seen


def leaks(text: str) -> bool:
    return any(v in text for v in redact.variants(CANARY))


def test_secret_hides_its_value() -> None:
    s = Secret(CANARY)
    assert s.reveal() == CANARY
    for shown in (str(s), repr(s), f"{s}", f"{s!r}", "%s" % s, str([s]), str({"t": s})):
        assert not leaks(shown), shown
    with pytest.raises(TypeError):
        pickle.dumps(s)
    assert Secret(CANARY) == s and hash(Secret(CANARY)) == hash(s)


def test_log_records_are_scrubbed_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    Secret(CANARY)
    url = f"https://api.example/bot{CANARY}/getMe"
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info("HTTP Request: %s %s", "POST", httpx.URL(url))
    logging.getLogger("httpcore.http11").debug("url=%s", urllib.parse.quote(url, safe=""))
    logging.getLogger("x").debug("b64 %s", base64.b64encode(CANARY.encode()).decode())
    try:
        raise RuntimeError(f"failed {url}")
    except RuntimeError:
        logging.getLogger("x").exception("boom")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert "***" in text
    assert not leaks(text)


def test_unregistered_token_shapes_are_scrubbed() -> None:
    line = (
        "GET http://h/telegram/bot123456:AAbbCCdd_eeFF/getMe "
        "http://h/eitaa/api/bot42:0000aaaa-1111-2222-3333-444444444444/sendMessage "
        "http://h/rubika/v3/ABCDEFGHIJKLMNOPQRSTUVWXYZ012345/getMe "
        "http://h/bale/__mock__/requests?since=3&token=777:QqWwEeRrTt&x=1"
    )
    out = redact.scrub(line)
    assert "QqWwEeRrTt" not in out and "since=3&token=***&x=1" in out
    assert "AAbbCCdd_eeFF" not in out
    assert "0000aaaa-1111" not in out
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345" not in out


def test_errors_carry_no_secret_and_pickle() -> None:
    Secret(CANARY)
    e = errors.Rejected(f"Bad Request at /bot{CANARY}/sendMessage")
    assert not leaks(str(e)) and not leaks(repr(e)) and not leaks(str(e.args))
    f = errors.Forbidden("42", "blocked")
    assert pickle.loads(pickle.dumps(f)).chat_id == "42"
    r = errors.RateLimited()
    assert r.retry_after_s == 3.0 and r.known is False
    assert errors.RateLimited(5).known is True


@pytest.mark.parametrize(
    ("exc", "effect", "expected"),
    [
        (httpx.ConnectError("x"), True, errors.Transient),
        (httpx.ConnectTimeout("x"), True, errors.Transient),
        (httpx.PoolTimeout("x"), True, errors.Transient),
        (httpx.ReadTimeout("x"), False, errors.Transient),
        (httpx.ReadTimeout("x"), True, errors.Ambiguous),
        (httpx.WriteTimeout("x"), True, errors.Ambiguous),
        (httpx.ReadError("x"), True, errors.Ambiguous),
        (httpx.ReadError("x"), False, errors.Transient),
        (httpx.RemoteProtocolError("x"), True, errors.Ambiguous),
        (httpx.RemoteProtocolError("x"), False, errors.Transient),
    ],
)
async def test_transport_errors_map_and_detach(
    exc: httpx.HTTPError, effect: bool, expected: type[errors.AdapterError]
) -> None:
    secret = Secret(CANARY)

    def handler(request: httpx.Request) -> httpx.Response:
        exc.request = request  # as httpcore would: the request URL holds the token
        raise exc

    async with http.make_client(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(expected) as info:
            await http.request(
                client,
                "POST",
                f"http://127.0.0.1/bot{secret.reveal()}/sendMessage",
                effect=effect,
                what="sendMessage",
            )
    err = info.value
    assert [e for e in chain(err) if isinstance(e, httpx.HTTPError)] == []
    rendered = "".join(traceback.format_exception(err)) + repr(err) + str(err.args)
    assert not leaks(rendered)


async def test_decode_json_truncated_is_transient_or_ambiguous() -> None:
    resp = httpx.Response(200, content=b'{"ok": true, "res')
    with pytest.raises(errors.Transient):
        http.decode_json(resp, effect=False, what="getUpdates")
    with pytest.raises(errors.Ambiguous) as info:
        http.decode_json(resp, effect=True, what="sendMessage")
    assert info.value.__context__ is None


async def test_download_streams_and_caps(tmp_path: Path) -> None:
    body = b"x" * 200_000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    seen: list[tuple[int, int]] = []
    async with http.make_client(transport=httpx.MockTransport(handler)) as client:
        out = await http.download_to(
            client,
            "http://127.0.0.1/f",
            tmp_path / "f.bin",
            what="download",
            max_bytes=10**6,
            progress=lambda d, t: seen.append((d, t)),
        )
        assert out.read_bytes() == body
        assert seen[-1][0] == len(body)
        with pytest.raises(errors.Rejected):
            await http.download_to(
                client, "http://127.0.0.1/f", tmp_path / "g.bin", what="download", max_bytes=1000
            )
    assert not (tmp_path / "g.bin").exists() and not (tmp_path / "g.bin.part").exists()

    def bad_length(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"abc", headers={"Content-Length": "3, 3"})

    async with http.make_client(transport=httpx.MockTransport(bad_length)) as client:
        out = await http.download_to(
            client, "http://127.0.0.1/f", tmp_path / "h.bin", what="download", max_bytes=10
        )
    assert out.read_bytes() == b"abc"


def test_send_options_used() -> None:
    assert SendOptions().used() == frozenset()
    assert SendOptions(pin=True, title="t").used() == {"pin", "title"}


def test_span_validates() -> None:
    with pytest.raises(ValueError, match="bad span"):
        Span(3, 1, "bold")


def test_token_bucket_and_limiter() -> None:
    b = TokenBucket(rate=1.0, burst=10, now=0.0)
    for _ in range(10):
        assert b.wait(0.0) == 0.0
        b.take(0.0)
    assert b.wait(0.0) == pytest.approx(1.0)
    assert b.wait(0.5) == pytest.approx(0.5)

    lim = RateLimiter(RateLimits())
    now = 100.0
    sent = sum(1 for _ in range(50) if lim.check("u1", False, now) == 0.0)
    assert sent == 10  # burst of 10 per private chat
    assert lim.check("u1", False, now) == pytest.approx(1.0)
    groups = sum(1 for _ in range(50) if lim.check("g1", True, now) == 0.0)
    assert groups == 10
    assert lim.check("g1", True, now) == pytest.approx(3.0)
    fast = RateLimiter(RateLimits().scaled(0.1))
    assert sum(1 for _ in range(20) if fast.check("u", False, 0.0) == 0.0) == 10
    assert fast.check("u", False, 0.0) == pytest.approx(0.1)


def test_registry_lists_without_importing() -> None:
    import subprocess
    import sys

    code = (
        "import sys, adapters.registry as r; names = r.names(); "
        "print(','.join(names)); "
        "print(sorted(m for m in sys.modules if m.split('.')[-1] == 'adapter'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert {"telegram", "bale", "splus", "rubika", "eitaa"} <= set(out[0].split(","))
    assert out[1] == "[]"
    with pytest.raises(registry.UnknownMessenger, match="installed"):
        registry.load("nope")


def test_registry_reports_broken_adapters(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint

    eps = {
        "good": EntryPoint("good", "adapters.base:Adapter", registry.GROUP),
        "broken": EntryPoint("broken", "adapters.does_not_exist:X", registry.GROUP),
    }
    monkeypatch.setattr(registry, "_entry_points", lambda: eps)
    loaded, failures = registry.load_all()
    assert list(loaded) == ["good"]
    assert [f.name for f in failures] == ["broken"]
    assert "ModuleNotFoundError" in failures[0].reason
