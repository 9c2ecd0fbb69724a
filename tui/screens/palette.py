"""Command-palette providers (``ctrl+p``): Payam's actions, and every chat by name.

Textual's palette does no bidi and treats a hit's text as markup unless it is ``Content``, so
every hit here is ``Content`` laid out by the text engine (:func:`tui.widgets.safe.safe_line`):
a Persian chat title reads right to left and a hostile title is inert. Chats are matched the
way the inbox filter matches them (title and @username; ي/ی, ك/ک, ZWNJ, case, digits folded);
a title that starts with the query ranks first. The help column holds only Payam's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui.engine.service_types import InboxFilter
from tui.themes import badge
from tui.widgets.safe import safe_line
from tui.widgets.textline import line_content, settings_for

if TYPE_CHECKING:
    from tui.app import PayamApp

WIDTH = 56
MAX_CHATS = 40


def _content(provider: Provider, text: str) -> Content:
    """``text`` sanitised and laid out on one line as ``Content`` (never markup)."""
    return line_content(safe_line(text, WIDTH, settings=settings_for(provider.screen)))


def _visual(provider: Provider, text: str) -> str:
    """``text`` as the palette's input line should show it once chosen (visual order)."""
    return safe_line(text, WIDTH, settings=settings_for(provider.screen)).text


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
        return shown, _visual(self, words)

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
                text=_visual(self, title),
            )
