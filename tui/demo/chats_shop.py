"""Bale: the «گل‌سرخ» flower shop's bot, its customers and its news channel.

Builds on the ``demo`` scenario's Bale part (:func:`adapters.mock.scenarios.demo_bale`: Sara's
order, Reza asking about shipping, Maryam's photo) and adds what a shop's week looks like:
delivery questions, a changed address, a complaint with a photo, a bank receipt, a reply the
bot could not deliver (the customer had blocked it), a reply still waiting in the outbox, and
the shop's channel posts. Bale formats by markers in the text (``*bold*``), so one customer
writes a bold word that way.

Tricky strings of ``rtl.md`` §7 said here: P04 P05 P06 P09 P12 P19 P28 P30 P31 P32 P33 P35
P42 P44. None holds Bale's markers (``*``, ``_``, backquote, ``[``), which its markup would eat.
"""

from __future__ import annotations

from tui.demo import tricky
from tui.demo.fmt import ZWNJ, photo
from tui.demo.model import Builder

THANKS = ("ممنون!", "مرسی 🌹", "خیلی ممنون 🙏", "عالیه، ممنون", "Thanks!", "ممنون از پیگیری‌تون")


def build(b: Builder) -> None:
    """Bale's part of the demo world."""
    _sara(b)
    _reza(b)
    _maryam(b)
    _hamid(b)
    _fatemeh(b)
    _channel(b)


def _sara(b: Builder) -> None:
    sara = {"name": "سارا کریمی", "username": "sara_k"}
    chat = b.private(
        "bale.sara",
        sara,
        lines=(
            "سلام، سفارش بعدی رو هم همین آدرس بفرستید لطفاً",
            f"گل{ZWNJ}های رز صورتی هم دارید؟",
            "برای تولد مادرم یه سبد گل می‌خوام 🎂",
        ),
        answers=THANKS,
    )
    who = chat.people[0]
    b.say(chat.key, who, "ببخشید، آدرس رو عوض کردم: تهران، خیابان ولیعصر، کوچه ۱۲، پلاک ۳۴", 170)
    b.own(chat.key, "چشم، آدرس جدید ثبت شد ✅", 168)
    b.say(chat.key, who, tricky.text("P12"), 22)
    b.say(chat.key, who, f"گل{ZWNJ}ها رسید، خیلی قشنگ بودن 😍", 21)
    b.own(chat.key, "خوشحالیم که پسندیدید 🌹", 19)
    b.say(chat.key, who, tricky.text("P19"), 18)


def _reza(b: Builder) -> None:
    chat = b.private(
        "bale.reza",
        {"name": "Reza Ahmadi", "username": "reza_a"},
        lines=(
            "Is the courier on the way? پیک راه افتاده؟",
            "Can I pay on delivery? پرداخت در محل دارید؟",
            "Please ring twice, زنگ طبقه دوم خرابه 🙂",
        ),
        answers=("Thanks a lot!", "ممنون 🙏", "Perfect 👌"),
        unread=1,
    )
    who = chat.people[0]
    b.say(chat.key, who, tricky.text("P09"), 100)
    question = next((m for m in b.existing(chat.key) if "Shiraz" in m.text), None)
    b.own(
        chat.key,
        f"Yes, we ship everywhere in Iran. ارسال به شیراز ۲ روز کاری طول می{ZWNJ}کشه",
        93,
        reply_to=question,
    )
    b.say(chat.key, who, "How much is the big bouquet? دسته گل بزرگ چنده؟", 92)
    b.own(chat.key, tricky.text("P04"), 91)
    b.say(chat.key, who, "And for my sister in Dubai? She saw it on your Instagram:", 88)
    b.say(chat.key, who, tricky.text("P35"), 87)
    b.own(chat.key, "متأسفانه فعلاً فقط داخل ایران ارسال داریم 🙏", 86)
    phone = b.say(chat.key, who, tricky.text("P33"), 84)
    b.own(chat.key, f"شماره ثبت شد. پیک قبل از رسیدن تماس می{ZWNJ}گیره", 80, reply_to=phone)
    b.say(chat.key, who, "Great, thanks! see you on Saturday 👋", 12)


def _maryam(b: Builder) -> None:
    chat = b.private(
        "bale.maryam",
        {"name": "مریم", "username": "maryam_gol"},
        lines=("روبان قرمز هم دارید؟", "کارت تبریک هم می‌ذارید؟ 💌", "تا ساعت چند باز هستید؟"),
        answers=("ممنون!", "مرسی، منتظرم 🌸", "عالیه 😍"),
        unread=2,
    )
    who = chat.people[0]
    b.say(chat.key, who, tricky.text("P05"), 38)
    b.say(chat.key, who, "درسته؟ اینستاگرامتون نوشته", 37)
    b.own(chat.key, "بله درسته، هر شاخه ۱۲٬۵۰۰ تومان 🌹", 33)
    b.say(chat.key, who, f"پس ۲۰ شاخه با روبان آبی می{ZWNJ}خوام 💐", 31)
    b.say(chat.key, who, "برای فردا ساعت ۶ عصر", 30)
    # Left in the outbox when Payam last closed: delivered as soon as the demo starts, and
    # Maryam's simulated self answers it.
    b.own(
        chat.key,
        f"۲۰ شاخه با روبان آبی آماده می{ZWNJ}کنیم؛ فردا تا ساعت ۶ عصر می{ZWNJ}رسه 🚚",
        29,
        state="queued",
    )


def _hamid(b: Builder) -> None:
    chat = b.private(
        "bale.hamid",
        {"name": "حمید توکلی", "username": "hamid_tv"},
        lines=("هنوز منتظر جوابم", "با مدیر فروشگاه صحبت کنم؟", "دسته گل جدید کی می‌رسه؟"),
        answers=("باشه، ممنون", "ممنون که پیگیری کردید", "امیدوارم این بار درست برسه"),
        unread=3,
    )
    who = chat.people[0]
    b.say(chat.key, who, f"سلام. سفارش دیروزم رسید ولی گل{ZWNJ}ها پژمرده بودن 😡", 300)
    wilted = b.mw.files.add(photo((120, 90, 40)), name="گل-پژمرده.png", kind="photo")
    b.say(chat.key, who, "این عکسشه", 299, file=wilted)
    b.say(chat.key, who, tricky.text("P06"), 298)
    b.say(chat.key, who, tricky.text("P32"), 297)
    b.own(
        chat.key,
        f"آقای توکلی، خیلی متأسفیم 🙏 همین امروز یک دسته گل تازه براتون می{ZWNJ}فرستیم",
        290,
        state="failed",
        error="Forbidden: bot was blocked by the user",
    )
    b.say(chat.key, who, tricky.text("P44"), 121)
    b.say(chat.key, who, tricky.text("P42"), 120)
    b.say(chat.key, who, "بلاکتون کرده بودم، ببخشید. جواب بدید لطفاً", 119)


def _fatemeh(b: Builder) -> None:
    chat = b.private(
        "bale.fatemeh",
        {"name": "فاطمه نوری", "username": "f_noori"},
        lines=("کد رهگیری پستی رو هم بفرستید", "فاکتور رسمی هم می‌دید؟"),
        answers=("ممنون!", "دستتون درد نکنه 🌷"),
        unread=1,
    )
    who = chat.people[0]
    b.say(chat.key, who, "سلام وقت بخیر، مبلغ سفارش رو کارت به کارت کردم", 70)
    receipt = b.mw.files.add(photo((235, 235, 225), 60, 90), name="رسید-واریز.png", kind="photo")
    b.say(chat.key, who, tricky.text("P31"), 69, file=receipt)
    b.say(chat.key, who, tricky.text("P30"), 68)
    b.own(chat.key, "پرداخت تأیید شد ✅ سفارش شما ثبت شد", 60)
    b.say(chat.key, who, "*فوری* لطفاً تا ظهر برسه، مهمون داریم", 50)


def _channel(b: Builder) -> None:
    chat = b.channel("bale.news", "golsorkh_news")
    b.own(chat.key, tricky.text("P28"), 3000)
    b.own(chat.key, f"🌷 تخفیف ویژهٔ روز مادر: ۲۰٪ روی همهٔ دسته{ZWNJ}گل{ZWNJ}ها", 1500)
    b.own(chat.key, f"ساعت کاری جمعه{ZWNJ}ها: ۱۰ تا ۱۴", 600)
