"""Small apps over the fake source: the tests build them, and a person can run one in a terminal
(``python -m tests.tui.harness [conversation|big|search|composer]``) to try the widgets by hand.
"""

from __future__ import annotations

import sys
from datetime import UTC, timedelta
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer

from adapters.models import Span
from tests.tui.fakes import (
    ALI,
    SARA,
    T0,
    FakeSource,
    GeneratedChat,
    attachment,
    hit,
    message,
)
from tui.engine.records import GapMarker
from tui.screens.conversation import ConversationScreen
from tui.screens.search import SearchScreen
from tui.widgets.dates import GregorianFormatter
from tui.widgets.editor import BidiEditor
from tui.widgets.textline import TextSettings

ACCOUNT = "telegram:me"
FORMATTER = GregorianFormatter(UTC)


def rtl_messages() -> list[Any]:
    """A Persian conversation: ZWNJ, digits, brackets, a quote, an edit, a file, a deletion."""
    return [
        message(1, "سلام! حالت خوبه؟", sender=ALI, minutes=0),
        message(2, "ممنون، خوبم. کتاب\u200cها رسید؟", outgoing=True, minutes=1, delivery="sent"),
        message(
            3,
            "بله، دیروز رسید (همه ۳ جلد) و قیمتش ۱۲۵۰۰ تومان شد.",
            sender=ALI,
            minutes=2,
            reply_to="2",
            edited_at=T0,
        ),
        message(
            4,
            "فایل فاکتور را فرستادم",
            sender=ALI,
            minutes=3,
            attachments=(attachment(7, "فاکتور.pdf"),),
        ),
        message(5, "", sender=ALI, minutes=4, deleted=True),
        message(
            6,
            "می\u200cخواهم فردا بیایم",
            outgoing=True,
            minutes=5,
            delivery="failed",
            client_uuid="u-6",
        ),
    ]


def mixed_messages() -> list[Any]:
    """English, Persian and mixed paragraphs, formatting spans and a link, across two days."""
    text = "Meeting notes: bold words, code ls -la and a link"

    def at(word: str, kind: str, url: str | None = None) -> Span:
        start = text.index(word)
        return Span(start, start + len(word), kind, url=url)

    return [
        message(1, "Hello Sara, are we still on for tomorrow?", sender=ALI, minutes=0),
        message(
            2,
            text,
            sender=SARA,
            minutes=1,
            spans=(
                at("bold words", "bold"),
                at("ls -la", "code"),
                at("link", "link", "https://example.com/notes"),
            ),
        ),
        message(
            3,
            "من از Python استفاده می\u200cکنم\nand English on its own line",
            sender=ALI,
            minutes=2,
        ),
        message(4, "Telegram پیام\u200cرسان خوبی است", outgoing=True, minutes=3, delivery="queued"),
        message(5, "فردا ساعت 10:30 صبح می\u200cبینمت", sender=SARA, when=T0 + timedelta(days=1)),
    ]


def demo_source() -> FakeSource:
    """A fake source with the RTL chat, the mixed chat and a 100,000-message chat."""
    source = FakeSource()
    source.add_chat(ACCOUNT, "rtl", rtl_messages(), title="علی رضایی")
    source.add_chat(ACCOUNT, "mixed", mixed_messages(), title="Sara & Ali (گروه)")
    source.add_chat(ACCOUNT, "big", GeneratedChat(100_000), title="Big chat — ۱۰۰٬۰۰۰ پیام")
    source.gap_markers.append(
        GapMarker(
            1, ACCOUNT, "mixed", "offline", T0, T0 + timedelta(minutes=2, seconds=30), "offline"
        )
    )
    for chat in ("rtl", "mixed"):
        for m in source.chats[(ACCOUNT, chat)].messages:
            if m.text:
                source.hits.append(hit(m, source.titles[(ACCOUNT, chat)], terms=()))
    return source


class ConversationApp(App[None]):
    """A harness: one conversation screen over the fake source."""

    def __init__(
        self,
        source: FakeSource,
        chat_id: str,
        *,
        settings: TextSettings | None = None,
        **screen: Any,
    ) -> None:
        super().__init__()
        self.source = source
        self.chat_id = chat_id
        self.text_settings = settings or TextSettings()
        self.screen_args = screen
        self.opened: list[Any] = []

    def on_mount(self) -> None:
        """Open the chat."""
        self.push_screen(
            ConversationScreen(
                self.source, ACCOUNT, self.chat_id, formatter=FORMATTER, **self.screen_args
            )
        )

    def on_conversation_view_link_clicked(self, event: Any) -> None:
        """Record links (a real app opens them)."""
        self.opened.append(event)

    def on_conversation_view_open_attachment(self, event: Any) -> None:
        """Record files to open."""
        self.opened.append(event)


class SearchApp(App[None]):
    """A harness: the search screen over the fake source."""

    def __init__(self, source: FakeSource, query: str = "") -> None:
        super().__init__()
        self.source = source
        self.query_text = query
        self.text_settings = TextSettings()
        self.opened: list[Any] = []

    def on_mount(self) -> None:
        """Open search."""
        self.push_screen(SearchScreen(self.source, formatter=FORMATTER, query=self.query_text))

    def on_search_screen_open_message(self, event: Any) -> None:
        """Record what Enter asked to open."""
        self.opened.append(event)


class EditorApp(App[None]):
    """A harness: the bare editor, multi-line."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit")]

    def __init__(self, text: str = "", single_line: bool = False) -> None:
        super().__init__()
        self.text = text
        self.single_line = single_line
        self.text_settings = TextSettings()
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        """The editor and a footer."""
        yield BidiEditor(self.text, single_line=self.single_line, placeholder="بنویسید…")
        yield Footer()

    def on_mount(self) -> None:
        """Focus the editor."""
        self.query_one(BidiEditor).focus()

    def on_bidi_editor_submitted(self, event: BidiEditor.Submitted) -> None:
        """Record submissions."""
        self.submitted.append(event.text)


def main(argv: list[str]) -> None:
    """Run a harness in this terminal."""
    which = argv[1] if len(argv) > 1 else "conversation"
    source = demo_source()
    app: App[None]
    if which == "search":
        app = SearchApp(source)
    elif which == "composer":
        app = EditorApp("سلام Hello ۱۲۳ دنیا")
    else:
        chat = {"conversation": "rtl", "mixed": "mixed", "big": "big"}.get(which, which)
        app = ConversationApp(source, chat)
    app.run()


if __name__ == "__main__":
    main(sys.argv)
