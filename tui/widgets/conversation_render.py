"""How one conversation row (a message, a day separator, a gap marker) becomes strips.

Every piece of outside text goes through :mod:`tui.widgets.safe`: a message body is sanitised
with its spans moved along, laid out at the width with the chat's direction (each paragraph
aligned by its own direction), and drawn with :func:`tui.widgets.textline.line_strip`. The labels
(header, quote, attachment, delivery state) are logical strings with the outside parts wrapped in
FSI…PDI and laid out in the UI's direction, so a Persian name never drags the time across it and
a Persian UI mirrors the header as a whole.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from rich.style import Style
from textual.strip import Strip

from adapters.models import Span
from tui.engine.records import StoredAttachment, StoredMessage
from tui.text import display_safe
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


@dataclass(frozen=True)
class ConversationLabels:
    """The UI's own words in the conversation (translate for a Persian UI)."""

    you: str = "you"
    unknown_sender: str = "channel"
    edited: str = "edited"
    deleted: str = "message deleted"
    gap: str = "messages may be missing here"
    states: Mapping[str, str] = field(
        default_factory=lambda: {
            "queued": "◷ queued",
            "sending": "↑ sending",
            "sent": "✓",
            "failed": "✗ failed",
            "unknown": "? may not have been sent",
        }
    )
    outbox_hint: str = "R resend · x discard"
    reply_missing: str = "a message not loaded (Enter to find it)"
    file_saved: str = "saved · o open"
    file_fetch: str = "s save · o open"
    empty: str = "No messages yet."


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
    """A body squeezed onto one line for a quote (whitespace runs become one space)."""
    return " ".join(text.split())


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
        for line in safe_lines(
            text, ctx.width, direction=ctx.direction, spans=spans, settings=ctx.settings
        ):
            rows.append(
                line_strip(
                    line, ctx.width, base=ctx.base, styles=ctx.styles, link_meta=ctx.link_meta
                )
            )
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
            preview = quoted.attachments[0].file.name or quoted.attachments[0].kind
        out.add_name(preview, "quote")
    strip = _label(out.text, out.spans, ctx)
    if ctx.quote_meta is not None:
        strip = strip.apply_meta(ctx.quote_meta(message).meta)
    return strip


def _attachment(att: StoredAttachment, ctx: RowContext) -> Strip:
    out = _Builder()
    out.add("▸ ", "attachment")
    out.add_name(att.file.name or att.kind, "attachment")
    size = human_size(att.file.size)
    out.add(f" ({size})" if size else "")
    out.add(f" · {att.kind} · ")
    done = ctx.progress.get(att.id)
    if att.local_path is not None:
        out.add(ctx.labels.file_saved, "meta")
    elif done is not None:
        got, total = done
        percent = f"{100 * got // total}%" if total else human_size(got)
        out.add(f"↓ {percent}", "meta")
    else:
        out.add(ctx.labels.file_fetch, "meta")
    return _label(out.text, out.spans, ctx)
