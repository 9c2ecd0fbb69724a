"""The composer's cursor over mixed RTL/LTR text: logical edits, visual cells.

Property: after any sequence of random edits and moves, the cursor is drawn on the cell that
shows the character at its logical position (found independently, by walking the drawn row's
cells), or — when that character is not drawn on its own — on the next drawn character of its
line, or on the line's end slot.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.widgets.caret import CaretMap
from tui.widgets.editbuffer import EditBuffer, clean_input, word_end, word_start
from tui.widgets.textline import lay_out

WIDTH = 14
PIECES = [
    "سلام", "دنیا", "می\u200cخواهم", "لا", "abc", "Hello", "123", "۱۲۵", " ", " ", "(", ")",
    "!", "?", "\u200c", "\n", "x", "ک", "🙂", "\t",
]  # fmt: skip
OPS = st.one_of(
    st.tuples(st.just("insert"), st.sampled_from(PIECES)),
    st.tuples(
        st.sampled_from(["left", "right", "up", "down", "home", "end", "backspace", "delete"]),
        st.none(),
    ),
)


def caret_for(buf: EditBuffer) -> CaretMap:
    return CaretMap(buf.text, lay_out(buf.text, WIDTH - 1), WIDTH)


def apply(buf: EditBuffer, op: str, arg: str | None) -> None:
    caret = caret_for(buf)
    pos = buf.cursor
    if op == "insert":
        assert arg is not None
        buf.insert(arg)
    elif op == "backspace":
        buf.backspace()
    elif op == "delete":
        buf.delete()
    elif op == "left":
        buf.move(caret.left(pos))
    elif op == "right":
        buf.move(caret.right(pos))
    elif op == "up":
        buf.move(caret.vertical(pos, -1))
    elif op == "down":
        buf.move(caret.vertical(pos, 1))
    elif op == "home":
        buf.move(caret.home(pos))
    else:
        buf.move(caret.end(pos))


def drawn_index_at(row_text: str, x: int) -> int | None:
    """Index into ``row_text`` of the code point drawn at cell ``x`` (walking cell widths)."""
    cell = 0
    for i, ch in enumerate(row_text):
        width = cell_len(ch)
        if width and cell <= x < cell + width:
            return i
        cell += width
    return None


def check_cursor(buf: EditBuffer) -> None:
    caret = caret_for(buf)
    r, x = caret.locate(buf.cursor)
    row = caret.rows[r]
    line = row.line
    assert 0 <= x < row.width
    assert line.start <= buf.cursor <= line.end
    drawn = " " * row.left + line.text
    index = drawn_index_at(drawn, x)
    pos = buf.cursor
    shown = pos < line.end and line.log2vis[pos - line.start] >= 0
    if shown:
        assert index is not None and index >= row.left
        assert line.vis2log[index - row.left] == pos, (buf.text, pos, x)
        return
    if index is not None and index >= row.left:
        # On the next drawn character; everything between is not drawn.
        target = line.vis2log[index - row.left]
        assert target > pos
        assert all(line.log2vis[q - line.start] < 0 for q in range(pos, target))
    else:
        # The end slot: just past the text, on the side where the line ends.
        assert x == (row.left - 1 if row.rtl else row.left + line.cells)


@settings(max_examples=300, deadline=None)
@given(st.lists(OPS, max_size=40))
def test_random_edits_keep_the_cursor_on_the_cell_of_its_logical_position(
    ops: list[tuple[str, str | None]],
) -> None:
    buf = EditBuffer()
    for op, arg in ops:
        apply(buf, op, arg)
        check_cursor(buf)


@settings(max_examples=200, deadline=None)
@given(st.lists(OPS, max_size=25))
def test_right_and_left_move_visually(ops: list[tuple[str, str | None]]) -> None:
    buf = EditBuffer()
    for op, arg in ops:
        apply(buf, op, arg)
    caret = caret_for(buf)
    r, x = caret.locate(buf.cursor)
    for step, sign in ((caret.right, 1), (caret.left, -1)):
        new = step(buf.cursor)
        r2, x2 = caret.locate(new)
        if r2 == r and new != buf.cursor:
            assert (x2 - x) * sign > 0, (buf.text, buf.cursor, new)


def test_left_from_the_end_of_an_ltr_line_enters_the_rtl_run_at_its_visual_edge() -> None:
    buf = EditBuffer("abc سلام")
    caret = caret_for(buf)
    assert caret.locate(buf.cursor) == (0, 7)  # after "abc " + 3 cells (lam-alef is one)
    # The cell left of the end shows «س», the RTL run's logical start.
    assert caret.left(buf.cursor) == 4


def test_rtl_end_slot_is_on_the_left() -> None:
    buf = EditBuffer("سلام")
    caret = caret_for(buf)
    row = caret.rows[0]
    assert row.rtl and caret.locate(len(buf.text)) == (0, row.left - 1)
    assert caret.locate(0) == (0, WIDTH - 1)  # the first letter is drawn at the right edge
    assert caret.right(len(buf.text)) != len(buf.text)  # moving right enters the word


def test_home_and_end_are_logical() -> None:
    buf = EditBuffer("سلام دنیا")
    caret = caret_for(buf)
    assert caret.home(5) == 0
    assert caret.end(0) == len(buf.text)


def test_clean_input_removes_controls_and_overrides_but_keeps_zwnj() -> None:
    assert clean_input("a\x1b[2Jb\u202ec\u200cd\r\ne") == "a[2Jbc\u200cd\ne"
    assert clean_input("a\nb\tc", single_line=True) == "a b c"


def test_word_boundaries_treat_zwnj_as_part_of_the_word() -> None:
    text = "من می\u200cخواهم بروم"
    assert word_end(text, 3) == text.index(" بروم")
    assert word_start(text, len(text)) == text.index("بروم")
    assert word_start(text, text.index(" بروم")) == 3
