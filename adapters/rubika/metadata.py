"""Rubika ``metadata.meta_data_parts`` <-> :class:`~adapters.models.Span`. Pure functions.

Offsets on the wire are **UTF-16 code units** [CONFLICT: no source states the unit]: aiorubi
measures them with ``len(s.encode("utf-16-le")) // 2``, and another public client calls UTF-16
"critical for Rubika API compatibility" (the official apps are Java/Kotlin, whose strings are
UTF-16). Spans count code points, so every conversion goes through :func:`utf16_table`. For
Persian, Arabic and ZWNJ (all in the BMP) the two agree; astral characters such as most emoji
count 2 units and 1 code point.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from adapters.models import Span

# Wire metadata type <-> span kind. ``highlight`` has no Rubika counterpart and is not sent.
_IN_KINDS = {
    "Bold": "bold",
    "Italic": "italic",
    "Mono": "code",
    "Underline": "underline",
    "Strike": "strike",
    "Spoiler": "spoiler",
    "Link": "link",
    "MentionText": "mention",
    "Pre": "pre",
    "Quote": "quote",
}
_OUT_TYPES = {kind: wire for wire, kind in _IN_KINDS.items()}


def utf16_table(text: str) -> list[int]:
    """UTF-16 offset of every code point of ``text``, plus its total length at the end.

    The one place that defines the wire's unit: code point ``i`` starts at unit ``t[i]``.
    """
    if len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return list(range(len(text) + 1))  # BMP only (Persian, ZWNJ): units are code points
    table = [0] * (len(text) + 1)
    acc = 0
    for i, ch in enumerate(text):
        table[i] = acc
        acc += 2 if ord(ch) > 0xFFFF else 1
    table[len(text)] = acc
    return table


def spans_from_metadata(text: str, metadata: Any) -> tuple[Span, ...]:
    """``metadata`` (``{"meta_data_parts": [...]}``) as spans in code points.

    Formatting is decoration: a part that is malformed, of an unknown type or outside the
    text is dropped, never a reason to lose the message. An offset inside a surrogate pair
    widens the span to the whole character.
    """
    if not isinstance(metadata, dict):
        return ()
    parts = metadata.get("meta_data_parts")
    if not isinstance(parts, list) or not parts:
        return ()
    table = utf16_table(text)
    total = table[-1]
    out: list[Span] = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        wire_type = part.get("type")
        kind = _IN_KINDS.get(wire_type) if isinstance(wire_type, str) else None
        start_u, length_u = int_value(part.get("from_index")), int_value(part.get("length"))
        if kind is None or start_u is None or length_u is None or length_u <= 0 or start_u < 0:
            continue
        end_u = min(start_u + length_u, total)
        if start_u >= end_u:
            continue
        start = bisect_right(table, start_u) - 1  # round down inside a pair
        end = _ceil_cp(table, end_u)  # round up inside a pair
        url = _link_url(part) if kind == "link" else None
        user = _mention_user(part) if kind == "mention" else None
        if kind == "link" and url is None:
            continue
        language = part.get("language") if kind == "pre" else None
        out.append(
            Span(
                start,
                end,
                kind,
                url=url,
                user_id=user,
                language=language if isinstance(language, str) and language else None,
            )
        )
    out.sort(key=lambda s: (s.start, -s.end))
    return tuple(out)


def metadata_from_spans(text: str, spans: Sequence[Span]) -> dict[str, Any] | None:
    """Spans as ``{"meta_data_parts": [...]}`` in UTF-16 units, or None when nothing applies.

    Kinds Rubika cannot express (``highlight``, a link without a URL, a mention without a
    user id) are left out; ranges are clamped to the text.
    """
    parts: list[dict[str, Any]] = []
    table: list[int] | None = None
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        wire_type = _OUT_TYPES.get(span.kind)
        start, end = min(span.start, len(text)), min(span.end, len(text))
        if wire_type is None or start >= end:
            continue
        if span.kind == "link" and not span.url:
            continue
        if span.kind == "mention" and not span.user_id:
            continue
        if table is None:
            table = utf16_table(text)
        part: dict[str, Any] = {
            "type": wire_type,
            "from_index": table[start],
            "length": table[end] - table[start],
        }
        if span.kind == "link":
            part["link_url"] = span.url
        elif span.kind == "mention":
            part["mention_text_user_id"] = span.user_id
        elif span.kind == "pre" and span.language:
            part["language"] = span.language
        parts.append(part)
    return {"meta_data_parts": parts} if parts else None


def _ceil_cp(table: list[int], unit: int) -> int:
    """The first code point starting at or after UTF-16 offset ``unit`` (round up in a pair)."""
    i = bisect_right(table, unit) - 1
    return i if table[i] == unit else i + 1


def _link_url(part: dict[str, Any]) -> str | None:
    url = part.get("link_url")
    if not isinstance(url, str):
        # Some clients nest it as {"link": {"hyperlink_data": {"url": ...}}}.
        link = part.get("link")
        data = link.get("hyperlink_data") if isinstance(link, dict) else None
        url = data.get("url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url else None


def _mention_user(part: dict[str, Any]) -> str | None:
    for key in ("mention_text_user_id", "mention_text_object_guid"):
        value = part.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def int_value(value: Any) -> int | None:
    """An int, or a string of ASCII digits, as an int; None for anything else (bools too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.lstrip("-").isdigit():
        return int(text)
    return None
