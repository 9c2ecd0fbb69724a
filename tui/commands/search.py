"""``payam search <query> [--account ...] [--json]``: search every stored message, newest first.

Matching is the store's: every word of the query as a prefix, insensitive to ي/ی, ك/ک, ZWNJ,
diacritics and Persian/ASCII digits. Text mode prints one line per hit with the matching words
highlighted (reverse video on a terminal, ``[brackets]`` otherwise) inside a snippet; ``--json``
prints the CONTRACTS §3 object (``"event": "message"``) plus ``"snippet"``, the sanitised
window of the text around the match. No hits is not an error (exit 0, a note on stderr).
Runs beside a TUI or a ``tail`` that polls: it only reads the store.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tui.cli import CommandFailed, UsageError
from tui.commands import headless
from tui.settings.paths import Paths
from tui.settings.textsafe import safe

PAGE = 200


def register(subparsers: Any) -> None:
    """Add ``search`` to the ``payam`` parser."""
    parser = subparsers.add_parser(
        "search",
        help="search every stored message (newest first)",
        description="Search the stored messages of every account (or those given), newest "
        "first; Persian spellings, ZWNJ and diacritics do not matter.",
    )
    parser.add_argument("query", metavar="QUERY")
    headless.add_account_option(parser, "search only this account")
    parser.add_argument("--json", action="store_true", help="one JSON object a line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """``payam search``."""
    if not args.query.strip():
        raise UsageError("the query is empty")
    accounts = [headless.account_key(a) for a in args.account]
    paths, config = headless.load(args)
    headless.require_store(paths)
    configured = {a.key for a in config.accounts}
    return headless.run(_search(paths, args.query, accounts, configured, args.json))


async def _search(
    paths: Paths, query: str, accounts: list[str], configured: set[str], js: bool
) -> int:
    from tui.engine.service import Service, ServiceOptions

    service = Service(paths.db_file, options=ServiceOptions(poll=False, deliver=False))
    await service.start()
    try:
        known = {r.account for r in service.inbox()} | configured
        unknown = [a for a in accounts if a not in known]
        if unknown:
            raise CommandFailed(f"there is no account {', '.join(unknown)}")
        tty = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        selves = await headless.identities(service, known)
        count, before = 0, None
        while True:
            hits = await service.search(query, accounts=accounts, before=before, limit=PAGE)
            for hit in hits:
                count += 1
                message = hit.message
                rec = headless.record(
                    "message",
                    message,
                    chat_title=hit.chat_title,
                    me=selves.get(message.account, (None, None)),
                )
                snip = hit.snippet
                if js:
                    rec["snippet"] = safe(message.text[snip.start : snip.end])
                    out = headless.dumps(rec)
                else:
                    out = headless.line("message", rec, message.date, _highlighted(hit, tty))
                if not headless.emit(out):
                    return 0
            if len(hits) < PAGE:
                break
            before = hits[-1].message.id
    finally:
        await service.stop()
    if not count:
        print("payam: no messages match", file=sys.stderr)
    return 0


def _highlighted(hit: Any, tty: bool) -> str:
    """The snippet on one line, each match marked; every piece sanitised on its own."""
    text, snip = hit.message.text, hit.snippet
    on, off = ("\x1b[7m", "\x1b[27m") if tty else ("[", "]")
    pieces = ["…" if snip.start > 0 else ""]
    at = snip.start
    for start, end in snip.highlights:
        pieces.append(safe(text[at:start], "name"))
        pieces.append(on + safe(text[start:end], "name") + off)
        at = end
    pieces.append(safe(text[at : snip.end], "name"))
    pieces.append("…" if snip.end < len(text) else "")
    return "".join(pieces)
