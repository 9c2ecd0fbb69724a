"""The drawing half of :class:`~tui.widgets.conversation.ConversationView`: a Line-API
scroll view over the loaded window of messages.

:class:`ConversationLayout` turns the window (and the gap markers) into items (messages, day
separators, gaps), renders each item's rows once per (item, width) through
:func:`~tui.widgets.conversation_render.render_item` and caches them, keeps the row offset of
every item so :meth:`~ConversationLayout.render_line` finds the item of a viewport row by
bisection, and keeps what the reader was looking at in place when the window changes
(:meth:`~ConversationLayout._keep_place`). It holds no I/O and posts nothing: loading and the
keys live in the view.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.engine.records import GapMarker, StoredMessage
from tui.widgets.conversation_blocks import BlockRows, Rows, block_rows, lay_out_near, row_of
from tui.widgets.conversation_labels import ConversationLabels
from tui.widgets.conversation_model import (
    WINDOW_LIMIT,
    Item,
    MessageItem,
    MessageWindow,
    build_items,
)
from tui.widgets.conversation_render import (
    BODY_CHARS,
    MORE_FACTOR,
    ROW_KINDS,
    RowContext,
    body_hidden,
    render_item,
    safe_url,
)
from tui.widgets.dates import GregorianFormatter, TimeFormatter
from tui.widgets.scrollsize import set_virtual_size
from tui.widgets.textline import Direction, TextSettings, component_style, settings_for, span_styles

_ROW_CACHE_LIMIT = 4000


class ConversationLayout(ScrollView):
    """Rows of the loaded messages, cached, and drawn a viewport row at a time."""

    cursor_id: reactive[int | None] = reactive(None)
    """Store id of the message under the cursor."""

    direction: reactive[Direction] = reactive("auto")
    """Paragraph direction for bodies: the chat's override, or ``auto``."""

    def __init__(
        self,
        *,
        formatter: TimeFormatter | None = None,
        labels: ConversationLabels | None = None,
        settings: TextSettings | None = None,
        own_name: str | None = None,
        window_limit: int = WINDOW_LIMIT,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.formatter: TimeFormatter = formatter or GregorianFormatter()
        self.labels = labels or ConversationLabels()
        self.own_name = own_name
        self._settings = settings
        self.window = MessageWindow(window_limit)
        self._gaps: list[GapMarker] = []
        self._items: list[Item] = []
        self._offsets: list[int] = [0]
        self._rows: dict[tuple[object, ...], Rows] = {}
        self._rows_width = 0
        self._msg_items: dict[int, int] = {}
        self.quotes: dict[str, StoredMessage | None] = {}
        self.progress: dict[int, tuple[int, int]] = {}
        self._links: list[str] = []
        self._link_ids: dict[str, int] = {}
        self.shown: dict[int, int] = {}
        """Characters of a long body laid out, by store id, once the reader asked for more."""
        self.laid_out = 0
        self._frame_styles: tuple[Style, Style, Style] | None = None
        self._laying_out = False
        """How many rows were rendered (not served from the cache): for tests and benchmarks."""

    @property
    def settings(self) -> TextSettings:
        """The text settings in force."""
        return self._settings or settings_for(self)

    def _ready(self) -> bool:
        """Whether the view has a size yet (layout waits for it)."""
        region = self.scrollable_content_region
        return self.is_mounted and region.width > 0 and region.height > 0

    def is_cut(self, message: StoredMessage) -> bool:
        """Whether only part of ``message``'s body is laid out (``m`` shows more)."""
        return body_hidden(message.text, self.shown.get(message.id, BODY_CHARS)) > 0

    def show_more(self, message: StoredMessage) -> None:
        """Lay out :data:`MORE_FACTOR` times as much of a long body, keeping the place."""
        self.shown[message.id] = self.shown.get(message.id, BODY_CHARS) * MORE_FACTOR
        self._forget(message.id)
        self._relayout()
        self.refresh_bindings()

    def _clear_chat(self) -> None:
        """Drop every message, row and per-chat state; the view shows its empty state."""
        self.window = MessageWindow(self.window.limit)
        self._gaps = []
        self._items = []
        self._offsets = [0]
        self._rows.clear()
        self._msg_items = {}
        self.quotes.clear()
        self.progress.clear()
        self._links.clear()
        self._link_ids.clear()
        self.shown.clear()
        if self.is_mounted:
            set_virtual_size(self, Size(self._width(), 0))
            self.go_to(0)
        self.refresh()

    def _forget(self, message_id: int) -> None:
        for key in [k for k in self._rows if k[0] == ("msg", message_id)]:
            del self._rows[key]

    # --- layout --------------------------------------------------------------------------------

    def _width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def _row_context(self, inner: int) -> RowContext:
        styles = {
            **span_styles(self),
            **{k: component_style(self, f"conversation--{k}") for k in ROW_KINDS},
        }
        return RowContext(
            width=inner,
            settings=self.settings,
            direction=self.direction,
            formatter=self.formatter,
            labels=self.labels,
            styles=styles,
            base=Style(),
            quotes={**self.quotes, **{m.msg_id: m for m in self.window.messages}},
            progress=self.progress,
            link_meta=self._link_meta,
            quote_meta=lambda m: Style.from_meta({"@click": f"jump_reply({m.id})"}),
            own_name=self.own_name,
            shown=self.shown,
            more_meta=lambda m: Style.from_meta({"@click": f"show_more({m.id})"}),
        )

    def _link_meta(self, span: object) -> Style | None:
        url = safe_url(getattr(span, "url", None))
        if url is None:
            return None
        index = self._link_ids.get(url)
        if index is None:
            index = self._link_ids[url] = len(self._links)
            self._links.append(url)
        return Style.from_meta({"@click": f"open_link({index})"})

    def _item_rows(self, item: Item, ctx: RowContext | None = None) -> Rows:
        key = (item.key, ctx.width if ctx else self._rows_width)
        rows = self._rows.get(key)
        if rows is None:
            ctx = ctx or self._row_context(self._rows_width)
            huge = block_rows(item, ctx) if isinstance(item, MessageItem) else None
            rows = huge if huge is not None else render_item(item, ctx)
            self.laid_out += 1
            if len(self._rows) > _ROW_CACHE_LIMIT:
                self._rows.clear()
            self._rows[key] = rows
        return rows

    async def prepare(self, messages: Sequence[StoredMessage], chunk: int = 4) -> None:
        """Lay out (into the row cache) messages about to be added, a few at a time with the
        event loop let through between, so that the page they arrive in costs the next frame
        almost nothing (a page of 50 messages is ~10 ms of layout: a PageUp's frame budget).
        Rows are cached per (message, width): a width change meanwhile just misses later."""
        if not self._ready():
            return
        for start in range(0, len(messages), chunk):
            ctx = self._row_context(self._width() - 2)
            for message in messages[start : start + chunk]:
                self._item_rows(MessageItem(message), ctx)
            await asyncio.sleep(0)

    def _rebuild(self) -> None:
        """Recompute the rows and their offsets for the loaded window at the current width."""
        if not self._ready():
            return
        width = self._width()
        inner = width - 2
        if inner != self._rows_width:
            self._rows.clear()
            self._rows_width = inner
        self._items = build_items(self.window, self._gaps, self.formatter)
        ctx = self._row_context(inner)
        heights = [len(self._item_rows(item, ctx)) for item in self._items]
        self._offsets = [0, *accumulate(heights)]
        self._msg_items = {
            item.message.id: i
            for i, item in enumerate(self._items)
            if isinstance(item, MessageItem)
        }
        set_virtual_size(self, Size(width, self._offsets[-1]))
        self.refresh()

    def _lay_out_visible(self) -> None:
        """Lay out the huge bodies' blocks in and next to the viewport (:func:`lay_out_near`),
        correcting the offsets estimated, keeping what is on screen in place: a block that grew
        above the top row moves the view down as much; a reader at the bottom stays there."""
        if self._laying_out or not self._ready() or not self._items:
            return
        self._laying_out = True
        try:
            for _ in range(8):  # each correction may bring other blocks into view
                height = self.scrollable_content_region.height
                top = int(self.scroll_y) - self.top_pad()
                bottom = self._at_bottom() and not self.window.has_newer
                first, last = max(0, top - height), top + 2 * height
                changed, shift = lay_out_near(
                    lambda i: self._item_rows(self._items[i]), self._offsets, first, last, top
                )
                if not changed:
                    return
                self._offsets = [0, *accumulate(len(self._item_rows(it)) for it in self._items)]
                set_virtual_size(self, Size(self._width(), self._offsets[-1]))
                self.go_to(self.max_scroll_y if bottom else max(0, top + shift))
                self.refresh()
        finally:
            self._laying_out = False

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Scrolled: lay out the huge bodies' blocks that came into view."""
        super().watch_scroll_y(old, new)
        self._lay_out_visible()

    def invalidate(self) -> None:
        """Forget every cached row (after a theme or text settings change)."""
        self._rows.clear()
        self._relayout()

    def _top_anchor(self) -> tuple[int, int] | None:
        """(store id of the first message at or below the top row, its distance from it)."""
        if not self._items:
            return None
        top = int(self.scroll_y)
        i = bisect_right(self._offsets, top) - 1
        for j in range(max(0, i), len(self._items)):
            item = self._items[j]
            if isinstance(item, MessageItem):
                return item.message.id, self._offsets[j] - top
        return None

    class _Anchor:
        def __init__(self, view: ConversationLayout) -> None:
            self.view = view

        def __enter__(self) -> None:
            self.anchor = self.view._top_anchor()
            self.bottom = self.view._at_bottom() and not self.view.window.has_newer

        def __exit__(self, *exc: object) -> None:
            view = self.view
            if not view._ready():
                return
            view._rebuild()
            if self.bottom:
                view.go_to(view.max_scroll_y)
            elif self.anchor is not None and self.anchor[0] in view._msg_items:
                y = view._offsets[view._msg_items[self.anchor[0]]] - self.anchor[1]
                view.go_to(max(0, y))
            view._lay_out_visible()

    def _keep_place(self) -> ConversationLayout._Anchor:
        return ConversationLayout._Anchor(self)

    def _relayout(self) -> None:
        """Lay out again, keeping the message at the top of the view in place."""
        with self._keep_place():
            pass

    def go_to(self, y: float) -> None:
        """Scroll to row ``y`` now (no animation)."""
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def _at_bottom(self) -> bool:
        return self.scroll_y >= self.max_scroll_y - 1

    def notify_style_update(self) -> None:
        """The theme changed: styles are baked into cached rows."""
        super().notify_style_update()
        self._rows.clear()

    def watch_direction(self) -> None:
        """Bodies are laid out again with the new direction."""
        self._rows.clear()
        if self.is_mounted:
            with self._keep_place():
                pass

    # --- drawing -----------------------------------------------------------------------------

    def top_pad(self) -> int:
        """Blank rows above a history shorter than the view: a short chat sits at the bottom,
        next to the composer, as in every chat client (the newest message is where the eye is)."""
        if not self._items:
            return 0
        return max(0, self.scrollable_content_region.height - self._offsets[-1])

    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows of ``crop``, with the widget's styles looked up once for all of them
        (each lookup walks the DOM: per row, they were most of what a page key cost)."""
        self._frame_styles = (
            self.rich_style,
            component_style(self, "conversation--gutter"),
            component_style(self, "conversation--cursor"),
        )
        try:
            return super().render_lines(crop)
        finally:
            self._frame_styles = None

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the viewport."""
        width = self.scrollable_content_region.width
        base, gutter_style, cursor_style = self._frame_styles or (
            self.rich_style,
            component_style(self, "conversation--gutter"),
            component_style(self, "conversation--cursor"),
        )
        line_y = y + int(self.scroll_y) - self.top_pad()
        if not self._items:
            if y == self.scrollable_content_region.height // 2:
                text = self.labels.empty
                style = base + component_style(self, "conversation--empty")
                left = max(0, (width - len(text)) // 2)
                return Strip([Segment(" " * left, base), Segment(text, style)]).adjust_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        if not 0 <= line_y < self._offsets[-1]:
            return Strip.blank(width, base)
        i = bisect_right(self._offsets, line_y) - 1
        item = self._items[i]
        rows = self._item_rows(item)
        k = line_y - self._offsets[i]
        found = row_of(rows, k)
        if found is None and isinstance(rows, BlockRows):
            # A block not laid out yet reached the screen by a path that did not lay it out
            # (a refresh without a scroll): blank for this frame, laid out for the next.
            self.call_later(self._lay_out_visible)
        row = found if found is not None else Strip.blank(self._rows_width)
        selected = (
            isinstance(item, MessageItem)
            and item.message.id == self.cursor_id
            and k < len(rows) - 1
        )
        gutter = Strip([Segment("▌", gutter_style)], 1) if selected else Strip.blank(1)
        # The bar marks the edge the message's header starts from: the right in a Persian UI.
        parts = [gutter, row, Strip.blank(1)]
        if self.settings.options.ui_direction == "rtl":
            parts.reverse()
        strip = Strip.join(parts)
        if selected and self.has_focus:
            strip = strip.apply_style(cursor_style)
        return strip.apply_style(base).adjust_cell_length(width, base)

    def watch_cursor_id(self) -> None:
        """Redraw and bring the cursor's message into view."""
        self.refresh()
        self.refresh_bindings()

    def on_focus(self, event: events.Focus) -> None:
        """The cursor's message is highlighted only while focused."""
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        """Drop the highlight."""
        self.refresh()

    def message_ids(self) -> list[int]:
        """Store ids of the loaded messages, oldest first."""
        return [m.id for m in self.window.messages]
