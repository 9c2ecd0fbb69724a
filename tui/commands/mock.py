"""``payam mock serve``: the mock messenger APIs on one port (CONTRACTS §2).

Prints one line per messenger, ``<messenger> <base_url>`` followed by the tokens of the
scenario's bots, then serves until interrupted (SIGINT/SIGTERM end it with exit code 0).
The mocks hand out tokens and accept anything, so they listen on loopback only unless
``--public`` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import signal
import sys
from typing import Any

from tui.cli import CommandFailed, UsageError

DEFAULT_PORT = 8700


def register(subparsers: Any) -> None:
    """Add ``mock`` and its actions to the ``payam`` parser."""
    parser = subparsers.add_parser(
        "mock",
        help="serve offline imitations of every messenger API",
        description="Offline imitations of the Bale, Eitaa, Rubika, Soroush Plus and Telegram "
        "bot APIs, with a control API under /<messenger>/__mock__/.",
    )
    actions = parser.add_subparsers(dest="mock_action", metavar="ACTION", required=True)
    serve_parser = actions.add_parser(
        "serve",
        help="serve every mock on one port",
        description="Serve every mock on one port. Prints '<messenger> <base_url> [token ...]' "
        "per messenger, then serves until interrupted.",
    )
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve_parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any)"
    )
    serve_parser.add_argument(
        "--scenario", choices=("demo", "empty"), default="demo", help="what the world holds"
    )
    serve_parser.add_argument("--seed", type=int, default=0, help="seed for ids, tokens, faults")
    serve_parser.add_argument(
        "--public",
        action="store_true",
        help="allow a non-loopback --host (the mocks accept anything: do not expose them)",
    )
    serve_parser.set_defaults(handler=serve)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals; any other name counts as public."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(args: argparse.Namespace) -> int:
    """The ``mock serve`` handler."""
    if not is_loopback(args.host) and not args.public:
        raise UsageError(
            f"refusing to serve the mocks on {args.host}: they accept any request; "
            "use a loopback address, or pass --public to expose them anyway"
        )
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be within 0..65535")
    try:
        asyncio.run(_serve(args.host, args.port, args.scenario, args.seed))
    except OSError as exc:
        raise CommandFailed(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    return 0


async def _serve(host: str, port: int, scenario: str, seed: int) -> None:
    from adapters.mock.runner import MockServer

    server = MockServer(host=host, port=port, scenario=scenario, seed=seed)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    async with server:
        for messenger in server.messengers:
            tokens = server.tokens.get(messenger, [])
            print(" ".join([messenger, server.base_url(messenger), *tokens]), flush=True)
        print(
            f"payam: mocks on {server.url} (control API: /<messenger>/__mock__/); Ctrl-C stops",
            file=sys.stderr,
            flush=True,
        )
        await stop.wait()
