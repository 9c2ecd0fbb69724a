"""Bale's wire: the Telegram-style shapes, plus its implicit Markdown-ish text formatting.

Bale's Bot API has no ``parse_mode`` and (as far as any audited client shows) sends no
``entities``: the Bale app renders markers written in the text itself. :class:`ImplicitMarkup`
is Payam's **best-effort interpretation** of that syntax, the subset every Bale client library
we read agrees on (and Telegram's legacy Markdown uses):

===================  ==========
``*bold*``           bold
``_italic_``         italic
```code```           code
```````pre```````    pre (a newline right after the opening / before the closing fence is
                     part of the fence)
``[label](url)``     link
===================  ==========

A marker opens only at the start of a word (not after a letter or digit, and not followed by
a space) and closes only at the end of one, so ``snake_case_name``, ``2*3*4`` and ``* item``
lists stay literal. There is no escape syntax: outgoing text that happens to contain such a
pair will be shown formatted by Bale, exactly as if a user had typed it. Whether Bale itself
applies the same word-boundary rules is not confirmed (messenger-apis.md §2.2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from adapters.botapi import wire
from adapters.botapi.wire import DEFAULT_KINDS, UpdatesPage, WireDialect
from adapters.models import Span

__all__ = [
    "DIALECT",
    "MARKUP",
    "ImplicitMarkup",
    "markup_to_spans",
    "spans_to_markup",
    "updates_to_events",
]

_EMPHASIS = {"*": "bold", "_": "italic"}
_MARKER_OF = {"bold": "*", "italic": "_"}
_SPECIAL = re.compile(r"[*_`\[]")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")


class ImplicitMarkup:
    """Text with Bale's markers <-> plain text and spans (see the module docstring)."""

    def parse(self, text: str) -> tuple[str, tuple[Span, ...]]:
        """Strip recognised markers from ``text``; return the plain text and its spans."""
        if _SPECIAL.search(text) is None:
            return text, ()
        pieces: list[str] = []
        spans: list[Span] = []
        self._parse(text, 0, pieces, spans)
        return "".join(pieces), tuple(sorted(spans, key=lambda s: (s.start, -s.end)))

    def _parse(self, s: str, base: int, out: list[str], spans: list[Span]) -> int:
        """Append the plain text of ``s`` to ``out``; return its length. ``base``: its offset."""
        written = 0
        i, n = 0, len(s)
        while i < n:
            m = _SPECIAL.search(s, i)
            if m is None:
                out.append(s[i:])
                written += n - i
                break
            j = m.start()
            if j > i:
                out.append(s[i:j])
                written += j - i
            i = j
            at = base + written
            c = s[i]
            if s.startswith("```", i):
                close = s.find("```", i + 3)
                if close > i + 3:
                    body = s[i + 3 : close]
                    body = body.removeprefix("\n").removesuffix("\n")
                    if body:
                        out.append(body)
                        written += len(body)
                        spans.append(Span(at, at + len(body), "pre"))
                        i = close + 3
                        continue
            elif c == "`":
                close = s.find("`", i + 1)
                if close > i + 1 and "\n" not in s[i + 1 : close]:
                    body = s[i + 1 : close]
                    out.append(body)
                    written += len(body)
                    spans.append(Span(at, at + len(body), "code"))
                    i = close + 1
                    continue
            elif c == "[":
                link = _LINK.match(s, i)
                if link is not None:
                    label = link.group(1)
                    out.append(label)
                    written += len(label)
                    spans.append(Span(at, at + len(label), "link", url=link.group(2)))
                    i = link.end()
                    continue
            elif _opens(s, i):
                close = _closer(s, i)
                if close != -1:
                    inner = self._parse(s[i + 1 : close], at, out, spans)
                    written += inner
                    spans.append(Span(at, at + inner, _EMPHASIS[c]))
                    i = close + 1
                    continue
            out.append(c)
            written += 1
            i += 1
        return written

    def render(self, text: str, spans: Sequence[Span]) -> str:
        """``text`` with ``spans`` written as markers.

        Only bold, italic, code, pre and link can be written; other kinds are dropped, as are
        spans that cross each other, anything inside code/pre/link, and spans that the syntax
        cannot hold (a backtick inside code, a bracket in a link label, a space in a URL).
        Whitespace at a span's edges is left outside its markers.
        """
        chosen = _renderable(text, spans)
        if not chosen:
            return text
        events: list[tuple[int, int, int, str]] = []
        for idx, span in enumerate(chosen):
            opener, closer = _markers(span)
            events.append((span.start, 1, idx, opener))
            events.append((span.end, 0, -idx, closer))
        events.sort()
        out: list[str] = []
        pos = 0
        for at, _kind, _idx, marker in events:
            out.append(text[pos:at])
            out.append(marker)
            pos = at
        out.append(text[pos:])
        return "".join(out)


def _opens(s: str, i: int) -> bool:
    c = s[i]
    if c not in _EMPHASIS or i + 1 >= len(s):
        return False
    nxt, prev = s[i + 1], s[i - 1] if i > 0 else " "
    return not nxt.isspace() and nxt != c and not prev.isalnum() and prev != c


def _closer(s: str, i: int) -> int:
    c, n = s[i], len(s)
    k = i + 2  # at least one character between the markers
    while True:
        j = s.find(c, k)
        if j == -1:
            return -1
        nxt = s[j + 1] if j + 1 < n else " "
        if not s[j - 1].isspace() and not nxt.isalnum() and nxt != c:
            return j
        k = j + 1


def _markers(span: Span) -> tuple[str, str]:
    if span.kind == "link":
        return "[", f"]({span.url})"
    if span.kind == "code":
        return "`", "`"
    if span.kind == "pre":
        return "```\n", "\n```"
    marker = _MARKER_OF[span.kind]
    return marker, marker


def _trim(text: str, span: Span) -> Span | None:
    start, end = span.start, min(span.end, len(text))
    if span.kind not in ("code", "pre"):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
    if start >= end:
        return None
    return Span(start, end, span.kind, span.url, span.user_id, span.language)


def _fits(text: str, span: Span) -> bool:
    body = text[span.start : span.end]
    if span.kind == "code":
        return "`" not in body and "\n" not in body
    if span.kind == "pre":
        return "```" not in body
    if span.kind == "link":
        return bool(span.url) and _LINK.fullmatch(f"[{body}]({span.url})") is not None
    return True


def _renderable(text: str, spans: Sequence[Span]) -> list[Span]:
    """The spans that can be written, properly nested; same-kind neighbours merged (also
    across whitespace only, where bold spaces look like plain ones)."""
    trimmed = [
        t
        for s in spans
        if s.kind in ("bold", "italic", "code", "pre", "link")
        and (t := _trim(text, s)) is not None
        and _fits(text, t)
    ]
    trimmed.sort(key=lambda s: (s.kind, s.start, s.end))
    merged: list[Span] = []
    for span in trimmed:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == span.kind
            and span.kind in _MARKER_OF
            and (span.start <= prev.end or text[prev.end : span.start].isspace())
        ):
            merged[-1] = Span(prev.start, max(prev.end, span.end), prev.kind)
        else:
            merged.append(span)
    merged.sort(key=lambda s: (s.start, -s.end))
    chosen: list[Span] = []
    open_: list[Span] = []  # the chosen spans that enclose the current position
    for span in merged:
        while open_ and open_[-1].end <= span.start:
            open_.pop()
        if open_:
            outer = open_[-1]
            if span.end > outer.end:  # crosses its enclosing span
                continue
            if outer.kind in ("code", "pre", "link") or any(o.kind == span.kind for o in open_):
                continue
        chosen.append(span)
        open_.append(span)
    return chosen


MARKUP = ImplicitMarkup()
# Bale's Update: message, edited_message, callback_query, pre_checkout_query, poll (peyk);
# bale-mcp also reads channel posts. my_chat_member is Telegram's and harmless if absent.
DIALECT = WireDialect(update_kinds=DEFAULT_KINDS | {"callback_query"}, markup=MARKUP)


def updates_to_events(result: Any) -> UpdatesPage:
    """A getUpdates ``result`` as events, per Bale's dialect (markers in text become spans)."""
    return wire.updates_to_events(result, DIALECT)


def markup_to_spans(text: str) -> tuple[str, tuple[Span, ...]]:
    """Incoming Bale text with implicit markers -> plain text and spans (best effort)."""
    return MARKUP.parse(text)


def spans_to_markup(text: str, spans: Sequence[Span]) -> str:
    """Outgoing plain text and spans -> Bale text with implicit markers (best effort)."""
    return MARKUP.render(text, spans)
