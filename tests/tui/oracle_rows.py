"""Check what an app shows against GNU FriBidi, so a wrong RTL snapshot cannot be approved by
eye: every line of the given texts must appear in some row exactly as FriBidi orders it (our
break points, FriBidi's reordering and shaping), right-aligned when its paragraph is RTL."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tests.text.oracle import fribidi, have_fribidi, normalise, oracle_input
from tui.text import display_safe, layout

needs_fribidi = pytest.mark.skipif(not have_fribidi(), reason="needs fribidi (libfribidi-bin)")


def expected_lines(text: str, width: int, direction: str = "auto") -> list[tuple[str, bool]]:
    """(FriBidi's visual form, is RTL) of each non-empty line ``text`` is laid out into."""
    safe = display_safe(text)
    out = []
    for line in layout(safe, width, direction=direction):  # type: ignore[arg-type]
        logical = safe[line.start : line.end].rstrip("\r\n\u2029")
        if logical.strip():
            rtl = line.direction == "rtl"
            out.append((fribidi([oracle_input(logical)], rtl)[0], rtl))
    return out


def assert_rows_show(
    rows: Sequence[str], texts: Sequence[str], *, left: int, width: int, direction: str = "auto"
) -> int:
    """Every line of ``texts`` (laid out at ``width``) is a row's cells ``[left, left+width)``.
    Returns how many lines were checked."""
    cells = [normalise(row[left : left + width]) for row in rows]
    checked = 0
    for text in texts:
        for visual, rtl in expected_lines(text, width, direction):
            found = [c for c in cells if c.strip() == visual.strip()]
            assert found, f"no row shows FriBidi's {visual!r}\nrows:\n" + "\n".join(rows)
            if rtl:
                assert any(c.endswith(visual) for c in found), f"{visual!r} is not right-aligned"
            checked += 1
    return checked
