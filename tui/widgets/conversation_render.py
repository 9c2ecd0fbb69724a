"""How one conversation row (a message, a day separator, a gap marker) becomes strips.

Every piece of outside text goes through :mod:`tui.widgets.safe`: a message body is sanitised
with its spans moved along, laid out at the width with the chat's direction (each paragraph
aligned by its own direction), and drawn with :func:`tui.widgets.textline.line_strip`. The labels
(header, quote, attachment, delivery state) are logical strings with the outside parts wrapped in
FSI…PDI and laid out in the UI's direction, so a Persian name never drags the time across it and
a Persian UI mirrors the header as a whole.

A body is laid out only up to :data:`BODY_CHARS` characters (and :data:`BODY_PARAGRAPHS`
paragraphs) until the reader asks for more (``m``: eight times as much each time), with a row
saying how much is hidden: a stranger's 1 MB message would otherwise cost a second of layout,
with every key waiting behind it (``security.md`` S5). Every messenger's own limit (4,096
characters) is under two such steps.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from rich.style import Style
from textual.strip import Strip

from adapters.models import Span
from tui.engine.records import StoredAttachment, StoredMessage
from tui.text import display_safe
from tui.widgets.conversation_labels import ConversationLabels
from tui.widgets.conversation_model import DayItem, GapItem, Item, MessageItem
from tui.widgets.dates import TimeFormatter
from tui.widgets.safe import FSI, PDI, safe_lines, sanitize_spans
from tui.widgets.textline import Direction, LinkMeta, TextSettings, lay_out_one, line_strip

#: Row kinds with their own component class (``conversation--<kind>``).
ROW_KINDS = (
    "sender",
    "own",
    "time",
    "meta",
    "failed",
    "quote",
    "deleted",
    "attachment",
    "day",
    "gap",
)


#: How much of a body is laid out at first (see the module docs), and the factor ``m`` grows it
#: by. A page of 50 such bodies lays out in well under the 200 ms a key may wait.
BODY_CHARS: Final = 2_000
BODY_PARAGRAPHS: Final = 40
MORE_FACTOR: Final = 8
#: How much of a quoted message a one-line quote (or the reply banner) looks at.
QUOTE_CHARS: Final = 500


def body_cut(text: str, limit: int = BODY_CHARS) -> int:
    """Where to cut ``text`` so that at most ``limit`` characters and ``limit //
    BODY_CHARS * BODY_PARAGRAPHS`` paragraphs are laid out (``len(text)``: no cut), at a space
    near the limit when there is one."""
    paragraphs = max(1, limit // BODY_CHARS) * BODY_PARAGRAPHS
    cut = len(text)
    if cut > limit:
        space = text.rfind(" ", limit - limit // 10, limit)
        cut = space + 1 if space > 0 else limit
    newline = -1
    for _ in range(paragraphs):
        newline = text.find("\n", newline + 1, cut)
        if newline < 0:
            return cut
    return newline if _VISIBLE.search(text, newline) else cut


_VISIBLE: Final = re.compile(r"\S")


def body_hidden(text: str, limit: int = BODY_CHARS) -> int:
    """How many characters of the sanitised body of ``text`` a ``limit`` leaves unshown."""
    safe = display_safe(text)
    return len(safe) - body_cut(safe, limit)


#: The URL schemes a link may be opened with.
LINK_SCHEMES: Final = frozenset({"http", "https", "mailto", "tg"})


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


def human_size(size: int | None) -> str:
    """``1.2 MB``-style size ("" when unknown)."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def opener_argv(path: Path, platform: str = sys.platform) -> tuple[str, ...] | None:
    """The argv that opens ``path`` with the system's opener, no shell involved; None on
    Windows (use ``os.startfile``). The path is made absolute so it can never look like an
    option to the opener."""
    target = str(path.resolve())
    if platform == "darwin":
        return ("open", "--", target)
    if platform.startswith("win"):
        return None
    return ("xdg-open", target)


def one_line_preview(text: str) -> str:
    """A body squeezed onto one line for a quote (whitespace runs become one space); only its
    first :data:`QUOTE_CHARS` characters, which is more than one line can show."""
    return " ".join(text[:QUOTE_CHARS].split())


@dataclass
class RowContext:
    """What rendering a row needs besides the row itself."""

    width: int
    settings: TextSettings
    direction: Direction
    formatter: TimeFormatter
    labels: ConversationLabels
    styles: Mapping[str, Style]
    base: Style
    quotes: Mapping[str, StoredMessage | None]
    progress: Mapping[int, tuple[int, int]]
    link_meta: LinkMeta | None = None
    quote_meta: Callable[[StoredMessage], Style] | None = None
    own_name: str | None = None
    shown: Mapping[int, int] = field(default_factory=dict)
    """Characters of a body to lay out, by store id, for the messages the reader expanded
    (the rest: :data:`BODY_CHARS`)."""
    more_meta: Callable[[StoredMessage], Style] | None = None


def _label(text: str, spans: list[Span], ctx: RowContext, *, align: bool = True) -> Strip:
    """A logical label laid out on one line in the UI's direction."""
    ui = ctx.settings.options.ui_direction
    line = lay_out_one(text, ctx.width, direction=ui, spans=spans, settings=ctx.settings)
    if ui == "rtl" and align:
        line = replace(line, align="right")
    return line_strip(line, ctx.width, base=ctx.base, styles=ctx.styles)


class _Builder:
    """Appends a logical label piece by piece, recording a span per styled piece."""

    def __init__(self) -> None:
        self.text = ""
        self.spans: list[Span] = []

    def add(self, piece: str, kind: str | None = None) -> None:
        if kind is not None and piece:
            self.spans.append(Span(len(self.text), len(self.text) + len(piece), kind))
        self.text += piece

    def add_name(self, name: str, kind: str) -> None:
        self.add(f"{FSI}{display_safe(name, 'name')}{PDI}", kind)


def render_item(item: Item, ctx: RowContext) -> list[Strip]:
    """The rows of one item at ``ctx.width`` (no cursor marks: the view adds those)."""
    if isinstance(item, DayItem):
        return [_centered(ctx.formatter.day(item.when), "day", ctx), Strip.blank(ctx.width)]
    if isinstance(item, GapItem):
        return [_centered(f"⋯ {ctx.labels.gap} ⋯", "gap", ctx), Strip.blank(ctx.width)]
    return _message_rows(item, ctx)


def _centered(text: str, kind: str, ctx: RowContext) -> Strip:
    line = lay_out_one(display_safe(text, "name"), ctx.width - 2, settings=ctx.settings)
    style = ctx.base + ctx.styles.get(kind, Style())
    left = max(0, (ctx.width - line.cells) // 2)
    strip = Strip.join(
        [
            Strip.blank(left, ctx.base),
            line_strip(line, line.cells, base=style, align=False),
        ]
    )
    return strip.adjust_cell_length(ctx.width, ctx.base)


def sender_name(message: StoredMessage, labels: ConversationLabels, own: str | None) -> str:
    """Who wrote the message, as shown (untrusted: sanitise before display)."""
    if message.outgoing:
        return own or labels.you
    return message.sender.name if message.sender is not None else labels.unknown_sender


def _message_rows(item: MessageItem, ctx: RowContext) -> list[Strip]:
    message = item.message
    rows = [_header(message, ctx)]
    if message.reply_to is not None and not message.deleted:
        rows.append(_quote(message, ctx))
    if message.deleted:
        rows.append(_label(ctx.labels.deleted, [Span(0, len(ctx.labels.deleted), "deleted")], ctx))
    elif message.text:
        text, spans = sanitize_spans(message.text, message.spans)
        cut = body_cut(text, ctx.shown.get(message.id, BODY_CHARS))
        hidden = len(text) - cut
        if hidden:
            text = text[:cut]
            spans = tuple(replace(s, end=min(s.end, cut)) for s in spans if s.start < cut)
        for line in safe_lines(
            text, ctx.width, direction=ctx.direction, spans=spans, settings=ctx.settings
        ):
            rows.append(
                line_strip(
                    line, ctx.width, base=ctx.base, styles=ctx.styles, link_meta=ctx.link_meta
                )
            )
        if hidden:
            more = ctx.labels.more.format(count=ctx.labels.count(hidden))
            strip = _label(more, [Span(0, len(more), "meta")], ctx)
            if ctx.more_meta is not None:
                strip = strip.apply_meta(ctx.more_meta(message).meta)
            rows.append(strip)
    if not message.deleted:
        rows.extend(_attachment(att, ctx) for att in message.attachments)
    if message.outgoing and message.delivery in ("failed", "unknown"):
        hint = ctx.labels.outbox_hint
        rows.append(_label(hint, [Span(0, len(hint), "failed")], ctx))
    rows.append(Strip.blank(ctx.width))
    return rows


def _header(message: StoredMessage, ctx: RowContext) -> Strip:
    out = _Builder()
    out.add_name(
        sender_name(message, ctx.labels, ctx.own_name), "own" if message.outgoing else "sender"
    )
    out.add("  ")
    out.add(ctx.formatter.time(message.date), "time")
    if message.edited_at is not None and not message.deleted:
        out.add(" · ")
        out.add(ctx.labels.edited, "meta")
    if message.outgoing and message.delivery is not None:
        state = ctx.labels.states.get(message.delivery, message.delivery)
        out.add(" · ")
        out.add(state, "failed" if message.delivery in ("failed", "unknown") else "meta")
    return _label(out.text, out.spans, ctx)


def _quote(message: StoredMessage, ctx: RowContext) -> Strip:
    assert message.reply_to is not None
    quoted = ctx.quotes.get(message.reply_to)
    out = _Builder()
    out.add("┃ ", "quote")
    if quoted is None:
        out.add(ctx.labels.reply_missing, "quote")
    else:
        out.add_name(sender_name(quoted, ctx.labels, ctx.own_name), "sender")
        out.add(": ")
        preview = ctx.labels.deleted if quoted.deleted else one_line_preview(quoted.text)
        if not preview and quoted.attachments:
            attachment = quoted.attachments[0]
            preview = attachment.file.name or ctx.labels.kind(attachment.kind)
        out.add_name(preview, "quote")
    strip = _label(out.text, out.spans, ctx)
    if ctx.quote_meta is not None:
        strip = strip.apply_meta(ctx.quote_meta(message).meta)
    return strip


def _attachment(att: StoredAttachment, ctx: RowContext) -> Strip:
    out = _Builder()
    # The bullet points into the line: leftwards when a Persian UI starts it at the right.
    out.add("◂ " if ctx.settings.options.ui_direction == "rtl" else "▸ ", "attachment")
    labels = ctx.labels
    kind = labels.kind(att.kind)
    out.add_name(att.file.name or kind, "attachment")
    size = labels.digits(human_size(att.file.size))
    # Size and kind are isolated: in a Persian UI's right-to-left label the bidi algorithm
    # would otherwise split "23 B" into two runs and show "(B 23)".
    out.add(f" ({FSI}{size}{PDI})" if size else "")
    # A nameless file is called by its kind already: "photo (93 B) · photo" says it twice.
    out.add(f" · {FSI}{kind}{PDI} · " if att.file.name else " · ")
    done = ctx.progress.get(att.id)
    if att.local_path is not None:
        out.add(labels.file_saved, "meta")
    elif done is not None:
        got, total = done
        percent = f"{100 * got // total}%" if total else human_size(got)
        out.add(f"↓ {labels.digits(percent)}", "meta")
    else:
        out.add(labels.file_fetch, "meta")
    return _label(out.text, out.spans, ctx)
