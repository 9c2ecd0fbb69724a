"""Row-level helpers shared by the store's modules (all run inside the caller's transaction)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from adapters.models import Attachment, Message
from tui.engine.normalize import normalize


def fts_insert(c: sqlite3.Connection, mid: int, text: str) -> None:
    """Index the folded copy of ``text`` under message ``mid``."""
    if text:
        c.execute("INSERT INTO messages_fts (rowid, body) VALUES (?, ?)", (mid, normalize(text)))


def fts_delete(c: sqlite3.Connection, mid: int, text: str) -> None:
    """Remove message ``mid`` from the (contentless) index: it needs the same folded terms."""
    if text:
        c.execute(
            "INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', ?, ?)",
            (mid, normalize(text)),
        )


def alloc_message_id(c: sqlite3.Connection, date_ms: int) -> int:
    """The next free sort key for a message dated ``date_ms``: ``(date_ms << 12) | seq``."""
    base = max(0, date_ms) << 12
    while True:
        top = c.execute(
            "SELECT max(id) FROM messages WHERE id >= ? AND id < ?", (base, base + 4096)
        ).fetchone()[0]
        if top is None:
            return base
        if top + 1 < base + 4096:
            return int(top) + 1
        base += 4096  # 4096 messages in one millisecond: spill into the next one


def to_ms_delta(delta: timedelta) -> int:
    """A timedelta in whole milliseconds."""
    return int(delta.total_seconds() * 1000)


def write_spans(c: sqlite3.Connection, mid: int, m: Message) -> None:
    """Store a message's formatting spans."""
    c.executemany(
        "INSERT INTO spans (message, idx, start, end, kind, url, user_id, language) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (mid, i, s.start, s.end, s.kind, s.url, s.user_id, s.language)
            for i, s in enumerate(m.spans)
        ],
    )


def write_attachments(
    c: sqlite3.Connection,
    mid: int,
    attachments: tuple[Attachment, ...],
    local_path: str | None = None,
) -> None:
    """Store attachment metadata (the files are fetched on demand)."""
    c.executemany(
        "INSERT INTO attachments (message, idx, kind, file_id, file_unique_id, name, size, mime, "
        "width, height, duration_s, local_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                mid,
                i,
                a.kind,
                a.file.id,
                a.file.unique_id,
                a.file.name,
                a.file.size,
                a.file.mime,
                a.width,
                a.height,
                a.duration_s,
                local_path,
            )
            for i, a in enumerate(attachments)
        ],
    )


def refresh_preview(c: sqlite3.Connection, chat: int) -> None:
    """Copy the chat's newest message (``last_msg``) into its inbox preview columns."""
    c.execute(
        "UPDATE chats SET preview = coalesce(substr(m.text, 1, 100), ''), "
        "preview_sender = m.sender_name, preview_outgoing = m.outgoing, "
        "preview_deleted = m.deleted FROM messages m WHERE m.id = chats.last_msg AND chats.id = ?",
        (chat,),
    )


def refresh_chat(c: sqlite3.Connection, chat: int) -> None:
    """Recompute a chat's newest message, activity time and preview from its messages."""
    c.execute(
        "UPDATE chats SET last_msg = (SELECT max(id) FROM messages WHERE chat = ?1), "
        "last_ts = (SELECT date FROM messages WHERE chat = ?1 ORDER BY id DESC LIMIT 1) "
        "WHERE id = ?1",
        (chat,),
    )
    refresh_preview(c, chat)
