"""The RTL text engine: logical messages -> terminal lines that read right (no Textual here).

``display_safe`` neutralises terminal controls and bidi overrides in untrusted text; ``layout``
and ``layout_one_line`` turn logical text (Persian, English, digits, emoji, mixed) into shaped,
reordered, right-aligned-where-RTL lines with maps between visual cells and characters.
"""

from tui.text.layout import LayoutOptions, Line, layout, layout_one_line
from tui.text.sanitize import display_safe

__all__ = ["LayoutOptions", "Line", "display_safe", "layout", "layout_one_line"]
