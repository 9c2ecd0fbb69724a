"""``InboxList``: the unified inbox as a virtual Line-API list, two lines per chat.

::

    ┌────┬──────────────────────────────────────────┬──────┐
    │ TG │ title (laid out, cut at its logical end)  ★ │ 12:45│   pinned ★, muted ⊘
    │    │ sender: preview (one line, display-safe)    │   3  │   unread count
    └────┴──────────────────────────────────────────┴──────┘

Persian UI (``I18n.rtl``): the same cells from right to left — badge on the right, times and
counts on the left, titles and previews against the right edge. Every string from outside
(title, sender, preview) is sanitised with ``display_safe`` and laid out by the text engine;
nothing is markup. The list holds the service's rows (``InboxEntry``), never a widget per chat;
:meth:`InboxList.show` replaces them keeping the selected chat selected and, unless the view is
at the top (where new activity should show), the selected row where it was on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual.message import Message
from textual.strip import Strip

from tui.engine.records import InboxEntry
from tui.glue import DateLabels
from tui.i18n import I18n
from tui.text import display_safe
from tui.themes import BADGES, badge
from tui.widgets.rowlist import RowList, cell, join_cells
from tui.widgets.safe import isolate, safe_line
from tui.widgets.textline import component_style, lay_out_one, line_strip, settings_for

ChatKey = tuple[str, str]
PIN_MARK = "★"
MUTE_MARK = "⊘"
BADGE_CELLS = 4

_PARTS = ("cursor", "title", "unread", "preview", "sender", "time", "count", "muted", "mark")


class InboxList(RowList):
    """Every chat of every account (see the module docs)."""

    ROW_HEIGHT: ClassVar[int] = 2
    CLICK_CHOOSES: ClassVar[bool] = True
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"inbox-list--{p}" for p in _PARTS} | {
        f"inbox-list--badge-{m}" for m in (*BADGES, "other")
    }

    @dataclass
    class Highlighted(Message):
        """The cursor is on ``entry``."""

        entry: InboxEntry

    @dataclass
    class Opened(Message):
        """Open ``entry``'s conversation."""

        entry: InboxEntry

    def __init__(
        self,
        t: I18n,
        dates: DateLabels,
        *,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.t = t
        self.dates = dates
        self.rows: list[InboxEntry] = []
        self.now: datetime | None = None
        self._styles: dict[str, Style] | None = None

    # --- data -----------------------------------------------------------------------------

    @property
    def selected(self) -> InboxEntry | None:
        """The chat under the cursor."""
        return self.rows[self.cursor] if self.rows else None

    @property
    def selected_key(self) -> ChatKey | None:
        """``(account, chat_id)`` of the chat under the cursor."""
        entry = self.selected
        return (entry.account, entry.chat_id) if entry else None

    def show(self, rows: list[InboxEntry], now: datetime, select: ChatKey | None = None) -> None:
        """Show ``rows``: the cursor follows the selected chat (or goes to ``select``); until
        the user moves it, it stays on the top row, whatever arrives while Payam starts."""
        h = self.ROW_HEIGHT
        keep = select or (self.selected_key if self.moved_by_user else None)
        old_index, old_top = self.cursor, self.scroll_offset.y
        self.rows = rows
        self.now = now
        index = 0
        if keep is not None:
            found = next((i for i, r in enumerate(rows) if (r.account, r.chat_id) == keep), None)
            index = found if found is not None else min(old_index, max(0, len(rows) - 1))
        scroll = None
        if old_top > 0 and select is None:
            scroll = max(0, index * h - (old_index * h - old_top))
        self.set_count(len(rows), cursor=index, scroll_y=scroll)

    def select_key(self, key: ChatKey) -> bool:
        """Put the cursor on the chat ``key``; False when it is not listed."""
        for i, r in enumerate(self.rows):
            if (r.account, r.chat_id) == key:
                self.move_to(i)
                return True
        return False

    def next_unread(self) -> bool:
        """Move to the next chat with unread messages (wrapping); False when there is none."""
        n = len(self.rows)
        for step in range(1, n + 1):
            i = (self.cursor + step) % n
            if self.rows[i].unread > 0:
                self.move_to(i)
                return True
        return False

    def row_highlighted(self, index: int) -> None:
        """Tell the screen."""
        self.post_message(self.Highlighted(self.rows[index]))

    def row_chosen(self, index: int) -> None:
        """Ask the screen to open the chat."""
        self.post_message(self.Opened(self.rows[index]))

    # --- drawing --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Forget the resolved part styles too."""
        self._styles = None
        super().notify_style_update()

    def _style(self, part: str) -> Style:
        if self._styles is None:
            self._styles = {
                name: component_style(self, f"inbox-list--{name}")
                for name in (*_PARTS, *(f"badge-{m}" for m in (*BADGES, "other")))
            }
        return self._styles[part]

    def row_strips(self, index: int, width: int, selected: bool) -> list[Strip]:
        """The chat's two lines."""
        entry = self.rows[index]
        base = self.rich_style
        if selected:
            base = base + self._style("cursor")
        rtl = self.t.rtl
        settings = settings_for(self)
        code = badge(entry.messenger).code
        kind = entry.messenger if entry.messenger in BADGES else "other"
        badge_cell = cell(f" {code} ", BADGE_CELLS, base + self._style(f"badge-{kind}"))
        gap = cell("", 1, base)
        # line 1: badge · title · marks · time
        marks = (PIN_MARK if entry.state.pinned else "") + (MUTE_MARK if entry.state.muted else "")
        when = self.dates.row(entry.last_at, self.now) if self.now is not None else ""
        time_cells = max(cell_len(when), 1)
        fixed = BADGE_CELLS + 1 + (len(marks) + 1 if marks else 0) + 1 + time_cells
        title_w = max(1, width - fixed)
        title = safe_line(entry.title or entry.chat_id, title_w, settings=settings)
        if rtl:
            title = replace(title, align="right")
        title_style = base + self._style("unread" if entry.unread else "title")
        cells1 = [badge_cell, gap, line_strip(title, title_w, base=title_style, align=rtl), gap]
        if marks:
            cells1 += [cell(marks, len(marks), base + self._style("mark")), gap]
        time_line = lay_out_one(when, time_cells, settings=settings)
        if not rtl:
            time_line = replace(time_line, align="right")
        cells1.append(line_strip(time_line, time_cells, base=base + self._style("time")))
        # line 2: blank under the badge · preview · unread count
        count = self.t.num(entry.unread) if entry.unread else ""
        count_text = f" {count} " if count else ""
        count_style = self._style("muted" if entry.state.muted else "count")
        count_cells = max(len(count_text), 1)
        preview_w = max(1, width - BADGE_CELLS - 1 - 1 - count_cells)
        preview = lay_out_one(self._preview(entry), preview_w, settings=settings)
        if rtl:
            preview = replace(preview, align="right")
        preview_style = base + self._style("preview")
        cells2 = [
            cell("", BADGE_CELLS, base),
            gap,
            line_strip(preview, preview_w, base=preview_style, align=rtl),
            gap,
        ]
        if count_text:
            pad = count_cells - len(count_text)
            count_cell = cell(count_text, len(count_text), base + count_style)
            filler = cell("", pad, base)
            cells2.append(Strip.join([filler, count_cell] if not rtl else [count_cell, filler]))
        else:
            cells2.append(cell("", count_cells, base))
        return [
            join_cells(cells1, rtl).adjust_cell_length(width, base),
            join_cells(cells2, rtl).adjust_cell_length(width, base),
        ]

    def _preview(self, entry: InboxEntry) -> str:
        """The one-line preview, sanitised, as logical text: ``sender: text`` (the sender
        isolated so that its direction cannot reorder the text after it)."""
        t = self.t
        if entry.last_message_id is None:
            return t("inbox.no_messages")
        if entry.preview_deleted:
            text = t("inbox.deleted")
        else:
            text = " ".join(display_safe(entry.preview, "body").split())
        if entry.preview_outgoing:
            return f"{isolate(t('inbox.you'))}: {text}"
        if entry.kind != "private" and entry.preview_sender:
            return f"{isolate(entry.preview_sender)}: {text}"
        return text
