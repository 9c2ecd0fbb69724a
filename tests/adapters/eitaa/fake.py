"""A scripted Eitaayar API for tests, behind ``httpx.MockTransport``.

It imitates the wire the clients show (messenger-apis.md §6): ``<base>/<TOKEN>/<method>``,
method names case-insensitive, parameters from the query, a form, JSON or multipart, the
``ok``/``result`` envelope, ``{"ok": false, "error_code": 401, ...}`` for an unknown token, a
``message_id`` in ``result`` after a send. Per-method answers can be scripted on top.
"""

from __future__ import annotations

import itertools
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters import http
from adapters.base import AccountSpec
from adapters.eitaa.adapter import EitaaAdapter
from adapters.secret import Secret
from tests.adapters.rubika.fake import multipart_parts

TOKEN = "bot424242:CA4A2Y00-1111-2222-3333-444444444444"
BASE = "http://127.0.0.1:8700/eitaa"
Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def ok(result: Any) -> httpx.Response:
    """A success envelope."""
    return httpx.Response(200, json={"ok": True, "result": result})


def fail(code: int, description: str, status: int | None = None, **extra: Any) -> httpx.Response:
    """An error envelope; the HTTP status defaults to the code."""
    body = {"ok": False, "error_code": code, "description": description, **extra}
    return httpx.Response(code if status is None else status, json=body)


@dataclass
class Seen:
    """One request as the server saw it."""

    http_method: str
    method: str
    url: str
    content_type: str
    params: dict[str, str]
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)


class FakeEitaa:
    """One token, its channels, and what was posted there."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.answers: dict[str, list[Answer]] = {}
        self._ids = itertools.count(1042)

    def on(self, method: str, answer: Answer | list[Answer]) -> FakeEitaa:
        """Queue answers for ``method``; the last one repeats."""
        self.answers.setdefault(method.lower(), []).extend(
            answer if isinstance(answer, list) else [answer]
        )
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        assert url.startswith(BASE + "/api/"), url
        token, _, method = request.url.path[len("/eitaa/api/") :].partition("/")
        ctype = request.headers.get("content-type", "")
        params = dict(request.url.params)
        files: dict[str, tuple[str, str, bytes]] = {}
        if ctype.startswith("application/x-www-form-urlencoded"):
            params.update(urllib.parse.parse_qsl(request.content.decode("ascii")))
        elif ctype.startswith("application/json"):
            params.update({k: str(v) for k, v in json.loads(request.content).items()})
        elif ctype.startswith("multipart/form-data"):
            for name, (filename, mime, data) in multipart_parts(request).items():
                if filename is None:
                    params[name] = data.decode()
                else:
                    files[name] = (filename, mime, data)
        self.seen.append(Seen(request.method, method, url, ctype, params, files))
        if token != TOKEN:
            return fail(401, "Unauthorized")
        queue = self.answers.get(method.lower())
        if queue:
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            if isinstance(answer, Exception):
                if isinstance(answer, httpx.RequestError):
                    answer.request = request  # as httpcore does: the URL holds the token
                raise answer
            return answer(request) if callable(answer) else answer
        if method.lower() == "getme":
            return ok({"id": 424242, "first_name": "کانال‌یار", "username": "shop_bot"})
        if method.lower() in ("sendmessage", "sendfile"):
            return ok({"message_id": next(self._ids)})
        return fail(404, "method not found")


def make(
    fake: FakeEitaa, token: str = TOKEN, channels: tuple[str, ...] = ("mychannel",)
) -> EitaaAdapter:
    """An adapter whose client talks to ``fake``."""
    client = http.make_client(transport=httpx.MockTransport(fake.handler))
    spec = AccountSpec("eitaa", "shop", BASE, channels=channels, receive=False)
    return EitaaAdapter(spec, Secret(token), client)
