"""Splitting long texts on word boundaries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.engine.textsplit import split_once, split_text, units


def test_breaks_between_words_and_keeps_order() -> None:
    assert split_text("aaa bbb ccc ddd", 7) == ["aaa bbb", "ccc ddd"]
    assert split_text("سلام دنیا\nخوبی؟ من خوبم", 12) == ["سلام دنیا", "خوبی؟ من", "خوبم"]


def test_prefers_a_line_break_in_the_second_half() -> None:
    assert split_text("aaaa bbbbb\ncc dd eeee ff", 16) == ["aaaa bbbbb", "cc dd eeee ff"]


def test_a_word_longer_than_the_limit_is_cut_but_not_inside_a_cluster() -> None:
    assert split_text("a" * 10, 4) == ["aaaa", "aaaa", "aa"]
    parts = split_text("مُحَمَّد" * 2, 5)
    assert "".join(parts) == "مُحَمَّد" * 2
    assert all(p[0] not in "\u064f\u064e\u0651" for p in parts)  # no part starts with a mark


def test_counts_utf16_units() -> None:
    assert units("😀a") == 3
    assert split_text("😀" * 5, 4) == ["😀😀", "😀😀", "😀"]


def test_blank_is_nothing_and_short_is_whole() -> None:
    assert split_text("  \n ", 10) == []
    assert split_once("short", 10) == ("short", "")


@given(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=300),
    st.integers(min_value=2, max_value=50),
)
def test_parts_fit_and_keep_every_non_space_character(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(0 < units(p) <= limit for p in parts)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())
