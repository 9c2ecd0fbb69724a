"""The ``payam`` command (CONTRACTS §3).

Global options come before the command. Each sub-command lives in its own module under
:mod:`tui.commands` and is imported only when it runs, so ``payam --help`` and the headless
commands never pay for Textual. Exit codes: 0 ok, 1 runtime failure (one-line reason), 2 usage.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tui import __version__

# (module under tui.commands) — each registers its own sub-parsers.
COMMAND_MODULES: tuple[str, ...] = (
    "account",
    "doctor",
    "mock",
    "tail",
    "send",
    "search",
    "export",
    "backup",
    "tui",
    "demo",
)


class UsageError(Exception):
    """A problem with how the command was called (exit code 2)."""


class CommandFailed(Exception):
    """A runtime failure with a one-line reason for the user (exit code 1)."""


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The ``payam`` parser; without ``commands``, only the global options (what the bare TUI
    needs: registering every command imports every command module)."""
    parser = argparse.ArgumentParser(
        prog="payam",
        description="One terminal inbox for Bale, Eitaa, Rubika, Soroush Plus and Telegram.",
    )
    parser.add_argument("--version", action="version", version=f"payam {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        default=os.environ.get("PAYAM_CONFIG") or None,
        help="config file (default: the platform's config dir; env PAYAM_CONFIG)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=os.environ.get("PAYAM_DATA_DIR") or None,
        help="where the store, locks and log live (env PAYAM_DATA_DIR)",
    )
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"tui.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Starting up allocates a great deal and frees almost nothing: the cyclic GC only costs
    # time before the TUI's first paint. The TUI (``payam``, ``payam demo``) turns it back on
    # once it has painted (freezing what start-up made, see PayamApp.after_first_paint);
    # every other command at once.
    gc.disable()
    words = sys.argv[1:] if argv is None else list(argv)
    # `payam` alone (the TUI, the common case) parses without loading every command module;
    # anything else left over — a command, a bad option — or help goes to the full parser.
    asks_help = bool({"-h", "--help"} & set(words))
    parser = build_parser(commands=asks_help)
    args, rest = parser.parse_known_args(words)
    if rest:
        parser = build_parser()
        args = parser.parse_args(words)
    elif not asks_help:
        args.command = None
    if args.command not in (None, "demo") or getattr(args, "headless", False):
        gc.enable()
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is None and "tui" in COMMAND_MODULES:
            handler = importlib.import_module("tui.commands.tui").run
        else:
            parser.print_help(sys.stderr)
            return 2
    try:
        result = handler(args)
    except UsageError as exc:
        print(f"payam: {exc}", file=sys.stderr)
        return 2
    except CommandFailed as exc:
        print(f"payam: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return int(result or 0)
