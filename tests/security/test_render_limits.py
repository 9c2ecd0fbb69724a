"""S-limits: text a stranger can send that is too big or too dense to draw naively
(security.md §5 "Rendering limits"; issue 7).

A 1 MB message, a 50,000-character line, 10,000 combining marks on one letter, 10,000 emoji,
2,000 ZWJ family sequences and a chat of 5,000 such messages go through the text engine's
layout and through the real ``PayamApp`` (Pilot). Pass figures: no crash, every line within
its width, the lines covering the input in order, the view showing each message (asserted on
the rows a terminal gets), and scrolling (page, first, last, "show more") reaching both ends.
Timings are not asserted here: ``pytest-timeout`` guards against a hang, and
``bench/bench_limits.py`` measures how fast a key press is handled meanwhile.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import pytest
from textual.pilot import Pilot

from adapters.models import ChatRef, Message, MessageNew, Sender
from tests.security.display_app import ACCOUNT, hostile_app, rows, settle, start
from tests.tui.shellkit import NOW
from tui.screens.conversation import ConversationScreen
from tui.text import display_safe
from tui.text.layout import layout, layout_one_line

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]  # hang guards, not pass figures

MB: Final = 1_000_000
N: Final = 10_000


def huge_texts() -> dict[str, str]:
    """The pathologies, each starting with a tag word and (but one) ending with one."""
    return {
        "1mb-ascii": "H1MB " + "x" * (MB - 12) + " END1MB",
        "1mb-mixed": "HMIX " + ("سلام hello ۱۲۳ " * (MB // 15))[: MB - 12] + " ENDMIX",
        "line-50k": "HLINE " + ("word " * N)[: 50_000 - 14] + " ENDLINE",
        "line-50k-unbroken": "HUNBR " + "y" * (50_000 - 14) + " ENDUNBR",
        "combining-10k": "HCOMB e" + "\u0301" * N + " ENDCOMB",
        "emoji-10k": "HEMOJI " + "😀" * N + " ENDEMOJI",
        "zwj-2k": "HZWJ " + "👩\u200d👩\u200d👧" * 2_000 + " ENDZWJ",
        "rtl-isolates": "HISO " + "\u2067" * N + "ب" * N + " ENDISO",
    }


def visible(row: str) -> str:
    """A row without its combining marks and format characters (what takes cells)."""
    return "".join(c for c in row if unicodedata.category(c) not in ("Mn", "Me", "Cf"))


@pytest.mark.parametrize("name", list(huge_texts()))
def test_layout_of_huge_text(name: str) -> None:
    text = display_safe(huge_texts()[name])
    lines = layout(text, 78)
    assert lines and all(line.cells <= 78 for line in lines)
    # The lines cover the input in order, from the first character to the last.
    assert lines[0].start == 0 and lines[-1].end == len(text)
    assert all(a.end <= b.start for a, b in pairwise(lines))
    if len(text) >= 50_000:
        assert len(lines) >= len(text) // 78 // 2  # folded, not one endless line
    one = layout_one_line(text, 60)
    assert 0 < one.cells <= 60
    assert ("…" in one.text) == (len(lines) > 1)  # cut with an ellipsis when it is too long


def huge_world(texts: list[str], *, chat: str = "-1", title: str = "Huge") -> list[MessageNew]:
    ref = ChatRef(chat, "group", title)
    sender = Sender("7", "Sam", None)
    start_at = NOW - timedelta(seconds=len(texts) + 10)
    return [
        MessageNew(ref, Message(str(i + 1), chat, start_at + timedelta(seconds=i), sender, t))
        for i, t in enumerate(texts)
    ]


async def open_chat(pilot: Pilot[Any], chat: str = "-1") -> None:
    await start(pilot)
    pilot.app.open_chat(ACCOUNT, chat)  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConversationScreen)


async def press(pilot: Pilot[Any], *keys: str) -> list[str]:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return [visible(r) for r in rows(pilot.app)]


def shows(screen: list[str], word: str) -> bool:
    return any(word in r for r in screen)


async def test_each_huge_message_is_shown_and_can_be_read_to_its_end(tmp_path: Path) -> None:
    texts = huge_texts()
    app = hostile_app(tmp_path, {ACCOUNT: huge_world(list(texts.values()))})
    async with app.run_test(size=(100, 40)) as pilot:
        await open_chat(pilot)
        # The newest message is the cursor's; walk up to each, showing every start.
        heads = [t.split(" ", 1)[0] for t in texts.values()]
        screen = [visible(r) for r in rows(app)]
        seen = {h for h in heads if shows(screen, h)}
        for _ in range(len(texts) * 3):
            screen = await press(pilot, "up")
            seen |= {h for h in heads if shows(screen, h)}
        assert seen == set(heads)
        # The 1 MB message: "show more" until it is all laid out, then its last row.
        screen = await press(pilot, "home")
        assert shows(screen, "H1MB") and shows(screen, "more characters")
        view = app.screen.view  # type: ignore[attr-defined]
        presses = 0
        while view.is_cut(view.window.messages[0]) and presses < 6:
            await press(pilot, "m")
            presses += 1
        assert presses >= 2  # 2,000 characters, then 8 times more each time
        assert not view.is_cut(view.window.messages[0])  # the whole megabyte is laid out
        assert view.virtual_size.height > MB // 100  # ~12,800 rows of it
        # Scrolling: page by page it moves; the end of the megabyte is reachable.
        top = view.scroll_y
        await press(pilot, "pagedown")
        assert view.scroll_y > top
        first = view.window.messages[0]
        end_row = view._offsets[view._msg_items[first.id] + 1]  # the row after its last
        view.scroll_to(y=end_row - 10, animate=False)
        await settle(pilot)
        assert shows([visible(r) for r in rows(app)], "END1MB")
        assert app.is_running


async def test_a_chat_of_5000_dense_messages_scrolls_end_to_end(tmp_path: Path) -> None:
    kinds = ["e" + "\u0301" * N, "😀" * N, ("word " * 2_000), "👩\u200d👩\u200d👧" * 2_000]
    texts = [f"M{i:04d} " + kinds[i % len(kinds)] for i in range(5_000)]
    app = hostile_app(tmp_path, {ACCOUNT: huge_world(texts)})
    async with app.run_test(size=(100, 40)) as pilot:
        await open_chat(pilot)
        view = app.screen.view  # type: ignore[attr-defined]
        assert shows([visible(r) for r in rows(app)], "M4999")
        before = [visible(r) for r in rows(app)]
        assert await press(pilot, "pageup") != before
        screen = await press(pilot, "home")
        for _ in range(200):  # the window loads older pages until the first message
            if shows(screen, "M0000"):
                break
            screen = await press(pilot, "home")
        assert shows(screen, "M0000")
        assert await press(pilot, "pagedown") != screen
        screen = await press(pilot, "end")
        for _ in range(200):
            if shows(screen, "M4999"):
                break
            screen = await press(pilot, "end")
        assert shows(screen, "M4999")
        assert len(view.window.messages) <= 300  # the window stays bounded
        assert app.is_running
