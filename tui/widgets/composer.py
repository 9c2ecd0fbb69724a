"""``Composer``: where a message is written, replied, edited, or a file is sent.

A one-line banner (reply or edit mode, with the target's sender and preview, sanitised), the
:class:`~tui.widgets.editor.BidiEditor` (logical text, visual cursor: see its docs for keys and
the fallbacks for chords terminals cannot tell apart), and a status line with the send options
and a length counter against the messenger's ``max_text`` (UTF-16 units, as the engine splits).

The composer sends nothing itself: it posts :class:`Composer.SendText`, :class:`Composer.EditText`
or :class:`Composer.SendFile`, and the screen calls :meth:`Composer.sent` once the service took it
(so a refused send keeps the text). Keys: Enter send, Ctrl+J new line, Ctrl+E ``$EDITOR``,
Ctrl+O send a file (Tab completes the path), Alt+O send options, Escape leaves reply/edit mode;
``send``, ``newline`` and ``attach`` follow ``config.toml`` ``[keys]``. Its words come from the
app's :class:`~tui.i18n.I18n` (English outside a Payam app) and are drawn through the text engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from adapters.base import Capabilities, SendOptions
from tui.engine.records import StoredMessage
from tui.engine.textsplit import units
from tui.i18n import I18n
from tui.keys import default
from tui.text import display_safe
from tui.widgets.composer_parts import (
    MessageEditor,
    PathPrompt,
    RunEditor,
    SendOptionsScreen,
    describe_options,
    edit_externally,
    run_editor_process,
)
from tui.widgets.conversation_render import one_line_preview
from tui.widgets.editor import BidiEditor
from tui.widgets.safe import FSI, PDI, SafeLabel
from tui.widgets.textline import Direction
from tui.widgets.toast import Severity, toast

Mode = Literal["send", "reply", "edit"]


class Composer(Widget):
    """The message composer (see the module docs)."""

    DEFAULT_CSS = """
    Composer { height: auto; border-top: solid $primary-muted; }
    Composer #composer-banner { color: $text-accent; display: none; padding: 0 1; }
    Composer.-reply #composer-banner, Composer.-edit #composer-banner { display: block; }
    Composer #composer-path { display: none; }
    Composer.-file #composer-path { display: block; }
    Composer #composer-status { width: 1fr; color: $text-muted; padding: 0 1; }
    Composer #composer-status.-over { color: $text-error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("leave_mode"), "leave_mode", "Cancel", show=False, id="leave_mode"),
        Binding(default("external_editor"), "external_editor", "$EDITOR", id="external_editor"),
        Binding(default("attach"), "choose_file", "Send file", id="attach"),
        Binding(default("send_options"), "send_options", "Options", id="send_options"),
    ]

    # --- messages ----------------------------------------------------------------------------

    @dataclass
    class SendText(Message):
        """Send ``text`` (in reply to ``reply_to`` when set) with ``options``."""

        text: str
        reply_to: StoredMessage | None
        options: SendOptions | None

    @dataclass
    class EditText(Message):
        """Replace own ``message``'s text with ``text``."""

        message: StoredMessage
        text: str

    @dataclass
    class SendFile(Message):
        """Send the file at ``path`` with ``caption``."""

        path: Path
        caption: str
        reply_to: StoredMessage | None

    @dataclass
    class DraftChanged(Message):
        """The text being written changed (the screen keeps it as the chat's draft)."""

        text: str

        def can_replace(self, message: Message) -> bool:
            """Only the latest draft matters."""
            return isinstance(message, Composer.DraftChanged)

    @dataclass
    class Left(Message):
        """Escape with nothing to cancel: the reader wants the history."""

    # --- construction ------------------------------------------------------------------------

    def __init__(
        self,
        *,
        capabilities: Capabilities | None = None,
        placeholder: str | None = None,
        run_editor: RunEditor = run_editor_process,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.capabilities = capabilities
        self.placeholder = placeholder
        self.run_editor = run_editor
        self.mode: Mode = "send"
        self.target: StoredMessage | None = None
        self.options: SendOptions | None = None
        self._draft_before_edit = ""

    def compose(self) -> ComposeResult:
        """Banner, path prompt, editor, status line."""
        t = self.t
        yield SafeLabel("", where="body", id="composer-banner")  # parts are sanitised as names
        yield PathPrompt(placeholder=t("composer.path_prompt"), id="composer-path")
        placeholder = self.placeholder or t("composer.placeholder")
        yield MessageEditor(placeholder=placeholder, id="composer-input")
        yield SafeLabel("", id="composer-status", align="right" if t.rtl else "auto")

    @property
    def t(self) -> I18n:
        """The UI's words (English outside a Payam app)."""
        return I18n.of(self)

    def _say(self, key: str, severity: Severity = "warning", **values: object) -> None:
        """A toast in the UI's language."""
        toast(self, self.t(key, **values), severity=severity)

    def on_mount(self) -> None:
        """Show the counter."""
        self._status()

    @property
    def editor(self) -> BidiEditor:
        """The message editor."""
        return self.query_one("#composer-input", BidiEditor)

    @property
    def text(self) -> str:
        """The text being written (logical)."""
        return self.editor.text

    def set_capabilities(self, capabilities: Capabilities | None) -> None:
        """What the account can do (counter limit, reply/edit/files/options)."""
        self.capabilities = capabilities
        self._status()

    def set_direction(self, direction: Direction) -> None:
        """Use the chat's direction override for the editor."""
        self.editor.set_direction(direction)

    def set_draft(self, text: str) -> None:
        """Start with a saved draft (does not post :class:`DraftChanged`). Text typed before
        the draft arrived (keys read while the chat was still loading) is kept after it, and
        the two together are saved as the draft."""
        typed = self.editor.text
        if typed:
            self.editor.text = text + typed
            self._status()
        else:
            self._replace_quietly(text)

    def _replace_quietly(self, text: str) -> None:
        """The editor holds ``text``; no :class:`DraftChanged` (it is not the user's edit)."""
        with self.editor.prevent(BidiEditor.Changed):
            self.editor.text = text
        self._status()

    def focus_editor(self) -> None:
        """Give the editor the keyboard."""
        self.editor.focus()

    def reset(self) -> None:
        """Empty, in plain sending mode, no file prompt: before another chat is shown here
        (posts no :class:`DraftChanged`: the text cleared belongs to the chat left)."""
        self.remove_class("-file", "-reply", "-edit")
        self.query_one("#composer-path", PathPrompt).clear()
        self.mode, self.target, self.options = "send", None, None
        self._draft_before_edit = ""
        self.capabilities = None
        self._replace_quietly("")

    # --- modes -------------------------------------------------------------------------------

    def _banner(self, verb: str, message: StoredMessage) -> None:
        t = self.t
        who = t("conv.you") if message.outgoing else (message.sender.name if message.sender else "")
        preview = one_line_preview(message.text) or (
            t.attachment_kind(message.attachments[0].kind) if message.attachments else ""
        )
        who, preview = display_safe(who, "name"), display_safe(preview, "name")
        text = f"{verb} {FSI}{who}{PDI}: {FSI}{preview}{PDI}"
        self.query_one("#composer-banner", SafeLabel).update(f"{text}  {t('composer.esc_cancels')}")

    def start_reply(self, message: StoredMessage) -> bool:
        """Reply mode (refused when the messenger cannot reply)."""
        if self.capabilities is not None and not self.capabilities.reply:
            self._say("composer.no_reply")
            return False
        self.mode, self.target = "reply", message
        self.set_class(True, "-reply")
        self.set_class(False, "-edit")
        self._banner(self.t("composer.replying"), message)
        self.focus_editor()
        return True

    def start_edit(self, message: StoredMessage) -> bool:
        """Edit mode: the message's text in the editor (the draft comes back after)."""
        if self.capabilities is not None and not self.capabilities.edit:
            self._say("composer.no_edit")
            return False
        if not message.outgoing or message.deleted:
            self._say("composer.own_only")
            return False
        if self.mode != "edit":
            self._draft_before_edit = self.text
        self.mode, self.target = "edit", message
        self.set_class(True, "-edit")
        self.set_class(False, "-reply")
        self._banner(self.t("composer.editing"), message)
        with self.editor.prevent(BidiEditor.Changed):
            self.editor.text = message.text
        self._status()
        self.focus_editor()
        return True

    def leave_mode(self) -> None:
        """Back to plain sending (an edit gives the draft back)."""
        if self.mode == "edit":
            with self.editor.prevent(BidiEditor.Changed):
                self.editor.text = self._draft_before_edit
        self.mode, self.target = "send", None
        self.set_class(False, "-reply")
        self.set_class(False, "-edit")
        self._status()

    def action_leave_mode(self) -> None:
        """Escape: leave reply/edit/file mode, or hand the keyboard back to the history."""
        if self.has_class("-file"):
            self._close_file_prompt()
        elif self.mode != "send":
            self.leave_mode()
        else:
            self.post_message(self.Left())

    def sent(self) -> None:
        """The screen's send succeeded: clear the editor and the mode and options."""
        self.mode, self.target, self.options = "send", None, None
        self.set_class(False, "-reply")
        self.set_class(False, "-edit")
        self.editor.clear()
        self._status()

    # --- sending -----------------------------------------------------------------------------

    @on(BidiEditor.Submitted, "#composer-input")
    def _submitted(self, event: BidiEditor.Submitted) -> None:
        event.stop()
        text = event.text
        if not text.strip():
            self.app.bell()
            return
        caps = self.capabilities
        if self.mode == "edit" and self.target is not None:
            if caps is not None and units(text) > caps.max_text:
                self._say("composer.edit_too_long", "error")
                return
            self.post_message(self.EditText(self.target, text))
        else:
            reply_to = self.target if self.mode == "reply" else None
            self.post_message(self.SendText(text, reply_to, self.options))

    @on(BidiEditor.Changed, "#composer-input")
    def _changed(self, event: BidiEditor.Changed) -> None:
        event.stop()
        self._status()
        if self.mode != "edit":
            self.post_message(self.DraftChanged(event.text))

    def _status(self, extra: str = "") -> None:
        if not self.is_mounted:
            return
        caps = self.capabilities
        used = units(self.text)
        t = self.t
        label = self.query_one("#composer-status", SafeLabel)
        parts = [extra] if extra else []
        summary = describe_options(self.options)
        if summary:
            parts.append(t("composer.options", summary=summary))
        counter = t.num(used)
        over = False
        if caps is not None:
            counter = f"{t.num(used)}/{t.num(caps.max_text)}"
            if used > caps.max_text:
                over = True
                pieces = -(-used // caps.max_text)
                more = t("composer.parts", count=t.num(pieces))
                counter += f" · {more if self.mode != 'edit' else t('composer.too_long')}"
        parts.append(counter)
        label.set_class(over, "-over")
        label.update("  ·  ".join(parts))

    # --- $EDITOR, files, options ---------------------------------------------------------------

    def action_external_editor(self) -> None:
        """Write the message in ``$VISUAL``/``$EDITOR`` (the app is suspended meanwhile)."""
        from textual.app import SuspendNotSupported

        try:
            with self.app.suspend():
                result = edit_externally(self.text, self.run_editor)
        except SuspendNotSupported:
            self._say("composer.no_suspend", "error")
            return
        except OSError as exc:
            self._say("composer.editor_error", "error", reason=exc.strerror or type(exc).__name__)
            return
        if result is None:
            self._say("composer.editor_failed")
            return
        self.editor.text = result
        self.focus_editor()

    def action_choose_file(self) -> None:
        """Ask for a path (Tab completes); the editor's text becomes the caption."""
        if self.capabilities is not None and not self.capabilities.files_send:
            self._say("composer.no_files")
            return
        self.add_class("-file")
        prompt = self.query_one("#composer-path", PathPrompt)
        prompt.focus()
        self._status(self.t("composer.file_hint"))

    def _close_file_prompt(self) -> None:
        self.remove_class("-file")
        self.query_one("#composer-path", PathPrompt).clear()
        self._status()
        self.focus_editor()

    @on(PathPrompt.Completions)
    def _completions(self, event: PathPrompt.Completions) -> None:
        event.stop()
        shown = "  ".join(display_safe(n, "name") for n in event.names[:8])
        more = f" (+{len(event.names) - 8})" if len(event.names) > 8 else ""
        self._status(shown + more if event.names else self.t("composer.no_match"))

    @on(PathPrompt.Cancelled)
    def _file_cancelled(self, event: PathPrompt.Cancelled) -> None:
        event.stop()
        self._close_file_prompt()

    @on(BidiEditor.Submitted, "#composer-path")
    def _file_chosen(self, event: BidiEditor.Submitted) -> None:
        event.stop()
        path = Path(event.text.strip()).expanduser()
        if not path.is_file():
            self._status(self.t("composer.not_file"))
            self.app.bell()
            return
        caps = self.capabilities
        if caps is not None and path.stat().st_size > caps.max_upload_bytes:
            self._status(self.t("composer.too_large"))
            return
        reply_to = self.target if self.mode == "reply" else None
        self.post_message(self.SendFile(path, self.text, reply_to))
        self._close_file_prompt()

    def action_send_options(self) -> None:
        """Open the send-options dialog (only the options this messenger supports)."""
        supported = self.capabilities.send_options if self.capabilities else frozenset()
        if not supported:
            self._say("composer.no_options", "information")
            return

        def chosen(options: SendOptions | None) -> None:
            if options is not None:
                self.options = options if options.used() else None
            self._status()

        self.app.push_screen(SendOptionsScreen(supported, self.options), chosen)
