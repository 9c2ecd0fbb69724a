"""Golden lines for the tricky strings of reference/rtl.md §7, at widths 80, 24 and 12.

The expectations in ``fixtures/golden_rtl.json`` come from the oracle (FriBidi, one logical line
at a time with our break points and paragraph direction), not from memory; where we differ on
purpose the row also holds our text and the kind of difference (``oracle.KINDS``). The layout
test runs without FriBidi; the second test re-derives the FriBidi column when it is installed.
"""

from __future__ import annotations

import json

import pytest

from tests.text import oracle
from tui.text import layout

GOLDEN = json.loads(oracle.GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case_id", sorted(GOLDEN))
def test_golden_lines(case_id: str) -> None:
    text = dict(oracle.golden_cases())[case_id]
    for width, rows in GOLDEN[case_id].items():
        lines = layout(text, int(width))
        got = [(ln.start, ln.end, ln.direction, oracle.normalise(ln.text)) for ln in lines]
        want = [
            (row["start"], row["end"], row["direction"], row.get("ours", row["fribidi"]))
            for row in rows
        ]
        assert got == want, f"{case_id} at width {width}"


def test_golden_file_is_the_oracles() -> None:
    if not oracle.have_fribidi():
        pytest.skip("fribidi CLI missing: install Debian libfribidi-bin")
    assert oracle.build_golden() == GOLDEN
    kinds = [
        row["kind"]
        for case in GOLDEN.values()
        for rows in case.values()
        for row in rows
        if "kind" in row
    ]
    assert set(kinds) <= set(oracle.KINDS)
    rows = sum(len(r) for case in GOLDEN.values() for r in case.values())
    assert len(kinds) < rows // 20, "differences are the exception"


def test_golden_covers_every_case() -> None:
    assert set(GOLDEN) == {case_id for case_id, _ in oracle.golden_cases()}
    assert set(GOLDEN["P01"]) == {str(w) for w in oracle.GOLDEN_WIDTHS}
