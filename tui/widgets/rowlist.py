"""``RowList``: a virtual list of fixed-height rows drawn with the Line API, and row helpers.

A list of 2,000 chats must not mount 2,000 widgets (a ``ListView`` of 200 items costs ~800 ms):
a ``RowList`` holds only a count and a cursor, and asks its subclass for the strips of the rows
that are visible (:meth:`RowList.row_strips`), caching them until the data, the width or the
styles change. Keys are the config's ``[keys]`` actions (``down``, ``up``, ``page_down``,
``page_up``, ``first``, ``last``, ``open``) as binding ids, so ``App.set_keymap`` rebinds them;
the mouse wheel scrolls, a click moves the cursor (and, with ``CLICK_CHOOSES``, opens).

:func:`cell` / :func:`join_cells` build a row from cells that are placed start→end of the UI:
left→right for English, right→left for Persian, which is how the whole layout is mirrored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.keys import default
from tui.widgets.scrollsize import set_virtual_size


def cell(text: str, width: int, style: Style, *, end: bool = False) -> Strip:
    """``text`` (visual order, trusted or already laid out) in exactly ``width`` cells, at the
    cell's left (or right with ``end``), cropped when too long."""
    used = cell_len(text)
    if used > width:
        return Strip([Segment(text, style)], used).crop(0, width)
    pad = Segment(" " * (width - used), style)
    parts = [pad, Segment(text, style)] if end else [Segment(text, style), pad]
    return Strip([p for p in parts if p.text], width)


def join_cells(cells: Sequence[Strip], rtl: bool) -> Strip:
    """Cells listed from the UI's start: left→right, or right→left when ``rtl``."""
    return Strip.join(list(reversed(cells)) if rtl else list(cells))


class RowList(ScrollView, can_focus=True, inherit_bindings=False):
    """A cursor over ``count`` rows of ``ROW_HEIGHT`` lines each (see the module docs)."""

    ROW_HEIGHT: ClassVar[int] = 1
    CLICK_CHOOSES: ClassVar[bool] = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("down"), "cursor_down", "Down", show=False, id="down"),
        Binding(default("up"), "cursor_up", "Up", show=False, id="up"),
        Binding(default("page_down"), "cursor_page(1)", "Page down", show=False, id="page_down"),
        Binding(default("page_up"), "cursor_page(-1)", "Page up", show=False, id="page_up"),
        Binding(default("first"), "cursor_edge(True)", "First", show=False, id="first"),
        Binding(default("last"), "cursor_edge(False)", "Last", show=False, id="last"),
        Binding(default("open"), "choose", "Open", id="open"),
    ]
    DEFAULT_CSS = """
    RowList { overflow-x: hidden; overflow-y: auto; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """The row the cursor is on (0 when the list is empty)."""

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._count = 0
        self._cache: dict[tuple[int, int, bool], list[Strip]] = {}
        self.moved_by_user = False  # True once a key, a click or the owner moved the cursor

    # --- what subclasses provide ------------------------------------------------------------

    def row_strips(self, index: int, width: int, selected: bool) -> list[Strip]:
        """The ``ROW_HEIGHT`` strips of row ``index``, each exactly ``width`` cells."""
        raise NotImplementedError

    def row_highlighted(self, index: int) -> None:
        """The cursor moved to ``index`` (post a message)."""

    def row_chosen(self, index: int) -> None:
        """Row ``index`` was opened (Enter, or a click with ``CLICK_CHOOSES``)."""

    # --- data -----------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """How many rows there are."""
        return self._count

    def set_count(self, count: int, cursor: int | None = None, scroll_y: int | None = None) -> None:
        """New data: ``count`` rows, the cursor on ``cursor`` (kept when None), the view's top
        at line ``scroll_y`` (kept when None, then moved only to keep the cursor visible)."""
        self._count = count
        self._cache.clear()
        set_virtual_size(self, Size(0, count * self.ROW_HEIGHT))
        target = self.cursor if cursor is None else cursor
        target = max(0, min(target, count - 1)) if count else 0
        if scroll_y is not None:
            self.scroll_to(y=scroll_y, animate=False, immediate=True, force=True)
        self.set_reactive(RowList.cursor, target)
        self._show_cursor()
        self.refresh()

    def invalidate(self) -> None:
        """Draw every row again (the words, the clock or the styles changed)."""
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """Styles changed (a theme switch): cached strips carry the old colours."""
        self._cache.clear()
        super().notify_style_update()

    # --- cursor ---------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        """Redraw the two rows, keep the cursor in view, tell the owner."""
        self._cache = {k: v for k, v in self._cache.items() if k[0] not in (old, new)}
        self._show_cursor()
        self.refresh()
        if self._count:
            self.row_highlighted(new)

    def _show_cursor(self) -> None:
        if not self._count:
            return
        h = self.ROW_HEIGHT
        region = Region(0, self.cursor * h, max(1, self.scrollable_content_region.width), h)
        self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped)."""
        self.moved_by_user = True
        if self._count:
            self.cursor = max(0, min(index, self._count - 1))

    def action_cursor_down(self) -> None:
        """Next row."""
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.move_to(self.cursor - 1)

    def action_cursor_page(self, direction: int) -> None:
        """A screenful of rows down (1) or up (-1)."""
        rows = max(1, self.scrollable_content_region.height // self.ROW_HEIGHT - 1)
        self.move_to(self.cursor + direction * rows)

    def action_cursor_edge(self, first: bool) -> None:
        """The first or the last row."""
        self.move_to(0 if first else self._count - 1)

    def action_choose(self) -> None:
        """Open the row under the cursor."""
        if self._count:
            self.row_chosen(self.cursor)

    # --- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the viewport."""
        width = self.scrollable_content_region.width
        line = y + self.scroll_offset.y
        index, part = divmod(line, self.ROW_HEIGHT)
        if width < 1 or index >= self._count:
            return Strip.blank(max(0, width), self.rich_style)
        selected = index == self.cursor
        key = (index, width, selected)
        strips = self._cache.get(key)
        if strips is None:
            if len(self._cache) > 512:
                self._cache.clear()
            strips = self._cache[key] = self.row_strips(index, width, selected)
        return strips[part]

    def on_resize(self, event: events.Resize) -> None:
        """Rows are laid out for the width: draw them again."""
        self._cache.clear()
        self._show_cursor()

    # --- mouse ----------------------------------------------------------------------------

    def row_at(self, event: events.MouseEvent) -> int | None:
        """The row under the mouse, or None."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = (offset.y + self.scroll_offset.y) // self.ROW_HEIGHT
        return index if 0 <= index < self._count else None

    def on_click(self, event: events.Click) -> None:
        """Move the cursor to the clicked row; open it on a double click (or any click with
        ``CLICK_CHOOSES``)."""
        index = self.row_at(event)
        if index is None:
            return
        event.stop()
        self.focus()
        self.move_to(index)
        if self.CLICK_CHOOSES or event.chain >= 2:
            self.row_chosen(index)
