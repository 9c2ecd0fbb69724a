"""A scripted Bot API for tests: an ``httpx.MockTransport`` that answers per method name.

Each answer is a ``Response``, an exception to raise (as httpcore would, with the request
attached, so its URL holds the token), or a callable ``request -> Response``. Every request is
recorded with its decoded parameters, whatever the encoding (JSON, form or multipart).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message as MimeMessage
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import httpx

from adapters import http
from adapters.bale.adapter import BaleAdapter
from adapters.base import AccountSpec
from adapters.botapi.adapter import BotApiAdapter
from adapters.secret import Secret
from adapters.splus.adapter import SplusAdapter
from adapters.telegram.adapter import TelegramAdapter

TOKEN = "123456789:CANARY-botapi-Zq8LmN4xVb7TrW2"
BASE = "http://127.0.0.1:8700/mock"
ADAPTERS: dict[str, type[BotApiAdapter]] = {
    "telegram": TelegramAdapter,
    "bale": BaleAdapter,
    "splus": SplusAdapter,
}
Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def ok(result: Any, status: int = 200) -> httpx.Response:
    """A successful envelope."""
    return httpx.Response(status, json={"ok": True, "result": result})


def fail(code: int, description: str, status: int | None = None, **params: Any) -> httpx.Response:
    """An error envelope; ``status`` defaults to ``code`` (Telegram's habit)."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if params:
        body["parameters"] = params
    return httpx.Response(code if status is None else status, json=body)


@dataclass
class Seen:
    """One request as the server saw it."""

    method: str
    path: str
    content_type: str
    params: dict[str, Any]
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # name, mime, data
    headers: dict[str, str] = field(default_factory=dict)


def _multipart(request: httpx.Request) -> tuple[dict[str, Any], dict[str, Any]]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    msg = BytesParser(policy=HTTP).parsebytes(head + request.content)
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in msg.iter_parts():
        assert isinstance(part, MimeMessage)
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        data = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(data, bytes)
        if filename is None:
            params[name] = data.decode()
        else:
            files[name] = (str(filename), part.get_content_type(), data)
    return params, files


def decode(request: httpx.Request) -> Seen:
    """The method name and parameters of a Bot API request."""
    path = request.url.path
    method = path.rsplit("/", 1)[-1]
    ctype = request.headers.get("content-type", "")
    params: dict[str, Any] = dict(request.url.params)
    files: dict[str, tuple[str, str, bytes]] = {}
    if ctype.startswith("application/json"):
        params.update(json.loads(request.content))
    elif ctype.startswith("application/x-www-form-urlencoded"):
        params.update(urllib.parse.parse_qsl(request.content.decode("ascii")))
    elif ctype.startswith("multipart/form-data"):
        more, files = _multipart(request)
        params.update(more)
    return Seen(method, path, ctype, params, files, dict(request.headers))


class Script:
    """Answers by Bot API method (or by path prefix for file downloads)."""

    def __init__(self, **answers: Answer | list[Answer]) -> None:
        self.answers: dict[str, list[Answer]] = {}
        for method, answer in answers.items():
            self.on(method, answer)
        self.seen: list[Seen] = []

    def on(self, method: str, answer: Answer | list[Answer]) -> Script:
        """Queue answers for ``method``; the last one repeats."""
        self.answers.setdefault(method, []).extend(answer if isinstance(answer, list) else [answer])
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        seen = decode(request)
        self.seen.append(seen)
        key = "download" if "/file/bot" in request.url.path else seen.method
        queue = self.answers.get(key)
        if not queue:
            return httpx.Response(404, json={"ok": False, "error_code": 404, "description": "no"})
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            if isinstance(answer, httpx.RequestError):
                answer.request = request  # as httpcore does: the URL holds the token
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def methods(self) -> list[str]:
        """The Bot API methods requested so far, in order."""
        return [s.method for s in self.seen]


def make(messenger: str, script: Script) -> BotApiAdapter:
    """An adapter for ``messenger`` whose client talks to ``script``."""
    cls = ADAPTERS[messenger]
    client = http.make_client(transport=httpx.MockTransport(script.handler))
    spec = AccountSpec(messenger=messenger, name="test", base_url=BASE)
    return cls(spec, Secret(TOKEN), client)


def user(uid: int = 987654321, first: str = "سارا", last: str | None = "کریمی") -> dict[str, Any]:
    """A wire User."""
    out: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first}
    if last is not None:
        out["last_name"] = last
    return out


def message(
    message_id: int = 77,
    text: str | None = "سلام",
    chat: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A wire Message in a private chat, from :func:`user`."""
    out: dict[str, Any] = {
        "message_id": message_id,
        "date": 1735730000,
        "chat": chat or {"id": 987654321, "type": "private", "first_name": "سارا"},
        "from": user(),
    }
    if text is not None:
        out["text"] = text
    out.update(extra)
    return out
