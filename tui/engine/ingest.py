"""``python -m tui.engine.ingest``: run one account's sync loop headless, in its own process.

The entry point of the kill -9 harness (and a handy debugging tool)::

    python -m tui.engine.ingest --db payam.db --account fake:kill --fake-dir DIR \\
        [--tx-flag FILE] [--until-drained]
    python -m tui.engine.ingest --db payam.db --account bale:shop \\
        --base-url http://127.0.0.1:8700/bale --token-env PAYAM_TOKEN

``--fake-dir`` polls a :mod:`tui.engine.testing_file` directory; otherwise the adapter is
loaded from the registry and the token read from the environment variable named by
``--token-env`` (never from argv, which other users can read in ``/proc``). ``--tx-flag`` names
a one-byte file, mapped into memory, set to ``1`` while a write transaction is open and ``0``
otherwise, so a harness can tell where each SIGKILL landed.

Exit codes: 0 drained or stopped by a signal; 1 the account stopped (reason on stderr);
3 another process polls this account (its pid on stderr); 2 usage.
"""

from __future__ import annotations

import argparse
import asyncio
import mmap
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from adapters.base import AccountSpec, Adapter
from adapters.http import make_client
from adapters.registry import load
from adapters.secret import Secret
from tui.engine.locks import LockHeld
from tui.engine.store import Store
from tui.engine.sync import STOPPED_BY_USER, AccountStopped, SyncConfig, SyncLoop


def build_adapter(args: argparse.Namespace) -> Adapter:
    """The adapter the arguments describe."""
    messenger, _, name = args.account.partition(":")
    if args.fake_dir is not None:
        from tui.engine.testing_file import FileAdapter

        return FileAdapter(Path(args.fake_dir), name, seed=args.seed)
    if not args.base_url or not args.token_env:
        raise SystemExit("ingest: give --fake-dir, or --base-url and --token-env")
    token = os.environ.get(args.token_env, "")
    if not token:
        raise SystemExit(f"ingest: ${args.token_env} is empty")
    cls = load(messenger)
    spec = AccountSpec(messenger, name, args.base_url)
    return cls(spec, Secret(token), make_client(proxy=args.proxy))


def tx_flag(path: Path) -> Callable[[bool], None]:
    """A write observer that mirrors "inside a write transaction" into a shared byte."""
    with path.open("wb") as f:
        f.write(b"0")
    fd = os.open(path, os.O_RDWR)
    shared = mmap.mmap(fd, 1)
    os.close(fd)

    def observe(inside: bool) -> None:
        shared[0] = ord("1") if inside else ord("0")

    return observe


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line arguments."""
    p = argparse.ArgumentParser(prog="python -m tui.engine.ingest", description=__doc__)
    p.add_argument("--db", required=True, type=Path)
    p.add_argument("--account", required=True, help="<messenger>:<name>")
    p.add_argument("--lock-dir", type=Path, help="default: locks/ beside the db")
    p.add_argument("--fake-dir", type=Path)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--base-url")
    p.add_argument("--token-env", help="name of the environment variable holding the token")
    p.add_argument("--proxy")
    p.add_argument("--poll-timeout", type=float, default=25.0)
    p.add_argument("--tx-flag", type=Path)
    p.add_argument("--until-drained", action="store_true", help="exit after the first empty poll")
    args = p.parse_args(argv)
    if ":" not in args.account:
        p.error("--account is <messenger>:<name>")
    return args


async def ingest(args: argparse.Namespace) -> int:
    """Run the loop; returns the exit code."""
    observer = tx_flag(args.tx_flag) if args.tx_flag else None
    store = Store(args.db, on_write=observer)
    adapter = build_adapter(args)
    lock_dir = args.lock_dir or args.db.parent / "locks"
    loop = SyncLoop(
        store, adapter, lock_dir=lock_dir, config=SyncConfig(poll_timeout_s=args.poll_timeout)
    )
    task = asyncio.current_task()
    stop = task.cancel if args.until_drained and task is not None else loop.stop
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop)
    try:
        if args.until_drained:
            if loop.lock is not None:
                loop.lock.acquire()
            while await loop.step() != "empty":
                pass
            return 0
        reason = await loop.run()
        if reason == STOPPED_BY_USER:
            return 0
        print(f"ingest: {args.account} stopped: {reason}", file=sys.stderr)
        return 1
    except LockHeld as held:
        print(f"ingest: {held}", file=sys.stderr)
        return 3
    except AccountStopped as stop:
        print(f"ingest: {args.account} stopped: {stop.reason}", file=sys.stderr)
        return 1
    except asyncio.CancelledError:
        return 0
    finally:
        if loop.lock is not None:
            loop.lock.release()
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = parse(sys.argv[1:] if argv is None else argv)
    return asyncio.run(ingest(args))


if __name__ == "__main__":
    sys.exit(main())
