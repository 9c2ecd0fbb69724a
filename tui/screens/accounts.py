"""``AccountsScreen``: every account's live status, and adding, removing, restarting.

A status (:class:`~tui.engine.service_types.AccountStatus`) is shown in words — polling,
rate-limited until …, retrying (n), token rejected, no token (keyring refused …), conflict,
send-only, polling elsewhere (pid n), "· proxy" — and follows ``AccountChanged`` notices (the
app calls :meth:`AccountsScreen.reload`). Keys: ``a`` add (:mod:`tui.screens.add_account`),
``d`` remove (asks: keep or forget the history; the config entry and the keyring token go
either way), ``r`` restart (re-reads the token: after fixing a rejected token, removing a
webhook or unlocking the keyring), Esc back. The keyring backend's verdict heads the screen;
under ``payam demo`` a line below it says where the mock servers and their control API listen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button

from tui.engine.service_types import AccountStatus
from tui.glue import AddAccountError, remove_account, state_label
from tui.i18n import I18n
from tui.keys import default
from tui.themes import BADGES, badge
from tui.widgets.chrome import ChromeLine, KeyBar
from tui.widgets.rowlist import RowList, cell, join_cells
from tui.widgets.safe import SafeText, safe_line
from tui.widgets.textline import component_style, line_strip, settings_for
from tui.widgets.toast import toast

if TYPE_CHECKING:
    from tui.app import PayamApp

_STATE_CLASS = {
    "polling": "ok",
    "send_only": "ok",
    "idle": "muted",
    "starting": "muted",
    "polling_elsewhere": "muted",
    "rate_limited": "warn",
    "retrying": "warn",
}


def capabilities_text(status: AccountStatus, t: I18n) -> str:
    """``can: receive, edit, delete, files`` from the account's capabilities."""
    caps = status.capabilities
    if caps is None:
        return ""
    can = []
    if caps.receive and status.receive:
        can.append(t("accounts.cap_receive"))
    if caps.edit:
        can.append(t("accounts.cap_edit"))
    if caps.delete:
        can.append(t("accounts.cap_delete"))
    if caps.files_send or caps.files_receive:
        can.append(t("accounts.cap_files"))
    return t("accounts.can", what=t.comma.join(can)) if can else t("state.send_only")


def visual(node: Widget, text: str, width: int = 60) -> Content:
    """Payam's own words as ``Content`` in visual order (for buttons)."""
    return Content(safe_line(text, width, settings=settings_for(node)).text)


class AccountsList(RowList):
    """One account per two lines: badge, name, status; capabilities and proxy below."""

    ROW_HEIGHT: ClassVar[int] = 2
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "accounts-list--cursor",
        "accounts-list--name",
        "accounts-list--detail",
        "accounts-list--ok",
        "accounts-list--warn",
        "accounts-list--bad",
        "accounts-list--muted",
    } | {f"accounts-list--badge-{m}" for m in (*BADGES, "other")}

    @dataclass
    class Highlighted(Message):
        """The cursor is on ``status``."""

        status: AccountStatus

    def __init__(self, t: I18n, app: PayamApp, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.t = t
        self.payam = app
        self.statuses: list[AccountStatus] = []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Rows open nothing (the screen's keys act on the selected account)."""
        return action != "choose"

    def show(self, statuses: list[AccountStatus]) -> None:
        """New statuses, the cursor staying on the same account."""
        keep = self.selected.key if self.selected else None
        self.statuses = statuses
        index = next((i for i, s in enumerate(statuses) if s.key == keep), self.cursor)
        self.set_count(len(statuses), cursor=index)

    @property
    def selected(self) -> AccountStatus | None:
        """The account under the cursor."""
        return self.statuses[self.cursor] if self.statuses else None

    def row_highlighted(self, index: int) -> None:
        """Tell the screen."""
        self.post_message(self.Highlighted(self.statuses[index]))

    def _style(self, name: str) -> Style:
        return component_style(self, f"accounts-list--{name}")

    def row_strips(self, index: int, width: int, selected: bool) -> list[Strip]:
        """The account's two lines."""
        status, t, rtl = self.statuses[index], self.t, self.t.rtl
        base = self.rich_style + (self._style("cursor") if selected else Style())
        settings = settings_for(self)
        kind = status.messenger if status.messenger in BADGES else "other"
        code = badge(status.messenger).code
        name = f"{status.key}  ({t.messenger(status.messenger)})"
        label = state_label(status, t, self.payam.dates)
        klass = "bad" if status.failed else _STATE_CLASS.get(status.state, "muted")
        state_line = safe_line(label, max(1, width // 2), settings=settings)
        name_w = max(1, width - 5 - state_line.cells - 1)
        name_line = safe_line(name, name_w, settings=settings)
        line1 = [
            cell(f" {code} ", 4, base + self._style(f"badge-{kind}")),
            cell("", 1, base),
            line_strip(name_line, name_w, base=base + self._style("name"), align=False),
            cell("", 1, base),
            line_strip(state_line, state_line.cells, base=base + self._style(klass), align=False),
        ]
        detail = capabilities_text(status, t)
        if status.proxy:
            detail += f" · {status.proxy}"
        detail_line = safe_line(detail, max(1, width - 5), settings=settings)
        line2 = [
            cell("", 5, base),
            line_strip(detail_line, width - 5, base=base + self._style("detail"), align=rtl),
        ]
        return [
            join_cells(line1, rtl).adjust_cell_length(width, base),
            join_cells(line2, rtl).adjust_cell_length(width, base),
        ]


class RemoveAccountScreen(ModalScreen[str | None]):
    """Ask how to remove an account: ``"keep"``, ``"forget"`` (history) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("cancel"), "cancel", "Cancel", id="cancel")
    ]

    def __init__(self, account: str) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        """The question and three buttons."""
        t = cast("PayamApp", self.app).t
        with Vertical(id="remove-box"):
            yield SafeText(t("remove.question", account=self.account), id="remove-question")
            yield SafeText(t("remove.explain"), classes="remove-explain")
            with Horizontal(id="remove-buttons"):
                yield Button(visual(self, t("remove.keep")), id="keep", variant="warning")
                yield Button(visual(self, t("remove.forget")), id="forget", variant="error")
                yield Button(visual(self, t("remove.cancel")), id="cancel")

    def on_mount(self) -> None:
        """Cancel is the safe default."""
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in ("keep", "forget") else None)

    def action_cancel(self) -> None:
        """Nothing is removed."""
        self.dismiss(None)


class AccountsScreen(Screen[None]):
    """Statuses, add, remove, restart (see the module docs)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("accounts_add"), "add", "Add", id="accounts_add"),
        Binding(default("accounts_remove"), "remove", "Remove", id="accounts_remove"),
        Binding(default("accounts_restart"), "restart", "Restart", id="accounts_restart"),
        Binding(default("close"), "back", "Back", id="close"),
    ]

    @property
    def payam(self) -> PayamApp:
        """The app, typed."""
        return cast("PayamApp", self.app)

    def compose(self) -> ComposeResult:
        """Title with the keyring verdict, the list, the key bar."""
        t = self.payam.t
        if t.rtl:
            self.add_class("-rtl")
        yield ChromeLine(id="accounts-title", rtl=t.rtl)
        url = self.payam.demo_url
        if url:
            api = t.ltr(f"{url}/<messenger>/__mock__/")
            yield SafeText(t("accounts.demo", url=t.ltr(url), api=api), id="accounts-demo")
        yield AccountsList(t, self.payam, id="accounts-list")
        yield ChromeLine(t("accounts.empty"), id="accounts-empty", rtl=t.rtl)
        yield KeyBar(t, id="key-bar")

    @property
    def accounts_list(self) -> AccountsList:
        """The list of accounts."""
        return self.query_one(AccountsList)

    def on_mount(self) -> None:
        """Show the statuses; judge the keyring if nobody has yet."""
        self.payam.check_keyring_soon()
        self.reload()
        self.accounts_list.focus()

    def reload(self) -> None:
        """Read the statuses (and the keyring verdict) again."""
        app, t = self.payam, self.payam.t
        statuses = app.service.accounts()
        self.accounts_list.show(statuses)
        self.accounts_list.display = bool(statuses)
        self.query_one("#accounts-empty").display = not statuses
        status = app.keyring_status
        if status is None:
            verdict = t("accounts.keyring_wait")
        elif status.accepted:
            verdict = t("accounts.keyring_ok", reason=status.name.rpartition(".")[2])
        else:
            verdict = t("accounts.keyring_bad", reason=status.reason)
        self.query_one("#accounts-title", ChromeLine).update(t("accounts.title"), verdict)

    def action_back(self) -> None:
        """Back to where Accounts was opened from."""
        self.dismiss()

    def action_add(self) -> None:
        """The add-account form."""
        from tui.screens.add_account import AddAccountScreen

        self.app.push_screen(AddAccountScreen(), lambda added: self.reload())

    def action_remove(self) -> None:
        """Ask, then remove the account under the cursor."""
        status = self.accounts_list.selected
        if status is None:
            return

        def answered(how: str | None) -> None:
            if how is not None:
                self._remove(status.key, forget=how == "forget")

        self.app.push_screen(RemoveAccountScreen(status.key), answered)

    @work(group="accounts-remove", exclusive=True)
    async def _remove(self, key: str, *, forget: bool) -> None:
        app = self.payam
        if app.paths is None:
            return
        try:
            app.config = await remove_account(
                key, app.paths, app.config, app.service, forget_history=forget
            )
        except AddAccountError as exc:
            toast(self, str(exc), severity="error")
        else:
            toast(self, app.t("accounts.removed", account=key))
        self.reload()
        app.reload_inbox_soon()

    def action_restart(self) -> None:
        """Set the account under the cursor up again."""
        status = self.accounts_list.selected
        if status is not None:
            self._restart(status.key)

    @work(group="accounts-restart")
    async def _restart(self, key: str) -> None:
        app = self.payam
        try:
            await app.service.restart_account(key)
        except Exception as exc:
            toast(self, str(exc) or type(exc).__name__, severity="error")
            return
        toast(self, app.t("accounts.restarted", account=key), timeout=3)
        self.reload()
