"""Tokens that read left to right whatever surrounds them: isolated before the bidi algorithm.

Left to the UBA, «شماره: +98 912 345 6789» shows ``6789 345 912 98+``: after Arabic letters,
rule W2 makes the digit groups Arabic numbers, and an RTL paragraph lays them out right to left
(``reference/rtl.md`` §4.4, item 10). A URL with a query, an e-mail address, ``@mention`` or
inline code can break up the same way. Wrapping such a token in LRI…PDI fixes it, so ``layout``
treats each as an LTR isolate (without inserting anything into the text) and the paragraph's
direction detection skips it, as P2 skips isolates.

Phone numbers are recognised conservatively (a leading ``+``/``00``, or a leading 0 and at least
ten digits), so that a list of plain numbers keeps its right-to-left order.
"""

from __future__ import annotations

import re
from typing import Final

_DIGIT: Final = "0-9\u06f0-\u06f9\u0660-\u0669"
_ZERO: Final = "[0\u06f0\u0660]"
_URL: Final = r"(?:(?:https?|ftp|tg)://|www\.)[^\s<>\"«»`]+"
_EMAIL: Final = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_MENTION: Final = r"(?<![\w@])@[A-Za-z0-9_]+"
_CODE: Final = r"`[^`\n]+`"
_PHONE: Final = (
    rf"(?<![\w+])(?:\+|{_ZERO}{_ZERO}|(?={_ZERO}[{_DIGIT}]{{9}}|{_ZERO}[{_DIGIT}]+[ -]))"
    rf"[{_DIGIT}]{{1,5}}(?:[ -]?[{_DIGIT}]{{1,5}}){{1,6}}(?![\w])"
)
TOKEN: Final = re.compile(
    f"(?P<code>{_CODE})|(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<mention>{_MENTION})"
    f"|(?P<phone>{_PHONE})"
)
"""Inline code, URLs, e-mail addresses, @mentions and phone numbers (first match wins)."""

# Something every token has: a backtick, an @, a scheme or www., or a + or 0 before a digit.
_MAYBE: Final = re.compile(rf"[`@]|://|www\.|[+0\u06f0\u0660][{_DIGIT}]")

# Punctuation that ends a sentence rather than a URL.
_URL_TAIL: Final = ".,;:!?'\"،؛؟)]}"
_PAIRS: Final = {")": "(", "]": "[", "}": "{"}


def _trim_url(token: str) -> str:
    """Drop trailing sentence punctuation from a URL, keeping balanced closing brackets."""
    while token and token[-1] in _URL_TAIL:
        last = token[-1]
        opening = _PAIRS.get(last)
        if opening is not None and token.count(opening) >= token.count(last):
            break
        token = token[:-1]
    return token


def _digit_count(token: str) -> int:
    return sum(1 for c in token if c.isdigit())


def find_isolates(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` ranges of ``text`` to treat as LTR isolates, sorted and disjoint."""
    if not _MAYBE.search(text):
        return []  # cheap exit: every token needs one of these
    ranges: list[tuple[int, int]] = []
    for match in TOKEN.finditer(text):
        start, end = match.span()
        if match.lastgroup == "url":
            end = start + len(_trim_url(match.group()))
        elif match.lastgroup == "phone" and _digit_count(match.group()) < 7:
            continue  # too short for a phone number
        if end > start:
            ranges.append((start, end))
    return ranges
