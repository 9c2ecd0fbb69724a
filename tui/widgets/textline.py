"""Turn the text engine's :class:`~tui.text.Line` into what Textual draws: strips and texts.

Every widget that shows text a person wrote (bodies, names, titles, previews, snippets) draws it
through here, so that alignment, span styles and the terminal bidi mode are handled once:

* :class:`TextSettings` says who reorders (the ``mode`` of :mod:`tui.text.termbidi`) and carries
  the :class:`~tui.text.LayoutOptions`. In ``app`` mode lines are shaped and reordered by
  :func:`tui.text.layout`; in ``terminal`` and ``off`` modes the terminal (or nobody) reorders, so
  lines keep the logical, unshaped text (still broken at the width in logical order; ``terminal``
  keeps right alignment of RTL paragraphs, ``off`` aligns everything left). Both kinds are
  :class:`Line` objects with the same maps, so cursors and spans work the same way.
* :func:`line_strip` renders one line into a :class:`~textual.strip.Strip` of an exact width:
  RTL lines right-aligned, each span kind styled from a mapping (usually component classes, see
  :data:`SPAN_COMPONENTS`), links made clickable through a style ``meta`` callback (an action name
  and an integer, never the URL itself: an untrusted URL must not reach the action parser).
* :func:`line_text` and :func:`line_content` give the same visual text as Rich ``Text`` or
  Textual ``Content`` for widgets that take those (a ``DataTable`` cell, a notification).

Nothing here sanitises: untrusted text goes through :mod:`tui.widgets.safe` first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Final, Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.content import Span as ContentSpan
from textual.strip import Strip
from textual.style import Style as ContentStyle

from adapters.models import Span
from tui.text import LayoutOptions, Line, layout, layout_one_line
from tui.text.layout import ELLIPSIS
from tui.text.unidata import BREAK_SPACES

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.widget import Widget

    from tui.text.termbidi import BidiDecision

BidiMode = Literal["app", "terminal", "off"]
Direction = Literal["auto", "rtl", "ltr", "majority"]
LinkMeta = Callable[[Span], Style | None]

#: The span kinds a widget styles, each with the component class that styles it.
SPAN_KINDS: Final = (
    "bold",
    "italic",
    "underline",
    "strike",
    "spoiler",
    "code",
    "pre",
    "link",
    "mention",
    "quote",
    "highlight",
)
SPAN_COMPONENTS: Final = frozenset(f"text--{kind}" for kind in SPAN_KINDS)

_SPAN_RULES: Final = {
    "bold": "text-style: bold;",
    "italic": "text-style: italic;",
    "underline": "text-style: underline;",
    "strike": "text-style: strike;",
    "spoiler": "color: $foreground-muted; background: $foreground-muted;",
    "code": "color: $text-accent; background: $boost;",
    "pre": "color: $text-accent; background: $boost;",
    "link": "color: $text-primary; text-style: underline;",
    "mention": "color: $text-secondary; text-style: bold;",
    "quote": "color: $text-muted; text-style: italic;",
    "highlight": "color: $text-warning; background: $warning-muted; text-style: bold;",
}


def span_css(widget: str) -> str:
    """``DEFAULT_CSS`` rules for the ``text--<kind>`` component classes of ``widget``."""
    return "\n".join(f"{widget} > .text--{kind} {{ {rule} }}" for kind, rule in _SPAN_RULES.items())


def component_style(node: Widget, name: str) -> Style:
    """A component class's style with only what its CSS sets (so it layers over other styles),
    colours blended over the widget's background (``$boost``, ``$text-muted`` have alpha)."""
    partial = node.get_component_rich_style(name, partial=True)
    full = node.get_component_rich_style(name)
    return Style(
        color=full.color if partial.color is not None else None,
        bgcolor=full.bgcolor if partial.bgcolor is not None else None,
        bold=partial.bold,
        dim=partial.dim,
        italic=partial.italic,
        underline=partial.underline,
        strike=partial.strike,
        reverse=partial.reverse,
    )


def span_styles(node: Widget) -> dict[str, Style]:
    """The ``text--<kind>`` component styles of a widget that lists :data:`SPAN_COMPONENTS`
    (see :func:`component_style`)."""
    return {kind: component_style(node, f"text--{kind}") for kind in SPAN_KINDS}


@dataclass(frozen=True, slots=True)
class TextSettings:
    """How text becomes cells: who reorders, and the layout options (both part of caches)."""

    mode: BidiMode = "app"
    options: LayoutOptions = field(default_factory=LayoutOptions)

    @classmethod
    def from_decision(
        cls, decision: BidiDecision, options: LayoutOptions | None = None
    ) -> TextSettings:
        """Settings for the terminal bidi mode :func:`tui.text.termbidi.decide` chose."""
        return cls(decision.mode, options or LayoutOptions())


DEFAULT_SETTINGS: Final = TextSettings()


def settings_for(node: DOMNode) -> TextSettings:
    """The app's text settings: ``app.text_settings`` when the app defines it, else defaults.

    The application sets ``text_settings`` (a :class:`TextSettings`) once from the terminal bidi
    decision and the config; widgets read it here unless they were given settings explicitly.
    """
    try:
        found = getattr(node.app, "text_settings", None)
    except Exception:  # no active app (a widget built outside one)
        return DEFAULT_SETTINGS
    return found if isinstance(found, TextSettings) else DEFAULT_SETTINGS


# --- lines in any mode ---------------------------------------------------------------------


def lay_out(
    text: str,
    width: int,
    *,
    direction: Direction = "auto",
    spans: Sequence[Span] = (),
    settings: TextSettings = DEFAULT_SETTINGS,
) -> list[Line]:
    """:func:`tui.text.layout` in ``app`` mode; else logical, unshaped lines (broken at the
    width as the terminal will measure them), with each paragraph's direction."""
    width = max(1, width)
    lines = layout(text, width, direction=direction, spans=spans, options=settings.options)
    if settings.mode == "app":
        return lines
    first = {line.start: line for line in reversed(lines)}  # a paragraph's first line
    out: list[Line] = []
    start = 0
    for match in (*_SEPARATOR.finditer(text), None):
        end = match.start() if match else len(text)
        after = match.end() if match else len(text)
        para = first.get(start) or lines[-1]
        out.extend(_logical_paragraph(text, start, end, after, width, para, spans, settings.mode))
        start = after
    return out


_SEPARATOR: Final = re.compile("\r\n|[\n\u2029]")
_SPACES: Final = "".join(BREAK_SPACES)


def _logical_paragraph(
    text: str,
    start: int,
    end: int,
    after: int,
    width: int,
    para: Line,
    spans: Sequence[Span],
    mode: BidiMode,
) -> list[Line]:
    """One paragraph broken greedily at spaces (words longer than the width are cut)."""
    out: list[Line] = []
    a = start
    while True:
        b, used, last_space = a, 0, -1
        while b < end and used + cell_len(text[b]) <= width:
            used += cell_len(text[b])
            if text[b] in _SPACES:
                last_space = b
            b += 1
        if b < end and last_space > a:
            b = last_space + 1
        while b < end and text[b] in _SPACES:  # trailing spaces stay on this line
            b += 1
        if b == a and a < end:  # a character wider than the line
            b = a + 1
        done = b >= end
        out.append(_logical(text, a, after if done else b, para, spans, mode))
        a = b
        if done:
            return out


def _logical(
    text: str, start: int, end: int, para: Line, spans: Sequence[Span], mode: BidiMode
) -> Line:
    """``text[start:end]`` in logical order, unshaped (for a terminal that reorders itself)."""
    raw = text[start:end]
    keep = len(raw.rstrip("\r\n\u2029").rstrip(_SPACES))
    shown = raw[:keep].replace("\t", " ")
    return Line(
        text=shown,
        cells=cell_len(shown),
        direction=para.direction,
        align=para.align if mode == "terminal" else "left",
        start=start,
        end=end,
        vis2log=tuple(range(start, start + keep)),
        log2vis=tuple(i if i < keep else -1 for i in range(end - start)),
        spans=_shift_spans(spans, start, start + keep, start),
    )


def lay_out_one(
    text: str,
    width: int,
    *,
    direction: Direction = "auto",
    spans: Sequence[Span] = (),
    settings: TextSettings = DEFAULT_SETTINGS,
) -> Line:
    """:func:`tui.text.layout_one_line` in ``app`` mode; else the logical text on one line, cut
    at its logical end with an ellipsis."""
    width = max(1, width)
    if settings.mode == "app":
        return layout_one_line(
            text, width, direction=direction, spans=spans, options=settings.options
        )
    probe = layout_one_line(text, 10_000, direction=direction, options=settings.options)
    flat = text.replace("\r\n", " \u200c").replace("\n", " ").replace("\u2029", " ")
    flat = flat.replace("\t", " ")
    keep = len(flat.rstrip("".join(BREAK_SPACES)))
    cut = None
    if cell_len(flat[:keep]) > width:
        keep, used = 0, 0
        while keep < len(flat) and used + cell_len(flat[keep]) <= width - 1:
            used += cell_len(flat[keep])
            keep += 1
        cut = keep
    shown = flat[:keep] + (ELLIPSIS if cut is not None else "")
    vis2log = tuple(range(keep)) + ((cut,) if cut is not None else ())
    log2vis = tuple(i if i < keep else -1 for i in range(len(text)))
    return Line(
        text=shown,
        cells=cell_len(shown),
        direction=probe.direction,
        align=probe.align if settings.mode == "terminal" else "left",
        start=0,
        end=len(text),
        vis2log=vis2log,
        log2vis=log2vis,
        spans=_shift_spans(spans, 0, keep, 0),
    )


def _shift_spans(spans: Sequence[Span], start: int, end: int, offset: int) -> tuple[Span, ...]:
    out: list[Span] = []
    for span in spans:
        a, b = max(span.start, start), min(span.end, end)
        if a < b:
            out.append(
                Span(a - offset, b - offset, span.kind, span.url, span.user_id, span.language)
            )
    return tuple(out)


# --- rendering -----------------------------------------------------------------------------


def _pieces(
    line: Line, styles: Mapping[str, Style], link_meta: LinkMeta | None
) -> list[tuple[int, int, Style | None]]:
    """``line.text`` cut at span edges, each piece with the style its spans add (or None)."""
    text = line.text
    layers: list[tuple[int, int, Style]] = []
    for span in line.spans:
        style = styles.get(span.kind)
        if span.kind == "link" and link_meta is not None:
            meta = link_meta(span)
            if meta is not None:
                style = meta if style is None else style + meta
        if style is not None and span.start < span.end:
            layers.append((max(0, span.start), min(len(text), span.end), style))
    if not layers:
        return [(0, len(text), None)]
    cuts = sorted({0, len(text), *(a for a, _, _ in layers), *(b for _, b, _ in layers)})
    out: list[tuple[int, int, Style | None]] = []
    for a, b in pairwise(cuts):
        if a >= b:
            continue
        combined: Style | None = None
        for start, end, style in layers:
            if start <= a and b <= end:
                combined = style if combined is None else combined + style
        out.append((a, b, combined))
    return out


def line_strip(
    line: Line,
    width: int,
    *,
    base: Style | None = None,
    styles: Mapping[str, Style] | None = None,
    link_meta: LinkMeta | None = None,
    align: bool = True,
) -> Strip:
    """One line as a strip exactly ``width`` cells wide (cropped or padded with ``base``).

    ``align``: right-align lines whose ``align`` is ``right`` (RTL paragraphs). ``styles`` maps
    span kinds to styles layered over ``base``; ``link_meta(span)`` may add a style carrying
    ``meta`` (e.g. ``{"@click": ("open_link", (3,))}``) to each link span.
    """
    base = base or Style()
    segments: list[Segment] = []
    pad = max(0, width - line.cells) if align and line.align == "right" else 0
    if pad:
        segments.append(Segment(" " * pad, base))
    for a, b, style in _pieces(line, styles or {}, link_meta):
        segments.append(Segment(line.text[a:b], base if style is None else base + style))
    return Strip(segments, pad + line.cells).adjust_cell_length(width, base)


def line_text(
    line: Line, *, base: Style | None = None, styles: Mapping[str, Style] | None = None
) -> Text:
    """The line's visual text as a Rich ``Text`` (no alignment padding), spans styled."""
    text = Text(line.text, style=base or "", no_wrap=True, end="")
    for a, b, style in _pieces(line, styles or {}, None):
        if style is not None:
            text.stylize(style, a, b)
    return text


def line_content(line: Line, *, styles: Mapping[str, Style] | None = None) -> Content:
    """The line's visual text as Textual ``Content`` (never parsed as markup)."""
    spans = [
        ContentSpan(a, b, ContentStyle.from_rich_style(style))
        for a, b, style in _pieces(line, styles or {}, None)
        if style is not None
    ]
    return Content(line.text, spans)


def lines_content(lines: Sequence[Line], width: int) -> Content:
    """Several lines as one ``Content`` block, RTL lines padded to the right edge of ``width``."""
    rows = []
    for line in lines:
        pad = max(0, width - line.cells) if line.align == "right" else 0
        rows.append(Content(" " * pad) + line_content(line))
    return Content("\n").join(rows)
