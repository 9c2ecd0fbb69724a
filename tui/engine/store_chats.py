"""Chats and what hangs off them: per-chat state, read markers, gaps, quarantine, files."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Literal

from adapters.models import FileRef
from tui.engine.clock import from_ms, to_ms
from tui.engine.records import ChatState, Direction, GapMarker, Quarantined, StoredAttachment
from tui.engine.store_core import StoreCore


class _Unset(Enum):
    UNSET = 0


UNSET = _Unset.UNSET
"""Marks a per-chat setting that :meth:`ChatOps.set_chat_state` leaves as it is."""
Keep = Literal[_Unset.UNSET]


class ChatOps(StoreCore):
    """Per-chat state (direction, mute, pin, draft, read marker) and chat-level records."""

    def ensure_chat(
        self,
        account: str,
        chat_id: str,
        *,
        kind: str | None = None,
        title: str = "",
        username: str | None = None,
    ) -> None:
        """Make a chat known, or update what is known of it (kind, a non-empty title).

        Call it (from ``chat_info``) before sending into a chat sync has never seen: the
        outbox paces by the chat's kind, and a chat it creates itself is taken as private.
        """
        with self.write() as c:
            aid = self._account_id(c, account, create=True)
            c.execute(
                "INSERT INTO chats (account, chat_id, kind, title, username) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, chat_id) DO UPDATE SET "
                "title = CASE WHEN excluded.title != '' THEN excluded.title ELSE title END, "
                "username = coalesce(excluded.username, username), "
                "kind = CASE WHEN ? THEN excluded.kind ELSE kind END",
                (aid, chat_id, kind or "private", title, username, kind is not None),
            )

    # --- per-chat state ----------------------------------------------------------------

    def chat_state(self, account: str, chat_id: str) -> ChatState:
        """What the user set on a chat (defaults when nothing was set)."""
        with self.read() as c:
            pk = self._chat_pk(c, account, chat_id)
            r = c.execute(
                "SELECT direction, muted, pinned, draft, read_up_to FROM chat_state WHERE chat = ?",
                (pk,),
            ).fetchone()
        return ChatState() if r is None else ChatState(r[0], bool(r[1]), bool(r[2]), r[3], r[4])

    def set_chat_state(
        self,
        account: str,
        chat_id: str,
        *,
        direction: Direction | Keep | None = UNSET,
        muted: bool | Keep = UNSET,
        pinned: bool | Keep = UNSET,
        draft: str | Keep = UNSET,
    ) -> ChatState:
        """Change some of a chat's settings (those not given stay); returns the new state."""
        changes = {
            k: v
            for k, v in (
                ("direction", direction),
                ("muted", muted),
                ("pinned", pinned),
                ("draft", draft),
            )
            if v is not UNSET
        }
        with self.write() as c:
            pk = self._chat_pk(c, account, chat_id)
            c.execute(
                "INSERT INTO chat_state (chat) VALUES (?) ON CONFLICT (chat) DO NOTHING", (pk,)
            )
            for column, value in changes.items():  # column names from the fixed tuple above
                stored = int(bool(value)) if column in ("muted", "pinned") else value
                c.execute(f"UPDATE chat_state SET {column} = ? WHERE chat = ?", (stored, pk))  # noqa: S608
        return self.chat_state(account, chat_id)

    def mark_read(self, account: str, chat_id: str, up_to: int | None = None) -> int:
        """Move the read marker to message ``up_to`` (default: the newest); returns unread."""
        with self.write() as c:
            pk = self._chat_pk(c, account, chat_id)
            last = c.execute(
                "SELECT coalesce(max(id), 0) FROM messages WHERE chat = ?", (pk,)
            ).fetchone()[0]
            target = last if up_to is None else min(up_to, last)
            c.execute(
                "INSERT INTO chat_state (chat, read_up_to) VALUES (?, ?) "
                "ON CONFLICT (chat) DO UPDATE SET read_up_to = "
                "max(read_up_to, excluded.read_up_to)",
                (pk, target),
            )
            marker = c.execute(
                "SELECT read_up_to FROM chat_state WHERE chat = ?", (pk,)
            ).fetchone()[0]
            unread = c.execute(
                "SELECT count(*) FROM messages WHERE chat = ? AND id > ? "
                "AND outgoing = 0 AND deleted = 0",
                (pk, marker),
            ).fetchone()[0]
            c.execute("UPDATE chats SET unread = ? WHERE id = ?", (unread, pk))
            return int(unread)

    # --- gaps, quarantine, attachments -------------------------------------------------

    def gaps(self, account: str | None = None, chat_id: str | None = None) -> list[GapMarker]:
        """Gap markers, oldest first; with ``chat_id``, those for that chat or all chats."""
        sql = (
            "SELECT g.id, a.key, ch.chat_id, g.kind, g.since, g.at, g.reason FROM gaps g "
            "JOIN accounts a ON a.id = g.account LEFT JOIN chats ch ON ch.id = g.chat"
        )
        where, params = [], []
        if account is not None:
            where.append("a.key = ?")
            params.append(account)
        if chat_id is not None:
            where.append("(g.chat IS NULL OR ch.chat_id = ?)")
            params.append(chat_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [
            GapMarker(
                r[0],
                r[1],
                r[2],
                r[3],
                from_ms(r[4]) if r[4] is not None else None,
                from_ms(r[5]),
                r[6],
            )
            for r in self.query(sql + " ORDER BY g.at, g.id", params)
        ]

    def quarantined(self, account: str | None = None, limit: int = 100) -> list[Quarantined]:
        """Poison updates, newest first."""
        sql = (
            "SELECT q.id, a.key, q.at, q.error, q.raw, q.cursor_hint FROM quarantine q "
            "JOIN accounts a ON a.id = q.account"
        )
        params: list[Any] = []
        if account is not None:
            sql += " WHERE a.key = ?"
            params.append(account)
        rows = self.query(sql + " ORDER BY q.id DESC LIMIT ?", [*params, limit])
        return [Quarantined(r[0], r[1], from_ms(r[2]), r[3], bytes(r[4]), r[5]) for r in rows]

    def attachment(self, attachment_id: int) -> tuple[str, str, StoredAttachment] | None:
        """(account, chat_id, attachment) for an attachment id."""
        rows = self.query(
            "SELECT a.key, ch.chat_id, t.id, t.kind, t.file_id, t.name, t.size, t.mime, "
            "t.file_unique_id, t.width, t.height, t.duration_s, t.local_path FROM attachments t "
            "JOIN messages m ON m.id = t.message JOIN chats ch ON ch.id = m.chat "
            "JOIN accounts a ON a.id = ch.account WHERE t.id = ?",
            (attachment_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return (
            r[0],
            r[1],
            StoredAttachment(
                r[2], r[3], FileRef(r[4], r[5], r[6], r[7], r[8]), r[9], r[10], r[11], r[12]
            ),
        )

    def set_attachment_path(self, attachment_id: int, path: str, at: datetime) -> None:
        """Record where a downloaded file now lives."""
        with self.write() as c:
            c.execute(
                "UPDATE attachments SET local_path = ?, downloaded_at = ? WHERE id = ?",
                (path, to_ms(at), attachment_id),
            )
