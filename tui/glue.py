"""What the screens need between the service, the settings and the words: no Textual here.

* :class:`DateLabels` — an inbox row's time: ``HH:MM`` today, a weekday this week, a short date
  this year, else a full date; Gregorian or Jalali (``jdatetime``), ASCII or Persian digits.
* :func:`state_label` / :func:`accounts_summary` — account statuses in the UI's language.
* :func:`add_account` / :func:`remove_account` — what the accounts screen does, with the same
  rules as ``payam account add|remove`` (:mod:`tui.commands.account`): keyring policy first,
  the token verified with ``me()`` over the account's own proxy before anything is stored,
  stored in the keyring, then the config written, then the account started. A token is only
  ever held as a :class:`~adapters.secret.Secret` and never logged or shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

import jdatetime

from tui.engine.service_types import AccountStatus
from tui.i18n import I18n
from tui.settings import schema
from tui.settings.paths import Paths
from tui.settings.schema import AccountConfig, Config
from tui.text import display_safe
from tui.widgets.dates import GREGORIAN_MONTHS_FA

if TYPE_CHECKING:
    from adapters.models import Identity
    from adapters.secret import Secret
    from tui.engine.service import Service

log = logging.getLogger("payam.ui")

_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_FA = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")


class DateLabels:
    """Short time labels for list rows (see the module docs)."""

    def __init__(self, t: I18n, calendar: schema.Calendar, tz: tzinfo | None = None) -> None:
        """``t`` gives the language and digits; ``tz`` None is the machine's zone."""
        self.t = t
        self.calendar = calendar
        self.tz = tz

    def row(self, when: datetime | None, now: datetime) -> str:
        """The label of a row whose last activity was ``when`` (empty when unknown)."""
        if when is None:
            return ""
        local, today = when.astimezone(self.tz), now.astimezone(self.tz)
        fa = self.t.language == "fa"
        if local.date() == today.date():
            return self.t.digits(local.strftime("%H:%M"))
        if timedelta(0) < today - local < timedelta(days=6):
            names = _WEEKDAYS_FA if fa else _WEEKDAYS_EN
            return names[local.weekday()]
        if self.calendar == "jalali":
            j = jdatetime.date.fromgregorian(date=local.date())
            jt = jdatetime.date.fromgregorian(date=today.date())
            months = jdatetime.date.j_months_fa if fa else jdatetime.date.j_months_short_en
            if j.year == jt.year:
                return self.t.digits(f"{j.day} {months[j.month - 1]}")
            return self.t.digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")
        if local.year == today.year:
            month = GREGORIAN_MONTHS_FA[local.month - 1] if fa else local.strftime("%b")
            return self.t.digits(f"{local.day} {month}")
        return self.t.digits(local.strftime("%Y-%m-%d"))

    def clock(self, when: datetime) -> str:
        """``HH:MM:SS`` (a rate limit's end)."""
        return self.t.digits(when.astimezone(self.tz).strftime("%H:%M:%S"))


# --- account statuses -------------------------------------------------------------------


def state_label(status: AccountStatus, t: I18n, dates: DateLabels | None = None) -> str:
    """The status in words (the localised :attr:`AccountStatus.label`); reasons quoted from
    servers are display-safe."""
    state = status.state
    if state == "rate_limited":
        until = status.until
        when = (dates.clock(until) if dates else until.strftime("%H:%M:%S")) if until else None
        text = t("state.rate_limited", until=when or t("state.later"))
    elif state == "retrying":
        text = t("state.retrying", count=t.num(status.retries))
    elif state == "polling_elsewhere":
        pid = t.num(status.holder_pid) if status.holder_pid is not None else "?"
        text = t("state.polling_elsewhere", pid=pid)
    else:
        text = t(f"state.{state}")
    if state in ("conflict", "stopped", "token_unavailable", "token_rejected") and status.reason:
        text += f" ({display_safe(status.reason, 'name')})"
    if status.proxy:
        text += f" · {t('state.proxy')}"
    return text


def accounts_summary(statuses: Sequence[AccountStatus], t: I18n) -> str:
    """``3 accounts: 2 polling · 1 token rejected`` (short state words, worst first)."""
    if not statuses:
        return t("status.no_accounts")
    counts = Counter(s.state for s in statuses)
    order = sorted(counts, key=lambda s: (s not in _BAD, s))
    parts = [f"{t.num(counts[s])} {t(_SHORT.get(s, f'state.{s}'))}" for s in order]
    return f"{t('status.accounts', count=t.num(len(statuses)))}: " + " · ".join(parts)


_BAD = frozenset({"token_rejected", "token_unavailable", "conflict", "stopped"})
_SHORT = {
    "rate_limited": "state.rate_limited_short",
    "retrying": "state.retrying_short",
    "polling_elsewhere": "state.polling_elsewhere_short",
}


# --- adding and removing accounts --------------------------------------------------------


class AddAccountError(Exception):
    """Why an account was not added; ``field`` names the form field to fix (or "")."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True, repr=False)
class NewAccount:
    """What the add-account form collected. ``token`` is a Secret (never printed)."""

    account: AccountConfig
    token: Secret | None

    def __repr__(self) -> str:
        return f"NewAccount({self.account!r}, token={'***' if self.token else None})"


def parse_form(
    *,
    messenger: str,
    name: str,
    base_url: str,
    proxy: str,
    channels: str,
    send_only: bool,
    token: Secret | None,
    token_command: str,
    t: I18n,
) -> NewAccount:
    """Validate the form with the settings' validators; :class:`AddAccountError` names the
    field at fault."""

    def check(field: str, value: str, fn: object) -> str:
        try:
            return fn(value.strip())  # type: ignore[operator,no-any-return]
        except ValueError as exc:
            raise AddAccountError(str(exc), field) from None

    command = token_command.strip()
    if token and command:
        raise AddAccountError(t("add.both_tokens"), "token")
    if not token and not command:
        raise AddAccountError(t("add.need_token"), "token")
    account = AccountConfig(
        messenger=check("messenger", messenger, schema.check_messenger),
        name=check("name", name, schema.check_name),
        base_url=check("base_url", base_url, schema.check_base_url) if base_url.strip() else None,
        proxy=check("proxy", proxy, schema.check_proxy) if proxy.strip() else None,
        channels=tuple(
            check("channels", c, schema.check_channel)
            for c in channels.replace("،", ",").split(",")
            if c.strip()
        ),
        send_only=send_only,
        token_command=check("token_command", command, schema.check_token_command)
        if command
        else None,
    )
    return NewAccount(account, token if not command else None)


@dataclass(frozen=True, slots=True)
class Added:
    """An account that was verified, stored and started."""

    config: Config
    identity: Identity
    status: AccountStatus
    keyring: str  # the backend that holds the token, "" for a token command


async def add_account(
    new: NewAccount, paths: Paths, config: Config, service: Service, t: I18n
) -> Added:
    """Verify, store, write and start ``new`` (see the module docs); raises
    :class:`AddAccountError` with a sentence for the user."""
    from adapters import registry
    from adapters.errors import AdapterError, AuthFailed
    from tui.commands.account import verify
    from tui.engine.runtime import parts_from_config
    from tui.settings import edit, secrets
    from tui.settings.config import ConfigError

    account = new.account
    if config.account(account.key) is not None or account.key in service.runners:
        raise AddAccountError(t("add.exists", account=account.key), "name")
    try:
        cls = await asyncio.to_thread(registry.load, account.messenger)
    except Exception as exc:
        raise AddAccountError(f"{account.messenger}: {type(exc).__name__}", "messenger") from None
    keyring_name = ""
    if account.uses_keyring:  # refuse before anything goes over the network
        try:
            verdict = await asyncio.to_thread(
                secrets.require_keyring, config.allow_insecure_keyring
            )
        except secrets.KeyringRefused as exc:
            raise AddAccountError(
                t("add.keyring_refused", reason=display_safe(exc.status.reason, "name")), "token"
            ) from None
        keyring_name = verdict.name
        token = new.token
    else:
        assert account.token_command is not None
        try:
            token = await asyncio.to_thread(
                secrets.run_token_command,
                account.token_command,
                config.token_command_timeout,
                account.key,
            )
        except secrets.SecretsError as exc:
            raise AddAccountError(display_safe(str(exc), "name"), "token_command") from None
    assert token is not None
    base_url = account.base_url or cls.default_base_url.rstrip("/")
    try:
        identity = await verify(cls, account, base_url, token)
    except AuthFailed:
        messenger = t.messenger(account.messenger)
        raise AddAccountError(t("add.rejected", messenger=messenger), "token") from None
    except AdapterError as exc:
        reason = display_safe(exc.reason, "name")
        raise AddAccountError(t("add.unverified", reason=reason), "base_url") from None
    except Exception as exc:  # an adapter bug: its message might quote a URL, so name only
        reason = type(exc).__name__
        raise AddAccountError(t("add.unverified", reason=reason), "base_url") from None
    if account.uses_keyring:
        try:
            await asyncio.to_thread(
                secrets.store_token,
                account.key,
                token,
                allow_insecure=config.allow_insecure_keyring,
            )
        except secrets.SecretsError as exc:
            raise AddAccountError(display_safe(str(exc), "name"), "token") from None
    try:
        new_config = await asyncio.to_thread(edit.add_account, paths.config_file, account)
    except (ConfigError, OSError) as exc:
        if account.uses_keyring:  # never leave an orphan token behind
            with contextlib.suppress(secrets.SecretsError):
                await asyncio.to_thread(secrets.delete_token, account.key)
        reason = str(exc) if isinstance(exc, ConfigError) else (exc.strerror or "error")
        raise AddAccountError(t("add.failed", reason=display_safe(reason, "name"))) from None
    log.info("account %s added from the accounts screen", account.key)
    added = new_config.account(account.key) or account
    status = await service.add_account(parts_from_config(added, new_config))
    return Added(new_config, identity, status, keyring_name)


async def remove_account(
    key: str, paths: Paths, config: Config, service: Service, *, forget_history: bool
) -> Config:
    """Stop the account, drop it from the config and its token from the keyring (and its
    history when asked). Returns the new config; raises :class:`AddAccountError`."""
    from tui.settings import edit, secrets
    from tui.settings.config import ConfigError

    account = config.account(key)
    if key in service.runners or forget_history:
        with contextlib.suppress(Exception):
            await service.remove_account(key, forget_history=forget_history)
    new_config = config
    if account is not None:
        try:
            new_config = await asyncio.to_thread(edit.remove_account, paths.config_file, key)
        except (ConfigError, OSError) as exc:
            raise AddAccountError(display_safe(str(exc), "name")) from None
    if account is None or account.uses_keyring:
        with contextlib.suppress(secrets.SecretsError):
            await asyncio.to_thread(secrets.delete_token, key)
    log.info("account %s removed from the accounts screen", key)
    return new_config


__all__ = [
    "AddAccountError",
    "Added",
    "DateLabels",
    "NewAccount",
    "accounts_summary",
    "add_account",
    "parse_form",
    "remove_account",
    "state_label",
]
