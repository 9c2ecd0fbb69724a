"""``layout`` and ``layout_one_line`` (CONTRACTS §5): logical text -> terminal lines.

The pipeline of ``reference/rtl.md`` §4: split paragraphs (``\\n``, ``\\r\\n``, U+2029) → for each,
display options, LTR isolates for phone numbers/URLs/e-mail/mentions/code, direction, shaping,
tabs, levels and clusters (:mod:`tui.text.paragraph`, cached per paragraph) → logical line
breaking at the cell width (:mod:`tui.text.linebreak`) → each line reordered with its
paragraph's levels (:mod:`tui.text.visual`) → maps and spans in input coordinates. Results are
cached per every argument. Nothing here imports Textual: a widget turns lines into strips.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final, Literal

from adapters.models import Span
from tui.text.cells import text_cells
from tui.text.linebreak import break_lines
from tui.text.paragraph import Direction, Paragraph, analyse
from tui.text.shaping import clear_cache as clear_shaping_cache
from tui.text.unidata import TranslateTable
from tui.text.visual import GENERAL, IDENTITY, REVERSED, VisualLine, build_line

ELLIPSIS: Final = "\u2026"
_SEPARATOR: Final = re.compile("\r\n|[\n\u2029]")
_DIRECTIONS: Final = ("auto", "rtl", "ltr", "majority")


@dataclass(frozen=True)
class LayoutOptions:
    """Display options; part of the cache key.

    ``persian_digits``: show ASCII digits as Persian digits (not inside URLs, e-mail addresses,
    code or phone numbers). ``persian_letters``: show Arabic yeh/kaf (ي ك) as Persian (ی ک).
    Both change the display only. ``tab_width``: tab stops every so many cells.
    ``ui_direction``: the direction of a paragraph with no strong character.
    """

    persian_digits: bool = False
    persian_letters: bool = False
    tab_width: int = 4
    ui_direction: Literal["rtl", "ltr"] = "ltr"

    def __post_init__(self) -> None:
        if self.tab_width < 1:
            raise ValueError(f"tab_width must be at least 1, not {self.tab_width}")
        if self.ui_direction not in ("rtl", "ltr"):
            raise ValueError(f"ui_direction must be 'rtl' or 'ltr', not {self.ui_direction!r}")


@dataclass(frozen=True)
class Line:
    """One terminal line: visual order, shaped, no alignment padding (CONTRACTS §5).

    ``cells`` is what Rich (and so Textual) measures ``text`` at. ``vis2log[j]``: the input
    index code point ``j`` of ``text`` comes from (a ligature, a U+FFFD standing for a cluster
    too wide for the width, or an ellipsis: its first source; each space of an expanded TAB:
    the TAB). ``log2vis[i - start]``: where input ``i`` went (a TAB: its first space), or -1
    if it is not shown on its own: a bidi control, ZWNJ, a ZWJ consumed by shaping, a ZWJ or
    VS16 with nothing before it, a line's trailing spaces, a paragraph separator, the alef of
    a lam-alef ligature, the rest of a too-wide cluster, the text an ellipsis stands for.
    """

    text: str
    cells: int
    direction: Literal["rtl", "ltr"]
    align: Literal["right", "left"]
    start: int
    end: int
    vis2log: tuple[int, ...]
    log2vis: tuple[int, ...]
    spans: tuple[Span, ...]


def layout(
    text: str,
    width: int,
    *,
    direction: Direction = "auto",
    spans: Sequence[Span] = (),
    options: LayoutOptions = LayoutOptions(),
) -> list[Line]:
    """Lay out ``text`` (logical order) as terminal lines at most ``width`` cells wide.

    ``direction`` applies per paragraph: ``auto`` (first strong character, skipping isolated
    tokens), ``majority``, or forced ``rtl``/``ltr``; a paragraph with no strong character
    takes ``options.ui_direction``. ``spans`` (input code-point ranges) come back mapped onto
    each line's text, split into pieces where reordering separates them; ``code`` spans are
    also isolated, like inline code in backticks. Results are cached (an LRU over every
    argument); lines cover the input in order, each paragraph separator ending its line.
    """
    _check(width, direction)
    return list(_layout(text, width, direction, tuple(spans), options))


def layout_one_line(
    text: str,
    width: int,
    *,
    direction: Direction = "auto",
    spans: Sequence[Span] = (),
    options: LayoutOptions = LayoutOptions(),
) -> Line:
    """Lay out ``text`` on one line (titles, previews): paragraphs joined by a space, and cut at
    the logical end with an ellipsis when too long (on the left for RTL). The ellipsis maps to
    the first character it stands for."""
    _check(width, direction)
    return _one_line(text, width, direction, tuple(spans), options)


def clear_caches() -> None:
    """Forget every cached result (benchmarks measure the cold path with this)."""
    for cached in (_layout, _one_line, _paragraph_lines, analyse):
        cached.cache_clear()
    clear_shaping_cache()


def _check(width: int, direction: str) -> None:
    if width < 1:
        raise ValueError(f"width must be at least 1, not {width}")
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {_DIRECTIONS}, not {direction!r}")


def _code_ranges(spans: tuple[Span, ...], start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Inline-code spans within ``[start, end)``, as paragraph-local ranges (isolated too)."""
    return tuple(
        (max(s.start, start) - start, min(s.end, end) - start)
        for s in spans
        if s.kind == "code" and s.start < end and s.end > start
    )


def _analyse(
    text: str, direction: Direction, options: LayoutOptions, extra: tuple[tuple[int, int], ...]
) -> Paragraph:
    return analyse(
        text,
        direction,
        options.ui_direction,
        options.persian_letters,
        options.persian_digits,
        options.tab_width,
        extra,
    )


@lru_cache(maxsize=8192)
def _paragraph_lines(
    text: str,
    width: int,
    direction: Direction,
    options: LayoutOptions,
    extra: tuple[tuple[int, int], ...],
) -> tuple[Paragraph, tuple[VisualLine, ...]]:
    para = _analyse(text, direction, options, extra)
    ranges = break_lines(para.widths, para.kinds, width)
    last = len(ranges) - 1
    return para, tuple(build_line(para, a, b, width, k == last) for k, (a, b) in enumerate(ranges))


@lru_cache(maxsize=2048)
def _layout(
    text: str,
    width: int,
    direction: Direction,
    spans: tuple[Span, ...],
    options: LayoutOptions,
) -> tuple[Line, ...]:
    out: list[Line] = []
    start = 0
    if "\n" not in text and "\u2029" not in text:  # one paragraph: the common case
        para, lines = _paragraph_lines(
            text, width, direction, options, _code_ranges(spans, 0, len(text))
        )
        return tuple(_finish(vl, para, 0, vl.end, spans, None) for vl in lines)
    for match in (*_SEPARATOR.finditer(text), None):
        end = match.start() if match else len(text)
        after = match.end() if match else len(text)
        ptext = text[start:end]
        para, lines = _paragraph_lines(
            ptext, width, direction, options, _code_ranges(spans, start, end)
        )
        last = len(lines) - 1
        for k, vl in enumerate(lines):
            line_end = start + vl.end if k < last else after
            out.append(_finish(vl, para, start, line_end, spans, None))
        start = after
    return tuple(out)


def _finish(
    vl: VisualLine,
    para: Paragraph,
    offset: int,
    end: int,
    spans: tuple[Span, ...],
    ellipsis: tuple[int, bool] | None,
) -> Line:
    """Turn a paragraph-local line into a :class:`Line` in input coordinates.

    ``ellipsis``: (the input index it stands for from, whether it goes on the left).
    """
    text = vl.text
    vis2log = tuple([offset + i for i in vl.vis2log]) if offset else vl.vis2log
    shift = 0
    if ellipsis is not None:
        cut, left = ellipsis
        if left:
            text = ELLIPSIS + text
            vis2log = (cut, *vis2log)
            shift = 1
        else:
            text += ELLIPSIS
            vis2log = (*vis2log, cut)
    start = offset + vl.start
    if vl.order != GENERAL and ellipsis is None and vis2log:
        # vis2log is a permutation of [low, low + n): log2vis there is its inverse.
        count = len(vis2log)
        inverse: Sequence[int]
        if vl.order == IDENTITY:
            low, inverse = vis2log[0], range(count)
        elif vl.order == REVERSED:
            low, inverse = vis2log[-1], range(count - 1, -1, -1)
        else:
            low, inverse = min(vis2log), sorted(range(count), key=vis2log.__getitem__)
        log2vis = [-1] * (low - start)
        log2vis += inverse
        log2vis += [-1] * (end - start - len(log2vis))
    else:
        log2vis = [-1] * (end - start)
        for v in range(len(vis2log) - 1, -1, -1):  # backwards, so the first occurrence wins
            log2vis[vis2log[v] - start] = v
    mapped = _map_spans(vl, para, offset, start, end, spans, shift, ellipsis) if spans else ()
    direction: Literal["rtl", "ltr"] = "rtl" if para.base else "ltr"
    cells = vl.cells
    if ellipsis is not None:
        # Rich lets a ZWJ swallow whatever follows it, the ellipsis included: measure.
        cells = text_cells(text) if "\u200d" in text else cells + 1
    return Line(
        text=text,
        cells=cells,
        direction=direction,
        align="right" if para.base else "left",
        start=start,
        end=end,
        vis2log=vis2log,
        log2vis=tuple(log2vis),
        spans=mapped,
    )


def _map_spans(
    vl: VisualLine,
    para: Paragraph,
    offset: int,
    start: int,
    end: int,
    spans: tuple[Span, ...],
    shift: int,
    ellipsis: tuple[int, bool] | None,
) -> tuple[Span, ...]:
    """Each span's characters on this line, as runs of visual indices."""
    out: list[Span] = []
    ellipsis_at = -1
    if ellipsis is not None:
        ellipsis_at = 0 if ellipsis[1] else len(vl.text)
    for span in spans:
        a = max(span.start, start)
        b = min(span.end, end)
        if a >= b:
            continue
        local_a, local_b = a - offset, b - offset
        # A visual code point belongs to the span if its source does, or if it shows a
        # character of the span merged into it (the alef of a lam-alef ligature).
        merged = {para.dest[i] for i in range(local_a, min(local_b, para.length))}
        visual = [
            v + shift
            for v, (i, d) in enumerate(zip(vl.vis2log, vl.vis_disp, strict=True))
            if local_a <= i < local_b or d in merged
        ]
        if ellipsis is not None and b > ellipsis[0]:
            visual = sorted({*visual, ellipsis_at})
        else:
            visual.sort()
        run_start = 0
        for k in range(1, len(visual) + 1):
            if k == len(visual) or visual[k] != visual[k - 1] + 1:
                out.append(replace(span, start=visual[run_start], end=visual[k - 1] + 1))
                run_start = k
    return tuple(out)


_FLATTEN: Final = TranslateTable({0x0A: " ", 0x2029: " "})


@lru_cache(maxsize=2048)
def _one_line(
    text: str,
    width: int,
    direction: Direction,
    spans: tuple[Span, ...],
    options: LayoutOptions,
) -> Line:
    # Paragraph separators become spaces (a CRLF: a space and a dropped ZWNJ), keeping indices.
    flat = text.replace("\r\n", " \u200c").translate(_FLATTEN)
    para = _analyse(flat, direction, options, _code_ranges(spans, 0, len(text)))
    count = len(para.widths)
    used = 0
    content = 0  # cells up to the last non-space cluster
    fits_with_ellipsis = 0
    for k in range(count):
        used += para.widths[k]
        if para.kinds[k] != "s":
            content = used
        if content <= width - 1:
            fits_with_ellipsis = k + 1
    if content <= width:
        vl = build_line(para, 0, count, width, True)
        return _finish(vl, para, 0, len(text), spans, None)
    vl = build_line(para, 0, fits_with_ellipsis, width, False)
    return _finish(vl, para, 0, len(text), spans, (vl.end, bool(para.base)))
