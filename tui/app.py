"""``PayamApp``: the Textual application — wiring only: screens, bindings, service ↔ UI.

Construct it with a service (started or not; it is started on mount, in the app's own event
loop) and the config, run it inside the terminal bidi decision::

    decision = termbidi.decide(config.bidi_setting())          # before Textual owns the tty
    app = PayamApp(Service.from_config(paths, config), config, bidi_decision=decision,
                   paths=paths)
    with termbidi.applied(decision):
        app.run()

``payam demo`` builds the same with a service over the in-process mocks, a temp ``Paths``
(or ``paths=None``: adding accounts from the UI is then refused) and, for screenshots, a
``clock`` (anything with ``now()``: the inbox's "today") and a ``tz``.

On mount the app subscribes to the service, starts it (the store opens and the cached inbox
loads: all the first paint needs), shows the inbox, and only after that first paint runs the
store's ``quick_check`` and the keyring backend check (:meth:`PayamApp.after_first_paint`).
Service notices arrive as :class:`PayamApp.ServiceNotice` messages and are routed by
:mod:`tui.screens.notices`. Crashes print a plain traceback without locals, every registered secret
scrubbed (:meth:`PayamApp._fatal_error`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import traceback
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.theme import Theme
from textual.worker import WorkerFailed

from adapters.redact import scrub
from tui.engine.service_types import Notice, ServiceError
from tui.glue import DateLabels
from tui.i18n import I18n
from tui.keys import Keymap, default
from tui.notify import Announcement, Notifier, run_command
from tui.screens.inbox import InboxScreen
from tui.screens.notices import Router
from tui.screens.palette import ActionCommands, ChatCommands
from tui.text import LayoutOptions, display_safe
from tui.themes import DEFAULT, badge_variables
from tui.widgets.appparts import conversation_labels, payam_themes, time_formatter
from tui.widgets.conversation import ConversationView
from tui.widgets.dates import TimeFormatter
from tui.widgets.textline import TextSettings
from tui.widgets.toast import toast

if TYPE_CHECKING:
    from tui.engine.service import Service
    from tui.settings.keyrings import KeyringStatus
    from tui.settings.paths import Paths
    from tui.settings.schema import Config
    from tui.text.termbidi import BidiDecision

log = logging.getLogger("payam.ui")


class Clock(Protocol):
    """Anything with ``now()`` (the service's clock, a frozen clock in tests)."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


def crash_report(error: BaseException) -> str:
    """A plain traceback (no locals) of ``error``, secrets scrubbed; a failed worker is
    reported by its own exception."""
    if isinstance(error, WorkerFailed):
        error = error.error
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return scrub(text)


class PayamApp(App[int]):
    """The Payam TUI (see the module docs)."""

    CSS_PATH = "app.tcss"
    TITLE = "Payam"
    COMMANDS: ClassVar[set[Any]] = {ActionCommands, ChatCommands}
    COMMAND_PALETTE_BINDING = default("palette")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("quit"), "quit", "Quit", priority=True, id="quit"),
        Binding(default("help"), "help", "Help", id="help"),
        Binding(default("search"), "search", "Search", id="search"),
        Binding(default("accounts"), "accounts", "Accounts", id="accounts"),
    ]

    @dataclass
    class ServiceNotice(Message):
        """A notice from the service, delivered on the app's message queue."""

        notice: Notice

    @dataclass
    class Announced(Message):
        """A new message was announced: the bell rang (``bell``) and ``commands`` ran."""

        item: Announcement
        bell: bool
        commands: tuple[tuple[str, ...], ...]

    def __init__(
        self,
        service: Service,
        config: Config,
        *,
        bidi_decision: BidiDecision,
        paths: Paths | None = None,
        clock: Clock | None = None,
        tz: tzinfo | None = None,
        notifier: Notifier | None = None,
        stop_service: bool = True,
        check_keyring: bool = True,
        save_theme: bool = False,
    ) -> None:
        """``stop_service``: stop the service when the app ends. ``check_keyring``: judge
        the keyring backend after the first paint. ``save_theme``: write a theme picked in
        the palette to ``config.toml`` (needs ``paths``)."""
        super().__init__()
        self.service = service
        self.config = config
        self.bidi_decision = bidi_decision
        self.paths = paths
        self.clock: Clock = clock or service.clock
        self.tz = tz
        self.t = I18n(config.language, config.digits)
        self.keymap = Keymap(config.keys)
        self.dates = DateLabels(self.t, config.calendar, tz)
        self.notifier = notifier or Notifier(config.notifications)
        self.text_settings = TextSettings(
            bidi_decision.mode, LayoutOptions(ui_direction=self.t.ui_direction)
        )
        self.formatter: TimeFormatter = time_formatter(self.t, config.calendar, tz)
        self.labels = conversation_labels(self.t)
        self.keyring_status: KeyringStatus | None = None
        self.router = Router(self)
        self._stop_service = stop_service
        self._check_keyring = check_keyring
        self._save_theme = save_theme and paths is not None
        self._subscription: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._reload_pending = False
        for theme in payam_themes():
            self.register_theme(theme)
        self._unknown_theme = config.theme not in self.available_themes
        self.theme = DEFAULT if self._unknown_theme else config.theme
        if self.t.rtl:
            self.add_class("-rtl")
        keymap = self.keymap.textual_keymap()
        if keymap:
            self.set_keymap(keymap)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The badge colours for themes that do not define them (Textual's own)."""
        return badge_variables(dark=True)

    # --- life cycle -----------------------------------------------------------------------

    async def on_mount(self) -> None:
        """Subscribe, start the service (opens the store, loads the inbox), show the inbox;
        the slow checks wait for the first paint."""
        self._subscription = self.service.subscribe()
        try:
            await self.service.start()
        except ServiceError as exc:
            reason = display_safe(str(exc), "name")
            self.exit(1, message=self.t("store.error", reason=reason))
            return
        self.push_screen(InboxScreen(self.service, self.t, self.dates, self.keymap, self.clock.now))
        self._listen()
        self.update_status()
        self.set_interval(60, self._tick)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.call_after_refresh(self.after_first_paint)

    def after_first_paint(self) -> None:
        """The work that must not delay the first paint: the store's quick_check and the
        keyring backend check."""
        self._check_store()
        if self._check_keyring and any(a.uses_keyring for a in self.config.accounts):
            self._keyring_check()
        if self._unknown_theme:
            toast(self, self.t("theme.unknown", name=self.config.theme, used=DEFAULT))

    async def on_unmount(self) -> None:
        """Stop listening; stop the service if it is ours to stop."""
        if self._subscription is not None:
            self._subscription.close()
        if self._listener is not None:
            self._listener.cancel()
        if self._stop_service:
            await self.service.stop()

    @work(group="store-check", exit_on_error=False)
    async def _check_store(self) -> None:
        await self.service.check_store()  # the result arrives as a StoreChecked notice

    def check_keyring_soon(self) -> None:
        """Judge the keyring backend now unless it was judged already (the accounts screen
        shows the verdict)."""
        if self.keyring_status is None:
            self._keyring_check()

    @work(group="keyring-check", thread=True, exclusive=True, exit_on_error=False)
    def _keyring_check(self) -> None:
        from tui.settings.keyrings import check_keyring_backend

        status = check_keyring_backend(self.config.allow_insecure_keyring)
        self.call_from_thread(self.keyring_checked, status)

    def keyring_checked(self, status: KeyringStatus) -> None:
        """Keep the verdict (the accounts screen shows it); warn when it is a refusal."""
        self.keyring_status = status
        if not status.accepted:
            reason = display_safe(status.reason, "name")
            toast(self, self.t("keyring.refused", reason=reason), severity="warning", timeout=10)
        self.router.keyring_changed()

    def _tick(self) -> None:
        """Once a minute: "today" may have become yesterday."""
        inbox = self.inbox_screen
        if inbox is not None:
            inbox.reload()

    def _theme_changed(self, theme: Theme) -> None:
        if self._save_theme and self.paths is not None and theme.name != self.config.theme:
            self._persist_theme(theme.name)

    @work(group="save-theme", thread=True, exit_on_error=False)
    def _persist_theme(self, name: str) -> None:
        from tui.settings import edit

        assert self.paths is not None
        try:
            self.config = edit.set_option(self.paths.config_file, "theme", name)
        except Exception as exc:
            log.warning("could not save the theme (%s)", type(exc).__name__)

    # --- notices --------------------------------------------------------------------------

    def _listen(self) -> None:
        """Forward the service's notices as messages. A plain task, not a worker: it lives as
        long as the app, and tests wait for the workers to finish."""

        async def forward() -> None:
            async for notice in self._subscription:
                self.post_message(self.ServiceNotice(notice))

        self._listener = asyncio.create_task(forward(), name="payam-notices")

    @on(ServiceNotice)
    def _notice(self, message: ServiceNotice) -> None:
        self.router.route(message.notice)

    def reload_inbox_soon(self) -> None:
        """Re-read the inbox once the current burst of notices is handled."""
        if not self._reload_pending:
            self._reload_pending = True
            self.call_later(self._reload_inbox)

    def _reload_inbox(self) -> None:
        self._reload_pending = False
        inbox = self.inbox_screen
        if inbox is not None:
            inbox.reload()
        self.update_status()

    @property
    def inbox_screen(self) -> InboxScreen | None:
        """The inbox, wherever it is in the screen stack."""
        return next((s for s in self.screen_stack if isinstance(s, InboxScreen)), None)

    def update_status(self) -> None:
        """The status bar: accounts summary; unread total (unmuted chats) and bidi mode."""
        from tui.glue import accounts_summary

        inbox = self.inbox_screen
        if inbox is None:
            return
        t = self.t
        unread = sum(r.unread for r in self.service.inbox() if not r.state.muted)
        end = " · ".join(
            (
                t("status.unread", count=t.num(unread)),
                t("status.bidi", mode=self.bidi_decision.mode),
            )
        )
        inbox.set_status(accounts_summary(self.service.accounts(), t), end)

    @work(group="announce", exit_on_error=False)
    async def announce(self, item: Announcement) -> None:
        """Ring the bell and run the notification commands for ``item``."""
        commands = tuple(self.notifier.commands(item, self.t("notify.new")))
        if self.notifier.bell:
            self.bell()
        self.post_message(self.Announced(item, self.notifier.bell, commands))
        for argv in commands:
            await run_command(argv)

    # --- navigation -----------------------------------------------------------------------

    def open_chat(self, account: str, chat_id: str, around: int | None = None) -> None:
        """Push the conversation of ``(account, chat_id)`` (around store id ``around``)."""
        from tui.screens.conversation import ConversationScreen

        inbox = self.inbox_screen
        if inbox is not None:
            inbox.inbox_list.select_key((account, chat_id))
        screen = ConversationScreen(
            self.service,
            account,
            chat_id,
            around=around,
            formatter=self.formatter,
            labels=self.labels,
        )
        if self.t.rtl:
            screen.add_class("-rtl")
        self.push_screen(screen)

    def on_inbox_list_opened(self, message: Any) -> None:
        """Enter (or a click) on a chat."""
        self.open_chat(message.entry.account, message.entry.chat_id)

    def on_search_screen_open_message(self, message: Any) -> None:
        """A search hit chosen: its chat, around the message (Escape returns to the hits)."""
        self.open_chat(message.account, message.chat_id, around=message.message_id)

    def action_search(self) -> None:
        """Search every chat of every account."""
        from tui.screens.search import SearchScreen

        self.push_screen(SearchScreen(self.service, formatter=self.formatter))

    def action_accounts(self) -> None:
        """The accounts screen."""
        from tui.screens.accounts import AccountsScreen

        if not isinstance(self.screen, AccountsScreen):
            self.push_screen(AccountsScreen())

    def action_help(self) -> None:
        """Keys and fallbacks."""
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- files and links ------------------------------------------------------------------

    def on_conversation_view_open_attachment(self, event: ConversationView.OpenAttachment) -> None:
        """Open a downloaded file with the system opener (argv, never a shell)."""
        self._open_external(event.argv, event.path)

    def on_conversation_view_link_clicked(self, event: ConversationView.LinkClicked) -> None:
        """Open a link (already checked by the view) with the system opener."""
        if sys.platform == "darwin":
            argv: tuple[str, ...] | None = ("open", event.url)
        elif sys.platform.startswith("win"):
            argv = None
        else:
            argv = ("xdg-open", event.url)
        self._open_external(argv, event.url)

    @work(group="open-external", exit_on_error=False)
    async def _open_external(self, argv: tuple[str, ...] | None, what: Path | str) -> None:
        shown = display_safe(what.name if isinstance(what, Path) else what, "name")
        try:
            if argv is None:
                await asyncio.to_thread(os.startfile, str(what))  # type: ignore[attr-defined]
                return
            code = await run_command(argv)
        except OSError as exc:
            code, reason = None, exc.strerror or type(exc).__name__
        else:
            reason = f"exit {code}" if code else ""
        if code != 0:
            text = self.t("open.failed", what=shown, reason=reason or "?")
            toast(self, text, severity="error")

    # --- crashes --------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Remember the error for :meth:`_fatal_error` (Textual's version shows locals)."""
        self._crash_error = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Exit after an unhandled exception WITHOUT Textual's crash screen (which prints a
        traceback with locals, tokens included): a plain traceback, every registered secret
        scrubbed, goes to the log now and to stderr once the terminal is restored."""
        error = getattr(self, "_crash_error", None) or sys.exc_info()[1]
        report = crash_report(error) if error is not None else "unknown error\n"
        log.error("Payam crashed:\n%s", report)
        self.bell()
        shown = display_safe(f"Payam crashed:\n{report}", "body")  # no escapes reach the tty
        self._exit_renderables.append(Text(shown))
        self._close_messages_no_wait()


__all__ = ["Clock", "PayamApp", "crash_report"]
