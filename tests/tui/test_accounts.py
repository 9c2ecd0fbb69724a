"""The accounts screen: live statuses, adding (masked token verified with ``me()`` over the
served mock, stored in the keyring, written to the config, started), refusals, removing and
restarting — never a token on screen or in the log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from textual.widgets import Button, Input

from adapters.mock import ThreadedMockServer
from tests.cli.mockkit import MockKit, until
from tests.tui.screen import screen_rows, until_shown
from tests.tui.shellkit import make_app, parts, ready
from tui.app import PayamApp
from tui.screens.accounts import AccountsScreen, RemoveAccountScreen
from tui.screens.add_account import AddAccountScreen
from tui.settings import secrets
from tui.settings.config import load_config
from tui.settings.paths import Paths


@pytest.fixture
def mocks() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=23) as server:
        kit = MockKit(server)
        yield kit
        kit.close()


def with_paths(app: PayamApp, tmp: Path) -> PayamApp:
    """Give the app a config file and data dir of its own (the add/remove flows write)."""
    app.paths = Paths(config_file=tmp / "config.toml", data_dir=tmp / "data")
    return app


async def open_accounts(pilot: Any) -> AccountsScreen:
    await ready(pilot)
    await pilot.press("ctrl+a")
    await ready(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountsScreen)
    return screen


async def fill(pilot: Any, **fields: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, AddAccountScreen)
    for field, value in fields.items():
        screen.query_one(f"#{field}", Input).value = value
    await pilot.pause()


async def test_statuses_are_listed_and_a_rejected_token_is_said(tmp_path: Path) -> None:
    accounts = {"telegram:me": parts("telegram:me"), "bale:shop": parts("bale:shop", "bad")}
    app = make_app(tmp_path, accounts=accounts, seeded=False)  # me() is asked on a new store
    async with app.run_test(size=(100, 20), notifications=True) as pilot:
        await open_accounts(pilot)
        rows = screen_rows(app)
        text = "\n".join(rows)
        assert "bale:shop  (Bale)" in text and "token rejected" in text
        assert "telegram:me  (Telegram)" in text and "polling" in text
        assert "can: receive, edit, delete, files" in text
        assert "Keyring: MemoryKeyring" in rows[0]
        toasts = [n.message for n in app._notifications]
        assert any("bale:shop: token rejected" in m for m in toasts)


async def test_add_verifies_stores_writes_and_starts(tmp_path: Path, mocks: MockKit) -> None:
    token = mocks.bot("telegram", "Shop Bot", "shop_bot")
    app = with_paths(make_app(tmp_path, accounts={}), tmp_path)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await open_accounts(pilot)
        await pilot.press("a")
        await ready(pilot)
        assert isinstance(app.screen, AddAccountScreen)
        assert app.screen.query_one("#token", Input).password  # typed masked
        await fill(pilot, name="shop", base_url=mocks.base("telegram"), token=token)
        assert token not in "\n".join(screen_rows(app))
        await pilot.click("#save")
        await until(lambda: isinstance(app.screen, AccountsScreen), "the form to close")
        await until(
            lambda: app.service.account_status("telegram:shop").state == "polling", "polling"
        )
        await ready(pilot)
        assert "telegram:shop" in "\n".join(screen_rows(app))
    assert keyring.get_password(secrets.SERVICE, "telegram:shop") == token
    config = load_config(tmp_path / "config.toml")
    added = config.account("telegram:shop")
    assert added is not None and added.base_url == mocks.base("telegram")
    assert token not in (tmp_path / "config.toml").read_text()


async def test_a_rejected_token_stores_nothing(tmp_path: Path, mocks: MockKit) -> None:
    mocks.bot("telegram")
    app = with_paths(make_app(tmp_path, accounts={}), tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_accounts(pilot)
        await pilot.press("a")
        await ready(pilot)
        await fill(pilot, name="shop", base_url=mocks.base("telegram"), token="123:not-a-token")
        await pilot.click("#save")
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, AddAccountScreen)
        text = "\n".join(screen_rows(app))
        assert "rejected the token; nothing was stored" in text
        assert screen.query_one("#token", Input).value == ""  # the field was cleared
    assert keyring.get_password(secrets.SERVICE, "telegram:shop") is None
    assert not (tmp_path / "config.toml").exists()


async def test_a_refused_keyring_is_said_before_anything_is_sent(
    tmp_path: Path, mocks: MockKit
) -> None:
    from keyring.backends.null import Keyring as NullKeyring

    keyring.set_keyring(NullKeyring())
    app = with_paths(make_app(tmp_path, accounts={}), tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_accounts(pilot)
        assert "Keyring refused" in screen_rows(app)[0]
        await pilot.press("a")
        await ready(pilot)
        await fill(pilot, name="shop", base_url=mocks.base("telegram"), token="42:secret-value")
        await pilot.click("#save")
        await ready(pilot)
        assert "The keyring was refused" in "\n".join(screen_rows(app))
    assert mocks.requests("telegram", "42:secret-value") == []


async def test_form_errors_name_the_field(tmp_path: Path) -> None:
    app = with_paths(make_app(tmp_path, accounts={}), tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_accounts(pilot)
        await pilot.press("a")
        await ready(pilot)
        await fill(pilot, name="has space", token="x")
        app.screen.query_one("#save", Button).press()
        await until_shown(pilot, lambda: "is not an account name" in "\n".join(screen_rows(app)))
        assert app.screen.query_one("#name", Input).has_focus
        await fill(pilot, name="shop", token="", token_command="")
        app.screen.query_one("#save", Button).press()
        wanted = "Type the token, or give a token command."
        await until_shown(pilot, lambda: wanted in "\n".join(screen_rows(app)))
        await pilot.press("escape")
        assert isinstance(app.screen, AccountsScreen)


@pytest.mark.parametrize("forget", [False, True])
async def test_remove_asks_then_removes_config_token_and_maybe_history(
    tmp_path: Path, forget: bool
) -> None:
    app = with_paths(make_app(tmp_path), tmp_path)
    (tmp_path / "config.toml").write_text(
        '[[accounts]]\nmessenger = "bale"\nname = "shop"\n', encoding="utf-8"
    )
    keyring.set_password(secrets.SERVICE, "bale:shop", "111:token")
    app.config = load_config(tmp_path / "config.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_accounts(pilot)
        assert screen.accounts_list.selected is not None
        assert screen.accounts_list.selected.key == "bale:shop"
        await pilot.press("d")
        await ready(pilot)
        assert isinstance(app.screen, RemoveAccountScreen)
        await pilot.click("#forget" if forget else "#keep")
        await ready(pilot)
        assert "bale:shop" not in app.service.runners
        chats = {r.account for r in app.service.inbox()}
        assert ("bale:shop" in chats) is not forget
    assert load_config(tmp_path / "config.toml").account("bale:shop") is None
    assert keyring.get_password(secrets.SERVICE, "bale:shop") is None


async def test_remove_can_be_cancelled(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_accounts(pilot)
        await pilot.press("d")
        await ready(pilot)
        await pilot.press("enter")  # Cancel has the focus
        await ready(pilot)
        assert isinstance(app.screen, AccountsScreen)
        assert "bale:shop" in app.service.runners


async def test_restart_sets_the_account_up_again(tmp_path: Path) -> None:
    app = make_app(tmp_path, accounts={"telegram:me": parts("telegram:me")})
    async with app.run_test(size=(100, 20)) as pilot:
        await open_accounts(pilot)
        before = app.service.runners["telegram:me"]
        await pilot.press("r")
        await ready(pilot)
        assert app.service.runners["telegram:me"] is not before
        assert app.service.account_status("telegram:me").state == "polling"
