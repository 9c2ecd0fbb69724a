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
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message

from adapters.base import Capabilities
from tui.engine.records import GapMarker, Page, StoredAttachment, StoredMessage
from tui.keys import default
from tui.widgets.conversation_actions import MessageActions
from tui.widgets.conversation_labels import ConversationLabels
from tui.widgets.conversation_layout import ConversationLayout
from tui.widgets.conversation_model import WINDOW_LIMIT, MessageItem
from tui.widgets.conversation_render import ROW_KINDS, safe_url
from tui.widgets.dates import TimeFormatter
from tui.widgets.textline import SPAN_COMPONENTS, Direction, TextSettings, span_css

PREFETCH_SCREENS = 6
"""How many screens from the loaded window's edge the next page is asked for."""

__all__ = ["ConversationView", "safe_url"]


class ConversationView(MessageActions, ConversationLayout, can_focus=True):
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
        # ids are config.toml [keys] actions: App.set_keymap rebinds them
        Binding(default("down"), "cursor(1)", "Next", show=False, id="down"),
        Binding(default("up"), "cursor(-1)", "Previous", show=False, id="up"),
        Binding(default("page_down"), "page(1)", "Page down", show=False, id="page_down"),
        Binding(default("page_up"), "page(-1)", "Page up", show=False, id="page_up"),
        Binding(default("first"), "edge(True)", "Oldest", show=False, id="first"),
        Binding(default("last"), "edge(False)", "Newest", show=False, id="last"),
        Binding(default("reply"), "reply", "Reply", id="reply"),
        Binding(default("edit"), "edit", "Edit", id="edit"),
        Binding(default("delete"), "delete", "Delete", id="delete"),
        Binding(default("copy"), "copy", "Copy", id="copy"),
        Binding(default("open_file"), "open", "Open file", id="open_file"),
        Binding(default("save"), "save", "Save file", id="save"),
        Binding(default("follow_reply"), "follow_reply", "Go to quote", id="follow_reply"),
        Binding(
            default("cycle_direction"),
            "cycle_direction",
            "Direction",
            show=False,
            id="cycle_direction",
        ),
        Binding(default("show_more"), "show_more", "More", id="show_more"),
        Binding(default("resend"), "resend", "Resend", id="resend"),
        Binding(default("discard"), "discard", "Discard", id="discard"),
    ]

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
        super().__init__(
            formatter=formatter,
            labels=labels,
            settings=settings,
            own_name=own_name,
            window_limit=window_limit,
            name=name,
            id=id,
            classes=classes,
        )
        self.capabilities = capabilities
        self._want_older = False
        self._want_newer = False
        self._seen = 0
        self._pending: tuple[str, int | None] | None = None

    # --- data in -------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the chat shown (its messages, cached rows, quotes, progress, expansions,
        direction and place) before another is loaded into this view."""
        self._clear_chat()
        self.capabilities = None
        self._want_older = self._want_newer = False
        self._seen = 0
        self._pending = None
        self.set_reactive(ConversationView.cursor_id, None)
        self.set_reactive(ConversationView.direction, "auto")
        self.refresh_bindings()

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

    def _apply_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        how, target = pending
        if how == "center" and target is not None and target in self._msg_items:
            self._center(target)
        else:
            self.go_to(self.max_scroll_y)
        self._lay_out_visible()

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

    def on_resize(self, event: events.Resize) -> None:
        """Lay out again at the new width (the first size lays out what was loaded before)."""
        self._relayout()
        self._apply_pending()
        self._after_change()

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
        # Ask for the next page while a reader is still PREFETCH_SCREENS screens from the edge:
        # the page then arrives (and its add costs its frame) between keys, not during one.
        ahead = PREFETCH_SCREENS * height
        if window.has_older and not self._want_older and y < ahead and window.oldest_id:
            self._want_older = True
            self.post_message(self.PageWanted(True, window.oldest_id))
        near_end = y + ahead >= self._offsets[-1]
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

    def watch_cursor_id(self) -> None:
        """Redraw and bring the cursor's message into view."""
        self.refresh()
        self.refresh_bindings()
