"""One adapter engine for the Telegram-style Bot APIs (Telegram, Bale, Soroush Plus).

A subclass binds a :class:`~adapters.botapi.profile.Profile`; everything that differs between
the messengers is read from it. URLs are ``{base_url}/bot<TOKEN>/<method>`` and
``{base_url}/file/bot<TOKEN>/<file_path>``, so ``base_url`` may be the real API root or a
mock's prefix such as ``http://127.0.0.1:8700/telegram``.

Every error is raised outside ``except`` blocks (see :mod:`adapters.errors`); the token lives
only in the URL string built at the moment of the request.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import httpx

from adapters import http, upload
from adapters.base import Adapter, Progress, SendOptions
from adapters.botapi import wire
from adapters.botapi.envelope import Call, unwrap
from adapters.botapi.profile import Profile
from adapters.errors import AdapterError, Ambiguous, Forbidden, Rejected, Transient, detach
from adapters.models import Batch, Chat, FileRef, Identity, Sent, Span

# getUpdates: the read timeout is the long poll plus this much, so a healthy long poll never
# times out on our side first.
POLL_MARGIN_S = 10.0
LIMIT = 100
UPLOAD_TIMEOUT = httpx.Timeout(30.0, connect=10.0, read=120.0)
_PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
_NUMERIC = re.compile(r"-?\d+")
T = TypeVar("T")


class BotApiAdapter(Adapter):
    """The shared engine; use a subclass that sets ``profile`` (TelegramAdapter, ...)."""

    profile: ClassVar[Profile]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        profile = cls.__dict__.get("profile")
        if profile is not None:
            cls.capabilities = profile.capabilities
            cls.messenger = profile.messenger
            cls.default_base_url = profile.default_base_url

    # --- plumbing -----------------------------------------------------------------------

    def _base(self) -> str:
        return (self.spec.base_url or self.profile.default_base_url).rstrip("/")

    def _url(self, method: str) -> str:
        return f"{self._base()}/bot{self._token.reveal()}/{method}"

    def _encode(self, params: dict[str, Any], call: Call) -> tuple[bytes, str]:
        """The request body, refused before sending when it cannot be encoded."""
        error: AdapterError | None = None
        try:
            if self.profile.body_encoding == "json":
                text = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
                return text.encode("utf-8"), "application/json"
            pairs = [(k, upload.form_value(v)) for k, v in params.items()]
            return urllib.parse.urlencode(pairs).encode("ascii"), (
                "application/x-www-form-urlencoded"
            )
        except UnicodeEncodeError:
            # A lone surrogate (e.g. pasted from a broken source) cannot go on the wire.
            error = Rejected(f"{call.method}: the text is not valid Unicode")
        raise error

    @staticmethod
    async def _shielded(awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``; an adapter error from it is re-raised with a fresh traceback.

        The frames of :mod:`adapters.http` hold the URL (and so the token) in their locals;
        a crash screen that prints locals must never reach them.
        """
        error: AdapterError | None = None
        try:
            return await awaitable
        except AdapterError as exc:
            error = exc
        raise detach(error)

    async def _call(self, call: Call, params: dict[str, Any]) -> Any:
        """POST ``params`` to ``call.method``; the ``result``, or the adapter error raised."""
        return unwrap(await self._post(call, params), call, self.profile)

    async def _post(
        self,
        call: Call,
        params: dict[str, Any],
        *,
        http_timeout: httpx.Timeout | None = None,
    ) -> httpx.Response:
        body, content_type = self._encode(params, call)
        extra: dict[str, Any] = {} if http_timeout is None else {"timeout": http_timeout}
        return await self._shielded(
            http.request(
                self._client,
                "POST",
                self._url(call.method),
                effect=call.effect,
                what=call.method,
                content=body,
                headers={"Content-Type": content_type},
                **extra,
            )
        )

    @staticmethod
    def _chat(chat_id: str) -> int | str:
        """A chat id for the wire: numeric ids as integers, usernames with their ``@``."""
        if _NUMERIC.fullmatch(chat_id):
            return int(chat_id)
        return chat_id if chat_id.startswith("@") else f"@{chat_id}"

    @staticmethod
    def _message_id(message_id: str, method: str) -> int:
        if not _NUMERIC.fullmatch(message_id):
            raise Rejected(f"{method}: {message_id!r} is not a message id")
        return int(message_id)

    @staticmethod
    def _read(what: str, value: Any, parse: Callable[[Any], T], *, effect: bool) -> T:
        """``parse(value)``; a result we cannot read is Transient (read) / Ambiguous (write)."""
        error: AdapterError | None = None
        try:
            return parse(value)
        except (ValueError, TypeError):
            error = (Ambiguous if effect else Transient)(f"{what}: unexpected answer")
        raise error

    # --- the contract -------------------------------------------------------------------

    async def me(self) -> Identity:
        """``getMe``. Any 4xx but 429 is :class:`~adapters.errors.AuthFailed`."""
        result = await self._call(Call("getMe", effect=False), {})
        return self._read("getMe", result, wire.identity_from_wire, effect=False)

    async def poll(self, cursor: str | None, timeout_s: float) -> Batch:
        """``getUpdates`` long poll from ``cursor`` (the next update_id to fetch, as str).

        The new cursor is the highest update_id seen + 1 (poison updates included, so the
        server forgets them); an empty answer keeps the given cursor. ``id_jump`` is set
        when the lowest id returned is above the cursor (updates were dropped, or the
        server re-seeded its ids after a week idle). The first poll (no cursor) has no jump.
        """
        offset: int | None = None
        if cursor is not None:
            if not _NUMERIC.fullmatch(cursor):
                raise Rejected(f"getUpdates: {cursor!r} is not a Bot API cursor")
            offset = int(cursor)
        wait = max(0, int(timeout_s))
        params: dict[str, Any] = {"limit": LIMIT, "timeout": wait}
        if offset is not None:
            params["offset"] = offset
        timeout = httpx.Timeout(10.0, read=wait + POLL_MARGIN_S)
        started = time.monotonic()
        call = Call("getUpdates", effect=False)
        response = await self._post(call, params, http_timeout=timeout)
        result = unwrap(response, call, self.profile)
        check = wire.may_hold_surrogates(response.content)
        page = self._read(
            "getUpdates",
            result,
            lambda r: wire.updates_to_events(r, self.profile.dialect, check_unicode=check),
            effect=False,
        )
        if page.last_id is None:
            if wait >= 1 and time.monotonic() - started < wait / 2:
                # An empty answer long before the timeout: this server does not long-poll
                # (unconfirmed for Bale). Pause briefly so the engine, which sleeps only for
                # APIs declared without long poll, never spins on it.
                await asyncio.sleep(min(1.0, wait / 2))
            return Batch(page.events, cursor)
        jump = offset is not None and page.first_id is not None and page.first_id > offset
        return Batch(page.events, str(page.last_id + 1), id_jump=jump)

    async def send(
        self,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        entities: tuple[Span, ...] = (),
        options: SendOptions | None = None,
    ) -> Sent:
        """``sendMessage``. Options the profile does not list are refused before sending."""
        self.check_options(options, reply_to)
        caps = self.capabilities
        if not text.strip():
            raise Rejected("sendMessage: the text is empty")
        if len(text) > caps.max_text:
            raise Rejected(f"sendMessage: the text is longer than {caps.max_text} characters")
        params: dict[str, Any] = {"chat_id": self._chat(chat_id)}
        markup = self.profile.dialect.markup
        if entities and self.profile.send_entities:
            params["text"] = text
            params["entities"] = wire.entities_from_spans(text, entities)
        elif entities and markup is not None:
            params["text"] = markup.render(text, entities)
        else:
            params["text"] = text
        if reply_to is not None:
            params["reply_to_message_id"] = self._message_id(reply_to, "sendMessage")
        if options is not None and options.silent:
            params["disable_notification"] = True
        result = await self._call(Call("sendMessage", effect=True, chat_id=chat_id), params)
        return self._read(
            "sendMessage", result, lambda r: wire.sent_from_wire(r, chat_id), effect=True
        )

    async def edit(self, chat_id: str, message_id: str, text: str) -> None:
        """``editMessageText``. "message is not modified" counts as done."""
        if not text.strip():
            raise Rejected("editMessageText: the text is empty")
        if len(text) > self.capabilities.max_text:
            raise Rejected(f"editMessageText: longer than {self.capabilities.max_text} characters")
        params = {
            "chat_id": self._chat(chat_id),
            "message_id": self._message_id(message_id, "editMessageText"),
            "text": text,
        }
        call = Call("editMessageText", effect=True, chat_id=chat_id)
        error: AdapterError | None = None
        try:
            result = await self._call(call, params)
        except Rejected as exc:
            if "message is not modified" not in exc.reason.lower():
                raise
            # The text already is what we asked for (e.g. a retry after an Ambiguous edit).
            return
        if self.profile.edit_answer == "message" and result is not True:
            d = result if isinstance(result, dict) else {}
            if str(d.get("message_id")) != str(params["message_id"]):
                error = Ambiguous("editMessageText: unexpected answer")
        if error is not None:
            raise error

    async def delete(self, chat_id: str, message_id: str) -> None:
        """``deleteMessage``."""
        params = {
            "chat_id": self._chat(chat_id),
            "message_id": self._message_id(message_id, "deleteMessage"),
        }
        await self._call(Call("deleteMessage", effect=True, chat_id=chat_id), params)

    async def send_file(
        self,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
        progress: Progress | None = None,
    ) -> Sent:
        """``sendPhoto`` (JPEG/PNG up to the photo limit) or ``sendDocument``, streamed."""
        self.check_options(None, reply_to)
        caps = self.capabilities
        error: AdapterError | None = None
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
        except OSError as exc:
            error = Rejected(f"sendDocument: cannot read the file ({exc.strerror})")
            size = 0
        if error is not None:
            raise error
        if size > caps.max_upload_bytes:
            raise Rejected(f"sendDocument: the file is larger than {caps.max_upload_bytes} bytes")
        if size == 0:
            raise Rejected("sendDocument: the file is empty")
        if len(caption) > caps.max_caption:
            raise Rejected(f"sendDocument: the caption is longer than {caps.max_caption} chars")
        photo = path.suffix.lower() in _PHOTO_SUFFIXES and size <= self.profile.max_photo_bytes
        method, field = ("sendPhoto", "photo") if photo else ("sendDocument", "document")
        fields: dict[str, Any] = {"chat_id": self._chat(chat_id)}
        if caption:
            fields["caption"] = caption
        if reply_to is not None:
            fields["reply_to_message_id"] = self._message_id(reply_to, method)
        body = upload.file_body(path, size, field=field, fields=fields, progress=progress)
        call = Call(method, effect=True, chat_id=chat_id)
        response = await self._shielded(
            upload.post(
                self._client,
                self._url(method),
                body,
                effect=True,
                what=method,
                http_timeout=UPLOAD_TIMEOUT,
            )
        )
        result = unwrap(response, call, self.profile)
        return self._read(method, result, lambda r: wire.sent_from_wire(r, chat_id), effect=True)

    async def download(self, file: FileRef, dest: Path, progress: Progress | None = None) -> Path:
        """``getFile``, then a streamed GET of ``/file/bot<TOKEN>/<file_path>``."""
        cap = self.capabilities.max_download_bytes
        if file.size is not None and file.size > cap:
            raise Rejected(f"getFile: the file is larger than the {cap}-byte download limit")
        result = await self._call(Call("getFile", effect=False), {"file_id": file.id})
        file_path, size = self._read("getFile", result, _file_path, effect=False)
        if file_path is None:
            # Telegram omits file_path for files it will not serve (too big, expired).
            raise Rejected("getFile: the server offers no download for this file")
        if size is not None and size > cap:
            raise Rejected(f"getFile: the file is larger than the {cap}-byte download limit")
        return await self._shielded(
            http.download_to(
                self._client,
                # Inline, never a local: tracebacks with locals must not show it.
                f"{self._base()}/file/bot{self._token.reveal()}/{urllib.parse.quote(file_path)}",
                dest,
                what="download",
                max_bytes=cap,
                progress=progress,
                expected_size=size or file.size,
            )
        )

    async def chat_info(self, chat_id: str) -> Chat:
        """``getChat``, plus the member count for groups and channels when it can be had."""
        result = await self._call(
            Call("getChat", effect=False, chat_id=chat_id), {"chat_id": self._chat(chat_id)}
        )
        chat = self._read("getChat", result, wire.chat_from_wire, effect=False)
        if chat.kind == "private":
            return chat
        method = self.profile.member_count_method
        count: int | None = None
        try:
            answer = await self._call(
                Call(method, effect=False, chat_id=chat_id), {"chat_id": self._chat(chat_id)}
            )
        except (Rejected, Forbidden, Transient):
            answer = None  # the count is a nicety; the chat's name is what was asked for
        if isinstance(answer, int) and not isinstance(answer, bool):
            count = answer
        return Chat(chat.id, chat.kind, chat.title, chat.username, chat.description, count)


def _file_path(result: Any) -> tuple[str | None, int | None]:
    if not isinstance(result, dict):
        raise ValueError("result: expected an object")
    file_path = result.get("file_path")
    if file_path is not None and not isinstance(file_path, str):
        raise ValueError("file_path: expected a string")
    size = result.get("file_size")
    return file_path or None, size if isinstance(size, int) and not isinstance(size, bool) else None
