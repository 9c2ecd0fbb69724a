"""One paragraph, analysed once whatever the width: display text, maps, levels and clusters.

The width-independent half of ``layout``: display options, isolates, direction, shaping, tab
expansion, bidi levels (resolved once per paragraph, as UAX #9 intends, then sliced per line)
and grapheme clusters. The result is cached, so a resize only re-breaks lines.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Final, Literal

from tui.text.bidi import first_strong_level, paragraph_levels
from tui.text.cells import VS16, ZWJ, char_width, clusters
from tui.text.isolate import find_isolates
from tui.text.shaping import index_maps, shape_gone
from tui.text.unidata import (
    BREAK_SPACES,
    CODE_OF_CLASS,
    DROPPED,
    TranslateTable,
    bidi_codes,
)

_ZWNJ: Final = "\u200c"
_ZWNJ_RE: Final = re.compile(_ZWNJ)
_JOINERS: Final = ZWJ + VS16
_KIND_OF_CODE: Final = str.maketrans(
    {c: ("s" if c == "w" else "x") for c in CODE_OF_CLASS.values()}
)
_KIND_SPECIAL: Final = re.compile(
    "[" + "".join(sorted(DROPPED | ({"\x0c", "\u2007", "\u2028"}))) + "]"
)
_KINDS: Final = TranslateTable(
    {**{ord(c): "s" for c in BREAK_SPACES}, **{ord(c): "b" for c in DROPPED}}, default="x"
)

Direction = Literal["auto", "rtl", "ltr", "majority"]

_PERSIAN_LETTERS: Final = TranslateTable({0x064A: "\u06cc", 0x0643: "\u06a9"})
_PERSIAN_DIGITS: Final = TranslateTable({ord("0") + d: chr(0x06F0 + d) for d in range(10)})
_STRONG_L: Final = re.compile("L")
_STRONG_R: Final = re.compile("[RA]")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph ready for line breaking (all indices are local to the paragraph).

    ``text`` is the display text in logical order (options applied, shaped, tabs expanded,
    ZWNJ removed once it has done its work in shaping). ``src[d]``: the input index display
    code point ``d`` shows. ``dest[i]``: the first display index showing input ``i`` (a merged
    alef: its ligature; a consumed ZWJ, a ZWNJ, a leading ZWJ or VS16: -1). ``codes`` and
    ``levels``: bidi class letters and embedding levels of ``text``. ``starts``/``widths``: the
    clusters; ``trivial`` when each code point is its own cluster, ``narrow`` when each is also
    one cell. ``kinds[k]``: ``s`` a break space, ``b`` blank (only dropped controls), ``x``
    anything else. ``one_to_one``: each input code point is one display code point (``src`` is
    the identity). ``uniform``: every level is the paragraph level. ``isolates``: the display
    ranges resolved as LTR isolates.
    """

    length: int
    text: str
    src: Sequence[int]
    dest: Sequence[int]
    codes: str
    levels: list[int]
    base: int
    starts: Sequence[int]
    widths: list[int]
    kinds: str
    trivial: bool
    narrow: bool
    one_to_one: bool
    uniform: bool
    isolates: tuple[tuple[int, int], ...] = ()


def _apply_options(text: str, isolates: list[tuple[int, int]], letters: bool, digits: bool) -> str:
    if letters:
        text = text.translate(_PERSIAN_LETTERS)
    if digits:
        # Digits inside URLs, e-mail addresses, code and phone numbers stay as written.
        pieces: list[str] = []
        done = 0
        for start, end in isolates:
            pieces += [text[done:start].translate(_PERSIAN_DIGITS), text[start:end]]
            done = end
        pieces.append(text[done:].translate(_PERSIAN_DIGITS))
        text = "".join(pieces)
    return text


def _outside(codes: str, isolates: list[tuple[int, int]]) -> str:
    """``codes`` without the isolated ranges (they do not count for direction)."""
    if not isolates:
        return codes
    pieces: list[str] = []
    done = 0
    for start, end in isolates:
        pieces.append(codes[done:start])
        done = end
    pieces.append(codes[done:])
    return "".join(pieces)


def paragraph_base(codes: str, direction: Direction, ui_direction: str) -> int:
    """The paragraph level (0 LTR, 1 RTL) for a direction setting.

    ``auto``: the first strong character (P2/P3); ``majority``: the more numerous of strong
    LTR and RTL characters (a tie goes to the first strong); no strong character at all:
    ``ui_direction``.
    """
    if direction == "rtl":
        return 1
    if direction == "ltr":
        return 0
    first = first_strong_level(codes)
    if first is None:
        return 1 if ui_direction == "rtl" else 0
    if direction == "majority":
        ltr = len(_STRONG_L.findall(codes))
        rtl = len(_STRONG_R.findall(codes))
        if ltr != rtl:
            return 0 if ltr > rtl else 1
    return first


def _expand_tabs(
    text: str, src: Sequence[int], dest: Sequence[int], tab_width: int
) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    out_src: list[int] = []
    first: list[int] = []  # shaped index -> first expanded index
    column = 0
    for j, ch in enumerate(text):
        first.append(len(out))
        if ch == "\t":
            count = tab_width - column % tab_width
            out += " " * count
            out_src += [src[j]] * count
            column += count
        else:
            out.append(ch)
            out_src.append(src[j])
            column += char_width(ch)
    return "".join(out), out_src, [first[d] if d >= 0 else -1 for d in dest]


@lru_cache(maxsize=4096)
def analyse(
    text: str,
    direction: Direction,
    ui_direction: str,
    persian_letters: bool,
    persian_digits: bool,
    tab_width: int,
    extra_isolates: tuple[tuple[int, int], ...] = (),
) -> Paragraph:
    """Analyse one paragraph (no paragraph separators in ``text``)."""
    isolates = find_isolates(text)
    if extra_isolates:
        isolates = _merge_ranges([*isolates, *extra_isolates])
    display = text
    if persian_letters or persian_digits:
        display = _apply_options(text, isolates, persian_letters, persian_digits)
    raw_codes = bidi_codes(text)
    base = paragraph_base(_outside(raw_codes, isolates), direction, ui_direction)
    shaped, gone = shape_gone(display)
    # ZWNJ goes too, once shaping is done: it only breaks joining, is never shown, X9 ignores it.
    zwnj = [m.start() for m in _ZWNJ_RE.finditer(display)] if _ZWNJ in display else []
    src: Sequence[int]
    dest: Sequence[int]
    if gone or zwnj:
        src, dest, keep = index_maps(len(display), gone, zwnj)
        display = shaped.replace(_ZWNJ, "") if zwnj else shaped
        # Shaping keeps classes (letters and their presentation forms are all AL): so the
        # display's classes are the input's, less what went.
        codes = "".join(compress(raw_codes, keep))
    else:
        display = shaped
        src = dest = range(len(display))
        codes = raw_codes
    one_to_one = not (gone or zwnj)
    lead = len(display) - len(display.lstrip(_JOINERS))
    if lead:
        # A ZWJ or VS16 with nothing before it joins or widens nothing, but once reordered
        # after other text Rich would count it as joining or widening that: drop it.
        display, codes, src = display[lead:], codes[lead:], src[lead:]
        dest = [d - lead if d >= lead else -1 for d in dest]
        one_to_one = False
    if "\t" in display:
        display, src, dest = _expand_tabs(display, src, dest, tab_width)
        codes = bidi_codes(display)
        one_to_one = False
    shown_isolates = [(bisect_left(src, start), bisect_left(src, end)) for start, end in isolates]
    shown_isolates = [(a, b) for a, b in shown_isolates if b > a]
    levels = paragraph_levels(display, base, shown_isolates, codes)
    starts, widths = clusters(display)
    trivial = len(starts) == len(display)
    if trivial:
        # Break spaces are whitespace-class characters, but for a few that _KIND_SPECIAL finds.
        special = _KIND_SPECIAL.search(display)
        kinds = display.translate(_KINDS) if special else codes.translate(_KIND_OF_CODE)
    else:
        kinds = _cluster_kinds(display.translate(_KINDS), starts)
    narrow = trivial and widths.count(1) == len(widths)
    return Paragraph(
        len(text),
        display,
        src,
        dest,
        codes,
        levels,
        base,
        starts,
        widths,
        kinds,
        trivial,
        narrow,
        one_to_one,
        levels.count(base) == len(levels),
        tuple(shown_isolates),
    )


def _cluster_kinds(char_kinds: str, starts: Sequence[int]) -> str:
    """A cluster is a space or blank only if the rest of it is dropped controls."""
    out: list[str] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(char_kinds)
        kind = char_kinds[start]
        if kind != "x" and end - start > 1 and char_kinds[start + 1 : end].strip("b"):
            kind = "x"
        out.append(kind)
    return "".join(out)


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
