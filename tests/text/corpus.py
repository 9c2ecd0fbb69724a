"""Test material for the RTL engine: the tricky strings of ``reference/rtl.md`` §7 and a seeded
corpus of Persian lines built from the Debian ``myspell-fa`` word list (GPL-2+, installed by
``.ci/run``; never vendored). Shared by the oracle tests and ``bench/bench_text.py``.
"""

from __future__ import annotations

import os
import random
from functools import lru_cache
from pathlib import Path

WORDLIST = Path(os.environ.get("PAYAM_FA_WORDLIST", "/usr/share/hunspell/fa_IR.dic"))

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

# More probes: vocalised Arabic, the ligature contexts, tatweel, alef maksura, mixed digit
# systems (each compared with FriBidi too).
EXTRA: tuple[str, ...] = (
    "لَا تَخَفْ",
    "بِسْمِ اللَّهِ الرَّحْمَٰنِ",
    "الله اکبر",
    "كلا",
    "إلى الأمام",
    "ى مى",
    "ساعت ۱۲:۳۰ و ٣٤:٥٦",
)

_ENGLISH = ("Python", "Linux", "Telegram", "OK", "email", "version", "GitHub", "iPhone", "app")
_EMOJI = ("😀", "🙏", "❤️", "👍🏽", "🎉", "🇮🇷", "👨\u200d👩\u200d👧")


def have_wordlist() -> bool:
    """Whether the Debian word list is installed."""
    return WORDLIST.is_file()


@lru_cache(maxsize=1)
def words() -> tuple[str, ...]:
    """The myspell-fa words (the first line of a .dic file is a count)."""
    lines = WORDLIST.read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines[1:] if w.strip())


def case_lines() -> list[str]:
    """The §7 strings and LONG, one paragraph per line."""
    out: list[str] = []
    for _, _, text in CASES:
        out += text.split("\n")
    out.append(LONG)
    return out


def persian_lines(
    count_words: int = 5000, count_sentences: int = 5000, seed: int = 1403
) -> list[str]:
    """The oracle corpus: §7 strings, ``EXTRA``, single words, and 2–9-word sentences.

    As ``reference/rtl.md`` §4.3 validated the sketch: random words, and random sentences
    with ``.``, ``!``, ``؟``, digits, ``(x)``, ``[a (b)]`` or ``«c»`` appended (some with an
    English word inside).
    """
    rng = random.Random(seed)
    vocabulary = words()
    out = [*case_lines(), *EXTRA]
    out += [rng.choice(vocabulary) for _ in range(count_words)]
    for _ in range(count_sentences):
        sentence = [rng.choice(vocabulary) for _ in range(rng.randint(2, 9))]
        if rng.random() < 0.2:
            sentence.insert(rng.randrange(len(sentence) + 1), rng.choice(_ENGLISH))
        ending = rng.choice(
            (
                ".",
                "!",
                "؟",
                f" {rng.randint(0, 99999)}",
                " "
                + str(rng.randint(0, 9999)).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
                f" ({rng.choice(vocabulary)})",
                f" [{rng.choice(vocabulary)} ({rng.choice(vocabulary)})]",
                f" «{rng.choice(vocabulary)}»",
            )
        )
        out.append(" ".join(sentence) + ending)
    return out


def chat_messages(count: int = 50, seed: int = 7) -> list[str]:
    """Chat messages of 1–3 mixed lines (Persian, English, digits, emoji, links)."""
    rng = random.Random(seed)
    vocabulary = words()
    messages: list[str] = []
    for _ in range(count):
        paragraphs: list[str] = []
        for _ in range(rng.randint(1, 3)):
            roll = rng.random()
            if roll < 0.15:
                text = " ".join(
                    rng.choice(("Hello", "there", "see", "the", "build", "is", "green"))
                    for _ in range(rng.randint(2, 8))
                )
            else:
                parts = [rng.choice(vocabulary) for _ in range(rng.randint(2, 14))]
                if rng.random() < 0.3:
                    parts.insert(rng.randrange(len(parts)), rng.choice(_ENGLISH))
                if rng.random() < 0.2:
                    parts.append(rng.choice(_EMOJI))
                if rng.random() < 0.1:
                    parts.insert(rng.randrange(len(parts)), "https://example.com/p?id=42")
                if rng.random() < 0.2:
                    parts.append(f"({rng.randint(1, 999)})")
                text = " ".join(parts)
            paragraphs.append(text)
        messages.append("\n".join(paragraphs))
    return messages
