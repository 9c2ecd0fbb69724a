"""Character properties for the bidi code: classes, mirroring, paired brackets, dropped controls.

Bidi classes must be *exactly* those of the reference engine (python-bidi, which wraps the Rust
``unicode-bidi`` crate and its Unicode 16 tables), or the fast path would disagree with it.
Python 3.11's ``unicodedata`` is Unicode 14, so: for a code point that Unicode 14 assigns we take
``unicodedata`` plus a short list of later corrections (checked against the reference for every
assigned code point by ``tests/text/test_unidata.py``); for any other code point (new in 15 or 16,
or unassigned, where defaults depend on the block) we ask the reference engine once and remember.

Classes are encoded as one character each so that a whole line can be classified with one
``str.translate`` call and the rules of UAX #9 run as string operations.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from bidi import get_display

from tui.text import _ucd

# One letter per bidi class. Upper case: strong or paragraph-level; lower case: weak/neutral.
CODE_OF_CLASS: Final[dict[str, str]] = {
    "L": "L",
    "R": "R",
    "AL": "A",
    "EN": "E",
    "AN": "N",
    "ES": "s",
    "ET": "t",
    "CS": "c",
    "NSM": "m",
    "BN": "b",
    "B": "B",
    "S": "S",
    "WS": "w",
    "ON": "o",
    "LRE": "X",
    "RLE": "X",
    "LRO": "X",
    "RLO": "X",
    "PDF": "X",
    "LRI": "I",
    "RLI": "I",
    "FSI": "I",
    "PDI": "P",
}

# Code points whose class changed after Unicode 14 (found by comparing with the reference engine
# over every code point Unicode 14 assigns; the test recomputes this list).
_CLASS_FIXES: Final[dict[int, str]] = {
    0x1171E: "L",
    0x1D6C1: "ON",
    0x1D6FB: "ON",
    0x1D735: "ON",
    0x1D76F: "ON",
    0x1D7A9: "ON",
}

_FIRST_CLASS = re.compile(r"original_classes: \[\s*(\w+),")


def _reference_class(char: str) -> str:
    """The class the reference engine gives ``char`` (one call; used for rare code points)."""
    if 0xD800 <= ord(char) <= 0xDFFF:
        return "ON"  # a lone surrogate reaches the engine as U+FFFD (bidi.reference_levels)
    dump = get_display(char, base_dir="L", debug=True)
    match = _FIRST_CLASS.search(dump)
    return match.group(1) if match else "L"


def bidi_class(char: str) -> str:
    """The Bidi_Class of one character, as the reference engine (Unicode 16) has it."""
    code = ord(char)
    fixed = _CLASS_FIXES.get(code)
    if fixed is not None:
        return fixed
    if unicodedata.category(char) in ("Cn", "Cs"):
        return _reference_class(char)
    return unicodedata.bidirectional(char)


class _CodeTable(dict[int, str]):
    """``str.translate`` table: code point -> one-letter class, filled on first sight."""

    def __missing__(self, key: int) -> str:
        value = CODE_OF_CLASS[bidi_class(chr(key))]
        self[key] = value
        return value


BIDI_CODES: Final = _CodeTable()
"""Translate a string with this to get one class letter per code point (see ``CODE_OF_CLASS``)."""


def bidi_codes(text: str) -> str:
    """One class letter per code point of ``text``."""
    return text.translate(BIDI_CODES)


class TranslateTable(dict[int, str]):
    """A ``str.translate`` table that remembers misses as ``default`` (or identity).

    ``str.translate`` raises and swallows a ``LookupError`` for every code point its table
    lacks, which costs more than the lookup itself on non-ASCII text; storing each miss once
    makes every later lookup a plain hit.
    """

    def __init__(self, mapping: dict[int, str], default: str | None = None) -> None:
        super().__init__(mapping)
        self._default = default

    def __missing__(self, key: int) -> str:
        value = chr(key) if self._default is None else self._default
        self[key] = value
        return value


def _pairs(data: str) -> list[list[str]]:
    return [item.split(":") for item in data.split()]


MIRROR: Final[dict[str, str]] = {
    chr(int(a, 16)): chr(int(b, 16)) for a, b in _pairs(_ucd.MIRRORING)
}
"""Bidi_Mirroring_Glyph: the character to show instead at an odd (RTL) level (rule L4)."""

OPENING: Final[dict[str, str]] = {}
"""Opening paired bracket -> its closing bracket (BD14)."""
CLOSING: Final[dict[str, str]] = {}
"""Closing paired bracket -> its opening bracket (BD15)."""
for _a, _b, _kind in _pairs(_ucd.BRACKETS):
    (OPENING if _kind == "o" else CLOSING)[chr(int(_a, 16))] = chr(int(_b, 16))

# BD16 compares brackets under canonical equivalence: U+2329/232A decompose to U+3008/3009.
CANONICAL_BRACKET: Final[dict[str, str]] = {"\u2329": "\u3008", "\u232a": "\u3009"}

DROPPED: Final[frozenset[str]] = frozenset(
    "\u200c\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Never shown: ZWNJ and the bidi controls (marks, embeddings, overrides, isolates).

Terminals treat them inconsistently, and once the text is in visual order they have done their
work. ZWJ stays: emoji sequences need it.
"""

BREAK_SPACES: Final[frozenset[str]] = frozenset(
    " \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
)
"""Spaces a line may break at, and that are dropped at the end of a line.

No-break spaces (U+00A0, U+2007, U+202F) are left out on purpose.
"""
