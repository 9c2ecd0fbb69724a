"""L1/L2 and the reference-engine plumbing of tui.text.bidi."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.text.bidi import first_strong_level, line_levels, reference_levels, visual_order
from tui.text.unidata import bidi_codes


def _l2_by_the_book(levels: list[int]) -> list[int]:
    """UAX #9 L2 written out literally: reverse runs from the highest level down."""
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(0, 126), st.sampled_from([45, 91, 92, 93, 94, 125, 126])),
        max_size=16,
    )
)
def test_visual_order_is_rule_l2(levels: list[int]) -> None:
    assert visual_order(levels) == _l2_by_the_book(levels)


def test_l1_resets_trailing_whitespace_and_separators() -> None:
    text = "abc \tdef  "
    codes = bidi_codes(text)
    levels = line_levels([2] * len(text), codes, 1)
    # The TAB and the whitespace before it, and the trailing spaces, go to the paragraph level.
    assert levels == [2, 2, 2, 1, 1, 2, 2, 2, 1, 1]


def test_reference_levels_with_inserted_isolates() -> None:
    text = "سلام abc! دنیا"
    plain = reference_levels(text, 1)
    isolated = reference_levels(text, 1, [(5, 9)])
    assert len(isolated) == len(text)
    assert plain[8] == 1  # «!» between L and R takes the paragraph direction
    assert isolated[8] == 2  # inside the LTR isolate it follows «abc»
    assert reference_levels("", 0) == []
    assert reference_levels("a\ud800b", 0) == [0, 0, 0]  # a lone surrogate is no crash


def test_first_strong_skips_isolates() -> None:
    assert first_strong_level(bidi_codes("123 سلام")) == 1
    assert first_strong_level(bidi_codes("\u2066abc\u2069 سلام")) == 1
    assert first_strong_level(bidi_codes("!!!")) is None
    assert first_strong_level(bidi_codes("\u2067abc")) is None
