"""Rubika, Eitaa, Soroush Plus and Telegram: family, neighbourhood, work and a friend abroad.

Builds on the ``demo`` scenario's parts (:mod:`adapters.rubika.mock_demo`,
:mod:`adapters.eitaa.mock_demo`, :func:`adapters.mock.scenarios.demo_splus`,
:func:`adapters.mock.scenarios.demo_telegram`) and adds:

* Rubika — the «خانواده بزرگ» group: Persian chatter, a reply, an edit (Rubika tells bots
  about edits) and a deletion (it tells them about those too); grandpa writes with harakat, an
  aunt types on an Arabic keyboard; a cousin in private.
* Eitaa — the neighbourhood channel the account posts to (Eitaa is send-only: every message
  there is the account's own post, one of them in the "unknown" state).
* Soroush Plus — a colleague: work talk in mixed Persian/English, formatting (bold, italic,
  code, a link), a file, a reply in the "unknown" state, a draft.
* Telegram — a friend abroad (English, Persian, emoji, a photo, a URL) and a family group.

Tricky strings of ``rtl.md`` §7 said here: P02 P03 P07 P08 P10 P11 P13-P18 P20-P27 P29 P34
P37-P41 P43 P45-P50 and LONG (P01 and P36: :mod:`tui.demo.history`).
"""

from __future__ import annotations

from tui.demo import tricky
from tui.demo.fmt import ZWNJ, entities, photo
from tui.demo.model import Builder

FAMILY_LINES = (
    "کسی نون گرفته؟ 🍞",
    f"بچه{ZWNJ}ها عکس{ZWNJ}های سفر رو بفرستید",
    "جمعه هوا خوبه، بریم پارک؟ 🌳",
    "مامان دستت درد نکنه، خیلی خوشمزه بود 😋",
    "من امشب دیر میام خونه",
    "تولد علی یادتون نره 🎂🎈",
    "قیمت گوجه رو دیدید؟ کیلویی ۸۰ هزار تومن شده 😳",
)
FAMILY_ANSWERS = ("قربونت برم ❤️", "ممنون عزیزم", "باشه 👍", "آفرین 👏", "ممنون!")


def build_rubika(b: Builder) -> None:
    """Rubika's part: the family group and a cousin."""
    family = b.group(
        "rubika.family",
        "خانواده بزرگ 🌷",
        [{"name": "مامان"}, {"name": "بابا"}, {"name": "سارا"}, {"name": "علی"}],
        lines=FAMILY_LINES,
        answers=FAMILY_ANSWERS,
        unread=3,
        pinned=True,
    )
    mom, dad, sara, ali = family.people
    grandpa = b.person({"name": "پدربزرگ", "username": "agha_joon"})
    aunt = b.person({"name": "خاله زهرا", "username": "khale_zahra"})
    family.people += [grandpa, aunt]
    held = b.existing(family.key)
    late = next(m for m in held if "دیرتر" in m.text)
    keep_food = next(m for m in held if "نگه" in m.text)
    k = family.key
    b.say(k, mom, tricky.text("P13"), 88, reply_to=late)
    b.say(k, ali, tricky.text("P02"), 87)
    b.say(k, grandpa, tricky.text("P24"), 80)
    b.say(k, aunt, tricky.text("P26"), 78)
    b.say(k, sara, tricky.text("P23"), 75)
    b.say(k, sara, tricky.text("P22"), 74)
    b.say(k, sara, tricky.text("P15"), 73)
    b.say(k, dad, tricky.text("P25"), 70)
    b.say(k, mom, tricky.text("P16"), 65)
    b.say(k, ali, tricky.text("P03"), 60)
    b.say(k, grandpa, tricky.text("P29"), 55)
    b.own(k, "من هم جمعه میام 🙂 شیرینی با من", 45)
    wrong = b.say(k, dad, "این پیام برای گروه همکارا بود", 41)
    b.delete(wrong)
    b.edit(keep_food, keep_food.text + f" فسنجون هم داریم{ZWNJ}ها 😉")
    b.say(k, ali, tricky.text("P11"), 20)
    b.say(k, mom, "بچه‌ها ساعت ۱ نه ۲! 😅", 15)
    b.say(k, aunt, "ما هم میایم ان‌شاءالله", 14)

    negar = b.private(
        "rubika.negar",
        {"name": "نگار", "username": "negar_t"},
        lines=("عکس‌ها رسید؟", "کی میای پیشمون؟ 🙂", "سلام برسون 🌸"),
        answers=("مرسی عزیزم 😍", "ممنون!", "قربونت ❤️"),
        unread=3,
    )
    who = negar.people[0]
    b.own(negar.key, "سلام نگار جان! امشب می‌فرستم 📸", 45)
    b.say(negar.key, who, tricky.text("P43"), 30)
    b.say(negar.key, who, tricky.text("P38"), 29)
    b.say(negar.key, who, tricky.text("P49"), 28)


def build_eitaa(b: Builder) -> None:
    """Eitaa's part: more posts on the neighbourhood channel (send-only)."""
    chat = b.channel("eitaa.news", "mahalle_news")
    b.own(chat.key, tricky.text("LONG"), 1440)
    b.own(chat.key, tricky.text("P41"), 1000)
    b.own(chat.key, tricky.text("P18"), 900)
    b.own(
        chat.key,
        f"یادآوری: فردا جمع{ZWNJ}آوری زباله{ZWNJ}های خشک 🗑",
        12,
        state="unknown",
        error="the connection closed after the post was sent: it may or may not have arrived",
    )


def build_splus(b: Builder) -> None:
    """Soroush Plus's part: a colleague, mixed Persian/English work talk."""
    chat = b.private(
        "splus.niloufar",
        {"name": "نیلوفر رضایی", "username": "n_rezaei"},
        lines=(
            "جلسه ساعت ۱۱ لغو شد",
            "Can you review my PR? لینکش توی گروهه",
            "ناهار بریم؟ 🍛",
            "سرور تست دوباره down شده 😤",
        ),
        answers=("ممنون!", "Thanks 🙏", "عالیه، مرسی", "دستت درد نکنه"),
        unread=1,
        draft=f"نسخهٔ PDF آماده{ZWNJ}ست، فقط جدول ۳ مونده",
    )
    who = chat.people[0]
    k = chat.key
    b.own(k, "ممنون، دریافت شد 👍", 148)
    b.say(k, who, tricky.text("P21"), 140)
    p37 = tricky.text("P37")
    b.say(k, who, p37, 139, entities=entities(p37, ("code", "ls -la")))
    b.say(k, who, tricky.text("P46"), 138)
    b.say(k, who, tricky.text("P48"), 137)
    b.own(k, "انجام شد. نسخهٔ جدید رو نصب کنم؟", 131)
    p34 = tricky.text("P34")
    b.say(k, who, p34, 129, entities=entities(p34, ("bold", "3.12.1")))
    b.say(k, who, tricky.text("P07"), 128)
    b.say(k, who, tricky.text("P47"), 127)
    b.say(k, who, tricky.text("P39"), 126)
    b.say(k, who, tricky.text("P40"), 125)
    b.say(k, who, tricky.text("P14"), 124)
    b.say(k, who, tricky.text("P17"), 123)
    notes = "Meeting notes: صورتجلسه رو قبل از جلسه بخونید لطفاً"
    b.say(
        k,
        who,
        notes,
        100,
        entities=entities(
            notes,
            ("italic", "Meeting notes"),
            ("text_link", "صورتجلسه", "https://intranet.example.com/q3"),
            ("bold", "قبل از جلسه"),
        ),
    )
    b.own(
        k,
        "گزارش رو تا ساعت ۳ می‌فرستم",
        10,
        state="unknown",
        error="the connection dropped after sending: it may or may not have arrived",
    )


def build_telegram(b: Builder) -> None:
    """Telegram's part: a friend abroad and a family group (the long group: history.py)."""
    arash = b.private(
        "telegram.arash",
        {"name": "Arash Moradi", "username": "arash_to"},
        lines=(
            "It's -20°C here today 🥶 اینجا همه چی یخ زده",
            "Did you see the game last night? ⚽",
            "دلم برای کباب تنگ شده 😭",
            "Sending you a photo of the lake 📸",
        ),
        answers=("Haha 😂", "Thanks man 🙏", "ممنون داداش ❤️", "👍👍"),
        unread=1,
        pinned=True,
    )
    who = arash.people[0]
    k = arash.key
    call_me = next(m for m in b.existing(k) if m.text.startswith("Call me"))
    b.own(k, "آره رسیدم 😴 Welcome to Toronto! 🇨🇦", 296)
    b.say(k, who, tricky.text("P10"), 290)
    b.say(k, who, tricky.text("P08"), 289)
    b.say(k, who, tricky.text("P45"), 288)
    p20 = tricky.text("P20")
    b.say(k, who, p20, 200, entities=entities(p20, ("url", "https://example.com/fa/page?id=12")))
    b.say(k, who, tricky.text("P50"), 199)
    b.own(k, "Sure! فردا ساعت ۹ شب به وقت تهران؟", 110, reply_to=call_me)
    snow = b.mw.files.add(photo((240, 244, 250), 64, 40), name="snow.png", kind="photo")
    b.say(k, who, "برف اینجا 😱❄️", 101, file=snow)
    b.say(k, who, "👍 Deal. Miss you all ❤️ دلم برای قورمه‌سبزی تنگ شده", 100)

    family = b.group(
        "telegram.family",
        "خانواده 🏡",
        [{"name": "مامان"}, {"name": "دایی حسن"}, {"name": "پرهام", "username": "parham_kid"}],
        lines=("ناهار چی داریم؟", "کسی کلید رو دیده؟ 🔑", "فردا تعطیله؟"),
        answers=("👍", "باشه", "ممنون ❤️"),
    )
    b.say(family.key, family.people[2], tricky.text("P27"), 52)
    b.own(family.key, "ما هم هستیم 🙌", 50)
