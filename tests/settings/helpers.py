"""Shared by the settings tests: a fake adapter, its MockTransport, and the canary sweep."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any, ClassVar

import httpx

from adapters import redact, registry
from adapters.base import Adapter, Capabilities
from adapters.errors import AuthFailed, Rejected, Unsupported
from adapters.http import decode_json, make_client, request
from adapters.models import Batch, Chat, Identity, Sent
from adapters.ratelimit import RateLimits

CANARY = "987654321:CANARY-settings-Qx7Zr2Lm9Tb4Wv8Kp3"
BAD_TOKEN = "111:rejected-token-Zz"
FAKE_BASE_URL = "https://fake.example/api"


class FakeAdapter(Adapter):
    """A Telegram-style adapter for tests: only ``me()`` works (GET <base>/bot<token>/getMe)."""

    messenger: ClassVar[str] = "fake"
    default_base_url: ClassVar[str] = FAKE_BASE_URL
    capabilities: ClassVar[Capabilities] = Capabilities(
        receive=True,
        long_poll=True,
        poll_interval_s=0.0,
        edit=False,
        delete=False,
        reply=False,
        files_send=False,
        files_receive=False,
        formatting="none",
        max_text=4096,
        max_caption=1024,
        max_upload_bytes=0,
        max_download_bytes=0,
        send_options=frozenset(),
        rate_limits=RateLimits(),
    )

    async def me(self) -> Identity:
        url = f"{self.spec.base_url}/bot{self._token.reveal()}/getMe"
        response = await request(self._client, "GET", url, effect=False, what="getMe")
        if response.status_code == 401:
            raise AuthFailed("token rejected")
        if response.status_code != 200:
            raise Rejected(f"HTTP {response.status_code}")
        body = decode_json(response, effect=False, what="getMe")
        return Identity(id=str(body["id"]), name=body["name"], username=body.get("username"))

    async def poll(self, cursor: str | None, timeout_s: float) -> Batch:
        raise Unsupported("fake")

    async def send(self, chat_id: str, text: str, **kwargs: Any) -> Sent:
        raise Unsupported("fake")

    async def chat_info(self, chat_id: str) -> Chat:
        raise Unsupported("fake")


class FakeServer:
    """The MockTransport behind FakeAdapter: records requests and proxies asked for."""

    def __init__(self, name: str = "Shop bot", username: str = "shopbot") -> None:
        self.requests: list[httpx.Request] = []
        self.proxies: list[str | None] = []
        self.name = name
        self.username = username
        self.down = False

    def handler(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        if self.down:
            raise httpx.ConnectError("connection refused", request=req)
        if BAD_TOKEN in req.url.path or "rejected" in req.url.path:
            return httpx.Response(401, json={"ok": False})
        return httpx.Response(200, json={"id": 42, "name": self.name, "username": self.username})

    def client(self, proxy: str | None) -> httpx.AsyncClient:
        self.proxies.append(proxy)
        return make_client(proxy=proxy, transport=httpx.MockTransport(self.handler))


def fake_entry_points() -> dict[str, EntryPoint]:
    """The real entry points plus ``fake`` → :class:`FakeAdapter`."""
    eps = {ep.name: ep for ep in registry.entry_points(group=registry.GROUP)}
    eps["fake"] = EntryPoint("fake", "tests.settings.helpers:FakeAdapter", registry.GROUP)
    return eps


def canary_forms(*secrets: str) -> list[bytes]:
    """Every form a secret could take on disk: raw, URL-encoded, base64 (and JSON-escaped)."""
    forms: set[str] = set()
    for secret in secrets:
        forms |= redact.variants(secret)
        forms.add(json.dumps(secret)[1:-1])
    return [f.encode() for f in forms]


def find_canary(roots: Iterable[Path], *secrets: str) -> list[str]:
    """Files under ``roots`` (names or contents) that contain any form of any secret."""
    forms = canary_forms(*(secrets or (CANARY,)))
    hits: list[str] = []
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                path = Path(dirpath) / name
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(f in data or f in name.encode() for f in forms):
                    hits.append(str(path))
    return hits


def leaks(text: str, *secrets: str) -> bool:
    """True when ``text`` holds any form of any secret."""
    data = text.encode("utf-8", "surrogatepass")
    return any(f in data for f in canary_forms(*(secrets or (CANARY,))))
