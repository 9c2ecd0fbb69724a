"""The outbox's rows: enqueue with the local echo, claim, finish, recover, resend, discard.

A row and its local echo are written in one transaction, so a send the user saw is a send
that will be attempted. Rows are claimed with a compare-and-set (``state = 'queued'`` →
``'sending'``) inside ``BEGIN IMMEDIATE``: two deliverers, in two processes, can race for the
same row and exactly one wins. Order: within a chat, a row is not eligible while an earlier row
of that chat is still queued or sending, and a part of a long text waits while an earlier part
of it is failed or unknown (the user resends or discards that part first).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from adapters.base import SendOptions
from adapters.models import Attachment, FileRef
from tui.engine.clock import from_ms, to_ms
from tui.engine.records import OutboxItem, OutboxState
from tui.engine.sqlrows import (
    alloc_message_id,
    fts_delete,
    fts_insert,
    refresh_chat,
    write_attachments,
)
from tui.engine.store_core import StoreCore, StoreError

ITEM_COLS = (
    "o.id, o.client_uuid, a.key, ch.chat_id, ch.kind, o.op, o.body, o.file_path, o.reply_to, "
    "o.message, o.group_uuid, o.part, o.parts, o.state, o.attempts, o.next_try_at, o.error, "
    "o.server_msg_id, o.created_at, o.updated_at, o.options"
)
ITEM_FROM = "outbox o JOIN chats ch ON ch.id = o.chat JOIN accounts a ON a.id = o.account"
# Both subqueries name the account and the states first, so that they search the
# (account, state, chat, id) index instead of walking every older row by rowid: without that,
# each call cost O(queued x sent) and a deliverer with 1,000 rows spent ~10 ms per call.
ELIGIBLE = (
    "o.state = 'queued' AND NOT EXISTS (SELECT 1 FROM outbox e "
    "WHERE e.account = o.account AND e.state IN ('queued', 'sending') AND e.chat = o.chat "
    "AND e.id < o.id) AND NOT EXISTS (SELECT 1 FROM outbox g "
    "WHERE g.account = o.account AND g.state IN ('failed', 'unknown') "
    "AND g.group_uuid = o.group_uuid AND g.part < o.part)"
)


def encode_options(options: SendOptions | None) -> str | None:
    """Send options as stored in ``outbox.options`` (JSON; None when nothing is set)."""
    if options is None or not options.used():
        return None
    data: dict[str, Any] = {
        "title": options.title,
        "schedule_at": options.schedule_at.isoformat() if options.schedule_at else None,
        "pin": options.pin,
        "delete_after_views": options.delete_after_views,
        "silent": options.silent,
    }
    return json.dumps({k: v for k, v in data.items() if v not in (None, False)})


def decode_options(raw: str | None) -> SendOptions | None:
    """The inverse of :func:`encode_options`."""
    if not raw:
        return None
    data = json.loads(raw)
    at = data.get("schedule_at")
    return SendOptions(
        title=data.get("title"),
        schedule_at=datetime.fromisoformat(at) if at else None,
        pin=bool(data.get("pin", False)),
        delete_after_views=data.get("delete_after_views"),
        silent=bool(data.get("silent", False)),
    )


def part_options(options: SendOptions | None, part: int) -> SendOptions | None:
    """The options a part of a split text carries: all of them on the first part; only
    ``silent`` on the rest (one title, one pin, one schedule per message the user wrote)."""
    if options is None or part == 1:
        return options
    return SendOptions(silent=True) if options.silent else None


def row_to_item(r: Sequence[Any]) -> OutboxItem:
    return OutboxItem(
        id=r[0],
        client_uuid=r[1],
        account=r[2],
        chat_id=r[3],
        chat_kind=r[4],
        op=r[5],
        body=r[6],
        file_path=r[7],
        reply_to=r[8],
        message=r[9],
        group_uuid=r[10],
        part=r[11],
        parts=r[12],
        state=r[13],
        attempts=r[14],
        next_try_at=from_ms(r[15]),
        error=r[16],
        server_msg_id=r[17],
        created_at=from_ms(r[18]),
        updated_at=from_ms(r[19]),
        options=decode_options(r[20]),
    )


class OutboxOps(StoreCore):
    """Outbox rows (the deliverer is :class:`tui.engine.outbox.Outbox`)."""

    def _chat_row(self, c: sqlite3.Connection, account: str, chat_id: str) -> tuple[int, int]:
        aid = self._account_id(c, account, create=True)
        row = c.execute(
            "SELECT id FROM chats WHERE account = ? AND chat_id = ?", (aid, chat_id)
        ).fetchone()
        if row is None:
            cur = c.execute("INSERT INTO chats (account, chat_id) VALUES (?, ?)", (aid, chat_id))
            return aid, int(cur.lastrowid or 0)
        return aid, int(row[0])

    def _echo(
        self,
        c: sqlite3.Connection,
        chat: int,
        text: str,
        client_uuid: str,
        reply_to: str | None,
        now_ms: int,
    ) -> int:
        mid = alloc_message_id(c, now_ms)
        c.execute(
            "INSERT INTO messages (id, chat, msg_id, outgoing, date, text, reply_to) "
            "VALUES (?, ?, ?, 1, ?, ?, ?)",
            (mid, chat, f"local:{client_uuid}", now_ms, text, reply_to),
        )
        fts_insert(c, mid, text)
        refresh_chat(c, chat)
        return mid

    def _row(
        self,
        c: sqlite3.Connection,
        aid: int,
        chat: int,
        op: str,
        body: str,
        *,
        now_ms: int,
        group: str,
        part: int,
        parts: int,
        message: int | None,
        reply_to: str | None = None,
        file_path: str | None = None,
        client_uuid: str | None = None,
        options: SendOptions | None = None,
    ) -> str:
        client_uuid = client_uuid or str(uuid.uuid4())
        c.execute(
            "INSERT INTO outbox (client_uuid, account, chat, op, body, file_path, reply_to, "
            "message, group_uuid, part, parts, next_try_at, created_at, updated_at, options) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                client_uuid,
                aid,
                chat,
                op,
                body,
                file_path,
                reply_to,
                message,
                group,
                part,
                parts,
                now_ms,
                now_ms,
                now_ms,
                encode_options(options),
            ),
        )
        return client_uuid

    def enqueue_text(
        self,
        account: str,
        chat_id: str,
        parts: Sequence[str],
        *,
        now: datetime,
        reply_to: str | None = None,
        options: SendOptions | None = None,
    ) -> list[OutboxItem]:
        """Queue a text (already split into parts, in order) with one local echo per part.

        ``options`` (checked against the messenger's capabilities by the caller) go with the
        first part; later parts keep only ``silent``."""
        if not parts or not all(parts):
            raise StoreError("nothing to send")
        now_ms = to_ms(now)
        group = str(uuid.uuid4())
        uuids: list[str] = []
        with self.write() as c:
            aid, chat = self._chat_row(c, account, chat_id)
            for i, text in enumerate(parts, 1):
                client_uuid = str(uuid.uuid4())
                echo = self._echo(c, chat, text, client_uuid, reply_to if i == 1 else None, now_ms)
                uuids.append(
                    self._row(
                        c,
                        aid,
                        chat,
                        "text",
                        text,
                        now_ms=now_ms,
                        group=group,
                        part=i,
                        parts=len(parts),
                        message=echo,
                        reply_to=reply_to if i == 1 else None,
                        client_uuid=client_uuid,
                        options=part_options(options, i),
                    )
                )
        return [self._get(u) for u in uuids]

    def enqueue_file(
        self,
        account: str,
        chat_id: str,
        path: Path,
        caption_parts: Sequence[str],
        *,
        now: datetime,
        reply_to: str | None = None,
        kind: str = "document",
    ) -> list[OutboxItem]:
        """Queue a file (its caption's first part rides with it; the rest follow as texts)."""
        now_ms = to_ms(now)
        group = str(uuid.uuid4())
        parts = list(caption_parts) or [""]
        size = path.stat().st_size if path.exists() else None
        uuids: list[str] = []
        with self.write() as c:
            aid, chat = self._chat_row(c, account, chat_id)
            for i, text in enumerate(parts, 1):
                client_uuid = str(uuid.uuid4())
                echo = self._echo(c, chat, text, client_uuid, reply_to if i == 1 else None, now_ms)
                if i == 1:
                    ref = FileRef(id=f"local:{client_uuid}", name=path.name, size=size)
                    write_attachments(c, echo, (Attachment(kind, ref),), local_path=str(path))
                uuids.append(
                    self._row(
                        c,
                        aid,
                        chat,
                        "file" if i == 1 else "text",
                        text,
                        now_ms=now_ms,
                        group=group,
                        part=i,
                        parts=len(parts),
                        message=echo,
                        reply_to=reply_to if i == 1 else None,
                        file_path=str(path) if i == 1 else None,
                        client_uuid=client_uuid,
                    )
                )
        return [self._get(u) for u in uuids]

    def _own_unsent(self, c: sqlite3.Connection, mid: int) -> tuple[str, str] | None:
        row = c.execute(
            "SELECT client_uuid, state FROM outbox WHERE message = ? AND op IN ('text', 'file')",
            (mid,),
        ).fetchone()
        if row is None or row[1] == "sent":
            return None
        return row[0], row[1]

    def enqueue_edit(
        self, account: str, chat_id: str, message: int, text: str, *, now: datetime
    ) -> OutboxItem | None:
        """Queue an edit of message ``message`` (a store id). An own message not yet sent is
        changed in place instead (None is returned): nothing needs to reach the server."""
        now_ms = to_ms(now)
        with self.write() as c:
            aid, chat = self._chat_row(c, account, chat_id)
            old = c.execute(
                "SELECT text FROM messages WHERE id = ? AND chat = ?", (message, chat)
            ).fetchone()
            if old is None:
                raise StoreError("no such message in that chat")
            unsent = self._own_unsent(c, message)
            if unsent is not None:
                if unsent[1] != "queued" and unsent[1] != "failed":
                    raise StoreError(f"the message is {unsent[1]}: it cannot be edited yet")
                c.execute(
                    "UPDATE outbox SET body = ?, updated_at = ? WHERE client_uuid = ?",
                    (text, now_ms, unsent[0]),
                )
                fts_delete(c, message, old[0])
                c.execute("UPDATE messages SET text = ? WHERE id = ?", (text, message))
                fts_insert(c, message, text)
                refresh_chat(c, chat)
                return None
            u = self._row(
                c,
                aid,
                chat,
                "edit",
                text,
                now_ms=now_ms,
                group=str(uuid.uuid4()),
                part=1,
                parts=1,
                message=message,
            )
        return self._get(u)

    def enqueue_delete(
        self, account: str, chat_id: str, message: int, *, now: datetime
    ) -> OutboxItem | None:
        """Queue a delete; an own message never sent is discarded locally instead (None)."""
        with self.write() as c:
            aid, chat = self._chat_row(c, account, chat_id)
            unsent = self._own_unsent(c, message)
            if unsent is not None:
                if unsent[1] == "sending" or unsent[1] == "unknown":
                    raise StoreError(f"the message is {unsent[1]}: delete it once it is known")
                self._discard(c, unsent[0])
                return None
            u = self._row(
                c,
                aid,
                chat,
                "delete",
                "",
                now_ms=to_ms(now),
                group=str(uuid.uuid4()),
                part=1,
                parts=1,
                message=message,
            )
        return self._get(u)

    # --- the user's actions ------------------------------------------------------------

    def outbox_resend(self, client_uuid: str, now: datetime) -> OutboxItem:
        """failed | unknown → queued: the user decided to try again."""
        with self.write() as c:
            cur = c.execute(
                "UPDATE outbox SET state = 'queued', next_try_at = ?, error = '', "
                "updated_at = ? WHERE client_uuid = ? AND state IN "
                "('failed', 'unknown')",
                (to_ms(now), to_ms(now), client_uuid),
            )
            if cur.rowcount != 1:
                raise StoreError("only a failed or unknown send can be sent again")
        return self._get(client_uuid)

    def outbox_discard(self, client_uuid: str) -> None:
        """Drop a queued, failed or unknown row, and its local echo."""
        with self.write() as c:
            self._discard(c, client_uuid)

    def _discard(self, c: sqlite3.Connection, client_uuid: str) -> None:
        row = c.execute(
            "SELECT id, op, message, state, chat FROM outbox WHERE client_uuid = ?", (client_uuid,)
        ).fetchone()
        if row is None:
            raise StoreError("no such outbox row")
        row_id, op, message, state, chat = row
        if state in ("sending", "sent"):
            raise StoreError(f"a {state} row cannot be discarded")
        c.execute("DELETE FROM outbox WHERE id = ?", (row_id,))
        if op in ("text", "file") and message is not None:
            text = c.execute("SELECT text FROM messages WHERE id = ?", (message,)).fetchone()
            if text is not None:
                fts_delete(c, message, text[0])
                c.execute("DELETE FROM messages WHERE id = ?", (message,))
                refresh_chat(c, chat)

    def outbox(
        self, account: str | None = None, states: Sequence[OutboxState] = ()
    ) -> list[OutboxItem]:
        """Rows, oldest first, optionally of one account and some states."""
        where, params = [], []
        if account is not None:
            where.append("a.key = ?")
            params.append(account)
        if states:
            where.append(f"o.state IN ({','.join('?' * len(states))})")
            params.extend(states)
        sql = f"SELECT {ITEM_COLS} FROM {ITEM_FROM}"  # noqa: S608
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [row_to_item(r) for r in self.query(sql + " ORDER BY o.id", params)]

    def outbox_item(self, client_uuid: str) -> OutboxItem | None:
        """One row by its client uuid."""
        rows = self.query(
            f"SELECT {ITEM_COLS} FROM {ITEM_FROM} WHERE o.client_uuid = ?",  # noqa: S608
            (client_uuid,),
        )
        return row_to_item(rows[0]) if rows else None

    def _get(self, client_uuid: str) -> OutboxItem:
        item = self.outbox_item(client_uuid)
        if item is None:
            raise StoreError("outbox row vanished")
        return item
