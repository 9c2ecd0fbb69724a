"""Read and validate ``config.toml`` (the schema is in :mod:`tui.settings.schema`).

Reading uses :mod:`tomllib` (fast, strict); :mod:`tui.settings.edit` writes with ``tomlkit`` and
keeps the user's comments. Every problem names the file, the key (``accounts[1].proxy``) and
what is wrong; unknown keys are warnings, not errors. A token in the file is an error: tokens
live in the keyring.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, cast

from tui.settings import schema
from tui.settings.schema import AccountConfig, Config, NotificationsConfig

T = TypeVar("T")
TOP_KEYS = frozenset(
    {
        "downloads_dir",
        "allow_insecure_keyring",
        "token_command_timeout",
        "bidi",
        "language",
        "calendar",
        "digits",
        "theme",
        "log_level",
        "max_fps",
        "notifications",
        "keys",
        "accounts",
    }
)
ACCOUNT_KEYS = frozenset(
    {"messenger", "name", "base_url", "proxy", "channels", "send_only", "token_command"}
)
NOTIFY_KEYS = frozenset({"bell", "desktop", "command"})
# Keys someone might use to paste a token into the file; refused loudly, value never echoed.
_SECRET_KEYS = frozenset({"token", "bot_token", "auth", "password", "secret", "api_key", "key"})
HEADER = (
    "# Payam configuration. Every key is described in the README (Configuration reference).\n"
    "# Tokens are never stored here: they live in the system keyring or come from\n"
    "# an account's token_command.\n"
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file: the key (``""`` for the whole file) and the problem."""

    key: str
    message: str


class ConfigError(Exception):
    """The config file cannot be used. ``str()`` is one line; ``problems`` has them all."""

    def __init__(self, path: Path, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        super().__init__(self.describe(0) + self._more())

    def describe(self, index: int) -> str:
        """``<file>: <key>: <problem>`` for one problem."""
        p = self.problems[index]
        return f"{self.path}: {p.key}: {p.message}" if p.key else f"{self.path}: {p.message}"

    def lines(self) -> list[str]:
        """Every problem, one line each."""
        return [self.describe(i) for i in range(len(self.problems))]

    def _more(self) -> str:
        extra = len(self.problems) - 1
        return f" (and {extra} more; see `payam doctor`)" if extra else ""


# --- reading --------------------------------------------------------------------------------


def load_config(path: Path) -> Config:
    """The validated config at ``path``; the defaults when it does not exist.

    Raises :class:`ConfigError` for unreadable or invalid files. Proxy passwords found in the
    file are registered with the log redactor.
    """
    if not path.exists():
        return Config(path=path, exists=False)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(path, [Problem("", "is not UTF-8 text")]) from None
    except OSError as exc:
        raise ConfigError(path, [Problem("", f"cannot be read ({exc.strerror})")]) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate TOML ``text`` as if it were the file at ``path``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message names line and column, never the content.
        raise ConfigError(path, [Problem("", f"is not valid TOML: {exc}")]) from None
    reader = _Reader(path)
    config = reader.config(data)
    if reader.problems:
        raise ConfigError(path, reader.problems)
    _register_proxy_passwords(config.accounts)
    return config


def _register_proxy_passwords(accounts: Sequence[AccountConfig]) -> None:
    from adapters import redact

    for account in accounts:
        password = schema.url_password(account.proxy) if account.proxy else None
        if password:
            redact.register(password)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem(key, message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(f"{self.path}: {key}: {message}")

    def unknown(self, table: dict[str, Any], known: frozenset[str], prefix: str) -> None:
        for key in table:
            if key not in known:
                self.warn(f"{prefix}{key}", "unknown key (ignored)")

    def typed(self, table: dict[str, Any], key: str, kind: type[T], default: T, name: str) -> T:
        value = table.get(key, default)
        # bool is an int in Python; TOML keeps them apart, so must we.
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return cast(T, float(value))
        if not ok:
            self.error(name, f"must be {_KIND_NAMES.get(kind, kind.__name__)}")
            return default
        return cast(T, value)

    def choice(self, table: dict[str, Any], key: str, choices: tuple[T, ...], default: T) -> T:
        value = self.typed(table, key, str, cast(str, default), key)
        if value not in choices:
            self.error(key, f"{value!r} is not one of: {', '.join(map(str, choices))}")
            return default
        return cast(T, value)

    def checked(self, name: str, value: T, check: Callable[[T], T]) -> T | None:
        try:
            return check(value)
        except ValueError as exc:
            self.error(name, str(exc))
            return None

    def config(self, data: dict[str, Any]) -> Config:
        self.unknown(data, TOP_KEYS, "")
        downloads = self.typed(data, "downloads_dir", str, "", "downloads_dir")
        timeout = self.typed(
            data,
            "token_command_timeout",
            float,
            schema.DEFAULT_TOKEN_COMMAND_TIMEOUT,
            "token_command_timeout",
        )
        if not 1 <= timeout <= 600:
            self.error("token_command_timeout", "must be between 1 and 600 seconds")
        max_fps = self.typed(data, "max_fps", int, schema.DEFAULT_MAX_FPS, "max_fps")
        if not schema.MAX_FPS_RANGE[0] <= max_fps <= schema.MAX_FPS_RANGE[1]:
            low, high = schema.MAX_FPS_RANGE
            self.error("max_fps", f"must be between {low} and {high} frames per second")
        theme = self.typed(data, "theme", str, schema.DEFAULT_THEME, "theme")
        if not theme.strip():
            self.error("theme", "must not be empty")
        return Config(
            path=self.path,
            exists=True,
            downloads_dir=self.downloads(downloads) if downloads else None,
            allow_insecure_keyring=self.typed(
                data, "allow_insecure_keyring", bool, False, "allow_insecure_keyring"
            ),
            token_command_timeout=timeout,
            bidi=self.choice(data, "bidi", schema.BIDI_MODES, "auto"),
            language=self.choice(data, "language", schema.LANGUAGES, "en"),
            calendar=self.choice(data, "calendar", schema.CALENDARS, "gregorian"),
            digits=self.choice(data, "digits", schema.DIGITS, "ascii"),
            theme=theme,
            log_level=self.choice(data, "log_level", schema.LOG_LEVELS, "info"),
            max_fps=max_fps,
            notifications=self.notifications(data.get("notifications", {})),
            keys=MappingProxyType(self.keys(data.get("keys", {}))),
            accounts=self.accounts(data.get("accounts", [])),
            warnings=tuple(self.warnings),
        )

    def downloads(self, value: str) -> Path:
        path = Path(os.path.expanduser(value))
        # A relative path is relative to the config file, not to wherever payam was started.
        return path if path.is_absolute() else (self.path.parent / path)

    def notifications(self, table: object) -> NotificationsConfig:
        if not isinstance(table, dict):
            self.error("notifications", "must be a table ([notifications])")
            return NotificationsConfig()
        self.unknown(table, NOTIFY_KEYS, "notifications.")
        command: object = table.get("command", [])
        argv: tuple[str, ...] = ()
        if isinstance(command, str):
            checked = self.checked("notifications.command", command, schema.check_token_command)
            if checked is not None:
                import shlex

                argv = tuple(shlex.split(checked))
        elif isinstance(command, list) and all(isinstance(a, str) for a in command):
            argv = tuple(command)
        else:
            self.error("notifications.command", "must be a string or a list of strings")
        argv = self.checked("notifications.command", argv, schema.check_notify_command) or ()
        return NotificationsConfig(
            bell=self.typed(table, "bell", bool, True, "notifications.bell"),
            desktop=self.typed(table, "desktop", bool, False, "notifications.desktop"),
            command=argv,
        )

    def keys(self, table: object) -> dict[str, tuple[str, ...]]:
        keys = dict(schema.DEFAULT_KEYS)
        if not isinstance(table, dict):
            self.error("keys", "must be a table ([keys])")
            return keys
        for action, value in table.items():
            name = f"keys.{action}"
            if action not in schema.DEFAULT_KEYS and action not in schema.WIDGET_KEYS:
                self.warn(name, "unknown action (kept, but nothing uses it yet)")
            values = [value] if isinstance(value, str) else value
            if not (
                isinstance(values, list) and values and all(isinstance(v, str) for v in values)
            ):
                self.error(name, "must be a key name or a non-empty list of key names")
                continue
            good = [self.checked(name, v, schema.check_key) for v in values]
            keys[action] = tuple(v for v in good if v is not None)
        return keys

    def accounts(self, value: object) -> tuple[AccountConfig, ...]:
        if not (isinstance(value, list) and all(isinstance(t, dict) for t in value)):
            self.error("accounts", "must be an array of tables ([[accounts]])")
            return ()
        out: list[AccountConfig] = []
        seen: dict[str, int] = {}
        for i, table in enumerate(value):
            account = self.account(table, f"accounts[{i}]")
            if account is None:
                continue
            if account.key in seen:
                self.error(
                    f"accounts[{i}]",
                    f"duplicate account {account.key} (also accounts[{seen[account.key]}])",
                )
                continue
            seen[account.key] = i
            out.append(account)
        return tuple(out)

    def account(self, table: dict[str, Any], prefix: str) -> AccountConfig | None:
        errors_before = len(self.problems)
        for key in table:
            if key in _SECRET_KEYS:
                self.error(
                    f"{prefix}.{key}",
                    "tokens must not be written in the config file: remove this line and run "
                    "`payam account add` (the token goes to the keyring) or set token_command",
                )
        self.unknown(
            {k: v for k, v in table.items() if k not in _SECRET_KEYS}, ACCOUNT_KEYS, f"{prefix}."
        )
        for key in ("messenger", "name"):
            if key not in table:
                self.error(f"{prefix}.{key}", "is required")
        messenger = self.string(table, "messenger", prefix, schema.check_messenger)
        name = self.string(table, "name", prefix, schema.check_name)
        base_url = self.string(table, "base_url", prefix, schema.check_base_url)
        proxy = self.string(table, "proxy", prefix, schema.check_proxy)
        token_command = self.string(table, "token_command", prefix, schema.check_token_command)
        channels_raw: object = table.get("channels", [])
        channels: list[str] = []
        if isinstance(channels_raw, list) and all(isinstance(c, str) for c in channels_raw):
            for j, channel in enumerate(channels_raw):
                good = self.checked(f"{prefix}.channels[{j}]", channel, schema.check_channel)
                if good is not None:
                    channels.append(good)
        else:
            self.error(f"{prefix}.channels", "must be a list of strings (@username or chat id)")
        send_only = self.typed(table, "send_only", bool, False, f"{prefix}.send_only")
        if base_url is not None and (warning := schema.cleartext_warning(base_url)):
            self.warn(f"{prefix}.base_url", warning)
        if len(self.problems) > errors_before or messenger is None or name is None:
            return None
        return AccountConfig(
            messenger=messenger,
            name=name,
            base_url=base_url,
            proxy=proxy,
            channels=tuple(channels),
            send_only=send_only,
            token_command=token_command,
        )

    def string(
        self, table: dict[str, Any], key: str, prefix: str, check: Callable[[str], str]
    ) -> str | None:
        if key not in table:
            return None
        value = self.typed(table, key, str, "", f"{prefix}.{key}")
        return self.checked(f"{prefix}.{key}", value, check) if value else None


_KIND_NAMES: dict[type, str] = {
    bool: "true or false",
    str: "a string",
    float: "a number",
    int: "an integer",
}
