"""Writing what a poll brought: events and the new cursor in ONE transaction.

Why one transaction: the cursor tells the server it may forget everything before it. If the
cursor were committed first, a crash before the events would lose them for good; if the events
were committed alone, a crash would bring them again (harmless here, since every write is
idempotent, but the cursor would not move). Committed together, a process killed at any moment
either has both or neither.

Every event is applied under its own SAVEPOINT: an event that cannot be stored (a lone
surrogate that sqlite3 cannot encode, a bug) is rolled back alone and kept raw in quarantine,
and the batch — and the cursor — still go through. One bad update never stalls an account.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from adapters.models import (
    Batch,
    ChatRef,
    ChatSeen,
    Message,
    MessageDeleted,
    MessageEdited,
    MessageNew,
    Unparsed,
)
from tui.engine.clock import to_ms
from tui.engine.gaps import RESEED_IDLE, RETENTION, gap_due
from tui.engine.records import BatchResult, Change, GapMarker
from tui.engine.sqlrows import (
    alloc_message_id,
    fts_delete,
    fts_insert,
    refresh_preview,
    to_ms_delta,
    write_attachments,
    write_spans,
)
from tui.engine.store_core import StoreCore

TOUCH_EVERY = timedelta(seconds=60)
"""An empty poll that moved nothing rewrites ``last_poll_at`` at most this often."""


@dataclass
class _ChatCache:
    pk: int
    kind: str
    title: str
    username: str | None
    read_up_to: int
    last_msg: int | None
    last_ts: int | None
    unread: int
    dirty: bool = False


@dataclass
class _Tally:
    new: int = 0
    edited: int = 0
    deleted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    chats: set[str] = field(default_factory=set)
    changes: list[Change] = field(default_factory=list)


class IngestOps(StoreCore):
    """The write side of sync."""

    def apply_batch(
        self,
        account: str,
        batch: Batch,
        *,
        now: datetime,
        retention: timedelta = RETENTION,
        reseed_idle: timedelta = RESEED_IDLE,
    ) -> BatchResult:
        """Store ``batch`` and its cursor atomically; add a gap marker when one is due.

        Gap markers ("messages may be missing"): the account was not polled for longer than
        ``retention`` (the server has dropped what it held), or the adapter saw the update ids
        jump (``batch.id_jump``) while the previous stored update is younger than
        ``reseed_idle`` (older than that, Telegram re-seeds its ids: not a gap).
        """
        now_ms = to_ms(now)
        prev = self.query("SELECT cursor, last_poll_at FROM accounts WHERE key = ?", (account,))
        if prev and not batch.events and not batch.id_jump and batch.cursor == prev[0][0]:
            last_poll = prev[0][1]
            if last_poll is not None and now_ms - last_poll < to_ms_delta(TOUCH_EVERY):
                return BatchResult(account, written=False)
        args = (account, batch, now_ms, retention, reseed_idle)
        try:
            with self.write() as c:
                gap, tally = self._write_batch(c, *args, careful=False)
        except Exception:
            # Some event could not be stored. Do the batch again, each event under its own
            # savepoint, so that only the bad one goes to quarantine (the fast path above
            # spares two statements per event on every ordinary batch).
            with self.write() as c:
                gap, tally = self._write_batch(c, *args, careful=True)
        return BatchResult(
            account,
            new=tally.new,
            edited=tally.edited,
            deleted=tally.deleted,
            quarantined=tally.quarantined,
            duplicates=tally.duplicates,
            chats=frozenset(tally.chats),
            gap=gap,
            changes=tuple(tally.changes),
        )

    def _write_batch(
        self,
        c: sqlite3.Connection,
        account: str,
        batch: Batch,
        now_ms: int,
        retention: timedelta,
        reseed_idle: timedelta,
        *,
        careful: bool,
    ) -> tuple[GapMarker | None, _Tally]:
        aid = self._account_id(c, account, create=True)
        row = c.execute(
            "SELECT last_poll_at, last_update_at, self_id FROM accounts WHERE id = ?", (aid,)
        ).fetchone()
        last_poll_at, last_update_at, self_id = row
        gap = gap_due(
            c,
            aid,
            account,
            now_ms,
            last_poll_at,
            last_update_at,
            batch.id_jump,
            retention,
            reseed_idle,
        )
        tally = _Tally()
        chats: dict[str, _ChatCache] = {}
        for event in batch.events:
            self._apply_event(c, aid, event, now_ms, self_id, chats, tally, careful)
        for chat_id, cache in chats.items():
            if cache.dirty:
                c.execute(
                    "UPDATE chats SET kind = ?, title = ?, username = ?, last_msg = ?, "
                    "last_ts = ?, unread = ? WHERE id = ?",
                    (
                        cache.kind,
                        cache.title,
                        cache.username,
                        cache.last_msg,
                        cache.last_ts,
                        max(0, cache.unread),
                        cache.pk,
                    ),
                )
                refresh_preview(c, cache.pk)
                tally.chats.add(chat_id)
        c.execute(
            "UPDATE accounts SET cursor = ?, last_poll_at = ?, "
            "last_update_at = CASE WHEN ? THEN ? ELSE last_update_at END WHERE id = ?",
            (batch.cursor, now_ms, bool(batch.events), now_ms, aid),
        )
        return gap, tally

    # --- events ------------------------------------------------------------------------

    def _apply_event(
        self,
        c: sqlite3.Connection,
        aid: int,
        event: object,
        now_ms: int,
        self_id: str | None,
        chats: dict[str, _ChatCache],
        tally: _Tally,
        careful: bool,
    ) -> None:
        if isinstance(event, Unparsed):
            self._quarantine(c, aid, now_ms, event.error, event.raw, event.cursor_hint)
            tally.quarantined += 1
            return
        if not careful:
            self._dispatch(c, aid, event, now_ms, self_id, chats, tally)
            return
        snapshot = {
            k: (v.kind, v.title, v.username, v.last_msg, v.last_ts, v.unread, v.dirty)
            for k, v in chats.items()
        }
        c.execute("SAVEPOINT ev")
        try:
            self._dispatch(c, aid, event, now_ms, self_id, chats, tally)
            c.execute("RELEASE ev")
        except Exception as exc:  # any failure to store one event quarantines that event
            c.execute("ROLLBACK TO ev")
            c.execute("RELEASE ev")
            for k in list(chats):
                if k not in snapshot:
                    del chats[k]
                else:
                    cache = chats[k]
                    (
                        cache.kind,
                        cache.title,
                        cache.username,
                        cache.last_msg,
                        cache.last_ts,
                        cache.unread,
                        cache.dirty,
                    ) = snapshot[k]
            raw = repr(event).encode("utf-8", "backslashreplace")
            self._quarantine(
                c, aid, now_ms, f"could not store: {type(exc).__name__}: {exc}", raw, None
            )
            tally.quarantined += 1

    def _dispatch(
        self,
        c: sqlite3.Connection,
        aid: int,
        event: object,
        now_ms: int,
        self_id: str | None,
        chats: dict[str, _ChatCache],
        tally: _Tally,
    ) -> None:
        if isinstance(event, MessageNew):
            cache = self._chat(c, aid, event.chat, chats)
            if self._insert(c, cache, event.message, now_ms, self_id, edited=False):
                tally.new += 1
                tally.changes.append(Change("new", event.chat.id, event.message.id))
            else:
                tally.duplicates += 1
        elif isinstance(event, MessageEdited):
            cache = self._chat(c, aid, event.chat, chats)
            if self._edit(c, cache, event.message, now_ms, self_id):
                tally.changes.append(Change("edited", event.chat.id, event.message.id))
            tally.edited += 1
        elif isinstance(event, MessageDeleted):
            cache = self._chat(c, aid, event.chat, chats)
            if self._delete(c, cache, event.message_id, now_ms):
                tally.deleted += 1
                tally.changes.append(Change("deleted", event.chat.id, event.message_id))
        elif isinstance(event, ChatSeen):
            self._chat(c, aid, event.chat, chats)
        else:
            raise TypeError(f"unknown event type {type(event).__name__}")

    @staticmethod
    def _quarantine(
        c: sqlite3.Connection, aid: int, now_ms: int, error: str, raw: bytes, hint: str | None
    ) -> None:
        c.execute(
            "INSERT INTO quarantine (account, at, error, raw, cursor_hint) VALUES (?, ?, ?, ?, ?)",
            (aid, now_ms, error.encode("utf-8", "backslashreplace").decode("utf-8"), raw, hint),
        )

    @staticmethod
    def _chat(
        c: sqlite3.Connection, aid: int, ref: ChatRef, chats: dict[str, _ChatCache]
    ) -> _ChatCache:
        cache = chats.get(ref.id)
        if cache is None:
            row = c.execute(
                "SELECT ch.id, ch.kind, ch.title, ch.username, coalesce(s.read_up_to, 0), "
                "ch.last_msg, ch.last_ts, ch.unread FROM chats ch "
                "LEFT JOIN chat_state s ON s.chat = ch.id WHERE ch.account = ? AND ch.chat_id = ?",
                (aid, ref.id),
            ).fetchone()
            if row is None:
                cur = c.execute(
                    "INSERT INTO chats (account, chat_id, kind, title, username) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (aid, ref.id, ref.kind, ref.title, ref.username),
                )
                row = (int(cur.lastrowid or 0), ref.kind, ref.title, ref.username, 0, None, None, 0)
            cache = chats[ref.id] = _ChatCache(*row)
        # Updates from some messengers carry only ids: never blank a known title.
        if ref.title and ref.title != cache.title:
            cache.title, cache.dirty = ref.title, True
        if ref.username and ref.username != cache.username:
            cache.username, cache.dirty = ref.username, True
        if ref.kind != cache.kind and (ref.title or ref.kind != "private"):
            cache.kind, cache.dirty = ref.kind, True
        return cache

    @staticmethod
    def _insert(
        c: sqlite3.Connection,
        cache: _ChatCache,
        m: Message,
        now_ms: int,
        self_id: str | None,
        *,
        edited: bool,
    ) -> bool:
        date_ms = to_ms(m.date)
        mid = alloc_message_id(c, date_ms)
        sender = m.sender
        outgoing = sender is not None and self_id is not None and sender.id == self_id
        edited_at = to_ms(m.edited_at) if m.edited_at else (now_ms if edited else None)
        cur = c.execute(
            "INSERT INTO messages (id, chat, msg_id, sender_id, sender_name, sender_username, "
            "outgoing, date, text, reply_to, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (chat, msg_id) DO NOTHING",
            (
                mid,
                cache.pk,
                m.id,
                sender.id if sender else None,
                sender.name if sender else None,
                sender.username if sender else None,
                int(outgoing),
                date_ms,
                m.text,
                m.reply_to,
                edited_at,
            ),
        )
        if cur.rowcount == 0:
            return False  # already stored: a replay, or a redelivery after a crash
        if m.spans:
            write_spans(c, mid, m)
        if m.attachments:
            write_attachments(c, mid, m.attachments)
        fts_insert(c, mid, m.text)
        if cache.last_msg is None or mid > cache.last_msg:
            cache.last_msg = mid
        cache.last_ts = max(cache.last_ts or 0, date_ms)
        if not outgoing and mid > cache.read_up_to:
            cache.unread += 1
        cache.dirty = True
        return True

    def _edit(
        self,
        c: sqlite3.Connection,
        cache: _ChatCache,
        m: Message,
        now_ms: int,
        self_id: str | None,
    ) -> bool:
        """Apply an edit; False when it changed nothing (a replayed or outdated edit)."""
        row = c.execute(
            "SELECT id, text, edited_at, deleted FROM messages WHERE chat = ? AND msg_id = ?",
            (cache.pk, m.id),
        ).fetchone()
        if row is None:  # an edit of a message from before our history: keep what we learn
            return self._insert(c, cache, m, now_ms, self_id, edited=True)
        mid, old_text, old_edited, deleted = row
        edited_at = to_ms(m.edited_at) if m.edited_at else now_ms
        if deleted or (old_edited is not None and edited_at < old_edited):
            return False  # a replayed older edit must not undo a newer one
        if old_edited is not None and edited_at == old_edited and old_text == m.text:
            return False  # the same edit again (a replay)
        if old_text != m.text:
            fts_delete(c, mid, old_text)
            fts_insert(c, mid, m.text)
        c.execute(
            "UPDATE messages SET text = ?, edited_at = ? WHERE id = ?", (m.text, edited_at, mid)
        )
        c.execute("DELETE FROM spans WHERE message = ?", (mid,))
        write_spans(c, mid, m)
        if m.attachments:
            have = [
                r[0]
                for r in c.execute(
                    "SELECT file_id FROM attachments WHERE message = ? ORDER BY idx", (mid,)
                )
            ]
            if have != [a.file.id for a in m.attachments]:
                c.execute("DELETE FROM attachments WHERE message = ?", (mid,))
                write_attachments(c, mid, m.attachments)
        cache.dirty = True
        return True

    @staticmethod
    def _delete(c: sqlite3.Connection, cache: _ChatCache, msg_id: str, now_ms: int) -> bool:
        row = c.execute(
            "SELECT id, text, deleted, outgoing FROM messages WHERE chat = ? AND msg_id = ?",
            (cache.pk, msg_id),
        ).fetchone()
        if row is None or row[2]:
            return False
        mid, text, _, outgoing = row
        c.execute("UPDATE messages SET deleted = 1, deleted_at = ? WHERE id = ?", (now_ms, mid))
        fts_delete(c, mid, text)
        if not outgoing and mid > cache.read_up_to:
            cache.unread -= 1
        cache.dirty = True
        return True
