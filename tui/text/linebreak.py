"""Logical line breaking at a cell width, cluster by cluster.

Lines break at spaces, in logical order, before any reordering (breaking a reordered string puts
an RTL paragraph's first words on its last line: ``reference/rtl.md`` §4.2). Spaces stay with the
word before them and may hang past the width: the line builder drops them. A word wider than the
width is folded at cluster boundaries, so a wide character or an emoji sequence is never split.
Leading spaces of a paragraph count as a word of their own that fits only with what follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate
from typing import Final

# A word: non-space clusters, then the spaces after them ("s" marks a break space in kinds).
# At the very start, leading spaces alone also match (an empty core).
_WORD: Final = re.compile("[^s]+s*|s+")


def break_lines(widths: Sequence[int], kinds: str, width: int) -> list[tuple[int, int]]:
    """Split clusters into lines: ``[start, end)`` cluster ranges covering all clusters.

    ``widths[k]`` is cluster ``k``'s cells and ``kinds[k] == "s"`` when it is a break space.
    Every line's clusters, less its trailing spaces, fit in ``width`` cells, except a single
    cluster wider than ``width`` (alone on its line).
    """
    count = len(widths)
    if sum(widths) <= width:
        return [(0, count)]  # the common case: it all fits
    before = [0, *accumulate(widths)]  # cells before cluster k
    lines: list[tuple[int, int]] = []
    line_start = 0
    used = 0  # cells on the current line, trailing spaces included
    for match in _WORD.finditer(kinds):
        k, end = match.span()
        core_end = k + len(match.group().rstrip("s"))
        core = before[core_end] - before[k]
        if core_end > k and used + core > width and line_start < k:
            lines.append((line_start, k))
            line_start = k
            used = 0
        if core > width:
            # Fold: greedy chunks of whole clusters.
            chunk = used
            for c in range(k, core_end):
                w = widths[c]
                if chunk and chunk + w > width:
                    lines.append((line_start, c))
                    line_start = c
                    chunk = 0
                chunk += w
            used = chunk
        else:
            used += core
        used += before[end] - before[core_end]
    lines.append((line_start, count))
    return lines
