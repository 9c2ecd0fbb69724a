"""Bale's implicit markup: markers in text <-> plain text and spans, best effort."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.bale.wire import markup_to_spans, spans_to_markup
from adapters.models import Span

ZWNJ = "\u200c"


def shown(text: str, spans: tuple[Span, ...]) -> set[tuple[str, str]]:
    return {(s.kind, text[s.start : s.end]) for s in spans}


def test_incoming_persian_bold_and_italic() -> None:
    plain, spans = markup_to_spans(f"سلام *دنیا* و _می{ZWNJ}خواهم_!")
    assert plain == f"سلام دنیا و می{ZWNJ}خواهم!"
    assert shown(plain, spans) == {("bold", "دنیا"), ("italic", f"می{ZWNJ}خواهم")}


def test_incoming_code_pre_and_link() -> None:
    plain, spans = markup_to_spans(
        "run `ls -l` then\n```\nprint('x')\n```\nsee [سایت](https://bale.ai/x)"
    )
    assert plain == "run ls -l then\nprint('x')\nsee سایت"
    assert shown(plain, spans) == {("code", "ls -l"), ("pre", "print('x')"), ("link", "سایت")}
    assert next(s for s in spans if s.kind == "link").url == "https://bale.ai/x"


def test_nested_emphasis() -> None:
    plain, spans = markup_to_spans("*bold _both_ bold*")
    assert plain == "bold both bold"
    assert shown(plain, spans) == {("bold", "bold both bold"), ("italic", "both")}


@pytest.mark.parametrize(
    "text",
    [
        "snake_case_name and more_words_here",
        "2*3*4 = 24",
        "* item one\n* item two",
        "a * b * c",
        "price: 5*",
        "**",
        "`unclosed code",
        "[not a link] (https://x)",
        "emoji 😀*😀",
        "",
    ],
)
def test_literal_text_stays_literal(text: str) -> None:
    assert markup_to_spans(text) == (text, ())


def test_outgoing_spans_become_markers() -> None:
    text = "سلام دنیا کد لینک"
    spans = (
        Span(0, 4, "bold"),
        Span(5, 9, "italic"),
        Span(10, 12, "code"),
        Span(13, 17, "link", url="https://bale.ai"),
    )
    assert spans_to_markup(text, spans) == "*سلام* _دنیا_ `کد` [لینک](https://bale.ai)"


def test_outgoing_drops_what_bale_cannot_show() -> None:
    text = "one two three"
    spans = (
        Span(0, 3, "underline"),  # no marker for it
        Span(4, 7, "link"),  # no URL
        Span(0, 7, "bold"),
        Span(4, 13, "italic"),  # crosses the bold span
    )
    assert spans_to_markup(text, spans) == "*one two* three"


def test_outgoing_keeps_whitespace_outside_markers_and_merges_neighbours() -> None:
    text = "aa bb cc"
    spans = (Span(0, 3, "bold"), Span(3, 5, "bold"), Span(5, 8, "italic"))
    assert spans_to_markup(text, spans) == "*aa bb* _cc_"


def test_outgoing_nothing_inside_code() -> None:
    text = "x = 1"
    assert spans_to_markup(text, (Span(0, 5, "code"), Span(0, 1, "bold"))) == "`x = 1`"


def test_pre_block_round_trip() -> None:
    text = "before\ndef f():\n    return 1\nafter"
    start, end = text.index("def"), text.index("\nafter")
    out = spans_to_markup(text, (Span(start, end, "pre"),))
    assert "```\ndef f():\n    return 1\n```" in out
    assert markup_to_spans(out) == (text, (Span(start, end, "pre"),))


WORDS = ["سلام", "دنیا", f"می{ZWNJ}روم", "hello", "x1", "😀", "کتاب‌ها"]


@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.sampled_from(["bold", "italic"]))),
)
def test_round_trip_on_word_boundaries(words: list[str], picks: list[tuple[int, int, str]]) -> None:
    text = " ".join(words)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    ends = [s + len(w) for s, w in zip(starts, words, strict=True)]
    spans = []
    for a, b, kind in picks:
        lo, hi = sorted((a % len(words), b % len(words)))
        spans.append(Span(starts[lo], ends[hi], kind))
    rendered = spans_to_markup(text, tuple(spans))
    plain, back = markup_to_spans(rendered)
    assert plain == text
    # What comes back is exactly what was written (spans may be merged or dropped when they
    # cross, never invented or moved).
    assert spans_to_markup(plain, back) == rendered
    for span in back:
        assert text[span.start : span.end].strip() == text[span.start : span.end]
