"""Small helpers for the mock tests: control-API calls and bot-API URLs."""

from __future__ import annotations

from typing import Any

import httpx

from adapters.mock import MockServer


class Mock:
    """Drives one served world over HTTP, the way a test or a bot developer would."""

    def __init__(self, server: MockServer, client: httpx.AsyncClient) -> None:
        self.server = server
        self.client = client

    def base(self, messenger: str) -> str:
        return self.server.base_url(messenger)

    def api(self, messenger: str, token: str, method: str) -> str:
        return f"{self.base(messenger)}/bot{token}/{method}"

    async def control(
        self, messenger: str, path: str, body: Any = None, *, method: str = "POST"
    ) -> Any:
        url = f"{self.base(messenger)}/__mock__/{path}"
        response = await self.client.request(method, url, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    async def bot(self, messenger: str, name: str = "Test Bot", **extra: Any) -> str:
        body = {"name": name, "username": name.lower().replace(" ", "_"), **extra}
        created = await self.control(messenger, "bots", body)
        return str(created["token"])

    async def inbound(
        self, messenger: str, token: str, text: str, *, name: str = "Sara", **extra: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"token": token, "from": {"name": name}, "text": text, **extra}
        result: dict[str, Any] = await self.control(messenger, "inbound", body)
        return result

    async def call(self, messenger: str, token: str, method: str, **params: Any) -> httpx.Response:
        """A bot-API call with a JSON body."""
        return await self.client.post(self.api(messenger, token, method), json=params)

    async def result(self, messenger: str, token: str, method: str, **params: Any) -> Any:
        response = await self.call(messenger, token, method, **params)
        body = response.json()
        assert response.status_code == 200 and body["ok"] is True, response.text
        return body["result"]

    async def chat(self, messenger: str, token: str, chat_id: Any) -> dict[str, Any]:
        url = f"{self.base(messenger)}/__mock__/chats/{chat_id}"
        response = await self.client.get(url, params={"token": token})
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def requests(self, messenger: str, token: str | None = None) -> list[dict[str, Any]]:
        url = f"{self.base(messenger)}/__mock__/requests"
        response = await self.client.get(url, params={"token": token} if token else None)
        entries: list[dict[str, Any]] = response.json()["requests"]
        return entries
