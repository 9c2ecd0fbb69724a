"""The app shell: first paint before the slow checks, notifications (only live, incoming,
unmuted, not in front of the user), search → chat, files and links opened without a shell,
themes, and the command palette's actions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from tests.tui.screen import screen_rows
from tests.tui.shellkit import NOW, SARA_FA, _chat, _msg, make_app, ready, seed
from tui import app as app_module
from tui import opener
from tui.app import PayamApp
from tui.engine.service_types import InboxChanged, MessagesChanged, StoreChecked
from tui.notify import Notifier, desktop_argv, fill
from tui.screens.conversation import ConversationScreen
from tui.screens.inbox import InboxScreen
from tui.screens.search import SearchScreen
from tui.settings.schema import AccountConfig, NotificationsConfig
from tui.widgets.conversation import ConversationView


def collect(kind: type[Message]) -> tuple[list[Any], Any]:
    found: list[Any] = []

    def hook(message: Message) -> None:
        if isinstance(message, kind):
            found.append(message)

    return found, hook


async def test_slow_checks_run_after_the_first_paint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    app.config = replace(app.config, accounts=(AccountConfig("telegram", "me"),))
    app._check_keyring = True
    seen: list[tuple[str, bool]] = []

    def painted() -> bool:
        screen = app.screen
        return isinstance(screen, InboxScreen) and bool(screen.inbox_list._cache)

    check_store = app.service.check_store

    async def recording_check() -> list[str]:
        seen.append(("store", painted()))
        return await check_store()

    def recording_keyring(allow_insecure: bool = False) -> Any:
        from tui.settings.keyrings import KeyringStatus

        seen.append(("keyring", painted()))
        return KeyringStatus("test.Keyring", True, "accepted")

    monkeypatch.setattr(app.service, "check_store", recording_check)
    monkeypatch.setattr("tui.settings.keyrings.check_keyring_backend", recording_keyring)
    notices, hook = collect(PayamApp.ServiceNotice)
    async with app.run_test(message_hook=hook) as pilot:
        await ready(pilot)
    assert sorted(seen) == [("keyring", True), ("store", True)]
    assert any(isinstance(m.notice, StoreChecked) for m in notices)
    assert app.keyring_status is not None and app.keyring_status.accepted


async def test_only_live_incoming_messages_of_unmuted_background_chats_are_announced(
    tmp_path: Path,
) -> None:
    announced, hook = collect(PayamApp.Announced)
    app = make_app(tmp_path)
    async with app.run_test(message_hook=hook) as pilot:
        await ready(pilot)

        async def notice(account: str, chat: str, *, live: bool, incoming: bool) -> None:
            changed = MessagesChanged(account, chat, ("9",), live=live, incoming=incoming)
            app.post_message(PayamApp.ServiceNotice(changed))
            await ready(pilot)

        await notice("bale:shop", "21", live=False, incoming=True)  # history at start
        await notice("bale:shop", "21", live=True, incoming=False)  # our own message
        await notice("splus:work", "51", live=True, incoming=True)  # a muted chat
        assert announced == []
        await notice("bale:shop", "21", live=True, incoming=True)
        assert len(announced) == 1
        item = announced[0].item
        assert (item.account, item.chat, item.text) == (
            "bale:shop",
            "سارا کریمی",
            "سلام! سفارشم کی می‌رسه؟",
        )
        assert announced[0].bell
        app.open_chat("bale:shop", "21")
        await ready(pilot)
        await notice("bale:shop", "21", live=True, incoming=True)  # the chat in front of us
        assert len(announced) == 1
        await notice("telegram:me", "11", live=True, incoming=True)  # another chat: yes
        assert len(announced) == 2


async def test_the_command_template_gets_sanitised_arguments_and_no_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evil = _chat("66", "Mallory\x1b]0;x\x07", user="mallory")
    seed(
        tmp_path / "data" / "payam.db",
        {"telegram:me": [_msg(evil, 1, NOW, "-rf /\x1b[2J", SARA_FA)]},
    )
    ran: list[tuple[str, ...]] = []

    async def run_command(argv: tuple[str, ...], timeout_s: float = 10) -> int:
        ran.append(argv)
        return 0

    monkeypatch.setattr(app_module, "run_command", run_command)
    notifier = Notifier(NotificationsConfig(bell=False, command=("note", "{chat}", "{text}")))
    app = make_app(tmp_path, notifier=notifier, accounts={})
    async with app.run_test() as pilot:
        await ready(pilot)
        changed = MessagesChanged("telegram:me", "66", ("1",), live=True, incoming=True)
        app.post_message(PayamApp.ServiceNotice(changed))
        await ready(pilot)
    assert ran == [("note", "Mallory␛]0;x␇", " -rf /␛[2J")]


def test_fill_and_desktop_argv() -> None:
    assert fill(("x", "--title={chat}", "{text}"), {"chat": "-a", "text": "-b"}) == (
        "x",
        "--title=-a",
        " -b",
    )
    linux = desktop_argv("t", "b", platform="linux", which=lambda n: f"/usr/bin/{n}")
    assert linux == ("notify-send", "--app-name=Payam", "--", "t", "b")
    mac = desktop_argv("t", "b", platform="darwin", which=lambda n: "/usr/bin/osascript")
    assert mac is not None and mac[-2:] == ("t", "b") and "display notification" in " ".join(mac)
    assert desktop_argv("t", "b", platform="linux", which=lambda n: None) is None


async def test_search_opens_the_chat_around_the_hit_and_escape_returns(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await ready(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"کتاب", "enter")
        await ready(pilot)
        await pilot.press("enter")
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        assert (screen.account, screen.chat_id) == ("bale:shop", "21")
        hit = await app.service.search("کتاب")
        assert screen.around == hit[0].message.id
        await pilot.press("escape")
        await ready(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_files_and_links_open_with_argv_never_a_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[tuple[str, ...]] = []

    async def run_command(argv: tuple[str, ...], timeout_s: float = 10) -> int:
        ran.append(argv)
        return 0

    monkeypatch.setattr(opener, "run_command", run_command)
    monkeypatch.setattr(opener.sys, "platform", "linux")
    app = make_app(tmp_path)
    path = tmp_path / "a file; rm -rf ~.pdf"
    async with app.run_test() as pilot:
        await ready(pilot)
        app.post_message(ConversationView.OpenAttachment(path, ("xdg-open", str(path))))
        app.post_message(ConversationView.LinkClicked("https://example.com/?q=1&r=2"))
        await ready(pilot)
    assert ran == [("xdg-open", str(path)), ("xdg-open", "https://example.com/?q=1&r=2")]


async def test_themes_light_dark_and_an_unknown_one(tmp_path: Path) -> None:
    app = make_app(tmp_path, theme="payam-light")
    async with app.run_test() as pilot:
        await ready(pilot)
        assert app.theme == "payam-light" and not app.current_theme.dark
        assert {"payam-dark", "payam-light"} <= set(app.available_themes)
        assert app.get_css_variables()["badge-telegram"]
    app = make_app(tmp_path / "other", theme="no-such-theme")
    async with app.run_test(notifications=True) as pilot:
        await ready(pilot)
        assert app.theme == "payam-dark" and app.current_theme.dark
        assert any("Unknown theme" in n.message for n in app._notifications)


async def test_the_palette_runs_payam_actions(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await ready(pilot)
        await pilot.press(*"accounts")
        await pilot.pause(0.3)
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await ready(pilot)
        from tui.screens.accounts import AccountsScreen

        assert isinstance(app.screen, AccountsScreen)


async def test_inbox_changes_from_the_service_reload_the_list(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await app.service.set_chat_state("telegram:me", "13", pinned=True)  # → InboxChanged
        await ready(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        assert [r.title for r in inbox.inbox_list.rows][:2] == [
            "خانواده 👨\u200d👩\u200d👧",
            "Old friend",
        ]
        assert "★" in screen_rows(app)[3]
        app.post_message(PayamApp.ServiceNotice(InboxChanged()))
        await ready(pilot)
