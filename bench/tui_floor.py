"""The floors of ``bench_tui``: bare Textual apps a TUI cannot beat, measured in the same run.

``python -m bench.tui_floor lineapi``  — one Line-API ``ScrollView`` of 100,000 lines (what the
inbox and the conversation are built on: rows drawn on demand, no widget per row). The lines are
held in memory, made before the first paint, as an app that shows 100,000 lines has them; this
is the floor issue 6 describes (measured there at ~380 ms and ~63 MB);
``python -m bench.tui_floor virtual`` — the same view holding nothing, each line's text made only
when it is drawn (a stricter reference: no app with content can hold less);
``python -m bench.tui_floor listview`` — a ``ListView`` of 200 items (a widget per row, for
reference: what the inbox must not be).

Each paints its first screen with a marker the benchmark looks for (``floor line 0`` /
``floor item 0``) and then waits; Ctrl+Q quits.
"""

from __future__ import annotations

import sys
from typing import ClassVar

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Label, ListItem, ListView

LINES = 100_000
ITEMS = 200
MARKERS = {"lineapi": "floor line 0 ", "virtual": "floor line 0 ", "listview": "floor item 0"}


def line_text(n: int) -> str:
    """The text of line ``n``."""
    return f"floor line {n} " + "·" * 40


class Lines(ScrollView, can_focus=True):
    """100,000 numbered lines, each drawn when it is on screen; held in a list unless
    ``virtual``."""

    def __init__(self, virtual: bool) -> None:
        super().__init__()
        self.held: list[str] | None = None if virtual else [line_text(n) for n in range(LINES)]

    def on_mount(self) -> None:
        """The virtual size: every line, the screen's width."""
        self.virtual_size = Size(self.size.width, LINES)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the viewport."""
        n = y + int(self.scroll_y)
        held = self.held
        text = "" if n >= LINES else (held[n] if held is not None else line_text(n))
        return Strip([Segment(text)]).adjust_cell_length(self.size.width)


class FloorApp(App[None]):
    """A bare app around one widget."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        """The Line-API view or the list."""
        if self.kind in ("lineapi", "virtual"):
            yield Lines(virtual=self.kind == "virtual")
        else:
            yield ListView(*(ListItem(Label(f"floor item {i}")) for i in range(ITEMS)))


def main(argv: list[str]) -> int:
    """Run the floor named by ``argv[0]``."""
    kind = argv[0] if argv else "lineapi"
    if kind not in MARKERS:
        print(f"usage: python -m bench.tui_floor {'|'.join(MARKERS)}", file=sys.stderr)
        return 2
    FloorApp(kind).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
