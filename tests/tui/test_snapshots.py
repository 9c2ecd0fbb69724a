"""SVG snapshots of the conversation, the composer and search (sync tests: ``snap_compare``
runs the app itself), each RTL one paired with a FriBidi check of the rows it shows."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.harness import (
    ConversationApp,
    EditorApp,
    SearchApp,
    demo_source,
    mixed_messages,
    rtl_messages,
)
from tests.tui.oracle_rows import assert_rows_show, needs_fribidi
from tests.tui.screen import screen_rows, settle
from tui.text import display_safe
from tui.widgets.conversation import ConversationView
from tui.widgets.editor import BidiEditor
from tui.widgets.search_results import SearchResults

RTL_SIZE = (80, 30)
MIXED_SIZE = (80, 36)


async def press_into_editor(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("left", "left", "left")
    await pilot.pause()


def test_rtl_conversation(snap_compare: Any) -> None:
    app = ConversationApp(demo_source(), "rtl")
    assert snap_compare(app, terminal_size=RTL_SIZE, run_before=settle)


def test_mixed_conversation(snap_compare: Any) -> None:
    app = ConversationApp(demo_source(), "mixed")
    assert snap_compare(app, terminal_size=MIXED_SIZE, run_before=settle)


def test_composer_with_persian(snap_compare: Any) -> None:
    app = EditorApp("سلام Hello ۱۲۳ دنیا\nمی\u200cخواهم (کتاب) بخوانم")
    assert snap_compare(app, terminal_size=(60, 8), run_before=press_into_editor)


def test_search_results(snap_compare: Any) -> None:
    app = SearchApp(demo_source(), query="است")
    assert snap_compare(app, terminal_size=(80, 20), run_before=settle)


# --- the same screens against FriBidi -------------------------------------------------------


def body_texts(messages: list[Any]) -> list[str]:
    return [m.text for m in messages if m.text and not m.deleted]


@needs_fribidi
async def test_rtl_conversation_rows_match_fribidi() -> None:
    app = ConversationApp(demo_source(), "rtl")
    async with app.run_test(size=RTL_SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ConversationView)
        inner = view.scrollable_content_region.width - 2
        rows = screen_rows(app)
    assert assert_rows_show(rows, body_texts(rtl_messages()), left=1, width=inner) >= 5


@needs_fribidi
async def test_mixed_conversation_rows_match_fribidi() -> None:
    app = ConversationApp(demo_source(), "mixed")
    async with app.run_test(size=MIXED_SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ConversationView)
        inner = view.scrollable_content_region.width - 2
        rows = screen_rows(app)
    assert assert_rows_show(rows, body_texts(mixed_messages()), left=1, width=inner) >= 6


@needs_fribidi
async def test_composer_rows_match_fribidi() -> None:
    text = "سلام Hello ۱۲۳ دنیا\nمی\u200cخواهم (کتاب) بخوانم"
    app = EditorApp(text)
    async with app.run_test(size=(60, 8)) as pilot:
        await settle(pilot)
        editor = app.query_one(BidiEditor)
        region = editor.content_region
        rows = [r[region.x : region.x + region.width] for r in screen_rows(app)]
    # The editor lays out one cell narrower (the cursor's end slot) and right-aligns in full.
    assert assert_rows_show(rows, [text], left=1, width=region.width - 1) == 2


@needs_fribidi
async def test_search_rows_match_fribidi() -> None:
    app = SearchApp(demo_source(), query="است")
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        results = app.screen.query_one(SearchResults)
        inner = results.scrollable_content_region.width - 2
        texts = [display_safe(h.message.text, "name") for h in results.hits]  # one line each
        rows = screen_rows(app)
    assert assert_rows_show(rows, texts, left=1, width=inner) == len(texts) >= 2
