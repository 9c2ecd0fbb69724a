"""UTF-16 entity offsets <-> code-point spans, both ways."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.botapi.entities import UnitMap, entities_from_spans, spans_from_entities, utf16_len
from adapters.models import Span

ZWNJ = "\u200c"


def test_persian_and_zwnj_offsets_are_code_points() -> None:
    text = f"می{ZWNJ}خواهم *کتاب* را"
    # Every character here is in the BMP: UTF-16 offsets equal code-point offsets.
    assert utf16_len(text) == len(text)
    start = text.index("کتاب")
    entities = [{"type": "bold", "offset": start, "length": 4}]
    spans = spans_from_entities(text, entities)
    assert spans == (Span(start, start + 4, "bold"),)
    assert text[spans[0].start : spans[0].end] == "کتاب"
    assert entities_from_spans(text, spans) == entities


def test_emoji_before_a_span_shifts_units_not_code_points() -> None:
    text = "👍🏽 سلام 🇮🇷 دنیا"
    # 👍 and 🏽 (skin tone) are astral: 2 units each; each regional indicator also counts 2.
    word = text.index("دنیا")
    units = utf16_len(text[:word])
    assert units == word + 4  # 👍, 🏽 and two regional indicators: one extra unit each
    spans = spans_from_entities(text, [{"type": "italic", "offset": units, "length": 4}])
    assert text[spans[0].start : spans[0].end] == "دنیا"
    assert entities_from_spans(text, spans) == [{"type": "italic", "offset": units, "length": 4}]


def test_span_over_an_emoji_counts_two_units() -> None:
    text = "a😀b"
    entities = entities_from_spans(text, (Span(1, 2, "bold"),))
    assert entities == [{"type": "bold", "offset": 1, "length": 2}]
    assert spans_from_entities(text, entities) == (Span(1, 2, "bold"),)


def test_offsets_inside_a_surrogate_pair_widen_to_the_whole_character() -> None:
    text = "x😀y"
    # offset 2 is the middle of 😀: a start rounds down, an end rounds up.
    spans = spans_from_entities(text, [{"type": "code", "offset": 2, "length": 1}])
    assert spans == (Span(1, 2, "code"),)
    umap = UnitMap(text)
    assert (umap.start_cp(2), umap.end_cp(2)) == (1, 2)


def test_entities_past_the_end_are_clamped_and_empty_ones_dropped() -> None:
    text = "hello"
    spans = spans_from_entities(
        text,
        [
            {"type": "bold", "offset": 3, "length": 50},
            {"type": "italic", "offset": 9, "length": 2},
            {"type": "underline", "offset": 1, "length": 0},
            {"type": "some_future_type", "offset": 0, "length": 2},
        ],
    )
    assert spans == (Span(3, 5, "bold"),)


def test_entity_kinds_map_both_ways() -> None:
    text = "bold link code block quote @sara Ali"
    entities = [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "text_link", "offset": 5, "length": 4, "url": "https://example.org/ف"},
        {"type": "code", "offset": 10, "length": 4},
        {"type": "pre", "offset": 15, "length": 5, "language": "python"},
        {"type": "blockquote", "offset": 21, "length": 5},
        {"type": "mention", "offset": 27, "length": 5},
        {
            "type": "text_mention",
            "offset": 33,
            "length": 3,
            "user": {"id": 42, "is_bot": False, "first_name": "Ali"},
        },
        {"type": "strikethrough", "offset": 0, "length": 2},
    ]
    spans = spans_from_entities(text, entities)
    kinds = {(s.kind, text[s.start : s.end]) for s in spans}
    assert kinds == {
        ("bold", "bold"),
        ("link", "link"),
        ("code", "code"),
        ("pre", "block"),
        ("quote", "quote"),
        ("mention", "@sara"),
        ("mention", "Ali"),
        ("strike", "bo"),
    }
    by_kind = {s.kind: s for s in spans if s.kind != "mention"}
    assert by_kind["link"].url == "https://example.org/ف"
    assert by_kind["pre"].language == "python"
    assert [s.user_id for s in spans if s.kind == "mention"] == [None, "42"]

    back = entities_from_spans(text, spans)
    types = [e["type"] for e in back]
    # @username mentions are detected by the server: never sent back as entities.
    assert "mention" not in types
    assert sorted(types) == sorted(
        ["bold", "strikethrough", "text_link", "code", "pre", "blockquote", "text_mention"]
    )
    mention = next(e for e in back if e["type"] == "text_mention")
    assert mention["user"]["id"] == 42


def test_url_entities_become_links_to_their_own_text() -> None:
    text = "see https://x.ir/a now"
    spans = spans_from_entities(text, [{"type": "url", "offset": 4, "length": 14}])
    assert spans == (Span(4, 18, "link", url="https://x.ir/a"),)


def test_unsendable_spans_are_left_out() -> None:
    text = "abc def"
    spans = (Span(0, 3, "highlight"), Span(4, 7, "link"), Span(0, 1, "mention", user_id="x"))
    assert entities_from_spans(text, spans) == []


@given(
    st.lists(
        st.sampled_from(["a", "س", ZWNJ, "😀", "🇮", " ", "\n", "é", "𝔸"]), min_size=1, max_size=40
    ),
    st.data(),
)
def test_round_trip_any_text(chars: list[str], data: st.DataObject) -> None:
    text = "".join(chars)
    n = len(text)
    start = data.draw(st.integers(0, n - 1))
    end = data.draw(st.integers(start + 1, n))
    kind = data.draw(st.sampled_from(["bold", "italic", "underline", "strike", "code", "quote"]))
    span = Span(start, end, kind)
    entities = entities_from_spans(text, (span,))
    encoded = text.encode("utf-16-le")
    piece = encoded[entities[0]["offset"] * 2 : (entities[0]["offset"] + entities[0]["length"]) * 2]
    assert piece.decode("utf-16-le") == text[start:end]
    assert spans_from_entities(text, entities) == (span,)


@given(st.lists(st.sampled_from(["a", "س", ZWNJ, "😀", "🇮", "𝔸", "\U0010ffff"]), max_size=30))
def test_unit_map_matches_a_brute_force_reference(chars: list[str]) -> None:
    text = "".join(chars)
    # Reference: the UTF-16 offset at which each code point starts.
    starts = [utf16_len(text[:i]) for i in range(len(text) + 1)]
    umap = UnitMap(text)
    assert umap.length_units == starts[-1] == utf16_len(text)
    for cp, unit in enumerate(starts):
        assert umap.to_units(cp) == unit
        assert umap.start_cp(unit) == umap.end_cp(unit) == cp
    for unit in range(starts[-1] + 1):
        if unit not in starts:  # the middle of a surrogate pair
            assert umap.start_cp(unit) == max(i for i, u in enumerate(starts) if u < unit)
            assert umap.end_cp(unit) == min(i for i, u in enumerate(starts) if u > unit)
