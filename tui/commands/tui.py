"""``payam`` with no command: the TUI (CONTRACTS §3).

Order matters: the config is read and the log set up; the terminal bidi decision is made
*before* Textual takes the terminal (the DECRQM probe needs the raw tty, and a late reply would
arrive as keys); the service is built (nothing is opened or read yet: the app starts it in its
own event loop, and tokens are read only after the first paint); then the app runs inside
``termbidi.applied``, which switches the terminal to explicit bidi mode when needed and back at
exit — also after a crash, at interpreter exit and on SIGTERM/SIGHUP. Textual and the engine are
imported here, lazily, so ``payam --help`` and the headless commands never pay for them.
"""

from __future__ import annotations

import argparse
from typing import Any

from tui.cli import CommandFailed


def register(subparsers: Any) -> None:
    """The TUI is the command-less ``payam``: it adds no sub-command."""


def run(args: argparse.Namespace) -> int:
    """Run the TUI; returns the app's exit code."""
    from tui.settings import framerate
    from tui.settings.config import ConfigError, load_config
    from tui.settings.logs import close_logging, setup_logging
    from tui.settings.paths import Paths
    from tui.text import termbidi

    paths = Paths.from_args(args)
    try:
        config = load_config(paths.config_file)
    except ConfigError as exc:
        raise CommandFailed(str(exc)) from None
    try:
        decision = termbidi.decide(config.bidi_setting())
    except termbidi.BidiModeError as exc:
        raise CommandFailed(str(exc)) from None
    handler = setup_logging(paths, config.log_level)
    framerate.apply(config)  # before Textual is imported: it reads the rate once
    try:
        from tui.app import PayamApp
        from tui.engine.service import Service

        try:
            service = Service.from_config(paths, config)
        except Exception as exc:  # an account the service cannot describe: say which
            raise CommandFailed(str(exc)) from None
        app = PayamApp(service, config, bidi_decision=decision, paths=paths, save_theme=True)
        with termbidi.applied(decision):
            code = app.run()
    finally:
        close_logging(handler)
    return int(code or app.return_code or 0)
