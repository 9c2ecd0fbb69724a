"""CONTRACTS §5 properties of ``layout`` and ``layout_one_line``, for any text and widths 1–200.

Every input code point in a line's ``[start, end)`` is shown exactly once, dropped (a bidi
control, ZWNJ, break whitespace at the end of a line, a paragraph separator, a ZWJ consumed by
shaping), merged (the alef of a lam-alef ligature, the rest of a cluster too wide for the width,
text an ellipsis stands for) or, a TAB, expanded into spaces that all map back to it. Lines cover
the input in order; ``cells <= width`` and equals what Rich measures; maps agree; re-layout is
identical; the fast bidi path agrees with the reference engine on every paragraph.
"""

from __future__ import annotations

import os
import unicodedata
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from adapters.models import Span
from tui.text import LayoutOptions, Line, layout, layout_one_line
from tui.text.bidi import reference_levels
from tui.text.fastbidi import fast_levels
from tui.text.joining import HARAKAT
from tui.text.layout import ELLIPSIS, clear_caches
from tui.text.paragraph import Direction, analyse
from tui.text.unidata import BREAK_SPACES, DROPPED, MIRROR

SEPARATORS = "\n\r\u2029"
ALEFS = "\u0627\u0623\u0625\u0622"
REGIONAL = "".join(chr(c) for c in range(0x1F1E6, 0x1F200))
PIECES = [
    "سلام", "دنیا", "می\u200cخواهم", "کتاب\u200cها", "لا", "الله", "مُحَمَّد", "خانهٔ", "حتماً",
    "علي", "كتاب", "Python", "hello", "world", "C++", "123", "۱۲۳", "٣٤٥", "10:30", "-5",
    "$100", "۵۰٪", "(", ")", "[", "]", "«", "»", "!", "؟", "،", ".", ":)", " ", "  ", "\t",
    "\n", "\r\n", "\u2029", "\u200f", "\u200e", "\u061c", "\u202b", "\u202c", "\u2067",
    "\u2068", "\u2069", "\u200d", "\u200c", "😀", "🙏", "❤\ufe0f", "👍🏽", "🇮🇷",
    "👨\u200d👩\u200d👧", "中文", "ｗ", "a\u0301", "\u00a0", "https://example.com/fa?id=12",
    "user.name@example.org", "@ali_reza", "`ls -la`", "+98 912 345 6789", "0912 345 6789",
    "\ufe0f", "\u0301",
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=6).map(" ".join),
    st.text(max_size=40),
    st.text(st.sampled_from("".join(PIECES)), max_size=60),
)
options = st.builds(
    LayoutOptions,
    persian_digits=st.booleans(),
    persian_letters=st.booleans(),
    tab_width=st.integers(1, 8),
    ui_direction=st.sampled_from(["rtl", "ltr"]),
)
directions: st.SearchStrategy[Direction] = st.sampled_from(["auto", "rtl", "ltr", "majority"])
widths = st.integers(1, 200)
SETTINGS = settings(
    # PAYAM_PROPERTY_EXAMPLES=20000 for a long hunt; the default keeps make test quick.
    max_examples=int(os.environ.get("PAYAM_PROPERTY_EXAMPLES", "350")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def spans_for(draw: st.DrawFn, text: str) -> list[Span]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        out.append(Span(a, b, draw(st.sampled_from(["bold", "link", "code"]))))
    return out


def _shown_as(char: str, glyph: str, opts: LayoutOptions) -> bool:
    """Whether ``glyph`` is a way of showing input ``char``."""
    if glyph == "\ufffd":
        return True  # a cluster wider than the whole width
    if opts.persian_letters:
        char = {"\u064a": "\u06cc", "\u0643": "\u06a9"}.get(char, char)
    if opts.persian_digits and "0" <= char <= "9":
        return glyph in (char, chr(0x06F0 + int(char)))
    if char == "\t":
        return glyph == " "
    return (
        glyph in (char, MIRROR.get(char), "\ufffd")
        or unicodedata.normalize("NFKC", glyph).startswith(unicodedata.normalize("NFKC", char))
        or (char in SEPARATORS and glyph == " ")
    )


def _merged_into_ligature(text: str, line: Line, i: int) -> bool:
    """Input ``i`` is the alef of a lam-alef ligature shown for the lam before it."""
    j = i - 1
    while j >= line.start and text[j] in HARAKAT:
        j -= 1
    if text[i] not in ALEFS or j < line.start or text[j] != "\u0644":
        return False
    shown = line.log2vis[j - line.start]
    return shown >= 0 and "\ufef5" <= line.text[shown] <= "\ufefc"


def _inside_replaced_cluster(line: Line, i: int) -> bool:
    """Input ``i`` belongs to a cluster too wide for the width, shown as one U+FFFD."""
    return any(
        glyph == "\ufffd"
        and line.vis2log[v] < i
        and all(line.log2vis[k - line.start] == -1 for k in range(line.vis2log[v] + 1, i + 1))
        for v, glyph in enumerate(line.text)
    )


def check_line_maps(
    text: str, line: Line, width: int, opts: LayoutOptions, cut: int | None = None
) -> None:
    """Every CONTRACTS §5 property of one line. ``cut``: where an ellipsis starts standing in."""
    assert line.cells <= width
    assert line.cells == cell_len(line.text)
    assert line.align == ("right" if line.direction == "rtl" else "left")
    assert len(line.vis2log) == len(line.text)
    assert len(line.log2vis) == line.end - line.start
    assert all(line.start <= i < line.end for i in line.vis2log)
    for v, i in enumerate(line.vis2log):
        first = line.log2vis[i - line.start]
        assert first >= 0 and line.vis2log[first] == i and first <= v
    for k, v in enumerate(line.log2vis):
        if v >= 0:
            assert line.vis2log[v] == line.start + k
    last_shown = max((i for i in line.vis2log if cut is None or i < cut), default=-1)
    for i in range(line.start, line.end):
        char = text[i]
        positions = [v for v, source in enumerate(line.vis2log) if source == i]
        if len(positions) == 1:
            glyph = line.text[positions[0]]
            if cut is not None and i == cut:
                assert glyph == ELLIPSIS
            else:
                assert _shown_as(char, glyph, opts), (char, glyph)
        elif len(positions) > 1:
            assert char == "\t" and all(line.text[v] == " " for v in positions)
        else:
            assert (
                char in DROPPED  # a bidi control or ZWNJ
                or char in SEPARATORS
                or char == "\u200d"  # consumed by shaping, or with nothing to join
                or (
                    char == "\ufe0f"
                    and not text[line.start : i].strip(SEPARATORS + "\u200c\u200d\ufe0f")
                )
                or ((char in BREAK_SPACES or char == "\t") and i > last_shown)  # trailing
                or _merged_into_ligature(text, line, i)
                or _inside_replaced_cluster(line, i)
                or (cut is not None and i > cut)  # the ellipsis stands for it
            ), (i, char, line)


def check_spans(line: Line, spans: list[Span]) -> None:
    for piece in line.spans:
        assert 0 <= piece.start < piece.end <= len(line.text)
    for span in spans:
        pieces = [p for p in line.spans if p.kind == span.kind]
        covered = {v for p in pieces for v in range(p.start, p.end)}
        for v, i in enumerate(line.vis2log):
            if span.start <= i < span.end:
                assert v in covered


@SETTINGS
@given(st.data(), texts, widths, directions, options)
def test_layout_properties(
    data: st.DataObject, text: str, width: int, direction: Direction, opts: LayoutOptions
) -> None:
    spans = data.draw(spans_for(text))
    lines = layout(text, width, direction=direction, spans=spans, options=opts)
    assert lines
    assert lines[0].start == 0
    assert lines[-1].end == len(text)
    for before, after in pairwise(lines):
        assert before.end == after.start  # in order, no gap, no overlap
    for line in lines:
        check_line_maps(text, line, width, opts)
        check_spans(line, spans)
        if line.end < len(text) and text[line.end - 1] not in SEPARATORS:
            # Never inside an emoji sequence (a ZWJ shown at the end of a line would join the
            # next line's first character) or a flag (an odd run of regional indicators).
            if text[line.end - 1] == "\u200d" and line.log2vis[line.end - 1 - line.start] >= 0:
                assert text[line.end - 2] == "\u200d"  # Rich: the first ZWJ took the second
            run = len(text[: line.end]) - len(text[: line.end].rstrip(REGIONAL))
            if text[line.end] in REGIONAL:
                assert run % 2 == 0
    again = layout(text, width, direction=direction, spans=spans, options=opts)
    clear_caches()
    fresh = layout(text, width, direction=direction, spans=spans, options=opts)
    assert again == lines == fresh


@SETTINGS
@given(texts, widths, directions, options)
def test_layout_one_line_properties(
    text: str, width: int, direction: Direction, opts: LayoutOptions
) -> None:
    line = layout_one_line(text, width, direction=direction, options=opts)
    assert (line.start, line.end) == (0, len(text))
    cut = None
    if line.text.count(ELLIPSIS) > text.count(ELLIPSIS):
        at = 0 if line.direction == "rtl" else len(line.text) - 1
        assert line.text[at] == ELLIPSIS
        cut = line.vis2log[at]
        # The ellipsis stands for the logical end: everything shown comes before it.
        assert all(i < cut for v, i in enumerate(line.vis2log) if v != at)
        assert line.log2vis[cut] == at
    else:
        # It fits: the same as the single paragraph laid out at any width.
        flat = text.replace("\r\n", " \u200c").replace("\n", " ").replace("\u2029", " ")
        wide = layout(flat, 10_000, direction=direction, options=opts)
        assert len(wide) == 1 and wide[0].text == line.text
    check_line_maps(text, line, width, opts, cut)
    assert layout_one_line(text, width, direction=direction, options=opts) == line


@settings(max_examples=250, deadline=None)
@given(texts, directions, options)
def test_fast_path_agrees_with_reference_on_generated_paragraphs(
    text: str, direction: Direction, opts: LayoutOptions
) -> None:
    for paragraph in text.replace("\r\n", "\n").replace("\u2029", "\n").split("\n"):
        para = analyse(
            paragraph,
            direction,
            opts.ui_direction,
            opts.persian_letters,
            opts.persian_digits,
            opts.tab_width,
        )
        fast = fast_levels(para.text, para.codes, para.base, para.isolates)
        if fast is not None:
            assert fast == reference_levels(para.text, para.base, para.isolates)
        assert para.levels == reference_levels(para.text, para.base, para.isolates)
