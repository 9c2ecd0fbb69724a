"""What the conversation screen does to messages and with what the composer sends: the base
class of :class:`tui.screens.conversation.ConversationScreen`.

Reply and edit put the composer in that mode; delete asks first; resend, discard, download and
the per-chat direction call the :class:`~tui.widgets.sources.ConversationSource` in workers and
then show the message's new state (:meth:`ChatActions._refresh_one`); what the composer posts
(text, an edit, a file, a draft) goes to the source the same way. Errors become toasts in the
UI's language, their reason sanitised.
"""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.screen import Screen

from tui.engine.records import StoredMessage
from tui.i18n import I18n
from tui.text import display_safe
from tui.widgets.composer import Composer
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.conversation import ConversationView
from tui.widgets.sources import ConversationSource
from tui.widgets.toast import toast

DRAFT_DELAY_S = 0.5


class ChatActions(Screen[None]):
    """Actions on one chat's messages (see the module docs); the subclass loads the chat."""

    source: ConversationSource
    account: str
    chat_id: str
    page_size: int

    @property
    def t(self) -> I18n:
        """The UI's words (English outside a Payam app)."""
        return I18n.of(self)

    @property
    def view(self) -> ConversationView:
        """The history."""
        return self.query_one(ConversationView)

    @property
    def composer(self) -> Composer:
        """The composer."""
        return self.query_one(Composer)

    def _report(self, exc: Exception, what: str) -> None:
        """A toast: ``what`` (a string key) failed, and why."""
        reason = display_safe(str(exc) or type(exc).__name__, "name")
        toast(self, self.t("conv.error", what=self.t(what), reason=reason), severity="error")

    # --- showing what changed ------------------------------------------------------------------

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
            self._report(exc, "conv.err.refresh")

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

        question = ConfirmScreen(self.t("conv.delete_question"), self.t("conv.delete_yes"))
        self.app.push_screen(question, answered)

    @work(group="conversation-send")
    async def _run_delete(self, message: StoredMessage) -> None:
        try:
            await self.source.delete(self.account, self.chat_id, message.id)
            await self._refresh_one(message)
        except Exception as exc:
            self._report(exc, "conv.err.delete")

    @on(ConversationView.ResendRequested)
    @work(group="conversation-send")
    async def _resend(self, event: ConversationView.ResendRequested) -> None:
        if event.message.client_uuid is None:
            return
        try:
            await self.source.resend(event.message.client_uuid)
            await self._refresh_one(event.message)
        except Exception as exc:
            self._report(exc, "conv.err.resend")

    @on(ConversationView.DiscardRequested)
    @work(group="conversation-send")
    async def _discard(self, event: ConversationView.DiscardRequested) -> None:
        if event.message.client_uuid is None:
            return
        try:
            await self.source.discard(event.message.client_uuid)
            await self._refresh_one(event.message)
        except Exception as exc:
            self._report(exc, "conv.err.discard")

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
            self._report(exc, "conv.err.download")
            await self._refresh_one(event.message)
            return
        view.progress.pop(att.id, None)
        await self._refresh_one(event.message)
        toast(self, self.t("conv.saved", name=display_safe(path.name, "name")), timeout=3)
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
            self._report(exc, "conv.err.direction")

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
            self._report(exc, "conv.err.send")
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
            self._report(exc, "conv.err.edit")
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
            self._report(exc, "conv.err.file")
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
            self._report(exc, "conv.err.draft")

    @on(Composer.Left)
    def _composer_left(self, event: Composer.Left) -> None:
        self.view.focus()
