"""The wire between Payam and an in-process mock, recorded: what the delivery tests judge by.

:class:`Wire` is an ``httpx`` transport that hands every request to the mocks' ASGI app
(:class:`~adapters.mock.MountApp`, no socket: the model test runs thousands of steps) and
records each one as a :class:`WireCall` — the API method, its parameters (text, chat,
message id) and what became of it: answered (with the fault the mock's own request log
recorded for it), refused before processing (an injected or table 429; Rubika's
``TOO_REQUESTS``), dropped by the connection (``reset``/``hang``/``ambiguous_send``), or never
sent (the network is down: ``httpx.ConnectError``).

Faults that need the socket turn into what a socket would give: the mock raises
``ConnectionAborted`` under ASGITransport (``adapters.mock.asgi``), which becomes
``httpx.RemoteProtocolError`` here — "server disconnected without a response", exactly what
the served mock's RST/close gives the adapter.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from adapters.mock import MountApp
from adapters.mock.asgi import ConnectionAborted
from adapters.mock.world import MessengerWorld, MockWorld

Outcome = Literal["answered", "rate_limited", "dropped", "offline"]
CLEAN = frozenset({"rate_limited", "offline"})
"""Outcomes after which the server certainly did nothing: the only ones a retry may follow."""


@dataclass
class WireCall:
    """One request as it went (or failed to go) over the wire."""

    method: str  # the API method: sendMessage, getUpdates, …
    params: dict[str, str]
    outcome: Outcome = "answered"
    fault: str | None = None  # the kind the mock's request log gives it
    status: int | None = None

    @property
    def clean(self) -> bool:
        """Certainly not processed (a retry is allowed)."""
        return self.outcome in CLEAN

    @property
    def ambiguous(self) -> bool:
        """A side effect that may or may not have happened (never to be retried by itself)."""
        return self.outcome == "dropped" or self.fault in (
            "500",
            "502",
            "truncate",
            "ambiguous_send",
            "reset",
            "hang",
        )


def _params(request: httpx.Request) -> dict[str, str]:
    body = request.read()
    kind = request.headers.get("content-type", "")
    data: dict[str, Any] = {}
    try:
        if "json" in kind:
            loaded = json.loads(body or b"{}")
            data = loaded if isinstance(loaded, dict) else {}
        elif "form" in kind:
            data = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()}
    except ValueError:
        data = {}
    return {k: str(v) for k, v in data.items() if isinstance(v, (str, int))}


class Wire(httpx.AsyncBaseTransport):
    """The recorded, switchable network between the client and one messenger's mock."""

    def __init__(self, world: MockWorld, messenger: str) -> None:
        """Serves every messenger of ``world``; records the requests to ``messenger``."""
        self.inner = httpx.ASGITransport(app=MountApp(world))
        self.mworld: MessengerWorld = world[messenger]
        self.offline = False
        self.calls: list[WireCall] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward (or refuse, when offline) and record the request."""
        call = WireCall(request.url.path.rsplit("/", 1)[-1], _params(request))
        self.calls.append(call)
        if self.offline:
            call.outcome = "offline"
            raise httpx.ConnectError("network is down", request=request)
        before = len(self.mworld.log.entries())
        dropped = False
        response: httpx.Response | None = None
        try:
            response = await self.inner.handle_async_request(request)
        except ConnectionAborted:
            dropped = True
        entries = self.mworld.log.entries()
        if len(entries) == before + 1:
            call.fault = entries[-1].fault
        if dropped or response is None:
            call.outcome = "dropped"
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        body = await response.aread()
        call.status = response.status_code
        if call.fault == "429" or response.status_code == 429 or b'"TOO_REQUESTS"' in body:
            call.outcome = "rate_limited"
        return httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )

    async def aclose(self) -> None:
        """Nothing to close (the ASGI app lives with the world)."""
