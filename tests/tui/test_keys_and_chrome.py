"""The conversation's and the composer's keys follow ``config.toml`` ``[keys]``; a Persian UI
mirrors the inbox's arrows; the conversation and search screens use Payam's key bar (in the UI's
language, through the text engine); the palette's query is typed in the bidi editor; the demo's
mock URL is shown — Pilot tests over the stub shell and the widget harnesses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Footer

from tests.text.oracle import normalise
from tests.tui.harness import SearchApp, demo_source
from tests.tui.oracle_rows import expected_lines, needs_fribidi
from tests.tui.screen import screen_rows, settle, until_shown
from tests.tui.shellkit import make_app, ready
from tui.i18n import I18n
from tui.keys import Keymap
from tui.screens.conversation import ConversationScreen
from tui.screens.inbox import InboxScreen
from tui.screens.palette import PaletteQuery, PayamPalette
from tui.settings.schema import DEFAULT_KEYS
from tui.widgets.chrome import KeyBar
from tui.widgets.search_results import SearchResults

PERSIAN = {"language": "fa", "digits": "persian", "calendar": "jalali"}


async def open_first_chat(pilot: Any) -> ConversationScreen:
    await ready(pilot)
    await pilot.press("enter")
    await ready(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConversationScreen)
    return screen


def test_mirrored_keymap_swaps_the_arrows_of_open_and_back_only() -> None:
    mirrored = Keymap(DEFAULT_KEYS).mirrored()
    assert mirrored.keys("open") == ("enter", "left", "l")
    assert mirrored.keys("back") == ("escape", "right", "h")
    assert mirrored.keys("down") == DEFAULT_KEYS["down"]
    assert set(mirrored.textual_keymap()) == {"open", "back"}


async def test_conversation_and_composer_keys_follow_the_config(tmp_path: Path) -> None:
    keys = {
        **DEFAULT_KEYS,
        "reply": ("ctrl+r",),
        "send": ("ctrl+s",),
        "compose": ("w",),
        "down": ("ctrl+n",),
    }
    app = make_app(tmp_path, keys=keys)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_first_chat(pilot)
        composer, view = screen.composer, screen.view
        await pilot.press("i")  # compose moved to w
        assert view.has_focus
        await pilot.press("r")  # reply moved to ctrl+r
        assert composer.mode == "send"
        await pilot.press("ctrl+r")
        await ready(pilot)
        assert composer.mode == "reply" and composer.editor.has_focus
        await pilot.press(*"hi", "enter")  # Enter no longer sends
        await ready(pilot)
        assert composer.text == "hi"
        await pilot.press("ctrl+s")
        await until_shown(pilot, lambda: composer.text == "")
        assert composer.mode == "send"
        await pilot.press("escape")
        assert view.has_focus
        await pilot.press("w")
        assert composer.editor.has_focus
        # The key bar names the moved keys.
        await pilot.press("escape")
        await ready(pilot)
        labels = [label for label, *_ in screen.query_one(KeyBar).items()]
        assert "^r" in labels and "r" not in labels


async def test_persian_ui_mirrors_the_inbox_arrows(tmp_path: Path) -> None:
    app = make_app(tmp_path, **PERSIAN)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        await pilot.press("right")  # → is back in a right-to-left list: nothing to clear
        await ready(pilot)
        assert app.screen is inbox
        await pilot.press("u")
        await ready(pilot)
        assert inbox.filters.unread_only
        await pilot.press("right")
        await ready(pilot)
        assert not inbox.filters.unread_only
        await pilot.press("left")  # ← opens
        await ready(pilot)
        assert isinstance(app.screen, ConversationScreen)


async def test_conversation_key_bar_speaks_persian_through_the_text_engine(
    tmp_path: Path,
) -> None:
    t = I18n("fa")
    app = make_app(tmp_path, **PERSIAN)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_chat(pilot)
        assert not screen.query(Footer)
        words = [w for _, w, *_ in screen.query_one(KeyBar).items()]
        assert t.action("reply") in words and t.action("back") in words
        bar = normalise(screen_rows(app)[-1])
    # Every word on the bar is drawn shaped and reordered, never in logical order.
    assert t.action("reply") not in bar
    (visual, _), *_ = expected_lines(t.action("reply"), 40)
    assert visual in bar


async def test_search_screen_has_the_key_bar_and_down_goes_to_the_hits() -> None:
    app = SearchApp(demo_source(), query="است")
    async with app.run_test(size=(80, 20)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.query(Footer) and screen.query(KeyBar)
        assert "results, newest first" in "\n".join(screen_rows(app))
        await pilot.press("down")
        await settle(pilot)
        assert screen.query_one(SearchResults).has_focus


@needs_fribidi
async def test_the_palette_query_is_typed_in_the_bidi_editor(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    query = "سارا\u200cکریمی"
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await ready(pilot)
        assert isinstance(app.screen, PayamPalette)
        await pilot.press(*"سارا", "ctrl+space", *"کریمی")  # ZWNJ by its fallback key
        editor = app.screen.query_one(PaletteQuery)
        assert editor.text == query  # logical, ZWNJ kept
        await ready(pilot)
        rows = [normalise(r) for r in screen_rows(app)]
    (visual, rtl), *_ = expected_lines(query, 80)
    assert rtl and any(visual in r for r in rows), rows[:6]
    assert not any(query in r for r in rows)


async def test_the_demo_url_is_shown_in_the_status_bar_and_on_accounts(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.demo_url = "http://127.0.0.1:8700"
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        assert "demo http://127.0.0.1:8700 · " in screen_rows(app)[-2]
        await pilot.press("ctrl+a")
        await ready(pilot)
        text = "\n".join(screen_rows(app))
        assert "mock servers listen on http://127.0.0.1:8700" in text
        assert "http://127.0.0.1:8700/<messenger>/__mock__/" in text
