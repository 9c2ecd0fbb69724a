"""The search screen: RTL query, newest-first hits, highlights that follow the reordering."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from tests.tui.fakes import FakeSource, hit, message
from tests.tui.harness import SearchApp, demo_source
from tests.tui.screen import screen_rows, settle
from tui.screens.search import SearchScreen
from tui.text import layout_one_line
from tui.widgets.search_results import SearchResults, snippet_line
from tui.widgets.textline import TextSettings


def of(seen: list[Message], kind: type[Message]) -> list[Any]:
    return list({id(m): m for m in seen if isinstance(m, kind)}.values())


def highlighted(results: SearchResults, y: int) -> list[str]:
    style = results.get_component_rich_style("text--highlight", partial=True)
    return [
        seg.text
        for seg in results.render_line(y)
        if seg.style is not None and seg.style.bgcolor == style.bgcolor and seg.style.bold
    ]


async def test_typing_a_persian_query_searches_and_shows_hits_newest_first() -> None:
    app = SearchApp(demo_source())
    seen: list[Message] = []
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        for ch in "سلام":
            await pilot.press(ch)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert app.source.called("search")[-1]["query"] == "سلام"
        hits = screen.results.hits
        assert [h.message.id for h in hits] == sorted((h.message.id for h in hits), reverse=True)
        assert hits and all("سلام" in h.message.text for h in hits)
        rows = screen_rows(app)
        assert any("ﻡﻼﺳ" in r for r in rows)
        assert "results, newest first" in "\n".join(rows)


async def test_highlight_covers_the_visual_cells_of_the_match() -> None:
    text = "من کتاب جدید را خریدم و کتاب قدیمی را فروختم"
    source = FakeSource()
    source.hits = [hit(message(1, text), "کتابخانه", terms=["کتاب"])]
    app = SearchApp(source, query="کتاب")
    async with app.run_test(size=(80, 12)) as pilot:
        await settle(pilot)
        results = app.screen.query_one(SearchResults)
        pieces = highlighted(results, 1)
        word = layout_one_line("کتاب", 20).text  # shaped and reversed
        assert pieces == [word, word]
        # The first logical match is drawn to the right of the second one (RTL).
        row = results.render_line(1).text
        assert row.rindex(word) > row.index(word)


def test_snippet_highlights_survive_sanitising_and_a_window() -> None:
    text = "aaa \x1b[1m bbb سلام دنیا"
    h = hit(message(1, text), "t", terms=["سلام"], window=(4, len(text)))
    line = snippet_line(h, 60, TextSettings())
    assert line.text.startswith("…") or line.text.endswith("…")
    (span,) = [s for s in line.spans if s.kind == "highlight"]
    assert line.text[span.start : span.end] == layout_one_line("سلام", 10).text


async def test_enter_opens_the_chosen_hit() -> None:
    app = SearchApp(demo_source(), query="است")
    seen: list[Message] = []
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # from the query: search now and go to the results
        await settle(pilot)
        results = app.screen.query_one(SearchResults)
        assert results.has_focus
        await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        opened = app.opened
        assert len(opened) == 1
        chosen = results.hits[1]
        assert (opened[0].account, opened[0].chat_id, opened[0].message_id) == (
            chosen.message.account,
            chosen.message.chat_id,
            chosen.message.id,
        )


async def test_more_hits_are_fetched_near_the_end() -> None:
    source = FakeSource()
    source.hits = [hit(message(i, f"word {i}"), "t", terms=["word"]) for i in range(1, 121)]
    app = SearchApp(source, query="word")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        results = app.screen.query_one(SearchResults)
        results.focus()
        assert len(results.hits) == 50
        await pilot.press("G")
        await settle(pilot)
        assert source.called("search")[-1]["before"] == 71
        assert len(results.hits) == 100


async def test_no_results_says_so() -> None:
    app = SearchApp(demo_source(), query="zzzz")
    async with app.run_test(size=(60, 12)) as pilot:
        await settle(pilot)
        assert any("No messages match." in r for r in screen_rows(app))
