"""The tricky Persian strings of ``reference/rtl.md`` §7, which the demo world must contain.

The reference's test set (logical order; invisible characters escaped), kept here rather than
in the test suite because ``tui`` must not import the tests; ``tests/text/corpus.py`` (the RTL
engine's oracle and benchmark material) imports it from here. ``tests/demo`` checks that every
string reaches the demo's store unchanged.
Each case is said, as a whole message, by someone it suits: the module docstrings of
:mod:`tui.demo.chats_shop`, :mod:`tui.demo.chats_social` and :mod:`tui.demo.history` list which.
"""

from __future__ import annotations

# reference/rtl.md §7 (an original test set; logical order).
CASES: tuple[tuple[str, str, str], ...] = (
    ("P01", "plain Persian sentence", "سلام دنیا"),
    ("P02", "ZWNJ inside words (mi- prefix, -ha plural)", "می\u200cخواهم کتاب\u200cها را بخوانم"),
    ("P03", "ZWNJ after non-joining and joining letters", "خانه\u200cها و درخت\u200cها"),
    ("P04", "Persian digits (EN)", "قیمت ۱۲۵۰۰ تومان است"),
    ("P05", "Latin digits (EN)", "قیمت 12500 تومان است"),
    ("P06", "Arabic-Indic digits U+0660.. (AN)", "شماره ٣٤٥ را بگیر"),
    ("P07", "single English word inside Persian", "من از Python استفاده می\u200cکنم"),
    ("P08", "multi-word English phrase inside Persian", "فیلم The Lord of the Rings را دیدم"),
    ("P09", "LTR paragraph containing Persian", "Hello سلام world"),
    ("P10", "starts with an English word: UBA makes it LTR", "Telegram پیام\u200cرسان خوبی است"),
    ("P11", "starts with digits, first strong char Persian -> RTL", "۱۲ نفر آمدند"),
    ("P12", "ASCII exclamation at paragraph end", "سلام!"),
    ("P13", "Arabic question mark U+061F (AL) at end", "حالت خوبه؟"),
    (
        "P14",
        "ASCII ? after an English word at RTL paragraph end",
        "آیا از Linux استفاده می\u200cکنی?",
    ),
    ("P15", "guillemets (mirrored pair)", "او گفت «سلام» و رفت"),
    ("P16", "parentheses around Persian (mirroring)", "او (که دوست من است) آمد"),
    ("P17", "parentheses around English (N0 bracket pairs)", "کتابخانه (library) بسته است"),
    ("P18", "nested brackets with Persian digits", "[بخش ۲ (فرعی)] را ببین"),
    ("P19", "emoticon / unbalanced bracket at end", "ممنون :)"),
    ("P20", "URL inside Persian", "سایت https://example.com/fa/page?id=12 را ببین"),
    ("P21", "e-mail after a colon", "ایمیل من: user.name@example.org است"),
    ("P22", "emoji between words", "ممنون 🙏 خیلی خوب بود 😀"),
    ("P23", "ZWJ emoji sequence + flag", "خانواده 👨\u200d👩\u200d👧 ما در ایران 🇮🇷"),
    ("P24", "harakat (damma, fatha, shadda, kasra, sukun)", "مُحَمَّد کِتاب را خوانْد"),
    ("P25", "hamza above U+0654 (ezafe) and tanwin", "خانهٔ من حتماً زیباست"),
    ("P26", "Arabic yeh/kaf vs Persian yeh/keheh", "علي كتاب - علی کتاب"),
    ("P27", "final/isolated forms of ی ک گ پ چ ژ", "یک گچ پژو چای گرگ"),
    ("P28", "tatweel", "سلامـــ دوستان"),
    ("P29", "lam-alef and Allah ligature contexts", "لا الله سلام کلاس"),
    ("P30", "time (CS between EN)", "ساعت 10:30 صبح"),
    ("P31", "Jalali date with slashes", "تاریخ ۱۴۰۳/۰۵/۲۱ است"),
    ("P32", "negative number and Arabic percent sign", "دما -5 درجه و ۵۰٪ تخفیف"),
    ("P33", "phone number: UBA reverses the groups", "شماره: +98 912 345 6789"),
    ("P34", "version number", "نسخه 3.12.1 منتشر شد"),
    ("P35", "currency sign before number", "قیمت $100 است"),
    ("P36", "mention and hashtag", "@ali_reza سلام #تست"),
    ("P37", "inline code", "دستور `ls -la` را اجرا کن"),
    ("P38", "English quoted string inside Persian", 'او گفت "hello world" و رفت'),
    ("P39", "explicit RLM before an LTR-looking start", "\u200fC++ زبان خوبی است"),
    ("P40", "FSI…PDI isolate around an English name", "کاربر \u2068John Smith\u2069 وارد شد"),
    ("P41", "Arabic comma and semicolon", "سیب، پرتقال؛ موز"),
    ("P42", "trailing ellipsis and trailing spaces", "صبر کن...   "),
    ("P43", "leading spaces in an RTL paragraph", "   سلام"),
    ("P44", "no strong character at all", "123 456 !!!"),
    ("P45", "number + English unit", "سرعت 100 km/h است"),
    ("P46", "file path with a Persian file name", "فایل /home/ali/سند.txt را باز کن"),
    ("P47", "English words separated by Persian comma", "زبان\u200cهای Go، Rust و C"),
    ("P48", "TAB inside RTL text (python-bidi L1 bug)", "نام:\tAli"),
    ("P49", "double ZWNJ and ZWNJ at word edges", "\u200cمی\u200c\u200cروم\u200c"),
    ("P50", "multi-line message: direction per paragraph", "سلام\nHello there\n۳ پیام جدید"),
)
LONG = (
    "این یک پیام طولانی است که باید در عرض کم شکسته شود و شامل کلمات English words "
    "و اعداد ۱۲۳ و 456 است (همراه با پرانتز) و یک لینک https://example.com هم دارد."
)


def text(case_id: str) -> str:
    """The string of case ``case_id`` (``"P01"`` … ``"P50"``, or ``"LONG"``)."""
    if case_id == "LONG":
        return LONG
    for cid, _, value in CASES:
        if cid == case_id:
            return value
    raise KeyError(case_id)
