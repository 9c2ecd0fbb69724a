"""The shape of ``config.toml``: dataclasses, defaults, and one validator per kind of value.

This module owns the schema (CONTRACTS §6). Every key is documented in
README.md's configuration reference; a key added here is added there too. Validators raise
:class:`ValueError` with the *problem* only; :mod:`tui.settings.config` adds the file and the key
(``accounts[1].proxy``), and the ``payam account add`` flags reuse the same validators.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
import string
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # adapters (and httpx) load only when an account is actually used
    from adapters.base import AccountSpec

BidiMode = Literal["auto", "app", "terminal", "off"]
Language = Literal["en", "fa"]
Calendar = Literal["gregorian", "jalali"]
Digits = Literal["ascii", "persian"]
LogLevel = Literal["debug", "info", "warning", "error"]

BIDI_MODES: tuple[BidiMode, ...] = ("auto", "app", "terminal", "off")
LANGUAGES: tuple[Language, ...] = ("en", "fa")
CALENDARS: tuple[Calendar, ...] = ("gregorian", "jalali")
DIGITS: tuple[Digits, ...] = ("ascii", "persian")
LOG_LEVELS: tuple[LogLevel, ...] = ("debug", "info", "warning", "error")
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
BIDI_ENV = "PAYAM_BIDI"
DEFAULT_THEME = "payam-dark"
DEFAULT_TOKEN_COMMAND_TIMEOUT = 30.0
# Textual draws at most 60 frames a second by default: a key that lands just after a frame waits
# up to 16.7 ms for the next one, the whole PageUp budget (issue 6). At 120 that wait is at most
# 8.3 ms; frames are still drawn only when something changed.
DEFAULT_MAX_FPS = 120
MAX_FPS_RANGE = (10, 240)
# Placeholders a notification command may use; each is filled with display_safe text.
NOTIFY_FIELDS = frozenset({"account", "messenger", "chat", "sender", "text"})

# Action → keys. Arrows and vim-style keys both work out of the box; the TUI maps actions to
# its bindings and may add actions here (an action unknown to this table is warned about).
DEFAULT_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "quit": ("ctrl+q",),
        "help": ("f1", "question_mark"),
        "down": ("down", "j"),
        "up": ("up", "k"),
        "open": ("enter", "right", "l"),
        "back": ("escape", "left", "h"),
        "page_down": ("pagedown", "ctrl+d"),
        "page_up": ("pageup", "ctrl+u"),
        "first": ("home", "g"),
        "last": ("end", "G"),
        "next_unread": ("n",),
        "next_account": ("tab",),
        "search": ("slash", "ctrl+f"),
        "compose": ("i",),
        "send": ("enter",),
        "newline": ("shift+enter", "ctrl+j"),
        "reply": ("r",),
        "edit": ("e",),
        "delete": ("d", "delete"),
        "attach": ("ctrl+o",),
        "toggle_direction": ("ctrl+t",),
        "accounts": ("ctrl+a",),
        "filter": ("f",),
        "unread_only": ("u",),
        "next_messenger": ("m",),
        "pin": ("p",),
        "mute": ("M",),
        "palette": ("ctrl+p",),
    }
)

# The widgets' own keys (editing, the message actions, dialogs): as configurable in [keys] as the
# ones above, kept apart because they are not the everyday keys the README's table lists.
WIDGET_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # the text editor (composer, search query, command palette, path prompt)
        "cursor_left": ("left",),
        "cursor_right": ("right",),
        "cursor_up": ("up",),
        "cursor_down": ("down",),
        "line_start": ("home", "ctrl+a"),
        "line_end": ("end",),
        "word_left": ("ctrl+left",),
        "word_right": ("ctrl+right",),
        "select_left": ("shift+left",),
        "select_right": ("shift+right",),
        "select_up": ("shift+up",),
        "select_down": ("shift+down",),
        "select_line_start": ("shift+home",),
        "select_line_end": ("shift+end",),
        "select_word_left": ("ctrl+shift+left",),
        "select_word_right": ("ctrl+shift+right",),
        "delete_back": ("backspace",),
        "delete_forward": ("delete",),
        "delete_word_back": ("ctrl+w",),
        "delete_to_start": ("ctrl+u",),
        "delete_to_end": ("ctrl+k",),
        "submit": ("enter",),
        "zwnj": ("ctrl+space", "ctrl+@", "shift+space"),
        "complete": ("tab",),
        # the composer
        "leave_mode": ("escape",),
        "external_editor": ("ctrl+e",),
        "send_options": ("alt+o",),
        # a message in a chat
        "copy": ("y",),
        "open_file": ("o",),
        "save": ("s",),
        "follow_reply": ("enter",),
        "cycle_direction": ("t",),
        "show_more": ("m",),
        "resend": ("R",),
        "discard": ("x",),
        # screens and dialogs
        "close": ("escape",),
        "cancel": ("escape",),
        "dismiss": ("escape", "q", "question_mark", "f1"),
        "focus_query": ("ctrl+f",),
        "results": ("down",),
        "yes": ("y", "enter"),
        "no": ("n", "escape"),
        "accounts_add": ("a",),
        "accounts_remove": ("d", "delete"),
        "accounts_restart": ("r",),
    }
)

_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAME = re.compile(r"[^\W_][\w.-]{0,63}")  # any script's letters and digits; no ':', '/', space
_MESSENGER = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_USERNAME = re.compile(r"@?[A-Za-z][A-Za-z0-9_]{2,31}")
_CHAT_ID = re.compile(r"-?[0-9]{1,20}")
_KEY_NAME = re.compile(r"[a-z0-9_]{2,24}")


@dataclass(frozen=True, slots=True)
class NotificationsConfig:
    """``[notifications]``: how a new message is announced."""

    bell: bool = True
    desktop: bool = False
    command: tuple[str, ...] = ()  # argv template, run without a shell; empty: no command


@dataclass(frozen=True, slots=True, repr=False)
class AccountConfig:
    """One ``[[accounts]]`` entry. Holds no token: see :mod:`tui.settings.secrets`."""

    messenger: str
    name: str
    base_url: str | None = None  # None: the adapter's real API root (``default_base_url``)
    proxy: str | None = None
    channels: tuple[str, ...] = ()
    send_only: bool = False
    token_command: str | None = None  # None: the token is in the keyring

    def __repr__(self) -> str:
        # A proxy URL may carry a password; reprs end up in tracebacks and crash screens.
        proxy = mask_url(self.proxy) if self.proxy else None
        return (
            f"AccountConfig(messenger={self.messenger!r}, name={self.name!r}, "
            f"base_url={self.base_url!r}, proxy={proxy!r}, channels={self.channels!r}, "
            f"send_only={self.send_only!r}, token_command={self.token_command!r})"
        )

    @property
    def key(self) -> str:
        """``<messenger>:<name>``: the account's name in the CLI, the keyring and the store."""
        return f"{self.messenger}:{self.name}"

    @property
    def token_source(self) -> Literal["keyring", "command"]:
        """Where :func:`tui.settings.secrets.get_token` looks for the token."""
        return "command" if self.token_command else "keyring"

    @property
    def uses_keyring(self) -> bool:
        """True when the token is stored in the keyring (no ``token_command``)."""
        return not self.token_command

    def resolved_base_url(self) -> str:
        """``base_url``, or the adapter's ``default_base_url`` (this imports the adapter)."""
        if self.base_url is not None:
            return self.base_url
        from adapters import registry

        return registry.load(self.messenger).default_base_url.rstrip("/")

    def spec(self) -> AccountSpec:
        """The :class:`adapters.base.AccountSpec` the engine hands this account's adapter."""
        from adapters.base import AccountSpec

        return AccountSpec(
            messenger=self.messenger,
            name=self.name,
            base_url=self.resolved_base_url(),
            channels=self.channels,
            receive=not self.send_only,
        )


@dataclass(frozen=True, slots=True)
class Config:
    """A validated ``config.toml`` (or the defaults, when the file does not exist)."""

    path: Path
    exists: bool = False
    downloads_dir: Path | None = None  # None: platformdirs' downloads dir / Payam
    allow_insecure_keyring: bool = False
    token_command_timeout: float = DEFAULT_TOKEN_COMMAND_TIMEOUT
    bidi: BidiMode = "auto"
    language: Language = "en"
    calendar: Calendar = "gregorian"
    digits: Digits = "ascii"
    theme: str = DEFAULT_THEME
    log_level: LogLevel = "info"
    max_fps: int = DEFAULT_MAX_FPS
    notifications: NotificationsConfig = NotificationsConfig()
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_KEYS)
    accounts: tuple[AccountConfig, ...] = ()
    warnings: tuple[str, ...] = ()  # unknown keys and risky values, each naming file and key

    def account(self, key: str) -> AccountConfig | None:
        """The account named ``<messenger>:<name>``, or None."""
        return next((a for a in self.accounts if a.key == key), None)

    def bidi_setting(self, env: Mapping[str, str] | None = None) -> BidiMode:
        """The bidi mode to use: a valid ``PAYAM_BIDI`` wins over the file's ``bidi``."""
        value = (os.environ if env is None else env).get(BIDI_ENV, "").strip().lower()
        for mode in BIDI_MODES:
            if value == mode:
                return mode
        return self.bidi

    def resolved_downloads_dir(self) -> Path:
        """Where attachments are saved (CONTRACTS §6)."""
        from tui.settings.paths import default_downloads_dir

        return self.downloads_dir if self.downloads_dir is not None else default_downloads_dir()


# --- validators: each returns the normalised value or raises ValueError(problem) ---------------


def check_messenger(value: str) -> str:
    """A messenger (adapter) name: lower-case letters, digits, ``-`` and ``_``."""
    if not _MESSENGER.fullmatch(value):
        raise ValueError(f"{value!r} is not a messenger name (e.g. bale, eitaa, telegram)")
    return value


def check_name(value: str) -> str:
    """An account name: letters and digits of any script, ``.``, ``-``, ``_``; at most 64."""
    if not _NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an account name: use letters, digits, '.', '-' or '_' "
            "(no spaces or ':'), starting with a letter or digit, at most 64"
        )
    return value


def _split_url(value: str, what: str) -> urllib.parse.SplitResult:
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"{what} is not a valid URL ({exc})") from None
    if not parts.hostname:
        raise ValueError(f"{what} has no host")
    if parts.query or parts.fragment:
        raise ValueError(f"{what} must not have a query or fragment")
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise ValueError(f"{what} contains spaces or control characters")
    return parts


def check_base_url(value: str) -> str:
    """An ``http(s)://host[:port][/path]`` API root without credentials; no trailing slash."""
    parts = _split_url(value, "the base URL")
    if parts.scheme not in ("http", "https"):
        raise ValueError("the base URL must start with http:// or https://")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the base URL must not contain a user name or password")
    return value.rstrip("/")


def cleartext_warning(base_url: str) -> str | None:
    """A warning when the token would travel unencrypted to a host that is not this machine."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme != "http" or is_loopback(parts.hostname or ""):
        return None
    return "uses http:// to a remote host: the token travels unencrypted"


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_proxy(value: str) -> str:
    """``http://``, ``https://``, ``socks5://`` or ``socks5h://`` + host[:port]; no path."""
    parts = _split_url(value, "the proxy")
    if parts.scheme.lower() not in PROXY_SCHEMES:
        raise ValueError(
            f"proxy scheme {parts.scheme or '(none)'!r} is not supported: use "
            + ", ".join(f"{s}://" for s in PROXY_SCHEMES)
        )
    if parts.path not in ("", "/"):
        raise ValueError("the proxy URL must not have a path")
    return value.rstrip("/")


def mask_url(value: str) -> str:
    """``value`` with any password in it replaced by ``***`` (for display)."""
    parts = urllib.parse.urlsplit(value)
    if parts.password is None:
        return value
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def url_password(value: str) -> str | None:
    """The password inside a URL (a proxy's), so it can be redacted from logs."""
    try:
        password = urllib.parse.urlsplit(value).password
    except ValueError:
        return None
    return urllib.parse.unquote(password) if password else None


def check_channel(value: str) -> str:
    """A chat to post to: ``@username`` (or the bare username) or a numeric id."""
    if not (_USERNAME.fullmatch(value) or _CHAT_ID.fullmatch(value)):
        raise ValueError(f"{value!r} is neither an @username (3-32 letters) nor a numeric chat id")
    return value


def check_token_command(value: str) -> str:
    """A command line, split like a shell would (``shlex``) but run without one."""
    try:
        argv = shlex.split(value)
    except ValueError as exc:
        raise ValueError(f"the token command cannot be split into words ({exc})") from None
    if not argv:
        raise ValueError("the token command is empty")
    return value


def check_key(value: str) -> str:
    """A key as the TUI spells it: ``ctrl+q``, ``pagedown``, ``j``, ``G``, ``question_mark``."""
    *mods, key = value.split("+")
    bad = [m for m in mods if m not in _MODIFIERS]
    if bad:
        known = ", ".join(sorted(_MODIFIERS))
        raise ValueError(f"{value!r}: unknown modifier {bad[0]!r} (use {known})")
    single = len(key) == 1 and key.isprintable() and not key.isspace()
    if not (single or _KEY_NAME.fullmatch(key)):
        raise ValueError(f"{value!r} is not a key name (e.g. 'j', 'ctrl+d', 'pagedown')")
    return value


def check_notify_command(argv: tuple[str, ...]) -> tuple[str, ...]:
    """Each argument may use the placeholders in :data:`NOTIFY_FIELDS` (``{sender}`` …)."""
    formatter = string.Formatter()
    for arg in argv:
        try:
            fields = [f for _, f, _, _ in formatter.parse(arg) if f is not None]
        except ValueError as exc:
            raise ValueError(f"{arg!r}: {exc}") from None
        unknown = [f for f in fields if f not in NOTIFY_FIELDS]
        if unknown:
            raise ValueError(
                f"{arg!r}: unknown placeholder {{{unknown[0]}}} "
                f"(use {', '.join('{' + f + '}' for f in sorted(NOTIFY_FIELDS))})"
            )
    return argv
