"""Cell widths and grapheme clusters, measured exactly as Rich (and so Textual) measure them.

A :class:`~tui.text.layout.Line`'s ``cells`` must equal what Textual will draw, so widths come
from ``rich.cells`` (the wcwidth-derived tables Textual uses) and clusters follow
``rich.cells.split_graphemes``: a character of non-zero width starts a cluster; zero-width
characters (harakat, controls, ZWNJ) join the cluster before them; a ZWJ joins itself and the
character after it; VS16 joins and may widen its base. One addition: two regional indicators
(a flag) form one cluster, so a flag is never split across lines or reordered apart.
Widths add up across cluster boundaries, which is what lets the line breaker and the reorderer
work cluster by cluster.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from rich._unicode_data import load as _load_cell_table
from rich.cells import cell_len, get_character_cell_size
from rich.cells import split_graphemes as _rich_split_graphemes

ZWJ: Final = "\u200d"
VS16: Final = "\ufe0f"

# One letter per code point: "0"/"1"/"2" its width; "j" ZWJ, "v" VS16, "r" a regional indicator
# (width 1 in Rich's tables).
_SPECIAL: Final = {0x200D: "j", 0xFE0F: "v"}


class _WidthTable(dict[int, str]):
    """``str.translate`` table: code point -> width letter, filled on first sight."""

    def __missing__(self, key: int) -> str:
        special = _SPECIAL.get(key)
        if special is not None:
            value = special
        elif 0x1F1E6 <= key <= 0x1F1FF:
            value = "r"
        else:
            value = str(get_character_cell_size(chr(key)))
        self[key] = value
        return value


WIDTH_CODES: Final = _WidthTable()
_DIGIT_VALUE: Final = str.maketrans("012", "\x00\x01\x02")
_NOT_SIMPLE: Final = re.compile("[0jvr]")

# The characters VS16 widens from 1 to 2 cells, from the same table Rich measures with.
_NARROW_TO_WIDE: Final[frozenset[str]] = _load_cell_table("auto").narrow_to_wide


def char_width(char: str) -> int:
    """Cells one character takes on its own (ZWJ and VS16 count 0)."""
    code = WIDTH_CODES[ord(char)]
    return 1 if code == "r" else (0 if code in "jv" else int(code))


def text_cells(text: str) -> int:
    """Cells ``text`` takes, exactly as Rich and Textual measure it."""
    return cell_len(text)


def clusters(text: str) -> tuple[Sequence[int], list[int]]:
    """Split ``text`` into clusters: (start index of each cluster, width of each cluster).

    The same clusters and widths as ``rich.cells.split_graphemes``, except that a pair of
    regional indicators is one cluster of width 2. When every code point is its own cluster
    (the common case) the starts are a ``range``.
    """
    codes = text.translate(WIDTH_CODES)
    if _NOT_SIMPLE.search(codes) is None:
        return range(len(text)), list(codes.translate(_DIGIT_VALUE).encode("latin-1"))
    return _clusters_slow(text, codes)


def _clusters_slow(text: str, codes: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    widths: list[int] = []
    last_measured = ""
    regional_open = False  # the last cluster is a lone regional indicator
    index = 0
    count = len(codes)
    while index < count:
        code = codes[index]
        if code == "j" or code == "v":
            if not starts:
                starts.append(index)
                widths.append(0)
                index += 1
                continue
            regional_open = False
            if code == "j":
                index += 2 if index < count - 1 else 1
            else:
                index += 1
                if last_measured and last_measured in _NARROW_TO_WIDE:
                    last_measured = ""
                    widths[-1] += 1
            continue
        if code == "0":
            regional_open = False
            if not starts:
                starts.append(index)
                widths.append(0)
            index += 1
            continue
        if code == "r":
            last_measured = text[index]
            if regional_open:
                widths[-1] += 1
                regional_open = False
            else:
                starts.append(index)
                widths.append(1)
                regional_open = True
            index += 1
            continue
        last_measured = text[index]
        regional_open = False
        starts.append(index)
        widths.append(int(code))
        index += 1
    return starts, widths


def rich_clusters(text: str) -> list[tuple[int, int, int]]:
    """Rich's own ``split_graphemes`` spans (for tests and comparisons)."""
    return _rich_split_graphemes(text)[0]
