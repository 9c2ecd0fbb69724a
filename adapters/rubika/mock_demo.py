"""Rubika's part of the ``demo`` scenario: a family group chatting in Persian, and a cousin.

Everything is injected as users' messages a few hours back on the mock clock, so it waits in
the bot's update queue for the first poll; ``rng`` picks the details, so a seed gives the
same world every time.
"""

from __future__ import annotations

import random
import string

from adapters.mock.scenarios import ZWNJ, tiny_png
from adapters.mock.world import MessengerWorld


def _user_id(rng: random.Random) -> str:
    """A ``u0…`` id in Rubika's shape (32 characters), so each person stays one user."""
    return "u0" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(30))


def _ago(world: MessengerWorld, minutes: float) -> float:
    return world.clock.now() - minutes * 60


def demo_rubika(world: MessengerWorld, rng: random.Random) -> None:
    """A family bot on Rubika: the «خانواده بزرگ» group and a private chat with a cousin."""
    bot = world.add_bot("پیام\u200cرسان خانواده", "family_payam_bot")
    family = {"type": "group", "title": "خانواده بزرگ 🌷"}
    mother = {"id": _user_id(rng), "name": "مامان"}
    father = {"id": _user_id(rng), "name": "بابا", "username": "baba_ahmad"}
    sara = {"id": _user_id(rng), "name": "سارا", "username": "sara_k"}
    ali = {"id": _user_id(rng), "name": "علی"}
    dish = rng.choice(("قورمه\u200cسبزی", "فسنجون", "زرشک\u200cپلو با مرغ"))
    hour = rng.choice(("۱", "۱:۳۰", "۲"))
    lines = [  # (sender, text, minutes ago)
        (mother, f"سلام بچه{ZWNJ}ها 🌸 جمعه همه ناهار بیاید خونه ما، {dish} داریم", 240),
        (father, f"ساعت {hour} همه اینجا باشید لطفاً، دیر نکنید 😄", 236),
        (sara, f"چشم مامان جون 😍 من کیک می{ZWNJ}پزم", 230),
        (ali, "من شاید یه کم دیرتر برسم، کلاس دارم تا ۱۲", 200),
        (mother, f"اشکال نداره پسرم، غذاتو نگه می{ZWNJ}دارم ❤️", 198),
    ]
    chat_id = ""
    for sender, text, minutes in lines:
        where = {"id": chat_id, "type": "group"} if chat_id else family
        chat_id = world.inbound(
            bot, sender=sender, chat=where, text=text, date=_ago(world, minutes)
        ).chat_id
    photo = world.files.add(tiny_png(40, 30, (240, 170, 60)), name="کیک.png", kind="photo")
    world.inbound(
        bot,
        sender=sara,
        chat={"id": chat_id, "type": "group"},
        text="اینم کیک دفعه قبل 🎂",
        file=photo,
        media_kind="photo",
        date=_ago(world, 95),
    )
    world.inbound(
        bot,
        sender=father,
        chat={"id": chat_id, "type": "group"},
        text="آفرین دخترم 👏 Happy birthday in advance, علی!",
        date=_ago(world, 90),
    )
    cousin = {"id": _user_id(rng), "name": "نگار", "username": "negar_t"}
    world.inbound(bot, sender=cousin, text="/start", date=_ago(world, 50))
    world.inbound(
        bot,
        sender=cousin,
        text=f"سلام! عکس{ZWNJ}های عروسی رو کی می{ZWNJ}فرستی؟ 📸",
        date=_ago(world, 49),
    )
