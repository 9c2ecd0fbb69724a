"""S3: markup in every text field never becomes markup (security.md §1.3, §5).

Each payload of :data:`~tests.security.display_corpus.MARKUP` (``[link=…]``, ``[@click=…]``,
``[bold]``, unbalanced ``[/]``, ``\\[``, ``[0]``, 1,000-deep nesting…) is put in a chat title,
a sender name, a message body and a file name of the real ``PayamApp`` (Pilot), and in the
error reasons the app quotes in toasts, the status line and the inbox filter. Pass figures:
the app never crashes (a ``MarkupError`` would end ``run_test`` with it); **0** links or
``@click`` actions on screen that are not Payam's own; and what each field shows is
``display_safe(input)`` (cut with an ellipsis where a one-line field is too narrow).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.security.display_app import (
    ACCOUNT,
    actions,
    collect,
    hostile_app,
    hostile_world,
    is_shown_as,
    row_with,
    rows,
    settle,
    shown_after,
    start,
)
from tests.security.display_corpus import MARKUP, canary, corpus, tagged
from tui.app import PayamApp
from tui.engine.service_types import AccountChanged, AccountStatus, GapFound
from tui.screens.conversation import ConversationScreen
from tui.screens.inbox import InboxScreen
from tui.text import display_safe
from tui.widgets.conversation import ConversationView

TEXTS = [text for _, text in MARKUP]
SIZE = (140, 50)
_TIME = re.compile(r"\s*\d{1,2}:\d{2}$")


def expected(index: int, field: str, where: str = "name") -> str:
    return display_safe(tagged(field, index, TEXTS[index]), where)  # type: ignore[arg-type]


async def test_markup_in_titles_names_bodies_and_files_is_shown_as_text(tmp_path: Path) -> None:
    app = hostile_app(tmp_path, hostile_world(TEXTS))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert isinstance(app.screen, InboxScreen)
        inbox = await collect(pilot, "pagedown")
        assert actions(app) == []
        for i in range(len(TEXTS)):
            title = _TIME.sub("", shown_after(row_with(inbox, canary("t", i)), canary("t", i)))
            assert is_shown_as(title, expected(i, "t")), (title, expected(i, "t"))
            preview = shown_after(row_with(inbox, canary("n", i)), canary("n", i))
            body = " ".join(display_safe(f"{canary('b', i)}{TEXTS[i]}").split())
            assert is_shown_as(preview, f"{expected(i, 'n')}: {body}"), preview
        shown = 0
        for i in range(len(TEXTS)):
            app.open_chat(ACCOUNT, f"-{1000 + i}")
            await settle(pilot)
            assert isinstance(app.screen, ConversationScreen)
            screen_rows = rows(app)
            assert actions(app) == []
            title_row = row_with(screen_rows, canary("t", i))
            assert is_shown_as(shown_after(title_row, canary("t", i)), expected(i, "t"))
            header = shown_after(row_with(screen_rows, canary("n", i)), canary("n", i))
            assert is_shown_as(header, expected(i, "n")), (header, expected(i, "n"))
            file_row = row_with(screen_rows, canary("f", i))
            name = shown_after(file_row, canary("f", i)).split(" (", 1)[0]
            assert is_shown_as(name, expected(i, "f") + ".txt") or name.endswith("…")
            assert body_shown(app, screen_rows, i)
            shown += 1
            await pilot.press("escape")
            await settle(pilot)
    assert shown == len(TEXTS)


def body_shown(app: PayamApp, screen_rows: list[str], index: int) -> bool:
    """The body's rows, joined, are ``display_safe(body)``: all of it, or its first part
    followed by the "⋯ more" row (a long body is laid out in part until the reader asks)."""
    view = app.screen.query_one(ConversationView)
    inner = view.scrollable_content_region.width - 2
    body = display_safe(f"{canary('b', index)}{TEXTS[index]}").replace(" ", "")
    start = next(k for k, r in enumerate(screen_rows) if r[1:].startswith(canary("b", index)))
    joined = ""
    for row in screen_rows[start:]:
        piece = row[1 : 1 + inner].rstrip().replace(" ", "")
        if not piece or not body.startswith(joined + piece):
            return joined == body or piece.startswith("⋯")
        joined += piece
    return joined == body


async def test_markup_in_search_results_and_the_palette(tmp_path: Path) -> None:
    from tui.screens.search import SearchScreen

    app = hostile_app(tmp_path, hostile_world(TEXTS, files=False))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.push_screen(SearchScreen(app.service, formatter=app.formatter, query="QB00"))
        await settle(pilot)
        found = await collect(pilot, "pagedown")
        assert actions(app) == []
        tags = [canary("b", i) for i in range(len(TEXTS))]
        hits = {c for c in tags if any(c in r for r in found)}
        assert len(hits) >= 10  # the first page of hits, at least
        for i in range(len(TEXTS)):
            if canary("b", i) in hits:
                header = shown_after(row_with(found, canary("t", i)), canary("t", i))
                want = f"{expected(i, 't')} · {expected(i, 'n')} · "
                if header.endswith("…"):
                    assert want.startswith(header[:-1]) or header[:-1].startswith(want)
                else:
                    assert header.startswith(want), (header, want)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        for char in "QT000":
            await pilot.press(char)
        await settle(pilot)
        assert actions(app) == []
        assert any(canary("t", 0) in r for r in rows(app))


async def test_markup_in_reasons_toasts_status_and_filter(tmp_path: Path) -> None:
    app = hostile_app(tmp_path, hostile_world(TEXTS[:2], files=False))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start(pilot)
        for i, text in enumerate(TEXTS):
            reason = tagged("x", i, text)
            app.router.route(GapFound(ACCOUNT, reason))
            status = AccountStatus(ACCOUNT, "telegram", "me", "stopped", reason=reason)
            app.router.route(AccountChanged(status))
            app.notify(reason, title=reason)  # a caller that forgot markup=False
        await settle(pilot)
        for note in app._notifications:
            assert note.markup is False
            assert note.message == display_safe(note.message)
        assert actions(app) == []
        shown = "\n".join(rows(app))
        # The newest toasts are on screen, the markup in them as plain text.
        last = tagged("x", len(TEXTS) - 1, TEXTS[-1])
        assert display_safe(last)[:40] in shown
        # The inbox filter line and the header quoting it (typed, but pasted from anywhere).
        app.screen.action_filter()  # type: ignore[attr-defined]
        await settle(pilot)
        for char in "[@click=app.quit][/]":
            await pilot.press(char)
        await settle(pilot)
        assert any("[@click=app.quit][/]" in r for r in rows(app))
        assert actions(app) == []
        assert app.is_running


async def test_markup_as_notification_command_fields() -> None:
    from tests.tui.shellkit import NOW
    from tui.engine.records import ChatState, InboxEntry
    from tui.notify import Announcement, Notifier, fill
    from tui.settings.schema import NotificationsConfig

    template = ("notify", "{account}", "{chat}", "{sender}: {text}", "-t{text}")
    notifier = Notifier(NotificationsConfig(bell=False, desktop=False, command=template))
    for i, text in enumerate([*TEXTS, *(p.raw for p in corpus())]):
        entry = InboxEntry(
            account=ACCOUNT,
            messenger="telegram",
            chat_id="-1",
            kind="group",
            title=tagged("t", i, text),
            username=None,
            last_ms=int(NOW.timestamp() * 1000),
            unread=1,
            preview=tagged("b", i, text),
            preview_sender=tagged("n", i, text),
            preview_outgoing=False,
            preview_deleted=False,
            state=ChatState(),
            last_message_id=1,
        )
        item = Announcement.from_entry(entry)
        (argv,) = notifier.commands(item, "New message")
        assert argv == fill(template, item.fields())
        for arg, field in zip(argv[1:4], (item.account, item.chat, item.sender), strict=True):
            assert field in arg
        for arg in argv:
            assert display_safe(arg, "name") == arg, arg  # one line, nothing to neutralise
        assert item.chat.startswith(canary("t", i)) and item.sender.startswith(canary("n", i))
