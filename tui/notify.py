"""When and how a new message is announced: the terminal bell, a desktop notification, or the
user's command template (``[notifications]`` in ``config.toml``). No Textual here.

Only messages that arrive while Payam runs are announced: a :class:`MessagesChanged` notice
with ``live`` *and* ``incoming`` (history fetched at start is ``live=False``; own messages are
not ``incoming``), in a chat that is not muted and not the one open in front of the user.

Commands never go through a shell: the desktop notification is ``notify-send`` (Linux, BSD) or
``osascript`` with the text passed as *arguments* of a fixed script (macOS); the template is an
argv whose ``{account}``, ``{messenger}``, ``{chat}``, ``{sender}`` and ``{text}`` are filled
with :func:`~tui.text.display_safe` text (one line, at most :data:`MAX_TEXT` characters). A
filled argument that would start with ``-`` when its template did not gets a leading space, so
a stranger's message can never become an option of the user's program.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass

from tui.engine.records import InboxEntry
from tui.engine.service_types import MessagesChanged
from tui.settings.schema import NotificationsConfig
from tui.text import display_safe

log = logging.getLogger("payam.notify")

MAX_TEXT = 200
COMMAND_TIMEOUT_S = 10.0
ChatKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Announcement:
    """One new message to announce; every field is already display-safe and one line."""

    account: str
    messenger: str
    chat_id: str
    chat: str
    sender: str
    text: str

    @classmethod
    def from_entry(cls, entry: InboxEntry) -> Announcement:
        """From the chat's inbox row (its preview is the newest message)."""

        def one(text: str, limit: int = MAX_TEXT) -> str:
            flat = " ".join(display_safe(text, "name").split())
            return flat if len(flat) <= limit else flat[: limit - 1] + "…"

        return cls(
            account=entry.account,
            messenger=entry.messenger,
            chat_id=entry.chat_id,
            chat=one(entry.title or entry.chat_id, 80),
            sender=one(entry.preview_sender or "", 80),
            text=one(entry.preview),
        )

    def fields(self) -> dict[str, str]:
        """The template placeholders."""
        return {
            "account": self.account,
            "messenger": self.messenger,
            "chat": self.chat,
            "sender": self.sender,
            "text": self.text,
        }


def should_announce(
    notice: MessagesChanged, entry: InboxEntry | None, open_chat: ChatKey | None = None
) -> bool:
    """True for a live, incoming message in an unmuted chat that is not open on screen."""
    if not (notice.live and notice.incoming) or entry is None or entry.state.muted:
        return False
    return (notice.account, notice.chat_id) != open_chat


def fill(template: tuple[str, ...], fields: dict[str, str]) -> tuple[str, ...]:
    """The template argv with its placeholders filled (see the module docs about ``-``)."""
    out = []
    for arg in template:
        value = arg.format_map(fields)
        if value.startswith("-") and not arg.startswith("-"):
            value = " " + value
        out.append(value)
    return tuple(out)


def desktop_argv(
    title: str,
    body: str,
    *,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
) -> tuple[str, ...] | None:
    """The argv of a desktop notification on this platform, or None when there is no way."""
    if platform == "darwin":
        if which("osascript") is None:
            return None
        script = (
            "on run argv",
            "display notification (item 2 of argv) with title (item 1 of argv)",
            "end run",
        )
        argv = ["osascript"]
        for line in script:
            argv += ["-e", line]
        return (*argv, title, body)
    if platform.startswith("win"):
        return None
    if which("notify-send") is None:
        return None
    return ("notify-send", "--app-name=Payam", "--", title, body)


class Notifier:
    """Decides what to run for one announcement (the app runs it)."""

    def __init__(
        self,
        config: NotificationsConfig,
        *,
        platform: str = sys.platform,
        which: Callable[[str], str | None] = shutil.which,
    ) -> None:
        """``config``: ``Config.notifications``; ``platform``/``which`` for tests."""
        self.config = config
        self._platform = platform
        self._which = which

    @property
    def bell(self) -> bool:
        """Ring the terminal bell."""
        return self.config.bell

    def commands(self, item: Announcement, title: str) -> list[tuple[str, ...]]:
        """The programs to run for ``item`` (``title`` heads the desktop notification)."""
        out: list[tuple[str, ...]] = []
        if self.config.desktop:
            who = f"{item.sender}: " if item.sender else ""
            argv = desktop_argv(
                f"{title} — {item.chat}",
                f"{who}{item.text}",
                platform=self._platform,
                which=self._which,
            )
            if argv is not None:
                out.append(argv)
        if self.config.command:
            out.append(fill(self.config.command, item.fields()))
        return out


async def run_command(argv: tuple[str, ...], timeout_s: float = COMMAND_TIMEOUT_S) -> int | None:
    """Run ``argv`` without a shell, stdin closed, output discarded; its exit code, or None
    when it could not start or was stopped after ``timeout_s``."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        log.warning("notification command %r could not start (%s)", argv[0], exc.strerror)
        return None
    try:
        return await asyncio.wait_for(proc.wait(), timeout_s)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        with contextlib.suppress(Exception):
            await proc.wait()
        log.warning("notification command %r was stopped after %.0f s", argv[0], timeout_s)
        return None


__all__ = [
    "Announcement",
    "Notifier",
    "desktop_argv",
    "fill",
    "run_command",
    "should_announce",
]
