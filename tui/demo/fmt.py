"""Small helpers for the demo's scripts: Telegram-style entities, and tiny demo files.

Entities are written the way a Telegram-style server sends them: offsets and lengths in UTF-16
code units (an emoji outside the BMP counts 2), so the adapter's conversion to code-point
:class:`~adapters.models.Span` objects is exercised exactly as with real updates.
"""

from __future__ import annotations

from typing import Any

from adapters.botapi.entities import utf16_len
from adapters.mock.scenarios import tiny_png

ZWNJ = "\u200c"


def entities(text: str, *marks: tuple[str, str] | tuple[str, str, str]) -> list[dict[str, Any]]:
    """Wire entities for ``marks``: ``(type, needle)`` or ``("text_link", needle, url)``.

    ``needle`` is found in ``text`` (its first occurrence after the previous mark's start);
    ``type`` is a Bot API entity type: ``bold``, ``italic``, ``code``, ``url``, ``mention``,
    ``hashtag``, ``text_link``...
    """
    out: list[dict[str, Any]] = []
    for mark in marks:
        kind, needle = mark[0], mark[1]
        start = text.find(needle)
        if start < 0:
            raise ValueError(f"{needle!r} is not in the text")
        entity: dict[str, Any] = {
            "type": kind,
            "offset": utf16_len(text[:start]),
            "length": utf16_len(needle),
        }
        if len(mark) == 3:
            entity["url"] = mark[2]
        out.append(entity)
    return out


def photo(rgb: tuple[int, int, int], width: int = 48, height: int = 32) -> bytes:
    """A small one-colour PNG (a demo photo: valid, tiny, deterministic)."""
    return tiny_png(width, height, rgb)
