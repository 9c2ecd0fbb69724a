"""How the screens follow the service: one :class:`Router` turns each notice into calls.

=====================  ======================================================================
notice                 what happens
=====================  ======================================================================
InboxChanged           the inbox re-reads its rows (once per burst), the status bar updates
MessagesChanged        an open conversation of that chat refreshes; a live, incoming message
                       in an unmuted chat that is not open is announced (bell, desktop,
                       command) — never history fetched at start (``live=False``)
AccountChanged         the accounts screen and the status bar update; a new failure (token
                       rejected, no token, conflict, stopped) is a toast
OutboxChanged          open conversations of those chats refresh their own messages
DownloadFinished       open conversations show the attachment's new state
GapFound               a warning toast
StoreChecked           a toast when the quick_check found problems
ChangedElsewhere       as InboxChanged, and open conversations of those chats refresh
Resync                 everything re-reads
=====================  ======================================================================
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tui.engine.service_types import (
    AccountChanged,
    ChangedElsewhere,
    DownloadFinished,
    GapFound,
    InboxChanged,
    MessagesChanged,
    Notice,
    OutboxChanged,
    Resync,
    StoreChecked,
)
from tui.glue import state_label
from tui.notify import Announcement, should_announce
from tui.text import display_safe
from tui.widgets.toast import toast

if TYPE_CHECKING:
    from tui.app import PayamApp
    from tui.screens.conversation import ConversationScreen


def _conversation_class() -> type[ConversationScreen] | None:
    """The conversation screen's class once its module is loaded (the app imports it when it
    opens the first chat: until then there is no conversation to route to)."""
    module = sys.modules.get("tui.screens.conversation")
    return getattr(module, "ConversationScreen", None) if module is not None else None


class Router:
    """Routes the service's notices to the app's screens (see the module docs)."""

    def __init__(self, app: PayamApp) -> None:
        """Routes for ``app``."""
        self.app = app
        self._failed: dict[str, str] = {}

    def conversations(self) -> list[ConversationScreen]:
        """Every conversation screen in the stack."""
        cls = _conversation_class()
        return [s for s in self.app.screen_stack if cls is not None and isinstance(s, cls)]

    def open_chat(self) -> tuple[str, str] | None:
        """The chat in front of the user, if a conversation is the active screen."""
        screen, cls = self.app.screen, _conversation_class()
        if cls is not None and isinstance(screen, cls):
            return (screen.account, screen.chat_id)
        return None

    def route(self, notice: Notice) -> None:
        """Act on one notice."""
        app = self.app
        if isinstance(notice, InboxChanged):
            app.reload_inbox_soon()
        elif isinstance(notice, MessagesChanged):
            self._messages(notice)
        elif isinstance(notice, AccountChanged):
            self._account(notice)
        elif isinstance(notice, OutboxChanged):
            for screen in self.conversations():
                if screen.account == notice.account and (
                    not notice.chat_ids or screen.chat_id in notice.chat_ids
                ):
                    screen.outbox_changed()
        elif isinstance(notice, DownloadFinished):
            for screen in self.conversations():
                screen.download_finished(notice.attachment_id)
        elif isinstance(notice, GapFound):
            reason = display_safe(notice.reason, "name")
            toast(app, app.t("gap.found", account=notice.account, reason=reason), timeout=6)
        elif isinstance(notice, StoreChecked):
            if notice.problems:
                problems = display_safe("; ".join(notice.problems[:3]), "name")
                toast(app, app.t("store.problems", problems=problems), severity="error")
        elif isinstance(notice, ChangedElsewhere):
            app.reload_inbox_soon()
            for screen in self.conversations():
                if (screen.account, screen.chat_id) in notice.chats:
                    screen.messages_changed()
        elif isinstance(notice, Resync):
            app.reload_inbox_soon()
            for screen in self.conversations():
                screen.messages_changed()
            self.accounts_changed()

    def _messages(self, notice: MessagesChanged) -> None:
        app = self.app
        for screen in self.conversations():
            if (screen.account, screen.chat_id) == (notice.account, notice.chat_id):
                screen.messages_changed(notice.new, notice.edited, notice.deleted)
        entry = app.service.chat(notice.account, notice.chat_id)
        if entry is not None and should_announce(notice, entry, self.open_chat()):
            app.announce(Announcement.from_entry(entry))

    def _account(self, notice: AccountChanged) -> None:
        app, status = self.app, notice.status
        label = state_label(status, app.t, app.dates)
        if status.failed and self._failed.get(status.key) != label:
            text = app.t("account.failed", account=status.key, state=label)
            toast(app, text, severity="error", timeout=8)
            self._failed[status.key] = label
        elif not status.failed:
            self._failed.pop(status.key, None)
        self.accounts_changed()

    def accounts_changed(self) -> None:
        """The accounts screen (if open) and the status bar show the statuses again."""
        from tui.screens.accounts import AccountsScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, AccountsScreen):
                screen.reload()
        self.app.update_status()

    def keyring_changed(self) -> None:
        """The keyring verdict arrived."""
        self.accounts_changed()
