"""Test material for the RTL engine: the tricky strings of ``reference/rtl.md`` §7 and a seeded
corpus of Persian lines built from the Debian ``myspell-fa`` word list (GPL-2+, installed by
``.ci/run``; never vendored). Shared by the oracle tests and ``bench/bench_text.py``.
"""

from __future__ import annotations

import os
import random
from functools import lru_cache
from pathlib import Path

# reference/rtl.md §7 (an original test set; logical order), kept once, beside the demo that
# must show every case (``tui`` must not import the test suite, so it lives there).
from tui.demo.tricky import CASES, LONG

WORDLIST = Path(os.environ.get("PAYAM_FA_WORDLIST", "/usr/share/hunspell/fa_IR.dic"))

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
