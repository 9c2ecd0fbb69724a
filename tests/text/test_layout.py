"""``layout`` and ``layout_one_line``: the behaviours CONTRACTS §5 and issue 5 ask for."""

from __future__ import annotations

import pytest

import tui.text
from adapters.models import Span
from tui.text import LayoutOptions, Line, layout, layout_one_line
from tui.text.layout import ELLIPSIS, clear_caches

RTL = LayoutOptions(ui_direction="rtl")


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def test_public_api_is_reexported() -> None:
    assert set(tui.text.__all__) == {
        "LayoutOptions",
        "Line",
        "display_safe",
        "layout",
        "layout_one_line",
    }
    assert callable(tui.text.display_safe)


def test_paragraphs_split_on_newline_crlf_and_paragraph_separator() -> None:
    text = "سلام\nHello there\r\n۳ پیام\u2029end"
    lines = layout(text, 80)
    assert [ln.direction for ln in lines] == ["rtl", "ltr", "rtl", "ltr"]
    assert [(ln.start, ln.end) for ln in lines] == [(0, 5), (5, 18), (18, 25), (25, 28)]
    # The separators belong to the line they end, shown nowhere.
    assert lines[1].log2vis[-2:] == (-1, -1)
    assert texts(lines)[1] == "Hello there"


def test_empty_text_and_blank_paragraphs_give_empty_lines() -> None:
    assert texts(layout("", 10)) == [""]
    assert texts(layout("a\n\nb\n", 10)) == ["a", "", "b", ""]


def test_direction_modes() -> None:
    text = "Telegram پیام\u200cرسان خوبی است"
    assert layout(text, 80)[0].direction == "ltr"  # first strong character (P2/P3)
    assert layout(text, 80, direction="majority")[0].direction == "rtl"
    assert layout("abc", 80, direction="rtl")[0].direction == "rtl"
    assert layout("سلام", 80, direction="ltr")[0].align == "left"
    assert layout("123 456 !!!", 80)[0].direction == "ltr"
    assert layout("123 456 !!!", 80, options=RTL)[0].direction == "rtl"
    assert layout("123 456 !!!", 80, options=RTL)[0].align == "right"


def test_isolated_token_does_not_decide_direction() -> None:
    assert layout("@ali_reza سلام #تست", 80)[0].direction == "rtl"
    assert layout("https://example.com سلام", 80)[0].direction == "rtl"


def test_phone_number_keeps_its_digit_groups_in_order() -> None:
    line = layout("شماره: +98 912 345 6789", 80)[0]
    assert line.text.startswith("+98 912 345 6789 ")
    assert line.direction == "rtl"
    persian = layout("تماس ۰۹۱۲ ۳۴۵ ۶۷۸۹ بگیر", 80)[0]
    assert "۰۹۱۲ ۳۴۵ ۶۷۸۹" in persian.text


def test_mirroring_marks_and_controls() -> None:
    assert layout("او (که) آمد", 80)[0].text == "ﺪﻣﺁ (ﻪﮐ) ﻭﺍ"
    assert "»" in layout("او گفت «سلام» و رفت", 80)[0].text.split()[-3]
    kasra = layout("کِتاب", 80)[0].text
    assert kasra.index("\u0650") == kasra.index("\ufb90") + 1  # after its base (L3)
    shown = layout("\u200fC++ \u2068John\u2069 زبان\u200cها \u202bx\u202c", 80)[0].text
    assert not set(shown) & set("\u200c\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c")


def test_emoji_sequences_stay_whole_and_in_order() -> None:
    family = "👨\u200d👩\u200d👧"
    line = layout(f"خانواده {family} ما 🇮🇷", 80)[0]
    assert family in line.text
    assert "🇮🇷" in line.text
    for width in range(1, 6):
        for ln in layout(f"ab {family} 中文 🇮🇷", width):
            assert ln.cells <= width
            assert "\u200d" not in ln.text or family in ln.text


def test_tabs_expand_to_tab_stops_and_map_back() -> None:
    line = layout("نام:\tAli", 80, options=LayoutOptions(tab_width=8))[0]
    assert line.text == "Ali" + " " * 4 + ":ﻡﺎﻧ"
    tab = "نام:\tAli".index("\t")
    assert [v for v, i in enumerate(line.vis2log) if i == tab] == [3, 4, 5, 6]
    assert line.log2vis[tab] == 3


def test_logical_wrapping_keeps_reading_order() -> None:
    text = "این یک پیام طولانی است که باید در عرض کم شکسته شود"
    lines = layout(text, 20)
    assert len(lines) > 1
    assert all(ln.cells <= 20 for ln in lines)
    # The first words are on the first line (wrapping after reordering gets this backwards).
    assert lines[0].text.endswith("ﻦﯾﺍ")
    assert [ln.start for ln in lines] == sorted(ln.start for ln in lines)


def test_long_words_fold_and_trailing_spaces_drop() -> None:
    lines = layout("supercalifragilistic ok", 8)
    assert texts(lines) == ["supercal", "ifragili", "stic ok"]
    line = layout("صبر کن...   ", 80)[0]
    assert line.text == "...ﻦﮐ ﺮﺒﺻ"
    assert line.log2vis[-3:] == (-1, -1, -1)


def test_wide_character_never_splits_and_width_one_shows_a_replacement() -> None:
    lines = layout("中文字", 3)
    assert texts(lines) == ["中", "文", "字"]
    assert texts(layout("中", 1)) == ["\ufffd"]


def test_display_options() -> None:
    opts = LayoutOptions(persian_digits=True, persian_letters=True)
    line = layout("علي كتاب 123 https://x.ir/a1", 80, options=opts)[0]
    assert "۱۲۳" in line.text
    assert "https://x.ir/a1" in line.text  # a URL keeps its digits
    assert "\u064a" not in line.text and "\u0643" not in line.text
    plain = layout("علي 123", 80)[0]
    assert "123" in plain.text


def test_spans_follow_their_characters_and_split() -> None:
    text = "abc کتاب def"
    line = layout(text, 80, spans=[Span(2, 6, "bold"), Span(0, 3, "link", url="u")])[0]
    assert line.text == "abc ﺏﺎﺘﮐ def"
    bold = [(s.start, s.end) for s in line.spans if s.kind == "bold"]
    assert bold == [(2, 4), (6, 8)]  # «c » and «کت» land apart once reordered
    link = [s for s in line.spans if s.kind == "link"]
    assert [line.text[s.start : s.end] for s in link] == ["abc"]
    assert link[0].url == "u"


def test_span_over_a_merged_alef_covers_the_ligature() -> None:
    line = layout("سلام", 80, spans=[Span(2, 3, "highlight")])[0]  # the alef only
    assert [line.text[s.start : s.end] for s in line.spans] == ["\ufefc"]


def test_code_spans_are_isolated() -> None:
    text = "دستور cd .. را بزن"
    start = text.index("cd")
    plain = layout(text, 80)[0].text
    isolated = layout(text, 80, spans=[Span(start, start + 5, "code")])[0].text
    assert ".. cd" in plain  # the UBA alone sends the dots to the far side
    assert "cd .." in isolated


def test_one_line_fits_or_ends_with_an_ellipsis_at_the_logical_end() -> None:
    assert layout_one_line("Hello world", 20).text == "Hello world"
    ltr = layout_one_line("Hello world, this is long", 10)
    assert ltr.text == "Hello wor" + ELLIPSIS and ltr.cells == 10
    assert ltr.vis2log[-1] == 9 and ltr.log2vis[9] == 9
    rtl = layout_one_line("این یک پیام طولانی است", 10)
    assert rtl.text.startswith(ELLIPSIS) and rtl.cells == 10  # the left edge for RTL
    cut = rtl.vis2log[0]
    assert all(i < cut for i in rtl.vis2log[1:])
    assert rtl.end == len("این یک پیام طولانی است")


def test_one_line_joins_paragraphs() -> None:
    line = layout_one_line("سلام\nدنیا\r\nHi", 80)
    assert line.text == "Hi ﺎﯿﻧﺩ ﻡﻼﺳ"
    assert (line.start, line.end) == (0, 13)


def test_results_are_cached_per_argument() -> None:
    clear_caches()
    first = layout("سلام دنیا", 40)
    assert layout("سلام دنیا", 40)[0] is first[0]
    assert layout("سلام دنیا", 41)[0] is not first[0]
    assert layout("سلام دنیا", 40, options=RTL)[0] is not first[0]
    first.clear()  # callers get their own list
    assert layout("سلام دنیا", 40)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="width"):
        layout("x", 0)
    with pytest.raises(ValueError, match="direction"):
        layout("x", 5, direction="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tab_width"):
        LayoutOptions(tab_width=0)
    with pytest.raises(ValueError, match="width"):
        layout_one_line("x", -1)
