"""Command-palette providers (``ctrl+p``): Payam's actions, and every chat by name.

Textual's palette does no bidi and treats a hit's text as markup unless it is ``Content``, so
every hit here is ``Content`` laid out by the text engine (:func:`tui.widgets.safe.safe_line`):
a Persian chat title reads right to left and a hostile title is inert. Chats are matched the
way the inbox filter matches them (title and @username; ي/ی, ك/ک, ZWNJ, case, digits folded);
a title that starts with the query ranks first. The help column holds only Payam's own words.

:class:`PayamPalette` is Textual's palette with its query typed in Payam's single-line
:class:`~tui.widgets.editor.BidiEditor` instead of Textual's ``Input`` (which shows Persian in
logical order, unshaped, and drops ZWNJ). It reuses the palette's private plumbing
(``_gather_commands``, ``_select_or_command``…): Textual is pinned, and ``test_palette.py``
drives it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.command import (
    CommandList,
    CommandPalette,
    DiscoveryHit,
    Hit,
    Hits,
    Provider,
    SearchIcon,
)
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import LoadingIndicator, OptionList

from tui.engine.service_types import InboxFilter
from tui.themes import badge
from tui.widgets.editor import BidiEditor
from tui.widgets.safe import safe_line
from tui.widgets.textline import line_content, settings_for

if TYPE_CHECKING:
    from tui.app import PayamApp

WIDTH = 56
MAX_CHATS = 40
PALETTE_ID = "--command-palette"


def _content(provider: Provider, text: str) -> Content:
    """``text`` sanitised and laid out on one line as ``Content`` (never markup)."""
    return line_content(safe_line(text, WIDTH, settings=settings_for(provider.screen)))


class ActionCommands(Provider):
    """Payam's actions, in the UI's language, with their keys."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("PayamApp", self.app)
        km = app.keymap
        actions: list[tuple[str, str, Callable[[], object]]] = [
            ("help", km.label("help"), app.action_help),
            ("search", km.label("search"), app.action_search),
            ("accounts", km.label("accounts"), app.action_accounts),
            ("theme", "", app.action_change_theme),
            ("quit", km.label("quit"), partial(app.exit, 0)),
        ]
        inbox = app.inbox_screen
        if inbox is not None:
            for name in ("next_unread", "filter", "unread_only", "pin", "mute"):
                actions.append((name, km.label(name), partial(inbox.run_action, name)))
        return actions

    def _display(self, name: str, keys: str) -> tuple[Content, str]:
        app = cast("PayamApp", self.app)
        words = app.t.action(name)
        shown = _content(self, words)
        if keys:
            shown = shown + Content(f"  {keys}").stylize("dim")
        return shown, words

    async def discover(self) -> Hits:
        """Every action, with its keys."""
        for name, keys, run in self._commands():
            shown, words = self._display(name, keys)
            yield DiscoveryHit(shown, run, text=words)

    async def search(self, query: str) -> Hits:
        """Actions whose name (in the UI's language or English) matches ``query``."""
        app = cast("PayamApp", self.app)
        matcher = self.matcher(query)
        for name, keys, run in self._commands():
            words = app.t.action(name)
            score = max(matcher.match(words), matcher.match(name.replace("_", " ")))
            if score > 0:
                shown, visual = self._display(name, keys)
                yield Hit(score, shown, run, text=visual)


class ChatCommands(Provider):
    """Every chat: type (part of) its title or @username to open it."""

    async def search(self, query: str) -> Hits:
        """Chats whose title or @username contains ``query`` (folded as the inbox does)."""
        app = cast("PayamApp", self.app)
        needle = query.strip()
        if not needle:
            return
        rows = app.service.inbox(InboxFilter(text=needle))
        folded = needle.casefold().lstrip("@")
        for rank, entry in enumerate(rows[:MAX_CHATS]):
            title = entry.title or entry.chat_id
            starts = title.casefold().startswith(folded) or (
                entry.username or ""
            ).casefold().startswith(folded)
            score = (1.0 if starts else 0.7) - rank / 1000
            code = badge(entry.messenger).code
            shown = Content(f"{code} ").stylize("bold") + _content(self, title)
            shown = shown + Content(f"  {entry.account}").stylize("dim")
            yield Hit(
                score,
                shown,
                partial(app.open_chat, entry.account, entry.chat_id),
                text=title,
            )


class PaletteQuery(BidiEditor):
    """The palette's query line: Payam's single-line bidi editor."""

    DEFAULT_CSS = """
    PaletteQuery { margin: 1 1 1 0; padding: 0; background: transparent; }
    PaletteQuery:focus { background: transparent; }
    """

    def __init__(self, placeholder: str) -> None:
        super().__init__(single_line=True, placeholder=placeholder)


class PayamPalette(CommandPalette):
    """Textual's command palette with a :class:`PaletteQuery` (see the module docs)."""

    AUTO_FOCUS = "PaletteQuery"

    def compose(self) -> ComposeResult:
        """The query line, the hits, the busy indicator (as Textual's palette has them)."""
        with Vertical(id="--container"):
            with Horizontal(id="--input"):
                yield SearchIcon()
                yield PaletteQuery(self._placeholder)
            with Vertical(id="--results"):
                yield CommandList()
                yield LoadingIndicator()

    @property
    def query_editor(self) -> PaletteQuery:
        """The query line."""
        return self.query_one(PaletteQuery)

    @on(BidiEditor.Changed)
    def _query_changed(self, event: BidiEditor.Changed) -> None:
        event.stop()
        self._cancel_gather_commands()
        self._stop_no_matches_countdown()
        self._gather_commands(event.text.strip())

    @on(BidiEditor.Submitted)
    def _query_submitted(self, event: BidiEditor.Submitted) -> None:
        event.stop()
        self._select_or_command()

    @on(OptionList.OptionSelected)
    def _hit_chosen(self, event: OptionList.OptionSelected) -> None:
        """A hit was chosen: Textual's handler, with the editor in place of its ``Input``
        (``prevent_default`` keeps Textual's own handler from running)."""
        event.stop()
        event.prevent_default()
        self._cancel_gather_commands()
        hit = getattr(event.option, "hit", None)
        if hit is None:
            return
        query = self.query_editor
        with self.prevent(BidiEditor.Changed):
            query.text = str(hit.text or "")
            self._selected_command = hit
        query.action_move("end")
        self._list_visible = False
        self.query_one(CommandList).clear_options()
        self._hit_count = 0
        if self.run_on_select:
            self._select_or_command()
