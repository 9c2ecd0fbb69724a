"""Keys that arrive together (typed fast, sent by tmux, read after a slow frame) are handled in
order, each by the widget that has the focus after the one before (:mod:`tui.keyorder`): the
letters behind `f` reach the filter line, a paste behind `i` the composer, and a key whose path
breaks off holds nothing up for longer than PATIENCE_S."""

from __future__ import annotations

import time
from pathlib import Path

from textual import events

from tests.tui.shellkit import make_app, ready
from tui.app import PayamApp
from tui.keyorder import PATIENCE_S
from tui.screens.conversation import ConversationScreen
from tui.screens.inbox import InboxScreen
from tui.widgets.composer import Composer


def arrive_together(app: PayamApp, *items: str | events.Paste) -> None:
    """Post keys (and pastes) to the app in one go, as the driver does with one read."""
    for item in items:
        if isinstance(item, events.Paste):
            app.post_message(item)
        else:
            char = item if len(item) == 1 else None
            app.post_message(events.Key(item, char))


def inbox_of(app: PayamApp) -> InboxScreen:
    """The inbox, on screen."""
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def idle(app: PayamApp) -> bool:
    """No key on its way and none waiting (a call: mypy would narrow the attributes)."""
    return app._key_on_way is None and not app._keys_waiting


async def test_letters_behind_f_reach_the_filter_line(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = inbox_of(app)
        arrive_together(app, "f", *"sara_k")
        await pilot.pause()
        await pilot.pause()
        assert inbox.filter_editor.has_focus
        assert inbox.filter_editor.text == "sara_k"
        assert [r.title for r in inbox.inbox_list.rows] == ["Sara Karimi"]


async def test_a_whole_sequence_in_one_read_opens_the_chat(tmp_path: Path) -> None:
    """Filter, back to the list with Enter, open with Enter, then `i` and a Persian paste: all
    in one read, each step on the screen and widget the one before left."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        arrive_together(app, "f", *"كريمي", "enter", "enter", "i", events.Paste("سلام\u200cها"))
        await ready(pilot)
        for _ in range(20):
            await pilot.pause(0.02)
            if isinstance(app.screen, ConversationScreen):
                composer = app.screen.query_one(Composer)
                if composer.text:
                    break
        screen = app.screen
        assert isinstance(screen, ConversationScreen) and screen.chat_id == "21"
        assert screen.query_one(Composer).text == "سلام\u200cها"


async def test_a_key_whose_path_broke_off_holds_the_others_up_only_briefly(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = inbox_of(app)
        app.hold_keys(PATIENCE_S)  # never released: as if its widget had gone
        started = time.monotonic()
        arrive_together(app, "f", *"maryam")
        while inbox.filter_editor.text != "maryam" and time.monotonic() - started < 5:
            await pilot.pause(0.02)
        waited = time.monotonic() - started
        assert inbox.filter_editor.text == "maryam"
        assert PATIENCE_S * 0.9 <= waited < PATIENCE_S + 2.0
        assert idle(app)


async def test_held_keys_go_as_soon_as_the_hold_is_released(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = inbox_of(app)
        release = app.hold_keys(30.0)
        arrive_together(app, "f", *"maryam")
        await pilot.pause(0.1)
        assert not inbox.filter_editor.has_focus and inbox.filter_editor.text == ""
        release()
        await pilot.pause()
        await pilot.pause()
        assert inbox.filter_editor.text == "maryam" and idle(app)
