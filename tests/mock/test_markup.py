"""The mock's parse_mode: HTML, MarkdownV2 and Markdown into text + UTF-16 entities."""

from __future__ import annotations

import pytest

from adapters.botapi.mock_markup import MarkupError, parse


def _ents(text: str, mode: str) -> tuple[str, list[tuple[str, int, int]]]:
    plain, entities = parse(text, mode)
    return plain, [(e["type"], e["offset"], e["length"]) for e in entities]


def test_html() -> None:
    assert _ents("<b>bold <i>both</i></b> &amp; <s>x</s>", "HTML") == (
        "bold both & x",
        [("bold", 0, 9), ("italic", 5, 4), ("strikethrough", 12, 1)],
    )
    plain, entities = parse('<a href="https://x.ir">لینک</a>', "html")
    assert plain == "لینک" and entities == [
        {"type": "text_link", "offset": 0, "length": 4, "url": "https://x.ir"}
    ]
    plain, entities = parse('<pre><code class="language-python">x = 1</code></pre>', "HTML")
    assert entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
    mention = parse('<a href="tg://user?id=42">Ali</a>', "HTML")[1][0]
    assert mention["type"] == "text_mention" and mention["user"] == {"id": 42}


def test_offsets_count_utf16_units() -> None:
    assert _ents("😀 <b>سلام</b>", "HTML") == ("😀 سلام", [("bold", 3, 4)])
    assert _ents("😀 *سلام*", "MarkdownV2") == ("😀 سلام", [("bold", 3, 4)])


def test_markdown_v2() -> None:
    text = r"*bold _italic_* __under__ ~gone~ ||spoiler|| `co\`de` [link](https://a.ir/x\)) 1\.5"
    plain, got = _ents(text, "MarkdownV2")
    assert plain == "bold italic under gone spoiler co`de link 1.5"
    assert got == [
        ("bold", 0, 11),
        ("italic", 5, 6),
        ("underline", 12, 5),
        ("strikethrough", 18, 4),
        ("spoiler", 23, 7),
        ("code", 31, 5),
        ("text_link", 37, 4),
    ]
    assert parse("[a](https://a.ir/x\\))", "MarkdownV2")[1][0]["url"] == "https://a.ir/x)"
    pre = parse("```python\nprint(1)\n```", "MarkdownV2")[1][0]
    assert pre == {"type": "pre", "offset": 0, "length": 9, "language": "python"}
    assert _ents(">quoted\nplain", "MarkdownV2") == ("quoted\nplain", [("blockquote", 0, 6)])


def test_legacy_markdown() -> None:
    assert _ents("*b* _i_ `c` [l](https://a.ir) 1.5!", "Markdown") == (
        "b i c l 1.5!",
        [("bold", 0, 1), ("italic", 2, 1), ("code", 4, 1), ("text_link", 6, 1)],
    )


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("<blink>x</blink>", "HTML"),
        ("<b>x", "HTML"),
        ("<b>x</i>", "HTML"),
        ("1.5", "MarkdownV2"),
        ("*open", "MarkdownV2"),
        ("`open", "MarkdownV2"),
        ("*open", "Markdown"),
        ("x", "BBCode"),
    ],
)
def test_what_telegram_rejects(text: str, mode: str) -> None:
    with pytest.raises(MarkupError):
        parse(text, mode)
