"""``AddAccountScreen``: add a messenger account from the TUI, as ``payam account add`` does.

The form: messenger, name, base URL (empty: the real API), proxy, channels/groups by
@username, and the token typed into a MASKED field — or a token command instead (run without a
shell, e.g. ``pass show bale/shop``) — and send-only. "Verify and add" checks the fields with
the settings' validators, then in a worker (:func:`tui.glue.add_account`): the keyring policy
(a refused backend is said before anything is sent), ``me()`` over the account's own proxy,
the token into the keyring, the account into ``config.toml``, the account started. The token
is wrapped in a ``Secret`` the moment it leaves the field, never shown, logged or kept in a
message; the field is cleared once the account is added or the token was rejected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select

from tui.glue import AddAccountError, add_account, parse_form
from tui.keys import default
from tui.screens.accounts import visual
from tui.widgets.chrome import ChromeLine
from tui.widgets.safe import SafeText
from tui.widgets.toast import toast

if TYPE_CHECKING:
    from tui.app import PayamApp

_KNOWN = ("telegram", "bale", "eitaa", "rubika", "splus")
_FIELDS = ("name", "base_url", "proxy", "channels", "token", "token_command")


def messengers() -> list[str]:
    """Installed adapters, the built-in ones first."""
    from adapters import registry

    names = registry.names()
    return [m for m in _KNOWN if m in names] + sorted(set(names) - set(_KNOWN))


class AddAccountScreen(Screen[bool]):
    """The add-account form (see the module docs). Dismissed with True once added."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("cancel"), "cancel", "Cancel", id="cancel")
    ]

    @property
    def payam(self) -> PayamApp:
        """The app, typed."""
        return cast("PayamApp", self.app)

    def compose(self) -> ComposeResult:
        """Labels (through the text engine) and fields."""
        t = self.payam.t
        if t.rtl:
            self.add_class("-rtl")
        yield ChromeLine(t("add.title"), id="add-title", rtl=t.rtl)
        with VerticalScroll(id="add-form"):
            options = [(visual(self, f"{t.messenger(m)} ({m})"), m) for m in messengers()]
            yield from self._row(
                t("add.messenger"), Select(options, allow_blank=False, id="messenger", compact=True)
            )
            for field, key, secret in (
                ("name", "add.name", False),
                ("base_url", "add.base_url", False),
                ("proxy", "add.proxy", False),
                ("channels", "add.channels", False),
                ("token", "add.token", True),
                ("token_command", "add.token_command", False),
            ):
                field_input = Input(id=field, password=secret, compact=True, classes="add-input")
                yield from self._row(t(key), field_input)
            yield from self._row(
                "", Checkbox(visual(self, t("add.send_only")), id="send_only", compact=True)
            )
            yield SafeText("", id="add-status")
            buttons = [
                Button(visual(self, t("add.save")), id="save", variant="primary"),
                Button(visual(self, t("add.cancel")), id="cancel"),
            ]
            with Horizontal(id="add-buttons"):
                yield from reversed(buttons) if t.rtl else buttons

    def _row(self, label: str, field: Widget) -> ComposeResult:
        """A label beside its field: label first at the UI's start (right for Persian)."""
        rtl = self.payam.t.rtl
        words = SafeText(label, classes="add-label")
        with Horizontal(classes="add-row"):
            if rtl:
                yield field
                yield words
            else:
                yield words
                yield field

    def on_mount(self) -> None:
        """Start at the name (the messenger has a default)."""
        self.query_one("#name", Input).focus()

    def value(self, field: str) -> str:
        """A text field's value."""
        return self.query_one(f"#{field}", Input).value

    def say(self, text: str, error: bool = False) -> None:
        """The status line under the form."""
        status = self.query_one("#add-status", SafeText)
        status.set_class(error, "-error")
        status.update(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Leave without adding anything."""
        self.query_one("#token", Input).value = ""
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        from adapters.secret import Secret

        app = self.payam
        t = app.t
        typed = self.value("token").strip()
        try:
            new = parse_form(
                messenger=str(self.query_one("#messenger", Select).value),
                name=self.value("name"),
                base_url=self.value("base_url"),
                proxy=self.value("proxy"),
                channels=self.value("channels"),
                send_only=self.query_one("#send_only", Checkbox).value,
                token=Secret(typed) if typed else None,
                token_command=self.value("token_command"),
                t=t,
            )
        except AddAccountError as exc:
            self._failed(exc)
            return
        if app.paths is None:
            self.say(t("add.failed", reason="no config file in this session"), error=True)
            return
        self.say(t("add.verifying", messenger=t.messenger(new.account.messenger)))
        self.query_one("#save", Button).disabled = True
        self._add(new)

    @work(group="add-account", exclusive=True, exit_on_error=False)
    async def _add(self, new: object) -> None:
        from tui.glue import NewAccount

        assert isinstance(new, NewAccount)
        app = self.payam
        assert app.paths is not None
        try:
            added = await add_account(new, app.paths, app.config, app.service, app.t)
        except AddAccountError as exc:
            self.query_one("#save", Button).disabled = False
            self._failed(exc)
            return
        self.query_one("#token", Input).value = ""
        app.config = added.config
        who = added.identity.name + (
            f" @{added.identity.username}" if added.identity.username else ""
        )
        toast(app, app.t("accounts.added", account=new.account.key, who=who))
        app.router.accounts_changed()
        self.dismiss(True)

    def _failed(self, exc: AddAccountError) -> None:
        self.say(str(exc), error=True)
        if exc.field == "token":
            self.query_one("#token", Input).value = ""
        if exc.field in _FIELDS:
            self.query_one(f"#{exc.field}", Input).focus()
