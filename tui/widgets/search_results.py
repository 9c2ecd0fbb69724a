"""``SearchResults``: search hits, newest first, as a Line-API list (three rows a hit).

Each hit shows the chat title, the sender and the date on its first row and the snippet on its
second, with the matched words highlighted. The snippet's highlights are offsets into the
ORIGINAL message text (``SearchHit.snippet``); they are moved onto the sanitised text and then
through the layout as spans of kind ``highlight``, so after reordering they still cover the right
(visual) cells of a Persian snippet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from adapters.models import Span
from tui.engine.records import SearchHit
from tui.keys import default
from tui.text import Line, display_safe
from tui.widgets.dates import GregorianFormatter, TimeFormatter
from tui.widgets.safe import FSI, PDI, OffsetMap
from tui.widgets.scrollsize import set_virtual_size
from tui.widgets.textline import (
    SPAN_COMPONENTS,
    TextSettings,
    component_style,
    lay_out_one,
    line_strip,
    settings_for,
    span_css,
    span_styles,
)

ROWS_PER_HIT = 3
ELLIPSIS = "…"


def snippet_line(hit: SearchHit, width: int, settings: TextSettings) -> Line:
    """The hit's snippet on one line, highlights mapped onto the visual text."""
    text = hit.message.text
    safe = display_safe(text, "name")
    offsets = OffsetMap(text, safe)
    start, end = offsets.start(hit.snippet.start), offsets.end(hit.snippet.end)
    if start >= end:
        start, end = 0, len(safe)
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(safe) else ""
    shown = lead + safe[start:end] + tail
    spans = []
    for a, b in hit.snippet.highlights:
        sa = max(offsets.start(a), start) - start + len(lead)
        sb = min(offsets.end(b), end) - start + len(lead)
        if sa < sb:
            spans.append(Span(sa, sb, "highlight"))
    return lay_out_one(shown, width, direction="auto", spans=spans, settings=settings)


def header_line(
    hit: SearchHit, width: int, settings: TextSettings, formatter: TimeFormatter
) -> Line:
    """Chat title · sender · date, in the UI's direction."""
    msg = hit.message
    sender = "you" if msg.outgoing else (msg.sender.name if msg.sender else "")
    title = f"{FSI}{display_safe(hit.chat_title, 'name')}{PDI}"
    who = f"{FSI}{display_safe(sender, 'name')}{PDI}"
    text = f"{title} · {who} · {formatter.stamp(msg.date)}"
    spans = [
        Span(0, len(title), "title"),
        Span(len(title) + 3, len(title) + 3 + len(who), "sender"),
    ]
    ui = settings.options.ui_direction
    line = lay_out_one(text, width, direction=ui, spans=spans, settings=settings)
    return replace(line, align="right") if ui == "rtl" else line


class SearchResults(ScrollView, can_focus=True):
    """The hits of a search (see the module docs); Enter chooses one."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "search--title",
        "search--sender",
        "search--cursor",
        "search--empty",
        *SPAN_COMPONENTS,
    }
    DEFAULT_CSS = """
    SearchResults { height: 1fr; scrollbar-gutter: stable; }
    SearchResults > .search--title { color: $text-primary; text-style: bold; }
    SearchResults > .search--sender { color: $text-secondary; }
    SearchResults > .search--cursor { background: $surface-lighten-1; }
    SearchResults > .search--empty { color: $text-muted; }
    """ + span_css("SearchResults")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("down"), "cursor(1)", "Next", show=False, id="down"),
        Binding(default("up"), "cursor(-1)", "Previous", show=False, id="up"),
        Binding(default("page_down"), "page(1)", show=False, id="page_down"),
        Binding(default("page_up"), "page(-1)", show=False, id="page_up"),
        Binding(default("first"), "edge(True)", show=False, id="first"),
        Binding(default("last"), "edge(False)", show=False, id="last"),
        Binding(default("open"), "choose", "Open", id="open"),
    ]

    cursor: reactive[int] = reactive(0)
    """Index of the hit under the cursor."""

    @dataclass
    class HitChosen(Message):
        """Enter on a hit."""

        hit: SearchHit

    @dataclass
    class MoreWanted(Message):
        """The cursor reached the last hit: ask for older ones (``before`` a store id)."""

        before: int

    def __init__(
        self,
        *,
        formatter: TimeFormatter | None = None,
        settings: TextSettings | None = None,
        empty: str = "Type to search every chat.",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.formatter: TimeFormatter = formatter or GregorianFormatter()
        self._settings = settings
        self.hits: list[SearchHit] = []
        self.has_more = False
        self.empty = empty
        self._asked_more = False

    @property
    def settings(self) -> TextSettings:
        """The text settings in force."""
        return self._settings or settings_for(self)

    def set_hits(self, hits: list[SearchHit], *, has_more: bool, empty: str | None = None) -> None:
        """Show these hits (a new query)."""
        self.hits = list(hits)
        self.has_more = has_more
        self._asked_more = False
        if empty is not None:
            self.empty = empty
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True, force=True)
        self._resize()

    def add_hits(self, hits: list[SearchHit], *, has_more: bool) -> None:
        """Append older hits (the next page)."""
        self.hits.extend(hits)
        self.has_more = has_more
        self._asked_more = False
        self._resize()

    def _resize(self) -> None:
        width = self.scrollable_content_region.width
        set_virtual_size(self, Size(width, len(self.hits) * ROWS_PER_HIT))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual size in step with the width."""
        self._resize()

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the viewport: only visible hits are laid out."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.hits:
            if y == 1:
                style = base + component_style(self, "search--empty")
                line = lay_out_one(self.empty, max(1, width - 2), settings=self.settings)
                return Strip.join([Strip.blank(2, base), line_strip(line, width - 2, base=style)])
            return Strip.blank(width, base)
        row = y + int(self.scroll_y)
        index, part = divmod(row, ROWS_PER_HIT)
        if index >= len(self.hits) or part == 2:
            return Strip.blank(width, base)
        hit = self.hits[index]
        inner = max(1, width - 2)
        styles = {
            **span_styles(self),
            "title": component_style(self, "search--title"),
            "sender": component_style(self, "search--sender"),
        }
        if part == 0:
            line = header_line(hit, inner, self.settings, self.formatter)
        else:
            line = snippet_line(hit, inner, self.settings)
        strip = Strip.join(
            [Strip.blank(1), line_strip(line, inner, base=Style(), styles=styles), Strip.blank(1)]
        )
        if index == self.cursor:
            strip = strip.apply_style(component_style(self, "search--cursor"))
        return strip.apply_style(base).adjust_cell_length(width, base)

    def watch_cursor(self) -> None:
        """Keep the cursor in view; near the end, ask for more."""
        top = self.cursor * ROWS_PER_HIT
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True, force=True)
        elif top + ROWS_PER_HIT > self.scroll_y + height:
            self.scroll_to(y=top + ROWS_PER_HIT - height, animate=False, immediate=True, force=True)
        if self.has_more and not self._asked_more and self.cursor >= len(self.hits) - 3:
            self._asked_more = True
            self.post_message(self.MoreWanted(self.hits[-1].message.id))
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` hits."""
        if self.hits:
            self.cursor = max(0, min(len(self.hits) - 1, self.cursor + delta))

    def action_page(self, delta: int) -> None:
        """Move a page of hits."""
        per_page = max(1, self.scrollable_content_region.height // ROWS_PER_HIT)
        self.action_cursor(delta * per_page)

    def action_edge(self, first: bool) -> None:
        """First or last hit."""
        if self.hits:
            self.cursor = 0 if first else len(self.hits) - 1

    def action_choose(self) -> None:
        """Open the hit under the cursor."""
        if self.hits:
            self.post_message(self.HitChosen(self.hits[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        """A click selects a hit; a second click on it opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + int(self.scroll_y)) // ROWS_PER_HIT
        if 0 <= index < len(self.hits):
            if index == self.cursor and event.chain >= 2:
                self.action_choose()
            self.cursor = index
