"""Shared httpx plumbing: the client factory, transport-error mapping, JSON decoding, downloads.

Adapters never build clients from globals: the engine (or a test) calls :func:`make_client` and
injects the result. Every httpx exception is turned into an :mod:`adapters.errors` class here,
outside the ``except`` block, so no traceback link leads to ``exc.request.url`` (which holds
the token for Telegram-style APIs). Whether a failure is :class:`Transient` or
:class:`Ambiguous` depends on ``effect``: True for requests that change something on the server
(send, edit, delete, upload), False for reads.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import httpx

from adapters import jsonsafe
from adapters.base import Progress
from adapters.errors import AdapterError, Ambiguous, RateLimited, Rejected, Transient

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
USER_AGENT = "Payam/0.1 (+terminal messenger)"


def make_client(
    *,
    proxy: str | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
    max_connections: int = 20,
) -> httpx.AsyncClient:
    """The client an account's adapter uses. ``proxy``: ``http://…`` or ``socks5://…``.

    Environment proxies are ignored (``trust_env=False``): an account's proxy is configured per
    account, and a stray ``HTTPS_PROXY`` must not send a loopback mock's traffic elsewhere.
    """
    return httpx.AsyncClient(
        proxy=proxy if transport is None else None,
        transport=transport,
        timeout=timeout,
        trust_env=False,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=10),
    )


def transport_error(exc: httpx.HTTPError, *, effect: bool, what: str) -> AdapterError:
    """The adapter error for an httpx exception (the exception itself is never kept)."""
    never_sent = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
    if isinstance(exc, never_sent):
        return Transient(f"{what}: {_describe(exc)}")
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return Rejected(f"{what}: {_describe(exc)}")
    if isinstance(exc, httpx.TransportError | httpx.StreamError):
        cls = Ambiguous if effect else Transient
        return cls(f"{what}: {_describe(exc)}")
    return (Ambiguous if effect else Transient)(f"{what}: {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    # Class names only: the message of some httpx errors quotes the URL.
    names = {
        "ConnectError": "cannot connect",
        "ConnectTimeout": "connect timed out",
        "PoolTimeout": "connection pool timed out",
        "ProxyError": "proxy failed",
        "ReadTimeout": "read timed out",
        "WriteTimeout": "write timed out",
        "ReadError": "connection broken while reading",
        "WriteError": "connection broken while writing",
        "RemoteProtocolError": "server closed the connection or broke the protocol",
        "LocalProtocolError": "could not send the request",
        "UnsupportedProtocol": "unsupported URL scheme",
        "InvalidURL": "invalid URL",
    }
    return names.get(type(exc).__name__, type(exc).__name__)


async def request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    effect: bool,
    what: str,
    **kwargs: Any,
) -> httpx.Response:
    """``client.request`` with every httpx failure mapped to an adapter error."""
    error: AdapterError | None = None
    try:
        return await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        error = transport_error(exc, effect=effect, what=what)
    # This frame is part of the error's traceback, and a crash screen that prints locals would
    # show the URL, token and all: drop it first.
    del url
    raise error  # outside the except block: no __context__ to the httpx exception


def server_error(status: int, *, effect: bool, what: str) -> AdapterError:
    """A 5xx (or an unexpected status): a read may be retried; a write may have happened."""
    cls = Ambiguous if effect else Transient
    return cls(f"{what}: server error {status}")


def decode_json(response: httpx.Response, *, effect: bool, what: str) -> Any:
    """The body as JSON; a truncated or non-JSON body is Transient (read) or Ambiguous (write)."""
    error: AdapterError | None = None
    try:
        return jsonsafe.loads(response.content)
    except ValueError:  # UnicodeDecodeError, too deep, not JSON (see adapters.jsonsafe)
        error = (Ambiguous if effect else Transient)(
            f"{what}: unreadable response (HTTP {response.status_code})"
        )
    raise error


def _small(response: httpx.Response) -> bool:
    length = response.headers.get("content-length", "")
    return length.isdigit() and int(length) <= 64 * 1024


def retry_hint(header: str, body: bytes) -> float | None:
    """Seconds to wait from a 429: ``Retry-After`` (seconds), else a Bot API style body's
    ``parameters.retry_after`` or ``retry_after``; None when neither says."""
    seconds = header.strip()
    if seconds.isascii() and seconds.isdigit():  # isdigit alone also takes "²", which float refuses
        return float(seconds)  # a very long one is inf: RateLimited caps it
    try:
        payload = jsonsafe.loads(body) if body else None
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    params = payload.get("parameters")
    for holder in (params if isinstance(params, dict) else {}, payload):
        value = holder.get("retry_after")
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            try:
                return float(value)  # NaN/Infinity/huge: RateLimited caps or ignores them
            except OverflowError:
                return math.inf
    return None


async def download_to(
    client: httpx.AsyncClient,
    url: str,
    dest: Path,
    *,
    what: str,
    max_bytes: int,
    progress: Progress | None = None,
    expected_size: int | None = None,
) -> Path:
    """Stream ``url`` into ``dest`` (written to a temp name, renamed when complete).

    A download is a read: network failures are :class:`Transient`, a 429 is
    :class:`RateLimited`. A body larger than ``max_bytes`` is :class:`Rejected`. A body whose
    length is not ``expected_size`` (the size the messenger announced for the file) is
    :class:`Transient`: a cut-off or substituted answer is not the file. Nothing is left on
    disk after a failure.
    """
    tmp = dest.with_name(dest.name + ".part")
    error: AdapterError | None = None
    done = 0
    try:
        async with client.stream("GET", url) as response:
            status = response.status_code
            if status == 429:
                body = await response.aread() if _small(response) else b""
                wait = retry_hint(response.headers.get("retry-after", ""), body)
                error = RateLimited(wait) if wait is not None else RateLimited()
            elif status != 200:
                error = (
                    server_error(status, effect=False, what=what)
                    if status >= 500
                    else Rejected(f"{what}: HTTP {status}")
                )
            else:
                header = response.headers.get("content-length", "")
                total = int(header) if header.isdigit() else (expected_size or 0)
                if total > max_bytes:
                    error = Rejected(f"{what}: file is larger than {max_bytes} bytes")
                else:
                    with tmp.open("wb") as out:
                        async for chunk in response.aiter_bytes(64 * 1024):
                            done += len(chunk)
                            if done > max_bytes:
                                error = Rejected(f"{what}: file is larger than {max_bytes} bytes")
                                break
                            out.write(chunk)
                            if progress is not None:
                                progress(done, total)
                        out.flush()
                        os.fsync(out.fileno())
    except httpx.HTTPError as exc:
        error = transport_error(exc, effect=False, what=what)
    except OSError as exc:
        error = Rejected(f"{what}: cannot write the file ({exc.strerror})")
    if error is None and expected_size is not None and done != expected_size:
        error = Transient(f"{what}: got {done} of {expected_size} bytes")
    if error is not None:
        tmp.unlink(missing_ok=True)
        del url  # never a local of a frame in the error's traceback (see request)
        raise error
    tmp.replace(dest)
    return dest
