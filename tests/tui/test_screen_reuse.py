"""The one kept conversation screen (``PayamApp.open_chat``): a later open shows the other
chat in it, with nothing of the chat before (messages, composer, title); while one of its
workers still runs, a new screen is built instead, and that one is right too."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.tui.screen import screen_rows, until_shown
from tests.tui.shellkit import make_app, ready
from tui.app import PayamApp
from tui.screens.conversation import ConversationScreen
from tui.widgets.conversation import ConversationView
from tui.widgets.safe import SafeLabel

A = ("telegram:me", "11")  # Sara Karimi: "Hi! Did the books arrive?", "Are we still on..."
B = ("bale:shop", "21")  # سارا کریمی: "سلام!", "کتاب‌ها رسید", ...
C = ("splus:work", "51")  # Reza رضا: "فایل گزارش را فرستادم (report.pdf)"
A_TEXTS = {"Hi! Did the books arrive?", "Are we still on for tomorrow?"}
B_TEXTS = {"سلام!", "کتاب‌ها رسید", "سلام! سفارشم کی می‌رسه؟"}


def chat_screen(app: PayamApp) -> ConversationScreen:
    screen = app.screen
    assert isinstance(screen, ConversationScreen)
    return screen


def texts(screen: ConversationScreen) -> set[str]:
    return {m.text for m in screen.query_one(ConversationView).window.messages}


def title(screen: ConversationScreen) -> str:
    label = screen.query_one("#conversation-title", SafeLabel)
    return str(label.text)


async def open_chat(pilot: Any, key: tuple[str, str]) -> ConversationScreen:
    app = pilot.app
    app.open_chat(*key)
    await until_shown(
        pilot,
        lambda: (
            isinstance(app.screen, ConversationScreen)
            and (app.screen.account, app.screen.chat_id) == key
        ),
    )
    await ready(pilot)
    return chat_screen(app)


async def test_a_reused_screen_shows_the_new_chat_and_nothing_of_the_old(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        first = await open_chat(pilot, A)
        assert texts(first) == A_TEXTS
        await pilot.press("i")  # into the composer
        await pilot.press(*"draft of A")
        await ready(pilot)
        assert first.composer.text == "draft of A"
        await pilot.press("escape", "escape")
        await ready(pilot)
        assert not isinstance(app.screen, ConversationScreen)
        state = await app.service.chat_state(*A)
        assert state.draft == "draft of A"

        second = await open_chat(pilot, B)
        assert second is first  # the kept screen, reused
        assert texts(second) == B_TEXTS
        assert second.composer.text == ""
        assert title(second) == "سارا کریمی"
        shown = "\n".join(screen_rows(app))
        assert "books" not in shown and "tomorrow" not in shown
        assert "draft of A" not in shown

        await pilot.press("escape")
        await ready(pilot)
        again = await open_chat(pilot, A)
        assert again is first
        assert texts(again) == A_TEXTS
        assert again.composer.text == "draft of A"
        assert title(again) == "Sara Karimi"
        assert "books" in "\n".join(screen_rows(app))


async def test_a_screen_with_a_running_worker_is_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        kept = await open_chat(pilot, A)
        await pilot.press("escape")
        await ready(pilot)
        inbox = app.screen
        assert kept.reusable

        # Opening B in the kept screen stalls on a slow store: its open worker keeps running.
        gate = asyncio.Event()
        page = app.service.page

        async def slow_page(account: str, chat_id: str, **kw: Any) -> Any:
            if (account, chat_id) == B:
                await gate.wait()
            return await page(account, chat_id, **kw)

        monkeypatch.setattr(app.service, "page", slow_page)
        app.open_chat(*B)
        await pilot.pause()
        assert not kept.reusable
        assert app.screen is inbox  # not pushed before its first page (SHOW_AFTER_S)

        app.open_chat(*C)  # meanwhile, another chat: a new screen
        await until_shown(pilot, lambda: app.screen is not inbox)
        fresh = chat_screen(app)
        assert fresh is not kept
        gate.set()
        await ready(pilot)
        # The late first page of B does not push the kept screen over the new one.
        assert app.screen is fresh
        assert kept not in app.screen_stack
        assert (fresh.account, fresh.chat_id) == C
        assert texts(fresh) == {"فایل گزارش را فرستادم (report.pdf)"}
        assert title(fresh) == "Reza رضا"
        assert fresh.composer.text == ""


async def test_while_the_new_chat_loads_nothing_of_the_old_one_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        kept = await open_chat(pilot, A)
        await pilot.press("i", *"draft of A", "escape", "escape")
        await ready(pilot)
        gate = asyncio.Event()
        page = app.service.page

        async def slow_page(account: str, chat_id: str, **kw: Any) -> Any:
            if (account, chat_id) == B:
                await gate.wait()
            return await page(account, chat_id, **kw)

        monkeypatch.setattr(app.service, "page", slow_page)
        app.open_chat(*B)
        # A slow store: the screen is pushed after SHOW_AFTER_S, before B's first page.
        await until_shown(pilot, lambda: app.screen is kept)
        await pilot.pause()
        assert texts(kept) == set()
        assert kept.composer.text == ""
        assert title(kept) == "سارا کریمی"
        shown = "\n".join(screen_rows(app))
        assert "books" not in shown and "draft of A" not in shown
        gate.set()
        await ready(pilot)
        assert texts(kept) == B_TEXTS
