"""The app's chores off the main path (:class:`AppChores`, a base of
:class:`tui.app.PayamApp`): what runs after the first paint (the store's ``quick_check``, the
keyring backend check, the cyclic GC back on), saving a theme picked in the palette, and opening
files and links with the system opener. Each is a worker, so none of them holds up a frame."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.theme import Theme

from tui.crash import CrashSafeApp
from tui.i18n import I18n
from tui.idlegc import IdleCollector, defer_full_collections
from tui.keyorder import KeysInOrder
from tui.opener import link_argv, open_external
from tui.text import display_safe
from tui.themes import DEFAULT
from tui.widgets.toast import toast

if TYPE_CHECKING:
    from tui.engine.service import Service
    from tui.screens.notices import Router
    from tui.settings.keyrings import KeyringStatus
    from tui.settings.paths import Paths
    from tui.settings.schema import Config
    from tui.widgets.conversation import ConversationView

log = logging.getLogger("payam.ui")


class AppChores(KeysInOrder, CrashSafeApp):
    """The background chores (see the module docs); the state is :class:`PayamApp`'s."""

    service: Service
    config: Config
    paths: Paths | None
    t: I18n
    router: Router
    keyring_status: KeyringStatus | None
    _check_keyring: bool
    _save_theme: bool
    _unknown_theme: bool

    idle_gc: IdleCollector | None = None
    """Collect and re-freeze while the user is idle (:mod:`tui.idlegc`); real runs only."""

    async def on_event(self, event: events.Event) -> None:
        """Note input (for the idle collector), then Textual's own handling."""
        if self.idle_gc is not None and isinstance(event, events.InputEvent):
            self.idle_gc.saw_input()
        await super().on_event(event)

    def after_first_paint(self) -> None:
        """The work that must not delay the first paint: the store's quick_check and the
        keyring backend check. The cyclic GC (off while starting, see :func:`tui.cli.main`)
        comes back, with what start-up made frozen out of its reach."""
        if not gc.isenabled():  # a real run (tui.cli), not a test's app
            gc.freeze()
            defer_full_collections()
            gc.enable()
            self.idle_gc = IdleCollector()
            self.set_interval(0.25, self.idle_gc.tick, name="idle-gc")
        self._check_store()
        if self._check_keyring and any(a.uses_keyring for a in self.config.accounts):
            self._keyring_check()
        if self._unknown_theme:
            toast(self, self.t("theme.unknown", name=self.config.theme, used=DEFAULT))

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

    # --- files and links ------------------------------------------------------------------

    def on_conversation_view_open_attachment(self, event: ConversationView.OpenAttachment) -> None:
        """Open a downloaded file with the system opener (argv, never a shell)."""
        self._open_external(event.argv, event.path)

    def on_conversation_view_link_clicked(self, event: ConversationView.LinkClicked) -> None:
        """Open a link (already checked by the view) with the system opener."""
        self._open_external(link_argv(event.url), event.url)

    @work(group="open-external", exit_on_error=False)
    async def _open_external(self, argv: tuple[str, ...] | None, what: Path | str) -> None:
        reason = await open_external(argv, what)
        if reason is not None:
            shown = display_safe(what.name if isinstance(what, Path) else what, "name")
            toast(self, self.t("open.failed", what=shown, reason=reason), severity="error")
