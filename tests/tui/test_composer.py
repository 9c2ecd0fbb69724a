"""The composer and its editor, driven by keys through Textual (Pilot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.message import Message

from tests.tui.fakes import caps, message
from tests.tui.screen import screen_rows, settle
from tui.widgets.composer import Composer
from tui.widgets.composer_parts import SendOptionsScreen, complete_path, edit_externally
from tui.widgets.editor import BidiEditor
from tui.widgets.safe import SafeLabel


class ComposerApp(App[None]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        self.kwargs = kwargs
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield Composer(**self.kwargs)

    def on_mount(self) -> None:
        self.query_one(Composer).focus_editor()


def posted(app: ComposerApp, kind: type[Message]) -> list[Any]:
    """Messages of ``kind`` posted, each once (the hook sees a message at every node it
    bubbles through)."""
    unique = {id(m): m for m in app.posted if isinstance(m, kind)}
    return list(unique.values())


def run(app: ComposerApp, size: tuple[int, int] = (60, 10)) -> Any:
    return app.run_test(size=size, message_hook=app.posted.append)


async def type_text(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def test_typing_persian_and_english_keeps_the_text_logical() -> None:
    app = ComposerApp(capabilities=caps())
    async with run(app) as pilot:
        await type_text(pilot, "سلام Hello")
        editor = app.query_one("#composer-input", BidiEditor)
        assert editor.text == "سلام Hello"
        row = screen_rows(app)[1]
        assert row.rstrip().endswith("Hello ﻡﻼﺳ")  # an RTL paragraph: English on the left


async def test_zwnj_from_a_persian_layout_is_inserted() -> None:
    app = ComposerApp()
    async with run(app) as pilot:
        await type_text(pilot, "می")
        # What a Persian layout's Shift+Space sends: U+200C as text. Parse it as Textual would.
        for event in XTermParser().feed("\u200c"):
            assert isinstance(event, events.Key) and event.character == "\u200c"
            assert not event.is_printable  # why Textual's own Input drops it
            app.query_one("#composer-input").post_message(event)
        await pilot.pause()
        await type_text(pilot, "خواهم")
        assert app.query_one(Composer).text == "می\u200cخواهم"


@pytest.mark.parametrize("key", ["ctrl+space", "ctrl+@", "shift+space"])
async def test_zwnj_fallback_keys(key: str) -> None:
    app = ComposerApp()
    async with run(app) as pilot:
        await type_text(pilot, "کتاب")
        await pilot.press(key)
        await type_text(pilot, "ها")
        assert app.query_one(Composer).text == "کتاب\u200cها"


async def test_enter_sends_and_ctrl_j_breaks_the_line() -> None:
    app = ComposerApp(capabilities=caps())
    async with run(app) as pilot:
        await type_text(pilot, "سطر")
        await pilot.press("ctrl+j")
        await type_text(pilot, "line")
        await pilot.press("enter")
        await pilot.pause()
        sent = posted(app, Composer.SendText)
        assert [(s.text, s.reply_to, s.options) for s in sent] == [("سطر\nline", None, None)]
        # The text stays until the screen says the service took it.
        assert app.query_one(Composer).text == "سطر\nline"
        app.query_one(Composer).sent()
        assert app.query_one(Composer).text == ""


async def test_empty_enter_sends_nothing() -> None:
    app = ComposerApp()
    async with run(app) as pilot:
        await pilot.press("space", "enter")
        assert posted(app, Composer.SendText) == []


async def test_left_and_right_move_visually_over_mixed_text() -> None:
    app = ComposerApp()
    async with run(app) as pilot:
        await type_text(pilot, "abc سلام")
        editor = app.query_one("#composer-input", BidiEditor)
        assert editor.cursor == 8
        await pilot.press("left")
        assert editor.cursor == 4  # the cell left of the end shows «س»
        await pilot.press("left")
        assert editor.cursor == 5  # then the lam-alef
        await pilot.press("home")
        assert editor.cursor == 0
        await pilot.press("end")
        assert editor.cursor == 8


async def test_the_drawn_cursor_is_on_the_cell_the_editor_reports() -> None:
    app = ComposerApp()
    async with run(app) as pilot:
        await type_text(pilot, "من از Python")
        await pilot.press("right", "right", "right")  # from the end slot (left) into "Python"
        editor = app.query_one("#composer-input", BidiEditor)
        x, y = editor.cursor_cell()
        strip = editor.render_line(y)
        cursor_bg = editor.get_component_rich_style("editor--cursor").bgcolor
        cells = 0
        found = None
        for seg in strip:
            if seg.style is not None and seg.style.bgcolor == cursor_bg:
                found = cells
                break
            cells += len(seg.text)
        assert found == x
        line = editor.caret_map().rows[y].line
        assert editor.text[editor.cursor] == "t"
        drawn = strip.text[x]
        assert drawn == line.text[line.log2vis[editor.cursor - line.start]]


async def test_word_moves_follow_the_arrow_in_an_rtl_paragraph() -> None:
    app = ComposerApp()
    async with run(app) as pilot:
        await type_text(pilot, "سلام دنیا خوب")
        editor = app.query_one("#composer-input", BidiEditor)
        await pilot.press("home")
        await pilot.press("ctrl+left")  # left is forward in an RTL paragraph
        assert editor.cursor == len("سلام")
        await pilot.press("ctrl+right")
        assert editor.cursor == 0


async def test_selection_with_shift_and_typing_replaces_it() -> None:
    app = ComposerApp()
    async with run(app) as pilot:
        await type_text(pilot, "hello world")
        await pilot.press("shift+left", "shift+left", "shift+left", "shift+left", "shift+left")
        editor = app.query_one("#composer-input", BidiEditor)
        assert editor.buffer.selected_text == "world"
        await type_text(pilot, "دنیا")
        assert editor.text == "hello دنیا"


async def test_bracketed_paste_inserts_cleaned_text() -> None:
    app = ComposerApp()
    async with run(app) as pilot:
        editor = app.query_one("#composer-input", BidiEditor)
        editor.post_message(events.Paste("سلام\r\nline two\x1b[201~ tail"))
        await pilot.pause()
        assert editor.text == "سلام\nline two[201~ tail"


async def test_counter_against_max_text_and_parts() -> None:
    app = ComposerApp(capabilities=caps(max_text=10))
    async with run(app) as pilot:
        await type_text(pilot, "۱۲۳۴۵۶۷۸۹۰ abc")
        status = app.query_one("#composer-status", SafeLabel)
        assert "14/10 · sent as 2 parts" in status.text
        assert status.has_class("-over")


async def test_reply_mode_shows_a_sanitised_banner_and_is_sent_with_the_reply() -> None:
    app = ComposerApp(capabilities=caps())
    target = message(7, "سلام\x1b[31m دوست", msg_id="77")
    async with run(app) as pilot:
        composer = app.query_one(Composer)
        assert composer.start_reply(target)
        await pilot.pause()
        banner = next(r for r in screen_rows(app) if "Replying" in r)
        assert "\x1b" not in banner and "␛" in banner
        await type_text(pilot, "ok")
        await pilot.press("enter")
        await pilot.pause()
        assert posted(app, Composer.SendText)[0].reply_to == target
        await pilot.press("escape")
        assert composer.mode == "send"


async def test_edit_mode_prefills_and_gives_the_draft_back() -> None:
    app = ComposerApp(capabilities=caps())
    own = message(8, "متن قبلی", outgoing=True)
    async with run(app) as pilot:
        composer = app.query_one(Composer)
        await type_text(pilot, "draft")
        assert composer.start_edit(own)
        assert composer.text == "متن قبلی"
        await type_text(pilot, "!")
        await pilot.press("enter")
        await pilot.pause()
        assert [(e.message, e.text) for e in posted(app, Composer.EditText)] == [(own, "متن قبلی!")]
        await pilot.press("escape")
        assert composer.text == "draft"


async def test_modes_are_refused_when_the_messenger_cannot() -> None:
    app = ComposerApp(capabilities=caps(edit=False, reply=False, files_send=False))
    async with run(app) as pilot:
        composer = app.query_one(Composer)
        assert not composer.start_edit(message(1, "x", outgoing=True))
        assert not composer.start_reply(message(1, "x"))
        await pilot.press("ctrl+o")
        assert not composer.has_class("-file")
        assert not composer.start_edit(message(2, "not mine"))


async def test_external_editor_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_editor(argv: Any) -> int:
        seen.append(list(argv))
        path = Path(argv[-1])
        path.write_text(path.read_text(encoding="utf-8") + " و بیشتر\n", encoding="utf-8")
        return 0

    monkeypatch.setenv("EDITOR", "myeditor --wait")
    app = ComposerApp(run_editor=fake_editor)
    async with run(app) as pilot:
        from contextlib import nullcontext

        monkeypatch.setattr(app, "suspend", nullcontext)
        await type_text(pilot, "متن")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.query_one(Composer).text == "متن و بیشتر"
    assert seen[0][:2] == ["myeditor", "--wait"]
    assert not Path(seen[0][2]).exists()  # noqa: ASYNC240 - the temporary file is gone


def test_edit_externally_keeps_the_text_when_the_editor_fails() -> None:
    assert edit_externally("x", lambda argv: 1, {"EDITOR": "false"}) is None


async def test_send_a_file_with_path_completion(tmp_path: Path) -> None:
    (tmp_path / "گزارش-نهایی.pdf").write_bytes(b"%PDF")
    (tmp_path / "other.txt").write_text("x")
    app = ComposerApp(capabilities=caps())
    async with run(app, size=(80, 10)) as pilot:
        await type_text(pilot, "این هم فایل")
        await pilot.press("ctrl+o")
        prompt = app.query_one("#composer-path", BidiEditor)
        assert prompt.has_focus
        prompt.insert(str(tmp_path) + "/گز")
        await pilot.press("tab")
        assert prompt.text == str(tmp_path / "گزارش-نهایی.pdf")
        await pilot.press("enter")
        await pilot.pause()
        sent = posted(app, Composer.SendFile)
        assert [(s.path, s.caption) for s in sent] == [
            (tmp_path / "گزارش-نهایی.pdf", "این هم فایل")
        ]


def test_complete_path_lists_candidates(tmp_path: Path) -> None:
    (tmp_path / "aa1").write_text("")
    (tmp_path / "aa2").mkdir()
    text, names = complete_path(str(tmp_path) + "/a")
    assert text == str(tmp_path) + "/aa"
    assert names == ["aa1", "aa2/"]


async def test_send_options_offer_only_what_the_messenger_supports() -> None:
    app = ComposerApp(capabilities=caps(send_options=frozenset({"silent", "pin"})))
    async with run(app, size=(80, 24)) as pilot:
        await type_text(pilot, "پست کانال")
        await pilot.press("alt+o")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SendOptionsScreen)
        assert {w.id for w in dialog.query("Checkbox")} == {"pin", "silent"}
        assert not dialog.query("#title") and not dialog.query("#schedule")
        await pilot.click("#silent")
        await pilot.click("#ok")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        options = posted(app, Composer.SendText)[0].options
        assert options is not None and options.silent and not options.pin


async def test_a_draft_arriving_after_typing_goes_before_the_typed_text() -> None:
    """Keys read while the chat was loading are not overwritten by its saved draft: the draft
    comes first, the typed text after it, and the two are saved together; without typing, a
    draft only fills the editor (nothing to save)."""
    app = ComposerApp(capabilities=caps())
    async with run(app) as pilot:
        composer = app.query_one(Composer)
        composer.set_draft("پیش‌نویس")
        await pilot.pause()
        assert composer.text == "پیش‌نویس" and not posted(app, Composer.DraftChanged)
        composer.reset()
        await type_text(pilot, "Hi")
        composer.set_draft("سلام ")
        await pilot.pause()
        assert composer.text == "سلام Hi"
        assert [m.text for m in posted(app, Composer.DraftChanged)][-1] == "سلام Hi"
