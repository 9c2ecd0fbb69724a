"""``BidiEditor``: an RTL-aware text input, multi-line (the composer) or single-line (search).

The text stays logical (:class:`~tui.widgets.editbuffer.EditBuffer`) and is drawn through
:func:`tui.widgets.textline.lay_out`, so Persian is shaped and reordered and RTL paragraphs are
right-aligned; the cursor is a block on the cell of its logical position and Left/Right move
visually (:class:`~tui.widgets.caret.CaretMap`). No cursor blink: the block is steady.

Keys (the chords terminals cannot tell apart have fallbacks):

* Enter: submit. New line: Ctrl+J everywhere; Alt+Enter and Shift+Enter too in terminals that
  speak the kitty keyboard protocol (kitty, foot, WezTerm, Ghostty…). Textual 8.2.8 turns the
  legacy Alt+Enter (ESC CR) into a plain Enter, so in xterm, VTE and tmux only Ctrl+J works.
* ZWNJ (نیم‌فاصله): what a Persian layout sends for Shift+Space (U+200C, which Textual's own
  inputs drop because ``str.isprintable`` is False for it); Shift+Space in kitty-protocol
  terminals; Ctrl+Space everywhere (it arrives as ``ctrl+@`` from legacy terminals).
* Left/Right (visual), Home/End (logical line start/end), Up/Down, Ctrl+Left/Right (a word in
  the direction of the arrow), Shift+ any of those to select, Ctrl+A line start, Backspace,
  Delete, Ctrl+W / Alt+Backspace (word back), Ctrl+U / Ctrl+K (to line start / end).
* Bracketed paste inserts the pasted text as is (cleaned of controls).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Offset, Size
from textual.message import Message
from textual.strip import Strip

from adapters.models import Span
from tui.text import Line
from tui.widgets.caret import CaretMap
from tui.widgets.editbuffer import EditBuffer
from tui.widgets.editor_keys import EditorKeys
from tui.widgets.textline import (
    DEFAULT_SETTINGS,
    Direction,
    TextSettings,
    component_style,
    lay_out,
    line_strip,
    settings_for,
)

_WIDE = 1_000_000  # single-line mode lays the text out on one line, then scrolls sideways


class BidiEditor(EditorKeys, can_focus=True):
    """A logical-text editor drawn through the bidi layout (see the module docs)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "editor--cursor",
        "editor--selection",
        "editor--placeholder",
    }
    DEFAULT_CSS = """
    BidiEditor { height: auto; width: 1fr; background: $surface; padding: 0 1; }
    BidiEditor:focus { background: $surface-lighten-1; }
    BidiEditor > .editor--cursor { background: $foreground; color: $background; }
    BidiEditor > .editor--selection { background: $primary-muted; }
    BidiEditor > .editor--placeholder { color: $text-disabled; }
    """

    @dataclass
    class Changed(Message):
        """The text changed (typed, pasted, deleted, or set)."""

        editor: BidiEditor
        text: str

        @property
        def control(self) -> BidiEditor:
            """The editor that changed."""
            return self.editor

    @dataclass
    class Submitted(Message):
        """Enter was pressed."""

        editor: BidiEditor
        text: str

        @property
        def control(self) -> BidiEditor:
            """The editor submitted."""
            return self.editor

    def __init__(
        self,
        text: str = "",
        *,
        single_line: bool = False,
        placeholder: str = "",
        direction: Direction = "auto",
        max_lines: int = 8,
        settings: TextSettings | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.buffer = EditBuffer(text, single_line=single_line)
        self.single_line = single_line
        self.placeholder = placeholder
        self.direction: Direction = direction
        self.max_lines = max(1, max_lines)
        self._settings = settings
        self._top = 0  # first row shown (multi-line)
        self._xoff = 0  # first cell shown (single-line)
        self._goal_x: int | None = None

    # --- state -------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The logical text."""
        return self.buffer.text

    @text.setter
    def text(self, value: str) -> None:
        self.buffer.set_text(value)
        self._changed()

    @property
    def cursor(self) -> int:
        """The cursor's logical position (0…len(text))."""
        return self.buffer.cursor

    @property
    def settings(self) -> TextSettings:
        """The text settings in force."""
        return self._settings or (settings_for(self) if self.is_attached else DEFAULT_SETTINGS)

    def set_direction(self, direction: Direction) -> None:
        """Use another paragraph direction (the chat's override)."""
        self.direction = direction
        self.refresh(layout=True)

    def insert(self, text: str) -> None:
        """Insert at the cursor, as if typed."""
        self.buffer.insert(text)
        self._changed()

    def clear(self) -> None:
        """Empty the editor."""
        self.text = ""

    def _changed(self) -> None:
        self._goal_x = None
        self.refresh(layout=True)
        self.post_message(self.Changed(self, self.buffer.text))

    # --- layout ------------------------------------------------------------------------------

    def _text_width(self, width: int | None = None) -> int:
        width = self.content_region.width if width is None else width
        return max(2, width)

    def caret_map(self, width: int | None = None) -> CaretMap:
        """The laid-out text with its cursor maps, at the content width (or ``width``)."""
        row_width = self._text_width(width)
        lines = self._lines(row_width)
        return CaretMap(self.buffer.text, lines, row_width)

    def _lines(self, row_width: int) -> list[Line]:
        layout_width = _WIDE if self.single_line else row_width - 1
        return lay_out(
            self.buffer.text, layout_width, direction=self.direction, settings=self.settings
        )

    def cursor_cell(self) -> tuple[int, int]:
        """``(x, y)`` of the cursor within the content region (after scrolling)."""
        caret = self.caret_map()
        row, x = caret.locate(self.buffer.cursor)
        self._scroll_into_view(caret, row, x)
        return x - self._xoff, row - self._top

    def _scroll_into_view(self, caret: CaretMap, row: int, x: int) -> None:
        height = max(1, min(self.max_lines, len(caret.rows)))
        if row < self._top:
            self._top = row
        elif row >= self._top + height:
            self._top = row - height + 1
        self._top = max(0, min(self._top, len(caret.rows) - height))
        width = self.content_region.width
        if not self.single_line or width <= 0:
            self._xoff = 0
            return
        full = caret.rows[row].width
        if full <= width:
            self._xoff = 0
        elif x < self._xoff:
            self._xoff = x
        elif x >= self._xoff + width:
            self._xoff = x - width + 1
        self._xoff = max(0, min(self._xoff, full - width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The text's rows, up to ``max_lines`` (one in single-line mode)."""
        if self.single_line:
            return 1
        return max(1, min(self.max_lines, len(self._lines(self._text_width(width)))))

    def render_line(self, y: int) -> Strip:
        """Row ``y``: the laid-out line with selection and cursor cells styled."""
        width = self.content_region.width
        base = self.rich_style
        if width <= 0:
            return Strip.blank(0)
        caret = self.caret_map(width)
        cur_row, cur_x = caret.locate(self.buffer.cursor)
        self._scroll_into_view(caret, cur_row, cur_x)
        r = y + self._top
        if r >= len(caret.rows):
            return Strip.blank(width, base)
        if not self.buffer.text and self.placeholder and r == 0:
            return self._placeholder(width, base, cur_x if self.has_focus else None)
        row = caret.rows[r]
        strip = self._row_strip(caret, r, base, cur_x if r == cur_row and self.has_focus else None)
        if self.single_line:
            strip = strip.crop(self._xoff, self._xoff + width)
        if r == cur_row and self.has_focus:
            region = self.content_region
            self.app.cursor_position = Offset(region.x + cur_x - self._xoff, region.y + y)
        return strip.adjust_cell_length(width, base) if row.width != width else strip

    def _row_strip(self, caret: CaretMap, r: int, base: Style, cursor_x: int | None) -> Strip:
        row = caret.rows[r]
        line = row.line
        marks: list[Span] = []
        sel = self.buffer.selection
        if sel is not None:
            marks += [
                Span(v, v + 1, "selection")
                for v, log in enumerate(line.vis2log)
                if sel[0] <= log < sel[1]
            ]
        cursor_v = None
        if cursor_x is not None:
            cursor_v = caret.visual_index(self.buffer.cursor)
            if cursor_v is not None:
                marks.append(Span(cursor_v, cursor_v + 1, "cursor"))
        styles = {
            "selection": component_style(self, "editor--selection"),
            "cursor": component_style(self, "editor--cursor"),
        }
        body = line_strip(replace(line, spans=tuple(marks)), line.cells, base=base, styles=styles)
        left_pad = row.left
        right_pad = row.width - row.left - line.cells
        end_cursor = cursor_x is not None and cursor_v is None
        return Strip.join(
            [
                self._pad(left_pad, base, styles["cursor"] if end_cursor and row.rtl else None),
                body,
                self._pad(
                    right_pad, base, None, styles["cursor"] if end_cursor and not row.rtl else None
                ),
            ]
        )

    @staticmethod
    def _pad(
        count: int, base: Style, last: Style | None = None, first: Style | None = None
    ) -> Strip:
        if count <= 0:
            return Strip([], 0)
        segments = [Segment(" " * count, base)]
        if last is not None:
            segments = [Segment(" " * (count - 1), base), Segment(" ", base + last)]
        elif first is not None:
            segments = [Segment(" ", base + first), Segment(" " * (count - 1), base)]
        return Strip(segments, count)

    def _placeholder(self, width: int, base: Style, cursor_x: int | None) -> Strip:
        style = base + component_style(self, "editor--placeholder")
        lines = lay_out(self.placeholder, _WIDE, direction="auto", settings=self.settings)
        strip = line_strip(lines[0], width, base=style)
        if cursor_x is None:
            return strip
        cursor = base + component_style(self, "editor--cursor")
        x = max(0, min(cursor_x, width - 1))
        head, cell, tail = strip.divide([x, x + 1, width])
        return Strip.join(
            [
                head,
                cell.apply_style(cursor) if cell.cell_length else Strip([Segment(" ", cursor)], 1),
                tail,
            ]
        )

    def action_submit(self) -> None:
        """Post :class:`Submitted` with the text."""
        self.post_message(self.Submitted(self, self.buffer.text))
