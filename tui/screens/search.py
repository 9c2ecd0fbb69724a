"""``SearchScreen``: search every chat of every account; Enter opens a hit in its chat.

The query is typed in a single-line :class:`~tui.widgets.editor.BidiEditor` (Persian queries
read right, ZWNJ can be typed). Searching starts a short pause after the last key (or at once
on Enter) in a worker over the :class:`~tui.widgets.sources.SearchSource`; results come newest
first, more are fetched as the cursor nears the end. Choosing a hit posts
:class:`SearchScreen.OpenMessage` for the app, which opens the conversation around it.

Keys: ↓ (or Tab) from the query to the hits, Ctrl+F back to the query, Esc back. The words are
the app's (:class:`~tui.i18n.I18n`, English outside a Payam app), the key bar is Payam's
:class:`~tui.widgets.chrome.KeyBar`, and the status line is drawn through the text engine.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen

from tui.engine.records import SearchHit
from tui.i18n import I18n
from tui.keys import default
from tui.text import display_safe
from tui.widgets.chrome import KeyBar
from tui.widgets.dates import TimeFormatter
from tui.widgets.editor import BidiEditor
from tui.widgets.safe import SafeLabel
from tui.widgets.search_results import SearchResults
from tui.widgets.sources import SearchSource
from tui.widgets.textline import TextSettings

SEARCH_DELAY_S = 0.3
PAGE = 50


class SearchScreen(Screen[None]):
    """The query, the hits, and a one-line status."""

    DEFAULT_CSS = """
    SearchScreen #search-query { margin: 1 1 0 1; }
    SearchScreen #search-status { color: $text-muted; padding: 0 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("close"), "back", "Back", id="close"),
        Binding(default("focus_query"), "focus_query", "Query", id="focus_query"),
        Binding(default("results"), "results", "Results", show=False, id="results"),
    ]

    @dataclass
    class OpenMessage(Message):
        """Open ``hit``'s chat around its message."""

        hit: SearchHit

        @property
        def account(self) -> str:
            """The hit's account key."""
            return self.hit.message.account

        @property
        def chat_id(self) -> str:
            """The hit's chat."""
            return self.hit.message.chat_id

        @property
        def message_id(self) -> int:
            """The hit's store id (pass as ``around`` to the conversation screen)."""
            return self.hit.message.id

    def __init__(
        self,
        source: SearchSource,
        *,
        formatter: TimeFormatter | None = None,
        settings: TextSettings | None = None,
        query: str = "",
        accounts: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.source = source
        self.accounts = accounts
        self._formatter = formatter
        self._settings = settings
        self._initial = query
        self.last_query = ""

    @property
    def t(self) -> I18n:
        """The UI's words (English outside a Payam app)."""
        return I18n.of(self)

    def compose(self) -> ComposeResult:
        """Query, status, results, key bar."""
        t = self.t
        yield BidiEditor(
            self._initial,
            single_line=True,
            placeholder=t("search.placeholder"),
            settings=self._settings,
            id="search-query",
        )
        yield SafeLabel("", id="search-status", align="right" if t.rtl else "auto")
        yield SearchResults(formatter=self._formatter, settings=self._settings)
        yield KeyBar(t, id="key-bar")

    @property
    def query_editor(self) -> BidiEditor:
        """The query input."""
        return self.query_one("#search-query", BidiEditor)

    @property
    def results(self) -> SearchResults:
        """The hits."""
        return self.query_one(SearchResults)

    def on_mount(self) -> None:
        """Focus the query; search the initial query at once."""
        self.query_editor.focus()
        if self._initial.strip():
            self._search(self._initial, delay=0)

    @on(BidiEditor.Changed, "#search-query")
    def _changed(self, event: BidiEditor.Changed) -> None:
        self._search(event.text, delay=SEARCH_DELAY_S)

    @on(BidiEditor.Submitted, "#search-query")
    def _submitted(self, event: BidiEditor.Submitted) -> None:
        self._search(event.text, delay=0, focus=True)

    @work(group="search", exclusive=True)
    async def _search(self, query: str, delay: float, focus: bool = False) -> None:
        if delay:
            await asyncio.sleep(delay)  # a key typed meanwhile cancels this worker
        query = query.strip()
        t = self.t
        status = self.query_one("#search-status", SafeLabel)
        if not query:
            self.last_query = ""
            self.results.set_hits([], has_more=False, empty=t("search.type"))
            status.update("")
            return
        try:
            hits = await self.source.search(query, accounts=self.accounts, limit=PAGE)
        except Exception as exc:
            reason = display_safe(str(exc) or type(exc).__name__, "name")
            status.update(t("search.failed", reason=reason))
            return
        self.last_query = query
        self.results.set_hits(hits, has_more=len(hits) == PAGE, empty=t("search.none"))
        count = t.num(len(hits)) + ("+" if len(hits) == PAGE else "")
        status.update(t("search.count", count=count))
        if focus and hits:
            self.results.focus()

    @on(SearchResults.MoreWanted)
    @work(group="search-more", exclusive=True)
    async def _more(self, event: SearchResults.MoreWanted) -> None:
        try:
            hits = await self.source.search(
                self.last_query, accounts=self.accounts, before=event.before, limit=PAGE
            )
        except Exception:  # the first page stays; scrolling further asks again
            return
        self.results.add_hits(hits, has_more=len(hits) == PAGE)

    @on(SearchResults.HitChosen)
    def _chosen(self, event: SearchResults.HitChosen) -> None:
        event.stop()
        self.post_message(self.OpenMessage(event.hit))

    def action_results(self) -> None:
        """From the query down to the hits."""
        if self.results.hits:
            self.results.focus()

    def action_focus_query(self) -> None:
        """Back to the query."""
        self.query_editor.focus()

    def action_back(self) -> None:
        """Leave search."""
        if len(self.app.screen_stack) > 1:
            self.dismiss()
