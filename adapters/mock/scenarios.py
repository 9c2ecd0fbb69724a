"""Scenarios: what a fresh mock world holds (``payam mock serve --scenario empty|demo``).

``empty`` has no bots. ``demo`` is a small seeded world for the demo and for people trying Payam:
a Bale shop and its customers, a Telegram friend abroad and a family group, a Soroush Plus
colleague; Persian, English and mixed text, ZWNJ, emoji, Persian digits, a photo and a document.
Messages are injected as users' messages a few hours back on the mock clock, so they wait in
the bots' update queues for the first poll. The same seed gives the same tokens, ids and texts.

Each messenger contributes its part through ``MockMessenger.demo`` (see
:mod:`adapters.mock.registry`); the builders for Telegram, Bale and Soroush Plus live here, and
the Rubika and Eitaa mocks add theirs the same way (a family group on Rubika, a channel on
Eitaa). Simulated users who keep writing while the demo runs are not part of a scenario: the
demo drives them through the world's thread-safe methods.
"""

from __future__ import annotations

import random
import struct
import zlib

from adapters.mock.world import MessengerWorld, MockWorld

SCENARIOS: tuple[str, ...] = ("empty", "demo")
ZWNJ = "\u200c"


def build_scenario(world: MockWorld, name: str, seed: int = 0) -> dict[str, list[str]]:
    """Fill ``world`` for scenario ``name``; returns the bot tokens per messenger."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    if name == "demo":
        from adapters.mock.registry import load_mocks

        for messenger, mock in load_mocks(list(world)).items():
            if mock.demo is not None:
                mock.demo(world[messenger], random.Random(f"demo:{seed}:{messenger}"))
    return {m: list(world[m].bots) for m in world}


def tiny_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid one-colour PNG (demo photos; tests that need a real image header)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _ago(world: MessengerWorld, minutes: float) -> float:
    return world.clock.now() - minutes * 60


def demo_bale(world: MessengerWorld, rng: random.Random) -> None:
    """A flower shop's bot on Bale with its customers and its news channel."""
    bot = world.add_bot(
        "فروشگاه گل\u200cسرخ",
        "golsorkh_shop_bot",
        channels=[{"username": "golsorkh_news", "title": "اخبار فروشگاه گل\u200cسرخ"}],
    )
    order = rng.randrange(1000, 9999)
    sara = {"name": "سارا کریمی", "username": "sara_k"}
    reza = {"name": "Reza Ahmadi", "username": "reza_a"}
    maryam = {"name": "مریم", "username": "maryam_gol"}  # one user: both messages, one chat
    first = world.inbound(
        bot,
        sender=sara,
        text=f"سلام، سفارش {order} من کی ارسال می{ZWNJ}شه؟",
        date=_ago(world, 190),
    )
    chat = world.chats[first.chat_id]
    world.bot_send(
        bot,
        chat,
        text=f"سلام سارا جان، سفارش {order} فردا ارسال می{ZWNJ}شه 🌹",
        date=_ago(world, 185),
    )
    world.inbound(bot, sender=sara, text="ممنون 🙏", date=_ago(world, 180))
    world.inbound(
        bot,
        sender=reza,
        text="Hi! Do you ship to Shiraz? هزینه ارسال چقدره؟",
        date=_ago(world, 95),
    )
    photo = world.files.add(tiny_png(32, 24, (200, 30, 60)), name="rose.png", kind="photo")
    world.inbound(
        bot,
        sender=maryam,
        text="این مدل رو با روبان آبی دارید؟ size M لطفاً",
        file=photo,
        media_kind="photo",
        date=_ago(world, 40),
    )
    world.inbound(bot, sender=maryam, text="قیمتش هم بگید ممنون", date=_ago(world, 39))


def demo_telegram(world: MessengerWorld, rng: random.Random) -> None:
    """A personal bot on Telegram: a friend abroad, and a family group."""
    bot = world.add_bot("Payam Relay", "payam_relay_bot")
    arash = {"name": "Arash Moradi", "username": "arash_to"}
    hours = rng.choice((3, 4, 5))
    world.inbound(bot, sender=arash, text="Hey! رسیدی خونه؟", date=_ago(world, 300))
    world.inbound(
        bot,
        sender=arash,
        text=f"The flight was {hours} hours late 😅 ولی بالاخره رسیدم تورنتو",
        date=_ago(world, 298),
    )
    world.inbound(
        bot,
        sender=arash,
        text="Call me when you're free — اینجا ساعت ۸ صبحه",
        date=_ago(world, 120),
    )
    family = {"type": "group", "title": "خانواده 🏡"}
    world.inbound(
        bot,
        sender={"name": "مامان"},
        chat=family,
        text=f"بچه{ZWNJ}ها جمعه ناهار خونه ما، ساعت ۱ 🍲",
        date=_ago(world, 60),
    )
    world.inbound(
        bot,
        sender={"name": "دایی حسن"},
        chat=family,
        text="ما هستیم 👍",
        date=_ago(world, 55),
    )


def demo_splus(world: MessengerWorld, rng: random.Random) -> None:
    """An office helper bot on Soroush Plus, and a colleague who needs a report."""
    bot = world.add_bot("دستیار دفتر", "office_helper_bot")
    niloufar = {"name": "نیلوفر رضایی", "username": "n_rezaei"}
    room = rng.choice(("۲۰۳", "۳۱۲", "۱۰۵"))
    world.inbound(
        bot,
        sender=niloufar,
        text=f"سلام، جلسه فردا ساعت ۱۰ صبح در اتاق {room} برگزار می{ZWNJ}شه.",
        date=_ago(world, 150),
    )
    report = world.files.add(
        b"%PDF-1.4\n% demo report\n", name="گزارش-فصل-سوم.pdf", mime="application/pdf"
    )
    world.inbound(
        bot,
        sender=niloufar,
        text="این نسخه قبلی گزارشه",
        file=report,
        media_kind="document",
        date=_ago(world, 149),
    )
    world.inbound(
        bot,
        sender=niloufar,
        text=f"لطفاً گزارش Q3 رو تا ظهر بفرستید — the PDF version please. ممنون{ZWNJ}م",
        date=_ago(world, 30),
    )
