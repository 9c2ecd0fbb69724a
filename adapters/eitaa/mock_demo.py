"""Eitaa's part of the ``demo`` scenario: a neighbourhood news channel and its posting bot.

Eitaayar is send-only, so the channel holds posts the bot already made (a few hours back on
the mock clock, one pinned, one with a file) and one post scheduled for later, which the
control API lists under ``scheduled`` until the mock clock reaches it. ``rng`` picks the
details, so a seed gives the same world every time.
"""

from __future__ import annotations

import random

from adapters.mock.scenarios import ZWNJ
from adapters.mock.world import MessengerWorld


def demo_eitaa(world: MessengerWorld, rng: random.Random) -> None:
    """The «خبرهای محله» channel: posts, a pinned notice, a timetable file, a scheduled post."""
    bot = world.add_bot(
        f"کانال{ZWNJ}یار محله",
        "mahalle_yar_bot",
        channels=[{"username": "mahalle_news", "title": "خبرهای محله 🏘"}],
    )
    chat = world.chats[bot.channels[0]]
    now = world.clock.now()
    hour = rng.choice(("۹", "۱۰", "۱۱"))
    posts = [
        (f"قطعی آب فردا از ساعت {hour} صبح تا ۲ بعدازظهر 💧 لطفاً آب ذخیره کنید.", 300, True),
        (f"جلسه{ZWNJ}ی شورایاری محله پنج{ZWNJ}شنبه در مسجد جامع برگزار می{ZWNJ}شود.", 180, False),
        (f"بازارچه{ZWNJ}ی خیریه این هفته — all proceeds go to the school library 📚", 60, False),
    ]
    for text, minutes_ago, pin in posts:
        world.bot_send(
            bot,
            chat,
            text=text,
            date=now - minutes_ago * 60,
            extra={"title": text.split(" ", 2)[0], **({"pin": True} if pin else {})},
        )
    timetable = world.files.add(
        "ساعت کار کتابخانه: شنبه تا چهارشنبه ۸ تا ۱۶\n".encode(),
        name=f"ساعت{ZWNJ}های-کار.txt",
        mime="text/plain",
    )
    world.bot_send(
        bot,
        chat,
        text="ساعت کاری جدید کتابخانه محله",
        file=timetable,
        media_kind="document",
        date=now - 30 * 60,
    )
    later = now + 3 * 3600
    world.bot_send(
        bot,
        chat,
        text=f"یادآوری: امشب ساعت ۸ جشن نیمه{ZWNJ}شعبان در پارک محله 🎉",
        date=later,
        scheduled_at=later,
        extra={"title": "یادآوری جشن", "disable_notification": True},
    )
