"""The Eitaa adapter, over Eitaayar's channel-posting API (reference: messenger-apis.md §6).

Send-only: Eitaayar has no getUpdates, webhook, edit, getFile or getChat, so the capabilities
say ``receive=False`` and those operations raise :class:`Unsupported` without a request
(``deleteMessage`` appears in one unverified client only and is not claimed). The chats are
the channels and groups the account is configured with (``AccountSpec.channels``), where the
token's owner is an admin.

Every call is ``<base>/api/<TOKEN>/<method>``: ``getMe`` as a GET, ``sendMessage`` as a
form-encoded POST, ``sendFile`` as a multipart POST with the part ``file``. ``base`` is the
API's root, as every adapter's is: ``https://eitaayar.ir`` for real,
``http://127.0.0.1:PORT/eitaa`` for the mock.

Errors (CONTRACTS §1): 401 or a description that names a bad token → :class:`AuthFailed`
(any failure of ``getMe`` too); 429 → :class:`RateLimited`; 403 → :class:`Forbidden` for that
chat; other 4xx → :class:`Rejected`; 5xx, resets and timeouts → :class:`Transient` for
``getMe`` and :class:`Ambiguous` for the two sends.
"""

from __future__ import annotations

import logging
from datetime import UTC
from pathlib import Path
from typing import Any, ClassVar

import httpx

from adapters import http, upload
from adapters.base import Adapter, Capabilities, Progress, SendOptions
from adapters.eitaa import wire
from adapters.errors import (
    AdapterError,
    Ambiguous,
    AuthFailed,
    Forbidden,
    RateLimited,
    Rejected,
    Transient,
    Unsupported,
)
from adapters.models import Batch, Chat, Identity, Sent, Span
from adapters.ratelimit import EITAA

log = logging.getLogger(__name__)

MB = 1024 * 1024


def _error(
    failure: wire.Failure, what: str, *, effect: bool, chat_id: str | None, me: bool
) -> AdapterError:
    """The adapter error for an ``ok: false`` answer or an HTTP error status."""
    detail = f"{what}: {failure.code}" + (f" {failure.description}" if failure.description else "")
    if failure.code >= 500:
        return (Ambiguous if effect else Transient)(detail)
    if failure.code == 429:
        return RateLimited(failure.retry_after) if failure.retry_after else RateLimited()
    if failure.auth or me:
        return AuthFailed(f"token rejected ({detail})")
    if failure.code == 403 and chat_id is not None:
        return Forbidden(chat_id, detail)
    return Rejected(detail)


class EitaaAdapter(Adapter):
    """An Eitaayar token: posts text and files to its channels, with Eitaa's send options."""

    messenger: ClassVar[str] = "eitaa"
    default_base_url: ClassVar[str] = wire.DEFAULT_BASE_URL
    capabilities: ClassVar[Capabilities] = Capabilities(
        receive=False,
        long_poll=False,
        poll_interval_s=0.0,  # never polled
        edit=False,
        delete=False,  # deleteMessage is in one unverified client only
        reply=True,
        files_send=True,
        files_receive=False,
        formatting="none",
        # Eitaa's limits are unpublished. Telegram's text length; for captions Telegram's
        # conservative 1024 (a longer one is better sent as a text post); 50 MB uploads.
        max_text=4096,
        max_caption=1024,
        max_upload_bytes=50 * MB,
        max_download_bytes=0,
        send_options=frozenset({"title", "schedule_at", "pin", "delete_after_views", "silent"}),
        rate_limits=EITAA,
    )

    # --- transport -----------------------------------------------------------------------

    def _url(self, method: str) -> str:
        token = self._token.reveal()
        if not token or any(c in token for c in "/?#") or token != token.strip():
            raise AuthFailed("the token has an invalid format")
        base = (self.spec.base_url or self.default_base_url).rstrip("/")
        return f"{base}/api/{token}/{method}"

    async def _call(
        self,
        http_method: str,
        method: str,
        *,
        effect: bool,
        chat_id: str | None = None,
        me: bool = False,
        **kwargs: Any,
    ) -> Any:
        error: AdapterError | None = None
        try:
            response = await http.request(
                self._client, http_method, self._url(method), effect=effect, what=method, **kwargs
            )
        except OSError as exc:  # a file being streamed could not be read: nothing was sent
            error = Rejected(f"{method}: cannot read the file ({exc.strerror or exc})")
        if error is not None:
            raise error
        log.debug("eitaa %s: HTTP %s", method, response.status_code)
        status = response.status_code
        if 200 <= status < 300:
            body = http.decode_json(response, effect=effect, what=method)
        else:
            body = self._lenient_json(response, method)
        try:
            result = wire.parse(status, body)
        except wire.WireError as exc:
            error = (Ambiguous if effect else Transient)(f"{method}: unreadable response ({exc})")
        if error is not None:
            raise error
        if isinstance(result, wire.Failure):
            raise _error(result, method, effect=effect, chat_id=chat_id, me=me)
        return result

    @staticmethod
    def _lenient_json(response: httpx.Response, what: str) -> Any:
        # An error status may come with an HTML page (a proxy): then the status alone counts.
        try:
            return http.decode_json(response, effect=False, what=what)
        except AdapterError:
            return None

    # --- operations ----------------------------------------------------------------------

    async def me(self) -> Identity:
        """``getMe`` (GET). Its result is undocumented: read leniently; any 4xx → AuthFailed."""
        result = await self._call("GET", "getMe", effect=False, me=True)
        try:
            return wire.identity(result)
        except wire.WireError:
            # ok: true means the token works; name the account as the user did.
            return Identity(id="", name=self.spec.name)

    async def poll(self, cursor: str | None, timeout_s: float) -> Batch:
        """Eitaayar cannot receive: always :class:`Unsupported` (the engine never asks)."""
        raise Unsupported("eitaa is send-only: Eitaayar has no way to receive messages")

    async def chat_info(self, chat_id: str) -> Chat:
        """No API to ask: the chat as configured, a channel titled by its username."""
        cid = wire.chat_id(chat_id)
        numeric = cid.lstrip("-").isdigit()
        return Chat(id=cid, kind="channel", title=cid, username=None if numeric else cid)

    async def send(
        self,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        entities: tuple[Span, ...] = (),
        options: SendOptions | None = None,
    ) -> Sent:
        """``sendMessage`` (form-encoded). ``entities`` are dropped: Eitaayar has no formatting."""
        cid = self._prepare(chat_id, options, reply_to)
        fields = {"chat_id": cid, "text": text, **wire.send_fields(options, reply_to)}
        result = await self._call("POST", "sendMessage", effect=True, chat_id=cid, data=fields)
        return self._sent(cid, result, options)

    async def send_file(
        self,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
        progress: Progress | None = None,
        options: SendOptions | None = None,
    ) -> Sent:
        """``sendFile``: multipart ``file`` plus the same fields as ``send`` (and ``caption``).

        ``options`` is an Eitaa extension of the contract's signature: the same send options
        apply to files. Name a GIF ``.gif`` and a sticker ``.webp``: Eitaa goes by the name.
        """
        cid = self._prepare(chat_id, options, reply_to)
        size = upload.file_size(path, self.capabilities.max_upload_bytes)
        fields = {"chat_id": cid, **wire.send_fields(options, reply_to)}
        if caption:
            fields["caption"] = caption
        body = upload.file_body(path, size, fields=fields, progress=progress)
        result = await self._call(
            "POST",
            "sendFile",
            effect=True,
            chat_id=cid,
            content=body.stream,
            headers=body.headers,
        )
        return self._sent(cid, result, options)

    def _prepare(self, chat_id: str, options: SendOptions | None, reply_to: str | None) -> str:
        """Refuse, before any request, what Eitaa cannot do or what makes no sense."""
        self.check_options(options, reply_to)
        cid = wire.chat_id(chat_id)
        if not cid:
            raise Rejected("no chat given")
        if options is not None:
            when = options.schedule_at
            if when is not None and (when.tzinfo is None or when.utcoffset() is None):
                raise Rejected("schedule_at must be timezone-aware")
            views = options.delete_after_views
            if views is not None and views <= 0:
                raise Rejected("delete_after_views must be a positive number")
        return cid

    @staticmethod
    def _sent(chat_id: str, result: Any, options: SendOptions | None) -> Sent:
        when = options.schedule_at if options is not None else None
        return Sent(
            chat_id,
            wire.message_id(result),
            date=when.astimezone(UTC) if when is not None else None,
            scheduled=when is not None,
        )
