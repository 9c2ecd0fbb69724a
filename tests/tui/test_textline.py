"""Line → Strip rendering: alignment, span styles, links, and the three bidi modes."""

from __future__ import annotations

from rich.style import Style

from adapters.models import Span
from tui.text import LayoutOptions, layout, layout_one_line
from tui.widgets.textline import (
    TextSettings,
    lay_out,
    lay_out_one,
    line_content,
    line_strip,
    line_text,
)

BOLD = Style(bold=True)


def test_rtl_line_is_right_aligned_to_the_width() -> None:
    line = layout("سلام دنیا", 20)[0]
    strip = line_strip(line, 20)
    assert strip.cell_length == 20
    assert strip.text == " " * (20 - line.cells) + line.text


def test_ltr_line_is_left_aligned_and_padded() -> None:
    line = layout("Hello", 12)[0]
    assert line_strip(line, 12).text == "Hello       "


def test_align_false_keeps_rtl_text_at_the_left() -> None:
    line = layout("سلام", 10)[0]
    assert line_strip(line, 10, align=False).text.startswith(line.text)


def test_a_bold_span_over_a_persian_word_styles_its_visual_cells() -> None:
    text = "من از Python استفاده می\u200cکنم"
    start = text.index("Python")
    line = layout(text, 80, spans=[Span(start, start + 6, "bold")])[0]
    strip = line_strip(line, 80, styles={"bold": BOLD})
    bold = "".join(seg.text for seg in strip if seg.style is not None and seg.style.bold)
    assert bold == "Python"
    # The word sits where the reordering put it, not at its logical offset.
    assert strip.text.index("Python") != start


def test_a_span_over_rtl_text_follows_the_reordering() -> None:
    text = "سلام دنیا"
    line = layout(text, 40, spans=[Span(0, 4, "bold")])[0]  # «سلام», the logical start
    strip = line_strip(line, 40, styles={"bold": BOLD})
    bold_cells = [seg.text for seg in strip if seg.style is not None and seg.style.bold]
    # In an RTL line the first word is drawn at the right end.
    assert strip.text.rstrip().endswith("".join(bold_cells))


def test_link_meta_is_attached_to_link_spans_only() -> None:
    text = "see the docs now"
    line = layout(text, 40, spans=[Span(8, 12, "link", url="https://example.com")])[0]
    meta = Style.from_meta({"@click": "open_link(0)"})
    strip = line_strip(line, 40, link_meta=lambda span: meta)
    linked = [seg.text for seg in strip if seg.style is not None and seg.style.meta.get("@click")]
    assert linked == ["docs"]


def test_overlapping_spans_layer() -> None:
    line = layout("abcdef", 10, spans=[Span(0, 4, "bold"), Span(2, 6, "italic")])[0]
    strip = line_strip(line, 10, styles={"bold": BOLD, "italic": Style(italic=True)})
    styles = {
        seg.text: (bool(seg.style.bold), bool(seg.style.italic)) for seg in strip if seg.style
    }
    assert styles["ab"] == (True, False)
    assert styles["cd"] == (True, True)
    assert styles["ef"] == (False, True)


def test_terminal_mode_keeps_logical_unshaped_text_right_aligned() -> None:
    text = "سلام دنیا و خداحافظ"
    settings = TextSettings(mode="terminal")
    lines = lay_out(text, 10, settings=settings)
    assert "".join(line.text + " " for line in lines).split() == text.split()
    assert all(line.align == "right" for line in lines)
    assert lines[0].vis2log == tuple(range(lines[0].start, lines[0].start + len(lines[0].text)))
    # Broken where the terminal will measure the unshaped text (no lam-alef ligature there).
    assert all(line.cells <= 10 for line in lines)
    assert [line.text for line in lines] == ["سلام دنیا", "و خداحافظ"]


def test_off_mode_aligns_everything_left() -> None:
    lines = lay_out("سلام دنیا", 20, settings=TextSettings(mode="off"))
    assert lines[0].text == "سلام دنیا"
    assert lines[0].align == "left"


def test_one_line_in_terminal_mode_cuts_at_the_logical_end() -> None:
    line = lay_out_one("سلام دنیای زیبا", 8, settings=TextSettings(mode="terminal"))
    assert line.text == "سلام دن…"
    assert line.cells == 8


def test_one_line_in_app_mode_is_the_engines() -> None:
    options = LayoutOptions(persian_digits=True)
    ours = lay_out_one("قیمت 12 تومان", 30, settings=TextSettings(options=options))
    assert ours == layout_one_line("قیمت 12 تومان", 30, options=options)
    assert "۱۲" in ours.text


def test_text_and_content_carry_the_visual_text_and_spans() -> None:
    line = layout("سلام Python", 30, spans=[Span(5, 11, "bold")])[0]
    text = line_text(line, styles={"bold": BOLD})
    assert text.plain == line.text
    assert any(span.style == BOLD for span in text.spans)
    content = line_content(line, styles={"bold": BOLD})
    assert content.plain == line.text
    assert len(content.spans) == 1
