"""Huge bodies laid out a block at a time (``tui.widgets.conversation_blocks``): how a body is
cut into blocks, and a megabyte message read through the real view."""

from __future__ import annotations

from typing import Any

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.models import Span
from tests.tui.fakes import FakeSource, message
from tests.tui.harness import ACCOUNT, ConversationApp
from tests.tui.screen import screen_rows, settle
from tui.widgets.conversation import ConversationView
from tui.widgets.conversation_blocks import BLOCK_CHARS, HUGE_BODY, BlockRows, split_blocks
from tui.widgets.textline import lay_out, line_strip

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one cluster of seven code points
PIECES = (
    "a",
    "word",
    " ",
    "\n",
    "\r\n",
    "\u2029",
    "سلام",
    "سَلامٌ",  # Persian with harakat (combining marks)
    "کتاب\u200cها",
    "e\u0301",  # e + combining acute
    "ö\u0308\u0323",
    FAMILY,
    "👍🏽",  # skin tone modifier
    "❤️",  # variation selector
    "۱۲۳",
    "🇮🇷",  # a pair of regional indicators
)
SEPARATORS = ("", "\n", "\r\n", "\u2029")


def boundaries(text: str) -> set[int]:
    """Where an extended grapheme cluster (UAX #29) starts, and the end."""
    return {0, *(m.end() for m in regex.finditer(r"\X", text))}


def check_blocks(text: str, size: int) -> list[tuple[int, int, bool]]:
    blocks = split_blocks(text, size)
    assert blocks[0][0] == 0 and blocks[0][2]
    rebuilt, cuts = [], boundaries(text)
    for (a, b, _), (na, _, para) in zip(blocks, [*blocks[1:], (len(text), 0, False)], strict=True):
        gap = text[b:na]
        assert gap in SEPARATORS  # only a paragraph separator is left out of the blocks
        if na < len(text):
            assert para == (gap != "")  # a block after a separator starts a paragraph
        rebuilt += [text[a:b], gap]
        assert b - a <= size
        assert a in cuts and b in cuts, (a, b)  # no cluster is split
    assert "".join(rebuilt) == text
    return blocks


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=120), st.integers(min_value=16, max_value=60))
def test_blocks_add_up_to_the_body_and_never_split_a_cluster(pieces: list[str], size: int) -> None:
    text = "".join(pieces)
    if text:
        check_blocks(text, size)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([FAMILY, "سَ", "e\u0301\u0302", "👍🏽", "❤️", "🇮🇷", "ب\u200c", "ab\r\n"]),
    st.integers(0, 40),
)
def test_a_body_without_spaces_is_cut_between_clusters(cluster: str, lead: int) -> None:
    text = "x" * lead + cluster * 40
    blocks = check_blocks(text, 32)
    assert len(blocks) > 1


def test_a_short_body_is_one_block() -> None:
    assert split_blocks("hello") == [(0, 5, True)]
    text = ("سَلامٌ " * 2000)[:BLOCK_CHARS]
    assert split_blocks(text) == [(0, BLOCK_CHARS, True)]


def test_cuts_prefer_a_paragraph_end_then_a_space() -> None:
    # A paragraph end in the second half of the block wins over later spaces.
    text = "a" * 70 + "\n" + "b c " * 30
    assert split_blocks(text, 100)[0] == (0, 70, True)
    assert split_blocks(text, 100)[1][2]  # the next block starts a paragraph
    text = "a" * 70 + "\r\n" + "b c " * 30
    assert split_blocks(text, 100)[0] == (0, 70, True)
    # No paragraph end: the block ends just after the last space (and the next one continues
    # the paragraph).
    text = "word " * 30
    blocks = split_blocks(text, 33)
    assert blocks[0] == (0, 30, True)
    assert not blocks[1][2]
    assert all(text[b - 1] == " " for _, b, _ in blocks[:-1])
    # Neither: between clusters.
    text = "سَ" * 30
    assert split_blocks(text, 33)[0] == (0, 32, True)


# --- a megabyte message through the view ------------------------------------------------------

WIDTH, HEIGHT = 100, 30


def huge_text() -> str:
    """~1 MB: Persian paragraphs longer than a block whose later blocks start with English
    words (so that only the paragraph's direction keeps them RTL), English paragraphs, and
    markers at both ends."""
    parts = ["START-MARK " + "سلام دنیا، این یک متن فارسی است. " * 40]
    n = 0
    while sum(map(len, parts)) < 1_000_000:
        n += 1
        parts.append("فارسی " + " ".join(f"w{n}x{i}" for i in range(1500)))
        parts.append("English paragraph with some words in it. " * 30)
    return "\n".join(parts) + " END-MARK"


def rtl_paragraph_block(rows: BlockRows) -> int:
    """A block continuing an RTL paragraph, starting with an English word."""
    for b, (a, _, para) in enumerate(rows.blocks):
        if not para and rows.text[a] == "w" and b > 2:
            return b
    raise AssertionError("no continuation block")


async def expanded(pilot: Any) -> tuple[ConversationView, BlockRows]:
    await settle(pilot)
    v = pilot.app.screen.query_one(ConversationView)
    m = v.window.messages[0]
    while v.is_cut(m):
        v.show_more(m)
    await settle(pilot)
    rows = v._item_rows(v._items[v._msg_items[m.id]])
    assert isinstance(rows, BlockRows)
    return v, rows


def texts_of(strips: Any) -> list[str]:
    return [s.text for s in strips]


async def test_a_megabyte_message_reads_right_from_start_to_end() -> None:
    text = huge_text()
    assert len(text) > 1_000_000 > 60 * HUGE_BODY
    source = FakeSource()
    source.add_chat(ACCOUNT, "huge", [message(1, text, chat_id="huge")], title="huge")
    app = ConversationApp(source, "huge")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        v, rows = await expanded(pilot)
        assert len(rows.blocks) > 200
        ctx = v._row_context(v._rows_width)

        def full(part: str, direction: Any = "auto") -> list[str]:
            lines = lay_out(part, ctx.width, direction=direction, settings=ctx.settings)
            return [
                line_strip(line, ctx.width, base=ctx.base, styles=ctx.styles).text for line in lines
            ]

        # The top of the message: its first rows as a full layout of its first paragraph.
        i = v._msg_items[1]
        v.go_to(v._offsets[i])
        await settle(pilot)
        assert "START-MARK" in "\n".join(screen_rows(app))
        first_para = text[: text.index("\n")]
        head = len(rows.head)
        expected = full(first_para)
        assert 5 < len(expected) < HEIGHT
        shown = [rows.row(k) for k in range(head, head + len(expected))]
        assert all(s is not None for s in shown)
        assert texts_of(shown) == expected

        # A block continuing an RTL paragraph (starting with English words) is laid out RTL,
        # right-aligned, as the rest of the paragraph laid out whole.
        b = rtl_paragraph_block(rows)
        a, end, _ = rows.blocks[b]
        v.go_to(v._offsets[i] + rows.starts[b])
        await settle(pilot)
        laid = rows.laid[b]
        assert laid is not None and rows.directions[b] == "rtl"
        para_end = text.find("\n", a)
        whole = full(text[a:para_end], "rtl")
        mine = texts_of(laid)
        if para_end < end:  # the paragraph ends in this block: the next one resolves its own
            assert mine[: len(whole)] == whole
            after = full(text[para_end + 1 : text.find("\n", para_end + 1)])
            assert mine[len(whole) : len(whole) + 2] == after[:2]
            assert after[0].startswith("English") and not after[1].startswith(" ")
        else:
            whole = whole[: len(mine) - 1]
            assert mine[: len(whole)] == whole
        assert all(t.startswith(" ") and not t.endswith(" ") for t in whole)
        assert full(text[a:para_end])[0].endswith(" ")  # on its own it would be LTR
        top = v._offsets[i] + rows.starts[b] - int(v.scroll_y) + v.top_pad()
        assert 0 <= top < HEIGHT - 6
        on_screen = screen_rows(app)[v.region.y + top : v.region.y + top + 3]
        assert all(t.strip() in r for t, r in zip(mine[:3], on_screen, strict=True))

        # Far down, where nothing is laid out yet: the blocks above the top row grow from
        # their estimates and the view moves as much, so the block asked for stays on top.
        b = b + 20
        assert rows.laid[b] is None and rows.laid[b - 1] is None
        before = rows.starts[b]
        v.go_to(v._offsets[i] + before)
        await settle(pilot)
        assert rows.starts[b] != before  # the estimates above were corrected...
        assert int(v.scroll_y) == v._offsets[i] + rows.starts[b]  # ...and the view followed
        laid = rows.laid[b]
        assert laid is not None
        assert laid[0].text.strip() in screen_rows(app)[v.region.y]

        # The end.
        await pilot.press("G")
        v.go_to(v.max_scroll_y)
        await settle(pilot)
        assert "END-MARK" in "\n".join(screen_rows(app))

        # A narrower terminal: laid out again at the new width, start and end still right.
        await pilot.resize_terminal(70, HEIGHT)
        await settle(pilot)
        v, rows = await expanded(pilot)
        assert v._rows_width < ctx.width
        v.go_to(v.max_scroll_y)
        await settle(pilot)
        assert "END-MARK" in "\n".join(screen_rows(app))
        v.go_to(v._offsets[v._msg_items[1]])
        await settle(pilot)
        assert "START-MARK" in "\n".join(screen_rows(app))

        # Every block laid out: the message's rows are exactly its blocks' lines.
        rows.lay_out_rows(0, 10**9)
        v._relayout()
        await settle(pilot)
        assert all(r is not None for r in rows.laid)
        lines = sum(len(r or ()) for r in rows.laid)
        assert len(rows) == len(rows.head) + lines + len(rows.tail)
        i = v._msg_items[1]
        assert v._offsets[i + 1] - v._offsets[i] == len(rows)
        assert v.virtual_size.height == v._offsets[-1]
        assert all(rows.row(k) is not None for k in range(len(rows)))


async def test_spans_are_carried_into_every_block() -> None:
    text = "word " * 10_000
    spans = (Span(3_990, 4_100, "bold"), Span(20_000, 20_010, "bold"))
    source = FakeSource()
    source.add_chat(ACCOUNT, "huge", [message(1, text, chat_id="huge", spans=spans)])
    app = ConversationApp(source, "huge")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        _, rows = await expanded(pilot)
        assert rows.blocks[0][1] < 4_100  # the first span crosses a cut
        rows.lay_out_rows(0, 10**9)
        bold = "".join(
            seg.text
            for strips in rows.laid
            for strip in strips or ()
            for seg in strip
            if seg.style is not None and seg.style.bold
        )
        expected = text[3_990:4_100] + text[20_000:20_010]
        assert bold.replace(" ", "") == expected.replace(" ", "")
