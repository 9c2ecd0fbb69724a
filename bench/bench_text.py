"""The RTL text engine against its budgets (issue 5), with the baselines measured in the same run.

Budgets: one screen (50 messages of 1–3 mixed lines, width 80) in <= 16 ms with empty caches
and <= 1 ms cached; one pass over the 10,000-line Persian corpus with empty caches at >= 8,000
lines/s. Baselines: FriBidi's CLI (one process over the corpus), bare ``bidi.get_display``, and
the naive (and wrong) ``get_display(arabic_reshaper.reshape(line))``.

Timings are the best of several repetitions (what the code costs when the machine is not busy
with something else); the median is printed beside it. "Empty caches" means every cache of
``tui.text`` cleared (``tui.text.layout.clear_caches``); the character property tables, which are
Unicode data filled in once per code point, stay warm.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from collections.abc import Callable

import arabic_reshaper
from bidi import get_display

from tests.text import corpus
from tui.text.layout import clear_caches, layout

CORPUS_MIN = 10_000
SCREEN_MESSAGES = 50
WIDTH = 80
SCREEN_COLD_MS = 16.0
SCREEN_WARM_MS = 1.0
CORPUS_LINES_PER_S = 8_000.0


def _timings(
    run: Callable[[], object], repeat: int, setup: Callable[[], object] | None = None
) -> list[float]:
    out: list[float] = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        run()
        out.append(time.perf_counter() - started)
    return out


def _screen(messages: list[str]) -> None:
    for message in messages:
        layout(message, WIDTH)


def _corpus_pass(lines: list[str]) -> None:
    for line in lines:
        layout(line, WIDTH)


def _fribidi(lines: list[str]) -> float | None:
    if shutil.which("fribidi") is None:
        return None
    data = "".join(f"{line}\n" for line in lines).encode("utf-8")
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            ["fribidi", "--nobreak", "--nopad", "--clean"],
            input=data,
            capture_output=True,
            check=True,
        )
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str]) -> int:
    """Print the figures; return 1 if a budget is missed or the corpus is too small."""
    if not corpus.have_wordlist():
        print(f"corpus: word list {corpus.WORDLIST} missing (Debian myspell-fa): no data")
        return 1
    lines = corpus.persian_lines()
    messages = corpus.chat_messages(SCREEN_MESSAGES)
    paragraphs = sum(m.count("\n") + 1 for m in messages)
    print(
        f"corpus: {len(lines)} lines, {sum(map(len, lines))} code points "
        f"(minimum {CORPUS_MIN}); screen: {len(messages)} messages, {paragraphs} paragraphs, "
        f"width {WIDTH}"
    )
    ok = len(lines) >= CORPUS_MIN
    if not ok:
        print(f"MISSED: corpus has {len(lines)} lines, fewer than {CORPUS_MIN}")

    cold = _timings(lambda: _screen(messages), 30, clear_caches)
    clear_caches()
    _screen(messages)
    warm = _timings(lambda: _screen(messages), 200)
    passes = _timings(lambda: _corpus_pass(lines), 3, clear_caches)
    ours = len(lines) / min(passes)

    bare = min(_timings(lambda: [get_display(line) for line in lines], 3))
    naive = min(_timings(lambda: [get_display(arabic_reshaper.reshape(line)) for line in lines], 2))
    cli = _fribidi(lines)

    def verdict(good: bool) -> str:
        return "ok" if good else "MISSED"

    cold_ms, warm_ms = min(cold) * 1e3, min(warm) * 1e3
    print(
        f"screen, empty caches: {cold_ms:6.2f} ms (median {statistics.median(cold) * 1e3:.2f})"
        f"  budget <= {SCREEN_COLD_MS} ms  {verdict(cold_ms <= SCREEN_COLD_MS)}"
    )
    print(
        f"screen, cached:       {warm_ms:6.3f} ms (median {statistics.median(warm) * 1e3:.3f})"
        f"  budget <= {SCREEN_WARM_MS} ms  {verdict(warm_ms <= SCREEN_WARM_MS)}"
    )
    print(
        f"corpus, empty caches: {ours:8.0f} lines/s ({1e6 / ours:5.1f} µs/line)"
        f"  budget >= {CORPUS_LINES_PER_S:.0f}  {verdict(ours >= CORPUS_LINES_PER_S)}"
    )
    print("baselines over the same corpus (reorder only; none wraps, maps or caches):")
    baselines = [
        ("fribidi CLI (one process)", cli),
        ("bidi.get_display", bare),
        ("get_display(reshape(line)), naive", naive),
    ]
    for name, seconds in baselines:
        if seconds is None:
            print(f"  {name:36s} not installed")
            continue
        rate = len(lines) / seconds
        print(
            f"  {name:36s} {rate:9.0f} lines/s ({1e6 / rate:6.1f} µs/line);"
            f" layout is {ours / rate:5.2f}x its speed"
        )
    ok = ok and cold_ms <= SCREEN_COLD_MS and warm_ms <= SCREEN_WARM_MS
    ok = ok and ours >= CORPUS_LINES_PER_S
    return 0 if ok else 1
