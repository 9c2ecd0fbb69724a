"""``payam tail [--account messenger:name ...] [--json]``: print messages as they arrive.

``tail`` is a poller: it takes each account's poll lock (CONTRACTS §6) and stores what it
receives, exactly like the TUI, then prints every message event it stored — the backlog the
server kept while nothing polled, then live arrivals. It never delivers the outbox.

Decisions:

* Another process (the TUI, another ``tail``) already polls one of the accounts: ``tail`` says
  which process holds it and exits 1 without printing anything. It does not "follow" another
  poller's writes: readers beside a running poller use ``search``/``export``.
* Default accounts: every configured account that receives (send-only accounts and
  messengers that cannot receive, such as Eitaa, are skipped). Naming a send-only account
  with ``--account`` is an error (exit 1).
* An account that stops (token rejected, 409 conflict…) is reported on stderr; ``tail`` goes on
  with the others and exits 1 when none is left. SIGINT/SIGTERM end it with exit code 0.
* ``--json``: one object a line, exactly the CONTRACTS §3 schema; a ``deleted`` event has an
  empty ``text``. Without it: one readable line per event, every outside string sanitised.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from tui.cli import CommandFailed
from tui.commands import headless
from tui.settings.paths import Paths
from tui.settings.schema import Config
from tui.settings.textsafe import safe


def register(subparsers: Any) -> None:
    """Add ``tail`` to the ``payam`` parser."""
    parser = subparsers.add_parser(
        "tail",
        help="poll and print messages as they arrive",
        description="Poll the accounts (holding their poll locks) and print every message, "
        "edit and delete as it is stored: one readable line each, or JSON lines with --json.",
    )
    headless.add_account_option(parser, "an account to poll")
    parser.add_argument("--json", action="store_true", help="one JSON object a line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """``payam tail``."""
    from tui.settings.logs import close_logging, setup_logging

    paths, config = headless.load(args)
    if args.account:
        keys = headless.configured(config, args.account)
        for key in keys:
            account = config.account(key)
            if account is not None and account.send_only:
                raise CommandFailed(f"{key} is send-only: there is nothing to tail")
    else:
        keys = [a.key for a in config.accounts if not a.send_only]
    if not keys:
        raise CommandFailed("no account receives messages; add one with `payam account add`")
    handler = setup_logging(paths, config.log_level)
    try:
        return headless.run(_tail(paths, config, keys, explicit=bool(args.account), js=args.json))
    finally:
        close_logging(handler)


async def _tail(paths: Paths, config: Config, keys: list[str], *, explicit: bool, js: bool) -> int:
    from tui.engine.service import Service, ServiceOptions

    options = ServiceOptions(deliver=False, take_over=False, identify=True)
    service = Service.from_config(paths, config, accounts=keys, options=options)
    updates = service.subscribe()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, updates.close)
    await service.start()
    try:
        statuses = await service.wait_ready()
        held = [s for s in statuses if s.state == "polling_elsewhere"]
        if held:
            raise CommandFailed(
                "; ".join(
                    f"{s.key} is already polled by "
                    + (f"process {s.holder_pid}" if s.holder_pid else "another process")
                    for s in held
                )
                + ": only one payam may poll an account (search and export work beside it)"
            )
        active: set[str] = set()
        for status in statuses:
            if status.state == "send_only":
                if explicit:
                    raise CommandFailed(f"{status.key} cannot receive: there is nothing to tail")
            elif status.failed:
                _warn(f"{status.key}: {status.label}")
            else:
                active.add(status.key)
        if not active:
            raise CommandFailed("no account could be polled (see the reasons above)")
        return await _print(service, updates, active, js)
    finally:
        await service.stop()


async def _print(service: Any, updates: Any, active: set[str], js: bool) -> int:
    from tui.engine.service_types import AccountChanged, MessagesChanged

    selves = await headless.identities(service, active)
    async for notice in updates:
        if isinstance(notice, AccountChanged):
            status = notice.status
            if status.key in active and status.failed:
                _warn(f"{status.key} stopped: {status.label}")
                active.discard(status.key)
                if not active:
                    return 1
            continue
        if not isinstance(notice, MessagesChanged) or notice.origin != "sync":
            continue
        chat = service.chat(notice.account, notice.chat_id)
        title = chat.title if chat is not None else ""
        for kind, ids in (
            ("new", notice.new),
            ("edited", notice.edited),
            ("deleted", notice.deleted),
        ):
            event = headless.EVENT_OF_CHANGE[kind]
            for msg_id in ids:
                message = await service.message(notice.account, notice.chat_id, msg_id)
                if message is None:
                    continue
                rec = headless.record(event, message, chat_title=title, me=selves[notice.account])
                when = (
                    message.edited_at if event == "edited" and message.edited_at else message.date
                )
                text = headless.dumps(rec) if js else headless.line(event, rec, when)
                if not headless.emit(text):
                    return 0
    return 0


def _warn(text: str) -> None:
    print(f"payam: {safe(text, 'name')}", file=sys.stderr, flush=True)
