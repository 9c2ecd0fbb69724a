"""One line of a paragraph in visual order: rules L1–L4 over clusters, and where things went.

``reference/rtl.md`` §4.1 steps 6–8: reorder the line's clusters with the paragraph's levels
(L1 for this line, L2 over clusters so marks stay after their base: L3), mirror at odd levels
(L4), drop bidi controls and the line's trailing spaces. A cluster wider than the whole width (a
wide character at width 1) shows as U+FFFD, so that no line is ever wider than asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from tui.text.bidi import line_levels, visual_order
from tui.text.cells import text_cells
from tui.text.paragraph import Paragraph
from tui.text.unidata import DROPPED, MIRROR

REPLACEMENT: Final = "\ufffd"
GENERAL, PERMUTATION, IDENTITY, REVERSED = range(4)
_MIRRORED: Final = re.compile("[" + re.escape("".join(MIRROR)) + "]")


@dataclass(frozen=True, slots=True)
class VisualLine:
    """A line of one paragraph, indices local to the paragraph.

    ``first``/``stop``: the display range ``[first, stop)`` the line covers; ``start``/``end``:
    its input range. ``vis2log``: input index per visual code point; ``vis_disp``: display
    index per visual code point. ``order`` tells ``layout`` how to invert ``vis2log``:
    ``GENERAL``; ``PERMUTATION`` of a contiguous range; or that range in ``IDENTITY`` or
    ``REVERSED`` order.
    """

    text: str
    cells: int
    first: int
    stop: int
    start: int
    end: int
    vis2log: tuple[int, ...]
    vis_disp: tuple[int, ...]
    order: int = GENERAL


def build_line(
    para: Paragraph, first_cluster: int, stop_cluster: int, width: int, last: bool
) -> VisualLine:
    """Lay out clusters ``[first_cluster, stop_cluster)`` of ``para`` as one visual line."""
    starts = para.starts
    count = len(starts)
    display = para.text
    size = len(display)
    first = starts[first_cluster] if first_cluster < count else size
    stop = size if last or stop_cluster >= count else starts[stop_cluster]
    kept = stop_cluster
    kinds = para.kinds
    while kept > first_cluster and kinds[kept - 1] != "x":
        kept -= 1  # trailing spaces and blank clusters are dropped
    kept_stop = starts[kept] if kept < count else size
    src = para.src
    start = src[first] if first_cluster and first < size else (para.length if first_cluster else 0)
    end = para.length if last or stop >= size else src[stop]

    if (
        para.trivial
        and "b" not in kinds[first_cluster:kept]
        and (para.narrow or max(para.widths[first_cluster:kept], default=0) <= width)
    ):
        return _trivial_line(para, first, kept_stop, stop, start, end)

    levels = line_levels(para.levels[first:stop], para.codes[first:stop], para.base)

    order = visual_order([levels[starts[k] - first] for k in range(first_cluster, kept)])
    out: list[str] = []
    disp: list[int] = []
    cells = 0
    widths = para.widths
    for position in order:
        k = first_cluster + position
        a = starts[k]
        b = starts[k + 1] if k + 1 < count else size
        if widths[k] > width:
            out.append(REPLACEMENT)
            disp.append(a)
            cells += 1
            continue
        cells += widths[k]
        odd = levels[a - first] & 1
        if b - a == 1:
            ch = display[a]
            if ch not in DROPPED:
                out.append(MIRROR.get(ch, ch) if odd else ch)
                disp.append(a)
            continue
        for d in range(a, b):
            ch = display[d]
            if ch in DROPPED:
                continue
            if levels[d - first] & 1:
                ch = MIRROR.get(ch, ch)
            out.append(ch)
            disp.append(d)
    text = "".join(out)
    if "\u200d" in text or "\ufe0f" in text:
        # Widths add up across clusters, except where a ZWJ or VS16 meets a new neighbour.
        cells = text_cells(text)
    return VisualLine(
        text, cells, first, stop, start, end, tuple(map(src.__getitem__, disp)), tuple(disp)
    )


def _trivial_line(
    para: Paragraph, first: int, kept_stop: int, stop: int, start: int, end: int
) -> VisualLine:
    """Each code point is a cluster, none dropped or too wide: reorder code points."""
    seq = para.text[first:kept_stop]
    src = para.src
    cells = kept_stop - first if para.narrow else sum(para.widths[first:kept_stop])
    if para.uniform:  # every level is the paragraph's: L1 changes nothing
        low = high = para.base
        levels = para.levels
    else:
        levels = line_levels(para.levels[first:stop], para.codes[first:stop], para.base)
        levels = levels[: kept_stop - first]
        low = min(levels, default=para.base)
        high = max(levels, default=para.base)
    # Input shown one to one (no ligature, no tab, nothing dropped): log2vis is then the
    # inverse permutation of vis2log, which _finish can compute cheaply.
    one_to_one = para.one_to_one
    if low == high:
        if low & 1:
            text = seq[::-1]
            vis_disp = tuple(range(kept_stop - 1, first - 1, -1))
            vis2log = vis_disp if one_to_one else tuple(src[first:kept_stop][::-1])
            if _MIRRORED.search(seq):
                text = "".join([MIRROR.get(ch, ch) for ch in text])
            order = REVERSED
        else:
            text = seq
            vis_disp = tuple(range(first, kept_stop))
            vis2log = vis_disp if one_to_one else tuple(src[first:kept_stop])
            order = IDENTITY
        return VisualLine(
            text,
            cells,
            first,
            stop,
            start,
            end,
            vis2log,
            vis_disp,
            order if one_to_one else GENERAL,
        )
    positions = visual_order(levels)
    chars = [seq[i] for i in positions]
    if _MIRRORED.search(seq):
        for v, i in enumerate(positions):
            if levels[i] & 1:
                chars[v] = MIRROR.get(chars[v], chars[v])
    vis_disp = tuple([first + i for i in positions])
    return VisualLine(
        "".join(chars),
        cells,
        first,
        stop,
        start,
        end,
        vis_disp if one_to_one else tuple(map(src.__getitem__, vis_disp)),
        vis_disp,
        PERMUTATION if one_to_one else GENERAL,
    )
