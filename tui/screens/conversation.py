"""``ConversationScreen``: one chat — its history, and the composer — over a data source.

The screen owns the I/O: every call to the :class:`~tui.widgets.sources.ConversationSource`
(the service, or a fake in tests) runs in a worker, and the widgets only post messages. The app
keeps the screen current by calling :meth:`ConversationScreen.messages_changed`,
:meth:`~ConversationScreen.outbox_changed` and :meth:`~ConversationScreen.download_finished` when
the service announces changes to this chat. Links and files to open bubble up to the app as
:class:`ConversationView.LinkClicked` and :class:`ConversationView.OpenAttachment`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from tui.engine.records import StoredMessage
from tui.text import display_safe
from tui.widgets.composer import Composer
from tui.widgets.composer_parts import RunEditor, run_editor_process
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.conversation import ConversationView
from tui.widgets.conversation_model import PAGE_SIZE, WINDOW_LIMIT
from tui.widgets.conversation_render import ConversationLabels
from tui.widgets.dates import TimeFormatter
from tui.widgets.safe import SafeLabel
from tui.widgets.sources import ConversationSource
from tui.widgets.textline import TextSettings

DRAFT_DELAY_S = 0.5


class ConversationScreen(Screen[None]):
    """A chat: title, history (:class:`ConversationView`) and :class:`Composer`."""

    DEFAULT_CSS = """
    ConversationScreen #conversation-title {
        background: $primary-muted; color: $text; text-style: bold; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("i", "write", "Write"),
    ]

    def __init__(
        self,
        source: ConversationSource,
        account: str,
        chat_id: str,
        *,
        title: str | None = None,
        around: int | None = None,
        formatter: TimeFormatter | None = None,
        labels: ConversationLabels | None = None,
        settings: TextSettings | None = None,
        own_name: str | None = None,
        page_size: int = PAGE_SIZE,
        window_limit: int = WINDOW_LIMIT,
        run_editor: RunEditor = run_editor_process,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.source = source
        self.account = account
        self.chat_id = chat_id
        entry = source.chat(account, chat_id)
        self.chat_title = title if title is not None else (entry.title if entry else chat_id)
        self.around = around
        self.page_size = page_size
        self.read_up_to = entry.state.read_up_to if entry else 0
        self._formatter = formatter
        self._labels = labels
        self._settings = settings
        self._own_name = own_name
        self._window_limit = window_limit
        self._run_editor = run_editor

    def compose(self) -> ComposeResult:
        """Title, history, composer, footer."""
        yield SafeLabel(self.chat_title, id="conversation-title", align="left")
        yield ConversationView(
            formatter=self._formatter,
            labels=self._labels,
            settings=self._settings,
            own_name=self._own_name,
            window_limit=self._window_limit,
        )
        yield Composer(run_editor=self._run_editor)
        yield Footer()

    @property
    def view(self) -> ConversationView:
        """The history."""
        return self.query_one(ConversationView)

    @property
    def composer(self) -> Composer:
        """The composer."""
        return self.query_one(Composer)

    def on_mount(self) -> None:
        """Load the chat in the background; the view paints its empty state meanwhile."""
        self.view.focus()
        self._open()

    def _report(self, exc: Exception, what: str) -> None:
        reason = display_safe(str(exc) or type(exc).__name__, "name")
        self.notify(f"{what}: {reason}", severity="error", markup=False)

    # --- loading -------------------------------------------------------------------------------

    @work(group="conversation-open", exclusive=True)
    async def _open(self) -> None:
        source, account, chat_id = self.source, self.account, self.chat_id
        try:
            caps = await source.capabilities(account)
        except Exception:  # the account is down: browsing still works, sending is refused
            caps = None
        try:
            state = await source.chat_state(account, chat_id)
            if self.around is not None:
                page = await source.page_around(
                    account, chat_id, message=self.around, limit=self.page_size
                )
            else:
                page = await source.page(account, chat_id, limit=self.page_size)
            gaps = await source.gaps(account, chat_id)
        except Exception as exc:
            self._report(exc, "Could not open the chat")
            return
        self.read_up_to = max(self.read_up_to, state.read_up_to)
        view, composer = self.view, self.composer
        view.capabilities = caps
        composer.set_capabilities(caps)
        direction = state.direction or "auto"
        view.set_reactive(ConversationView.direction, direction)
        composer.set_direction(direction)
        composer.set_draft(state.draft)
        view.load(page, gaps=gaps, cursor=self.around)

    @on(ConversationView.PageWanted)
    def _page_wanted(self, event: ConversationView.PageWanted) -> None:
        self._load_page(event.older, event.anchor)

    @work(group="conversation-page")
    async def _load_page(self, older: bool, anchor: int) -> None:
        try:
            if older:
                page = await self.source.page(
                    self.account, self.chat_id, before=anchor, limit=self.page_size
                )
            else:
                page = await self.source.page(
                    self.account, self.chat_id, after=anchor, limit=self.page_size
                )
        except Exception as exc:
            self._report(exc, "Could not load messages")
            return
        if older:
            self.view.add_older(page)
        else:
            self.view.add_newer(page)

    @on(ConversationView.EdgeWanted)
    @work(group="conversation-open", exclusive=True)
    async def _edge_wanted(self, event: ConversationView.EdgeWanted) -> None:
        try:
            if event.oldest:
                page = await self.source.page(
                    self.account, self.chat_id, after=0, limit=self.page_size
                )
            else:
                page = await self.source.page(self.account, self.chat_id, limit=self.page_size)
        except Exception as exc:
            self._report(exc, "Could not load messages")
            return
        if page.messages:
            self.view.load(page, cursor=page.messages[0].id if event.oldest else None)

    @on(ConversationView.JumpWanted)
    @work(group="conversation-open", exclusive=True)
    async def _jump_wanted(self, event: ConversationView.JumpWanted) -> None:
        try:
            page = await self.source.page_around(
                self.account, self.chat_id, msg_id=event.msg_id, limit=self.page_size
            )
        except Exception as exc:
            self._report(exc, "Cannot show the quoted message")
            return
        target = next((m.id for m in page.messages if m.msg_id == event.msg_id), None)
        self.view.load(page, cursor=target)

    @on(ConversationView.QuotesWanted)
    @work(group="conversation-quotes")
    async def _quotes_wanted(self, event: ConversationView.QuotesWanted) -> None:
        found: dict[str, StoredMessage | None] = {}
        for msg_id in event.msg_ids:
            try:
                found[msg_id] = await self.source.message(self.account, self.chat_id, msg_id)
            except Exception:  # a missing quote is shown as "not loaded"
                found[msg_id] = None
        self.view.set_quotes(found)

    @on(ConversationView.Seen)
    def _seen(self, event: ConversationView.Seen) -> None:
        if event.up_to > self.read_up_to:
            self.read_up_to = event.up_to
            self._mark_read(event.up_to)

    @work(group="conversation-read", exclusive=True)
    async def _mark_read(self, up_to: int) -> None:
        try:
            await self.source.mark_read(self.account, self.chat_id, up_to)
        except Exception as exc:
            self._report(exc, "Could not mark the chat read")

    # --- what the app calls on the service's notices -------------------------------------------

    def messages_changed(
        self, new: Sequence[str] = (), edited: Sequence[str] = (), deleted: Sequence[str] = ()
    ) -> None:
        """New, edited or deleted messages in this chat (messenger ids)."""
        self._refresh(tuple(edited) + tuple(deleted), newest=bool(new) or not (edited or deleted))

    def outbox_changed(self) -> None:
        """Own messages changed delivery state."""
        pending = tuple(
            m.msg_id
            for m in self.view.window.messages
            if m.outgoing and m.delivery not in (None, "sent")
        )
        self._refresh(pending, newest=True, by_store_id=True)

    def download_finished(self, attachment_id: int) -> None:
        """A download ended (either way): show the attachment's new state."""
        self.view.progress.pop(attachment_id, None)
        ids = tuple(
            m.msg_id
            for m in self.view.window.messages
            if any(a.id == attachment_id for a in m.attachments)
        )
        self._refresh(ids, newest=False)

    @work(group="conversation-refresh")
    async def _refresh(
        self, msg_ids: tuple[str, ...], newest: bool, by_store_id: bool = False
    ) -> None:
        view, source = self.view, self.source
        try:
            for msg_id in msg_ids:
                loaded = view.window.find(msg_id)
                if by_store_id and loaded is not None:
                    fresh = await source.message_by_id(loaded.id)
                else:
                    fresh = await source.message(self.account, self.chat_id, msg_id)
                if fresh is not None:
                    view.update_message(fresh)
                elif loaded is not None:
                    view.remove_message(loaded.id)
            if newest and not view.window.has_newer:
                anchor = view.window.newest_id
                if anchor is None:
                    page = await source.page(self.account, self.chat_id, limit=self.page_size)
                    view.load(page)
                else:
                    page = await source.page(
                        self.account, self.chat_id, after=anchor, limit=self.page_size
                    )
                    view.add_newer(page)
        except Exception as exc:
            self._report(exc, "Could not refresh the chat")

    async def _refresh_one(self, message: StoredMessage) -> None:
        fresh = await self.source.message_by_id(message.id)
        if fresh is None:
            self.view.remove_message(message.id)
        else:
            self.view.update_message(fresh)

    # --- actions on messages -------------------------------------------------------------------

    @on(ConversationView.ReplyRequested)
    def _reply(self, event: ConversationView.ReplyRequested) -> None:
        self.composer.start_reply(event.message)

    @on(ConversationView.EditRequested)
    def _edit(self, event: ConversationView.EditRequested) -> None:
        self.composer.start_edit(event.message)

    @on(ConversationView.DeleteRequested)
    def _delete(self, event: ConversationView.DeleteRequested) -> None:
        message = event.message

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_delete(message)

        self.app.push_screen(ConfirmScreen("Delete this message for everyone?", "Delete"), answered)

    @work(group="conversation-send")
    async def _run_delete(self, message: StoredMessage) -> None:
        try:
            await self.source.delete(self.account, self.chat_id, message.id)
            await self._refresh_one(message)
        except Exception as exc:
            self._report(exc, "Could not delete")

    @on(ConversationView.ResendRequested)
    @work(group="conversation-send")
    async def _resend(self, event: ConversationView.ResendRequested) -> None:
        if event.message.client_uuid is None:
            return
        try:
            await self.source.resend(event.message.client_uuid)
            await self._refresh_one(event.message)
        except Exception as exc:
            self._report(exc, "Could not resend")

    @on(ConversationView.DiscardRequested)
    @work(group="conversation-send")
    async def _discard(self, event: ConversationView.DiscardRequested) -> None:
        if event.message.client_uuid is None:
            return
        try:
            await self.source.discard(event.message.client_uuid)
            await self._refresh_one(event.message)
        except Exception as exc:
            self._report(exc, "Could not discard")

    @on(ConversationView.SaveRequested)
    @work(group="conversation-download")
    async def _save(self, event: ConversationView.SaveRequested) -> None:
        att = event.attachment
        view = self.view

        def progress(done: int, total: int) -> None:
            view.set_progress(att.id, done, total)

        try:
            path = await self.source.download(att.id, progress=progress)
        except Exception as exc:
            view.progress.pop(att.id, None)
            self._report(exc, "Download failed")
            await self._refresh_one(event.message)
            return
        view.progress.pop(att.id, None)
        await self._refresh_one(event.message)
        self.notify(f"Saved {display_safe(path.name, 'name')}", markup=False, timeout=3)
        if event.open_after:
            from tui.widgets.conversation_render import opener_argv

            self.post_message(ConversationView.OpenAttachment(path, opener_argv(path)))

    @on(ConversationView.DirectionChanged)
    @work(group="conversation-state")
    async def _direction(self, event: ConversationView.DirectionChanged) -> None:
        self.composer.set_direction(event.direction)
        direction = None if event.direction == "auto" else event.direction
        try:
            await self.source.set_chat_state(self.account, self.chat_id, direction=direction)
        except Exception as exc:
            self._report(exc, "Could not save the direction")

    # --- the composer --------------------------------------------------------------------------

    @on(Composer.SendText)
    @work(group="conversation-send")
    async def _send_text(self, event: Composer.SendText) -> None:
        reply_to = event.reply_to.msg_id if event.reply_to is not None else None
        try:
            await self.source.send_text(
                self.account, self.chat_id, event.text, reply_to=reply_to, options=event.options
            )
        except Exception as exc:
            self._report(exc, "Not sent")
            return
        self.composer.sent()
        await self._save_draft_now("")
        self._refresh((), newest=True)

    @on(Composer.EditText)
    @work(group="conversation-send")
    async def _edit_text(self, event: Composer.EditText) -> None:
        try:
            await self.source.edit(self.account, self.chat_id, event.message.id, event.text)
        except Exception as exc:
            self._report(exc, "Not edited")
            return
        self.composer.sent()
        self.composer.leave_mode()
        await self._refresh_one(event.message)

    @on(Composer.SendFile)
    @work(group="conversation-send")
    async def _send_file(self, event: Composer.SendFile) -> None:
        reply_to = event.reply_to.msg_id if event.reply_to is not None else None
        try:
            await self.source.send_file(
                self.account, self.chat_id, event.path, caption=event.caption, reply_to=reply_to
            )
        except Exception as exc:
            self._report(exc, "File not sent")
            return
        self.composer.sent()
        self._refresh((), newest=True)

    @on(Composer.DraftChanged)
    @work(group="conversation-draft", exclusive=True)
    async def _draft(self, event: Composer.DraftChanged) -> None:
        await asyncio.sleep(DRAFT_DELAY_S)  # typing on cancels this worker: one write a pause
        await self._save_draft_now(event.text)

    async def _save_draft_now(self, text: str) -> None:
        try:
            await self.source.set_chat_state(self.account, self.chat_id, draft=text)
        except Exception as exc:
            self._report(exc, "Could not save the draft")

    @on(Composer.Left)
    def _composer_left(self, event: Composer.Left) -> None:
        self.view.focus()

    # --- keys ----------------------------------------------------------------------------------

    def action_write(self) -> None:
        """Go to the composer."""
        self.composer.focus_editor()

    async def save_draft(self) -> None:
        """Keep what is being written as the chat's draft now (the app calls this before it
        switches away by other means than Escape)."""
        composer = self.composer
        if composer.mode != "edit":
            await self._save_draft_now(composer.text)

    async def action_back(self) -> None:
        """Save the draft and leave the chat (the app decides where to)."""
        await self.save_draft()
        if len(self.app.screen_stack) > 1:
            self.dismiss()
