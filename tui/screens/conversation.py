"""``ConversationScreen``: one chat — its history, and the composer — over a data source.

The screen owns the I/O: every call to the :class:`~tui.widgets.sources.ConversationSource`
(the service, or a fake in tests) runs in a worker, and the widgets only post messages. The app
keeps the screen current by calling :meth:`ConversationScreen.messages_changed`,
:meth:`~ConversationScreen.outbox_changed` and :meth:`~ConversationScreen.download_finished` when
the service announces changes to this chat. Links and files to open bubble up to the app as
:class:`ConversationView.LinkClicked` and :class:`ConversationView.OpenAttachment`. What is done
to messages and with what the composer sends is in the base class,
:class:`tui.screens.conversation_actions.ChatActions`.

Keys: Esc back, ``compose`` [i] to the composer, ``toggle_direction`` [Ctrl+T] cycles the chat's
paragraph direction (both from ``config.toml`` ``[keys]``); the history's and the composer's own
keys are theirs. The key bar at the bottom (:class:`~tui.widgets.chrome.KeyBar`) names them in
the UI's language.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.worker import WorkerState

from adapters.base import Capabilities
from tui.engine.records import Page, StoredMessage
from tui.keys import default
from tui.screens.conversation_actions import ChatActions
from tui.widgets.chrome import KeyBar
from tui.widgets.composer import Composer
from tui.widgets.composer_parts import RunEditor, run_editor_process
from tui.widgets.conversation import ConversationView
from tui.widgets.conversation_labels import ConversationLabels
from tui.widgets.conversation_model import PAGE_SIZE, WINDOW_LIMIT
from tui.widgets.dates import TimeFormatter
from tui.widgets.safe import SafeLabel
from tui.widgets.sources import ConversationSource
from tui.widgets.textline import TextSettings

#: How long a reused screen waits for its first page before it is shown anyway.
SHOW_AFTER_S = 0.15


class ConversationScreen(ChatActions):
    """A chat: title, history (:class:`ConversationView`) and :class:`Composer`."""

    DEFAULT_CSS = """
    ConversationScreen #conversation-title {
        background: $primary-muted; color: $text; text-style: bold; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("close"), "back", "Back", id="close"),
        Binding(default("compose"), "write", "Write", id="compose"),
        Binding(
            default("toggle_direction"), "toggle_direction", "Direction", id="toggle_direction"
        ),
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
        self.page_size = page_size
        self._set_chat(account, chat_id, title, around)
        self._formatter = formatter
        self._labels = labels
        self._settings = settings
        self._own_name = own_name
        self._window_limit = window_limit
        self._run_editor = run_editor

    def _set_chat(self, account: str, chat_id: str, title: str | None, around: int | None) -> None:
        self.account = account
        self.chat_id = chat_id
        entry = self.source.chat(account, chat_id)
        self.chat_title = title if title is not None else (entry.title if entry else chat_id)
        self.around = around
        self.read_up_to = entry.state.read_up_to if entry else 0

    @property
    def reusable(self) -> bool:
        """Whether :meth:`switch_chat` may show another chat here: the screen is mounted, off
        the stack, and none of its workers is still running (they act on ``self.chat_id``)."""
        if not self.is_mounted or self in self.app.screen_stack:
            return False
        return not any(
            w.node is self and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for w in self.app.workers
        )

    def switch_chat(
        self,
        account: str,
        chat_id: str,
        *,
        title: str | None = None,
        around: int | None = None,
        show: Callable[[], object] | None = None,
    ) -> None:
        """Show another chat in this screen, already composed and styled (see
        :attr:`reusable`): the app keeps one conversation screen because composing and styling
        a new one costs more than the 50 ms an open may take (issue 6). Everything of the chat
        shown before is dropped; the new one loads as on mount, and ``show`` is called once
        its first page is in (the app pushes the screen then)."""
        self._set_chat(account, chat_id, title, around)
        self.query_one("#conversation-title", SafeLabel).update(self.chat_title)
        self.view.reset()
        self.composer.reset()
        self.view.focus()
        self._open(show)

    def compose(self) -> ComposeResult:
        """Title, history, composer, key bar."""
        t = self.t
        yield SafeLabel(
            self.chat_title, id="conversation-title", align="right" if t.rtl else "left"
        )
        yield ConversationView(
            formatter=self._formatter,
            labels=self._labels,
            settings=self._settings,
            own_name=self._own_name,
            window_limit=self._window_limit,
        )
        yield Composer(run_editor=self._run_editor)
        yield KeyBar(t, id="key-bar")

    def on_mount(self) -> None:
        """Load the chat in the background; the view paints its empty state meanwhile."""
        self.view.focus()
        self._open()

    # --- loading -------------------------------------------------------------------------------

    @work(group="conversation-open", exclusive=True)
    async def _open(self, show: Callable[[], object] | None = None) -> None:
        """Load the chat; then ``show()`` (a reused screen is pushed once it has its first
        page, so that the open paints one full frame rather than an empty one and then
        another; :data:`SHOW_AFTER_S` at most, for a slow store)."""
        timer = self.set_timer(SHOW_AFTER_S, show) if show is not None else None
        try:
            await self._load_chat()
        finally:
            if timer is not None:
                timer.stop()
        if show is not None:
            show()

    async def _load_chat(self) -> None:
        source, account, chat_id = self.source, self.account, self.chat_id

        async def capabilities() -> Capabilities | None:
            try:
                return await source.capabilities(account)
            except Exception:  # the account is down: browsing still works, sending is refused
                return None

        async def first_page() -> Page:
            if self.around is not None:
                return await source.page_around(
                    account, chat_id, message=self.around, limit=self.page_size
                )
            return await source.page(account, chat_id, limit=self.page_size)

        # Asked together: the store's thread answers them back to back, with no trip through
        # the event loop (and a frame) between them.
        caps_task = asyncio.ensure_future(capabilities())
        try:
            state, page, gaps = await asyncio.gather(
                source.chat_state(account, chat_id), first_page(), source.gaps(account, chat_id)
            )
        except Exception as exc:
            caps_task.cancel()
            self._report(exc, "conv.err.open")
            return
        caps = await caps_task
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
            self._report(exc, "conv.err.load")
            return
        await self.view.prepare(page.messages)
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
            self._report(exc, "conv.err.load")
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
            self._report(exc, "conv.err.quote")
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
            self._report(exc, "conv.err.read")

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

    # --- keys ----------------------------------------------------------------------------------

    def action_write(self) -> None:
        """Go to the composer."""
        self.composer.focus_editor()

    def action_toggle_direction(self) -> None:
        """The chat's paragraph direction: auto → rtl → ltr → majority → auto."""
        self.view.action_cycle_direction()

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
