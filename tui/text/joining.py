"""Contextual forms of Arabic letters: which of its four presentation forms each letter takes.

arabic-reshaper 3.1.0's letter table and joining rules (``FORMS``, ``_JOINING``), computed in
bulk over a whole string: by regular-expression passes and ``str.translate`` in general, and by
big-integer arithmetic for the common case (see :func:`contextual_forms_bulk`). A letter joins
the next one when it joins on both sides (D) and the next non-transparent one joins to what
precedes it (D or R); harakat are transparent (T); anything else breaks joining. Used by
:mod:`tui.text.shaping`, which adds the lam-alef ligature, the runs and the index maps.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import getitem
from typing import Final

from arabic_reshaper.letters import FINAL, INITIAL, ISOLATED, LETTERS_ARABIC, MEDIAL

from tui.text.unidata import TranslateTable

ZWJ: Final = "\u200d"
_TATWEEL: Final = "\u0640"

# arabic-reshaper's HARAKAT_RE, as a set: marks that are transparent to joining.
HARAKAT: Final[frozenset[str]] = frozenset(
    chr(c)
    for lo, hi in (
        (0x0610, 0x061A),
        (0x064B, 0x065F),
        (0x0670, 0x0670),
        (0x06D6, 0x06DC),
        (0x06DF, 0x06E8),
        (0x06EA, 0x06ED),
        (0x08D4, 0x08FF),
    )
    for c in range(lo, hi + 1)
)

FORMS: Final[dict[str, tuple[str, str, str, str]]] = dict(LETTERS_ARABIC)

# Joining type per code point: D joins on both sides (ZWJ too), R only to the letter before it
# (alef, dal, reh, waw…), U not at all (hamza), T transparent (harakat), X anything else (ZWNJ,
# punctuation, digits, a space: they break joining). The reshaper's tables have only these
# letter types, so a letter joins the next one exactly when it is D and the next non-T is D/R.
_JOINING: Final = TranslateTable({ord(h): "T" for h in HARAKAT}, default="X")
for _letter, _forms in FORMS.items():
    _JOINING[ord(_letter)] = "D" if _forms[MEDIAL] else ("R" if _forms[FINAL] else "U")

_JOINS_NEXT: Final = re.compile("D(?=[DR])")  # marked \x01
_FINAL: Final = re.compile("(?<=\x01)[DR]")
_MEDIAL: Final = re.compile("(?<=\x01)\x01")
_CHAIN_WITH_MARKS: Final = re.compile("D(?:T*D)*T*[DR]")
# Marked types -> form index (0 isolated, 1 initial, 2 medial, 3 final) as a code point.
_FORM_INDEX: Final = str.maketrans(
    {
        "\x01": "\x01",
        "I": "\x01",
        "M": "\x02",
        "F": "\x03",
        "D": "\x00",
        "R": "\x00",
        "U": "\x00",
        "T": "\x00",
        "X": "\x00",
    }
)


def _form_table(form: int) -> TranslateTable:
    """str.translate table: letter -> its presentation form in ``form`` (else unchanged)."""
    return TranslateTable({ord(k): (f[form] or f[ISOLATED]) for k, f in FORMS.items()})


_FORM_TABLES: Final = tuple(_form_table(f) for f in (ISOLATED, INITIAL, MEDIAL, FINAL))


def _byte_table(value: Callable[[str], int]) -> bytes:
    """256 bytes: ``value`` of U+06xx for each low byte xx."""
    return bytes(value(chr(0x0600 + low)) for low in range(256))


def _delta_table(shift: int) -> bytes:
    """Per low byte of U+06xx: the (iso form - letter) difference's byte at ``shift``."""

    def byte(char: str) -> int:
        forms = FORMS.get(char)
        delta = ord(forms[ISOLATED]) - ord(char) if forms else 0
        return (delta >> shift) & 0xFF

    return _byte_table(byte)


_IS_06_ONE: Final = bytes(1 if b == 0x06 else 0 for b in range(256))
_IS_00_ONE: Final = bytes(1 if b == 0 else 0 for b in range(256))
_DUAL_ONE: Final = _byte_table(lambda c: 1 if _JOINING[ord(c)] == "D" else 0)
_JOINING_ONE: Final = _byte_table(lambda c: 1 if _JOINING[ord(c)] in "DR" else 0)
_FORMED_ONE: Final = _byte_table(lambda c: 0 if c == _TATWEEL else 1)
_DELTA_LOW: Final = _delta_table(0)
_DELTA_HIGH: Final = _delta_table(8)
ALEF_MAKSURA: Final = "\u0649"


def contextual_forms_bulk(text: str) -> str:
    """:func:`contextual_forms` for text with no harakat, no ZWJ and no alef maksura.

    Every letter of the reshaper's tables is U+06xx, and its final, initial and medial forms
    are its isolated form plus 1, 2 and 3 (tatweel, which never changes, aside; alef maksura
    is the one exception, left to the general path). So, with each code point a 32-bit lane of
    one big integer, a letter becomes itself + (isolated form - itself) + its form's offset,
    the offset being (joined to the previous) + 2 × (joined to the next); joining is a shift of
    a one-byte-per-code-point mask. No Python loop: some eight times faster than one.
    """
    count = len(text)
    encoded = text.encode("utf-32-le", "surrogatepass")
    low = encoded[0::4]
    is_06 = (
        int.from_bytes(encoded[1::4].translate(_IS_06_ONE), "little")
        & int.from_bytes(encoded[2::4].translate(_IS_00_ONE), "little")
        & int.from_bytes(encoded[3::4].translate(_IS_00_ONE), "little")
    )
    joins_next = (
        int.from_bytes(low.translate(_DUAL_ONE), "little")
        & is_06
        & ((int.from_bytes(low.translate(_JOINING_ONE), "little") & is_06) >> 8)
    )
    joins_prev = (joins_next << 8) & ((1 << (8 * count)) - 1)
    formed = int.from_bytes(low.translate(_FORMED_ONE), "little")
    offsets = (joins_prev + (joins_next << 1)) & (formed * 3)
    mask = is_06 * 0xFF
    lanes = bytearray(4 * count)  # per code point: isolated form - code point
    lanes[0::4] = (int.from_bytes(low.translate(_DELTA_LOW), "little") & mask).to_bytes(
        count, "little"
    )
    lanes[1::4] = (int.from_bytes(low.translate(_DELTA_HIGH), "little") & mask).to_bytes(
        count, "little"
    )
    steps = bytearray(4 * count)
    steps[0::4] = offsets.to_bytes(count, "little")
    total = (
        int.from_bytes(encoded, "little")
        + int.from_bytes(lanes, "little")
        + int.from_bytes(steps, "little")
    )
    return total.to_bytes(4 * count, "little").decode("utf-32-le", "surrogatepass")


def _chain_forms(match: re.Match[str]) -> str:
    return "I" + "M" * (match.end() - match.start() - 2) + "F"


def contextual_forms(text: str) -> str:
    """Every letter of ``text`` in its contextual form (same length; ZWJs kept; any text)."""
    types = text.translate(_JOINING)
    if "T" in types:
        marked = _CHAIN_WITH_MARKS.sub(_chain_forms, types)
    else:
        # Three passes mark initial (\x01 left over), medial (M) and final (F) letters.
        marked = _MEDIAL.sub("M", _FINAL.sub("F", _JOINS_NEXT.sub("\x01", types)))
    forms = marked.translate(_FORM_INDEX).encode("latin-1")
    variants = zip(*(text.translate(table) for table in _FORM_TABLES), strict=True)
    return "".join(map(getitem, variants, forms))
