"""``payam send <messenger:name> <chat> <text|->``: send one message and wait for the outcome.

``chat`` is a chat id, an ``@username`` or an exact title (several chats with that title: the
command fails and lists them). ``-`` reads the text from standard input. The message goes
through the outbox like one typed in the TUI: split into ordered parts over the messenger's
limit, paced, and delivered by whichever process holds the account's send lock — this one, or
a TUI running beside it (then this command only queues and waits). It never polls.

Exit 0 once every part is ``sent``; 1 with the reason when a part ``failed``, or is
``unknown`` (it may have arrived: nothing is re-sent automatically; resend or discard it in
Payam); parts after a failed one stay queued behind it. Interrupted (Ctrl-C) while waiting, the
message stays queued and the next Payam that delivers for the account sends it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tui.cli import CommandFailed, UsageError
from tui.commands import headless
from tui.settings.paths import Paths
from tui.settings.schema import Config
from tui.settings.textsafe import safe


def register(subparsers: Any) -> None:
    """Add ``send`` to the ``payam`` parser."""
    parser = subparsers.add_parser(
        "send",
        help="send a message and wait until it is sent",
        description="Send TEXT (or standard input, with -) to CHAT: an id, @username or exact "
        "title. Exits 0 once it is sent, 1 with the reason if it failed or may not have arrived.",
    )
    parser.add_argument("account", metavar="MESSENGER:NAME")
    parser.add_argument("chat", metavar="CHAT", help="chat id, @username, or exact title")
    parser.add_argument("text", metavar="TEXT", help="the message; - reads standard input")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """``payam send``."""
    from tui.settings.logs import close_logging, setup_logging

    key = headless.account_key(args.account)
    text = sys.stdin.read() if args.text == "-" else args.text
    text = text.rstrip("\n") if args.text == "-" else text
    if not text.strip():
        raise UsageError("nothing to send (the text is empty)")
    paths, config = headless.load(args)
    headless.configured(config, [key])
    handler = setup_logging(paths, config.log_level)
    try:
        return headless.run(_send(paths, config, key, args.chat, text))
    finally:
        close_logging(handler)


async def _send(paths: Paths, config: Config, key: str, ref: str, text: str) -> int:
    from tui.engine.service import Service, ServiceOptions
    from tui.engine.service_types import ServiceError

    options = ServiceOptions(poll=False, deliver=True)
    service = Service.from_config(paths, config, accounts=[key], options=options)
    await service.start()
    try:
        (status,) = await service.wait_ready([key])
        if status.failed:
            raise CommandFailed(safe(f"{key}: {status.label}", "name"))
        try:
            chat = await service.resolve_chat(key, ref)
            items = await service.send_text(key, chat.chat_id, text)
        except ServiceError as exc:
            raise CommandFailed(safe(str(exc), "name")) from None
        where = safe(chat.title, "name") or safe(chat.chat_id, "name")
        if service.account_status(key).delivering == "elsewhere":
            print(f"payam: queued; the Payam that delivers for {key} sends it", file=sys.stderr)
        final = await service.settle([i.client_uuid for i in items])
    finally:
        await service.stop()
    sent = [i for i in final if i.state == "sent"]
    if len(sent) == len(items):
        ids = ", ".join(safe(i.server_msg_id or "?", "name") for i in sent)
        parts = f" in {len(items)} parts" if len(items) > 1 else ""
        print(f"sent to {where}{parts}: message {ids}")
        return 0
    bad = next((i for i in final if i.state != "sent"), None)
    if bad is None:
        raise CommandFailed("a part was discarded before it was sent")
    held = sum(1 for i in final if i.state == "queued")
    more = f"; {held} later part(s) wait behind it" if held else ""
    if bad.state == "unknown":
        raise CommandFailed(
            f"unknown outcome: {safe(bad.error, 'name')} — it may have arrived; nothing is "
            f"re-sent automatically (resend or discard it in Payam){more}"
        )
    raise CommandFailed(f"{bad.state}: {safe(bad.error, 'name')}{more}")
