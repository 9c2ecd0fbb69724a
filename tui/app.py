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
scrubbed (:class:`tui.crash.CrashSafeApp`). The command palette's query is typed in Payam's
bidi editor (:class:`tui.screens.palette.PayamPalette`). In a Persian UI the arrows are
mirrored in the lists: → goes back and ← opens (:meth:`tui.keys.Keymap.mirrored`).
``demo_url`` (``payam demo``): where the mocks listen, shown on the accounts screen and in the
status bar so that messages can be added through the control API while the app runs.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message

from tui import paintprobe
from tui.app_chores import AppChores
from tui.crash import crash_report
from tui.engine.service_types import Notice, ServiceError
from tui.glue import DateLabels
from tui.i18n import I18n
from tui.keyorder import PATIENCE_S
from tui.keys import Keymap, default
from tui.notify import Announcement, Notifier, run_command
from tui.screens.inbox import InboxScreen
from tui.screens.notices import Router
from tui.screens.palette import ActionCommands, ChatCommands
from tui.text import LayoutOptions, display_safe
from tui.themes import DEFAULT, badge_variables
from tui.widgets.appparts import conversation_labels, payam_themes, time_formatter
from tui.widgets.dates import TimeFormatter
from tui.widgets.textline import TextSettings

#: The name the one kept conversation screen is installed under (see ``open_chat``).
CHAT_SCREEN = "payam-conversation"

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tui.engine.service import Service
    from tui.screens.conversation import ConversationScreen
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


class PayamApp(AppChores):
    """The Payam TUI (see the module docs)."""

    CSS_PATH = "app.tcss"
    TITLE = "Payam"
    COMMANDS: ClassVar[set[Any]] = {ActionCommands, ChatCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("quit"), "quit", "Quit", priority=True, id="quit"),
        Binding(default("help"), "help", "Help", id="help"),
        Binding(default("search"), "search", "Search", id="search"),
        Binding(default("accounts"), "accounts", "Accounts", id="accounts"),
        # Ours, not Textual's COMMAND_PALETTE_BINDING, so that [keys] palette rebinds it.
        Binding(
            default("palette"),
            "command_palette",
            "Commands",
            show=False,
            priority=True,
            id="palette",
        ),
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
        demo_url: str | None = None,
    ) -> None:
        """``stop_service``: stop the service when the app ends. ``check_keyring``: judge
        the keyring backend after the first paint. ``save_theme``: write a theme picked in
        the palette to ``config.toml`` (needs ``paths``). ``demo_url``: the demo's mock
        servers (their control API is under ``/<messenger>/__mock__/``)."""
        super().__init__()
        self.service = service
        self.config = config
        self.bidi_decision = bidi_decision
        self.paths = paths
        self.clock: Clock = clock or service.clock
        self.tz = tz
        self.t = I18n(config.language, config.digits)
        self.demo_url = demo_url
        keys = Keymap(config.keys)
        self.keymap = keys.mirrored() if self.t.rtl else keys
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
        self._chat_screen: ConversationScreen | None = None
        for theme in payam_themes():
            self.register_theme(theme)
        self._unknown_theme = config.theme not in self.available_themes
        self.theme = DEFAULT if self._unknown_theme else config.theme
        if self.t.rtl:
            self.add_class("-rtl")
        keymap = self.keymap.textual_keymap()
        if keymap:
            self.set_keymap(keymap)
        probe = paintprobe.wanted()
        if probe is not None:  # the benchmarks' paint timings (off unless asked for)
            paintprobe.install(self, probe)

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

    async def on_unmount(self) -> None:
        """Stop listening; stop the service if it is ours to stop."""
        if self._subscription is not None:
            self._subscription.close()
        if self._listener is not None:
            self._listener.cancel()
        if self._stop_service:
            await self.service.stop()

    def _tick(self) -> None:
        """Once a minute: "today" may have become yesterday."""
        inbox = self.inbox_screen
        if inbox is not None:
            inbox.reload()

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
        if inbox is not None and self.router.open_chat() is not None:
            # A chat covers the inbox: re-reading 2,000 rows now would only delay the chat's
            # next frame (reading it marks it read, which changes the inbox at every page).
            inbox.stale = True
            return
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
        if self.demo_url:
            end = f"{t('status.demo', url=t.ltr(self.demo_url))} · {end}"
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

    def action_command_palette(self) -> None:
        """The command palette, its query typed in Payam's bidi editor."""
        from tui.screens.palette import PALETTE_ID, PayamPalette

        if self.use_command_palette and not isinstance(self.screen, PayamPalette):
            self.push_screen(PayamPalette(id=PALETTE_ID, placeholder=self.t("palette.prompt")))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast's one way to the screen (``Widget.notify`` and :func:`toast` end here):
        the text passes ``display_safe`` and is never parsed as markup, whatever the caller
        asked, because a notification so often quotes a name, a file name or a server's
        reason. Payam's own notifications use no markup."""
        super().notify(
            display_safe(message, "body"),
            title=display_safe(title, "name"),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # --- navigation -----------------------------------------------------------------------

    def open_chat(self, account: str, chat_id: str, around: int | None = None) -> None:
        """Push the conversation of ``(account, chat_id)`` (around store id ``around``)."""
        from tui.screens.conversation import SHOW_AFTER_S, ConversationScreen

        inbox = self.inbox_screen
        if inbox is not None:
            inbox.inbox_list.select_key((account, chat_id))
        kept = self._chat_screen
        # Keys typed behind the Enter that opened the chat are for the chat (tui.keyorder).
        release = self.hold_keys(SHOW_AFTER_S + PATIENCE_S)
        if kept is not None and kept.reusable:
            # Composing and styling a conversation screen is most of what an open costs: the
            # one kept (installed, so not removed when popped) shows the new chat instead.
            origin = self.screen

            def show() -> None:
                # Only over the screen the open was asked from, and only once: a key pressed
                # meanwhile may have gone elsewhere.
                if self.screen is origin and kept not in self.screen_stack:
                    self.push_screen(kept)
                self.call_later(release)

            kept.switch_chat(account, chat_id, around=around, show=show)
            return
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
        if kept is None:
            self._chat_screen = screen
            self.install_screen(screen, name=CHAT_SCREEN)
        self.push_screen(screen)
        self.call_after_refresh(release)

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


__all__ = ["Clock", "PayamApp", "crash_report"]
