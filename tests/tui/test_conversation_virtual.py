"""Virtualisation: a chat of 100,000 messages is paged by keyset and never loaded whole."""

from __future__ import annotations

from tests.tui.fakes import FakeSource, GeneratedChat
from tests.tui.harness import ACCOUNT, ConversationApp
from tests.tui.screen import settle
from tui.widgets.conversation import ConversationView
from tui.widgets.conversation_model import PAGE_SIZE

LIMIT = 200


def big_source(count: int) -> FakeSource:
    source = FakeSource()
    source.add_chat(ACCOUNT, "big", GeneratedChat(count), title="big")
    return source


async def open_and_scroll(count: int) -> tuple[FakeSource, ConversationView, dict[str, int]]:
    source = big_source(count)
    app = ConversationApp(source, "big", window_limit=LIMIT)
    figures: dict[str, int] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        v = app.screen.query_one(ConversationView)
        figures["open_laid_out"] = v.laid_out
        figures["open_served"] = source.served
        biggest = len(v.window)
        for _ in range(25):
            await pilot.press("pageup")
            await settle(pilot)
            biggest = max(biggest, len(v.window))
        figures["after_pageup_served"] = source.served
        await pilot.press("g")  # the oldest message
        await settle(pilot)
        figures["oldest_cursor"] = v.cursor_id or 0
        await pilot.press("G")  # and back to the newest
        await settle(pilot)
        figures["newest_cursor"] = v.cursor_id or 0
        biggest = max(biggest, len(v.window))
        figures["biggest_window"] = biggest
        figures["served"] = source.served
        figures["laid_out"] = v.laid_out
    return source, v, figures


async def test_a_100000_message_chat_opens_with_one_page_and_stays_bounded() -> None:
    source, _, figures = await open_and_scroll(100_000)
    # Opening asks for one page (and maybe the next older one to fill the screen).
    assert figures["open_served"] <= 2 * PAGE_SIZE
    assert figures["open_laid_out"] <= 2 * PAGE_SIZE + 10
    # Scrolling back forty screens pages in by keyset; nothing asks for the whole history.
    pages = source.called("page")
    assert all(p["limit"] == PAGE_SIZE for p in pages)
    assert any(p["before"] is not None for p in pages)
    assert figures["after_pageup_served"] < 25 * PAGE_SIZE
    assert figures["biggest_window"] <= LIMIT
    assert figures["served"] < 3_000
    assert figures["oldest_cursor"] == 1
    assert figures["newest_cursor"] == 100_000
    assert source.called("page")[-1] == {"before": None, "after": None, "limit": PAGE_SIZE}


async def test_opening_costs_the_same_for_10_and_100000_messages() -> None:
    _, _, small = await open_and_scroll(60)
    _, _, big = await open_and_scroll(100_000)
    assert big["open_served"] <= small["open_served"] + PAGE_SIZE
    assert big["open_laid_out"] <= small["open_laid_out"] + PAGE_SIZE + 5


async def test_older_pages_arrive_without_moving_what_is_read() -> None:
    source = big_source(100_000)
    app = ConversationApp(source, "big", window_limit=LIMIT)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        v = app.screen.query_one(ConversationView)
        for _ in range(12):
            await pilot.press("k")
        await settle(pilot)
        before_calls = len(source.called("page"))
        cursor = v.cursor_id
        top = v._top_anchor()
        v.go_to(0)  # reach the top of the window: the next older page is asked for
        await settle(pilot)
        assert len(source.called("page")) > before_calls
        assert v.cursor_id == cursor
        # The message that was at the top of the window keeps its place relative to the view.
        assert top is not None and top[0] in v.message_ids()
        assert v.scroll_y > 0
