"""``InboxScreen``: every chat of every account in one list, with filters and the empty state.

Keys (config ``[keys]`` actions; defaults in brackets): ``down``/``up``/``page_*``/``first``/
``last`` move, ``open`` [Enter → l] opens the chat, ``next_unread`` [n] jumps to the next chat
with unread messages, ``filter`` [f] opens the type-to-filter line (title and @username,
insensitive to ي/ی, ك/ک, ZWNJ, case and digits; Enter returns to the list keeping the filter,
Esc clears it), ``unread_only`` [u] toggles unread-only, ``next_account`` [Tab] and
``next_messenger`` [m] cycle the account and messenger filters, ``pin`` [p] and ``mute`` [M]
toggle the chat's pin and mute, ``back`` [Esc ← h] clears every filter. ``/`` (search) is
global message search, not a filter.

The app calls :meth:`InboxScreen.reload` when the service announces ``InboxChanged`` (the list
keeps the selected chat and its place) and :meth:`InboxScreen.set_status` for the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen

from tui.engine.service_types import InboxFilter
from tui.glue import DateLabels
from tui.i18n import I18n
from tui.keys import Keymap, default
from tui.text import display_safe
from tui.widgets.chrome import ChromeLine, KeyBar
from tui.widgets.editor import BidiEditor
from tui.widgets.inbox_list import InboxList
from tui.widgets.safe import SafeLabel, SafeText
from tui.widgets.toast import toast

if TYPE_CHECKING:
    from tui.engine.service import Service

ChatKey = tuple[str, str]

_EMPTY_KEYS = ("telegram", "bale", "splus", "rubika", "eitaa")
_SHELL = (
    "payam account add telegram me",
    "payam account add bale shop --proxy socks5h://127.0.0.1:1080",
    "payam account add eitaa news --channel @mychannel",
)


class InboxScreen(Screen[None]):
    """The unified inbox (see the module docs)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("next_unread"), "next_unread", "Next unread", id="next_unread"),
        Binding(default("filter"), "filter", "Filter", id="filter"),
        Binding(default("unread_only"), "unread_only", "Unread only", id="unread_only"),
        Binding(
            default("next_account"), "next_account", "Next account", show=False, id="next_account"
        ),
        Binding(
            default("next_messenger"),
            "next_messenger",
            "Next messenger",
            show=False,
            id="next_messenger",
        ),
        Binding(default("pin"), "pin", "Pin", show=False, id="pin"),
        Binding(default("mute"), "mute", "Mute", show=False, id="mute"),
        Binding(default("back"), "back", "Back", show=False, id="back"),
    ]

    def __init__(
        self,
        service: Service,
        t: I18n,
        dates: DateLabels,
        keymap: Keymap,
        now: Callable[[], datetime],
        *,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes="-rtl" if t.rtl else "")
        self.service = service
        self.t = t
        self.dates = dates
        self.keymap = keymap
        self.now = now
        self.filters = InboxFilter()
        self.total = 0
        self.stale = False
        """Changed while a chat covered it: read again when back in front."""
        self.status = ("", "")

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, filter line, list, empty state, status bar, key bar."""
        t = self.t
        yield ChromeLine(id="inbox-header", rtl=t.rtl)
        with Horizontal(id="inbox-filter-bar"):
            yield SafeLabel(t("inbox.filter_prompt"), id="inbox-filter-prompt")
            yield BidiEditor(single_line=True, id="inbox-filter")
        yield InboxList(t, self.dates, id="inbox-list")
        yield ChromeLine(t("inbox.no_match"), id="inbox-no-match", rtl=t.rtl)
        yield VerticalScroll(id="inbox-empty")  # filled when the inbox is empty (rare)
        yield ChromeLine(*self.status, id="status-bar", rtl=t.rtl)
        yield KeyBar(t, id="key-bar")

    def _empty_state(self) -> ComposeResult:
        t = self.t
        align: Literal["left", "right"] = "right" if t.rtl else "left"
        yield SafeLabel(t("empty.title"), id="empty-title", align=align)
        yield SafeText(t("empty.intro"), classes="empty-paragraph")
        for messenger in _EMPTY_KEYS:
            yield SafeText(t(f"empty.{messenger}"), classes="empty-item")
        add = t("empty.add", accounts=t.ltr(self.keymap.first("accounts")))
        yield SafeText(add, classes="empty-paragraph")
        for line in _SHELL:
            yield SafeLabel(line, classes="empty-shell", align="left", direction="ltr")
        yield SafeText(t("empty.start"), classes="empty-paragraph")
        yield SafeText(t("empty.privacy"), classes="empty-paragraph")

    @property
    def inbox_list(self) -> InboxList:
        """The list of chats."""
        return self.query_one("#inbox-list", InboxList)

    @property
    def filter_editor(self) -> BidiEditor:
        """The type-to-filter line."""
        return self.query_one("#inbox-filter", BidiEditor)

    def on_screen_resume(self) -> None:
        """Back in front: read the inbox if it changed while a chat covered it."""
        if self.stale:
            self.stale = False
            self.reload()
            update = getattr(self.app, "update_status", None)
            if update is not None:
                update()

    def on_mount(self) -> None:
        """Show the rows the service has (the first paint), focus the list."""
        self.query_one("#inbox-filter-bar").display = False
        self.reload()
        self.inbox_list.focus()

    # --- data -----------------------------------------------------------------------------

    def reload(self, select: ChatKey | None = None) -> None:
        """Read the inbox again (after ``InboxChanged`` or a filter change)."""
        everything = self.service.inbox()
        self.total = len(everything)
        rows = self.service.inbox(self.filters) if self._filtering else everything
        self.inbox_list.show(rows, self.now(), select=select)
        empty = self.total == 0
        teach = self.query_one("#inbox-empty")
        if empty and not teach.children:
            teach.mount_all(list(self._empty_state()))
        teach.display = empty
        self.inbox_list.display = not empty and bool(rows)
        self.query_one("#inbox-no-match").display = not empty and not rows
        self._header(len(rows))

    @property
    def _filtering(self) -> bool:
        f = self.filters
        return bool(f.messengers or f.accounts or f.unread_only or f.text.strip())

    def _header(self, shown: int) -> None:
        t, f = self.t, self.filters
        parts = [t("app.title")]
        if f.messengers:
            parts.append(t("inbox.messenger", name=t.messenger(next(iter(f.messengers)))))
        if f.accounts:
            parts.append(t("inbox.account", name=next(iter(f.accounts))))
        if f.unread_only:
            parts.append(t("inbox.unread_only"))
        if f.text.strip():
            parts.append(t("inbox.filter", text=display_safe(f.text.strip(), "name")))
        if len(parts) == 1:
            parts.append(t("inbox.all"))
        count = t("inbox.count", shown=t.num(shown), total=t.num(self.total))
        self.query_one("#inbox-header", ChromeLine).update(" · ".join(parts), count)

    def set_status(self, start: str, end: str) -> None:
        """The status bar's words (accounts summary; unread total and bidi mode)."""
        self.status = (start, end)
        for bar in self.query("#status-bar").results(ChromeLine):
            bar.update(start, end)

    def set_filters(self, filters: InboxFilter) -> None:
        """Show the rows ``filters`` selects."""
        self.filters = filters
        self.reload()

    # --- actions --------------------------------------------------------------------------

    def action_next_unread(self) -> None:
        """The next chat with unread messages."""
        if not self.inbox_list.next_unread():
            toast(self, self.t("inbox.no_unread"), timeout=2)

    def action_filter(self) -> None:
        """Open the type-to-filter line."""
        self.query_one("#inbox-filter-bar").display = True
        self.filter_editor.focus()

    def action_unread_only(self) -> None:
        """Toggle unread-only."""
        f = self.filters
        self.set_filters(InboxFilter(f.messengers, f.accounts, not f.unread_only, f.text))

    def _cycle(self, current: frozenset[str], options: list[str]) -> frozenset[str]:
        if not options:
            return frozenset()
        if not current:
            return frozenset({options[0]})
        now = next(iter(current))
        i = options.index(now) + 1 if now in options else len(options)
        return frozenset({options[i]}) if i < len(options) else frozenset()

    def action_next_account(self) -> None:
        """All accounts → each account in turn → all."""
        keys = {s.key for s in self.service.accounts()}
        keys |= {r.account for r in self.service.inbox()}
        f = self.filters
        accounts = self._cycle(f.accounts, sorted(keys))
        self.set_filters(InboxFilter(f.messengers, accounts, f.unread_only, f.text))

    def action_next_messenger(self) -> None:
        """All messengers → each messenger in turn → all."""
        names = {s.messenger for s in self.service.accounts()}
        names |= {r.messenger for r in self.service.inbox()}
        f = self.filters
        messengers = self._cycle(f.messengers, sorted(names))
        self.set_filters(InboxFilter(messengers, f.accounts, f.unread_only, f.text))

    def action_back(self) -> None:
        """Clear every filter and close the filter line."""
        bar = self.query_one("#inbox-filter-bar")
        if not self._filtering and not bar.display:
            return
        bar.display = False
        if self.filter_editor.text:
            self.filter_editor.text = ""
        self.set_filters(InboxFilter())
        self.inbox_list.focus()

    def action_pin(self) -> None:
        """Pin or unpin the selected chat."""
        entry = self.inbox_list.selected
        if entry is not None:
            self._toggle(entry.account, entry.chat_id, pin=not entry.state.pinned)

    def action_mute(self) -> None:
        """Mute or unmute the selected chat (a muted chat is never announced)."""
        entry = self.inbox_list.selected
        if entry is not None:
            self._toggle(entry.account, entry.chat_id, mute=not entry.state.muted)

    @work(group="inbox-state")
    async def _toggle(
        self, account: str, chat_id: str, *, pin: bool | None = None, mute: bool | None = None
    ) -> None:
        t = self.t
        if pin is not None:
            await self.service.set_chat_state(account, chat_id, pinned=pin)
            toast(self, t("pin.on" if pin else "pin.off"), timeout=2)
        if mute is not None:
            await self.service.set_chat_state(account, chat_id, muted=mute)
            toast(self, t("mute.on" if mute else "mute.off"), timeout=2)
        self.reload()

    # --- the filter line --------------------------------------------------------------------

    @on(BidiEditor.Changed, "#inbox-filter")
    def _filter_changed(self, event: BidiEditor.Changed) -> None:
        f = self.filters
        self.set_filters(InboxFilter(f.messengers, f.accounts, f.unread_only, event.text))

    @on(BidiEditor.Submitted, "#inbox-filter")
    def _filter_done(self, event: BidiEditor.Submitted) -> None:
        if not event.text.strip():
            self.query_one("#inbox-filter-bar").display = False
        self.inbox_list.focus()
