"""The composer's text, kept LOGICAL, with a cursor and a selection: pure Python, no Textual.

:class:`EditBuffer` does the logical edits (insert, delete, words); :mod:`tui.widgets.caret` maps
between logical positions and visual cells. Everything that enters the buffer — typed keys,
pastes, drafts, the text of a message being edited, what ``$EDITOR`` wrote — passes
:func:`clean_input`, so the buffer never holds a terminal control (C0 but ``\\n``/``\\t``, DEL,
C1), a lone surrogate or an explicit bidi override/embedding (the Trojan-Source characters): the
widget can draw it through the layout without :func:`~tui.text.display_safe` changing its length.
ZWNJ, ZWJ, LRM/RLM/ALM and the isolates are kept: Persian needs ZWNJ, emoji need ZWJ.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: Format characters a person types on purpose (Persian keyboards send ZWNJ for Shift+Space).
TYPABLE_FORMAT: Final = frozenset("\u200c\u200d\u200e\u200f\u061c\u2066\u2067\u2068\u2069")
ZWNJ: Final = "\u200c"

_UNWANTED: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\ud800-\udfff]"  # C0 (not \t \n), DEL, C1, …
)
_WORD_JOINERS: Final = frozenset("\u200c\u200d_\u0640")


def clean_input(text: str, *, single_line: bool = False) -> str:
    """Text as the buffer may hold it: line breaks normalised to ``\\n`` (or to spaces when
    ``single_line``), controls, lone surrogates and bidi overrides removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _UNWANTED.sub("", text)
    if single_line:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def is_word_char(ch: str) -> bool:
    """Letters, digits, marks and the joiners inside Persian words (ZWNJ, ZWJ, tatweel, _)."""
    return ch.isalnum() or ch in _WORD_JOINERS or unicodedata.category(ch).startswith("M")


def word_end(text: str, pos: int) -> int:
    """The end of the word at or after ``pos`` (skipping separators first)."""
    n = len(text)
    while pos < n and not is_word_char(text[pos]):
        pos += 1
    while pos < n and is_word_char(text[pos]):
        pos += 1
    return pos


def word_start(text: str, pos: int) -> int:
    """The start of the word before ``pos`` (skipping separators first)."""
    while pos > 0 and not is_word_char(text[pos - 1]):
        pos -= 1
    while pos > 0 and is_word_char(text[pos - 1]):
        pos -= 1
    return pos


class EditBuffer:
    """Logical text, a cursor (0…len) and an optional selection anchor."""

    def __init__(self, text: str = "", *, single_line: bool = False) -> None:
        self.single_line = single_line
        self.text = clean_input(text, single_line=single_line)
        self.cursor = len(self.text)
        self.anchor: int | None = None

    def set_text(self, text: str, cursor: int | None = None) -> None:
        """Replace everything; the cursor goes to ``cursor`` (default: the end)."""
        self.text = clean_input(text, single_line=self.single_line)
        self.cursor = len(self.text) if cursor is None else max(0, min(cursor, len(self.text)))
        self.anchor = None

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected logical range ``(start, end)``, or None."""
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return (min(self.anchor, self.cursor), max(self.anchor, self.cursor))

    @property
    def selected_text(self) -> str:
        """The selected text ("" without a selection)."""
        sel = self.selection
        return self.text[sel[0] : sel[1]] if sel else ""

    def move(self, pos: int, *, select: bool = False) -> None:
        """Put the cursor at ``pos``; with ``select`` extend the selection, else drop it."""
        if select:
            if self.anchor is None:
                self.anchor = self.cursor
        else:
            self.anchor = None
        self.cursor = max(0, min(pos, len(self.text)))

    def select_all(self) -> None:
        """Select the whole text."""
        self.anchor, self.cursor = 0, len(self.text)

    def _replace(self, start: int, end: int, new: str) -> None:
        self.text = self.text[:start] + new + self.text[end:]
        self.cursor = start + len(new)
        self.anchor = None

    def delete_selection(self) -> bool:
        """Remove the selected text; False when nothing was selected."""
        sel = self.selection
        if sel is None:
            return False
        self._replace(sel[0], sel[1], "")
        return True

    def insert(self, text: str) -> None:
        """Type or paste ``text`` at the cursor (replacing the selection)."""
        text = clean_input(text, single_line=self.single_line)
        sel = self.selection or (self.cursor, self.cursor)
        self._replace(sel[0], sel[1], text)

    def backspace(self) -> None:
        """Delete the selection or the code point before the cursor."""
        if not self.delete_selection() and self.cursor > 0:
            self._replace(self.cursor - 1, self.cursor, "")

    def delete(self) -> None:
        """Delete the selection or the code point after the cursor."""
        if not self.delete_selection() and self.cursor < len(self.text):
            self._replace(self.cursor, self.cursor + 1, "")

    def delete_word_back(self) -> None:
        """Delete back to the start of the previous word."""
        if not self.delete_selection():
            self._replace(word_start(self.text, self.cursor), self.cursor, "")

    def delete_to(self, pos: int) -> None:
        """Delete between the cursor and ``pos`` (either side)."""
        if not self.delete_selection():
            a, b = sorted((self.cursor, max(0, min(pos, len(self.text)))))
            self._replace(a, b, "")
