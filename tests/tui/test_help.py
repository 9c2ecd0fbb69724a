"""Help lists the keys in force (the config's ``[keys]`` over the defaults) and the composer's
fallbacks; the config's keys really drive the app; the command palette finds a chat by its
Persian name and shows it through the text engine."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from tests.tui.screen import screen_rows
from tests.tui.shellkit import make_app, ready
from tui.i18n import I18n
from tui.keys import Keymap, key_label
from tui.screens.conversation import ConversationScreen
from tui.screens.help import HelpList, HelpScreen, help_rows
from tui.screens.inbox import InboxScreen
from tui.settings.schema import DEFAULT_KEYS


def test_help_rows_follow_the_keymap() -> None:
    keys = {**DEFAULT_KEYS, "next_unread": ("N", "ctrl+n"), "quit": ("ctrl+x",)}
    rows = {r.words: r.keys for r in help_rows(I18n(), Keymap(keys)) if not r.heading}
    assert rows["Next unread"] == "N ^n"
    assert rows["Quit"] == "^x"
    assert rows["Down"] == "↓ j" and rows["Up"] == "↑ k"  # arrows and vim keys, both
    assert rows["Help"] == "f1 ?"
    # The conversation's and the composer's own keys, with the chords terminals can tell apart.
    assert rows["Reply"] == "r" and rows["Copy"] == "y"
    assert "^j" in rows["New line"] and "^Space" in rows["Half-space (ZWNJ)"]


def test_key_labels() -> None:
    assert [key_label(k) for k in ("ctrl+q", "question_mark", "pagedown", "alt+enter", "G")] == [
        "^q",
        "?",
        "PgDn",
        "M-Enter",
        "G",
    ]
    assert Keymap({**DEFAULT_KEYS, "up": ("w",)}).textual_keymap() == {"up": "w"}


async def test_help_opens_with_question_mark_and_f1_and_shows_the_config_keys(
    tmp_path: Path,
) -> None:
    keys = {**DEFAULT_KEYS, "next_unread": ("N",)}
    app = make_app(tmp_path, keys=keys)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await ready(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_list = app.screen.query_one(HelpList)
        shown = {r.words: r.keys for r in help_list.rows}
        assert shown["Next unread"] == "N"
        text = "\n".join(screen_rows(app))
        assert "Shift+Enter as Enter: use ^j for a new line" in text
        assert "Keys come from [keys] in config.toml." in text
        await pilot.press("escape")
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("f1")
        await ready(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, InboxScreen)


async def test_config_keys_drive_the_app(tmp_path: Path) -> None:
    keys = {**DEFAULT_KEYS, "next_unread": ("N",), "down": ("ctrl+n",), "open": ("o",)}
    app = make_app(tmp_path, keys=keys)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        await pilot.press("n", "j")  # no longer bound
        assert inbox.inbox_list.cursor == 0
        await pilot.press("N")
        assert inbox.inbox_list.cursor == 1
        await pilot.press("ctrl+n")
        assert inbox.inbox_list.cursor == 2
        await pilot.press("o")
        await ready(pilot)
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.chat_id == "21"


async def test_the_palette_finds_a_chat_by_its_persian_name(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await ready(pilot)
        assert CommandPalette.is_open(app)
        await pilot.press(*"كريمي")  # Arabic kaf and yeh: folded like the inbox filter
        await pilot.pause(0.4)
        await ready(pilot)
        rows = screen_rows(app)
        # The hit reads right to left (shaped, reordered), never the logical string.
        assert any("BL ﯽﻤﯾﺮﮐ ﺍﺭﺎﺳ  bale:shop" in r for r in rows)
        assert not any("سارا کریمی" in r for r in rows)
        await pilot.press("down", "enter")
        await pilot.pause(0.3)
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        assert (screen.account, screen.chat_id) == ("bale:shop", "21")
