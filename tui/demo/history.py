"""The long-running group: «Python Iran | پایتون ایران 🐍» on Telegram, 20,000 messages.

How the history gets in: a bot API has no history endpoint, so a chat of 20,000 messages can
only be Payam's own record of months of polling. Replaying it through the mock's update queue
(the real path, ~14k updates/s) would cost the demo well over a second before the first paint,
so the history is written straight into the store as :class:`~adapters.models.Batch` events,
built exactly as the Telegram adapter builds them (ids as wire integers in strings, spans from
wire entities through the adapter's own converter), at seed time, before the UI starts. The
mock world learns only that the chat exists and how many messages it had: the chat's message
counter is moved past the history, so live messages continue the numbering without colliding.
The last few messages (a reply chain with one of the account's own replies in it, a mention,
links; ``rtl.md`` §7's P01 and P36) are real updates, queued like every other demo message.

The lines are generated from templates (questions, answers, chatter, links, code tips) in
Persian, English and both, by a seeded :class:`random.Random`, with dates spread over eight
months of Tehran daytime.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.botapi.entities import spans_from_entities
from adapters.models import ChatRef, Event, Message, MessageNew, Sender
from tui.demo import tricky
from tui.demo.fmt import ZWNJ, entities
from tui.demo.model import Builder, History

SIZE = 20_000
TAIL = 7  # messages of the scripted tail (see _tail)
TITLE = "Python Iran | پایتون ایران 🐍"
DAYS = 240
DAY_S = 86_400
TEHRAN_S = 12_600  # UTC+03:30
MEMBERS = (  # (name, username): the most active first
    ("علیرضا", "ali_reza"),
    ("Mahsa", "mahsa_dev"),
    ("کاوه", "kaveh_k"),
    ("Nima", "nima_py"),
    ("سینا", "sina_s"),
    ("Parisa", "parisa_ml"),
    ("امیر", "amir_h"),
    ("Shirin", "shirin_t"),
    ("رضا", "reza_backend"),
    ("Babak", "babak_ops"),
    ("نازنین", "nazanin_n"),
    ("Omid", "omid_o"),
    ("مهدی", "mahdi_m"),
    ("Leila", "leila_data"),
    ("حسین", "hossein_q"),
    ("Arman", "arman_a"),
    ("زهرا", "zahra_z"),
    ("Peyman", "peyman_p"),
    ("یاسمن", "yasaman_y"),
    ("Kian", "kian_k"),
)
LIBS = (
    "Django",
    "FastAPI",
    "asyncio",
    "pandas",
    "NumPy",
    "SQLAlchemy",
    "Textual",
    "pytest",
    "Flask",
    "Celery",
    "Redis",
    "PostgreSQL",
    "SQLite",
    "Docker",
    "mypy",
    "ruff",
    "httpx",
)
ERRORS = (
    "ModuleNotFoundError",
    "TypeError",
    "UnicodeDecodeError",
    "ConnectionResetError",
    "RecursionError",
    "KeyError",
    "TimeoutError",
)
CITIES = ("تهران", "اصفهان", "شیراز", "مشهد", "تبریز", "رشت", "Berlin", "Toronto", "Remote")
EMOJI = ("😅", "🙏", "👍", "🔥", "😂", "🤔", "🎉", "💯", "😩", "🐍")
PDIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
Mark = tuple[str, str]
Template = tuple[str, tuple[Mark, ...]]

QUESTIONS: tuple[Template, ...] = (
    ("سلام، کسی با {lib} کار کرده؟ یه سوال داشتم", ()),
    ("بعد از آپدیت به Python {ver} خطای {err} می{z}گیرم، کسی دیده؟ {emoji}", ()),
    ("Does anyone know a good tutorial for {lib}?", ()),
    ("{lib} بهتره یا {lib2}؟ برای یه پروژه کوچیک", ()),
    ("چطوری توی {lib} تست بنویسم که دیتابیس واقعی نخواد؟", ()),
    ("Is {lib} async-safe? توی داکیومنتش چیزی ندیدم", ()),
    (
        "کسی می{z}دونه چرا pip install {pkg} روی ویندوز خطا می{z}ده؟",
        (("code", "pip install {pkg}"),),
    ),
    ("Anyone hiring juniors in {city}? دنبال کار می{z}گردم", ()),
    ("چطوری یه فایل CSV با {n} میلیون سطر رو با pandas بخونم که رم تموم نشه؟", ()),
    ("What's the best way to deploy {lib} on a cheap VPS?", ()),
)
ANSWERS: tuple[Template, ...] = (
    ("آره، من استفاده کردم. داکیومنتش خیلی خوبه {emoji}", ()),
    ("نسخه {lib} رو چک کن، احتمالاً قدیمیه", ()),
    ("Try python -m pip install -U {pkg}", (("code", "python -m pip install -U {pkg}"),)),
    ("به نظرم {lib} برای شروع بهتره", ()),
    ("مشکل از encoding فایله، encoding='utf-8' بذار", (("code", "encoding='utf-8'"),)),
    ("I had the same issue, upgrading to {ver} fixed it", ()),
    ("با chunksize بخونش، هر بار {n}۰ هزار سطر", (("code", "chunksize"),)),
    (
        "این لینک کمکت می{z}کنه: https://docs.python.org/3/library/asyncio.html",
        (("url", "https://docs.python.org/3/library/asyncio.html"),),
    ),
    ("Use a virtualenv, always. همیشه!", (("bold", "always"),)),
    ("من توی {city} با {lib} کار می{z}کنم، پیام بده", ()),
    ("ممنون، حل شد {emoji}", ()),
    ("mypy --strict رو روشن کن، خیلی از این باگ{z}ها رو می{z}گیره", (("code", "mypy --strict"),)),
)
CHATTER: tuple[Template, ...] = (
    ("صبح بخیر دوستان ☀️", ()),
    ("Good morning everyone {emoji}", ()),
    ("جلسه{z}ی ماهانه این هفته پنج{z}شنبه ساعت ۱۸ برگزار می{z}شه 🎉", (("bold", "پنج{z}شنبه"),)),
    ("Python {ver} release notes are out, the new REPL is great", (("italic", "release notes"),)),
    ("کسی برای PyCon امسال ثبت{z}نام کرده؟", ()),
    ("This group is the best, thanks all 🙏 ممنون از همه", ()),
    ("لطفاً سوال{z}ها رو با جزئیات و پیام خطا بپرسید 🙂", ()),
    (
        "The meetup slides: https://python.example.ir/slides/{n}",
        (("url", "https://python.example.ir/slides/{n}"),),
    ),
    ("{lib} {ver2} منتشر شد 🔥", ()),
    ("آفرین، خیلی خوب توضیح دادی {emoji}", ()),
    ("😂😂😂", ()),
    ("+۱", ()),
)
OWN: tuple[Template, ...] = (
    ("من هم همین مشکل رو داشتم، با آپدیت {lib} درست شد", ()),
    ("ممنون از توضیحات 🙏", ()),
    ("Nice, thanks for sharing!", ()),
)


@dataclass
class _Member:
    spec: dict[str, Any]
    sender: Sender
    weight: float


def build(b: Builder, *, size: int = SIZE) -> History:
    """The long group: ``size`` messages in all (history + a live-looking tail)."""
    rng = random.Random(f"demo-history:{b.demo.seed}")
    people = [{"name": name, "username": user} for name, user in MEMBERS]
    chat = b.group(
        "telegram.python",
        TITLE,
        people,
        lines=tuple(_line(rng, t) for t in CHATTER + QUESTIONS + ANSWERS),
        answers=("👍", "ممنون!", "Thanks!", "دقیقاً 💯", "آفرین 👏"),
        unread=14,
        muted=True,
    )
    members = [
        _Member(spec, Sender(spec["id"], spec["name"], spec.get("username")), 1.0 / (i + 1) ** 0.8)
        for i, spec in enumerate(chat.people)
    ]
    me = Sender(b.wire(b.bot.bot_id), b.bot.name, b.bot.username, is_bot=True)
    count = size - TAIL
    ref = ChatRef(chat.wire_id, "group", TITLE)
    end = b.ago(30)
    start = _tehran_midnight(end - DAYS * DAY_S)
    stamps = sorted(_daytime(rng, start, end) for _ in range(count))
    events: list[Event] = []
    questions: list[str] = []
    cumulative = list(itertools.accumulate(m.weight for m in members))
    for seq, stamp in enumerate(stamps, 1):
        roll = rng.random()
        reply_to: str | None = None
        sender = rng.choices(members, cum_weights=cumulative)[0].sender
        if roll < 0.02:
            sender, template = me, rng.choice(OWN)
        elif roll < 0.27:
            template = rng.choice(QUESTIONS)
            questions.append(str(seq))
        elif roll < 0.72:
            template = rng.choice(ANSWERS)
            if questions and rng.random() < 0.4:
                reply_to = rng.choice(questions[-8:])
        else:
            template = rng.choice(CHATTER)
        text, marks = _fill(rng, template)
        date = datetime.fromtimestamp(int(stamp), UTC)
        edited = datetime.fromtimestamp(int(stamp) + 120, UTC) if rng.random() < 0.02 else None
        spans = spans_from_entities(text, entities(text, *marks)) if marks else ()
        message = Message(str(seq), chat.wire_id, date, sender, text, spans, reply_to, edited)
        events.append(MessageNew(ref, message))
    with b.mw.lock:
        b.mw.dialog(b.bot, chat.chat_id).seq = count
    _tail(b, chat.key, members)
    return History(chat.key, tuple(events))


def _tehran_midnight(when: float) -> float:
    """The start (00:00 Tehran time) of the day ``when`` falls in."""
    return (when + TEHRAN_S) // DAY_S * DAY_S - TEHRAN_S


def _daytime(rng: random.Random, start: float, end: float) -> float:
    """A moment of one of the days from ``start`` (a Tehran midnight) up to ``end``, in
    Tehran's waking hours (08:00 to 01:00, busiest in the evening)."""
    day = rng.randrange(int((end - start) // DAY_S) + 1)
    stamp = start + day * DAY_S + rng.triangular(8.0, 25.0, 21.0) * 3600
    return stamp if stamp <= end else end - rng.uniform(0.0, 3600.0)


class _Slots(dict[str, str]):
    """Template values, drawn from the generator only when a template asks for them."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__(z=ZWNJ)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key in ("lib", "pkg", "lib2"):
            lib, lib2 = rng.sample(LIBS, 2)
            self.update(lib=lib, pkg=lib.lower(), lib2=lib2)
            return self[key]
        if key == "ver":
            value = rng.choice(("3.10", "3.11", "3.12", "3.13"))
        elif key == "ver2":
            value = f"{rng.randrange(1, 6)}.{rng.randrange(0, 20)}"
        elif key == "n":
            value = str(rng.randrange(2, 30)).translate(PDIGITS)
        else:
            value = rng.choice({"err": ERRORS, "city": CITIES, "emoji": EMOJI}[key])
        self[key] = value
        return value


def _fill(rng: random.Random, template: Template) -> tuple[str, tuple[Mark, ...]]:
    if "{" not in template[0]:
        return template
    slots = _Slots(rng)
    text = template[0].format_map(slots)
    return text, tuple((kind, needle.format_map(slots)) for kind, needle in template[1])


def _line(rng: random.Random, template: Template) -> str:
    return _fill(rng, template)[0]


def _tail(b: Builder, key: str, members: list[_Member]) -> None:
    """The last minutes of the group (:data:`TAIL` messages), as real updates: a reply chain
    with one of the account's own messages in it, a mention, a link."""
    mahsa, ali, kaveh, nima, sina = (members[i].spec for i in (1, 0, 2, 3, 4))
    question = f"کسی با asyncio و SQLite کار کرده؟ database is locked می{ZWNJ}گیرم 😩"
    ask = b.say(key, mahsa, question, 12)
    tip = "آره، WAL رو روشن کن: PRAGMA journal_mode=WAL"
    marks = entities(tip, ("code", "PRAGMA journal_mode=WAL"))
    wal = b.say(key, ali, tip, 11, reply_to=ask, entities=marks)
    b.say(key, mahsa, "ممنون! درست شد 🙏", 10, reply_to=wal)
    b.own(key, "یه نکته: busy_timeout هم بذارید که منتظر بمونه", 9, reply_to=wal)
    p36 = tricky.text("P36")
    b.say(key, kaveh, p36, 8, entities=entities(p36, ("mention", "@ali_reza"), ("hashtag", "#تست")))
    b.say(key, nima, tricky.text("P01"), 7)
    meetup = "Meetup next Thursday: https://python.example.ir/meetup ساعت ۱۸ 🎉"
    b.say(
        key,
        sina,
        meetup,
        6,
        entities=entities(meetup, ("bold", "Meetup"), ("url", "https://python.example.ir/meetup")),
    )
