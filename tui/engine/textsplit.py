"""Splitting a text that is too long for one message into ordered parts, on word boundaries.

Lengths are counted in UTF-16 code units, the unit Telegram-style APIs count in (an emoji
outside the BMP is 2): a part that fits by that count fits everywhere. A break prefers a line
break in the second half of the window, then any whitespace; a single "word" longer than the
limit is cut, but never inside a combining sequence (a letter and its harakat, an emoji and
its ZWJ/variation selectors stay together).
"""

from __future__ import annotations

import unicodedata

_JOINERS = frozenset("\u200c\u200d\ufe0e\ufe0f")


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fit(text: str, limit: int) -> int:
    """The largest n with units(text[:n]) <= limit."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def _attached(ch: str) -> bool:
    return ch in _JOINERS or unicodedata.category(ch) in ("Mn", "Me", "Mc")


def split_once(text: str, limit: int) -> tuple[str, str]:
    """(the first part, the rest), with the whitespace at the break dropped."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if units(text) <= limit:
        return text, ""
    cut = _fit(text, limit)
    window = text[:cut]
    brk = window.rfind("\n", cut // 2)
    if brk <= 0 and text[cut].isspace():
        brk = cut  # the window ends exactly at a word's end
    if brk <= 0:
        brk = max((i for i, ch in enumerate(window) if ch.isspace() and i > 0), default=-1)
    if brk <= 0:
        brk = cut  # one long word: cut it, but not inside a combining sequence
        while brk > 1 and (_attached(text[brk]) or text[brk - 1] == "\u200d"):
            brk -= 1
    head, rest = text[:brk].rstrip(), text[brk:].lstrip()
    return head, rest


def split_text(text: str, limit: int) -> list[str]:
    """``text`` as parts of at most ``limit`` UTF-16 units each, in order; [] if blank."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        head, rest = split_once(rest, limit)
        if head:
            parts.append(head)
    return parts
