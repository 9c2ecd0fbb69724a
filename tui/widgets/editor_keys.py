"""The keys of :class:`~tui.widgets.editor.BidiEditor`: its bindings (each with a ``[keys]``
action as its id, see :data:`tui.settings.schema.WIDGET_KEYS`) and what they do.

Textual runs a focused widget's (non-priority) bindings only once the key has bubbled up to the
App, while the keys typed after it go straight to the widget: in a burst (tmux ``send-keys``, a
paste-speed typist, an input method) a later letter could land before an earlier Ctrl+Space or
Enter. :meth:`EditorKeys.on_key` therefore runs the editor's own bindings itself, in the order
the keys came.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widget import Widget

from tui.keys import default
from tui.widgets.caret import CaretMap
from tui.widgets.editbuffer import TYPABLE_FORMAT, ZWNJ, EditBuffer, word_end, word_start
from tui.widgets.textline import TextSettings


class EditorKeys(Widget):
    """The editing keys over a logical :class:`EditBuffer` (the editor supplies the layout)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("cursor_left"), "move('left')", show=False, id="cursor_left"),
        Binding(default("cursor_right"), "move('right')", show=False, id="cursor_right"),
        Binding(default("cursor_up"), "move('up')", show=False, id="cursor_up"),
        Binding(default("cursor_down"), "move('down')", show=False, id="cursor_down"),
        Binding(default("line_start"), "move('home')", show=False, id="line_start"),
        Binding(default("line_end"), "move('end')", show=False, id="line_end"),
        Binding(default("word_left"), "move('word_left')", show=False, id="word_left"),
        Binding(default("word_right"), "move('word_right')", show=False, id="word_right"),
        Binding(default("select_left"), "move('left', True)", show=False, id="select_left"),
        Binding(default("select_right"), "move('right', True)", show=False, id="select_right"),
        Binding(default("select_up"), "move('up', True)", show=False, id="select_up"),
        Binding(default("select_down"), "move('down', True)", show=False, id="select_down"),
        Binding(
            default("select_line_start"), "move('home', True)", show=False, id="select_line_start"
        ),
        Binding(default("select_line_end"), "move('end', True)", show=False, id="select_line_end"),
        Binding(
            default("select_word_left"),
            "move('word_left', True)",
            show=False,
            id="select_word_left",
        ),
        Binding(
            default("select_word_right"),
            "move('word_right', True)",
            show=False,
            id="select_word_right",
        ),
        Binding(default("delete_back"), "edit('backspace')", show=False, id="delete_back"),
        Binding(default("delete_forward"), "edit('delete')", show=False, id="delete_forward"),
        Binding(
            default("delete_word_back"), "edit('word_back')", show=False, id="delete_word_back"
        ),
        Binding(default("delete_to_start"), "edit('to_home')", show=False, id="delete_to_start"),
        Binding(default("delete_to_end"), "edit('to_end')", show=False, id="delete_to_end"),
        Binding(default("submit"), "submit", "Send", show=False, id="submit"),
        Binding("ctrl+j,alt+enter,shift+enter", "newline", "New line", show=False, id="newline"),
        Binding(default("zwnj"), "zwnj", "ZWNJ", show=False, id="zwnj"),
    ]

    buffer: EditBuffer
    single_line: bool
    _goal_x: int | None

    @property
    def settings(self) -> TextSettings:
        """The text settings in force (the editor's)."""
        raise NotImplementedError

    def caret_map(self, width: int | None = None) -> CaretMap:
        """The laid-out text with its cursor maps (the editor's)."""
        raise NotImplementedError

    def insert(self, text: str) -> None:
        """Insert at the cursor (the editor's)."""
        raise NotImplementedError

    def _changed(self) -> None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A single line has no Up/Down of its own: those keys go to the screen (the search
        results, the palette's hits)."""
        vertical = action == "move" and parameters in (("up",), ("down",))
        return not (self.single_line and vertical)

    async def on_key(self, event: events.Key) -> None:
        """Run the editor's own binding for the key now (see the module docs); else type
        printable characters, and the format characters Persian needs (ZWNJ)."""
        for binding in self._own_bindings(event.key):
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        char = event.character
        if char is not None and (event.is_printable or char in TYPABLE_FORMAT):
            event.stop()
            event.prevent_default()
            self.insert(char)

    def _own_bindings(self, key: str) -> list[Binding]:
        """This widget's non-priority bindings of ``key``, after the app's keymap."""
        # The screen's binding chain (private in Textual 8.2.8, which is pinned) is where the
        # keymap from config.toml [keys] is applied; its first link is the focused widget.
        for node, bindings in self.screen._binding_chain:
            if node is self:
                return [b for b in bindings.key_to_bindings.get(key, ()) if not b.priority]
        return []

    async def on_paste(self, event: events.Paste) -> None:
        """Insert a bracketed paste as it is (cleaned of controls)."""
        event.stop()
        event.prevent_default()
        self.insert(event.text)

    def action_move(self, how: str, select: bool = False) -> None:
        """Move the cursor (``left``/``right``/``up``/``down``/``home``/``end``/``word_left``/
        ``word_right``), extending the selection with ``select``."""
        caret = self.caret_map()
        buf = self.buffer
        pos = buf.cursor
        if not select and buf.selection is not None and how in ("left", "right"):
            pos = self._collapse(caret, how)
        elif how == "left":
            pos = self._horizontal(caret, pos, -1)
        elif how == "right":
            pos = self._horizontal(caret, pos, +1)
        elif how in ("up", "down"):
            _, x = caret.locate(pos)
            goal = self._goal_x if self._goal_x is not None else x
            pos = caret.vertical(pos, -1 if how == "up" else 1, goal)
            buf.move(pos, select=select)
            self._goal_x = goal
            self.refresh()
            return
        elif how == "home":
            pos = caret.home(pos)
        elif how == "end":
            pos = caret.end(pos)
        elif how in ("word_left", "word_right"):
            rtl = caret.rows[caret.row_of(pos)].rtl
            forward = (how == "word_right") != rtl
            pos = word_end(buf.text, pos) if forward else word_start(buf.text, pos)
        buf.move(pos, select=select)
        self._goal_x = None
        self.refresh()

    def _horizontal(self, caret: CaretMap, pos: int, delta: int) -> int:
        if self.settings.mode == "app":
            return caret.right(pos) if delta > 0 else caret.left(pos)
        # The terminal reorders (or nobody does): step logically, backwards on RTL rows.
        rtl = caret.rows[caret.row_of(pos)].line.direction == "rtl" and self.settings.mode != "off"
        return max(0, min(len(self.buffer.text), pos + (-delta if rtl else delta)))

    def _collapse(self, caret: CaretMap, how: str) -> int:
        sel = self.buffer.selection
        assert sel is not None
        xs = {p: caret.locate(p)[1] for p in sel}
        left, right = sorted(sel, key=lambda p: xs[p])
        return left if how == "left" else right

    def action_edit(self, how: str) -> None:
        """Delete: ``backspace``, ``delete``, ``word_back``, ``to_home``, ``to_end``."""
        buf = self.buffer
        if how == "backspace":
            buf.backspace()
        elif how == "delete":
            buf.delete()
        elif how == "word_back":
            buf.delete_word_back()
        elif how in ("to_home", "to_end"):
            caret = self.caret_map()
            buf.delete_to(caret.home(buf.cursor) if how == "to_home" else caret.end(buf.cursor))
        self._changed()

    def action_newline(self) -> None:
        """Insert a line break (multi-line mode only)."""
        if not self.single_line:
            self.insert("\n")

    def action_zwnj(self) -> None:
        """Insert a zero-width non-joiner (U+200C, the Persian half-space)."""
        self.insert(ZWNJ)

    def select_all(self) -> None:
        """Select everything."""
        self.buffer.select_all()
        self.refresh()
