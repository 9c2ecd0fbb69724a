"""The app over the REAL served mocks (loopback HTTP, real adapters, real SQLite): history
fetched at start shows up but is not announced; a message a user writes while Payam runs
appears in the inbox, keeps the selection, and is announced."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.mock import ThreadedMockServer
from tests.cli.mockkit import MockKit, until
from tests.tui.screen import screen_rows
from tests.tui.shellkit import DECISION, config
from tui.app import PayamApp
from tui.engine.clock import SystemClock
from tui.engine.service import Service, ServiceOptions
from tui.screens.inbox import InboxScreen


class Ahead(SystemClock):
    """The service's clock a minute ahead: whatever the mock dated "now" is history."""

    def now(self) -> datetime:
        return super().now() + timedelta(minutes=1)


@pytest.fixture
def mocks() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=31) as server:
        kit = MockKit(server)
        yield kit
        kit.close()


async def test_history_is_quiet_and_live_messages_are_announced(
    tmp_path: Path, mocks: MockKit
) -> None:
    token = mocks.bot("telegram", "Friend Bot", "friend_bot")
    mocks.inbound("telegram", token, "from yesterday", sender="Sara")
    mocks.inbound("telegram", token, "سلام از قبل", sender="Reza")
    service = Service(
        tmp_path / "data" / "payam.db",
        [mocks.parts("telegram", "me", token)],
        options=ServiceOptions(lock_dir=tmp_path / "locks", clock=Ahead()),
    )
    announced: list[Any] = []

    def hook(message: Any) -> None:
        if isinstance(message, PayamApp.Announced):
            announced.append(message)

    app = PayamApp(service, config(tmp_path, keys_of=["telegram:me"]), bidi_decision=DECISION)
    async with app.run_test(size=(100, 20), message_hook=hook) as pilot:

        def titles() -> list[str]:
            screen = app.screen
            return (
                [r.title for r in screen.inbox_list.rows] if isinstance(screen, InboxScreen) else []
            )

        await until(lambda: len(titles()) == 2, "the history in the inbox")
        await pilot.pause()
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        inbox.inbox_list.select_key(("telegram:me", inbox.inbox_list.rows[1].chat_id))
        selected = inbox.inbox_list.selected_key
        await pilot.pause(0.2)
        assert announced == []  # history loaded at start is never announced

        mocks.inbound("telegram", token, "are you there?", sender="Sara")
        await until(lambda: announced, "the live message to be announced")
        await until(lambda: titles()[0] == "Sara", "Sara's chat on top")
        await pilot.pause()
        assert announced[0].item.text == "are you there?"
        assert inbox.inbox_list.selected_key == selected  # the selection stayed on its chat
        assert any("are you there?" in row for row in screen_rows(app))
