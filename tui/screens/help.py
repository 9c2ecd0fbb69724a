"""``HelpScreen`` (``?``, F1): the keys in force, and the fallbacks terminals need.

The app-wide and inbox keys come from the effective keymap (``config.toml`` ``[keys]`` over the
defaults), so what help shows is what the keys do. The conversation's and the composer's keys
are read from those widgets' own bindings. The notes say what to press where a terminal cannot
tell two chords apart (Shift+Enter arrives as Enter in xterm, VTE and tmux) and how to type a
half-space (ZWNJ). Everything is drawn through the text engine: a Persian UI reads right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, NamedTuple, cast

from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.strip import Strip

from tui.i18n import I18n
from tui.keys import SECTIONS, Keymap, default, key_label
from tui.widgets.chrome import ChromeLine
from tui.widgets.rowlist import RowList, cell, join_cells
from tui.widgets.safe import SafeText, safe_line
from tui.widgets.textline import component_style, line_strip, settings_for

if TYPE_CHECKING:
    from tui.app import PayamApp

KEYS_CELLS = 22
_ACCOUNTS_KEYS = (("a", "add"), ("d", "remove"), ("r", "restart"))


class HelpRow(NamedTuple):
    """A section heading (``keys`` empty) or one action with its keys."""

    keys: str
    words: str
    heading: bool = False


def binding_rows(
    bindings: Sequence[BindingType], t: I18n, keymap: Keymap | None = None
) -> list[HelpRow]:
    """Rows for a widget's own ``BINDINGS``, one per binding id (a ``[keys]`` action, shown
    with the keys the keymap gives it) or per action."""
    rows: dict[str, HelpRow] = {}
    for item in bindings:
        if not isinstance(item, Binding):
            continue
        name = item.id or item.action
        configured = keymap.keys(item.id) if keymap is not None and item.id else ()
        if configured:
            keys = " ".join(key_label(k) for k in configured[:4])
        else:
            keys = " ".join(key_label(k.strip()) for k in item.key.split(","))
        if name in rows:
            keys = f"{rows[name].keys} {keys}"
        words_key = item.id or item.action.partition("(")[0]
        rows[name] = HelpRow(keys, t.action(words_key, item.description or words_key))
    return list(rows.values())


def help_rows(t: I18n, keymap: Keymap) -> list[HelpRow]:
    """Every row of the help list, section by section."""
    from tui.widgets.composer import Composer
    from tui.widgets.composer_parts import MessageEditor
    from tui.widgets.conversation import ConversationView
    from tui.widgets.editor import BidiEditor

    rows: list[HelpRow] = []
    for section in ("app", "inbox"):
        rows.append(HelpRow("", t(f"help.section.{section}"), True))
        for action in SECTIONS[section]:
            words = t.action("clear_filters" if action == "back" else action)
            rows.append(HelpRow(keymap.label(action, limit=4), words))
    rows.append(HelpRow("", t("help.section.conversation"), True))
    rows += [
        HelpRow(keymap.label("close"), t.action("back").split("/")[0].strip()),
        HelpRow(keymap.label("compose"), t.action("write")),
        HelpRow(
            f"{keymap.label('toggle_direction')} {keymap.label('cycle_direction')}",
            t.action("toggle_direction"),
        ),
    ]
    view = [
        b
        for b in ConversationView.BINDINGS
        if not (isinstance(b, Binding) and b.id == "cycle_direction")
    ]
    rows += binding_rows(view, t, keymap)
    rows.append(HelpRow("", t("help.section.composer"), True))
    zwnj = [b for b in BidiEditor.BINDINGS if isinstance(b, Binding) and b.action == "zwnj"]
    rows += binding_rows(list(MessageEditor.BINDINGS), t, keymap) + binding_rows(zwnj, t)
    rows += binding_rows(list(Composer.BINDINGS), t, keymap)
    rows.append(HelpRow("", t("help.section.accounts"), True))
    rows += [HelpRow(k, t.action(a)) for k, a in _ACCOUNTS_KEYS]
    return rows


class HelpList(RowList):
    """The help rows: keys on the UI's start side, what they do beside them."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"help-list--heading", "help-list--keys"}

    def __init__(self, rows: list[HelpRow], t: I18n, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows
        self.t = t

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Rows open nothing."""
        return action != "choose"

    def on_mount(self) -> None:
        """All rows."""
        self.set_count(len(self.rows), cursor=0)

    def row_strips(self, index: int, width: int, selected: bool) -> list[Strip]:
        """One row."""
        row = self.rows[index]
        rtl = self.t.rtl
        base: Style = self.rich_style
        settings = settings_for(self)
        if row.heading:
            style = base + component_style(self, "help-list--heading")
            line = safe_line(row.words, width, settings=settings)
            if rtl:
                line = replace(line, align="right")
            return [line_strip(line, width, base=style, align=rtl)]
        keys_w = min(KEYS_CELLS, width // 3)
        words_w = max(1, width - keys_w - 1)
        keys_style = base + component_style(self, "help-list--keys")
        line = safe_line(row.words, words_w, settings=settings)
        if rtl:
            line = replace(line, align="right")
        cells = [
            cell(row.keys, keys_w, keys_style, end=rtl),
            cell("", 1, base),
            line_strip(line, words_w, base=base, align=rtl),
        ]
        return [join_cells(cells, rtl).adjust_cell_length(width, base)]


class HelpScreen(ModalScreen[None]):
    """Keys and fallbacks (see the module docs)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("dismiss"), "dismiss", "Close", id="dismiss"),
    ]

    def compose(self) -> ComposeResult:
        """Title, the key list, the notes."""
        app = cast("PayamApp", self.app)
        t, keymap = app.t, app.keymap
        if t.rtl:
            self.add_class("-rtl")
        with Vertical(id="help-box"):
            yield ChromeLine(t("help.title"), id="help-title", rtl=t.rtl)
            yield HelpList(help_rows(t, keymap), t, id="help-list")
            notes = (
                t("help.fallback", keys=t.ltr("^j")),
                t("help.zwnj", keys=t.ltr("^Space")),
                t("help.palette", keys=t.ltr(keymap.label("palette"))),
                t(
                    "help.config",
                    path=t.ltr(str(app.paths.config_file) if app.paths else "config.toml"),
                ),
            )
            for note in notes:
                yield SafeText(note, classes="help-note")

    def on_mount(self) -> None:
        """Keys scroll the list."""
        self.query_one(HelpList).focus()
