"""The one way untrusted text reaches the screen: :func:`~tui.text.display_safe`, then layout.

Message bodies, sender names, chat titles, previews, file names and search snippets come from
strangers. Textual passes ESC, C1 and bidi overrides straight to the terminal and parses markup in
plain strings (``reference/security.md`` §1.3), so such text never becomes markup here: it is
sanitised with :func:`display_safe` (``where="name"`` for one-line labels, ``"body"`` for
messages), laid out by :mod:`tui.text` (right to left where it should be), and handed to Textual
as strips, ``Text`` or ``Content`` objects built from that output.

* :class:`SafeLabel`: one line (names, titles, previews), cut at its logical end with an ellipsis.
* :class:`SafeText`: a multi-line body, each paragraph with its own direction and alignment.
* :func:`safe_line`, :func:`safe_lines`, :func:`safe_text`, :func:`safe_content`: the same for
  widgets that are not ours (``DataTable`` cells, notifications, the command palette, ``Footer``).
* :func:`sanitize_spans`: the body and its formatting spans moved to the sanitised offsets.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from adapters.models import Span
from tui.text import Line, display_safe
from tui.text.sanitize import Edit, display_safe_edits
from tui.widgets.textline import (
    DEFAULT_SETTINGS,
    SPAN_COMPONENTS,
    Direction,
    TextSettings,
    lay_out,
    lay_out_one,
    line_content,
    line_strip,
    line_text,
    settings_for,
    span_css,
    span_styles,
)

Where = Literal["body", "name"]
Align = Literal["auto", "left", "right"]

#: U+2068 FSI … U+2069 PDI: wrap a sanitised name so it cannot reorder the text around it.
FSI = "\u2068"
PDI = "\u2069"


class OffsetMap:
    """Maps offsets in a text to offsets in its sanitised form (identity when unchanged).

    Built from :func:`~tui.text.sanitize.display_safe_edits` in linear time (a general diff
    was quadratic: minutes for one control character in a 50,000-character message). ``safe``
    must be ``display_safe(text, where)`` (``where`` None: whichever of the two it is; a
    ``safe`` that is neither raises ``ValueError``).
    """

    def __init__(self, text: str, safe: str, where: Where | None = None) -> None:
        self._identity = text is safe or text == safe
        self._length = len(text)
        self._safe_length = len(safe)
        self._blocks: list[tuple[int, int, int, int, bool]] = []
        if not self._identity:
            tries: tuple[Where, ...] = (where,) if where is not None else ("body", "name")
            for kind in tries:
                edits = display_safe_edits(text, kind)
                blocks = _blocks(edits, len(text))
                if _apply(text, blocks, edits) == safe:
                    self._blocks = blocks
                    break
            else:
                raise ValueError("OffsetMap: safe is not display_safe(text)")
        self._starts = [b[0] for b in self._blocks]

    def start(self, offset: int) -> int:
        """Where a range starting at ``offset`` starts in the sanitised text."""
        if self._identity:
            return offset
        if offset >= self._length:
            return self._safe_length
        i1, _, j1, _, equal = self._blocks[bisect_right(self._starts, offset) - 1]
        return j1 + (offset - i1) if equal else j1

    def end(self, offset: int) -> int:
        """Where a range ending at ``offset`` ends in the sanitised text."""
        if self._identity:
            return offset
        if offset <= 0:
            return 0
        i1, _, j1, j2, equal = self._blocks[bisect_right(self._starts, offset - 1) - 1]
        return j1 + (offset - i1) if equal else j2


def _blocks(edits: list[Edit], length: int) -> list[tuple[int, int, int, int, bool]]:
    """``(i1, i2, j1, j2, equal)`` blocks covering the text: copied stretches and edits."""
    blocks: list[tuple[int, int, int, int, bool]] = []
    i = j = 0
    for a, b, replacement in edits:
        if a > i:
            blocks.append((i, a, j, j + a - i, True))
            j += a - i
        blocks.append((a, b, j, j + len(replacement), False))
        i, j = b, j + len(replacement)
    if i < length or not blocks:
        blocks.append((i, length, j, j + length - i, True))
    return blocks


def _apply(text: str, blocks: list[tuple[int, int, int, int, bool]], edits: list[Edit]) -> str:
    """The sanitised text the blocks describe (to check they describe ``safe``)."""
    replacements = iter(r for _, _, r in edits)
    return "".join(text[a:b] if equal else next(replacements) for a, b, _, _, equal in blocks)


def sanitize_spans(
    text: str, spans: Sequence[Span] = (), where: Where = "body"
) -> tuple[str, tuple[Span, ...]]:
    """``display_safe(text)`` and ``spans`` moved onto it (a replaced control widens a span)."""
    safe = display_safe(text, where)
    if safe is text or not spans:
        return safe, tuple(spans)
    offsets = OffsetMap(text, safe, where)
    out = []
    for span in spans:
        a, b = offsets.start(span.start), offsets.end(span.end)
        if a < b:
            out.append(Span(a, b, span.kind, span.url, span.user_id, span.language))
    return safe, tuple(out)


def isolate(name: str) -> str:
    """A sanitised name between FSI and PDI, for putting inside a longer label."""
    return f"{FSI}{display_safe(name, 'name')}{PDI}"


def safe_line(
    text: str,
    width: int,
    *,
    where: Where = "name",
    direction: Direction = "auto",
    spans: Sequence[Span] = (),
    settings: TextSettings = DEFAULT_SETTINGS,
) -> Line:
    """Untrusted ``text`` sanitised and laid out on one line (logical-end ellipsis)."""
    safe, mapped = sanitize_spans(text, spans, where)
    return lay_out_one(safe, width, direction=direction, spans=mapped, settings=settings)


def safe_lines(
    text: str,
    width: int,
    *,
    direction: Direction = "auto",
    spans: Sequence[Span] = (),
    settings: TextSettings = DEFAULT_SETTINGS,
) -> list[Line]:
    """An untrusted body sanitised and laid out, one paragraph direction each."""
    safe, mapped = sanitize_spans(text, spans, "body")
    return lay_out(safe, width, direction=direction, spans=mapped, settings=settings)


def safe_text(
    text: str,
    width: int,
    *,
    where: Where = "name",
    direction: Direction = "auto",
    settings: TextSettings = DEFAULT_SETTINGS,
    style: Style | None = None,
) -> Text:
    """Untrusted text as a one-line Rich ``Text`` in visual order (a ``DataTable`` cell, a
    ``notify`` message with ``markup=False`` via ``.plain``)."""
    line = safe_line(text, width, where=where, direction=direction, settings=settings)
    return line_text(line, base=style)


def safe_content(
    text: str,
    width: int,
    *,
    where: Where = "name",
    direction: Direction = "auto",
    settings: TextSettings = DEFAULT_SETTINGS,
) -> Content:
    """Untrusted text as one-line Textual ``Content`` in visual order (never markup)."""
    line = safe_line(text, width, where=where, direction=direction, settings=settings)
    return line_content(line)


def _aligned(line: Line, align: Align) -> Line:
    return line if align == "auto" else replace(line, align=align)


class SafeLabel(Widget):
    """One line of untrusted text (a name, a title, a preview): sanitised, laid out, cut at its
    logical end; RTL text right-aligned unless ``align`` says otherwise."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(SPAN_COMPONENTS)
    DEFAULT_CSS = """
    SafeLabel { height: 1; width: 1fr; }
    """ + span_css("SafeLabel")

    text: reactive[str] = reactive("", layout=True)
    """The untrusted text shown."""

    def __init__(
        self,
        text: str = "",
        *,
        where: Where = "name",
        direction: Direction = "auto",
        align: Align = "auto",
        spans: Sequence[Span] = (),
        settings: TextSettings | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.where: Where = where
        self.direction: Direction = direction
        self.align = align
        self.spans = tuple(spans)
        self._settings = settings
        self.set_reactive(SafeLabel.text, text)

    def update(self, text: str, spans: Sequence[Span] = ()) -> None:
        """Show other text."""
        self.spans = tuple(spans)
        self.text = text
        self.refresh()

    def line(self, width: int | None = None) -> Line:
        """The laid-out line at ``width`` (default: the content width)."""
        width = self.content_region.width if width is None else width
        settings = self._settings or settings_for(self)
        return _aligned(
            safe_line(
                self.text,
                max(1, width),
                where=self.where,
                direction=self.direction,
                spans=self.spans,
                settings=settings,
            ),
            self.align,
        )

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as the text (up to the container)."""
        return self.line(max(1, container.width)).cells

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Always one line."""
        return 1

    def render_line(self, y: int) -> Strip:
        """The one line; blank below it."""
        width = self.content_region.width
        if y != 0 or width < 1:
            return Strip.blank(width, self.rich_style)
        return line_strip(self.line(width), width, base=self.rich_style, styles=span_styles(self))


class SafeText(Widget):
    """An untrusted multi-line body: per-paragraph direction and alignment, spans styled."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(SPAN_COMPONENTS)
    DEFAULT_CSS = """
    SafeText { height: auto; width: 1fr; }
    """ + span_css("SafeText")

    text: reactive[str] = reactive("", layout=True)
    """The untrusted body shown."""

    def __init__(
        self,
        text: str = "",
        *,
        direction: Direction = "auto",
        spans: Sequence[Span] = (),
        settings: TextSettings | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.direction: Direction = direction
        self.spans = tuple(spans)
        self._settings = settings
        self.set_reactive(SafeText.text, text)

    def update(self, text: str, spans: Sequence[Span] = ()) -> None:
        """Show another body."""
        self.spans = tuple(spans)
        self.text = text
        self.refresh(layout=True)

    def lines(self, width: int | None = None) -> list[Line]:
        """The laid-out lines at ``width`` (default: the content width)."""
        width = self.content_region.width if width is None else width
        return safe_lines(
            self.text,
            max(1, width),
            direction=self.direction,
            spans=self.spans,
            settings=self._settings or settings_for(self),
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One row per laid-out line."""
        return len(self.lines(max(1, width))) if self.text else 1

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the body."""
        width = self.content_region.width
        lines = self.lines(width) if width > 0 and self.text else []
        if y >= len(lines):
            return Strip.blank(width, self.rich_style)
        return line_strip(lines[y], width, base=self.rich_style, styles=span_styles(self))
