"""The inbox: order, marks, filters, next unread, type-to-filter, live updates, the empty state,
mouse, and hostile titles — Pilot tests over a seeded store and stub accounts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from adapters.models import Batch
from tests.tui.screen import screen_rows
from tests.tui.shellkit import NOW, SARA_FA, _chat, _msg, make_app, ready, seed
from tui.engine.store import Store
from tui.screens.conversation import ConversationScreen
from tui.screens.inbox import InboxScreen
from tui.widgets.inbox_list import InboxList

ORDER = [
    "خانواده 👨\u200d👩\u200d👧",  # pinned first
    "Sara Karimi",  # then newest activity first
    "سارا کریمی",
    "اخبار فناوری",
    "Reza رضا",
    "Payam dev 🛠",
    "Maryam",
    "Old friend",
]


def titles(app: object) -> list[str]:
    inbox = app.screen  # type: ignore[attr-defined]
    assert isinstance(inbox, InboxScreen)
    return [r.title for r in inbox.inbox_list.rows]


async def test_pinned_first_then_newest_with_marks_times_and_counts(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert titles(app) == ORDER
        rows = screen_rows(app)
    # Row 1 is the pinned family group: badge, the ★ mark and today's time; its count below.
    assert rows[1].startswith(" RB ") and rows[1].rstrip().endswith("★ 10:05")
    assert rows[2].rstrip().endswith("1")
    # Yesterday is a weekday; this year a short date; an older one a full date.
    assert any(r.rstrip().endswith("Fri") for r in rows)
    assert any(r.rstrip().endswith("⊘ Wed") for r in rows)  # muted
    assert any(r.rstrip().endswith("20 Mar") for r in rows)
    assert any(r.rstrip().endswith("2024-12-31") for r in rows)
    # The bot's own channel post is "you: …"; a group's preview names its sender.
    assert any("Ali: The RTL layout looks right now" in r for r in rows)
    assert any(":you" in r for r in rows)  # RTL paragraph: "you:" stands at its right
    # The status bar counts unread messages of unmuted chats only (Reza's chat is muted).
    assert "5 accounts: 4 polling · 1 send-only" in rows[-2]
    assert rows[-2].rstrip().endswith("9 unread · bidi app")


async def test_filters_cycle_and_clear(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        await pilot.press("u")
        assert titles(app) == [t for t in ORDER if t != "اخبار فناوری"]
        assert inbox.filters.unread_only
        await pilot.press("u", "m")  # messengers: bale, eitaa, rubika, splus, telegram
        assert inbox.filters.messengers == {"bale"}
        assert titles(app) == ["سارا کریمی", "Maryam"]
        await pilot.press("m", "m", "m", "m")
        assert inbox.filters.messengers == {"telegram"}
        assert titles(app) == ["Sara Karimi", "Payam dev 🛠", "Old friend"]
        await pilot.press("m")
        assert not inbox.filters.messengers
        await pilot.press("tab")  # accounts, sorted: bale:shop first
        assert inbox.filters.accounts == {"bale:shop"}
        assert "account bale:shop" in screen_rows(app)[0]
        await pilot.press("escape")
        assert titles(app) == ORDER
        assert inbox.filters.accounts == frozenset()


async def test_type_to_filter_folds_persian_spellings_and_escape_clears(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        await pilot.press("f")
        assert inbox.filter_editor.has_focus
        # Arabic KAF and YEH, as an Arabic keyboard types them, find "کریمی".
        await pilot.press(*"كريمي")
        await pilot.pause()
        assert titles(app) == ["سارا کریمی"]
        await pilot.press("enter")  # back to the list, the filter kept
        assert inbox.inbox_list.has_focus and titles(app) == ["سارا کریمی"]
        await pilot.press("enter")
        await ready(pilot)
        assert isinstance(app.screen, ConversationScreen) and app.screen.chat_id == "21"
        await pilot.press("escape")
        await ready(pilot)
        assert titles(app) == ["سارا کریمی"]  # still filtered after the chat
        await pilot.press("escape", "f", *"@sara_k")
        await pilot.pause()
        assert titles(app) == ["Sara Karimi"]  # @username matches too
        await pilot.press("escape")
        assert titles(app) == ORDER
        assert not inbox.query_one("#inbox-filter-bar").display


async def test_next_unread_wraps_and_skips_read_chats(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        seen = []
        for _ in range(8):
            await pilot.press("n")
            seen.append(inbox.inbox_list.selected.title)  # type: ignore[union-attr]
        # The channel (own post, nothing unread) is skipped; after the last it wraps.
        assert "اخبار فناوری" not in seen
        assert seen[:7] == [t for t in ORDER[1:] if t != "اخبار فناوری"] + [ORDER[0]]


async def test_open_and_back_keep_the_selection(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "down")
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        assert inbox.inbox_list.selected_key == ("eitaa:news", "-200")
        await pilot.press("l")
        await ready(pilot)
        assert isinstance(app.screen, ConversationScreen)
        await pilot.press("escape")
        await ready(pilot)
        assert app.screen is inbox
        assert inbox.inbox_list.selected_key == ("eitaa:news", "-200")


async def test_opening_reads_the_chat_and_the_counts_follow(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("k", "j", "j")  # to the Bale chat with 3 unread
        await pilot.press("enter")
        await ready(pilot)
        await pilot.press("escape")
        await ready(pilot)
        entry = app.service.chat("bale:shop", "21")
        assert entry is not None and entry.unread == 0
        assert screen_rows(app)[-2].rstrip().endswith("6 unread · bidi app")


async def test_a_click_opens_the_chat_under_the_mouse(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        # The list starts on row 1 of the screen; each chat has two lines.
        assert await pilot.click(InboxList, offset=(10, 5))
        await ready(pilot)
        assert isinstance(app.screen, ConversationScreen)
        assert (app.screen.account, app.screen.chat_id) == ("bale:shop", "21")


async def test_live_updates_keep_the_selected_chat(tmp_path: Path) -> None:
    db = seed(tmp_path / "data" / "payam.db")
    app = make_app(tmp_path, watch_interval_s=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        inbox.inbox_list.select_key(("bale:shop", "22"))  # Maryam, row 6
        await pilot.pause()
        # Another process (payam tail, a second TUI) stores a new message in Old friend's chat.
        other = Store(db)
        old = _chat("13", "Old friend", user="old_friend")
        event = _msg(old, 9, NOW + timedelta(minutes=1), "Still there?", SARA_FA)
        other.apply_batch("telegram:me", Batch((event,), "99"), now=NOW)
        other.close()
        for _ in range(100):
            await pilot.pause(0.05)
            if titles(app)[1] == "Old friend":
                break
        assert titles(app)[1] == "Old friend"
        assert inbox.inbox_list.selected_key == ("bale:shop", "22")
        assert inbox.inbox_list.cursor == 7


async def test_empty_state_teaches_how_to_get_started(tmp_path: Path) -> None:
    app = make_app(tmp_path, seeded=False)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        text = "\n".join(screen_rows(app))
    for needed in (
        "No chats yet",
        "@BotFather",
        "/newbot",
        "@botfather inside Bale",
        "bot-maker",
        "eitaayar.ir",
        "--channel @mychannel",
        "^a opens Accounts",
        "payam account add telegram me",
        "must /start your bot",
        "privacy mode",
        "/setprivacy",
    ):
        assert needed in text, needed


async def test_hostile_titles_and_previews_are_inert(tmp_path: Path) -> None:
    evil = _chat("666", "\x1b]0;pwned\x07[bold red]boss[/] \u202etxt.exe", user="evil")
    events = [_msg(evil, 1, NOW, "[@click=app.quit]click me[/] \x1b[2J\x9b31m", SARA_FA)]
    seed(tmp_path / "data" / "payam.db", {"telegram:me": events})
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 12)) as pilot:
        await ready(pilot)
        rows = screen_rows(app)
        text = "\n".join(rows)
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
        assert "[bold red]boss[/]" in text  # markup shown as the text it is
        assert "[@click=app.quit]click me[/]" in text
        assert "␛" in text
        await pilot.click(InboxList, offset=(30, 2))  # the preview line: no action runs
        await pilot.press("escape")
        await ready(pilot)
        assert app.is_running


async def test_until_the_user_moves_the_cursor_stays_on_the_newest_chat(tmp_path: Path) -> None:
    db = seed(tmp_path / "data" / "payam.db")
    app = make_app(tmp_path, watch_interval_s=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await app.service.set_chat_state("rubika:family", "g31", pinned=False)
        await ready(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        assert titles(app)[0] == "Sara Karimi" and inbox.inbox_list.cursor == 0
        other = Store(db)
        old = _chat("13", "Old friend", user="old_friend")
        event = _msg(old, 9, NOW + timedelta(minutes=1), "Still there?", SARA_FA)
        other.apply_batch("telegram:me", Batch((event,), "99"), now=NOW)
        other.close()
        for _ in range(100):
            await pilot.pause(0.05)
            if titles(app)[0] == "Old friend":
                break
        assert titles(app)[0] == "Old friend"
        assert inbox.inbox_list.selected_key == ("telegram:me", "13")  # the top row, still
