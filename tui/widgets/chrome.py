"""Payam's own one-line chrome, drawn through the text engine (Persian words read right):

* :class:`ChromeLine` — a header or status line: ``start`` text at the UI's start edge,
  ``end`` text at the other (mirrored for a Persian UI). Any part may quote outside text (a
  filter, an account name), so both go through ``display_safe`` like everything else.
* :class:`KeyBar` — Payam's footer: the shown bindings of the focused chain as ``key action``
  pairs, named in the UI's language (by binding id or action name), right to left for
  Persian. Textual's ``Footer`` does no bidi, so Persian descriptions would come out reversed
  and unjoined there. A click on a pair runs its action.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui.i18n import I18n
from tui.keys import key_label
from tui.widgets.rowlist import cell, join_cells
from tui.widgets.safe import safe_line
from tui.widgets.textline import component_style, line_strip, settings_for


class ChromeLine(Widget):
    """A line with a start part and an end part (see the module docs)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"chrome-line--end"}
    DEFAULT_CSS = """
    ChromeLine { height: 1; width: 1fr; }
    ChromeLine > .chrome-line--end { color: $text-muted; }
    """

    start: reactive[str] = reactive("")
    end: reactive[str] = reactive("")

    def __init__(
        self,
        start: str = "",
        end: str = "",
        *,
        rtl: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rtl = rtl
        self.set_reactive(ChromeLine.start, start)
        self.set_reactive(ChromeLine.end, end)

    def update(self, start: str, end: str | None = None) -> None:
        """Show other words."""
        self.start = start
        if end is not None:
            self.end = end

    def render_line(self, y: int) -> Strip:
        """The one line."""
        width = self.content_region.width
        base = self.rich_style
        if y != 0 or width < 1:
            return Strip.blank(max(0, width), base)
        settings = settings_for(self)
        end_text = self.end
        end_w = 0
        cells: list[Strip] = []
        if end_text:
            end_line = safe_line(end_text, max(1, width // 2), settings=settings)
            end_w = end_line.cells
        start_w = max(1, width - end_w - (1 if end_w else 0))
        line = safe_line(self.start, start_w, settings=settings)
        if self.rtl:
            line = replace(line, align="right")
        cells.append(line_strip(line, start_w, base=base, align=self.rtl))
        if end_w:
            end_style = base + component_style(self, "chrome-line--end")
            cells.append(cell("", 1, base))
            cells.append(line_strip(end_line, end_w, base=end_style, align=False))
        return join_cells(cells, self.rtl).adjust_cell_length(width, base)


class KeyBar(Widget):
    """The footer: the screen's shown bindings in the UI's language (see the module docs)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar { height: 1; width: 1fr; dock: bottom; background: $footer-background; }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .key-bar--description { color: $footer-description-foreground; }
    """

    def __init__(self, t: I18n, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.t = t
        self._hits: list[tuple[int, int, str, Widget | None]] = []

    def on_mount(self) -> None:
        """Redraw when the focus (and so the bindings) change."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop listening."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, *_: object) -> None:
        self.refresh()

    def items(self) -> list[tuple[str, str, str, Widget | None]]:
        """(keys label, description, action, namespace) of each shown, enabled binding."""
        seen: dict[str, tuple[str, str, str, Widget | None]] = {}
        try:
            bindings = self.screen.active_bindings
        except Exception:  # not on a screen yet
            return []
        for key, active in bindings.items():
            binding = active.binding
            if not binding.show or not active.enabled:
                continue
            name = binding.id or binding.action.partition("(")[0]
            if name in seen:  # one entry per action, listing its first key only
                continue
            label = binding.key_display or key_label(key)
            fallback = binding.description or name
            words = self.t.action(name, fallback) if self.t.has_action(name) else fallback
            node = active.node if isinstance(active.node, Widget) else None
            seen[name] = (label, words, binding.action, node)
        return list(seen.values())

    def render_line(self, y: int) -> Strip:
        """The pairs, from the UI's start edge, as many as fit."""
        width = self.content_region.width
        base = self.rich_style
        if y != 0 or width < 1:
            return Strip.blank(max(0, width), base)
        settings = settings_for(self)
        key_style = base + component_style(self, "key-bar--key")
        desc_style = base + component_style(self, "key-bar--description")
        rtl = self.t.rtl
        pieces: list[Strip] = []
        used = 0
        hits: list[tuple[int, int, str, Widget | None]] = []
        for label, words, action, node in self.items():
            desc = safe_line(words, max(1, width), settings=settings)
            key_cell = cell(f" {label} ", cell_len(label) + 2, key_style)
            desc_cell = line_strip(desc, desc.cells, base=desc_style, align=False)
            item = join_cells([key_cell, desc_cell, cell(" ", 1, base)], rtl)
            if used + item.cell_length > width:
                break
            hits.append((used, used + item.cell_length, action, node))
            pieces.append(item)
            used += item.cell_length
        strip = join_cells(pieces, rtl)
        pad = Strip.blank(width - used, base)
        if rtl:
            self._hits = [(width - b, width - a, act, n) for a, b, act, n in hits]
            return Strip.join([pad, strip])
        self._hits = hits
        return Strip.join([strip, pad])

    async def on_click(self, event: events.Click) -> None:
        """Run the clicked pair's action."""
        for a, b, action, node in self._hits:
            if a <= event.x < b:
                event.stop()
                await self.app.run_action(action, node)
                return
