"""``payam demo [--quiet] [--port N] [--language en|fa]``: Payam over in-process mocks, a seeded
world and simulated users, with temporary dirs and an in-memory keyring (CONTRACTS §3).

Everything is set up by :func:`tui.demo.runtime.start_demo`; this module prints where the mocks
listen (the control-API URL, the accounts and their mock tokens, a ``curl`` to try) on stderr,
then runs the app (:class:`tui.app.PayamApp`, inside the terminal bidi decision), which starts
and stops the demo's service. ``--headless`` prints the inbox and then each message as it
arrives instead of opening the UI (scripts, tests, a terminal that cannot run the UI).
``--language fa`` opens the Persian UI (an option beyond §3's: the demo writes no config a user
could edit to get it): mirrored, with Persian digits and the Jalali calendar, as a Persian user
would set ``config.toml``; the default stays English, so ``make demo`` is unchanged.

The global ``--config``/``--data-dir`` options are ignored: the demo never reads or writes
anything of the user's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shutil
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from tui.cli import CommandFailed, UsageError
from tui.settings.schema import LANGUAGES, Language

if TYPE_CHECKING:
    from textual.app import App

    from tui.demo.runtime import Demo
    from tui.settings.schema import Config
    from tui.text.termbidi import BidiDecision

log = logging.getLogger("payam.demo")


def in_language(config: Config, language: Language) -> Config:
    """``config`` with its UI in ``language``. Persian brings its digits and calendar with it
    (what the screenshots call "the Persian UI"), as a Persian user would set them; English
    leaves the demo's defaults."""
    if language == "fa":
        return replace(config, language="fa", digits="persian", calendar="jalali")
    return replace(config, language="en")


def register(subparsers: Any) -> None:
    """Add ``demo`` to the ``payam`` parser."""
    from tui.demo import DEFAULT_SEED

    parser = subparsers.add_parser(
        "demo",
        help="try Payam on a seeded world of mock messengers (nothing of yours is touched)",
        description="Open Payam against in-process mock servers of all five messengers, with "
        "a seeded Persian/English world and simulated users. Temporary dirs and an in-memory "
        "keyring: nothing of yours is read or written. The mocks' URL and tokens are printed "
        "on stderr first, so you can add messages through the control API while it runs.",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no simulated users: the world stays still"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="serve the mocks on this loopback port (default: any free port)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"the world's seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no UI: print the inbox, then every message as it arrives, until interrupted",
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="the UI's language: en (default) or fa, the Persian UI — mirrored, with Persian "
        "digits and the Jalali calendar",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """``payam demo``."""
    if args.port is not None and not 1 <= args.port <= 65535:
        raise UsageError("--port must be within 1..65535")
    from tui.demo.runtime import DemoError, start_demo
    from tui.settings.logs import close_logging, setup_logging

    try:
        with start_demo(port=args.port, quiet=args.quiet, seed=args.seed) as demo:
            handler = setup_logging(demo.paths, demo.config.log_level)
            restore = remove_on_signals(demo.root)
            try:
                timings = ", ".join(f"{k} {v:.2f} s" for k, v in demo.timings.items())
                log.info("demo ready: mocks on %s (%s)", demo.url, timings)
                print(demo.banner(), file=sys.stderr, flush=True)
                return headless(demo) if args.headless else run_app(demo, args.language)
            finally:
                restore()
                close_logging(handler)
    except DemoError as exc:
        raise CommandFailed(str(exc)) from None


def remove_on_signals(root: Path) -> Callable[[], None]:
    """On SIGTERM or SIGHUP (the terminal closed), remove the demo's temporary directory, then
    die of the signal as before: the ``with`` block's own clean-up would not run. Returns the
    function that puts the previous handlers back."""
    signals = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {s: signal.getsignal(s) for s in signals}

    def handler(signum: int, frame: FrameType | None) -> None:
        shutil.rmtree(root, ignore_errors=True)
        before = previous.get(signum)
        if callable(before):
            before(signum, frame)
            return
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for signum in signals:
        signal.signal(signum, handler)

    def restore() -> None:
        for signum, before in previous.items():
            if signal.getsignal(signum) is handler:
                signal.signal(signum, before if before is not None else signal.SIG_DFL)

    return restore


def build_app(demo: Demo, decision: BidiDecision, language: Language = "en") -> App[int]:
    """The application over the demo, its UI in ``language`` (:func:`in_language`). Its
    service is not started: the app starts it on its own event loop and stops it at exit.
    ``paths`` are the demo's temporary ones; the mocks' URL is shown on the accounts screen and
    in the status bar."""
    from tui.app import PayamApp

    # Only the app's copy changes: the language is the UI's business, not the service's.
    return PayamApp(
        demo.service,
        in_language(demo.config, language),
        bidi_decision=decision,
        paths=demo.paths,
        demo_url=demo.url,
    )


def run_app(demo: Demo, language: Language = "en") -> int:
    """Run the app, its UI in ``language``, inside the terminal bidi decision until the user
    quits."""
    from tui.settings import framerate
    from tui.text import termbidi

    framerate.apply(demo.config)  # before Textual is imported: it reads the rate once
    try:
        decision = termbidi.decide(demo.config.bidi_setting())
    except termbidi.BidiModeError as exc:
        raise CommandFailed(str(exc)) from None
    app = build_app(demo, decision, language)
    with termbidi.applied(decision):
        app.run()
    return int(app.return_code or 0)


def headless(demo: Demo) -> int:
    """Print the inbox, then each message as it is stored, until SIGINT/SIGTERM."""
    return asyncio.run(_headless(demo))


async def _headless(demo: Demo) -> int:
    from tui.commands import headless as out
    from tui.engine.service_types import MessagesChanged
    from tui.settings.textsafe import safe

    service = demo.service
    updates = service.subscribe()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, updates.close)
    await service.start()
    try:
        for row in service.inbox():
            marks = ("📌 " if row.state.pinned else "") + ("🔕 " if row.state.muted else "")
            out.emit(
                f"{row.account:<15} {safe(row.title, 'name')}  ({row.unread} unread) {marks}"
                f"— {safe(row.preview, 'name')}"
            )
        out.emit("-- live --")
        selves = await out.identities(service, [s.key for s in service.accounts()])
        async for notice in updates:
            if not isinstance(notice, MessagesChanged) or notice.origin != "sync":
                continue
            chat = service.chat(notice.account, notice.chat_id)
            title = chat.title if chat is not None else ""
            changes = (("new", notice.new), ("edited", notice.edited), ("deleted", notice.deleted))
            for kind, ids in changes:
                event = out.EVENT_OF_CHANGE[kind]
                for msg_id in ids:
                    message = await service.message(notice.account, notice.chat_id, msg_id)
                    if message is None:
                        continue
                    rec = out.record(event, message, chat_title=title, me=selves[notice.account])
                    when = message.edited_at if event == "edited" and message.edited_at else None
                    out.emit(out.line(event, rec, when or message.date))
    finally:
        await service.stop()
    return 0
