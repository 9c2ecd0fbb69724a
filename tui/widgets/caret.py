"""Where a logical cursor is drawn, and where Left/Right/Up/Down take it: pure, no Textual.

The composer keeps its text logical and draws it through :func:`tui.text.layout`. A cursor at
logical position ``pos`` is a block on the cell that shows character ``pos`` (``Line.log2vis``);
a character that is not drawn on its own (ZWNJ, a bidi control, the alef merged into a lam-alef)
puts it on the next drawn character of its line; past the last character of a line it sits on
the line's *end slot*: one cell after the text on an LTR line, one cell before it (on the left)
on a right-aligned RTL line, which is why lines are laid out one cell narrower than the widget.

Left and Right move to the neighbouring cell *visually* (``Line.vis2log`` gives the logical
position of each cell); at a line's edge they continue in reading order: into the next line at
its logical start, or back to the previous line's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from tui.text import Line

_SEPARATORS = ("\r\n", "\n", "\u2029")


@dataclass(frozen=True, slots=True)
class Row:
    """One laid-out line placed in a row of ``width`` cells."""

    line: Line
    width: int
    left: int  # x of the first cell of the text
    xs: tuple[int, ...]  # x of each code point of line.text
    end_x: int  # x of the end slot
    end_pos: int  # the logical position the end slot stands for
    end_reachable: bool  # False on a line wrapped inside a word: its end is the next line

    @property
    def rtl(self) -> bool:
        """Whether the row reads right to left on screen (its end slot is on the left)."""
        return self.line.align == "right"

    def slots(self) -> list[tuple[int, int]]:
        """``(x, logical position)`` of every cell a cursor can stand on, left to right."""
        text = self.line.text
        out = [
            (self.xs[v], self.line.vis2log[v]) for v in range(len(text)) if cell_len(text[v]) > 0
        ]
        if self.end_reachable:
            out.append((self.end_x, self.end_pos))
        out.sort(key=lambda s: s[0])
        return out


def _row(text: str, line: Line, width: int, last: bool) -> Row:
    width = max(width, line.cells + 1)
    left = width - line.cells if line.align == "right" else 0
    xs: list[int] = []
    used = 0
    for ch in line.text:
        w = cell_len(ch)
        xs.append(left + used if w > 0 or used == 0 else left + used - 1)
        used += w
    raw = text[line.start : line.end]
    sep = next((s for s in _SEPARATORS if raw.endswith(s)), "")
    reachable = True
    if sep:
        end_pos = line.end - len(sep)
    elif last:
        end_pos = line.end
    elif raw and raw[-1].isspace():
        end_pos = line.end - 1
    else:
        end_pos, reachable = line.end, False
    end_x = left - 1 if line.align == "right" else left + line.cells
    return Row(line, width, left, tuple(xs), end_x, end_pos, reachable)


class CaretMap:
    """Rows of a laid-out text with the logical ↔ visual cursor maps.

    ``width``: cells per row (lines must be at most ``width - 1`` cells: see the module docs;
    a longer line, as in a single-line editor, gets a row of its own width).
    """

    def __init__(self, text: str, lines: Sequence[Line], width: int) -> None:
        self.text = text
        last = len(lines) - 1
        self.rows = [_row(text, line, width, k == last) for k, line in enumerate(lines)]

    def row_of(self, pos: int) -> int:
        """The row showing logical position ``pos``."""
        lo, hi = 0, len(self.rows) - 1
        while lo < hi:  # the last row whose start is <= pos
            mid = (lo + hi + 1) // 2
            if self.rows[mid].line.start <= pos:
                lo = mid
            else:
                hi = mid - 1
        # Empty rows (an empty paragraph) share their start with nothing else; rows that end
        # exactly at pos belong to the next row unless none follows.
        while lo > 0 and self.rows[lo].line.start > pos:
            lo -= 1
        return lo

    def visual_index(self, pos: int) -> int | None:
        """The index into its row's ``line.text`` where the cursor is drawn (None: end slot)."""
        row = self.rows[self.row_of(pos)]
        line = row.line
        for q in range(max(pos, line.start), line.end):
            v = line.log2vis[q - line.start]
            if v >= 0:
                return v
            if q < line.end and self.text[q] in "\n\r\u2029":
                break
        return None

    def locate(self, pos: int) -> tuple[int, int]:
        """``(row, x)`` of the cell the cursor at ``pos`` is drawn on."""
        r = self.row_of(pos)
        v = self.visual_index(pos)
        row = self.rows[r]
        return r, (row.end_x if v is None else row.xs[v])

    def row_end(self, r: int) -> int:
        """The position End goes to on row ``r``."""
        row = self.rows[r]
        return row.end_pos if row.end_reachable else max(row.line.start, row.line.end - 1)

    def home(self, pos: int) -> int:
        """The logical start of the cursor's row."""
        return self.rows[self.row_of(pos)].line.start

    def end(self, pos: int) -> int:
        """The logical end of the cursor's row."""
        return self.row_end(self.row_of(pos))

    def right(self, pos: int) -> int:
        """One cell to the right, visually."""
        return self._step(pos, +1)

    def left(self, pos: int) -> int:
        """One cell to the left, visually."""
        return self._step(pos, -1)

    def _step(self, pos: int, delta: int) -> int:
        r, x = self.locate(pos)
        row = self.rows[r]
        slots = row.slots() if delta > 0 else row.slots()[::-1]
        for sx, spos in slots:
            if (sx - x) * delta > 0 and spos != pos:
                return spos
        # Off the edge: forward in reading order, or back to the previous line's end.
        forward = (delta > 0) != row.rtl
        if forward:
            return self.rows[r + 1].line.start if r + 1 < len(self.rows) else pos
        return self.row_end(r - 1) if r > 0 else pos

    def vertical(self, pos: int, delta: int, goal_x: int | None = None) -> int:
        """The position on the row ``delta`` away nearest to column ``goal_x``."""
        r, x = self.locate(pos)
        target = r + delta
        if not 0 <= target < len(self.rows):
            return pos
        goal = x if goal_x is None else goal_x
        slots = self.rows[target].slots() or [(self.rows[target].end_x, self.row_end(target))]
        return min(slots, key=lambda s: (abs(s[0] - goal), s[0]))[1]
