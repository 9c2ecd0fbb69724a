"""Search normalisation: the folded copy of a text that goes into the FTS index.

Text is stored exactly as received; only the indexed copy (and the query) pass through here, so
that search is insensitive to the spellings Persian users mix without noticing:

* ي ى ئ → ی, ك → ک, ة ە ۀ → ه, أ إ آ ٱ → ا, ؤ → و (most via compatibility decomposition and
  dropping the hamza/madda marks);
* ZWNJ, ZWJ, LRM/RLM and every other format character are dropped, so ``می‌روم`` == ``میروم``;
* tatweel (ـ) and every combining mark (harakat, Latin accents) are dropped;
* Persian (۰–۹) and Arabic-Indic (٠–٩) digits become ASCII;
* compatibility forms (Arabic presentation forms, full-width Latin) are decomposed, and case is
  folded.

The table covers the Basic Multilingual Plane and is built once, lazily (about 0.1 s), so the
first paint never pays for it. :func:`normalize_with_map` keeps, for every output character,
the index of the input character it came from, which lets search highlight matches in the
*original* text. Bump :data:`NORM_VERSION` whenever the output changes: the store rebuilds its
index when the stored version differs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

NORM_VERSION = 1

_EXPLICIT: dict[str, str] = {
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
    "\u06aa": "\u06a9",  # SWASH KAF -> KEHEH
    "\u0629": "\u0647",  # TEH MARBUTA -> HEH
    "\u06d5": "\u0647",  # AE (what HEH WITH YEH ABOVE decomposes to) -> HEH
    "\u0671": "\u0627",  # ALEF WASLA -> ALEF
    "\u0640": "",  # TATWEEL
}
_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
# FTS5's unicode61 tokenizer keeps letters and numbers ("L* N* Co") and splits on the rest;
# Python's \w is letters, numbers and "_", so "\w minus _" is the same set but for private-use
# characters (a highlight could miss one; the index still finds the message).
_TOKEN = re.compile(r"[^\W_]+")
MAX_QUERY_TERMS = 8


def _fold_char(ch: str) -> str:
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", ch):
        if part in _EXPLICIT:
            out.append(_EXPLICIT[part])
        elif unicodedata.category(part) in _DROP_CATEGORIES:
            continue
        elif "\u06f0" <= part <= "\u06f9":
            out.append(chr(ord(part) - 0x06F0 + 0x30))
        elif "\u0660" <= part <= "\u0669":
            out.append(chr(ord(part) - 0x0660 + 0x30))
        else:
            out.append(part)
    return "".join(out).casefold()


@cache
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = _fold_char(ch)
        if folded != ch:
            table[cp] = folded
    return table


def normalize(text: str) -> str:
    """The folded copy of ``text`` for the index (or of a query)."""
    # casefold after translate: the table's values are already folded, and casefold is
    # per-character and idempotent, so this equals folding each character on its own (which
    # is what normalize_with_map does).
    return text.translate(_table()).casefold()


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """:func:`normalize` plus, per output character, the index of its source character."""
    table = _table()
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        folded = table.get(ord(ch), ch).casefold()
        out.append(folded)
        src.extend([i] * len(folded))
    return "".join(out), src


def tokens(text: str) -> list[str]:
    """The index terms of an already normalised text, as FTS5's unicode61 splits it."""
    return _TOKEN.findall(text)


def query_terms(query: str) -> list[str]:
    """Distinct normalised terms of a user's query, in order, at most :data:`MAX_QUERY_TERMS`."""
    seen: dict[str, None] = {}
    for term in tokens(normalize(query)):
        seen.setdefault(term, None)
    return list(seen)[:MAX_QUERY_TERMS]


def quote(term: str) -> str:
    """One term as an FTS5 string: any user input is inert (operators, quotes, colons)."""
    return '"' + term.replace('"', '""') + '"'


def fts_query(terms: list[str], *, prefix: bool = True) -> str:
    """An FTS5 MATCH expression: every term (AND), each quoted, as a prefix when asked."""
    star = "*" if prefix else ""
    return " AND ".join(quote(t) + star for t in terms)


def expanded(term: str, vocabulary: list[str], limit: int) -> str:
    """The MATCH expression for ``term`` as a prefix, given the indexed words that start
    with it (at most ``limit + 1`` of them, from the index's vocabulary).

    FTS5 evaluates ``"w"*`` by merging the posting lists of every matching word in full
    before it can return the newest hit: ~17 ms at 100k messages for a word in 60 % of
    them, ~10× that at 1M. ``("w" OR "wa" OR "wb")`` is read lazily, newest first, and stops
    at the page size. So a prefix with few completions becomes an OR of them; one with
    many (a one- or two-letter prefix while typing) keeps the native, slower form.
    """
    if not vocabulary:
        return quote(term)  # nothing indexed starts with it: no hits, cheaply
    if len(vocabulary) > limit:
        return quote(term) + "*"
    return "(" + " OR ".join(quote(w) for w in vocabulary) + ")"


@dataclass(frozen=True, slots=True)
class Snippet:
    """Where a hit shows: ``text[start:end]`` of the ORIGINAL text, with ``highlights`` as
    ``(start, end)`` offsets into the original text (code points), inside that window."""

    start: int
    end: int
    highlights: tuple[tuple[int, int], ...]


def highlights(text: str, terms: list[str], *, prefix: bool = True) -> list[tuple[int, int]]:
    """Ranges of ``text`` (original offsets) whose words match one of ``terms``."""
    if not terms or not text:
        return []
    folded, src = normalize_with_map(text)
    found: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(folded):
        word = m.group()
        if not any(word.startswith(t) if prefix else word == t for t in terms):
            continue
        start = src[m.start()]
        end = src[m.end() - 1] + 1
        # Marks and tatweel that were dropped after the last letter still belong to the word.
        while end < len(text) and (
            text[end] == "\u0640" or unicodedata.category(text[end]) in ("Mn", "Me")
        ):
            end += 1
        if found and start <= found[-1][1]:
            found[-1] = (found[-1][0], max(end, found[-1][1]))
        else:
            found.append((start, end))
    return found


def snippet(text: str, terms: list[str], *, width: int = 80, prefix: bool = True) -> Snippet:
    """A window of about ``width`` characters around the first match, cut at spaces."""
    marks = highlights(text, terms, prefix=prefix)
    if len(text) <= width:
        return Snippet(0, len(text), tuple(marks))
    first = marks[0][0] if marks else 0
    start = max(0, first - width // 3)
    if start > 0:
        space = text.rfind(" ", max(0, start - 15), first)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.find(" ", end - 15, min(len(text), end + 15))
        end = space if space > first else end
    inside = tuple((max(s, start), min(e, end)) for s, e in marks if s < end and e > start)
    return Snippet(start, end, inside)
