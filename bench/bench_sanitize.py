"""display_safe throughput: it runs on every string shown, so it must be far cheaper than layout.

Two corpora, both seeded: typical chat text (Persian, English, digits, emoji, ZWNJ, a few
newlines: the fast path) and hostile text (every message carries escape sequences, C1 and bidi
controls: the slow path). Prints MB/s of UTF-8 and µs per message, the budget, and the ratio to
``str.translate`` over the same table without the fast path, measured in the same run.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from tui.text.sanitize import _BODY_TABLE, display_safe

# MB/s of UTF-8 input. Typical text takes the fast path (one regex scan); hostile text the slow.
BUDGET_TYPICAL = 20.0
BUDGET_HOSTILE = 5.0
MIN_CORPUS_BYTES = 2_000_000
MESSAGES = 20_000
SEED = 5

PERSIAN = (
    "سلام دنیا می\u200cخواهم کتاب\u200cها را بخوانم قیمت ۱۲۵۰۰ تومان است فردا جلسه ساعت ۱۰"
    " داریم لطفاً فایل را بفرست ممنون خیلی خوب بود خانهٔ من حتماً زیباست پیام\u200cرسان"
    " خانواده ما در ایران هستند سفارش شما ارسال شد کد رهگیری"
)
ENGLISH = (
    "Hello there the meeting is at 10:30 please send the file thanks https://example.com/fa"
    " Python Linux order #4521 shipped user.name@example.org v3.12.1"
)
WORDS = [*PERSIAN.split(), *ENGLISH.split()]
EMOJI = ["🙏", "😀", "👍🏽", "❤️", "🇮🇷", "👨\u200d👩\u200d👧", "🎉"]
ATTACKS = [
    "\x1b[2J",
    "\x1b]0;pwned\x07",
    "\x1b]8;;https://evil.example\x1b\\bank\x1b]8;;\x1b\\",
    "\x1b]52;c;cm0gLXJmIH4K\x07",
    "\x9b6n",
    "\x9d0;t\x9c",
    "\x1b[201~",
    "user\u202egpj.exe",
    "\u2067unclosed",
    "\r\x08\x00\x7f",
]


def typical_message(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        words = [rng.choice(WORDS) for _ in range(rng.randint(2, 18))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI))
        lines.append(" ".join(words))
    return "\n".join(lines)


def hostile_message(rng: random.Random) -> str:
    text = typical_message(rng)
    cut = rng.randrange(len(text) + 1)
    return text[:cut] + rng.choice(ATTACKS) + text[cut:]


def best_of(rounds: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def measure(name: str, corpus: list[str], budget: float, rounds: int) -> bool:
    size = sum(len(m.encode("utf-8", "surrogatepass")) for m in corpus)
    ours = best_of(rounds, lambda: [display_safe(m) for m in corpus])
    naive = best_of(rounds, lambda: [m.translate(_BODY_TABLE) for m in corpus])
    rate = size / ours / 1e6
    print(
        f"{name:8s}: {len(corpus)} messages, {size / 1e6:.2f} MB; display_safe {rate:8.1f} MB/s"
        f" ({ours / len(corpus) * 1e6:.2f} µs/message); str.translate alone"
        f" {size / naive / 1e6:8.1f} MB/s; ratio {naive / ours:.1f}x;"
        f" budget >= {budget:.0f} MB/s: {'ok' if rate >= budget else 'MISSED'}"
    )
    return rate >= budget


def main(argv: list[str]) -> int:
    """Print the figures; non-zero if a budget is missed or the corpus is too small."""
    rounds = 2 if "--quick" in argv else 5
    rng = random.Random(SEED)
    typical = [typical_message(rng) for _ in range(MESSAGES)]
    hostile = [hostile_message(rng) for _ in range(MESSAGES)]
    assert all(display_safe(m) is m for m in typical), "the typical corpus must be untouched"
    big_enough = sum(len(m.encode()) for m in typical) >= MIN_CORPUS_BYTES
    if not big_enough:
        print(f"corpus smaller than {MIN_CORPUS_BYTES} bytes")
    ok = measure("typical", typical, BUDGET_TYPICAL, rounds)
    ok = measure("hostile", hostile, BUDGET_HOSTILE, rounds) and ok
    return 0 if ok and big_enough else 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
