"""Search normalisation: every equivalence class, the offset map, snippets, query syntax."""

from __future__ import annotations

import pytest

from tui.engine.normalize import (
    fts_query,
    highlights,
    normalize,
    normalize_with_map,
    query_terms,
    snippet,
    tokens,
)

# (spellings that must index identically, what they fold to)
EQUIVALENT = [
    (["\u064a", "\u06cc", "\u0649"], "\u06cc"),  # ي ی ى
    (["\u0643", "\u06a9"], "\u06a9"),  # ك ک
    (["\u0629", "\u0647"], "\u0647"),  # ة ه
    (["\u0623", "\u0625", "\u0622", "\u0627"], "\u0627"),  # أ إ آ ا
    (["می\u200cروم", "میروم"], "میروم"),  # ZWNJ
    (["کتـــاب", "کتاب"], "کتاب"),  # tatweel
    (["مُحَمَّد", "محمد"], "محمد"),  # harakat
    (["۱۲۳۴۵۶۷۸۹۰", "١٢٣٤٥٦٧٨٩٠", "1234567890"], "1234567890"),  # Persian, Arabic-Indic, ASCII
    (["ﻻ", "لا"], "لا"),  # presentation form
    (["Café", "cafe", "CAFE"], "cafe"),
]


@pytest.mark.parametrize(("spellings", "folded"), EQUIVALENT)
def test_each_equivalence_class_folds_to_one_form(spellings: list[str], folded: str) -> None:
    assert {normalize(s) for s in spellings} == {folded}


def test_real_words_with_mixed_spellings_match() -> None:
    assert normalize("كتاب‌هاي مدرسة") == normalize("کتابهای مدرسه")
    assert query_terms("آیا") == query_terms("ايا")


def test_map_points_every_folded_char_at_its_source() -> None:
    text = "مُحَمَّد می‌رود ﻻ"
    folded, src = normalize_with_map(text)
    assert folded == normalize(text)
    assert len(src) == len(folded)
    assert src == sorted(src)
    for i, ch in enumerate(folded):
        assert normalize(text[src[i]]).find(ch) >= 0


def test_tokens_split_like_unicode61() -> None:
    assert tokens(normalize("سلام،دنیا! hello_world 42")) == [
        "سلام",
        "دنیا",
        "hello",
        "world",
        "42",
    ]


def test_query_is_quoted_so_fts_syntax_is_inert() -> None:
    assert fts_query(["a", 'b"c']) == '"a"* AND "b""c"*'
    assert fts_query(["a"], prefix=False) == '"a"'
    assert query_terms('NEAR( "x" OR y* -z') == ["near", "x", "or", "y", "z"]
    assert query_terms("  ،؛ ") == []


def test_highlights_are_offsets_into_the_original_text() -> None:
    text = "سلام! كتاب‌هاي مُدَرِّسة را ديدم"
    marks = highlights(text, query_terms("کتاب مدرسه"))
    assert [text[s:e] for s, e in marks] == ["كتاب‌هاي", "مُدَرِّسة"]


def test_highlight_keeps_trailing_marks_with_the_word() -> None:
    text = "كتابٌ خوب"
    (mark,) = highlights(text, query_terms("کتاب"), prefix=False)
    assert text[mark[0] : mark[1]] == "كتابٌ"


def test_exact_mode_does_not_match_prefixes() -> None:
    assert highlights("کتابها کتاب", ["کتاب"], prefix=False) == [(7, 11)]


def test_snippet_windows_long_text_around_the_first_hit() -> None:
    text = ("واژه " * 60) + "هدف " + ("پایان " * 60)
    snip = snippet(text, query_terms("هدف"), width=80)
    assert snip.end - snip.start <= 95
    (mark,) = snip.highlights
    assert text[mark[0] : mark[1]] == "هدف"
    assert snip.start <= mark[0] < mark[1] <= snip.end


def test_snippet_of_short_text_is_whole() -> None:
    snip = snippet("سلام دنیا", ["دنیا"])
    assert (snip.start, snip.end, snip.highlights) == (0, 9, ((5, 9),))


def test_prefix_expansion_shapes() -> None:
    from tui.engine.normalize import expanded

    assert expanded("کتاب", [], 3) == '"کتاب"'
    assert expanded("کتاب", ["کتاب", "کتابها"], 3) == '("کتاب" OR "کتابها")'
    assert expanded("ک", ["ک", "کا", "کب", "کت"], 3) == '"ک"*'
