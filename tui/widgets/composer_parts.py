"""Pieces of the composer: the message editor (its Enter and new-line keys are the config's
``send`` and ``newline`` actions), the file-path prompt with completion, the send-options dialog
(Eitaa's title, schedule, pin, delete-after-views and silent: only what the messenger lists),
and running ``$EDITOR`` on a temporary file without a shell.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from adapters.base import SendOptions
from tui.keys import default
from tui.widgets.editor import BidiEditor


class MessageEditor(BidiEditor):
    """The composer's editor: Enter and the new-line keys carry the ids of the config's
    ``send`` and ``newline`` actions, so ``[keys]`` rebinds them here (and only here: search
    and the filter line keep Enter). Alt+Enter stays a new line in kitty-protocol terminals."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("send"), "submit", "Send", show=False, id="send"),
        Binding(default("newline"), "newline", "New line", show=False, id="newline"),
    ]


# --- path completion -------------------------------------------------------------------------


def complete_path(text: str, *, limit: int = 50) -> tuple[str, list[str]]:
    """Complete the path typed so far: ``(new text, candidate names)``.

    One match completes fully (a directory gets a trailing ``/``); several complete to their
    common prefix. ``~`` is expanded only for listing; the typed form is kept.
    """
    head, _, stem = text.rpartition(os.sep)
    folder = Path(os.path.expanduser(head + os.sep if head or text.startswith(os.sep) else "."))
    try:
        entries = sorted(
            (e.name + (os.sep if e.is_dir() else ""))
            for e in os.scandir(folder)
            if e.name.startswith(stem) and (stem.startswith(".") or not e.name.startswith("."))
        )
    except OSError:
        return text, []
    if not entries:
        return text, []
    prefix = os.path.commonprefix(entries)  # noqa: RUF071 - names, not path components
    base = head + os.sep if head or text.startswith(os.sep) else ""
    return base + prefix, entries[:limit]


class PathPrompt(BidiEditor):
    """A one-line editor for a file path (paths can be Persian), Tab completes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("complete"), "complete", "Complete", priority=True, id="complete"),
        Binding(default("cancel"), "cancel", "Cancel", id="cancel"),
    ]

    @dataclass
    class Completions(Message):
        """Candidates after a Tab (shown by the composer)."""

        prompt: PathPrompt
        names: list[str]

    @dataclass
    class Cancelled(Message):
        """Escape: no file."""

        prompt: PathPrompt

    def __init__(
        self, *, placeholder: str = "path of a file to send (Tab completes)", id: str | None = None
    ) -> None:
        super().__init__(single_line=True, placeholder=placeholder, id=id)

    def action_complete(self) -> None:
        """Complete the path under the cursor."""
        completed, names = complete_path(self.text)
        if completed != self.text:
            self.text = completed
        self.post_message(self.Completions(self, names))

    def action_cancel(self) -> None:
        """Give up choosing a file."""
        self.post_message(self.Cancelled(self))


# --- send options ----------------------------------------------------------------------------


def parse_schedule(text: str, now: datetime | None = None) -> datetime | None:
    """``+30m`` / ``+2h`` / ``+1d`` from now, or ``YYYY-MM-DD HH:MM`` in local time, as UTC.

    Raises ``ValueError`` for anything else."""
    text = text.strip()
    if not text:
        return None
    now = now or datetime.now(UTC)
    if text.startswith("+") and text[-1:] in ("m", "h", "d") and text[1:-1].isdigit():
        unit = {"m": "minutes", "h": "hours", "d": "days"}[text[-1]]
        return now + timedelta(**{unit: int(text[1:-1])})
    local = datetime.strptime(text, "%Y-%m-%d %H:%M").astimezone()
    return local.astimezone(UTC)


class SendOptionsScreen(ModalScreen[SendOptions | None]):
    """A small dialog for the options the account's messenger supports."""

    DEFAULT_CSS = """
    SendOptionsScreen { align: center middle; }
    SendOptionsScreen > Vertical {
        width: 60; height: auto; border: round $primary; background: $panel; padding: 1 2;
    }
    SendOptionsScreen Label.field { margin-top: 1; }
    SendOptionsScreen #errors { color: $text-error; }
    SendOptionsScreen Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("cancel"), "cancel", "Cancel", id="cancel")
    ]

    def __init__(self, supported: frozenset[str], current: SendOptions | None = None) -> None:
        super().__init__()
        self.supported = supported
        self.current = current or SendOptions()

    def compose(self) -> ComposeResult:
        """Only the supported fields."""
        cur = self.current
        with Vertical():
            yield Label("Send options")
            if "title" in self.supported:
                yield Label("Title", classes="field")
                yield BidiEditor(cur.title or "", single_line=True, id="title")
            if "schedule_at" in self.supported:
                yield Label("Schedule (+30m, +2h, or YYYY-MM-DD HH:MM)", classes="field")
                when = (
                    cur.schedule_at.astimezone().strftime("%Y-%m-%d %H:%M")
                    if cur.schedule_at
                    else ""
                )
                yield BidiEditor(when, single_line=True, id="schedule")
            if "delete_after_views" in self.supported:
                yield Label("Delete after this many views", classes="field")
                views = str(cur.delete_after_views or "")
                yield Input(views, restrict=r"[0-9]*", id="views")
            if "pin" in self.supported:
                yield Checkbox("Pin", cur.pin, id="pin")
            if "silent" in self.supported:
                yield Checkbox("Silent (no notification)", cur.silent, id="silent")
            yield Label("", id="errors")
            with Horizontal():
                yield Button("OK", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """OK collects the fields; Cancel closes."""
        if event.button.id != "ok":
            self.dismiss(None)
            return
        try:
            self.dismiss(self.collect())
        except ValueError as exc:
            self.query_one("#errors", Label).update(str(exc))

    def collect(self) -> SendOptions:
        """The options as filled in (raises ``ValueError`` for a bad schedule)."""

        def text(id_: str) -> str:
            found = self.query(f"#{id_}")
            widget = found.first() if found else None
            if isinstance(widget, BidiEditor):
                return widget.text.strip()
            return widget.value.strip() if isinstance(widget, Input) else ""

        def checked(id_: str) -> bool:
            found = self.query(f"#{id_}")
            return (
                bool(found) and isinstance(found.first(), Checkbox) and found.first(Checkbox).value
            )

        try:
            schedule = parse_schedule(text("schedule"))
        except ValueError:
            raise ValueError("schedule: use +30m, +2h, +1d or YYYY-MM-DD HH:MM") from None
        views = text("views")
        return SendOptions(
            title=text("title") or None,
            schedule_at=schedule,
            pin=checked("pin"),
            delete_after_views=int(views) if views else None,
            silent=checked("silent"),
        )

    def action_cancel(self) -> None:
        """Close without changing the options."""
        self.dismiss(None)


def describe_options(options: SendOptions | None) -> str:
    """A short summary for the composer's status line ("" when none are set)."""
    if options is None:
        return ""
    parts = []
    if options.title:
        parts.append("title")
    if options.schedule_at:
        parts.append(f"at {options.schedule_at.astimezone():%Y-%m-%d %H:%M}")
    if options.pin:
        parts.append("pin")
    if options.delete_after_views:
        parts.append(f"delete after {options.delete_after_views} views")
    if options.silent:
        parts.append("silent")
    return ", ".join(parts)


# --- $EDITOR -----------------------------------------------------------------------------------

RunEditor = Callable[[Sequence[str]], int]


def run_editor_process(argv: Sequence[str]) -> int:
    """Run the editor in the foreground (no shell); returns its exit status."""
    return subprocess.run(list(argv), check=False).returncode


def editor_argv(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    """``$VISUAL`` or ``$EDITOR`` (split like a shell would, but never run by one) + the file."""
    env = os.environ if environ is None else environ
    command = env.get("VISUAL") or env.get("EDITOR") or "vi"
    return [*shlex.split(command), str(path)]


def edit_externally(text: str, run: RunEditor, environ: dict[str, str] | None = None) -> str | None:
    """Write ``text`` to a private temporary file, run the editor on it, read it back.

    Returns None when the editor failed (non-zero status) so the caller keeps the old text.
    One trailing newline (editors add it) is removed."""
    fd, name = tempfile.mkstemp(prefix="payam-", suffix=".txt")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        if run(editor_argv(path, environ)) != 0:
            return None
        result = path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)
    return result[:-1] if result.endswith("\n") else result
