"""S2: bidi overrides and isolates in names, titles and bodies cannot spoof the layout
(security.md §1.4, §5).

A stranger controls their display name, a group's title and every body. The explicit bidi
controls (U+202A–U+202E embeddings/overrides, U+2066–U+2069 isolates) — leading, trailing,
balanced, unbalanced, nested — must never move the sender or time columns, the unread badge,
or the rows after them, and must never reach the terminal raw in a name or a title.

The checks run the real ``PayamApp`` (Pilot, stub accounts, frozen clock) in an LTR and an RTL
(Persian) interface. Every hostile name ``X`` is one whose ``display_safe(X, "name")`` is a
plain name ``P`` shown beside it, so the pass figure is *row equality*: each row drawn for
``X`` (inbox title, inbox preview, conversation header) is the very row drawn for ``P``, cell
for cell, so the time and badge sit in the same cells. Hostile bodies must leave the rows
after them (the next sender/time header) identical to the plain ones, and the badge of their
preview row in the same cell. An SVG snapshot of both screens (``__snapshots__`` beside this
file) pins the whole picture.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import pytest
from textual.pilot import Pilot

from adapters.models import ChatRef, Message, MessageNew, Sender
from tests.security.display_app import ACCOUNT, hostile_app, rows, settle, start
from tests.tui.shellkit import NOW
from tui.screens.conversation import ConversationScreen
from tui.screens.inbox import InboxScreen
from tui.text import display_safe

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
BIDI_CONTROLS: Final = frozenset(LRE + RLE + PDF + LRO + RLO + LRI + RLI + FSI + PDI)

PLAIN_EN: Final = "Alice Smith"
PLAIN_FA: Final = "سارا کریمی"


def spoofs(plain: str) -> list[str]:
    """Hostile spellings of ``plain`` (a two-word name): overrides and isolates around and
    inside it; each is ``plain`` again once the controls are gone."""
    first, last = plain.split(" ")
    return [
        RLO + plain,  # unbalanced override, leading
        plain + RLO,  # unbalanced override, trailing: would reverse what follows the name
        RLO + plain + PDF,  # balanced override
        f"{first} {LRO}{last}",  # an override in the middle
        f"{LRO}{first} {RLE}{last}{PDF}{PDF}",  # nested embeddings
        RLI + plain,  # unbalanced isolate
        f"{LRI}{first}{PDI} {last}",  # balanced isolate
        f"{FSI}{RLI}{first}{PDI} {last}{PDI}",  # nested isolates
        plain + PDI + PDI + PDF,  # stray closers
        f"{RLO}{LRI}{first} {last}{PDF}",  # an isolate inside an override, both unclosed
        LRE + RLE + PDF + LRO + RLO + plain + LRI + RLI + FSI + PDI,  # all nine
    ]


#: Hostile bodies (their sender is the plain name): none may move a column or a later row.
BODIES: Final = (
    RLO + "gnp.exe — looks like exe.png",
    "unclosed " + RLI + "isolate",
    "x " + FSI + "John" + PDI + " y",
    LRO + "سلام دنیا" + PDF,
    RLE * 60 + "deep" + PDF * 30,
    RLI * 100 + "deep",
)


def hostile_names(plain: str) -> list[tuple[str, str]]:
    """``(name, plain)`` pairs: the plain name first, then its spoofs, each with its tag."""
    return [(plain, plain)] + [(name, plain) for name in spoofs(plain)]


def tag(index: int) -> str:
    return f" #{index:02d}"


def spoof_world() -> tuple[dict[str, list[MessageNew]], list[tuple[str, str]]]:
    """One group per hostile name (title and sender carry it), one group per hostile body, and
    a "Spoof room" where every hostile sender and body speaks. Every message has the same
    time, so a plain row and a spoofed row can be compared as whole strings. Returns the
    world and the ``(name, plain)`` list, in tag order."""
    names = hostile_names(PLAIN_EN) + hostile_names(PLAIN_FA)
    when = NOW - timedelta(minutes=1)
    room = ChatRef("-9000", "group", "Spoof room")
    events: list[MessageNew] = []
    mid = 0

    def say(chat: ChatRef, sender: Sender, text: str) -> None:
        nonlocal mid
        mid += 1
        events.append(MessageNew(chat, Message(str(mid), chat.id, when, sender, text)))

    for i, (name, _) in enumerate(names):
        chat = ChatRef(f"-{1000 + i}", "group", name + tag(i))
        sender = Sender(str(5000 + i), name + tag(i), None)
        say(chat, sender, "hello")
        say(room, sender, f"hello{tag(i)}")
    plain = Sender("4999", PLAIN_EN, None)
    for k, body in enumerate(BODIES):
        say(ChatRef(f"-{2000 + k}", "group", f"Body{tag(k)}"), plain, body)
        say(room, plain, body)
        say(room, Sender(str(5000 + k % 2), names[k % 2][0] + tag(k % 2), None), "after")
    return {ACCOUNT: events}, names


TAG: Final = re.compile(r"#(\d\d)|(\d\d)#")  # "#07", or "07#" inside a right-to-left name


def tags_in(row: str) -> set[int]:
    """The tags a row shows."""
    return {int(m.group(1) or m.group(2)) for m in TAG.finditer(row)}


def untagged(row: str) -> str:
    """``row`` without its last two cells (the scrollbar's) and the cursor bar, every tag
    made ``#00`` (the tags only tell the rows apart)."""
    return TAG.sub("#00", row[:-2]).replace("▌", " ")


TIME: Final = re.compile(r"\d{1,2}:\d{2}")  # \d: Persian digits too


def time_cells(row: str) -> list[tuple[int, int]]:
    """Where the times of ``row`` sit (cell spans; every glyph here is one cell wide)."""
    return [m.span() for m in TIME.finditer(row)]


def no_raw_bidi(screen: list[str]) -> None:
    raw = [(y, r) for y, r in enumerate(screen) if BIDI_CONTROLS & set(r)]
    assert raw == [], raw[:3]


UI: Final = {"en": {}, "fa": {"language": "fa", "digits": "persian", "calendar": "jalali"}}


@pytest.mark.parametrize("ui", list(UI))
async def test_spoofed_titles_and_names_leave_the_inbox_columns_in_place(
    tmp_path: Path, ui: str
) -> None:
    world, names = spoof_world()
    app = hostile_app(tmp_path, world, **UI[ui])
    async with app.run_test(size=(110, 72)) as pilot:
        await start(pilot)
        assert isinstance(app.screen, InboxScreen)
        screen = rows(app)
    no_raw_bidi(screen)
    compared = 0
    for i, (name, plain) in enumerate(names):
        assert display_safe(name + tag(i), "name") == plain + tag(i)  # the premise
        base = next(k for k, (_, p) in enumerate(names) if p == plain)
        y, plain_y = title_row(screen, i), title_row(screen, base)
        # The title row and the preview row under it: the same cells as the plain chat's.
        assert untagged(screen[y]) == untagged(screen[plain_y]), (screen[y], screen[plain_y])
        assert untagged(screen[y + 1]) == untagged(screen[plain_y + 1])
        assert time_cells(screen[y]) == time_cells(screen[plain_y]) != []
        compared += 1
    # Hostile bodies in previews: the time and the unread badge stay in their cells.
    first = next(y for y, r in enumerate(screen) if "Body" + tag(0) in r)
    for k in range(len(BODIES)):
        (y,) = [y for y, r in enumerate(screen) if "Body" + tag(k) in r]
        assert untagged(screen[y]) == untagged(screen[first])
        assert badge_cell(screen[y + 1]) == badge_cell(screen[first + 1]) is not None
        compared += 1
    assert compared == len(names) + len(BODIES)


def title_row(screen: list[str], index: int) -> int:
    """The inbox row showing chat ``index``'s title (its preview row says "hello")."""
    found = [
        y
        for y, r in enumerate(screen)
        if index in tags_in(r) and "hello" not in r and "after" not in r and "Body" not in r
    ]
    assert len(found) == 1, (index, [screen[y] for y in found])
    return found[0]


def badge_cell(row: str) -> int | None:
    """The cell of the unread badge ("1", in either digit system) at the row's far end."""
    found = re.search(r"(?:^|\s)([1۱])\s*$", row) or re.match(r"^\s*([1۱])(?:\s|$)", row)
    return found.start(1) if found else None


async def open_room(pilot: Pilot[Any]) -> list[str]:
    app = pilot.app
    app.open_chat(ACCOUNT, "-9000")  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(app.screen, ConversationScreen)
    await pilot.press("home")
    await settle(pilot)
    seen: list[str] = []
    for _ in range(40):
        now = rows(app)
        seen += now
        await pilot.press("pagedown")
        await settle(pilot)
        if rows(app) == now:
            break
    return seen


@pytest.mark.parametrize("ui", list(UI))
async def test_spoofed_senders_and_bodies_leave_the_conversation_columns_in_place(
    tmp_path: Path, ui: str
) -> None:
    world, names = spoof_world()
    app = hostile_app(tmp_path, world, **UI[ui])
    async with app.run_test(size=(90, 40)) as pilot:
        await start(pilot)
        seen = await open_room(pilot)
    no_raw_bidi(seen)
    headers: dict[int, str] = {}
    for i in range(len(names)):
        shown = [r for r in seen if i in tags_in(r) and TIME.search(r)]
        assert shown, f"no header row for sender {i}"
        headers[i] = shown[0]
    for i, (_, plain) in enumerate(names):
        base = next(k for k, (_, p) in enumerate(names) if p == plain)
        assert untagged(headers[i]) == untagged(headers[base]), (headers[i], headers[base])
        assert time_cells(headers[i]) == time_cells(headers[base]) != []
    # After each hostile body, the next sender header is drawn exactly as it is after a
    # plain one: the overrides and isolates ended with the body.
    after = [y for y, r in enumerate(seen) if r.strip("▌ ").endswith("after")]
    assert len(after) >= len(BODIES)
    for y in after:
        header = next(seen[k] for k in range(y, y - 4, -1) if TIME.search(seen[k]))
        assert untagged(header) == untagged(headers[0]), (header, headers[0])


# --- the snapshot -----------------------------------------------------------------------------

SNAP_SIZE: Final = (80, 30)


def snap_app(tmp: Path, **ui: Any) -> Any:
    world, _ = spoof_world()
    return hostile_app(tmp, world, **ui)


def test_snapshot_inbox_with_spoofed_titles(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(snap_app(tmp_path), terminal_size=SNAP_SIZE, run_before=start)


def test_snapshot_conversation_with_spoofed_senders(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await start(pilot)
        pilot.app.open_chat(ACCOUNT, "-9000")
        await settle(pilot)
        await pilot.press("home")
        await settle(pilot)

    assert snap_compare(snap_app(tmp_path), terminal_size=SNAP_SIZE, run_before=run_before)
