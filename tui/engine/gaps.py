"""Gap markers: where the history may have a hole ("messages may be missing").

Two causes are detected, both at the moment a batch is stored, inside its transaction:

* offline — the account was not polled for longer than the server keeps updates (24 h on
  Telegram and Bale, assumed elsewhere): whatever arrived before that is gone;
* id jump — the adapter saw the update ids skip ahead of the cursor it passed
  (``Batch.id_jump``) while the previous stored update is less than a week old. After a week
  with no updates Telegram picks the next id at random, so an old account's jump is a
  re-seed, not a loss.

A marker is account-wide (``chat`` NULL): the server does not say which chats lost what.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tui.engine.clock import from_ms
from tui.engine.records import GapMarker
from tui.engine.sqlrows import to_ms_delta

RETENTION = timedelta(hours=24)
"""How long the messengers keep unconfirmed updates (Telegram, Bale; assumed for the rest)."""
RESEED_IDLE = timedelta(days=7)
"""After this long without updates Telegram picks the next update id at random (no gap)."""


def gap_due(
    c: sqlite3.Connection,
    aid: int,
    account: str,
    now_ms: int,
    last_poll_at: int | None,
    last_update_at: int | None,
    id_jump: bool,
    retention: timedelta,
    reseed_idle: timedelta,
) -> GapMarker | None:
    kind: str | None = None
    since: int | None = None
    if last_poll_at is not None and now_ms - last_poll_at > to_ms_delta(retention):
        hours = (now_ms - last_poll_at) / 3_600_000
        kind, since = "offline", last_poll_at
        reason = (
            f"not polled for {hours:.0f} h; the server keeps updates for "
            f"{retention.total_seconds() / 3600:g} h, so messages may be missing"
        )
    elif (
        id_jump
        and last_update_at is not None
        and now_ms - last_update_at < to_ms_delta(reseed_idle)
    ):
        kind, since = "id_jump", last_update_at
        reason = "update ids skipped ahead: the server dropped updates, messages may be missing"
    if kind is None:
        return None
    cur = c.execute(
        "INSERT INTO gaps (account, chat, kind, since, at, reason) VALUES (?, NULL, ?, ?, ?, ?)",
        (aid, kind, since, now_ms, reason),
    )
    return GapMarker(
        id=int(cur.lastrowid or 0),
        account=account,
        chat_id=None,
        kind=kind,  # type: ignore[arg-type]
        since=from_ms(since) if since is not None else None,
        at=from_ms(now_ms),
        reason=reason,
    )
