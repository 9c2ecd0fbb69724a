"""``payam backup <file> [--force]``: an online SQLite backup of the store.

Uses SQLite's backup API through the store, so the copy is consistent even while a TUI or a
``tail`` writes. The copy is written beside FILE (mode 0600: it holds private messages),
checked (``quick_check``), and only then renamed to FILE, so FILE is either the old file or a
complete backup, never half of one. An existing FILE is kept unless ``--force`` is given.
The backup is an ordinary Payam store: ``payam --data-dir DIR`` reads it once it is copied
to ``DIR/payam.db``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any

from tui.cli import CommandFailed
from tui.commands import headless
from tui.settings.paths import Paths


def register(subparsers: Any) -> None:
    """Add ``backup`` to the ``payam`` parser."""
    parser = subparsers.add_parser(
        "backup",
        help="write an online SQLite backup of the store",
        description="Copy the store to FILE with SQLite's online backup (safe while Payam runs).",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """``payam backup``."""
    paths, _config = headless.load(args)
    headless.require_store(paths)
    dest: Path = args.file.expanduser().absolute()
    if dest.exists() and dest.resolve() == paths.db_file.resolve():
        raise CommandFailed("the backup cannot replace the store itself")
    if dest.is_dir():
        raise CommandFailed(f"{dest} is a directory; give a file name")
    if dest.exists() and not args.force:
        raise CommandFailed(f"{dest} exists; use --force to replace it")
    if not dest.parent.is_dir():
        raise CommandFailed(f"{dest.parent} does not exist")
    messages, chats = _run_backup(paths, dest)
    size = dest.stat().st_size
    print(f"backed up {messages} messages in {chats} chats to {dest} ({size:,} bytes)")
    return 0


def _run_backup(paths: Paths, dest: Path) -> tuple[int, int]:
    from tui.engine.service_types import ServiceError

    try:
        return asyncio.run(_backup(paths, dest))
    except ServiceError as exc:
        raise CommandFailed(str(exc)) from None


async def _backup(paths: Paths, dest: Path) -> tuple[int, int]:
    from tui.engine.service import Service, ServiceOptions
    from tui.engine.service_types import ServiceError

    service = Service(paths.db_file, options=ServiceOptions(poll=False, deliver=False))
    await service.start()
    tmp: Path | None = headless.private_temp(dest)
    try:
        assert tmp is not None
        try:
            counts = await service.backup(tmp)
        except ServiceError as exc:
            raise CommandFailed(str(exc)) from None
        os.replace(tmp, dest)
        tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        await service.stop()
    return counts
