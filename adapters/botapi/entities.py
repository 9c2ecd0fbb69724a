"""Telegram-style ``MessageEntity`` lists <-> :class:`~adapters.models.Span` tuples.

The wire counts offsets in UTF-16 code units (an emoji outside the BMP counts 2); spans count
code points (Python ``str`` indices). Persian, Arabic and ZWNJ are all in the BMP, so only
astral characters (most emoji, some CJK) make the two differ; text without them takes a fast
path where the offsets are equal.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from adapters.models import Span

# Wire entity type -> span kind. ``url``/``mention`` are auto-detected by the server: they are
# kept on the way in (so the UI can style them) and never sent back out.
_IN_KINDS = {
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strikethrough": "strike",
    "spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "text_link": "link",
    "url": "link",
    "text_mention": "mention",
    "mention": "mention",
    "blockquote": "quote",
    "expandable_blockquote": "quote",
}
_OUT_TYPES = {
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strike": "strikethrough",
    "spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "quote": "blockquote",
}


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class UnitMap:
    """Code-point index <-> UTF-16 code-unit offset for one text.

    Only the positions of astral characters (2 units each) are kept, found by one regex
    scan, so a 4096-character message with a few emoji costs a few list entries.
    """

    __slots__ = ("_cps", "_ends", "_starts", "length_cp", "length_units")

    def __init__(self, text: str) -> None:
        self.length_cp = len(text)
        # The k-th astral character, at code point a_k, occupies units [a_k + k, a_k + k + 2).
        self._cps = [m.start() for m in _ASTRAL.finditer(text)]
        self._starts = [cp + k for k, cp in enumerate(self._cps)]
        self._ends = [u + 2 for u in self._starts]
        self.length_units = len(text) + len(self._cps)

    def to_units(self, cp: int) -> int:
        """UTF-16 offset of code point ``cp`` (``0 <= cp <= len(text)``)."""
        return cp + bisect_left(self._cps, cp) if self._cps else cp

    def _locate(self, unit: int) -> tuple[int, bool]:
        unit = min(max(unit, 0), self.length_units)
        k = bisect_right(self._ends, unit)  # astral characters wholly before ``unit``
        inside = k < len(self._starts) and self._starts[k] < unit
        return unit - k, inside

    def start_cp(self, unit: int) -> int:
        """Code point at UTF-16 offset ``unit``; an offset inside a surrogate pair rounds down."""
        cp, inside = self._locate(unit)
        return cp - 1 if inside else cp

    def end_cp(self, unit: int) -> int:
        """Code point at UTF-16 offset ``unit``; an offset inside a surrogate pair rounds up."""
        return self._locate(unit)[0]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, as Telegram-style APIs count it."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: expected an integer, got {type(value).__name__}")
    return value


def spans_from_entities(text: str, entities: Any) -> tuple[Span, ...]:
    """The spans for a wire ``entities`` list over ``text``.

    Unknown entity types are skipped (Telegram adds new ones); entities reaching past the
    text are clamped; empty ones are dropped. A malformed list or entity raises
    :class:`ValueError`, which makes the whole update :class:`~adapters.models.Unparsed`.
    """
    if entities is None:
        return ()
    if not isinstance(entities, list):
        raise ValueError("entities: expected a list")
    if not entities:
        return ()
    umap = UnitMap(text)
    out: list[Span] = []
    for n, ent in enumerate(entities):
        if not isinstance(ent, dict):
            raise ValueError(f"entities[{n}]: expected an object")
        etype = ent.get("type")
        if not isinstance(etype, str):
            raise ValueError(f"entities[{n}].type: expected a string")
        offset = _int(ent.get("offset"), f"entities[{n}].offset")
        length = _int(ent.get("length"), f"entities[{n}].length")
        kind = _IN_KINDS.get(etype)
        if kind is None or length <= 0:
            continue
        start, end = umap.start_cp(offset), umap.end_cp(offset + length)
        if start >= end:
            continue
        url = user_id = language = None
        if etype == "text_link":
            url = ent.get("url")
            if not isinstance(url, str):
                raise ValueError(f"entities[{n}].url: expected a string")
        elif etype == "url":
            url = text[start:end]
        elif etype == "text_mention":
            user = ent.get("user")
            if not isinstance(user, dict):
                raise ValueError(f"entities[{n}].user: expected an object")
            user_id = str(_int(user.get("id"), f"entities[{n}].user.id"))
        elif etype == "pre":
            lang = ent.get("language")
            if lang is not None and not isinstance(lang, str):
                raise ValueError(f"entities[{n}].language: expected a string")
            language = lang or None
        out.append(Span(start, end, kind, url=url, user_id=user_id, language=language))
    return tuple(out)


def entities_from_spans(text: str, spans: Iterable[Span]) -> list[dict[str, Any]]:
    """The wire ``entities`` for ``spans`` over ``text`` (offsets in UTF-16 code units).

    Spans with no Telegram equivalent are left out: ``highlight``; a ``link`` without a URL;
    a ``mention`` without a numeric ``user_id`` (an ``@username`` is detected by the server).
    """
    umap: UnitMap | None = None
    out: list[dict[str, Any]] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        end = min(span.end, len(text))
        if span.start >= end:
            continue
        entity: dict[str, Any]
        if span.kind == "link":
            if not span.url:
                continue
            entity = {"type": "text_link", "url": span.url}
        elif span.kind == "mention":
            if span.user_id is None or not span.user_id.lstrip("-").isdigit():
                continue
            # Telegram's User object requires is_bot and first_name; the id is what counts.
            user = {"id": int(span.user_id), "is_bot": False, "first_name": ""}
            entity = {"type": "text_mention", "user": user}
        elif span.kind in _OUT_TYPES:
            entity = {"type": _OUT_TYPES[span.kind]}
            if span.kind == "pre" and span.language:
                entity["language"] = span.language
        else:
            continue
        if umap is None:
            umap = UnitMap(text)
        offset = umap.to_units(span.start)
        entity["offset"] = offset
        entity["length"] = umap.to_units(end) - offset
        out.append(entity)
    return out
