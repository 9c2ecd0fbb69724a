"""Changing a scroll view's virtual size without laying out the whole screen again.

Textual's ``Widget.virtual_size`` is a reactive with ``layout=True``: every assignment asks the
screen for a full layout, so the next frame re-arranges and repaints every widget on it — a
page of history arriving, or an inbox row changing, then cost the next key's frame all that. A
Line-API view whose size on screen does not change needs none of that: only its scrollbar must
learn the new height, and the scroll offset must be clamped to it. Textual lays out again by
itself when a scrollbar appears or goes (``show_vertical_scrollbar`` is a layout reactive of
its own), so that case still works.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget


def set_virtual_size(widget: Widget, size: Size) -> None:
    """Give ``widget`` (a scroll view) the virtual ``size``: scrollbars updated, scroll offsets
    clamped, the widget repainted — but no layout of the screen unless a scrollbar appears or
    disappears."""
    if size == widget.virtual_size:
        return
    widget.set_reactive(Widget.virtual_size, size)
    if widget.is_mounted and widget.container_size:
        # Widget._scroll_update (Textual is pinned exactly) is what a layout would end with.
        widget._scroll_update(size)
        # A scrollbar that has just appeared missed the offsets set while it was hidden.
        if widget.show_vertical_scrollbar:
            widget.vertical_scrollbar.position = widget.scroll_y
        if widget.show_horizontal_scrollbar:
            widget.horizontal_scrollbar.position = widget.scroll_x
    else:
        widget.refresh(layout=True)  # not arranged yet: let the first layout size it
    widget.refresh()


__all__ = ["set_virtual_size"]
