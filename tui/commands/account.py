"""``payam account add | list | remove`` (CONTRACTS §3).

``add`` checks the keyring backend first, reads the token (``--token-stdin``, ``--token-command``
or ``getpass``: never from argv), verifies it with the adapter's ``me()`` over the account's own
proxy, and only then stores it (keyring) and writes the account to ``config.toml``. Tests inject
an ``httpx`` transport by replacing :data:`client_factory`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.cli import CommandFailed, UsageError
from tui.settings import schema
from tui.settings.config import ConfigError, load_config
from tui.settings.paths import Paths
from tui.settings.schema import AccountConfig, Config
from tui.settings.textsafe import safe

if TYPE_CHECKING:
    import httpx

    from adapters.base import Adapter
    from adapters.models import Identity
    from adapters.secret import Secret

log = logging.getLogger(__name__)


def _default_client_factory(proxy: str | None) -> httpx.AsyncClient:
    from adapters.http import make_client

    return make_client(proxy=proxy)


# Builds the client ``account add`` verifies a token with; tests swap in a MockTransport client.
client_factory: Callable[[str | None], httpx.AsyncClient] = _default_client_factory


def register(subparsers: Any) -> None:
    """Add ``account`` and its sub-commands to the ``payam`` parser."""
    parser = subparsers.add_parser("account", help="add, list or remove messenger accounts")
    sub = parser.add_subparsers(dest="account_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="verify a bot token and add the account")
    add.add_argument("messenger", help="bale, eitaa, rubika, splus, telegram, or a plug-in")
    add.add_argument("name", help="your name for the account, e.g. shop")
    add.add_argument(
        "--base-url", metavar="URL", help="API root (default: the messenger's real API)"
    )
    add.add_argument(
        "--proxy", metavar="URL", help="http://, https://, socks5:// or socks5h:// proxy URL"
    )
    add.add_argument(
        "--channel",
        action="append",
        default=[],
        metavar="NAME",
        help="a channel or group to post to (@username or id); repeatable",
    )
    source = add.add_mutually_exclusive_group()
    source.add_argument(
        "--token-command",
        metavar="CMD",
        help="a command that prints the token (run without a shell), e.g. 'pass show bale/shop'",
    )
    source.add_argument(
        "--token-stdin", action="store_true", help="read the token from standard input"
    )
    add.add_argument(
        "--send-only", action="store_true", help="never poll (updates go to a webhook)"
    )
    add.set_defaults(handler=run_add)

    lst = sub.add_parser("list", help="list the configured accounts")
    lst.set_defaults(handler=run_list)

    rm = sub.add_parser("remove", help="remove an account and its stored token")
    rm.add_argument("account", metavar="MESSENGER:NAME")
    rm.set_defaults(handler=run_remove)


def _load(args: argparse.Namespace) -> tuple[Paths, Config]:
    paths = Paths.from_args(args)
    try:
        return paths, load_config(paths.config_file)
    except ConfigError as exc:
        raise CommandFailed(str(exc)) from None


def _flag(flag: str, value: str, check: Callable[[str], str]) -> str:
    try:
        return check(value)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def _account_from_args(args: argparse.Namespace) -> AccountConfig:
    return AccountConfig(
        messenger=_flag("messenger", args.messenger, schema.check_messenger),
        name=_flag("name", args.name, schema.check_name),
        base_url=_flag("--base-url", args.base_url, schema.check_base_url)
        if args.base_url
        else None,
        proxy=_flag("--proxy", args.proxy, schema.check_proxy) if args.proxy else None,
        channels=tuple(_flag("--channel", c, schema.check_channel) for c in args.channel),
        send_only=bool(args.send_only),
        token_command=_flag("--token-command", args.token_command, schema.check_token_command)
        if args.token_command
        else None,
    )


def _read_token(args: argparse.Namespace, account: AccountConfig, config: Config) -> Secret:
    from adapters.secret import Secret
    from tui.settings import secrets

    if account.token_command:
        try:
            return secrets.run_token_command(
                account.token_command, config.token_command_timeout, account.key
            )
        except secrets.SecretsError as exc:
            raise CommandFailed(str(exc)) from None
    if args.token_stdin and not sys.stdin.isatty():
        token = Secret(sys.stdin.readline().strip())
    else:  # a terminal on stdin: never echo what is typed, even with --token-stdin
        token = Secret(getpass.getpass(f"Token for {account.key} (not shown): ").strip())
    if not token:
        raise CommandFailed("no token given; nothing was stored")
    return token


async def verify(
    cls: type[Adapter], account: AccountConfig, base_url: str, token: Secret
) -> Identity:
    """``me()`` through the account's adapter, proxy and base URL: proof the token works."""
    from adapters.base import AccountSpec

    spec = AccountSpec(
        messenger=account.messenger,
        name=account.name,
        base_url=base_url,
        channels=account.channels,
        receive=not account.send_only,
    )
    async with client_factory(account.proxy) as client:
        return await cls(spec, token, client).me()


def run_add(args: argparse.Namespace) -> int:
    """``payam account add``."""
    from adapters import registry
    from adapters.errors import AdapterError, AuthFailed
    from tui.settings import edit, secrets
    from tui.settings.logs import close_logging, setup_logging

    account = _account_from_args(args)
    installed = registry.names()
    if account.messenger not in installed:
        raise UsageError(
            f"unknown messenger {account.messenger!r} (installed: {', '.join(installed) or 'none'})"
        )
    paths, config = _load(args)
    if config.account(account.key) is not None:
        raise CommandFailed(f"{account.key} already exists; remove it first")
    status = None
    if account.uses_keyring:  # refuse before the user types a token
        try:
            status = secrets.require_keyring(config.allow_insecure_keyring)
        except secrets.KeyringRefused as exc:
            raise CommandFailed(str(exc)) from None
    handler = setup_logging(paths, config.log_level)
    try:
        try:
            cls = registry.load(account.messenger)
        except Exception as exc:  # a broken plug-in
            raise CommandFailed(
                f"the {account.messenger} adapter cannot be loaded ({type(exc).__name__})"
            ) from None
        base_url = account.base_url or cls.default_base_url.rstrip("/")
        token = _read_token(args, account, config)
        failure: str | None = None
        identity = None
        try:
            identity = asyncio.run(verify(cls, account, base_url, token))
        except AuthFailed:
            failure = f"{account.messenger} rejected the token; nothing was stored"
        except AdapterError as exc:
            failure = f"could not verify the token ({safe(exc.reason, 'name')}); nothing was stored"
        except Exception as exc:  # an adapter bug: its message might quote a URL, so name only
            failure = f"could not verify the token ({type(exc).__name__}); nothing was stored"
        if failure is not None or identity is None:
            raise CommandFailed(failure or "could not verify the token")
        if status is not None:
            try:
                status = secrets.store_token(
                    account.key, token, allow_insecure=config.allow_insecure_keyring
                )
            except secrets.SecretsError as exc:
                raise CommandFailed(str(exc)) from None
        try:
            edit.add_account(paths.config_file, account)
        except (ConfigError, OSError) as exc:
            if status is not None:  # do not leave an orphan token behind
                with contextlib.suppress(secrets.SecretsError):
                    secrets.delete_token(account.key)
            reason = (
                str(exc)
                if isinstance(exc, ConfigError)
                else f"cannot write {paths.config_file}: {exc.strerror}"
            )
            raise CommandFailed(reason) from None
        log.info("account %s added", account.key)
    finally:
        close_logging(handler)
    who = safe(identity.name, "name")
    if identity.username:
        who += f" (@{safe(identity.username, 'name')})"
    where = f"token in the keyring ({status.name})" if status else "token from its token_command"
    print(f"added {account.key}: {who}, id {safe(identity.id, 'name')}; {where}")
    if status is not None and status.ephemeral:
        print("warning: this keyring keeps tokens in memory only; they are gone when payam exits")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """``payam account list``."""
    from tui.settings import secrets
    from tui.settings.keyrings import check_keyring_backend

    _, config = _load(args)
    status = check_keyring_backend(config.allow_insecure_keyring)
    rows = [("ACCOUNT", "BASE URL", "PROXY", "SEND-ONLY", "TOKEN")]
    for account in config.accounts:
        if account.token_command:
            where = "command"
        elif not status.accepted:
            where = "keyring (refused)"
        else:
            try:
                secrets.load_token(account.key, allow_insecure=config.allow_insecure_keyring)
                where = "keyring"
            except secrets.TokenMissing:
                where = "keyring (MISSING)"
            except secrets.SecretsError:
                where = "keyring (unreadable)"
        try:
            base = account.resolved_base_url()
        except Exception:  # the adapter is missing or broken: `payam doctor` says why
            base = "(adapter missing)"
        rows.append(
            (
                account.key,
                base,
                schema.mask_url(account.proxy) if account.proxy else "-",
                "yes" if account.send_only else "no",
                where,
            )
        )
    if config.accounts:
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    else:
        print(f"no accounts in {config.path}; add one with `payam account add`")
    print(status.message if status.accepted else f"warning: {status.message}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    """``payam account remove <messenger:name>``: the config entry and the stored token."""
    from tui.settings import edit, secrets
    from tui.settings.logs import close_logging, setup_logging

    key = str(args.account)
    messenger, sep, name = key.partition(":")
    if not sep:
        raise UsageError(f"{key!r}: name the account as <messenger>:<name>, e.g. bale:shop")
    _flag("account", messenger, schema.check_messenger)
    _flag("account", name, schema.check_name)
    paths, config = _load(args)
    account = config.account(key)
    handler = setup_logging(paths, config.log_level)
    try:
        deleted = False
        if account is None or account.uses_keyring:
            try:
                deleted = secrets.delete_token(key)
            except secrets.SecretsError as exc:
                raise CommandFailed(f"{exc}; the config was not changed") from None
        if account is None:
            if not deleted:
                raise CommandFailed(f"there is no account {key}")
            print(f"{key} was not in {paths.config_file}; its stored token was deleted")
            return 0
        try:
            edit.remove_account(paths.config_file, key)
        except ConfigError as exc:
            raise CommandFailed(str(exc)) from None
        log.info("account %s removed", key)
    finally:
        close_logging(handler)
    print(f"removed {key}" + ("; its token was deleted from the keyring" if deleted else ""))
    return 0
