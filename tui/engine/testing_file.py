"""A fake server whose state lives in files, for tests that kill the client with SIGKILL.

The "server" is a directory: ``updates-<first>-<last>.jsonl`` files hold every update ever
produced (one JSON object a line, one file per :func:`produce` call, so a client restarting
late reads only what it may still get), ``ack`` the confirmation point (updates below it are
forgotten, as Telegram forgets them once getUpdates is called with a higher offset). The client
process (``python -m tui.engine.ingest --fake-dir DIR``) polls through :class:`FileAdapter`;
the test reads the same files to know what was produced and what the server has forgotten.

Line format: ``{"id": 7, "t": "new"|"edit"|"delete"|"poison", "chat": "c1", "msg": "5",
"text": "...", "date": 1735689600}``.
"""

from __future__ import annotations

import bisect
import json
import os
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from adapters.base import Capabilities
from adapters.models import (
    Batch,
    ChatRef,
    Event,
    Message,
    MessageDeleted,
    MessageEdited,
    MessageNew,
    Sender,
    Unparsed,
)
from tui.engine.testing import FAKE_CAPS, FakeAdapter, FakeClock, FakeServer


def read_ack(directory: Path) -> int:
    """The server's confirmation point (0 when nothing was confirmed)."""
    try:
        return int((directory / "ack").read_text() or 0)
    except FileNotFoundError:
        return 0


def write_ack(directory: Path, value: int) -> None:
    """Atomically move the confirmation point."""
    tmp = directory / "ack.tmp"
    tmp.write_text(str(value))
    os.replace(tmp, directory / "ack")


def _chunks(directory: Path) -> list[tuple[int, int, Path]]:
    out = []
    for path in directory.glob("updates-*-*.jsonl"):
        first, last = path.stem.split("-")[1:]
        out.append((int(first), int(last), path))
    return sorted(out)


def read_updates(directory: Path, from_id: int = 0) -> list[dict[str, Any]]:
    """Every produced update with an id of at least ``from_id``, in id order."""
    lines: list[dict[str, Any]] = []
    for _, last, path in _chunks(directory):
        if last < from_id:
            continue
        with path.open(encoding="utf-8") as f:
            lines.extend(u for u in map(json.loads, f) if u["id"] >= from_id)
    return lines


def produce(
    directory: Path, count: int, rng: random.Random, *, chats: int = 5
) -> list[dict[str, Any]]:
    """Append ``count`` new updates (new messages mostly; edits, deletes, some poison)."""
    directory.mkdir(parents=True, exist_ok=True)
    chunks = _chunks(directory)
    next_id = chunks[-1][1] + 1 if chunks else 1
    state = directory / "producer.json"
    saved: dict[str, Any] = (
        json.loads(state.read_text()) if state.exists() else {"known": [], "msg_no": 1}
    )
    known: list[list[str]] = saved["known"]
    msg_no: int = saved["msg_no"]
    out: list[dict[str, Any]] = []
    for _ in range(count):
        roll = rng.random()
        base = {"id": next_id, "date": 1735689600 + next_id}
        if roll < 0.8 or not known:
            chat = f"c{rng.randrange(chats)}"
            line = {
                **base,
                "t": "new",
                "chat": chat,
                "msg": str(msg_no),
                "text": f"پیام {msg_no} كتاب‌ها {rng.randrange(1000)}",
            }
            known.append([chat, str(msg_no)])
            msg_no += 1
        elif roll < 0.9:
            chat, msg = rng.choice(known)
            line = {**base, "t": "edit", "chat": chat, "msg": msg, "text": f"ویرایش {next_id}"}
        elif roll < 0.97:
            chat, msg = rng.choice(known)
            line = {**base, "t": "delete", "chat": chat, "msg": msg}
        else:
            line = {**base, "t": "poison"}
        out.append(line)
        next_id += 1
    if out:
        path = directory / f"updates-{out[0]['id']}-{out[-1]['id']}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for line in out:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        state.write_text(json.dumps({"known": known[-5000:], "msg_no": msg_no}))
    return out


def to_event(u: dict[str, Any]) -> Event:
    """The adapter-level event for one line."""
    date = datetime.fromtimestamp(u["date"], UTC)
    if u["t"] == "poison":
        return Unparsed(json.dumps(u).encode(), "poison update", str(u["id"]))
    chat = ChatRef(u["chat"], "group", f"گروه {u['chat']}")
    if u["t"] == "delete":
        return MessageDeleted(chat, u["msg"])
    sender = Sender("u" + u["chat"], "کاربر")
    if u["t"] == "edit":
        return MessageEdited(
            chat, Message(u["msg"], u["chat"], date, sender, u["text"], edited_at=date)
        )
    return MessageNew(chat, Message(u["msg"], u["chat"], date, sender, u["text"]))


class FileAdapter(FakeAdapter):
    """Polls a :mod:`testing_file` directory; batches of 1–``limit`` updates (seeded)."""

    capabilities: ClassVar[Capabilities] = FAKE_CAPS

    def __init__(
        self, directory: Path, name: str = "kill", *, seed: int = 0, limit: int = 100
    ) -> None:
        """Reads ``updates.jsonl`` once; the test appends only while no client runs."""
        super().__init__(FakeServer(FakeClock()), name, limit=limit)
        self.directory = directory
        self.lines = read_updates(directory, read_ack(directory))
        self.rng = random.Random(seed)
        self.ids = [u["id"] for u in self.lines]

    async def poll(self, cursor: str | None, timeout_s: float) -> Batch:
        """Confirm below ``cursor`` (written to ``ack`` first, as a server would), then serve."""
        self.calls.append(("poll", (cursor, timeout_s)))
        start = int(cursor) if cursor is not None else 1
        ack = read_ack(self.directory)
        if start > ack:
            write_ack(self.directory, start)
            ack = start
        first = max(start, ack)
        at = bisect.bisect_left(self.ids, first)
        batch = self.lines[at : at + self.rng.randint(1, self.limit)]
        if not batch:
            return Batch((), cursor)
        return Batch(
            tuple(to_event(u) for u in batch),
            str(batch[-1]["id"] + 1),
            id_jump=cursor is not None and batch[0]["id"] != start,
        )
