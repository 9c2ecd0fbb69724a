"""Huge message bodies laid out a block at a time (issue 7, "Rendering limits").

A body the reader expanded to a megabyte lays out in about a second (``tui.text.layout`` is
~1 ms per 1,000 characters), and the conversation lays out every loaded message again at each
width change: with the whole body laid out at once, every key typed meanwhile waited that
second. A body longer than :data:`HUGE_BODY` characters is instead cut into blocks of about
:data:`BLOCK_CHARS` (at a paragraph end, else a space, else between grapheme clusters), and
:class:`BlockRows` lays out a block only when it is drawn: the view asks for the blocks near
its viewport (:meth:`BlockRows.lay_out_rows`), and until then a block counts for an estimate
of its rows (its characters over the width).

Each block is laid out like a body of its own, with one difference: a block that continues a
paragraph takes that paragraph's direction, as resolved for its first block, so an RTL
paragraph stays right-aligned and reordered as RTL across its blocks. A line never spans two
blocks: a block ends a line early where a paragraph is longer than a block (once every few
thousand characters, as the "show more" cut already does).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Final, TypeAlias

from textual.strip import Strip

from adapters.models import Span
from tui.text import Line
from tui.widgets.conversation_model import MessageItem
from tui.widgets.conversation_render import BODY_CHARS, RowContext, body_cut, render_item
from tui.widgets.safe import sanitize_spans
from tui.widgets.textline import Direction, lay_out, lay_out_one, line_strip

#: Bodies longer than this (as laid out) go in blocks.
HUGE_BODY: Final = 16_000
#: About how many characters one block holds (~40 lines at 100 columns: a screenful).
BLOCK_CHARS: Final = 4_000

_SEPARATORS: Final = ("\n", "\u2029")
_JOINING: Final = frozenset("\u200c\u200d\ufe0e\ufe0f")


def _cluster_start(text: str, start: int, end: int) -> int:
    """``end`` moved back so that it does not split a grapheme cluster (combining marks, ZWJ
    sequences, variation selectors, skin tones); ``end`` itself if the cluster fills the
    block (the layout replaces a too-wide cluster anyway)."""
    e = end
    while e > start + 1 and (
        unicodedata.category(text[e]) in ("Mn", "Me", "Mc")
        or text[e] in _JOINING
        or text[e - 1] == "\u200d"
        or 0x1F3FB <= ord(text[e]) <= 0x1F3FF
        or text[e - 1 : e + 1] == "\r\n"
        or _second_of_flag(text, e)
    ):
        e -= 1
    return e if e > start + 1 else end


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _second_of_flag(text: str, i: int) -> bool:
    """Whether ``text[i]`` is the second regional indicator of a flag's pair."""
    if not _is_regional(text[i]):
        return False
    k = i
    while k > 0 and _is_regional(text[k - 1]):
        k -= 1
    return (i - k) % 2 == 1


def split_blocks(text: str, size: int = BLOCK_CHARS) -> list[tuple[int, int, bool]]:
    """``(start, end, starts_paragraph)`` of each block of ``text``: about ``size``
    characters, ending at a paragraph separator (left out of both blocks), else after a space,
    else at a cluster boundary."""
    out: list[tuple[int, int, bool]] = []
    start, n, para = 0, len(text), True
    while start < n:
        end = min(n, start + size)
        nxt = end
        if end < n:
            sep = max(text.rfind(s, start + size // 2, end) for s in _SEPARATORS)
            if sep >= 0:
                end, nxt = sep, sep + 1
                if end > start and text[end - 1] == "\r":
                    end -= 1
            else:
                space = text.rfind(" ", start + size // 2, end)
                end = nxt = space + 1 if space >= 0 else _cluster_start(text, start, end)
        out.append((start, end, para))
        para = nxt != end
        start = nxt
    return out


class BlockRows:
    """The rows of one message with a huge body, its blocks laid out on demand."""

    def __init__(self, item: MessageItem, ctx: RowContext, text: str, spans: tuple[Span, ...]):
        message = item.message
        self.ctx = ctx
        cut = body_cut(text, ctx.shown.get(message.id, BODY_CHARS))
        hidden = len(text) - cut
        self.text = text[:cut]
        self.spans = tuple(replace(s, end=min(s.end, cut)) for s in spans if s.start < cut)
        # The header, quote, attachments...: the message's rows without a body.
        bare = render_item(MessageItem(replace(message, text="")), ctx)
        n_head = 1 + (message.reply_to is not None)
        self.head, self.tail = bare[:n_head], bare[n_head:]
        if hidden:
            self.tail.insert(0, _more_row(item, hidden, ctx))
        self.blocks = split_blocks(self.text)
        self.laid: list[list[Strip] | None] = [None] * len(self.blocks)
        self.directions: list[Direction | None] = [None] * len(self.blocks)
        width = max(1, ctx.width)
        self.heights = [max(1, -(-(b - a) // width)) for a, b, _ in self.blocks]
        self.starts: list[int] = []
        self._index()

    def _index(self) -> None:
        row = len(self.head)
        self.starts = []
        for h in self.heights:
            self.starts.append(row)
            row += h
        self.total = row + len(self.tail)

    def __len__(self) -> int:
        return self.total

    def row(self, k: int) -> Strip | None:
        """Row ``k`` of the message; None while it is in a block not laid out yet."""
        if k < len(self.head):
            return self.head[k]
        if k >= self.total - len(self.tail):
            return self.tail[k - (self.total - len(self.tail))]
        b = self.block_of(k)
        rows = self.laid[b]
        return None if rows is None else rows[k - self.starts[b]]

    def block_of(self, k: int) -> int:
        """The block holding row ``k`` of the body (the nearest one outside it)."""
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= k:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def lay_out_rows(self, first: int, last: int) -> list[tuple[int, int]]:
        """Lay out the blocks showing rows ``first``..``last`` (item rows); returns (row the
        block started at, how many rows it grew by) for each block laid out."""
        if not self.blocks or last < len(self.head) or first >= self.total - len(self.tail):
            return []
        changes: list[tuple[int, int]] = []
        b = self.block_of(max(first, len(self.head)))
        while b < len(self.blocks):
            if self.starts[b] > last:
                break
            if self.laid[b] is None:
                self._lay_out(b, changes)
                self._index()
            b += 1
        return changes

    def _lines(self, a: int, end: int, direction: Direction) -> list[Line]:
        """The lines of ``text[a:end]`` (one paragraph or more) in ``direction``."""
        if (
            end > a
            and self.text[end - 1] == "\r"
            and end < len(self.text)
            and self.text[end] == "\n"
        ):
            end -= 1
        spans = tuple(
            replace(s, start=max(s.start, a) - a, end=min(s.end, end) - a)
            for s in self.spans
            if s.start < end and s.end > a
        )
        return lay_out(
            self.text[a:end],
            self.ctx.width,
            direction=direction,
            spans=spans,
            settings=self.ctx.settings,
        )

    def _lay_out(self, b: int, changes: list[tuple[int, int]]) -> None:
        """Lay out block ``b`` (and its paragraph's first block for the direction), adding
        (row the block started at, how many rows it grew by) to ``changes`` for each."""
        a, end, para = self.blocks[b]
        direction: Direction = self.ctx.direction
        if not para:
            first = b
            while not self.blocks[first][2]:
                first -= 1
            if self.directions[first] is None:
                self._lay_out(first, changes)
                self._index()
            direction = self.directions[first] or direction
        ctx = self.ctx
        # Only the paragraph continued takes its direction: those after it in the block
        # resolve their own.
        cont = end
        if not para:
            cont = min(
                (i for i in (self.text.find(c, a, end) for c in _SEPARATORS) if i >= 0),
                default=end,
            )
        lines = self._lines(a, cont, direction)
        if cont < end:
            lines += self._lines(cont + 1, end, self.ctx.direction)
        # A continuation block carries on the direction of the block's last paragraph.
        self.directions[b] = lines[-1].direction if lines else None
        rows = [
            line_strip(line, ctx.width, base=ctx.base, styles=ctx.styles, link_meta=ctx.link_meta)
            for line in lines
        ] or [Strip.blank(ctx.width)]
        self.laid[b] = rows
        changes.append((self.starts[b], len(rows) - self.heights[b]))
        self.heights[b] = len(rows)


#: An item's rows: a list, or a huge body's blocks laid out as they are drawn.
Rows: TypeAlias = list[Strip] | BlockRows


def row_of(rows: Rows, k: int) -> Strip | None:
    """Row ``k`` of an item; None while it is in a block not laid out yet (or past the end)."""
    if isinstance(rows, BlockRows):
        return rows.row(k)
    return rows[k] if k < len(rows) else None


def lay_out_near(
    rows_of: Callable[[int], Rows], offsets: Sequence[int], first: int, last: int, top: int
) -> tuple[bool, int]:
    """Lay out the blocks of huge bodies showing rows ``first``..``last`` of a view whose
    items (``rows_of(i)``) start at ``offsets`` (one more than the items): (whether any
    block was laid out, how many rows those starting above row ``top`` grew by, which the
    view must move down by)."""
    i = max(0, bisect_right(offsets, first) - 1)
    shift, changed = 0, False
    while i < len(offsets) - 1 and offsets[i] <= last:
        item = rows_of(i)
        if isinstance(item, BlockRows):
            at = offsets[i]
            for start, grew in item.lay_out_rows(first - at, last - at):
                changed = True
                if at + start < top:
                    shift += grew
        i += 1
    return changed, shift


def _more_row(item: MessageItem, hidden: int, ctx: RowContext) -> Strip:
    """ "⋯ N more characters": as ``conversation_render`` draws it."""
    more = ctx.labels.more.format(count=ctx.labels.count(hidden))
    ui = ctx.settings.options.ui_direction
    line = lay_out_one(
        more, ctx.width, direction=ui, spans=[Span(0, len(more), "meta")], settings=ctx.settings
    )
    if ui == "rtl":
        line = replace(line, align="right")
    strip = line_strip(line, ctx.width, base=ctx.base, styles=ctx.styles)
    if ctx.more_meta is not None:
        strip = strip.apply_meta(ctx.more_meta(item.message).meta)
    return strip


def block_rows(item: MessageItem, ctx: RowContext) -> BlockRows | None:
    """:class:`BlockRows` for a message whose laid-out body is huge, else None."""
    message = item.message
    if message.deleted or len(message.text) <= HUGE_BODY:
        return None
    text, spans = sanitize_spans(message.text, message.spans)
    if body_cut(text, ctx.shown.get(message.id, BODY_CHARS)) <= HUGE_BODY:
        return None
    return BlockRows(item, ctx, text, tuple(spans))


__all__ = [
    "BLOCK_CHARS",
    "HUGE_BODY",
    "BlockRows",
    "Rows",
    "block_rows",
    "lay_out_near",
    "row_of",
    "split_blocks",
]
