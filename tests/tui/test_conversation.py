"""The conversation screen over the fake source: loading, cursor, actions, live updates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.message import Message

from adapters.models import Sender, Span
from tests.tui.fakes import T0, FakeSource, attachment, caps, message
from tests.tui.harness import ACCOUNT, ConversationApp, demo_source
from tests.tui.screen import screen_rows, settle
from tui.engine.records import ChatState
from tui.screens.conversation import ConversationScreen
from tui.widgets.composer import Composer
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.conversation import ConversationView


def app_for(source: FakeSource, chat: str, **kwargs: Any) -> tuple[ConversationApp, list[Message]]:
    seen: list[Message] = []
    return ConversationApp(source, chat, **kwargs), seen


def of(seen: list[Message], kind: type[Message]) -> list[Any]:
    return list({id(m): m for m in seen if isinstance(m, kind)}.values())


def view(app: ConversationApp) -> ConversationView:
    return app.screen.query_one(ConversationView)


def chat_source(messages: list[Any], **changes: Any) -> FakeSource:
    source = FakeSource(**changes)
    source.add_chat(ACCOUNT, "c1", messages, title="Chat")
    return source


async def test_opening_loads_the_newest_page_and_marks_it_read() -> None:
    app, seen = app_for(demo_source(), "rtl")
    async with app.run_test(size=(80, 34), message_hook=seen.append) as pilot:
        await settle(pilot)
        v = view(app)
        assert app.source.called("page") == [{"before": None, "after": None, "limit": 50}]
        assert v.cursor_id == 6  # the newest message
        assert app.source.called("mark_read") == [{"up_to": 6}]
        rows = screen_rows(app)
        assert any("Sat 21 Jun 2025" in r for r in rows)  # a day separator
        assert any("message deleted" in r for r in rows)
        assert any("edited" in r for r in rows)
        assert any("✗ failed" in r for r in rows) and any("R resend" in r for r in rows)
        assert any("▸ " in r and "120.6 KB" in r for r in rows)


async def test_cursor_moves_and_message_actions_follow_capabilities() -> None:
    messages = [message(1, "theirs"), message(2, "mine", outgoing=True, delivery="sent")]
    app, seen = app_for(chat_source(messages, capability=caps(edit=False)), "c1")
    async with app.run_test(size=(60, 20), message_hook=seen.append) as pilot:
        await settle(pilot)
        v = view(app)
        assert v.cursor_id == 2
        await pilot.press("e")  # the messenger cannot edit: the binding is hidden
        await pilot.press("k")
        assert v.cursor_id == 1
        await pilot.press("e")  # not own
        await pilot.press("j", "j")
        assert v.cursor_id == 2
        assert of(seen, ConversationView.EditRequested) == []
        assert v.check_action("edit", ()) is False
        assert v.check_action("reply", ()) is True


async def test_reply_sends_with_the_messenger_id_and_shows_the_echo() -> None:
    messages = [message(1, "سوال دارم", msg_id="m1")]
    source = chat_source(messages)
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(60, 20), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("r")
        for ch in "جواب":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(pilot)
        assert source.called("send_text")[0] == {"text": "جواب", "reply_to": "m1", "options": None}
        rows = screen_rows(app)
        assert any("◷ queued" in r for r in rows)
        assert any("┃ " in r and "ﻝﺍﻮﺳ" in r for r in rows)  # the quote of «سوال دارم»
        assert app.screen.query_one(Composer).text == ""
        assert source.states[(ACCOUNT, "c1")].draft == ""


async def test_edit_own_message() -> None:
    source = chat_source([message(1, "قبلی", outgoing=True, delivery="sent")])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(60, 20), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.press("!")
        await pilot.press("enter")
        await settle(pilot)
        assert source.called("edit") == [{"message": 1, "text": "قبلی!"}]
        assert any("edited" in r for r in screen_rows(app))


async def test_delete_asks_first() -> None:
    source = chat_source([message(1, "پاک کن")])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(60, 20), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert source.called("delete") == []
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert source.called("delete") == [{"message": 1}]
        assert any("message deleted" in r for r in screen_rows(app))


async def test_copy_puts_the_logical_sanitised_text_on_the_clipboard() -> None:
    source = chat_source([message(1, "سلام \x1b[2J دنیا")])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(60, 20), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard == "سلام ␛[2J دنیا"  # logical order, never presentation forms


async def test_direction_override_cycles_and_is_saved() -> None:
    source = chat_source([message(1, "Hello there")])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(40, 12), message_hook=seen.append) as pilot:
        await settle(pilot)
        before = next(r for r in screen_rows(app) if "Hello" in r)
        await pilot.press("t")
        await settle(pilot)
        after = next(r for r in screen_rows(app) if "Hello" in r)
        assert before[1:].startswith("Hello")
        assert after.rstrip().endswith("Hello there")  # forced RTL: right-aligned
        assert after.index("Hello") > before.index("Hello")
        assert source.called("set_chat_state")[-1] == {"direction": "rtl"}
        await pilot.press("t", "t", "t")
        await settle(pilot)
        assert source.called("set_chat_state")[-1] == {"direction": None}  # back to auto


async def test_saved_direction_and_draft_come_back() -> None:
    source = chat_source([message(1, "Hello")])
    source.states[(ACCOUNT, "c1")] = ChatState(direction="rtl", draft="پیش‌نویس")
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(40, 12), message_hook=seen.append) as pilot:
        await settle(pilot)
        assert view(app).direction == "rtl"
        composer = app.screen.query_one(Composer)
        assert composer.text == "پیش‌نویس"
        await pilot.press("i")
        await pilot.press("!")
        await settle(pilot)
        assert source.states[(ACCOUNT, "c1")].draft == "پیش‌نویس!"


async def test_enter_on_a_reply_jumps_to_the_quoted_message() -> None:
    messages = [message(1, "اول", msg_id="a"), message(2, "دوم", msg_id="b", reply_to="a")]
    app, seen = app_for(chat_source(messages), "c1")
    async with app.run_test(size=(60, 20), message_hook=seen.append) as pilot:
        await settle(pilot)
        assert view(app).cursor_id == 2
        await pilot.press("enter")
        assert view(app).cursor_id == 1


async def test_a_reply_to_an_unloaded_message_loads_around_it() -> None:
    source = demo_source()
    data = source.chats[(ACCOUNT, "big")]
    data.replace(message(100_000, "answer", msg_id="100000", reply_to="42", chat_id="big"))
    app, seen = app_for(source, "big")
    async with app.run_test(size=(70, 20), message_hook=seen.append) as pilot:
        await settle(pilot)
        v = view(app)
        assert source.called("message")[0] == {"msg_id": "42"}  # the quote's preview
        assert any("┃ " in r and "41#" in r for r in screen_rows(app))  # UBA: "#41" after Persian
        await pilot.press("enter")
        await settle(pilot)
        assert source.called("page_around")[-1]["msg_id"] == "42"
        assert v.cursor_id == 42
        assert v.cursor_message is not None and v.cursor_message.text.endswith("#41")


async def test_download_with_progress_then_open(tmp_path: Any) -> None:
    source = chat_source([message(1, "فایل", attachments=(attachment(9, "سند.pdf", 4000),))])
    source.downloads_dir = tmp_path
    progress: list[tuple[int, int]] = []
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(70, 20), message_hook=seen.append) as pilot:
        await settle(pilot)
        v = view(app)
        original = v.set_progress
        v.set_progress = lambda a, d, t: (progress.append((d, t)), original(a, d, t))  # type: ignore[method-assign]
        await pilot.press("o")
        await settle(pilot)
        assert progress == [(1000, 4000), (2000, 4000), (4000, 4000)]
        assert any("saved · o open" in r for r in screen_rows(app))
        opened = [e for e in app.opened if isinstance(e, ConversationView.OpenAttachment)]
        assert opened and opened[0].argv == ("xdg-open", str((tmp_path / "سند.pdf").resolve()))


async def test_clicking_a_link_posts_its_url_and_nothing_else() -> None:
    text = "read the docs please"
    spans = (
        Span(9, 13, "link", url="https://example.com/d"),
        Span(0, 4, "link", url="javascript:x"),
    )
    source = chat_source([message(1, text, spans=spans)])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(60, 12), message_hook=seen.append) as pilot:
        await settle(pilot)
        rows = screen_rows(app)
        y = next(i for i, r in enumerate(rows) if "read the docs" in r)
        x = rows[y].index("docs")
        await pilot.click(offset=(x + 1, y))
        await pilot.click(offset=(rows[y].index("read") + 1, y))  # not a safe scheme: no action
        await settle(pilot)
        links = [e.url for e in app.opened if isinstance(e, ConversationView.LinkClicked)]
        assert links == ["https://example.com/d"]


async def test_failed_sends_can_be_resent_or_discarded() -> None:
    mine = message(1, "نرفت", outgoing=True, delivery="failed", client_uuid="u1")
    source = chat_source([message(0, "before"), mine])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(60, 16), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert source.called("resend") == [{"client_uuid": "u1"}]
        assert any("◷ queued" in r for r in screen_rows(app))
        await pilot.press("x")
        await settle(pilot)
        assert source.called("discard") == [{"client_uuid": "u1"}]
        assert not any("ﺖﻓﺮﻧ" in r for r in screen_rows(app))
        assert view(app).cursor_id == 0


async def test_gap_markers_and_day_separators() -> None:
    app, seen = app_for(demo_source(), "mixed")
    async with app.run_test(size=(70, 34), message_hook=seen.append) as pilot:
        await settle(pilot)
        rows = screen_rows(app)
        gap = next(i for i, r in enumerate(rows) if "messages may be missing" in r)
        assert any("Python" in r for r in rows[:gap]) and any("Telegram" in r for r in rows[gap:])
        assert any("Sat 21 Jun 2025" in r for r in rows) and any(
            "Sun 22 Jun 2025" in r for r in rows
        )


async def test_live_messages_follow_the_reader_at_the_bottom() -> None:
    source = chat_source([message(i, f"پیام {i}", minutes=i) for i in range(1, 30)])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(50, 16), message_hook=seen.append) as pilot:
        await settle(pilot)
        v = view(app)
        source.chats[(ACCOUNT, "c1")].replace(message(30, "تازه رسید", minutes=40))
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        screen.messages_changed(new=["30"])
        await settle(pilot)
        assert v.cursor_id == 30
        assert any("ﺪﯿﺳﺭ ﻩﺯﺎﺗ" in r for r in screen_rows(app))
        assert source.called("mark_read")[-1] == {"up_to": 30}


async def test_hostile_sender_and_body_are_sanitised() -> None:
    evil = Sender("x", "Bob\x1b]0;pwned\x07\u202eevil", None)
    source = chat_source([message(1, "hi \x9b2J [bold]no[/]", sender=evil, when=T0 + timedelta(1))])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(60, 12), message_hook=seen.append) as pilot:
        await settle(pilot)
        shown = "\n".join(screen_rows(app))
        assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown
        assert "Bob␛]0;pwned␇evil" in shown and "[bold]no[/]" in shown


async def test_an_empty_chat_says_so() -> None:
    app, seen = app_for(chat_source([]), "c1")
    async with app.run_test(size=(50, 12), message_hook=seen.append) as pilot:
        await settle(pilot)
        assert any("No messages yet." in r for r in screen_rows(app))


async def test_a_failing_source_is_reported_not_raised() -> None:
    source = chat_source([message(1, "x")], fail={"page"})
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(50, 12), message_hook=seen.append, notifications=True) as pilot:
        await settle(pilot)
        assert app.is_running
        shown = [" ".join(n.message.split()) for n in app._notifications]  # toasts wrap
        assert any("Could not open the chat" in text for text in shown)


async def test_terminal_bidi_mode_shows_logical_unshaped_text() -> None:
    from tui.widgets.textline import TextSettings

    source = chat_source([message(1, "سلام دنیا"), message(2, "Hello", outgoing=True)])
    app = ConversationApp(source, "c1", settings=TextSettings(mode="terminal"))
    async with app.run_test(size=(40, 14)) as pilot:
        await settle(pilot)
        rows = screen_rows(app)
    body = next(r for r in rows if "سلام" in r)
    assert body.rstrip().endswith("سلام دنیا")  # logical order: the terminal reorders it
    assert not any("ﻡﻼﺳ" in r for r in rows)  # and shapes it: no presentation forms sent


async def test_letters_typed_in_the_composer_are_text_not_keys() -> None:
    source = chat_source([message(1, "x")])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(50, 12), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("i")  # the history has focus: "i" goes to the composer
        for key in ["i", "r", "e", "d", "y", "t", "G"]:
            await pilot.press(key)
        await settle(pilot)
        assert app.screen.query_one(Composer).text == "iredytG"
        assert of(seen, ConversationView.ReplyRequested) == []
        assert source.called("set_chat_state")[-1] == {"draft": "iredytG"}


async def test_leaving_saves_the_draft_at_once() -> None:
    source = chat_source([message(1, "x")])
    app, seen = app_for(source, "c1")
    async with app.run_test(size=(50, 12), message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("i", "a", "b", "escape", "escape")  # to the history, then back
        await pilot.pause()
        assert source.states[(ACCOUNT, "c1")].draft == "ab"
        assert not isinstance(app.screen, ConversationScreen)
