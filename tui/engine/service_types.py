"""What the service hands the UI and the CLI: account statuses, inbox filters, notices, errors.

Everything here is a frozen value: the UI can keep it, compare it and pass it between threads.
Strings that came from outside (titles, names, reasons quoting a server) are raw: the UI and
the CLI pass them through ``display_safe`` at their display choke point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, TypeAlias

from adapters.base import Capabilities

AccountState: TypeAlias = Literal[
    "starting",  # the account task has not finished setting up (token, adapter)
    "polling",
    "idle",  # not polling in this process (stopped by the user, or polling not asked for)
    "rate_limited",
    "retrying",
    "token_rejected",
    "token_unavailable",  # keyring refused, no token stored, token_command failed
    "conflict",  # 409: a webhook is set or another client polls this bot
    "stopped",  # any other stop (the server refuses updates, the adapter is missing)
    "send_only",
    "polling_elsewhere",  # another process holds this account's poll lock
]
Delivering: TypeAlias = Literal["here", "elsewhere", "off"]
Origin: TypeAlias = Literal["sync", "outbox", "local", "elsewhere"]


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """One account as the accounts screen and the status line show it."""

    key: str
    messenger: str
    name: str
    state: AccountState = "starting"
    reason: str = ""
    until: datetime | None = None  # rate_limited / retrying: when the next attempt goes
    retries: int = 0  # retrying: failures in a row
    holder_pid: int | None = None  # polling_elsewhere: the process that polls
    remote: str = ""  # polling_elsewhere: the status that process last stored
    proxy: str | None = None  # the proxy URL, password masked
    capabilities: Capabilities | None = None  # None until the adapter class is loaded
    receive: bool = True  # False: a send-only account (config, or the messenger cannot)
    delivering: Delivering = "off"  # which process sends this account's outbox

    @property
    def running(self) -> bool:
        """Whether the account works in this process (polling, waiting, or send-only)."""
        return self.state in ("polling", "rate_limited", "retrying", "send_only", "idle")

    @property
    def failed(self) -> bool:
        """Whether the account stopped for a reason the user must act on."""
        return self.state in ("token_rejected", "token_unavailable", "conflict", "stopped")

    @property
    def label(self) -> str:
        """The status in words: "polling", "rate-limited until 12:00:03", "retrying (3)",
        "token rejected", "conflict (…)", "stopped (…)", "send-only",
        "polling elsewhere (pid N)"; "· proxy in use" is added when the account has one."""
        state = self.state
        if state == "rate_limited":
            when = self.until.astimezone().strftime("%H:%M:%S") if self.until else "later"
            text = f"rate-limited until {when}"
        elif state == "retrying":
            text = f"retrying ({self.retries})"
        elif state in ("conflict", "stopped", "token_unavailable"):
            word = {"token_unavailable": "no token"}.get(state, state)
            text = f"{word} ({self.reason})" if self.reason else word
        elif state == "polling_elsewhere":
            pid = f"pid {self.holder_pid}" if self.holder_pid is not None else "another process"
            text = f"polling elsewhere ({pid})"
        else:
            text = state.replace("_", " ").replace("send only", "send-only")
        return f"{text} · proxy in use" if self.proxy else text


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """Which inbox rows to show. ``text`` filters on title and @username, insensitive to the
    same spellings search folds (ي/ی, ك/ک, ZWNJ, diacritics, case, digits)."""

    messengers: frozenset[str] = frozenset()
    accounts: frozenset[str] = frozenset()
    unread_only: bool = False
    text: str = ""


@dataclass(frozen=True, slots=True)
class ChatCandidate:
    """A chat a reference could mean (for the "ambiguous" error)."""

    account: str
    chat_id: str
    title: str
    username: str | None


# --- notices ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessagesChanged:
    """Messages of one chat changed. ``new``/``edited``/``deleted`` are the messengers' ids when
    this process stored them (origin ``sync``); empty when only "something changed" is known
    (origin ``elsewhere``: another process wrote). ``live`` is False for the backlog fetched at
    start (history), True for arrivals while running; ``incoming`` is True when a new message
    from someone else is among them: notify when ``live and incoming`` and the chat is unmuted.
    """

    account: str
    chat_id: str
    new: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    live: bool = True
    incoming: bool = False
    origin: Origin = "sync"


@dataclass(frozen=True, slots=True)
class InboxChanged:
    """The cached inbox changed: re-read :meth:`Service.inbox`. ``chats`` names the rows
    (``(account, chat_id)``); empty means the whole list."""

    chats: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class AccountChanged:
    """An account's status changed."""

    status: AccountStatus


@dataclass(frozen=True, slots=True)
class OutboxChanged:
    """Outbox rows of these chats changed state (queued, sent, failed…): a conversation showing
    one of them re-reads its page."""

    account: str
    chat_ids: frozenset[str] = frozenset()
    detail: str = ""


@dataclass(frozen=True, slots=True)
class GapFound:
    """A gap marker was added: messages may be missing."""

    account: str
    reason: str


@dataclass(frozen=True, slots=True)
class DownloadFinished:
    """A download ended: ``path`` when it worked, else ``error``."""

    attachment_id: int
    path: Path | None
    error: str = ""


@dataclass(frozen=True, slots=True)
class StoreChecked:
    """The background integrity check finished; no problems means the file is sound."""

    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChangedElsewhere:
    """Another process wrote to the store (``payam send`` beside the TUI, the process that
    polls an account). Rows in ``chats`` changed and got their own :class:`MessagesChanged`;
    anything else on screen (an edit of an older message, outbox states) may have changed
    too: re-read it."""

    chats: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class Resync:
    """The subscriber fell behind and notices were dropped: re-read everything."""


Notice: TypeAlias = (
    MessagesChanged
    | InboxChanged
    | AccountChanged
    | OutboxChanged
    | GapFound
    | DownloadFinished
    | StoreChecked
    | ChangedElsewhere
    | Resync
)


# --- errors ----------------------------------------------------------------------------------


class ServiceError(Exception):
    """A request the service could not do; ``str()`` is one line for the user (it may quote a
    server or a chat title: display it through ``display_safe``)."""


class Refused(ServiceError):
    """Refused before anything was queued or sent: the messenger cannot do it (capabilities),
    or the input is not acceptable (empty, too long, not an own message)."""


class AccountUnavailable(ServiceError):
    """No such account, or it cannot act now (no token, token rejected, adapter missing)."""


class ChatNotFound(ServiceError):
    """No chat matches the reference."""


class AmbiguousChat(ServiceError):
    """Several chats match a title; ``candidates`` lists them."""

    def __init__(self, ref: str, candidates: tuple[ChatCandidate, ...]) -> None:
        self.ref = ref
        self.candidates = candidates
        listed = "; ".join(
            f"{c.chat_id} {c.title!r}" + (f" @{c.username}" if c.username else "")
            for c in candidates
        )
        super().__init__(f"{ref!r} matches {len(candidates)} chats: {listed}")


__all__ = [
    "AccountChanged",
    "AccountState",
    "AccountStatus",
    "AccountUnavailable",
    "AmbiguousChat",
    "ChangedElsewhere",
    "ChatCandidate",
    "ChatNotFound",
    "Delivering",
    "DownloadFinished",
    "GapFound",
    "InboxChanged",
    "InboxFilter",
    "MessagesChanged",
    "Notice",
    "Origin",
    "OutboxChanged",
    "Refused",
    "Resync",
    "ServiceError",
    "StoreChecked",
]
