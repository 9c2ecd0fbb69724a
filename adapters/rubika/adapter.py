"""The Rubika Bot API v3 adapter (reference: messenger-apis.md §5).

Every call is ``POST <base>/v3/<TOKEN>/<method>`` with a JSON object body (``{}`` when empty),
answered with HTTP 200 and a ``status``/``data`` envelope (errors too). ``base`` is the API's
root, as every adapter's is (CONTRACTS §2: the mock's base URL plus the API's real path):
``https://botapi.rubika.ir`` for real, ``http://127.0.0.1:PORT/rubika`` for the mock.

Receiving is a short poll: ``getUpdates(offset_id, limit)`` answers at once, the engine sleeps
:attr:`Capabilities.poll_interval_s` after an empty batch. The first poll sends no
``offset_id``: aiorubi instead builds a cursor from the server clock to skip the backlog, but
a bot API keeps no history, so the updates queued while Payam was not running are the only
copy the user will ever get; Payam wants them.

Updates carry ids only. Chat titles and sender names come from ``getChat``, cached per
adapter (:class:`~adapters.rubika.names.NameCache`). A failed lookup never costs an update:
the event goes out with an empty title, the id is retried on later polls, and a
:class:`~adapters.models.ChatSeen` carries the title once it is known.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx

from adapters import http, upload
from adapters.base import AccountSpec, Adapter, Capabilities, Progress, SendOptions
from adapters.errors import (
    AdapterError,
    Ambiguous,
    RateLimited,
    Rejected,
    Transient,
)
from adapters.models import (
    Batch,
    Chat,
    ChatRef,
    ChatSeen,
    Event,
    FileRef,
    Identity,
    MessageDeleted,
    MessageEdited,
    MessageNew,
    Sender,
    Sent,
    Span,
    Unparsed,
)
from adapters.ratelimit import RUBIKA
from adapters.rubika import transport, wire
from adapters.rubika.metadata import metadata_from_spans
from adapters.rubika.names import NameCache
from adapters.secret import Secret

log = logging.getLogger(__name__)

MB = 1024 * 1024


class RubikaAdapter(Adapter):
    """A Rubika bot account: receive, send, edit, delete, files both ways, metadata spans."""

    messenger: ClassVar[str] = "rubika"
    default_base_url: ClassVar[str] = wire.DEFAULT_BASE_URL
    capabilities: ClassVar[Capabilities] = Capabilities(
        receive=True,
        long_poll=False,
        # aiorubi sleeps 0.5 s. One second halves the idle requests of an always-on client
        # that may poll several accounts, and a message waits at most ~1 s longer.
        poll_interval_s=1.0,
        edit=True,
        delete=True,
        reply=True,
        files_send=True,
        files_receive=True,
        formatting="metadata",
        # No source gives Rubika's limits: Telegram's text length, and for captions the same
        # (sendFile's caption is the same ``text`` field as sendMessage's), and 50 MB each way.
        max_text=4096,
        max_caption=4096,
        max_upload_bytes=50 * MB,
        max_download_bytes=50 * MB,
        send_options=frozenset({"silent"}),  # disable_notification; nothing else exists
        rate_limits=RUBIKA,
    )

    POLL_LIMIT: ClassVar[int] = 100
    # One lookup at a time: a rate-limit answer must stop the next request, not race it.
    LOOKUP_CONCURRENCY: ClassVar[int] = 1
    # Failed name lookups retried per poll even when no update mentions the chat again.
    RETRY_PER_POLL: ClassVar[int] = 8
    MAX_PENDING: ClassVar[int] = 256

    def __init__(self, spec: AccountSpec, token: Secret, client: httpx.AsyncClient) -> None:
        super().__init__(spec, token, client)
        self._api = transport.RubikaApi(client, spec.base_url or self.default_base_url, token)
        self.names = NameCache()
        self._pending: OrderedDict[str, None] = OrderedDict()  # chats shown without a title
        self._lookups_paused_until = 0.0  # time.monotonic(): no getChat before this

    # --- identity and chats ----------------------------------------------------------------

    async def me(self) -> Identity:
        """``getMe``: the bot's id, title and username."""
        data = await self._api.call("getMe", {}, effect=False, me=True)
        return transport.answer(wire.identity, data, "getMe")

    async def chat_info(self, chat_id: str) -> Chat:
        """``getChat``: the chat's kind, title (a person's full name) and username."""
        data = await self._api.call("getChat", {"chat_id": chat_id}, effect=False)
        info = transport.answer(lambda d: wire.chat_info(d, chat_id), data, "getChat")
        self.names.put(chat_id, info)
        self._pending.pop(chat_id, None)
        return Chat(id=chat_id, kind=info.kind, title=info.title, username=info.username)

    # --- receiving ---------------------------------------------------------------------------

    async def poll(self, cursor: str | None, timeout_s: float) -> Batch:
        """One ``getUpdates``; returns at once (``timeout_s`` is for long-polling APIs).

        After a name lookup met ``TOO_REQUESTS`` (which Rubika does not scope to a method), the
        next poll raises :class:`RateLimited` for the rest of that wait instead of asking."""
        wait = self._lookups_paused_until - time.monotonic()
        if wait > 0:
            raise RateLimited(wait)
        payload: dict[str, Any] = {"limit": self.POLL_LIMIT}
        if cursor is not None:
            payload["offset_id"] = cursor
        data = await self._api.call("getUpdates", payload, effect=False)
        updates = data.get("updates") or []
        if not isinstance(updates, list):
            raise Transient("getUpdates: unexpected answer (updates is not a list)")
        next_id = data.get("next_offset_id")
        new_cursor = str(next_id) if isinstance(next_id, (str, int)) and next_id != "" else cursor

        received_at = datetime.now(UTC)
        items: list[wire.Parsed | Unparsed] = []
        for raw in updates:
            try:
                parsed = wire.parse_update(raw, received_at)
            except (wire.WireError, TypeError, ValueError, KeyError, AttributeError) as exc:
                # Poison: keep it raw for quarantine; the rest of the batch goes on.
                items.append(Unparsed(wire.dump(raw), str(exc)[:200], new_cursor))
                continue
            if parsed is not None:
                items.append(parsed)

        retried = await self._resolve_names(p for p in items if isinstance(p, wire.Parsed))
        events: list[Event] = [
            item if isinstance(item, Unparsed) else self._event(item) for item in items
        ]
        events.extend(ChatSeen(self._chat_ref(chat_id)) for chat_id in retried)
        return Batch(tuple(events), new_cursor)

    def _event(self, parsed: wire.Parsed) -> Event:
        chat = self._chat_ref(parsed.chat_id)
        if parsed.kind == "deleted":
            assert parsed.message_id is not None
            return MessageDeleted(chat, parsed.message_id)
        if parsed.kind == "seen" or parsed.message is None:
            return ChatSeen(chat)
        message = parsed.message
        if message.sender is not None:
            sender = self._sender(message.sender, chat, parsed.sender_type)
            message = replace(message, sender=sender)
        if parsed.kind == "edited":
            return MessageEdited(chat, message)
        return MessageNew(chat, message)

    def _chat_ref(self, chat_id: str) -> ChatRef:
        info = self.names.any(chat_id)
        if info is None:
            return ChatRef(chat_id, wire.kind_from_id(chat_id))
        return ChatRef(chat_id, info.kind, info.title, info.username)

    def _sender(self, sender: Sender, chat: ChatRef, sender_type: str | None) -> Sender:
        if _sender_is_chat(chat, sender_type):
            return Sender(sender.id, chat.title, chat.username, sender.is_bot)
        info = self.names.any(sender.id)
        if info is None:
            return sender
        return Sender(sender.id, info.title, info.username, sender.is_bot)

    async def _resolve_names(self, parsed: Iterable[wire.Parsed]) -> list[str]:
        """Look up unknown ids of this batch, and retry earlier failures.

        Returns the earlier failures that now have a name (each gets a ChatSeen).
        """
        batch = list(parsed)
        chat_ids = list(dict.fromkeys(p.chat_id for p in batch))
        in_batch = set(chat_ids)
        retry = [c for c in self._pending if c not in in_batch][: self.RETRY_PER_POLL]
        await self._lookup_all([*chat_ids, *retry])
        senders = [
            p.message.sender.id
            for p in batch
            if p.message is not None
            and p.message.sender is not None
            and not _sender_is_chat(self._chat_ref(p.chat_id), p.sender_type)
        ]
        await self._lookup_all(dict.fromkeys(senders), track=False)
        return [c for c in retry if c not in self._pending]

    async def _lookup_all(self, ids: Iterable[str], *, track: bool = True) -> None:
        todo = [i for i in dict.fromkeys(ids) if self.names.fresh(i) is None]
        if not todo:
            return
        gate = asyncio.Semaphore(self.LOOKUP_CONCURRENCY)
        # A rate limit met by an earlier poll's lookups still holds: ask nothing until it ends.
        state = {"limited": time.monotonic() < self._lookups_paused_until}

        async def one(chat_id: str) -> None:
            async with gate:
                if state["limited"]:
                    ok = False
                else:
                    ok = await self._lookup(chat_id, state)
            if ok:
                self._pending.pop(chat_id, None)
            elif track and self.names.any(chat_id) is None:
                self._pending[chat_id] = None
                self._pending.move_to_end(chat_id)
                while len(self._pending) > self.MAX_PENDING:
                    self._pending.popitem(last=False)

        await asyncio.gather(*(one(i) for i in todo))

    async def _lookup(self, chat_id: str, state: dict[str, bool]) -> bool:
        try:
            data = await self._api.call("getChat", {"chat_id": chat_id}, effect=False)
            self.names.put(chat_id, wire.chat_info(data, chat_id))
        except RateLimited as exc:
            # Stop asking, in this poll and until the wait is over: names are not worth a ban.
            state["limited"] = True
            self._lookups_paused_until = time.monotonic() + exc.retry_after_s
            return False
        except (AdapterError, wire.WireError) as exc:
            # AuthFailed included: getChat on an id the bot may not see can say
            # INVALID_ACCESS; a truly rejected token fails the next getUpdates anyway.
            log.debug("rubika getChat failed: %s", type(exc).__name__)
            return False
        return True

    # --- sending -----------------------------------------------------------------------------

    async def send(
        self,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        entities: tuple[Span, ...] = (),
        options: SendOptions | None = None,
    ) -> Sent:
        """``sendMessage``; ``entities`` go as ``metadata``, ``silent`` as disable_notification."""
        self.check_options(options, reply_to)
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_to is not None:
            payload["reply_to_message_id"] = str(reply_to)
        metadata = metadata_from_spans(text, entities)
        if metadata is not None:
            payload["metadata"] = metadata
        if options is not None and options.silent:
            payload["disable_notification"] = True
        data = await self._api.call("sendMessage", payload, effect=True)
        return Sent(chat_id, self._sent_id(data, "sendMessage"))

    async def edit(self, chat_id: str, message_id: str, text: str) -> None:
        """``editMessageText``."""
        payload = {"chat_id": chat_id, "message_id": str(message_id), "text": text}
        await self._api.call("editMessageText", payload, effect=True)

    async def delete(self, chat_id: str, message_id: str) -> None:
        """``deleteMessage``."""
        payload = {"chat_id": chat_id, "message_id": str(message_id)}
        await self._api.call("deleteMessage", payload, effect=True)

    @staticmethod
    def _sent_id(data: dict[str, Any], what: str) -> str:
        error: AdapterError | None = None
        try:
            return wire.message_id_of(data)
        except wire.WireError:
            # Processed, but we cannot tell which message it made: the contract's
            # "unparsable 200" case.
            error = Ambiguous(f"{what}: the answer has no message_id")
        raise error

    async def send_file(
        self,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
        progress: Progress | None = None,
    ) -> Sent:
        """The three steps: ``requestSendFile`` → POST the file to ``upload_url`` → ``sendFile``.

        Steps 1 and 2 change nothing anyone can see (an unused upload is just dropped), so
        their failures are :class:`Transient`; only ``sendFile`` can be :class:`Ambiguous`.
        """
        self.check_options(None, reply_to)
        size = upload.file_size(path, self.capabilities.max_upload_bytes)
        data = await self._api.call(
            "requestSendFile", {"type": wire.file_type(path.name)}, effect=False
        )
        upload_url = data.get("upload_url")
        if not isinstance(upload_url, str) or not upload_url:
            raise Transient("requestSendFile: the answer has no upload_url")
        file_id = await self._api.upload(self._api.absolute(upload_url), path, size, progress)
        payload: dict[str, Any] = {"chat_id": chat_id, "file_id": file_id}
        if caption:
            payload["text"] = caption
        if reply_to is not None:
            payload["reply_to_message_id"] = str(reply_to)
        data = await self._api.call("sendFile", payload, effect=True)
        return Sent(chat_id, self._sent_id(data, "sendFile"))

    # --- files -------------------------------------------------------------------------------

    async def download(self, file: FileRef, dest: Path, progress: Progress | None = None) -> Path:
        """``getFile`` → ``download_url``, then a plain GET (the URL carries no token)."""
        cap = self.capabilities.max_download_bytes
        if file.size is not None and file.size > cap:
            raise Rejected(f"download: the file is larger than {cap} bytes")
        data = await self._api.call("getFile", {"file_id": file.id}, effect=False)
        url = data.get("download_url")
        if not isinstance(url, str) or not url:
            raise Transient("getFile: the answer has no download_url")
        return await http.download_to(
            self._client,
            self._api.absolute(url),
            dest,
            what="download",
            max_bytes=cap,
            progress=progress,
            expected_size=file.size,
        )


def _sender_is_chat(chat: ChatRef, sender_type: str | None) -> bool:
    # In a private chat the person writing is the chat: its getChat already named them.
    return chat.kind == "private" and sender_type != "Bot" and bool(chat.title)
