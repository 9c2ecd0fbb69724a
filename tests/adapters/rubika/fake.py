"""A scripted Rubika Bot API v3 for tests, behind ``httpx.MockTransport``.

It imitates the documented wire (messenger-apis.md §5): ``POST <base>/<TOKEN>/<method>`` with a
JSON body, HTTP 200 and a ``status``/``data`` envelope for errors too, an unknown token answered
with ``INVALID_ACCESS``, string ids, ``time`` as a string, ``getUpdates`` with ``offset_id`` →
``next_offset_id`` (24-hex cursors, echoed when nothing is new), the three-step upload with
``upload_url`` and ``download_url`` on another host. Per-method answers can be scripted on
top (a ``Response``, an exception raised as httpcore would, or a callable).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters import http
from adapters.base import AccountSpec
from adapters.rubika.adapter import RubikaAdapter
from adapters.secret import Secret

TOKEN = "CANARYrubikaTOKEN0a1b2c3d4e5f6g7h8i9j0kLMNOPQRSTUVWX"
BASE = "http://127.0.0.1:8700/rubika"
FILES = "http://files.rubika.test"  # uploads and downloads live on another host
BOT_CHAT = "b0QFtn0C1I022abcd29f1d60c9ce5b08"
USER = "u0QFtn0abcded727585c77b8e116cd79"
GROUP = "g0GRPtn0abcded727585c77b8e116c00"
MEMBER = "u0MEMBERcded727585c77b8e116cd7aa"
Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def ok(data: Any = None) -> httpx.Response:
    """A success envelope."""
    body: dict[str, Any] = {"status": "OK"}
    if data is not None:
        body["data"] = data
    return httpx.Response(200, json=body)


def err(status: str, message: str = "", **extra: Any) -> httpx.Response:
    """aiorubi's error shape: the code in ``status``, the text in ``dev_message`` (HTTP 200)."""
    return httpx.Response(200, json={"status": status, "dev_message": message, **extra})


def peyk_err(code: str, message: str = "") -> httpx.Response:
    """peyk's error shape: ``status: error`` with ``error_code``/``error_message`` (HTTP 200)."""
    body = {"status": "error", "error_code": code, "error_message": message}
    return httpx.Response(200, json=body)


@dataclass
class Seen:
    """One request as the server saw it."""

    method: str
    url: str
    body: dict[str, Any]
    headers: dict[str, str]
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # name, mime, data
    length: int = 0  # bytes of body received


def multipart_parts(request: httpx.Request) -> dict[str, tuple[str | None, str, bytes]]:
    """A small multipart reader (UTF-8 names as browsers send them): name → (file, mime, data)."""
    match = re.search(r"boundary=([^;]+)", request.headers["content-type"])
    assert match is not None
    boundary = b"--" + match.group(1).encode()
    out: dict[str, tuple[str | None, str, bytes]] = {}
    body = request.content
    assert body.endswith(boundary + b"--\r\n")
    for chunk in body.split(boundary)[1:-1]:
        assert chunk.startswith(b"\r\n") and chunk.endswith(b"\r\n")
        head, _, data = chunk[2:-2].partition(b"\r\n\r\n")
        headers = head.decode("utf-8")
        name = re.search(r'; name="([^"]*)"', headers)
        filename = re.search(r'; filename="([^"]*)"', headers)
        mime = re.search(r"Content-Type: (\S+)", headers)
        assert name is not None
        out[name.group(1)] = (
            filename.group(1) if filename else None,
            mime.group(1) if mime else "text/plain",
            data,
        )
    return out


class FakeRubika:
    """A small Rubika world: one bot, named chats, an update queue, files."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.answers: dict[str, list[Answer]] = {}
        self.chats: dict[str, dict[str, Any]] = {
            BOT_CHAT: {"chat_id": BOT_CHAT, "chat_type": "User", "first_name": "سارا",
                       "last_name": "کریمی", "username": "sara_k"},
            GROUP: {"chat_id": GROUP, "chat_type": "Group", "title": "گروه خرید"},
            MEMBER: {"chat_id": MEMBER, "chat_type": "User", "first_name": "Ali"},
        }  # fmt: skip
        self.updates: list[tuple[str, Any]] = []  # (24-hex id, update)
        self.files: dict[str, bytes] = {}
        self.uploads: dict[str, str] = {}  # ticket -> requested type
        self._ids = itertools.count(1)

    # --- scripting ---------------------------------------------------------------------

    def on(self, method: str, answer: Answer | list[Answer]) -> FakeRubika:
        """Queue answers for ``method`` (or ``upload``/``download``); the last one repeats."""
        self.answers.setdefault(method, []).extend(answer if isinstance(answer, list) else [answer])
        return self

    def push(self, *updates: Any) -> None:
        """Queue updates with ObjectId-like ids (8 hex of time, then a counter)."""
        for update in updates:
            self.updates.append((f"{0x6790A1B2:08x}{next(self._ids):016x}", update))

    def methods(self) -> list[str]:
        """The methods requested so far, in order."""
        return [s.method for s in self.seen]

    def calls(self, method: str) -> list[Seen]:
        """The requests for ``method``."""
        return [s for s in self.seen if s.method == method]

    # --- the server --------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        files: dict[str, tuple[str, str, bytes]] = {}
        body: dict[str, Any] = {}
        if url.startswith(FILES + "/upload/"):
            method = "upload"
            parts = multipart_parts(request)
            files = {k: (v[0] or "", v[1], v[2]) for k, v in parts.items() if v[0] is not None}
        elif url.startswith(FILES + "/download/"):
            method = "download"
        else:
            assert url.startswith(BASE + "/v3/"), url
            token, _, method = url[len(BASE) + 4 :].partition("/")
            assert request.method == "POST"
            assert request.headers["content-type"] == "application/json"
            body = json.loads(request.content)
            if token != TOKEN:
                self.seen.append(Seen(method, url, body, dict(request.headers)))
                return err("INVALID_ACCESS", "invalid token")
        self.seen.append(
            Seen(method, url, body, dict(request.headers), files, len(request.content))
        )
        queue = self.answers.get(method)
        if queue:
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            if isinstance(answer, Exception):
                if isinstance(answer, httpx.RequestError):
                    answer.request = request  # as httpcore does: the URL holds the token
                raise answer
            return answer(request) if callable(answer) else answer
        return self._default(method, body, request)

    def _default(self, method: str, body: dict[str, Any], request: httpx.Request) -> httpx.Response:
        if method == "getMe":
            return ok({"bot": {"bot_id": "b0BOTID000000000000000000000000", "bot_title": "Demo",
                               "username": "demo_bot", "description": ""}})  # fmt: skip
        if method == "getChat":
            chat = self.chats.get(body.get("chat_id", ""))
            return ok({"chat": chat}) if chat else err("INVALID_INPUT", "chat not found")
        if method == "getUpdates":
            cursor = body.get("offset_id")
            limit = int(body.get("limit", 100))
            fresh = [(i, u) for i, u in self.updates if cursor is None or i > cursor][:limit]
            next_id = fresh[-1][0] if fresh else cursor or f"{0x6790A1B2:08x}" + "0" * 16
            return ok({"updates": [u for _, u in fresh], "next_offset_id": next_id})
        if method in ("sendMessage", "sendFile"):
            return ok({"message_id": str(204215121115944300 + next(self._ids))})
        if method in ("editMessageText", "deleteMessage"):
            return ok({})
        if method == "requestSendFile":
            ticket = f"t{next(self._ids)}"
            self.uploads[ticket] = body["type"]
            return ok({"upload_url": f"{FILES}/upload/{ticket}"})
        if method == "upload":
            file_id = f"f{next(self._ids)}"
            self.files[file_id] = self.seen[-1].files["file"][2]
            return ok({"file_id": file_id})
        if method == "getFile":
            file_id = body["file_id"]
            if file_id not in self.files:
                return err("INVALID_INPUT", "file not found")
            return ok({"download_url": f"{FILES}/download/{file_id}"})
        if method == "download":
            return httpx.Response(200, content=self.files[request.url.path.rsplit("/", 1)[-1]])
        return err("INVALID_INPUT", f"unknown method {method}")


def make(fake: FakeRubika, token: str = TOKEN, base_url: str = BASE) -> RubikaAdapter:
    """An adapter whose client talks to ``fake``."""
    client = http.make_client(transport=httpx.MockTransport(fake.handler))
    spec = AccountSpec(messenger="rubika", name="test", base_url=base_url)
    return RubikaAdapter(spec, Secret(token), client)


def new_message(
    chat_id: str = BOT_CHAT,
    text: str | None = "سلام",
    message_id: str | int = "204215121115944300",
    sender_id: str = USER,
    **extra: Any,
) -> dict[str, Any]:
    """A ``NewMessage`` update as the docs show it (time as a string)."""
    msg: dict[str, Any] = {
        "message_id": message_id,
        "time": "1643122902",
        "is_edited": False,
        "sender_type": "User",
        "sender_id": sender_id,
    }
    if text is not None:
        msg["text"] = text
    msg.update(extra)
    return {"type": "NewMessage", "chat_id": chat_id, "new_message": msg}
