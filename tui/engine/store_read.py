"""The read side: inbox, chat pages (keyset), search, per-chat state, gaps, quarantine, files."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from adapters.models import FileRef, Sender, Span
from tui.engine.clock import from_ms
from tui.engine.normalize import expanded, fts_query, query_terms, snippet
from tui.engine.records import (
    ChatState,
    InboxEntry,
    Page,
    SearchHit,
    StoredAttachment,
    StoredMessage,
)
from tui.engine.store_core import StoreCore

_UNSET: Any = object()

_MSG_COLS = (
    "m.id, a.key, ch.chat_id, m.msg_id, m.sender_id, m.sender_name, m.sender_username, "
    "m.outgoing, m.date, m.text, m.reply_to, m.edited_at, m.deleted, o.state, o.client_uuid"
)
_MSG_FROM = (
    "messages m JOIN chats ch ON ch.id = m.chat JOIN accounts a ON a.id = ch.account "
    "LEFT JOIN outbox o ON o.message = m.id AND o.op IN ('text', 'file')"
)


MAX_EXPANSION = 64
"""A search prefix with more indexed completions than this is left to FTS5's own prefix
matching (correct, slower: it only happens for one- or two-letter prefixes)."""


class ReadOps(StoreCore):
    """Queries for the service facade and the CLI."""

    # --- chats -------------------------------------------------------------------------

    def inbox(
        self,
        *,
        messengers: Sequence[str] = (),
        accounts: Sequence[str] = (),
        unread_only: bool = False,
        limit: int | None = None,
        chat_ids: Sequence[str] = (),
    ) -> list[InboxEntry]:
        """Every chat of every account: pinned first, then newest activity first.

        ``chat_ids`` keeps only those chats (of the selected accounts): the service refreshes
        the few rows a change notice names rather than the whole list.

        Built for the whole list (2,000 chats in a few ms): rows come in the order of the
        ``chats_by_activity`` index (no sort), accounts are looked up from a small dict
        rather than joined, and the preview is a denormalised column.
        """
        names = {r[0]: (r[1], r[2]) for r in self.query("SELECT id, key, messenger FROM accounts")}
        wanted = [
            aid
            for aid, (key, messenger) in names.items()
            if (not accounts or key in accounts) and (not messengers or messenger in messengers)
        ]
        if not wanted:
            return []
        # "+ch.account": filter while walking the activity index, rather than letting the
        # planner pick the (account, chat_id) index and then sort.
        sql = (
            "SELECT ch.id, ch.account, ch.chat_id, ch.kind, ch.title, ch.username, ch.last_ts, "  # noqa: S608
            "ch.unread, ch.preview, ch.preview_sender, ch.preview_outgoing, ch.preview_deleted, "
            f"ch.last_msg FROM chats ch WHERE +ch.account IN ({','.join('?' * len(wanted))})"
            + (" AND ch.unread > 0" if unread_only else "")
            + (f" AND ch.chat_id IN ({','.join('?' * len(chat_ids))})" if chat_ids else "")
            + " ORDER BY ch.last_msg DESC"
        )
        wanted = [*wanted, *chat_ids]
        with self.read() as c:
            # Few chats have user state: a dict beats joining chat_state on 2,000 rows.
            states = {
                r[0]: ChatState(r[1], bool(r[2]), bool(r[3]), r[4], r[5])
                for r in c.execute(
                    "SELECT chat, direction, muted, pinned, draft, read_up_to FROM chat_state"
                )
            }
            if limit is None:
                rows = c.execute(sql, wanted).fetchall()
            else:
                rows = c.execute(sql + " LIMIT ?", [*wanted, limit]).fetchall()
            pinned = {chat for chat, state in states.items() if state.pinned}
            missing = pinned - {r[0] for r in rows}
            if missing:  # pinned chats beyond the limit still come first
                extra = sql.replace(
                    " WHERE ", f" WHERE ch.id IN ({','.join('?' * len(missing))}) AND "
                )
                rows += c.execute(extra, [*missing, *wanted]).fetchall()
        if pinned:  # pinned first; a stable sort keeps the activity order within each part
            rows.sort(key=lambda r: r[0] not in pinned)
        default = ChatState()
        get = states.get
        return [
            InboxEntry(
                *names[r[1]],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                get(r[0], default),
                r[8],
                r[9],
                bool(r[10]),
                bool(r[11]),
                r[12],
            )
            for r in rows[:limit]
        ]

    # --- messages ----------------------------------------------------------------------

    def page(
        self,
        account: str,
        chat_id: str,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> Page:
        """Up to ``limit`` messages oldest → newest: the newest ones, or those just older than
        message ``before``, or just newer than ``after`` (ids from earlier pages)."""
        with self.read() as c:
            pk = self._chat_pk(c, account, chat_id)
            if after is not None:
                rows = c.execute(
                    f"SELECT {_MSG_COLS} FROM {_MSG_FROM} WHERE m.chat = ? AND m.id > ? "  # noqa: S608
                    "ORDER BY m.id ASC LIMIT ?",
                    (pk, after, limit + 1),
                ).fetchall()
                more = len(rows) > limit
                rows = rows[:limit]
                older = bool(
                    c.execute(
                        "SELECT 1 FROM messages WHERE chat = ? AND id <= ? LIMIT 1", (pk, after)
                    ).fetchone()
                )
                return Page(self._hydrate(c, rows), has_older=older, has_newer=more)
            bound = before if before is not None else (1 << 62)
            rows = c.execute(
                f"SELECT {_MSG_COLS} FROM {_MSG_FROM} WHERE m.chat = ? AND m.id < ? "  # noqa: S608
                "ORDER BY m.id DESC LIMIT ?",
                (pk, bound, limit + 1),
            ).fetchall()
            more = len(rows) > limit
            rows = rows[:limit][::-1]
            newer = before is not None and bool(
                c.execute(
                    "SELECT 1 FROM messages WHERE chat = ? AND id >= ? LIMIT 1", (pk, before)
                ).fetchone()
            )
            return Page(self._hydrate(c, rows), has_older=more, has_newer=newer)

    def message(self, account: str, chat_id: str, msg_id: str) -> StoredMessage | None:
        """One message by the messenger's id (or ``local:<uuid>`` for an unsent echo)."""
        with self.read() as c:
            rows = c.execute(
                f"SELECT {_MSG_COLS} FROM {_MSG_FROM} WHERE a.key = ? AND ch.chat_id = ? "  # noqa: S608
                "AND m.msg_id = ?",
                (account, chat_id, msg_id),
            ).fetchall()
            found = self._hydrate(c, rows)
        return found[0] if found else None

    def message_by_id(self, mid: int) -> StoredMessage | None:
        """One message by the store's id."""
        with self.read() as c:
            rows = c.execute(
                f"SELECT {_MSG_COLS} FROM {_MSG_FROM} WHERE m.id = ?",  # noqa: S608
                (mid,),
            ).fetchall()
            found = self._hydrate(c, rows)
        return found[0] if found else None

    @staticmethod
    def _hydrate(c: sqlite3.Connection, rows: list[Any]) -> tuple[StoredMessage, ...]:
        if not rows:
            return ()
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        spans: dict[int, list[Span]] = {}
        for r in c.execute(
            f"SELECT message, start, end, kind, url, user_id, language FROM spans "  # noqa: S608
            f"WHERE message IN ({marks}) ORDER BY message, idx",
            ids,
        ):
            spans.setdefault(r[0], []).append(Span(r[1], r[2], r[3], r[4], r[5], r[6]))
        files: dict[int, list[StoredAttachment]] = {}
        for r in c.execute(
            "SELECT message, id, kind, file_id, name, size, mime, file_unique_id, width, height, "  # noqa: S608
            f"duration_s, local_path FROM attachments WHERE message IN ({marks}) "
            "ORDER BY message, idx",
            ids,
        ):
            files.setdefault(r[0], []).append(
                StoredAttachment(
                    r[1], r[2], FileRef(r[3], r[4], r[5], r[6], r[7]), r[8], r[9], r[10], r[11]
                )
            )
        return tuple(
            StoredMessage(
                id=r[0],
                account=r[1],
                chat_id=r[2],
                msg_id=r[3],
                sender=Sender(r[4], r[5] or "", r[6]) if r[4] is not None else None,
                outgoing=bool(r[7]),
                date=from_ms(r[8]),
                text=r[9],
                reply_to=r[10],
                edited_at=from_ms(r[11]) if r[11] is not None else None,
                deleted=bool(r[12]),
                spans=tuple(spans.get(r[0], ())),
                attachments=tuple(files.get(r[0], ())),
                delivery=r[13],
                client_uuid=r[14],
            )
            for r in rows
        )

    # --- search ------------------------------------------------------------------------

    @staticmethod
    def _prefix_expr(c: sqlite3.Connection, term: str) -> str:
        vocabulary = [
            r[0]
            for r in c.execute(
                "SELECT term FROM temp.messages_vocab WHERE term >= ? AND term < ? LIMIT ?",
                (term, term + "\U0010ffff", MAX_EXPANSION + 1),
            )
        ]
        return expanded(term, vocabulary, MAX_EXPANSION)

    def search(
        self,
        query: str,
        *,
        accounts: Sequence[str] = (),
        chat: tuple[str, str] | None = None,
        before: int | None = None,
        limit: int = 50,
        prefix: bool = True,
        scan_cap: int = 20_000,
    ) -> list[SearchHit]:
        """Messages whose words match every word of ``query`` (as prefixes), NEWEST FIRST.

        Insensitive to the spellings :mod:`tui.engine.normalize` folds. Order is by date (the
        index's rowid is the date-ordered message id), never by rank: ranking every match of a
        common word costs ~1000× more. Page with ``before`` = the last hit's message id.
        Filters (``accounts``, ``chat`` = (account, chat_id)) are applied to the index's
        newest-first stream, at most ``scan_cap`` index entries deep.
        """
        terms = query_terms(query)
        if not terms:
            return []
        hits: list[SearchHit] = []
        bound = before if before is not None else (1 << 62)
        scanned = 0
        chunk = limit if not accounts and chat is None else max(limit, 200)
        with self.read() as c:
            if prefix:
                match = " AND ".join(self._prefix_expr(c, t) for t in terms)
            else:
                match = fts_query(terms, prefix=False)
            while len(hits) < limit and scanned < scan_cap:
                ids = [
                    r[0]
                    for r in c.execute(
                        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? AND rowid < ? "
                        "ORDER BY rowid DESC LIMIT ?",
                        (match, bound, chunk),
                    )
                ]
                if not ids:
                    break
                scanned += len(ids)
                bound = ids[-1]
                where = [f"m.id IN ({','.join('?' * len(ids))})"]
                params: list[Any] = list(ids)
                if accounts:
                    where.append(f"a.key IN ({','.join('?' * len(accounts))})")
                    params.extend(accounts)
                if chat is not None:
                    where.append("a.key = ? AND ch.chat_id = ?")
                    params.extend(chat)
                rows = c.execute(
                    f"SELECT {_MSG_COLS}, ch.title, ch.kind FROM {_MSG_FROM} "  # noqa: S608
                    f"WHERE {' AND '.join(where)} ORDER BY m.id DESC",
                    params,
                ).fetchall()
                messages = self._hydrate(c, [r[:15] for r in rows])
                for r, msg in zip(rows, messages, strict=True):
                    hits.append(
                        SearchHit(msg, r[15], r[16], snippet(msg.text, terms, prefix=prefix))
                    )
                    if len(hits) == limit:
                        break
                if len(ids) < chunk:
                    break
        return hits
