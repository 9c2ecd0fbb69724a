"""Neutralise terminal controls and bidi spoofing in untrusted text before it is displayed.

Textual writes its own escape stream and passes ESC, C1 and bidi overrides straight through
(``reference/security.md`` §1.3), so every string that comes from outside (message bodies, sender
names, chat titles, file names, notifications, search results, *and the log formatter*, since a
log tailed in a terminal is a sink too) must go through :func:`display_safe` at its display choke
point. The raw text stays in the store; this module is pure (no I/O, no logging, no Textual).

What :func:`display_safe` does, per class of character:

========================================  ===============================  =======================
Input                                     ``where="body"``                 ``where="name"``
========================================  ===============================  =======================
C0 U+0000–U+001F except ``\\n``, ``\\t``  Control Picture U+2400+cp        same
(incl. ESC → ``␛``, CR → ``␍``, BEL)
``\\t``                                   kept                             kept
``\\n``                                   kept                             ``␤`` (U+2424)
DEL U+007F                                ``␡`` (U+2421)                   same
C1 U+0080–U+009F                          ``␛`` + its 7-bit form: U+009B   same
                                          (CSI) → ``␛[``, U+009D (OSC) →
                                          ``␛]``, U+0085 (NEL) → ``␛E``
U+2028 LS, U+2029 PS                      ``\\n``                          ``␤``
U+202A–U+202E (LRE RLE PDF LRO RLO)       visible marker ``⟨RLO⟩`` etc.    removed
U+2066–U+2069 (LRI RLI FSI PDI)           kept when matched within their   removed
                                          paragraph, else marker ``⟨LRI⟩``
surrogate pair (two code points)          the character it encodes         same
lone surrogate                            U+FFFD                           same
LRM, RLM, ALM, ZWNJ, ZWJ, variation       kept                             kept
selectors, tags, everything else
========================================  ===============================  =======================

Why these choices:

* *Replace, never delete* terminal controls, so the reader sees that something was there; a
  stateless per-character filter cannot be desynchronised by a malformed or unterminated escape
  sequence (the ``less`` OSC 8 CVE). ESC becoming ``␛`` is enough to defuse every sequence it
  leads (CSI, OSC 0/8/52, DCS/APC/PM/SOS, bracketed-paste end ``ESC[201~``).
* C1 controls have no Control Pictures. A C1 code 0x80+x is by definition the same control as
  ``ESC`` followed by 0x40+x, so it is shown exactly as that 7-bit form would be: ``␛`` and one
  printable ASCII character. That form contains no control character, so the function stays
  idempotent.
* Overrides and embeddings have no legitimate use in chat text that a terminal could honour, and
  they are the Trojan-Source / ``@moc.ft`` attack; bodies show them, names drop them. Isolates
  cannot leak out of a paragraph when matched, and the layout engine resolves and then drops them,
  so matched pairs stay in bodies. Names and titles are where spoofing matters most and are laid
  out in their own field by the UI, so *all nine* explicit controls are removed there (Signal's
  ``bidiStrip``; ``security.md`` §1.4). Isolate matching follows UBA BD9 per paragraph, and the
  only paragraph separator left after sanitising is ``\\n``, which is what the layout splits on.
* Names are one-line labels, so a line break there becomes the visible ``␤`` instead of breaking
  the list row.
* LRM/RLM/ALM, ZWNJ and ZWJ are needed by Persian text and emoji sequences and are harmless.

The output is idempotent (``f(f(x)) == f(x)``), never contains C0 (other than ``\\n``/``\\t`` in
bodies, ``\\t`` in names), DEL, C1, surrogates or U+202A–U+202E, and is the identity (the very same
object) on ordinary Persian, Arabic, Latin, CJK and emoji text: one precompiled regex search
decides that nothing needs changing, which is the path nearly every string takes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, Literal

__all__ = ["display_safe", "display_safe_edits", "safe_name"]

_PDI: Final = "\u2069"

#: The short names shown in the visible markers of explicit bidi controls.
_BIDI_NAMES: Final[dict[int, str]] = {
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
}


def _marker(cp: int) -> str:
    return f"⟨{_BIDI_NAMES[cp]}⟩"


def _common_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x20):
        if cp not in (0x09, 0x0A):
            table[cp] = chr(0x2400 + cp)
    table[0x7F] = "\u2421"
    for cp in range(0x80, 0xA0):
        table[cp] = "\u241b" + chr(cp - 0x40)
    return table


def _body_table() -> dict[int, str]:
    table = _common_table()
    table[0x2028] = table[0x2029] = "\n"
    for cp in range(0x202A, 0x202F):
        table[cp] = _marker(cp)
    return table


def _name_table() -> dict[int, str]:
    table = _common_table()
    table[0x0A] = table[0x2028] = table[0x2029] = "\u2424"
    for cp in _BIDI_NAMES:
        table[cp] = ""
    return table


_BODY_TABLE: Final = _body_table()
_NAME_TABLE: Final = _name_table()


def _replacer(table: dict[int, str]) -> Callable[[re.Match[str]], str]:
    def replace(found: re.Match[str]) -> str:
        char = found.group()
        return table.get(ord(char), char)  # isolates are matched but not in the body table

    return replace


_BODY_REPLACE: Final = _replacer(_BODY_TABLE)
_NAME_REPLACE: Final = _replacer(_NAME_TABLE)

# Everything display_safe may change, as one character class, for the fast path. Isolates are in
# the body class although matched ones survive: checking the matching is the slow path's job.
_OTHERS: Final = "\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_BODY_NEEDS: Final = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")
_NAME_NEEDS: Final = re.compile(f"[\x00-\x08\x0a-\x1f{_OTHERS}]")

_SURROGATES: Final = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")
_ISOLATES_OR_NL: Final = re.compile("[\n\u2066-\u2069]")
# The paragraph separators of the *input* that end up as "\n" in a body (for the edit list).
_ISOLATES_OR_SEPARATORS: Final = re.compile("[\n\u2028\u2029\u2066-\u2069]")
_ANY_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_ANY_ISOLATE: Final = re.compile("[\u2066-\u2069]")


def _fix_surrogate(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) == 2:
        # A pair left by a UTF-16 decoder that let surrogates through: show what it encodes.
        high, low = ord(found[0]), ord(found[1])
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    return "\ufffd"


def _unmatched_isolates(text: str, separators: re.Pattern[str]) -> list[int]:
    """Indices of the isolate initiators and PDIs that UBA rule BD9 leaves unmatched, sorted.

    Matching is per paragraph (``separators`` ends one): an initiator still open at a
    separator (or the end) is unmatched, and a PDI with no open initiator is unmatched.
    """
    unmatched: list[int] = []
    open_at: list[int] = []
    for found in separators.finditer(text):
        char = found.group()
        if char == _PDI:
            if open_at:
                open_at.pop()
            else:
                unmatched.append(found.start())
        elif "\u2066" <= char <= "\u2068":
            open_at.append(found.start())
        else:  # a paragraph separator
            unmatched.extend(open_at)
            open_at.clear()
    unmatched.extend(open_at)
    unmatched.sort()
    return unmatched


def _mark_unmatched_isolates(text: str) -> str:
    """Replace isolate initiators and PDIs that UBA rule BD9 leaves unmatched with markers.

    Matching is per ``\\n`` paragraph; matched pairs are left as they are.
    """
    unmatched = _unmatched_isolates(text, _ISOLATES_OR_NL)
    if not unmatched:
        return text
    pieces: list[str] = []
    previous = 0
    for index in unmatched:
        pieces.append(text[previous:index])
        pieces.append(_marker(ord(text[index])))
        previous = index + 1
    pieces.append(text[previous:])
    return "".join(pieces)


def display_safe(text: str, where: Literal["body", "name"] = "body") -> str:
    """Return ``text`` made safe to put on a terminal screen (see the module docs for the table).

    ``where="body"`` is for message bodies and other multi-line text; ``where="name"`` for sender
    names, chat titles and other one-line labels, where every explicit bidi control is removed
    and line breaks become ``␤``. Idempotent; returns ``text`` itself when nothing needs changing.
    Raises ``ValueError`` for any other ``where``.
    """
    if where == "body":
        needs, replace = _BODY_NEEDS, _BODY_REPLACE
    elif where == "name":
        needs, replace = _NAME_NEEDS, _NAME_REPLACE
    else:
        raise ValueError(f"display_safe: where must be 'body' or 'name', not {where!r}")
    if needs.search(text) is None:
        return text
    # Surrogates first: a pair must become its character before anything else looks at it.
    result = _SURROGATES.sub(_fix_surrogate, text) if _ANY_SURROGATE.search(text) else text
    # A regex substitution copies the untouched stretches at C speed and calls back only for
    # the characters to replace; str.translate would look up every character in a dict.
    result = needs.sub(replace, result)
    if where == "body" and _ANY_ISOLATE.search(result):
        # After that, "\n" is the only paragraph separator left (LS/PS became "\n", the C0
        # separators and NEL became pictures), so BD9's paragraphs are exactly the "\n" lines.
        result = _mark_unmatched_isolates(result)
    # Text whose only suspects were matched isolates comes back unchanged: keep the object.
    return text if result == text else result


Edit = tuple[int, int, str]
"""``(start, end, replacement)``: ``text[start:end]`` is shown as ``replacement``."""


def display_safe_edits(text: str, where: Literal["body", "name"] = "body") -> list[Edit]:
    """The changes :func:`display_safe` makes to ``text``, in order, as ``(start, end,
    replacement)``: applying them gives exactly ``display_safe(text, where)``.

    Linear in ``len(text)``: this is how offsets (formatting spans, search highlights) are
    moved onto the sanitised text, never a general-purpose diff (which is quadratic: a 50,000
    character message with one control in it took minutes). Each edit covers one input code
    point, or two for a surrogate pair; everything between edits is copied unchanged.
    """
    if where == "body":
        needs, table = _BODY_NEEDS, _BODY_TABLE
    elif where == "name":
        needs, table = _NAME_NEEDS, _NAME_TABLE
    else:
        raise ValueError(f"display_safe: where must be 'body' or 'name', not {where!r}")
    if needs.search(text) is None:
        return []
    unmatched: set[int] = set()
    if where == "body" and _ANY_ISOLATE.search(text):
        # LS and PS become "\n" before display_safe pairs isolates: they end paragraphs too.
        unmatched = set(_unmatched_isolates(text, _ISOLATES_OR_SEPARATORS))
    edits: list[Edit] = []
    pattern = _EDIT_PATTERNS[where]
    for found in pattern.finditer(text):
        char, at = found.group(), found.start()
        if len(char) == 2 or "\ud800" <= char <= "\udfff":
            edits.append((at, found.end(), _fix_surrogate(found)))
        elif ord(char) in table:
            edits.append((at, at + 1, table[ord(char)]))
        elif at in unmatched:  # an isolate in a body: kept when matched
            edits.append((at, at + 1, _marker(ord(char))))
    return edits


# Surrogates first (a pair is one edit), then every other character display_safe may change.
_EDIT_PATTERNS: Final = {
    "body": re.compile(f"{_SURROGATES.pattern}|{_BODY_NEEDS.pattern}"),
    "name": re.compile(f"{_SURROGATES.pattern}|{_NAME_NEEDS.pattern}"),
}


def safe_name(text: str) -> str:
    """``display_safe(text, "name")``: for sender names, chat titles and other one-line labels."""
    return display_safe(text, "name")
