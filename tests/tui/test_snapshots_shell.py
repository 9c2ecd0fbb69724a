"""SVG snapshots of the shell (sync tests: ``snap_compare`` runs the app itself): the inbox at
three sizes and in Persian, the empty inbox, accounts with a rejected token, the add-account
form and its refused-keyring error, and help. Frozen clock and zone, stub accounts, workers
waited for, no cursor blink. Each snapshot that shows Persian text has a FriBidi check of the
rows it shows beside it, so a wrong snapshot cannot be approved by eye."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
from textual.pilot import Pilot
from textual.widgets import Input

from tests.text.oracle import normalise
from tests.tui.oracle_rows import expected_lines, needs_fribidi
from tests.tui.screen import screen_rows
from tests.tui.shellkit import make_app, parts, ready
from tui.app import PayamApp
from tui.screens.inbox import InboxScreen

PERSIAN = {"language": "fa", "digits": "persian", "calendar": "jalali"}


async def settled(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def pressing(*keys: str) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        for key in keys:
            await pilot.press(key)
            await ready(pilot)
        await settled(pilot)

    return run


def test_inbox(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(100, 30), run_before=settled)


def test_inbox_60x20(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(60, 20), run_before=pressing("j"))


def test_inbox_160x50(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(160, 50), run_before=settled)


def test_inbox_persian_ui(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, **PERSIAN)
    assert snap_compare(app, terminal_size=(100, 30), run_before=settled)


def test_empty_inbox_teaches(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, seeded=False)
    assert snap_compare(app, terminal_size=(110, 34), run_before=settled)


def test_accounts_with_a_rejected_token(snap_compare: Any, tmp_path: Path) -> None:
    accounts = {
        "telegram:me": parts("telegram:me"),
        "bale:shop": parts("bale:shop", "bad"),
        "eitaa:news": parts("eitaa:news"),
    }
    app = make_app(tmp_path, accounts=accounts, seeded=False)
    assert snap_compare(app, terminal_size=(100, 24), run_before=pressing("ctrl+a"))


def test_add_account_form(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, accounts={})
    assert snap_compare(app, terminal_size=(100, 34), run_before=pressing("ctrl+a", "a"))


def test_add_account_refused_keyring(snap_compare: Any, tmp_path: Path) -> None:
    from keyring.backends.null import Keyring as NullKeyring

    keyring.set_keyring(NullKeyring())
    app = make_app(tmp_path, accounts={})

    async def run(pilot: Pilot[Any]) -> None:
        await pressing("ctrl+a", "a")(pilot)
        app.paths = _paths(tmp_path)
        screen = app.screen
        screen.query_one("#name", Input).value = "shop"
        screen.query_one("#token", Input).value = "123:abc"
        await pilot.click("#save")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(100, 34), run_before=run)


def test_help(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path)
    assert snap_compare(app, terminal_size=(100, 40), run_before=pressing("question_mark"))


def test_help_persian(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, **PERSIAN)
    assert snap_compare(app, terminal_size=(100, 40), run_before=pressing("f1"))


def _paths(tmp: Path) -> Any:
    from tui.settings.paths import Paths

    return Paths(config_file=tmp / "config.toml", data_dir=tmp / "data")


# --- the same screens against FriBidi -------------------------------------------------------


async def persian_rows_checked(app: PayamApp, size: tuple[int, int]) -> int:
    """Every Persian title and preview the inbox shows matches FriBidi's visual form."""
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        rows = [normalise(r) for r in screen_rows(app)]
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        entries = inbox.inbox_list.rows
        width = inbox.inbox_list.scrollable_content_region.width
    checked = 0
    for entry in entries[: (size[1] - 4) // 2]:
        for text in (entry.title, entry.preview):
            if text.isascii() or any(ord(c) > 0xFFFF for c in text):
                continue
            (visual, _), *_ = expected_lines(text, 200)
            if len(visual) > width // 2:  # cut with an ellipsis at this width
                continue
            assert any(visual in r for r in rows), f"{visual!r} not on screen"
            checked += 1
    return checked


@needs_fribidi
async def test_inbox_rows_match_fribidi(tmp_path: Path) -> None:
    assert await persian_rows_checked(make_app(tmp_path), (100, 30)) >= 6


@needs_fribidi
async def test_small_inbox_rows_match_fribidi(tmp_path: Path) -> None:
    assert await persian_rows_checked(make_app(tmp_path), (60, 20)) >= 4


@needs_fribidi
async def test_persian_ui_rows_match_fribidi(tmp_path: Path) -> None:
    app = make_app(tmp_path, **PERSIAN)
    assert await persian_rows_checked(app, (100, 30)) >= 6


@needs_fribidi
async def test_persian_help_and_empty_state_match_fribidi(tmp_path: Path) -> None:
    from tui.i18n import I18n

    t = I18n("fa")
    app = make_app(tmp_path, seeded=False, language="fa")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        rows = [normalise(r) for r in screen_rows(app)]
    for key in ("empty.title", "empty.splus", "empty.start"):
        (visual, rtl), *_ = expected_lines(t(key), 200)
        assert rtl and any(r.rstrip().endswith(visual) for r in rows), key
