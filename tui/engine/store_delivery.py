"""The deliverer's side of the outbox: eligible rows, claims, outcomes, crash recovery.

Claims are a compare-and-set (``state = 'queued'`` → ``'sending'``) inside ``BEGIN IMMEDIATE``:
two deliverers, in two processes, can race for the same row and exactly one wins.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from adapters.models import Sent
from tui.engine.clock import from_ms, to_ms
from tui.engine.records import OutboxItem, OutboxState
from tui.engine.sqlrows import fts_delete, fts_insert, refresh_chat
from tui.engine.store_core import StoreCore, StoreError
from tui.engine.store_outbox import ELIGIBLE, ITEM_COLS, ITEM_FROM, row_to_item


class DeliveryOps(StoreCore):
    """What :class:`tui.engine.outbox.Outbox` calls while delivering."""

    # --- the deliverer's side ----------------------------------------------------------

    def outbox_heads(self, account: str, now: datetime) -> tuple[list[OutboxItem], datetime | None]:
        """Rows that may be sent now (at most one per chat, oldest first), and the earliest
        time a held-back row becomes due (None when nothing is waiting)."""
        rows = self.query(
            f"SELECT {ITEM_COLS} FROM {ITEM_FROM} WHERE a.key = ? AND {ELIGIBLE} ORDER BY o.id",  # noqa: S608
            (account,),
        )
        now_ms = to_ms(now)
        due = [row_to_item(r) for r in rows if r[15] <= now_ms]
        later = [r[15] for r in rows if r[15] > now_ms]
        return due, (from_ms(min(later)) if later else None)

    def outbox_claim(self, row_id: int, claimer: str, now: datetime) -> OutboxItem | None:
        """queued → sending, if nobody else got there first (then None)."""
        now_ms = to_ms(now)
        with self.write() as c:
            cur = c.execute(
                "UPDATE outbox SET state = 'sending', claimed_by = ?, attempts = attempts + 1, "
                "updated_at = ? WHERE id = ? AND state = 'queued' AND next_try_at <= ?",
                (claimer, now_ms, row_id, now_ms),
            )
            if cur.rowcount != 1:
                return None
            row = c.execute(
                f"SELECT {ITEM_COLS} FROM {ITEM_FROM} WHERE o.id = ?",  # noqa: S608
                (row_id,),
            ).fetchone()
        return row_to_item(row)

    def outbox_sent(self, row_id: int, sent: Sent | None, now: datetime) -> None:
        """sending → sent; the echo takes the server's id, an edit or delete takes effect."""
        now_ms = to_ms(now)
        with self.write() as c:
            op, message, body, chat = c.execute(
                "SELECT op, message, body, chat FROM outbox WHERE id = ?", (row_id,)
            ).fetchone()
            server_id = sent.message_id if sent is not None else None
            c.execute(
                "UPDATE outbox SET state = 'sent', error = '', server_msg_id = ?, "
                "updated_at = ? WHERE id = ? AND state = 'sending'",
                (server_id, now_ms, row_id),
            )
            if message is None:
                return
            if op in ("text", "file") and server_id is not None:
                self._adopt_server_id(c, row_id, message, server_id)
            elif op == "edit":
                old = c.execute("SELECT text FROM messages WHERE id = ?", (message,)).fetchone()
                if old is not None and old[0] != body:
                    fts_delete(c, message, old[0])
                    fts_insert(c, message, body)
                c.execute(
                    "UPDATE messages SET text = ?, edited_at = ? WHERE id = ?",
                    (body, now_ms, message),
                )
            elif op == "delete":
                old = c.execute(
                    "SELECT text, deleted FROM messages WHERE id = ?", (message,)
                ).fetchone()
                if old is not None and not old[1]:
                    fts_delete(c, message, old[0])
                    c.execute(
                        "UPDATE messages SET deleted = 1, deleted_at = ? WHERE id = ?",
                        (now_ms, message),
                    )
            refresh_chat(c, chat)

    @staticmethod
    def _adopt_server_id(c: sqlite3.Connection, row_id: int, echo: int, server_id: str) -> None:
        try:
            c.execute("UPDATE messages SET msg_id = ? WHERE id = ?", (server_id, echo))
        except sqlite3.IntegrityError:
            # The messenger already told us about our own message (some echo channel posts):
            # keep the received copy, mark it ours, drop the echo.
            chat = c.execute("SELECT chat, text FROM messages WHERE id = ?", (echo,)).fetchone()
            other = c.execute(
                "SELECT id FROM messages WHERE chat = ? AND msg_id = ?", (chat[0], server_id)
            ).fetchone()[0]
            c.execute("UPDATE messages SET outgoing = 1 WHERE id = ?", (other,))
            c.execute("UPDATE outbox SET message = ? WHERE id = ?", (other, row_id))
            fts_delete(c, echo, chat[1])
            c.execute("DELETE FROM messages WHERE id = ?", (echo,))

    def outbox_retry(self, row_id: int, at: datetime, error: str, now: datetime) -> None:
        """sending → queued, not before ``at`` (a transient failure, or a rate limit)."""
        with self.write() as c:
            c.execute(
                "UPDATE outbox SET state = 'queued', next_try_at = ?, error = ?, "
                "updated_at = ? WHERE id = ? AND state = 'sending'",
                (to_ms(at), error, to_ms(now), row_id),
            )

    def outbox_finish(self, row_id: int, state: OutboxState, error: str, now: datetime) -> None:
        """sending → failed | unknown, with the reason shown to the user."""
        if state not in ("failed", "unknown"):
            raise StoreError(f"outbox_finish takes failed or unknown, not {state}")
        with self.write() as c:
            c.execute(
                "UPDATE outbox SET state = ?, error = ?, updated_at = ? "
                "WHERE id = ? AND state = 'sending'",
                (state, error, to_ms(now), row_id),
            )

    def outbox_recover(self, account: str, now: datetime, claimer: str | None = None) -> int:
        """Rows left ``sending`` by a process that died become ``unknown`` (never re-sent by
        themselves: the request may have reached the server). With ``claimer``, only that
        deliverer's rows. Returns how many."""
        with self.write() as c:
            aid = self._account_id(c, account, create=True)
            sql = (
                "UPDATE outbox SET state = 'unknown', updated_at = ?, error = "
                "'interrupted while sending: it may or may not have arrived' "
                "WHERE account = ? AND state = 'sending'"
            )
            params: list[Any] = [to_ms(now), aid]
            if claimer is not None:
                sql += " AND claimed_by = ?"
                params.append(claimer)
            return c.execute(sql, params).rowcount
