"""The UI's words and dates in English and Persian, and the Persian UI mirrored — checked
against GNU FriBidi so that a wrong right-to-left row cannot pass."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.text.oracle import normalise
from tests.tui.oracle_rows import expected_lines, needs_fribidi
from tests.tui.screen import screen_rows
from tests.tui.shellkit import make_app, ready
from tui.glue import DateLabels
from tui.i18n import I18n
from tui.locale.strings import ACTIONS, MESSENGERS, STRINGS
from tui.screens.inbox import InboxScreen
from tui.settings.schema import DEFAULT_KEYS, WIDGET_KEYS


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_string_has_both_languages_with_the_same_placeholders() -> None:
    for key, (en, fa) in STRINGS.items():
        assert en.strip() and fa.strip(), key
        assert fields(en) == fields(fa), key
    for table in (ACTIONS, MESSENGERS):
        for key, (en, fa) in table.items():
            assert en.strip() and fa.strip(), key
    # Every configurable action has a name in both languages (help and the key bar use it).
    assert set(DEFAULT_KEYS) | set(WIDGET_KEYS) <= set(ACTIONS)


def test_digits_and_names() -> None:
    fa = I18n("fa", "persian")
    assert fa("status.unread", count=fa.num(12)) == "۱۲ خوانده‌نشده"
    assert fa.messenger("bale") == "بله" and fa.messenger("plugin") == "plugin"
    assert I18n("en", "persian").num(305) == "۳۰۵"
    assert I18n("fa", "ascii").num(305) == "305"
    assert fa.rtl and fa.ui_direction == "rtl" and not I18n().rtl


def test_date_labels_gregorian_and_jalali() -> None:
    now = datetime(2025, 6, 21, 12, 0, tzinfo=UTC)  # Saturday, 31 Khordad 1404
    en = DateLabels(I18n("en"), "gregorian", UTC)
    assert en.row(now - timedelta(hours=2), now) == "10:00"
    assert en.row(now - timedelta(days=1), now) == "Fri"
    assert en.row(datetime(2025, 3, 20, tzinfo=UTC), now) == "20 Mar"
    assert en.row(datetime(2024, 3, 20, tzinfo=UTC), now) == "2024-03-20"
    fa = DateLabels(I18n("fa", "persian"), "jalali", UTC)
    assert fa.row(now - timedelta(hours=2), now) == "۱۰:۰۰"
    assert fa.row(now - timedelta(days=1), now) == "جمعه"
    assert fa.row(datetime(2025, 3, 21, tzinfo=UTC), now) == "۱ فروردین"  # Nowruz 1404
    assert fa.row(datetime(2025, 3, 20, tzinfo=UTC), now) == "۱۴۰۳/۱۲/۳۰"
    en_jalali = DateLabels(I18n("en"), "jalali", UTC)
    assert en_jalali.row(datetime(2025, 4, 1, tzinfo=UTC), now) == "12 Far"
    assert en.row(None, now) == ""


async def test_the_persian_ui_is_mirrored(tmp_path: Path) -> None:
    app = make_app(tmp_path, language="fa", digits="persian", calendar="jalali")
    async with app.run_test(size=(90, 24)) as pilot:
        await ready(pilot)
        rows = screen_rows(app)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen) and inbox.has_class("-rtl")
    # Header: the title at the right edge, the count at the left.
    assert rows[0].rstrip().endswith(normalise_title("پیام · همهٔ گفتگوها"))
    assert rows[0].lstrip().startswith("ﻮﮕﺘﻔﮔ ۸ ﺯﺍ ۸")
    # Rows: badge at the right edge, time (Persian digits) at the left.
    assert rows[1].rstrip().endswith(" RB") and rows[1].startswith("۱۰:۰۵ ★")
    assert rows[2].startswith(" ۱ ")  # the unread count, left
    # Status bar and key bar read from the right.
    assert rows[-1].rstrip().endswith("Enter")
    assert rows[-2].rstrip().endswith(normalise_title("۵ حساب: ۴ در حال دریافت · ۱ فقط ارسال"))


def normalise_title(text: str) -> str:
    (visual, _), *_ = expected_lines(text, 200)
    return normalise(visual)


@needs_fribidi
async def test_persian_rows_match_fribidi(tmp_path: Path) -> None:
    app = make_app(tmp_path, language="fa")
    async with app.run_test(size=(90, 24)) as pilot:
        await ready(pilot)
        rows = [normalise(r) for r in screen_rows(app)]
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        entries = inbox.inbox_list.rows
    checked = 0
    for entry in entries:
        if entry.title.isascii() or any(ord(c) > 0xFFFF for c in entry.title):
            continue  # FriBidi reverses an emoji's ZWJ sequence; we keep the cluster whole
        (visual, rtl), *_ = expected_lines(entry.title, 200, "auto")
        # Each Persian title sits against the right edge, just before the 4-cell badge.
        assert any(r.rstrip()[:-4].rstrip().endswith(visual) for r in rows), visual
        checked += 1
    for text in ("شام ساعت ۸ آماده است", "سلام! سفارشم کی می‌رسه؟"):
        (visual, rtl), *_ = expected_lines(text, 200)
        assert rtl and any(visual in r for r in rows), visual
        checked += 1
    assert checked >= 5


def test_attachment_kinds_in_the_ui_language_and_unknown_ones_as_they_are() -> None:
    assert I18n("fa").attachment_kind("voice") == "پیام صوتی"
    assert I18n("en").attachment_kind("voice") == "voice"
    assert I18n("fa").attachment_kind("hologram") == "hologram"  # a plug-in's own kind
