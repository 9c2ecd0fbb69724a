"""Drive the served mocks the way a user's contacts would: through the real control API.

Shared by the CLI tests and the service tests (``tests/engine/test_service*.py``): a
:class:`~adapters.mock.ThreadedMockServer` runs on its own loop in a thread, so synchronous
control calls work from an async test without blocking the server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from adapters import registry
from adapters.base import AccountSpec
from adapters.mock import ThreadedMockServer
from adapters.secret import Secret
from tui.engine.runtime import AccountParts

HANG_GUARD_S = 30.0  # a hang guard, never a pass figure


class MockKit:
    """Control-API calls against one served world."""

    def __init__(self, server: ThreadedMockServer) -> None:
        self.server = server
        self.http = httpx.Client(timeout=20.0, trust_env=False)

    def close(self) -> None:
        self.http.close()

    def base(self, messenger: str) -> str:
        return self.server.base_url(messenger)

    def api_root(self, messenger: str) -> str:
        """The adapter's ``base_url`` for this mock: the mount itself, for every messenger."""
        return self.base(messenger)

    def control(self, messenger: str, path: str, body: Any = None, *, method: str = "POST") -> Any:
        response = self.http.request(method, f"{self.base(messenger)}/__mock__/{path}", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def bot(
        self,
        messenger: str,
        name: str = "Shop Bot",
        username: str = "shop_bot",
        **extra: Any,
    ) -> str:
        """A new bot; returns its token."""
        created = self.control(messenger, "bots", {"name": name, "username": username, **extra})
        return str(created["token"])

    def inbound(
        self,
        messenger: str,
        token: str,
        text: str,
        *,
        sender: str = "Sara",
        username: str | None = None,
        chat: dict[str, Any] | None = None,
        **extra: Any,
    ) -> tuple[str, str]:
        """A user's message; returns (chat_id, message_id) as strings. A Latin ``sender``
        without a ``username`` gets one (``sara_user``), so that the same name is the same
        user (and the same private chat) every time."""
        who: dict[str, Any] = {"name": sender}
        if username is None and sender.isascii() and sender.isalnum():
            username = f"{sender.lower()}_user"
        if username:
            who["username"] = username
        body: dict[str, Any] = {"token": token, "from": who, "text": text, **extra}
        if chat is not None:
            body["chat"] = chat
        got = self.control(messenger, "inbound", body)
        return str(got["chat_id"]), str(got["message_id"])

    def edit(self, messenger: str, token: str, chat_id: str, message_id: str, text: str) -> None:
        body = {"token": token, "chat_id": chat_id, "message_id": message_id, "text": text}
        self.control(messenger, "edit", body)

    def delete(self, messenger: str, token: str, chat_id: str, message_id: str) -> None:
        self.control(
            messenger, "delete", {"token": token, "chat_id": chat_id, "message_id": message_id}
        )

    def chat(self, messenger: str, token: str, chat_id: str) -> dict[str, Any]:
        url = f"{self.base(messenger)}/__mock__/chats/{chat_id}"
        response = self.http.get(url, params={"token": token})
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def texts(self, messenger: str, token: str, chat_id: str) -> list[str]:
        """The texts a chat holds at the mock, oldest first (deleted ones left out)."""
        return [
            m["text"] for m in self.chat(messenger, token, chat_id)["messages"] if not m["deleted"]
        ]

    def requests(self, messenger: str, token: str) -> list[dict[str, Any]]:
        response = self.http.get(
            f"{self.base(messenger)}/__mock__/requests", params={"token": token}
        )
        entries: list[dict[str, Any]] = response.json()["requests"]
        return entries

    def parts(self, messenger: str, name: str, token: str, **spec: Any) -> AccountParts:
        """Service parts for a bot of this world (real adapter, real HTTP, loopback)."""
        account = AccountSpec(messenger, name, self.api_root(messenger), **spec)
        return AccountParts.ready(account, registry.load(messenger), Secret(token))


async def until(check: Callable[[], Any], what: str) -> Any:
    """Wait (hang-guarded) until ``check()`` is truthy; returns its value."""
    deadline = time.monotonic() + HANG_GUARD_S
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.02)


async def until_async(check: Callable[[], Awaitable[Any]], what: str) -> Any:
    """:func:`until` for an async check."""
    deadline = time.monotonic() + HANG_GUARD_S
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.02)


def wait_sync(check: Callable[[], Any], what: str) -> Any:
    """:func:`until` for synchronous tests."""
    deadline = time.monotonic() + HANG_GUARD_S
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
