"""Toasts through the text engine: ``App.notify`` does no bidi, so Persian (or any outside text)
is sanitised, laid out at the toast's width and handed over as plain visual lines with
``markup=False``: RTL lines padded to the right edge, nothing parsed as markup.
"""

from __future__ import annotations

from typing import Any, Literal

from textual.app import App
from textual.dom import DOMNode
from textual.widget import Widget

from tui.widgets.safe import safe_lines
from tui.widgets.textline import settings_for

Severity = Literal["information", "warning", "error"]
TOAST_WIDTH = 60  # Textual's Toast: width 60, max-width 50%, padding 1, a 1-cell border
TOAST_CHROME = 4


def toast_width(node: DOMNode) -> int:
    """The cells a toast's text gets on ``node``'s app now."""
    try:
        screen_width = node.app.size.width
    except Exception:  # no running app
        screen_width = TOAST_WIDTH * 2
    return max(10, min(TOAST_WIDTH, screen_width // 2) - TOAST_CHROME)


def visual_text(node: DOMNode, text: str, width: int | None = None) -> str:
    """``text`` sanitised and laid out as the lines a toast shows (RTL lines right-aligned)."""
    width = width or toast_width(node)
    lines = safe_lines(text, width, settings=settings_for(node))
    out = []
    for line in lines:
        pad = " " * max(0, width - line.cells) if line.align == "right" else ""
        out.append(pad + line.text)
    return "\n".join(out)


def toast(
    node: Widget | App[Any],
    text: str,
    *,
    severity: Severity = "information",
    timeout: float | None = None,
    title: str = "",
) -> None:
    """``node.notify`` with ``text`` (and ``title``) drawn through the text engine."""
    width = toast_width(node)
    node.notify(
        visual_text(node, text, width),
        title=visual_text(node, title, width).strip() if title else "",
        severity=severity,
        timeout=timeout,
        markup=False,
    )
