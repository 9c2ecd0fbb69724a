"""Shared by the headless commands (``tail``, ``send``, ``search``, ``export``, ``backup``).

Loading the config, naming accounts, the log file, and the one place where messages become
output: :func:`record` builds the JSON object of CONTRACTS §3 and :func:`line` the readable
one-line form. Every string that came from outside passes ``display_safe`` here (``name`` for
one-line fields, ``body`` for a message's text), so no stranger's ESC, C1 or bidi override
reaches the user's terminal through a headless command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Coroutine, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from tui.cli import CommandFailed, UsageError
from tui.settings.config import ConfigError, load_config
from tui.settings.paths import Paths
from tui.settings.schema import Config, check_messenger, check_name
from tui.settings.textsafe import safe

if TYPE_CHECKING:
    from tui.engine.records import StoredMessage

Event = Literal["message", "edited", "deleted"]
EVENT_OF_CHANGE: dict[str, Event] = {"new": "message", "edited": "edited", "deleted": "deleted"}


def load(args: argparse.Namespace) -> tuple[Paths, Config]:
    """The paths (``--config``, ``--data-dir``) and the validated config."""
    paths = Paths.from_args(args)
    try:
        return paths, load_config(paths.config_file)
    except ConfigError as exc:
        raise CommandFailed(str(exc)) from None


def account_key(value: str) -> str:
    """``<messenger>:<name>`` checked for form (exit code 2 when it is not)."""
    messenger, sep, name = value.partition(":")
    if not sep:
        raise UsageError(f"{value!r}: name the account as <messenger>:<name>, e.g. bale:shop")
    try:
        check_messenger(messenger)
        check_name(name)
    except ValueError as exc:
        raise UsageError(f"{value!r}: {exc}") from None
    return value


def configured(config: Config, keys: Sequence[str]) -> list[str]:
    """``keys`` (checked for form) that are in the config; a missing one fails the command."""
    out = []
    for key in keys:
        account_key(key)
        if config.account(key) is None:
            raise CommandFailed(f"there is no account {key} in {config.path}")
        out.append(key)
    return out


def require_store(paths: Paths) -> None:
    """Fail when there is no store yet (reading commands never create one)."""
    if not paths.db_file.exists():
        raise CommandFailed(
            f"no messages stored yet ({paths.db_file} does not exist): run `payam tail` or payam"
        )


def run(coro: Coroutine[Any, Any, int]) -> int:
    """Run a command's coroutine; a service error becomes a one-line failure (exit 1)."""
    from tui.engine.service_types import ServiceError

    try:
        return asyncio.run(coro)
    except ServiceError as exc:
        raise CommandFailed(safe(str(exc), "name")) from None


def add_account_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--account messenger:name`` (repeatable)."""
    parser.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="MESSENGER:NAME",
        help=f"{what} (repeatable; default: every account)",
    )


# --- output --------------------------------------------------------------------------------


def iso_utc(when: datetime) -> str:
    """``2025-01-01T12:00:03Z``: ISO-8601, UTC, whole seconds."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_time(when: datetime) -> str:
    """``2025-01-01 15:30:03`` in the machine's time zone (for the readable forms)."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S")


Identity = tuple[str | None, str | None]
"""An account's own (id, display name), as the store learnt them from ``me()``."""


def sender_of(message: StoredMessage, me: Identity) -> tuple[str, str]:
    """(id, name) of who wrote ``message``: empty for an authorless channel post; the
    account's own id and name for an own message."""
    if message.sender is not None:
        return message.sender.id, message.sender.name
    if message.outgoing:
        return me[0] or "", me[1] or ""
    return "", ""


def record(
    event: Event,
    message: StoredMessage,
    *,
    chat_title: str,
    me: Identity = (None, None),
) -> dict[str, Any]:
    """The JSON object of CONTRACTS §3 for one message, every outside string made safe.

    A ``deleted`` event carries an empty ``text`` (the sender took it back); ``date`` is the
    message's own date.
    """
    sid, sname = sender_of(message, me)
    return {
        "event": event,
        "account": message.account,
        "messenger": message.account.partition(":")[0],
        "chat_id": safe(message.chat_id, "name"),
        "chat_title": safe(chat_title, "name"),
        "message_id": safe(message.msg_id, "name"),
        "sender": {"id": safe(sid, "name"), "name": safe(sname, "name")},
        "date": iso_utc(message.date),
        "text": "" if event == "deleted" else safe(message.text),
    }


async def identities(service: Any, accounts: Iterable[str]) -> dict[str, Identity]:
    """Each account's own (id, name) — who wrote an own message — as the store knows it."""
    out: dict[str, Identity] = {}
    for account in accounts:
        info = await service.account_info(account)
        out[account] = (info.self_id, info.self_name) if info is not None else (None, None)
    return out


def dumps(obj: dict[str, Any]) -> str:
    """One JSON line (UTF-8 kept readable, as CONTRACTS §3 asks)."""
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def line(event: Event, rec: dict[str, Any], when: datetime, body: str | None = None) -> str:
    """The readable one-line form of a :func:`record`::

        2025-01-01 15:30:03  bale:shop  Shop customers  Sara: hello ␤ second line

    ``body`` replaces the text (search passes its highlighted snippet). Line breaks in the
    text are shown as ``␤`` so that one event is one line.
    """
    sender = rec["sender"]["name"] or rec["sender"]["id"] or rec["chat_title"] or "?"
    title = rec["chat_title"] or rec["chat_id"]
    if event == "deleted":
        text = f"(deleted message {rec['message_id']})"
    else:
        text = body if body is not None else safe(rec["text"], "name")
    mark = " (edited)" if event == "edited" else ""
    return f"{local_time(when)}  {rec['account']}  {title}  {sender}{mark}: {text}"


def emit(text: str, stream: TextIO | None = None) -> bool:
    """Print one line and flush; False once the reader has gone (``payam tail | head``)."""
    out = stream or sys.stdout
    try:
        out.write(text + "\n")
        out.flush()
    except BrokenPipeError:
        # Python would complain again at exit while flushing a closed pipe: point stdout at
        # /dev/null so the exit is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        os.close(devnull)
        return False
    return True


def private_temp(path: Path) -> Path:
    """A new empty file beside ``path``, mode 0600 (private messages), to be written and then
    renamed over ``path`` (a reader never sees half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return tmp
