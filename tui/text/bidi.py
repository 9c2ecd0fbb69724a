"""The Unicode Bidirectional Algorithm: levels (X1–I2) and the line rules L1–L4.

Levels come from python-bidi (the pinned reference engine, Rust ``unicode-bidi``: conformant for
X1–I2), read from its debug dump because that is the only way it exposes them, or from the
equivalent and much cheaper :mod:`tui.text.fastbidi` when a paragraph allows it. Its own
``get_display`` is not used: it does no mirroring (L4) and no mark handling (L3), keeps bidi
controls, mishandles L1 around TAB, and gives no index map (``reference/rtl.md`` §2).

L1–L4 are done here: L1 per line on the paragraph's levels; L2 over *units* (grapheme clusters
in ``layout``, single code points in the conformance tests), so that a cluster keeps its marks
after its base (L3) and an emoji sequence stays in order; L4 by ``unidata.MIRROR``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from bidi import get_display

from tui.text.fastbidi import fast_levels
from tui.text.unidata import bidi_codes

LRI: Final = "\u2066"
PDI: Final = "\u2069"

_LEVEL: Final = re.compile(r"Level\(\s*(\d+),")
_LEVELS_START: Final = "\n    levels: [\n"
_LEVELS_END: Final = "\n    ],"
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# Classes L1 resets before a segment separator and at the end of a line (whitespace, isolate
# controls, and the characters X9 removed).
_L1_TRAILING: Final = "wIPbX"


def reference_levels(text: str, base: int, isolates: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Embedding levels (before L1) of one paragraph, from the reference engine.

    ``base`` is the paragraph level (0 LTR, 1 RTL); each ``[start, end)`` in ``isolates`` is
    wrapped in LRI…PDI for the engine (the inserted controls are not part of the result).
    """
    if not text:
        return []
    probe = _SURROGATE.sub("\ufffd", text)  # the engine takes UTF-8; a lone surrogate has none
    keep: list[int] | None = None
    if isolates:
        pieces: list[str] = []
        done = 0
        for start, end in isolates:
            pieces += [probe[done:start], LRI, probe[start:end], PDI]
            done = end
        pieces.append(probe[done:])
        probe = "".join(pieces)
        keep = _kept_positions(len(text), isolates)
    dump = get_display(probe, base_dir="R" if base & 1 else "L", debug=True)
    first = dump.index(_LEVELS_START)
    per_byte = [int(x) for x in _LEVEL.findall(dump, first, dump.index(_LEVELS_END, first))]
    if probe.isascii():
        levels = per_byte
    else:
        levels = []
        offset = 0
        for ch in probe:
            levels.append(per_byte[offset])
            offset += 1 if ch < "\x80" else 2 if ch < "\u0800" else 3 if ch < "\U00010000" else 4
    return levels if keep is None else [levels[k] for k in keep]


def _kept_positions(length: int, isolates: Sequence[tuple[int, int]]) -> list[int]:
    """Where each original code point sits once LRI/PDI are inserted around ``isolates``."""
    keep: list[int] = []
    shift = 0
    done = 0
    for start, end in isolates:
        keep += range(done + shift, start + shift)
        shift += 1
        keep += range(start + shift, end + shift)
        shift += 1
        done = end
    keep += range(done + shift, length + shift)
    return keep


def paragraph_levels(
    text: str,
    base: int,
    isolates: Sequence[tuple[int, int]] = (),
    codes: str | None = None,
) -> list[int]:
    """Embedding levels (before L1) of one paragraph: the fast path, else the reference engine.

    ``codes`` may pass ``unidata.bidi_codes(text)`` when the caller has it already.
    """
    if codes is None:
        codes = bidi_codes(text)
    levels = fast_levels(text, codes, base, isolates)
    if levels is None:
        levels = reference_levels(text, base, isolates)
    return levels


def line_levels(levels: Sequence[int], codes: str, base: int) -> list[int]:
    """Rule L1 for one line: its levels with separators and trailing whitespace reset.

    ``levels`` and ``codes`` cover exactly the line; ``base`` is the paragraph level.
    """
    out = list(levels)
    end = len(codes.rstrip(_L1_TRAILING))
    for i in range(end, len(out)):
        out[i] = base
    if "S" in codes or "B" in codes:
        for i, code in enumerate(codes):
            if code == "S" or code == "B":
                out[i] = base
                k = i - 1
                while k >= 0 and codes[k] in _L1_TRAILING:
                    out[k] = base
                    k -= 1
    return out


def _at_least(level: int) -> re.Pattern[bytes]:
    pattern = _RUNS_AT_LEAST.get(level)
    if pattern is None:
        # Levels are at most 126, but some byte values are special in a class: escape.
        pattern = _RUNS_AT_LEAST[level] = re.compile(b"[" + re.escape(bytes([level])) + b"-\xff]+")
    return pattern


_RUNS_AT_LEAST: dict[int, re.Pattern[bytes]] = {}


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2: the unit indices in visual (left-to-right) order, given each unit's level."""
    count = len(levels)
    if not count:
        return []
    low = min(levels)
    high = max(levels)
    if low == high:
        return list(range(count - 1, -1, -1)) if low & 1 else list(range(count))
    order = list(range(count))
    # From the highest level down to the lowest odd one, reverse every maximal run at that
    # level or above. Runs are found on the levels as bytes; reversing within a run keeps the
    # run's set of units, so positions found on the original levels stay valid.
    packed = bytes(levels)
    for level in range(high, (low | 1) - 1, -1):
        for match in _at_least(level).finditer(packed):
            a, b = match.span()
            order[a:b] = order[a:b][::-1]
    return order


def first_strong_level(codes: str) -> int | None:
    """Rules P2/P3: 1 if the first strong character is R or AL, 0 if L, ``None`` if none.

    Characters between an isolate initiator and its matching PDI are skipped.
    """
    if "I" not in codes:
        match = _STRONG.search(codes)
        return None if match is None else (0 if match.group() == "L" else 1)
    depth = 0
    for code in codes:
        if code == "I":
            depth += 1
        elif code == "P":
            depth = max(0, depth - 1)
        elif depth == 0 and code in "LRA":
            return 0 if code == "L" else 1
    return None


_STRONG: Final = re.compile("[LRA]")
