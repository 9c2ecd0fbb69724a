"""What every driver shares. Standard library only: this runs inside each client library's venv.

A driver is started as ``<venv>/bin/python drive_<lib>.py CONFIG.json``. The config (written by
``tests/clients/test_clients.py``) names the mock (``api_base``, ``control``), the bot's
``token``, the private ``chat_id`` of a user who has already written to the bot, the texts to
send and the file to upload. The driver does its steps through the library's own API, then
prints one line ``PAYAM-RESULT {json}`` that the test checks against the mock's state.

Receiving: :func:`receive_three` waits until the library's own polling loop has asked the mock
for updates once, then injects three messages through the control API, each only after the
library has delivered the previous one to its handler. The library therefore completes at least
two more poll cycles after the first message, each carrying its own offset/cursor; a library
that failed to acknowledge would see the first message again.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

RESULT_PREFIX = "PAYAM-RESULT "


def load_config() -> dict[str, Any]:
    """The config file named on the command line."""
    with open(sys.argv[1], encoding="utf-8") as fh:
        config: dict[str, Any] = json.load(fh)
    return config


def control(config: dict[str, Any], path: str, body: Any = None) -> Any:
    """One control-API call (POST with a JSON body, or GET when ``body`` is None)."""
    url = f"{config['control']}/{path}"
    if not url.startswith("http://"):
        raise ValueError(f"the control API is plain HTTP on loopback, not {url!r}")
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (checked above: http only)
        url, data=data, method="GET" if body is None else "POST"
    )
    if data is not None:
        request.add_header("content-type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:  # loopback only
        return json.loads(response.read().decode("utf-8"))


def api_calls(config: dict[str, Any], method: str) -> int:
    """How many ``method`` requests the mock has logged for this bot's token."""
    query = urllib.parse.urlencode({"token": config["token"]})
    entries = control(config, f"requests?{query}")["requests"]
    return sum(1 for e in entries if e.get("api_method") == method)


def wait_for_poll(config: dict[str, Any], method: str = "getUpdates") -> None:
    """Block until the library's polling loop has sent its first ``method`` request."""
    deadline = time.monotonic() + float(config["wait_s"])
    while api_calls(config, method) == 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the library never called {method}")
        time.sleep(0.02)


def inject(config: dict[str, Any], text: str, file: dict[str, Any] | None = None) -> Any:
    """The user writes ``text`` (with ``file`` attached, if given) to the bot."""
    body: dict[str, Any] = {"token": config["token"], "from": config["user"], "text": text}
    if file is not None:
        body["file"] = file
    return control(config, "inbound", body)


class Inbox:
    """What the library's handlers delivered, in order, and a way to wait for one text."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._changed = asyncio.Event()

    def add(self, text: str | None, **extra: Any) -> None:
        """Record one delivered message (called from the library's handler)."""
        self.items.append({"text": text, **extra})
        self._changed.set()

    def texts(self) -> list[str | None]:
        return [item["text"] for item in self.items]

    def find(self, text: str) -> dict[str, Any] | None:
        """The first delivered item with ``text``."""
        return next((item for item in self.items if item["text"] == text), None)

    async def wait_for(self, text: str, wait_s: float) -> dict[str, Any]:
        """The first delivered item with ``text``; TimeoutError (a hang guard) if none comes."""
        try:
            async with asyncio.timeout(wait_s):
                while (found := self.find(text)) is None:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise TimeoutError(f"{text!r} was not delivered; got {self.texts()!r}") from None
        return found


async def receive_three(
    config: dict[str, Any], inbox: Inbox, *, poll_method: str = "getUpdates"
) -> dict[str, Any]:
    """Inject the three inbound texts one after another (the second with a file attached) and
    wait for each; answers the delivered item of the second (it carries the file)."""
    first, second, third = config["texts"]["inbound"]
    await asyncio.to_thread(wait_for_poll, config, poll_method)
    await asyncio.to_thread(inject, config, first)
    await inbox.wait_for(first, config["wait_s"])
    await asyncio.to_thread(inject, config, second, config["inbound_file"])
    with_file = await inbox.wait_for(second, config["wait_s"])
    await asyncio.to_thread(inject, config, third)
    await inbox.wait_for(third, config["wait_s"])
    return with_file


async def refused(call: Awaitable[Any]) -> dict[str, Any]:
    """Run a call the mock must refuse; answers the exception the library raised (or none)."""
    try:
        await call
    except Exception as exc:  # the library's own error class is the point
        body = getattr(exc, "body", b"")  # peyk's HTTPStatusError keeps the envelope here
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        return {"type": type(exc).__name__, "text": str(exc)[:300], "body": str(body)[:300]}
    return {"type": None}


def upload_bytes(config: dict[str, Any]) -> bytes:
    """The bytes of the file the bot uploads."""
    return base64.b64decode(config["file"]["b64"])


def b64(data: bytes | bytearray | None) -> str | None:
    return None if data is None else base64.b64encode(bytes(data)).decode("ascii")


def emit(result: dict[str, Any]) -> None:
    """Hand the result to the test (one line on stdout)."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(result, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def run(main: Callable[[dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]]) -> None:
    """Load the config, run the driver's coroutine, print its result."""
    config = load_config()
    emit(asyncio.run(main(config)))
