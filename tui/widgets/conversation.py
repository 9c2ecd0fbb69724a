"""``ConversationView``: one chat's history as a virtualised Line-API scroll view.

Only a bounded window of messages is loaded (``MessageWindow``); when the view nears either end it
posts :class:`ConversationView.PageWanted` and whoever owns the data (the conversation screen)
answers with :meth:`~ConversationView.add_older` / :meth:`~ConversationView.add_newer`, so a chat
of 100,000 messages costs what a chat of a few hundred does. Rows are laid out once per (message,
width, direction, text settings) and cached; the view keeps what the reader was looking at in
place when pages arrive above it.

The view does no I/O: every request for data or action on a message is a posted message.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from adapters.base import Capabilities
from tui.engine.records import GapMarker, Page, StoredAttachment, StoredMessage
from tui.widgets.conversation_actions import MessageActions
from tui.widgets.conversation_model import (
    WINDOW_LIMIT,
    Item,
    MessageItem,
    MessageWindow,
    build_items,
)
from tui.widgets.conversation_render import (
    ROW_KINDS,
    ConversationLabels,
    RowContext,
    render_item,
)
from tui.widgets.dates import GregorianFormatter, TimeFormatter
from tui.widgets.textline import (
    SPAN_COMPONENTS,
    Direction,
    TextSettings,
    component_style,
    settings_for,
    span_css,
    span_styles,
)

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tg"})
_ROW_CACHE_LIMIT = 4000


def safe_url(url: str | None) -> str | None:
    """``url`` if it is something a browser may be handed (a known scheme, no controls or
    spaces), else None."""
    if not url or any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in LINK_SCHEMES else None


class ConversationView(MessageActions, ScrollView, can_focus=True):
    """A chat's messages (see the module docs). Keys act on the message under the cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"conversation--{kind}" for kind in ROW_KINDS),
        "conversation--cursor",
        "conversation--gutter",
        "conversation--empty",
        *SPAN_COMPONENTS,
    }
    DEFAULT_CSS = """
    ConversationView { height: 1fr; scrollbar-gutter: stable; }
    ConversationView > .conversation--sender { color: $text-secondary; text-style: bold; }
    ConversationView > .conversation--own { color: $text-success; text-style: bold; }
    ConversationView > .conversation--time { color: $text-muted; }
    ConversationView > .conversation--meta { color: $text-muted; }
    ConversationView > .conversation--failed { color: $text-error; text-style: bold; }
    ConversationView > .conversation--quote { color: $text-muted; }
    ConversationView > .conversation--deleted { color: $text-muted; text-style: italic; }
    ConversationView > .conversation--attachment { color: $text-accent; }
    ConversationView > .conversation--day { color: $text-primary; text-style: bold; }
    ConversationView > .conversation--gap { color: $text-warning; text-style: bold; }
    ConversationView > .conversation--cursor { background: $surface-lighten-1; }
    ConversationView > .conversation--gutter { color: $accent; }
    ConversationView > .conversation--empty { color: $text-muted; }
    """ + span_css("ConversationView")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Next", show=False),
        Binding("k,up", "cursor(-1)", "Previous", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("g,home", "edge(True)", "Oldest", show=False),
        Binding("G,end", "edge(False)", "Newest", show=False),
        Binding("r", "reply", "Reply"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("y", "copy", "Copy"),
        Binding("o", "open", "Open file"),
        Binding("s", "save", "Save file"),
        Binding("enter", "follow_reply", "Go to quote"),
        Binding("t", "cycle_direction", "Direction"),
        Binding("R", "resend", "Resend"),
        Binding("x", "discard", "Discard"),
    ]

    cursor_id: reactive[int | None] = reactive(None)
    """Store id of the message under the cursor."""

    direction: reactive[Direction] = reactive("auto")
    """Paragraph direction for bodies: the chat's override, or ``auto``."""

    # --- messages ----------------------------------------------------------------------------

    @dataclass
    class PageWanted(Message):
        """Load the page just older (``older``) or newer than message ``anchor``."""

        older: bool
        anchor: int

    @dataclass
    class EdgeWanted(Message):
        """Load the oldest (``oldest``) or the newest page of the chat."""

        oldest: bool

    @dataclass
    class JumpWanted(Message):
        """Show the chat around the message with messenger id ``msg_id`` (a quoted message)."""

        msg_id: str

    @dataclass
    class QuotesWanted(Message):
        """Look up these quoted messages (messenger ids) that are not loaded."""

        msg_ids: tuple[str, ...]

    @dataclass
    class Seen(Message):
        """The newest message shown so far has store id ``up_to`` (mark the chat read)."""

        up_to: int

        def can_replace(self, message: Message) -> bool:
            """A newer ``Seen`` makes a queued one pointless."""
            return isinstance(message, ConversationView.Seen)

    @dataclass
    class ReplyRequested(Message):
        """Reply to ``message``."""

        message: StoredMessage

    @dataclass
    class EditRequested(Message):
        """Edit own ``message``."""

        message: StoredMessage

    @dataclass
    class DeleteRequested(Message):
        """Delete ``message`` (the screen asks first)."""

        message: StoredMessage

    @dataclass
    class ResendRequested(Message):
        """Send a failed or unknown own ``message`` again."""

        message: StoredMessage

    @dataclass
    class DiscardRequested(Message):
        """Drop an unsent own ``message``."""

        message: StoredMessage

    @dataclass
    class SaveRequested(Message):
        """Download ``attachment`` of ``message``; open it afterwards with ``open_after``."""

        message: StoredMessage
        attachment: StoredAttachment
        open_after: bool = False

    @dataclass
    class OpenAttachment(Message):
        """Open a downloaded file with the system opener: run ``argv`` without a shell (None
        on Windows: use ``os.startfile(path)``)."""

        path: Path
        argv: tuple[str, ...] | None

    @dataclass
    class LinkClicked(Message):
        """A link was clicked; ``url`` passed :func:`safe_url`."""

        url: str

    @dataclass
    class DirectionChanged(Message):
        """The reader chose another direction for this chat."""

        direction: Direction

    # --- construction --------------------------------------------------------------------------

    def __init__(
        self,
        *,
        formatter: TimeFormatter | None = None,
        labels: ConversationLabels | None = None,
        settings: TextSettings | None = None,
        capabilities: Capabilities | None = None,
        own_name: str | None = None,
        window_limit: int = WINDOW_LIMIT,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.formatter: TimeFormatter = formatter or GregorianFormatter()
        self.labels = labels or ConversationLabels()
        self.capabilities = capabilities
        self.own_name = own_name
        self._settings = settings
        self.window = MessageWindow(window_limit)
        self._gaps: list[GapMarker] = []
        self._items: list[Item] = []
        self._offsets: list[int] = [0]
        self._rows: dict[tuple[object, ...], list[Strip]] = {}
        self._rows_width = 0
        self._msg_items: dict[int, int] = {}
        self.quotes: dict[str, StoredMessage | None] = {}
        self.progress: dict[int, tuple[int, int]] = {}
        self._links: list[str] = []
        self._link_ids: dict[str, int] = {}
        self._want_older = False
        self._want_newer = False
        self._seen = 0
        self._pending: tuple[str, int | None] | None = None
        self.laid_out = 0
        """How many rows were rendered (not served from the cache): for tests and benchmarks."""

    @property
    def settings(self) -> TextSettings:
        """The text settings in force."""
        return self._settings or settings_for(self)

    # --- data in -------------------------------------------------------------------------------

    def load(
        self, page: Page, *, gaps: Iterable[GapMarker] | None = None, cursor: int | None = None
    ) -> None:
        """Show ``page`` alone; the cursor goes to ``cursor`` (centred) or the newest message."""
        self.window.replace(page)
        if gaps is not None:
            self._gaps = list(gaps)
        self._want_older = self._want_newer = False
        ids = {m.id for m in self.window.messages}
        target = cursor if cursor is not None and cursor in ids else None
        self._pending = ("center", target) if target is not None else ("end", None)
        if target is None and self.window.messages:
            target = self.window.messages[-1].id
        self.set_reactive(ConversationView.cursor_id, target)
        self.refresh_bindings()
        if self._ready():
            self._rebuild()
            self._apply_pending()
            self._after_change()

    def _ready(self) -> bool:
        """Whether the view has a size yet (layout waits for it)."""
        region = self.scrollable_content_region
        return self.is_mounted and region.width > 0 and region.height > 0

    def _apply_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        how, target = pending
        if how == "center" and target is not None and target in self._msg_items:
            self._center(target)
        else:
            self.go_to(self.max_scroll_y)

    def add_older(self, page: Page) -> None:
        """Put an older page above what is shown, keeping the view where it was."""
        with self._keep_place():
            self.window.add_older(page)
        self._want_older = False
        self._after_change()

    def add_newer(self, page: Page) -> None:
        """Append a newer page; a reader at the bottom follows it down."""
        following = self._at_bottom() and not self.window.has_newer
        last = self.window.newest_id
        with self._keep_place():
            self.window.add_newer(page)
        self._want_newer = False
        if following:
            if self.cursor_id == last and self.window.newest_id is not None:
                self.cursor_id = self.window.newest_id
            self.go_to(self.max_scroll_y)
        self._after_change()

    def update_message(self, message: StoredMessage) -> None:
        """Show a changed message (edited, deleted, delivered) or insert a new one in range."""
        self._forget(message.id)
        with self._keep_place():
            self.window.insert(message)
        self._after_change()

    def remove_message(self, message_id: int) -> None:
        """Drop a message from the view (a discarded unsent one)."""
        self._forget(message_id)
        if self.cursor_id == message_id and not self._move_cursor(1):
            self._move_cursor(-1)
        with self._keep_place():
            self.window.remove(message_id)
        self._after_change()

    def set_gaps(self, gaps: Iterable[GapMarker]) -> None:
        """Replace the gap markers."""
        with self._keep_place():
            self._gaps = list(gaps)

    def set_quotes(self, quotes: Mapping[str, StoredMessage | None]) -> None:
        """Previews for quoted messages that are not loaded (None: not in the store)."""
        self.quotes.update(quotes)
        replying = {m.id for m in self.window.messages if m.reply_to in quotes}
        for message_id in replying:
            self._forget(message_id)
        self._relayout()

    def set_progress(self, attachment_id: int, done: int, total: int) -> None:
        """Show a download's progress on its message."""
        self.progress[attachment_id] = (done, total)
        for message in self.window.messages:
            if any(a.id == attachment_id for a in message.attachments):
                self._forget(message.id)
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

    def _item_rows(self, item: Item, ctx: RowContext | None = None) -> list[Strip]:
        key = (item.key, ctx.width if ctx else self._rows_width)
        rows = self._rows.get(key)
        if rows is None:
            ctx = ctx or self._row_context(self._rows_width)
            rows = render_item(item, ctx)
            self.laid_out += 1
            if len(self._rows) > _ROW_CACHE_LIMIT:
                self._rows.clear()
            self._rows[key] = rows
        return rows

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
        self.virtual_size = Size(width, self._offsets[-1])
        self.refresh()

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
        def __init__(self, view: ConversationView) -> None:
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

    def _keep_place(self) -> ConversationView._Anchor:
        return ConversationView._Anchor(self)

    def _relayout(self) -> None:
        """Lay out again, keeping the message at the top of the view in place."""
        with self._keep_place():
            pass

    def go_to(self, y: float) -> None:
        """Scroll to row ``y`` now (no animation)."""
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def _at_bottom(self) -> bool:
        return self.scroll_y >= self.max_scroll_y - 1

    def on_resize(self, event: events.Resize) -> None:
        """Lay out again at the new width (the first size lays out what was loaded before)."""
        self._relayout()
        self._apply_pending()
        self._after_change()

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

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Ask for more history near either end; report what was seen."""
        super().watch_scroll_y(old, new)
        self._after_change()

    # --- after every change: load more, mark seen ----------------------------------------------

    def _after_change(self) -> None:
        if not self._ready() or self._pending is not None:
            return
        height = self.scrollable_content_region.height
        y = int(self.scroll_y)
        window = self.window
        if window.has_older and not self._want_older and y < 3 * height and window.oldest_id:
            self._want_older = True
            self.post_message(self.PageWanted(True, window.oldest_id))
        near_end = y + 4 * height >= self._offsets[-1]
        if window.has_newer and not self._want_newer and near_end and window.newest_id:
            self._want_newer = True
            self.post_message(self.PageWanted(False, window.newest_id))
        missing = tuple(
            sorted(
                {
                    m.reply_to
                    for m in window.messages
                    if m.reply_to is not None
                    and m.reply_to not in self.quotes
                    and window.find(m.reply_to) is None
                }
            )
        )
        if missing:
            self.quotes.update(dict.fromkeys(missing))  # asked once; None until answered
            self.post_message(self.QuotesWanted(missing))
        newest = self._newest_visible()
        if newest is not None and newest > self._seen:
            self._seen = newest
            self.post_message(self.Seen(newest))

    def _newest_visible(self) -> int | None:
        bottom = int(self.scroll_y) + self.scrollable_content_region.height
        i = bisect_right(self._offsets, max(0, bottom - 1)) - 1
        for j in range(min(i, len(self._items) - 1), -1, -1):
            item = self._items[j]
            if isinstance(item, MessageItem):
                return item.message.id
        return None

    # --- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the viewport."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        line_y = y + int(self.scroll_y)
        if not self._items:
            if y == self.scrollable_content_region.height // 2:
                text = self.labels.empty
                style = base + component_style(self, "conversation--empty")
                left = max(0, (width - len(text)) // 2)
                return Strip([Segment(" " * left, base), Segment(text, style)]).adjust_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        if line_y >= self._offsets[-1]:
            return Strip.blank(width, base)
        i = bisect_right(self._offsets, line_y) - 1
        item = self._items[i]
        rows = self._item_rows(item)
        k = line_y - self._offsets[i]
        row = rows[k] if k < len(rows) else Strip.blank(self._rows_width)
        selected = (
            isinstance(item, MessageItem)
            and item.message.id == self.cursor_id
            and k < len(rows) - 1
        )
        gutter_style = component_style(self, "conversation--gutter")
        gutter = Strip([Segment("▌", gutter_style)], 1) if selected else Strip.blank(1)
        strip = Strip.join([gutter, row, Strip.blank(1)])
        if selected and self.has_focus:
            strip = strip.apply_style(component_style(self, "conversation--cursor"))
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
