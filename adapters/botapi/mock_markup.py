"""``parse_mode`` for the mock: HTML, MarkdownV2 and legacy Markdown → plain text + entities.

A real server strips the markup and answers with ``entities`` (offsets in UTF-16 code units);
the mock does the same so that a client reading its own message back sees what Telegram would
show. It covers the documented syntax (bold, italic, underline, strikethrough, spoiler, code,
pre with language, links, user mentions, blockquotes) and rejects what Telegram rejects
(unsupported tags, unescaped reserved characters in MarkdownV2, unclosed entities) with the
same kind of "can't parse entities" message.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class MarkupError(ValueError):
    """The text cannot be parsed in that mode (Telegram: "Bad Request: can't parse entities")."""


def _units(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


class _Out:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.units = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.units += _units(s)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.units > start:
            self.entities.append({"type": kind, "offset": start, "length": self.units - start})
            self.entities[-1].update({k: v for k, v in extra.items() if v is not None})

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        ents = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), ents


def _link(kind_url: str) -> dict[str, Any]:
    """A link's entity fields: a ``tg://user?id=`` link is a mention of that user."""
    prefix = "tg://user?id="
    if kind_url.startswith(prefix) and kind_url[len(prefix) :].isdigit():
        return {"type": "text_mention", "user": {"id": int(kind_url[len(prefix) :])}}
    return {"type": "text_link", "url": kind_url}


def parse(text: str, mode: str) -> tuple[str, list[dict[str, Any]]]:
    """``(plain_text, entities)`` for ``text`` in ``mode`` (case-insensitive)."""
    m = mode.lower()
    if m == "html":
        return _Html.parse(text)
    if m == "markdownv2":
        return _MarkdownV2(text).parse()
    if m == "markdown":
        return _legacy_markdown(text)
    raise MarkupError(f"unsupported parse_mode {mode!r}")


class _Html(HTMLParser):
    TAGS = {  # noqa: RUF012 - read-only table
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "code": "code",
        "pre": "pre",
        "a": "text_link",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
        "blockquote": "blockquote",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = _Out()
        self.stack: list[tuple[str, str, int, dict[str, str]]] = []

    @classmethod
    def parse(cls, text: str) -> tuple[str, list[dict[str, Any]]]:
        """Plain text and entities of ``text``."""
        p = cls()
        p.feed(text)
        p.close()
        if p.stack:
            raise MarkupError(f'can\'t find end tag corresponding to start tag "{p.stack[-1][0]}"')
        return p.out.result()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = self.TAGS.get(tag)
        values = {k: v or "" for k, v in attrs}
        if kind is None or (tag == "span" and values.get("class") != "tg-spoiler"):
            raise MarkupError(f'unsupported start tag "{tag}"')
        self.stack.append((tag, kind, self.out.units, values))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise MarkupError(f'unexpected end tag "{tag}"')
        _, kind, start, attrs = self.stack.pop()
        if kind == "text_link":
            fields = _link(attrs.get("href", ""))
            self.out.entity(fields.pop("type"), start, **fields)
        elif kind == "code" and self.stack and self.stack[-1][1] == "pre":
            lang = attrs.get("class", "").removeprefix("language-") or None
            outer = self.stack[-1]
            self.stack[-1] = (outer[0], outer[1], outer[2], {**outer[3], "language": lang or ""})
        elif kind == "pre":
            self.out.entity("pre", start, language=attrs.get("language") or None)
        else:
            self.out.entity(kind, start)

    def handle_data(self, data: str) -> None:
        self.out.add(data)


_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_V2_MARKS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


class _MarkdownV2:
    def __init__(self, src: str) -> None:
        self.src = src
        self.out = _Out()
        self.stack: list[tuple[str, int]] = []  # (marker, start offset)

    def _find(self, token: str, start: int) -> int:
        """Index of the next unescaped ``token`` at or after ``start`` (-1: none)."""
        i = start
        while i < len(self.src):
            if self.src[i] == "\\":
                i += 2
                continue
            if self.src.startswith(token, i):
                return i
            i += 1
        return -1

    @staticmethod
    def _unescape(s: str) -> str:
        out, i = [], 0
        while i < len(s):
            if s[i] == "\\" and i + 1 < len(s):
                i += 1
            out.append(s[i])
            i += 1
        return "".join(out)

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        """Plain text and entities of ``text``."""
        src, out, i = self.src, self.out, 0
        quote_start: int | None = None
        while i < len(src):
            c = src[i]
            at_line_start = i == 0 or src[i - 1] == "\n"
            if c == "\n" and quote_start is not None and not src.startswith(">", i + 1):
                out.entity("blockquote", quote_start)
                quote_start = None
            if c == "\\":
                if i + 1 >= len(src):
                    raise MarkupError("a trailing '\\' escapes nothing")
                out.add(src[i + 1])
                i += 2
            elif c == ">" and at_line_start:
                quote_start = out.units if quote_start is None else quote_start
                i += 1
            elif c == "`":
                fence = "```" if src.startswith("```", i) else "`"
                end = self._find(fence, i + len(fence))
                if end < 0:
                    raise MarkupError(
                        f"can't find end of {'pre' if fence == '```' else 'code'} entity"
                    )
                body = src[i + len(fence) : end]
                lang = None
                if fence == "```" and "\n" in body:
                    first, rest = body.split("\n", 1)
                    if first and " " not in first:
                        lang, body = first, rest
                start = out.units
                out.add(self._unescape(body))
                out.entity("pre" if fence == "```" else "code", start, language=lang)
                i = end + len(fence)
            elif c in "*_~|":
                mark = src[i : i + 2] if src.startswith(("__", "||"), i) else c
                if mark == "|":
                    raise MarkupError("character '|' is reserved and must be escaped with '\\'")
                if self.stack and self.stack[-1][0] == mark:
                    _, start = self.stack.pop()
                    out.entity(_V2_MARKS[mark], start)
                else:
                    self.stack.append((mark, out.units))
                i += len(mark)
            elif c == "[":
                self.stack.append(("[", out.units))
                i += 1
            elif c == "]" and self.stack and self.stack[-1][0] == "[":
                if not src.startswith("(", i + 1) or (close := self._find(")", i + 2)) < 0:
                    raise MarkupError("can't find the URL of a text link")
                _, start = self.stack.pop()
                fields = _link(self._unescape(src[i + 2 : close]))
                out.entity(fields.pop("type"), start, **fields)
                i = close + 1
            elif c in _V2_RESERVED:
                raise MarkupError(f"character '{c}' is reserved and must be escaped with '\\'")
            else:
                out.add(c)
                i += 1
        if quote_start is not None:
            out.entity("blockquote", quote_start)
        if self.stack:
            raise MarkupError(f"can't find end of the entity starting with '{self.stack[-1][0]}'")
        return out.result()


_LEGACY = {"*": "bold", "_": "italic"}


def _legacy_markdown(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's original Markdown: no nesting, ``\\`` escapes only ``_ * ` [``."""
    out, i = _Out(), 0
    while i < len(src):
        c = src[i]
        if c == "\\" and i + 1 < len(src) and src[i + 1] in "_*`[":
            out.add(src[i + 1])
            i += 2
        elif c in _LEGACY or c == "`":
            fence = "```" if src.startswith("```", i) else c
            end = src.find(fence, i + len(fence))
            if end < 0:
                raise MarkupError(f"can't find end of the entity starting at offset {i}")
            body = src[i + len(fence) : end]
            start = out.units
            out.add(body)
            kind = "pre" if fence == "```" else "code" if fence == "`" else _LEGACY[c]
            out.entity(kind, start)
            i = end + len(fence)
        elif c == "[" and (mid := src.find("](", i)) > 0 and (close := src.find(")", mid)) > 0:
            start = out.units
            out.add(src[i + 1 : mid])
            fields = _link(src[mid + 2 : close])
            out.entity(fields.pop("type"), start, **fields)
            i = close + 1
        else:
            out.add(c)
            i += 1
    return out.result()
