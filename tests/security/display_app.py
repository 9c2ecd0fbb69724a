"""The real ``PayamApp`` under Pilot over a store seeded with hostile text (S3, S4, S5).

:func:`hostile_world` puts each given string in every field a stranger controls: a group chat
whose title carries it, a message from a sender whose name carries it with a body that carries
it, and a file whose name carries it. :func:`hostile_app` builds the app over that store (stub
adapters: nothing on the network). The readers look at what the compositor sends to the
terminal: :func:`rows` (text) and :func:`actions` (every segment's link and ``@click`` meta).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from textual.app import App
from textual.pilot import Pilot

from adapters.models import Attachment, ChatRef, FileRef, Message, MessageNew, Sender
from tests.security.display_corpus import canary, tagged
from tests.tui.shellkit import NOW, make_app, parts, ready, seed
from tui.app import PayamApp

ACCOUNT: Final = "telegram:me"
#: The ``@click`` actions Payam's own widgets attach (with their integer arguments).
OWN_ACTIONS: Final = re.compile(r"(open_link|jump_reply|show_more)\(\d+\)")


def hostile_world(texts: Sequence[str], *, files: bool = True) -> dict[str, list[MessageNew]]:
    """One group per text: title, sender name, body and (``files``) file name carry it, each
    after its canary (``t``, ``n``, ``b``, ``f`` with the text's index)."""
    events: list[MessageNew] = []
    for i, text in enumerate(texts):
        when = NOW - timedelta(minutes=len(texts) - i)
        chat = ChatRef(f"-{1000 + i}", "group", tagged("t", i, text))
        sender = Sender(str(5000 + i), tagged("n", i, text), f"user{i}")
        attachments: tuple[Attachment, ...] = ()
        if files:
            ref = FileRef(f"file{i}", tagged("f", i, text) + ".txt", 1234)
            attachments = (Attachment("document", ref),)
        message = Message(
            str(10 * i + 1),
            chat.id,
            when,
            sender,
            f"{canary('b', i)}{text}",
            attachments=attachments,
        )
        events.append(MessageNew(chat, message))
    return {ACCOUNT: events}


def hostile_app(tmp: Path, world: dict[str, list[MessageNew]], **changes: Any) -> PayamApp:
    """The app over a store seeded with ``world`` (one stub account, no network)."""
    db = tmp / "data" / "payam.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    seed(db, world)
    return make_app(tmp, accounts={ACCOUNT: parts(ACCOUNT)}, **changes)


def rows(app: App[Any]) -> list[str]:
    """Every row of the current screen as the terminal gets it (toasts included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def actions(app: App[Any]) -> list[str]:
    """Every link target and ``@click`` action on the current screen that is not Payam's own
    (an empty list is the pass figure: nothing from content became a link or an action)."""
    found: list[str] = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            if style.link:
                found.append(f"link {style.link!r} on {segment.text!r}")
            click = style.meta.get("@click") if style.meta else None
            if click is not None and not OWN_ACTIONS.fullmatch(str(click)):
                found.append(f"action {click!r} on {segment.text!r}")
    return found


async def collect(pilot: Pilot[Any], key: str, *, limit: int = 60) -> list[str]:
    """Press ``key`` until the screen stops changing; every row seen on the way."""
    app = pilot.app
    seen = rows(app)
    before = list(seen)
    for _ in range(limit):
        await pilot.press(key)
        await settle(pilot)
        now = rows(app)
        seen += now
        if now == before:
            return seen
        before = now
    raise AssertionError(f"still changing after {limit} × {key}")


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers and the refresh after them finish."""
    app = pilot.app
    for _ in range(2):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def start(pilot: Pilot[Any]) -> None:
    """Wait until the service is ready and the inbox is drawn."""
    await ready(pilot)
    await settle(pilot)


def row_with(all_rows: Sequence[str], tag: str) -> str:
    """The first row showing ``tag`` (a canary)."""
    found = next((r for r in all_rows if tag in r), None)
    assert found is not None, f"no row shows {tag}"
    return found


def shown_after(row: str, tag: str) -> str:
    """What a row shows from ``tag`` on, up to the next run of two spaces (a column gap)."""
    rest = row[row.index(tag) :]
    return re.split(r"\s{2,}", rest, maxsplit=1)[0].rstrip()


def is_shown_as(shown: str, expected: str) -> bool:
    """``shown`` is ``expected``, or its start cut with an ellipsis (a one-line field)."""
    if shown == expected:
        return True
    return shown.endswith("…") and expected.startswith(shown[:-1])


__all__ = [
    "ACCOUNT",
    "actions",
    "collect",
    "hostile_app",
    "hostile_world",
    "is_shown_as",
    "row_with",
    "rows",
    "settle",
    "shown_after",
    "start",
]
