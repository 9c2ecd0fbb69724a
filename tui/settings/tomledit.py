"""Line-level edits of ``[[accounts]]`` entries that keep every comment where the user put it.

Why not let tomlkit move the tables: tomlkit keeps a comment that sits *above* a table header
inside the *previous* table's body, so appending an account after the last one puts the new
entry under the comment that introduced the next section, and deleting an account drops the
comment that introduced the one after it (measured with tomlkit 0.13–0.15). Here the file is
cut into header-delimited blocks, where the comment lines directly above a header belong to
that header. tomlkit renders the entry that is added, and :mod:`tui.settings.config`
re-validates the result with ``tomllib`` before anything is written.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["blank", "comment", "header", "other"]


@dataclass(frozen=True, slots=True)
class Line:
    kind: Kind
    path: tuple[str, ...] = ()  # a header's table path, e.g. ("accounts",)
    array: bool = False  # a ``[[...]]`` header


def _header_path(text: str) -> tuple[tuple[str, ...], bool]:
    """The table path of a header line, read by tomllib itself (quoted keys, dots, spaces)."""
    data: Any = tomllib.loads(text + "\n")
    path: list[str] = []
    array = False
    while isinstance(data, dict) and len(data) == 1:
        ((key, data),) = data.items()
        path.append(key)
        array = isinstance(data, list)
        if array:
            data = data[-1]
    return tuple(path), array


def scan(text: str) -> list[Line]:
    """Classify every line of a valid TOML document.

    A line is a ``header``/``comment``/``blank`` only when it starts outside any multi-line
    string or multi-line array/inline table; everything else is ``other``.
    """
    lines: list[Line] = []
    quote: str | None = None  # the multi-line string delimiter we are inside
    depth = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if quote is None and depth == 0:
            if not stripped:
                lines.append(Line("blank"))
                continue
            if stripped.startswith("#"):
                lines.append(Line("comment"))
                continue
            if stripped.startswith("["):
                path, array = _header_path(stripped)
                lines.append(Line("header", path, array))
                continue
        lines.append(Line("other"))
        quote, depth = _advance(raw, quote, depth)
    return lines


def _advance(line: str, quote: str | None, depth: int) -> tuple[str | None, int]:
    """Lexer state after ``line``: inside which multi-line string, at which bracket depth."""
    i, n = 0, len(line)
    while i < n:
        if quote is not None:
            j = i
            while True:
                j = line.find(quote, j)
                if j < 0:
                    return quote, depth
                if quote == '"""' and _escaped(line, j):
                    j += 1
                    continue
                break
            i, quote = j + 3, None
            continue
        ch = line[i]
        if ch == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            quote, i = line[i : i + 3], i + 3
        elif ch in "\"'":
            j = i + 1
            while j < n and not (line[j] == ch and not (ch == '"' and _escaped(line, j))):
                j += 1
            i = j + 1
        else:
            depth += ch in "[{"
            depth -= ch in "]}"
            i += 1
    return quote, depth


def _escaped(line: str, j: int) -> bool:
    backslashes = 0
    while j - backslashes - 1 >= 0 and line[j - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _leading_start(lines: list[Line], header: int) -> int:
    """First line of the comment block directly above ``header`` (no blank line between)."""
    start = header
    while start > 0 and lines[start - 1].kind == "comment":
        start -= 1
    return start


def account_blocks(text: str, table: str = "accounts") -> list[tuple[int, int]]:
    """``(start, end)`` line ranges, one per ``[[table]]`` entry, in file order.

    ``start`` is the first line of the comment block above the header; ``end`` (exclusive)
    is where the next foreign header's comment block begins. Sub-tables (``[accounts.x]``)
    stay with their entry.
    """
    lines = scan(text)
    headers = [i for i, line in enumerate(lines) if line.kind == "header"]
    blocks: list[tuple[int, int]] = []
    for pos, h in enumerate(headers):
        line = lines[h]
        if not (line.array and line.path == (table,)):
            continue
        end = len(lines)
        for nxt in headers[pos + 1 :]:
            other = lines[nxt]
            if other.path[:1] == (table,) and not (other.array and other.path == (table,)):
                continue  # a sub-table of this entry
            end = _leading_start(lines, nxt)
            break
        blocks.append((_leading_start(lines, h), end))
    return blocks


def remove_block(text: str, index: int, table: str = "accounts") -> str:
    """``text`` without the ``index``-th ``[[table]]`` entry and the comments above it."""
    start, end = account_blocks(text, table)[index]
    kinds = [line.kind for line in scan(text)]
    lines = text.split("\n")
    before, after = lines[:start], lines[end:]
    if not after or all(k == "blank" for k in kinds[end:]):
        after = []
        while before and kinds[len(before) - 1] == "blank":
            before.pop()  # no blank tail where the removed entry ended the file
    elif before and kinds[start - 1] == "blank":
        while after and kinds[end] == "blank":
            after.pop(0)  # keep one blank line at the seam, not two
            end += 1
    return _join(before + after)


def append_block(text: str, block: str, table: str = "accounts") -> str:
    """``text`` with ``block`` (a rendered ``[[table]]`` entry) after the last entry, or at EOF."""
    kinds = [line.kind for line in scan(text)]
    lines = text.split("\n")
    blocks = account_blocks(text, table)
    new = block.rstrip("\n").split("\n")
    at = blocks[-1][1] if blocks else len(lines)
    while at > 0 and kinds[at - 1] == "blank":
        at -= 1  # after the last entry's own lines, before the blank lines that follow it
    lines[at:at] = ["", *new] if at > 0 else new
    return _join(lines)


def _join(lines: list[str]) -> str:
    text = "\n".join(lines).rstrip("\n")
    return text + "\n" if text else ""
