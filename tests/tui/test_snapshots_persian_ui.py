"""A conversation in the Persian UI (``language = fa``, Persian digits, Jalali dates): the SVG
snapshot, and beside it the rows it shows checked against GNU FriBidi and the mirrored layout
(headers and labels against the right edge, the selected message's bar ▌ on the right), so the
snapshot cannot be approved by eye alone.

The app is the real :class:`~tui.app.PayamApp` over a store seeded with one Bale chat (stub
adapter, frozen clock, UTC): a reply, an edit, a mixed Persian/English line, an English line,
a file and an outgoing message.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from adapters.models import Attachment, ChatRef, FileRef, Message, MessageNew
from tests.text.oracle import fribidi, normalise, oracle_input
from tests.tui.oracle_rows import assert_rows_show, needs_fribidi
from tests.tui.screen import screen_rows
from tests.tui.shellkit import ME, NOW, SARA_FA, make_app, parts, ready, seed
from tui.app import PayamApp
from tui.i18n import I18n
from tui.widgets.appparts import conversation_labels
from tui.widgets.conversation import ConversationView
from tui.widgets.safe import FSI, PDI

PERSIAN = {"language": "fa", "digits": "persian", "calendar": "jalali"}
SIZE = (80, 30)
ACCOUNT, CHAT = "bale:shop", "21"
FILE_NAME, FILE_SIZE = "فاکتور.pdf", 23

BODIES = [
    "سلام! کتاب\u200cها رسید؟",
    "بله، دیروز رسید (همه ۳ جلد) و قیمتش ۱۲۵۰۰ تومان شد.",
    "من از Python استفاده می\u200cکنم",
    "OK, see you tomorrow at 10:30!",
    "فایل فاکتور را فرستادم",
    "ممنون، فردا می\u200cبینمت",
]


def messages() -> list[MessageNew]:
    """The chat, oldest first: each of :data:`BODIES` two minutes apart, the last one ours."""
    chat = ChatRef(CHAT, "private", "سارا کریمی", "sara_fa")
    out = []
    for i, text in enumerate(BODIES, start=1):
        when = NOW - timedelta(minutes=2 * (len(BODIES) - i) + 5)
        out.append(
            MessageNew(
                chat,
                Message(
                    str(i),
                    CHAT,
                    when,
                    ME if i in (2, len(BODIES)) else SARA_FA,
                    text,
                    reply_to="1" if i == 2 else None,
                    edited_at=when + timedelta(minutes=1) if i == 3 else None,
                    attachments=(
                        (Attachment("document", FileRef("f1", FILE_NAME, FILE_SIZE)),)
                        if i == 5
                        else ()
                    ),
                ),
            )
        )
    return out


def persian_app(tmp: Path) -> PayamApp:
    """The Persian UI over the one seeded chat."""
    db = tmp / "data" / "payam.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    seed(db, {ACCOUNT: messages()})
    return make_app(tmp, seeded=False, accounts={ACCOUNT: parts(ACCOUNT)}, **PERSIAN)


async def open_chat(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    pilot.app.open_chat(ACCOUNT, CHAT)
    await ready(pilot)


def test_conversation_persian_ui(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(persian_app(tmp_path), terminal_size=SIZE, run_before=open_chat)


async def shown(tmp: Path) -> tuple[list[str], int, int]:
    """The screen's rows, the conversation's content width and its left column."""
    app = persian_app(tmp)
    async with app.run_test(size=SIZE) as pilot:
        await open_chat(pilot)
        view = app.screen.query_one(ConversationView)
        assert view.has_focus and view.cursor_id is not None
        region = view.scrollable_content_region
        return screen_rows(app), region.width, region.x


@needs_fribidi
async def test_persian_ui_conversation_rows_match_fribidi(tmp_path: Path) -> None:
    rows, width, x = await shown(tmp_path)
    # Every row of an item is laid out 2 cells narrower than the view: one blank cell at the
    # left, the row, and the gutter (▌ when selected) at the right in a right-to-left UI.
    assert assert_rows_show(rows, BODIES, left=x + 1, width=width - 2) == len(BODIES)


async def test_the_selected_bar_is_on_the_right(tmp_path: Path) -> None:
    rows, width, x = await shown(tmp_path)
    inner = [normalise(r[x : x + width]) for r in rows]
    marked = [r for r in inner if "▌" in r]
    # The newest message is selected: its header and its body row carry the bar.
    assert len(marked) == 2
    for row in marked:
        assert row.index("▌") == width - 1, row
        assert row[-2] != " ", "the row's text reaches the bar: it is right-aligned"


@needs_fribidi
async def test_headers_and_the_file_line_read_right_to_left(tmp_path: Path) -> None:
    rows, width, x = await shown(tmp_path)
    inner = [normalise(r[x + 1 : x + width - 1]) for r in rows]
    t = I18n("fa", "persian")
    labels = conversation_labels(t)
    # The file line, as the UI builds it (size and kind isolated), through FriBidi: the bullet
    # points left at the right edge, and "(23 B)" is not torn into "(B 23)".
    # Payam's own words and numbers are Persian: the kind and the size's digits.
    size, kind = t.digits(f"{FILE_SIZE} B"), labels.kind("document")
    assert (size, kind) == ("۲۳ B", "سند")
    label = f"◂ {FSI}{FILE_NAME}{PDI} ({FSI}{size}{PDI}) · {FSI}{kind}{PDI} · {labels.file_fetch}"
    (visual,) = fribidi([oracle_input(label)], rtl=True)
    assert any(r.rstrip() and r.endswith(visual) for r in inner), visual
    assert "(۲۳ B)" in visual and visual.endswith("◂")
    # A header starts at the right edge with the sender's name, the time to its left (the
    # first message, 15 minutes before the frozen 12:00 UTC).
    (name,) = fribidi([SARA_FA.name], rtl=True)
    header = f"{t.digits('11:45')}  {name}"
    assert any(r.endswith(header) for r in inner), header
