"""An in-memory :class:`~tui.widgets.sources.ConversationSource` / ``SearchSource`` for the TUI
tests, recording every call and how many messages it served (the virtualisation tests read
that). A chat is either a list of messages or a generated one of any length (100,000 messages
cost nothing until asked for)."""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.base import Capabilities, SendOptions
from adapters.models import FileRef, Sender, Span
from adapters.ratelimit import RateLimits
from tui.engine.normalize import Snippet
from tui.engine.records import (
    ChatState,
    GapMarker,
    InboxEntry,
    OutboxItem,
    Page,
    SearchHit,
    StoredAttachment,
    StoredMessage,
)
from tui.engine.store_chats import UNSET

T0 = datetime(2025, 6, 21, 9, 0, tzinfo=UTC)
ALI = Sender("u1", "علی رضایی", "ali")
SARA = Sender("u2", "Sara", "sara")
MIXED_TEXTS = (
    "سلام دنیا",
    "Hello there, how are you?",
    "من از Python استفاده می\u200cکنم",
    "قیمت ۱۲۵۰۰ تومان است",
    "او (که دوست من است) آمد",
    "Telegram پیام\u200cرسان خوبی است",
)


def caps(**changes: Any) -> Capabilities:
    """Telegram-like capabilities, with changes."""
    base = Capabilities(
        receive=True,
        long_poll=True,
        poll_interval_s=0.0,
        edit=True,
        delete=True,
        reply=True,
        files_send=True,
        files_receive=True,
        formatting="entities",
        max_text=4096,
        max_caption=1024,
        max_upload_bytes=50 << 20,
        max_download_bytes=20 << 20,
        send_options=frozenset(),
        rate_limits=RateLimits(),
    )
    return replace(base, **changes)


def message(
    id: int,
    text: str = "",
    *,
    sender: Sender | None = ALI,
    outgoing: bool = False,
    minutes: float = 0,
    when: datetime | None = None,
    chat_id: str = "c1",
    account: str = "telegram:me",
    **more: Any,
) -> StoredMessage:
    """A stored message with sensible defaults (``minutes`` after :data:`T0`)."""
    return StoredMessage(
        id=id,
        account=account,
        chat_id=chat_id,
        msg_id=more.pop("msg_id", str(id)),
        sender=None if outgoing else sender,
        outgoing=outgoing,
        date=when or T0 + timedelta(minutes=minutes),
        text=text,
        reply_to=more.pop("reply_to", None),
        edited_at=more.pop("edited_at", None),
        deleted=more.pop("deleted", False),
        **more,
    )


def attachment(
    id: int, name: str, size: int = 123_456, local_path: str | None = None
) -> StoredAttachment:
    """A document attachment."""
    return StoredAttachment(
        id, "document", FileRef(f"f{id}", name, size), None, None, None, local_path
    )


class ChatData:
    """A chat's messages, oldest first, by index."""

    def __init__(self, messages: Sequence[StoredMessage] = ()) -> None:
        self.messages = sorted(messages, key=lambda m: m.id)

    def __len__(self) -> int:
        return len(self.messages)

    def at(self, index: int) -> StoredMessage:
        return self.messages[index]

    def position(self, message_id: int) -> int:
        """Index of the first message with id >= message_id."""
        return bisect_left([m.id for m in self.messages], message_id)

    def replace(self, new: StoredMessage) -> None:
        at = self.position(new.id)
        if at < len(self.messages) and self.messages[at].id == new.id:
            self.messages[at] = new
        else:
            self.messages.insert(at, new)

    def remove(self, message_id: int) -> None:
        self.messages = [m for m in self.messages if m.id != message_id]


class GeneratedChat(ChatData):
    """``count`` messages made on demand (id = index + 1, one every 37 s); edits overlay."""

    def __init__(self, count: int, chat_id: str = "big") -> None:
        super().__init__()
        self.count = count
        self.chat_id = chat_id
        self.overlay: dict[int, StoredMessage] = {}

    def __len__(self) -> int:
        return self.count + len([i for i in self.overlay if i > self.count])

    def at(self, index: int) -> StoredMessage:
        found = self.overlay.get(index + 1)
        if found is not None:
            return found
        text = f"{MIXED_TEXTS[index % len(MIXED_TEXTS)]} #{index}"
        return message(
            index + 1,
            text,
            sender=ALI if index % 3 else SARA,
            when=T0 + timedelta(seconds=37 * index),
            chat_id=self.chat_id,
        )

    def position(self, message_id: int) -> int:
        return max(0, min(message_id - 1, len(self)))

    def replace(self, new: StoredMessage) -> None:
        self.overlay[new.id] = new

    def remove(self, message_id: int) -> None:
        self.overlay.pop(message_id, None)


@dataclass
class FakeSource:
    """Chats in memory; ``calls`` records (method, arguments); ``served`` counts messages."""

    chats: dict[tuple[str, str], ChatData] = field(default_factory=dict)
    titles: dict[tuple[str, str], str] = field(default_factory=dict)
    states: dict[tuple[str, str], ChatState] = field(default_factory=dict)
    gap_markers: list[GapMarker] = field(default_factory=list)
    capability: Capabilities = field(default_factory=caps)
    hits: list[SearchHit] = field(default_factory=list)
    downloads_dir: Path = Path("/nonexistent")
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    served: int = 0
    fail: set[str] = field(default_factory=set)
    delay_s: float = 0.0
    next_id: int = 10_000_000

    def add_chat(
        self, account: str, chat_id: str, data: ChatData | Sequence[StoredMessage], title: str = ""
    ) -> None:
        """Add a chat."""
        self.chats[(account, chat_id)] = data if isinstance(data, ChatData) else ChatData(data)
        self.titles[(account, chat_id)] = title or chat_id

    async def _call(self, name: str, **args: Any) -> None:
        self.calls.append((name, args))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if name in self.fail:
            raise RuntimeError(f"{name} failed (fake)")

    def called(self, name: str) -> list[dict[str, Any]]:
        """The arguments of every call to ``name``."""
        return [a for n, a in self.calls if n == name]

    def _slice(self, data: ChatData, start: int, end: int) -> tuple[StoredMessage, ...]:
        out = tuple(data.at(i) for i in range(max(0, start), min(end, len(data))))
        self.served += len(out)
        return out

    # --- ConversationSource ------------------------------------------------------------------

    def chat(self, account: str, chat_id: str) -> InboxEntry | None:
        key = (account, chat_id)
        if key not in self.chats:
            return None
        return InboxEntry(
            account, account.split(":")[0], chat_id, "private", self.titles[key], None,
            None, 0, self.states.get(key, ChatState()), "", None, False, False, None,
        )  # fmt: skip

    async def capabilities(self, account: str) -> Capabilities:
        await self._call("capabilities", account=account)
        return self.capability

    async def page(
        self,
        account: str,
        chat_id: str,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> Page:
        await self._call("page", before=before, after=after, limit=limit)
        data = self.chats[(account, chat_id)]
        if after is not None:
            start = data.position(after + 1)
            got = self._slice(data, start, start + limit)
            return Page(got, has_older=start > 0, has_newer=start + limit < len(data))
        end = len(data) if before is None else data.position(before)
        got = self._slice(data, end - limit, end)
        return Page(got, has_older=end - limit > 0, has_newer=end < len(data))

    async def page_around(
        self,
        account: str,
        chat_id: str,
        *,
        message: int | None = None,
        msg_id: str | None = None,
        limit: int = 50,
    ) -> Page:
        await self._call("page_around", message=message, msg_id=msg_id, limit=limit)
        data = self.chats[(account, chat_id)]
        if message is None:
            found = await self.message(account, chat_id, msg_id or "")
            if found is None:
                raise LookupError(f"message {msg_id} is not in the stored history of this chat")
            message = found.id
        at = data.position(message)
        start = max(0, at - limit // 2)
        got = self._slice(data, start, start + limit)
        return Page(got, has_older=start > 0, has_newer=start + limit < len(data))

    async def message(self, account: str, chat_id: str, msg_id: str) -> StoredMessage | None:
        await self._call("message", msg_id=msg_id)
        data = self.chats[(account, chat_id)]
        if isinstance(data, GeneratedChat) and msg_id.isdigit():
            index = int(msg_id) - 1
            return data.at(index) if 0 <= index < len(data) else None
        return next((m for m in data.messages if m.msg_id == msg_id), None)

    async def message_by_id(self, message: int) -> StoredMessage | None:
        await self._call("message_by_id", message=message)
        for data in self.chats.values():
            at = data.position(message)
            if at < len(data) and data.at(at).id == message:
                return data.at(at)
        return None

    async def gaps(self, account: str, chat_id: str | None = None) -> list[GapMarker]:
        await self._call("gaps")
        return [g for g in self.gap_markers if g.chat_id in (None, chat_id)]

    async def mark_read(self, account: str, chat_id: str, up_to: int | None = None) -> int:
        await self._call("mark_read", up_to=up_to)
        key = (account, chat_id)
        self.states[key] = replace(self.states.get(key, ChatState()), read_up_to=up_to or 0)
        return 0

    async def chat_state(self, account: str, chat_id: str) -> ChatState:
        await self._call("chat_state")
        return self.states.get((account, chat_id), ChatState())

    async def set_chat_state(
        self,
        account: str,
        chat_id: str,
        *,
        direction: Any = UNSET,
        muted: Any = UNSET,
        pinned: Any = UNSET,
        draft: Any = UNSET,
    ) -> ChatState:
        changes = {
            k: v
            for k, v in {
                "direction": direction,
                "muted": muted,
                "pinned": pinned,
                "draft": draft,
            }.items()
            if v is not UNSET
        }
        await self._call("set_chat_state", **changes)
        key = (account, chat_id)
        self.states[key] = replace(self.states.get(key, ChatState()), **changes)
        return self.states[key]

    def _echo(
        self, account: str, chat_id: str, text: str, reply_to: str | None, **more: Any
    ) -> StoredMessage:
        self.next_id += 1
        uuid = f"uuid-{self.next_id}"
        data = self.chats[(account, chat_id)]
        last = data.at(len(data) - 1).date if len(data) else T0
        echo = message(
            self.next_id, text, outgoing=True, when=last + timedelta(seconds=30),
            chat_id=chat_id, account=account, msg_id=f"local:{uuid}", reply_to=reply_to,
            delivery="queued", client_uuid=uuid, **more,
        )  # fmt: skip
        data.replace(echo)
        return echo

    def _item(
        self, echo: StoredMessage, op: str = "text", options: SendOptions | None = None
    ) -> OutboxItem:
        return OutboxItem(
            1, echo.client_uuid or "", echo.account, echo.chat_id, "private", op,  # type: ignore[arg-type]
            echo.text, None, echo.reply_to, echo.id, "g", 1, 1, "queued", 0, echo.date, "",
            None, echo.date, echo.date, options,
        )  # fmt: skip

    async def send_text(
        self,
        account: str,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        options: SendOptions | None = None,
    ) -> list[OutboxItem]:
        await self._call("send_text", text=text, reply_to=reply_to, options=options)
        return [self._item(self._echo(account, chat_id, text, reply_to), options=options)]

    async def send_file(
        self,
        account: str,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
    ) -> list[OutboxItem]:
        await self._call("send_file", path=path, caption=caption, reply_to=reply_to)
        att = attachment(self.next_id + 1, path.name, path.stat().st_size, str(path))  # noqa: ASYNC240
        return [
            self._item(self._echo(account, chat_id, caption, reply_to, attachments=(att,)), "file")
        ]

    async def edit(self, account: str, chat_id: str, message: int, text: str) -> OutboxItem | None:
        await self._call("edit", message=message, text=text)
        found = await self.message_by_id(message)
        assert found is not None
        self.chats[(account, chat_id)].replace(replace(found, text=text, edited_at=found.date))
        return None

    async def delete(self, account: str, chat_id: str, message: int) -> OutboxItem | None:
        await self._call("delete", message=message)
        found = await self.message_by_id(message)
        assert found is not None
        self.chats[(account, chat_id)].replace(replace(found, deleted=True))
        return None

    def _by_uuid(self, client_uuid: str) -> tuple[ChatData, StoredMessage] | None:
        for data in self.chats.values():
            for m in data.messages:
                if m.client_uuid == client_uuid:
                    return data, m
        return None

    async def resend(self, client_uuid: str) -> OutboxItem:
        await self._call("resend", client_uuid=client_uuid)
        found = self._by_uuid(client_uuid)
        assert found is not None
        data, m = found
        data.replace(replace(m, delivery="queued"))
        return self._item(m)

    async def discard(self, client_uuid: str) -> None:
        await self._call("discard", client_uuid=client_uuid)
        found = self._by_uuid(client_uuid)
        if found is not None:
            found[0].remove(found[1].id)

    async def download(
        self, attachment_id: int, *, progress: Callable[[int, int], None] | None = None
    ) -> Path:
        await self._call("download", attachment_id=attachment_id)
        for data in self.chats.values():
            for m in data.messages:
                for att in m.attachments:
                    if att.id == attachment_id:
                        total = att.file.size or 100
                        for done in (total // 4, total // 2, total):
                            if progress is not None:
                                progress(done, total)
                            await asyncio.sleep(0)
                        path = self.downloads_dir / att.file.name
                        new = replace(att, local_path=str(path))
                        others = tuple(new if a.id == att.id else a for a in m.attachments)
                        data.replace(replace(m, attachments=others))
                        return path
        raise LookupError(f"no attachment {attachment_id}")

    # --- SearchSource --------------------------------------------------------------------------

    async def search(
        self,
        query: str,
        *,
        accounts: Sequence[str] = (),
        chat: tuple[str, str] | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[SearchHit]:
        await self._call("search", query=query, before=before, limit=limit)
        words = query.split()
        found = [
            hit(h.message, h.chat_title, terms=words)
            for h in self.hits
            if words and all(w in h.message.text for w in words)
        ]
        found.sort(key=lambda h: h.message.id, reverse=True)
        if before is not None:
            found = [h for h in found if h.message.id < before]
        return found[:limit]


def hit(
    msg: StoredMessage, title: str, *, terms: Sequence[str], window: tuple[int, int] | None = None
) -> SearchHit:
    """A search hit whose highlights are every occurrence of ``terms`` in the message text."""
    text = msg.text
    highlights = []
    for term in terms:
        start = text.find(term)
        while start >= 0:
            highlights.append((start, start + len(term)))
            start = text.find(term, start + 1)
    start, end = window or (0, len(text))
    return SearchHit(msg, title, "private", Snippet(start, end, tuple(sorted(highlights))))


__all__ = [
    "ALI",
    "SARA",
    "T0",
    "FakeSource",
    "GeneratedChat",
    "Span",
    "attachment",
    "caps",
    "hit",
    "message",
]
