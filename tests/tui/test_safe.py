"""Untrusted text reaches the screen only sanitised, laid out, and never as markup."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from adapters.models import Span
from tests.tui.screen import screen_rows, settle
from tui.text import display_safe
from tui.widgets.safe import (
    OffsetMap,
    SafeLabel,
    SafeText,
    safe_content,
    safe_line,
    safe_text,
    sanitize_spans,
)

HOSTILE = "evil\x1b]52;c;ZWNobw==\x07 [bold]x[/bold] [@click=app.quit]q[/] \u202eoof\u009b2J"


class LabelApp(App[None]):
    def __init__(self, label: str, body: str) -> None:
        super().__init__()
        self.label, self.body = label, body

    def compose(self) -> ComposeResult:
        yield SafeLabel(self.label, id="label")
        yield SafeText(self.body, id="body")


async def test_hostile_name_and_body_show_as_inert_text() -> None:
    app = LabelApp(HOSTILE, HOSTILE + "\nسلام دنیا")
    async with app.run_test(size=(120, 6)) as pilot:
        await settle(pilot)
        await pilot.click("#label")
        await settle(pilot)
        rows = screen_rows(app)
        assert app.is_running  # clicking the "[@click=app.quit]" text ran nothing
    shown = "\n".join(rows)
    assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown
    assert "␛]52;c;ZWNobw==␇" in rows[0]  # visible, not executed
    assert "[bold]x[/bold]" in rows[0] and "[@click=app.quit]q[/]" in rows[0]  # not markup
    assert "⟨RLO⟩" in rows[1]  # bodies show overrides as markers


async def test_safe_label_right_aligns_rtl_and_cuts_at_the_logical_end() -> None:
    app = LabelApp("فروشگاه کتاب‌های قدیمی و جدید تهران", "x")
    async with app.run_test(size=(20, 4)) as pilot:
        await settle(pilot)
        row = screen_rows(app)[0]
        label = app.query_one(SafeLabel)
        line = label.line()
    assert line.text.startswith("…")  # RTL: the ellipsis is at the left, the logical end
    assert row == " " * (20 - line.cells) + line.text


async def test_safe_text_lays_out_each_paragraph_with_its_direction() -> None:
    app = LabelApp("n", "سلام دنیا\nHello world")
    async with app.run_test(size=(30, 5)) as pilot:
        await settle(pilot)
        rows = screen_rows(app)
    assert rows[1].endswith("ﺎﯿﻧﺩ ﻡﻼﺳ")  # right-aligned, shaped, reordered
    assert rows[2].startswith("Hello world")


def test_sanitize_spans_moves_spans_past_replaced_controls() -> None:
    text = "a\x9bb bold"
    safe, spans = sanitize_spans(text, [Span(4, 8, "bold")])
    assert safe == display_safe(text)
    assert safe[spans[0].start : spans[0].end] == "bold"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from([*"ab سلام\n\t", "\x1b", "\x9b", "\u202e", "\u2066", "\x00"]),
        max_size=30,
    ),
    st.data(),
)
def test_offset_map_keeps_unchanged_characters_in_place(text: str, data: st.DataObject) -> None:
    safe = display_safe(text)
    offsets = OffsetMap(text, safe)
    for i, ch in enumerate(text):
        if display_safe(ch) == ch and ch not in "\u2066\u2069":
            j = offsets.start(i)
            assert safe[j] == ch
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    assert offsets.start(a) <= offsets.end(b) or a == b


def test_helpers_for_other_widgets_return_visual_text() -> None:
    line = safe_line("علی\x1b", 20)
    assert "\x1b" not in line.text and "␛" in line.text
    assert safe_text("سلام", 10).plain == safe_line("سلام", 10).text
    assert safe_content("سلام", 10).plain == safe_line("سلام", 10).text
