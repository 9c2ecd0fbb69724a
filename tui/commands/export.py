"""``payam export [--account ...] [--chat ...] --format jsonl|txt [--out FILE]``.

Writes the stored history, chat by chat (by account, then title), oldest message first.

* ``jsonl``: one CONTRACTS §3 object a line — ``"event"`` is ``message`` (``deleted`` for a
  deleted one, with an empty text) — plus ``"outgoing"``, ``"edited"`` (bool), ``"reply_to"``
  and ``"attachments"`` (kind, name, size).
* ``txt``: a transcript: a header per chat, then ``[2025-01-01 12:00 UTC] Sara: text`` with
  further lines of a message indented.

Every outside string is sanitised (``display_safe``) in both formats: an export is a readable
archive that may end up ``cat``-ed in a terminal. The lossless copy is ``payam backup``.
``--chat`` takes an id, ``@username`` or exact title (repeatable; a title several chats share
is an error listing them). ``--out FILE`` is written privately (0600) and replaced atomically;
without it, standard output. Reads the store only: runs beside a TUI that polls.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from tui.cli import CommandFailed
from tui.commands import headless
from tui.settings.paths import Paths
from tui.settings.textsafe import safe

PAGE = 500


def register(subparsers: Any) -> None:
    """Add ``export`` to the ``payam`` parser."""
    parser = subparsers.add_parser(
        "export",
        help="write stored messages as JSON lines or a text transcript",
        description="Export the stored history (oldest first per chat) as JSON lines or text.",
    )
    headless.add_account_option(parser, "export this account")
    parser.add_argument(
        "--chat",
        action="append",
        default=[],
        metavar="CHAT",
        help="a chat id, @username or exact title (repeatable; default: every chat)",
    )
    parser.add_argument("--format", required=True, choices=("jsonl", "txt"))
    parser.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """``payam export``."""
    accounts = [headless.account_key(a) for a in args.account]
    paths, _config = headless.load(args)
    headless.require_store(paths)
    return headless.run(_export(paths, accounts, args.chat, args.format, args.out))


async def _export(
    paths: Paths, accounts: list[str], refs: list[str], fmt: str, out: Path | None
) -> int:
    from tui.engine.service import Service, ServiceOptions

    service = Service(paths.db_file, options=ServiceOptions(poll=False, deliver=False))
    await service.start()
    tmp: Path | None = None
    try:
        chats = await _chats(service, accounts, refs)
        if out is not None:
            tmp = headless.private_temp(out)
            with tmp.open("w", encoding="utf-8") as stream:
                count = await _write(service, chats, fmt, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(tmp, out)
            tmp = None
        else:
            count = await _write(service, chats, fmt, sys.stdout)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        await service.stop()
    where = f" to {out}" if out is not None else ""
    noun = "chat" if len(chats) == 1 else "chats"
    print(f"payam: exported {count} messages from {len(chats)} {noun}{where}", file=sys.stderr)
    return 0


async def _chats(service: Any, accounts: list[str], refs: list[str]) -> list[Any]:
    from tui.engine.service_types import AmbiguousChat, ChatNotFound

    rows = [r for r in service.inbox() if not accounts or r.account in accounts]
    unknown = [a for a in accounts if a not in {r.account for r in service.inbox()}]
    if unknown:
        raise CommandFailed(f"no messages stored for {', '.join(unknown)}")
    if refs:
        chosen = {}
        for ref in refs:
            found = []
            for account in sorted({r.account for r in rows}):
                with contextlib.suppress(ChatNotFound):
                    try:
                        found.append(await service.resolve_chat(account, ref, lookup=False))
                    except AmbiguousChat as exc:
                        raise CommandFailed(safe(str(exc), "name")) from None
            if not found:
                raise CommandFailed(safe(f"no stored chat is {ref!r}", "name"))
            if len(found) > 1:
                listed = "; ".join(f"{r.account} {r.chat_id} {r.title!r}" for r in found)
                raise CommandFailed(safe(f"{ref!r} matches chats of several accounts: {listed}"))
            chosen[(found[0].account, found[0].chat_id)] = found[0]
        rows = list(chosen.values())
    return sorted(rows, key=lambda r: (r.account, r.title.casefold(), r.chat_id))


async def _write(service: Any, chats: list[Any], fmt: str, stream: TextIO) -> int:
    selves = await headless.identities(service, {c.account for c in chats})
    count = 0
    for chat in chats:
        if fmt == "txt":
            title = safe(chat.title, "name") or safe(chat.chat_id, "name")
            head = f"# {title} — {chat.account} {safe(chat.chat_id, 'name')} ({chat.kind})"
            stream.write(("\n" if count else "") + head + "\n\n")
        after = -1
        while True:
            page = await service.page(chat.account, chat.chat_id, after=after, limit=PAGE)
            for message in page.messages:
                count += 1
                stream.write(_format(fmt, chat, message, selves[chat.account]) + "\n")
            if not page.has_newer or not page.messages:
                break
            after = page.messages[-1].id
    return count


def _format(fmt: str, chat: Any, message: Any, me: headless.Identity) -> str:
    event: headless.Event = "deleted" if message.deleted else "message"
    rec = headless.record(event, message, chat_title=chat.title, me=me)
    if fmt == "jsonl":
        rec["outgoing"] = message.outgoing
        rec["edited"] = message.edited_at is not None
        rec["reply_to"] = safe(message.reply_to, "name") if message.reply_to else None
        rec["attachments"] = [
            {"kind": a.kind, "name": safe(a.file.name, "name"), "size": a.file.size}
            for a in message.attachments
        ]
        return headless.dumps(rec)
    when = message.date.strftime("%Y-%m-%d %H:%M UTC")
    who = rec["sender"]["name"] or ("me" if message.outgoing else rec["chat_title"]) or "?"
    if message.deleted:
        body = "(deleted)"
    else:
        files = [f"[{a.kind}: {safe(a.file.name, 'name') or '?'}]" for a in message.attachments]
        body = " ".join([*files, safe(message.text)]).strip()
        body = body.replace("\n", "\n    ")
    mark = " (edited)" if message.edited_at is not None and not message.deleted else ""
    return f"[{when}] {who}{mark}: {body}"
