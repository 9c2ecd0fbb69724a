"""Rendering limits (issue 7): a key press while the view lays out hostile, huge text.

The real ``PayamApp`` runs headless (Textual's test driver, stub accounts, a frozen clock) over
a store holding one chat of 5,000 dense messages: 10,000 combining marks on one letter, 10,000
emoji, a 50,000-character line, 2,000 ZWJ family emoji, 10,000 characters of mixed Persian and
English, in turn, and two 1 MB messages as the newest (one ASCII, one mixed RTL/LTR).

Each round posts a terminal resize (the conversation must lay out every message of its loaded
window again at the new width, the heaviest redraw there is) and, right behind it, a key
(``up``: the cursor moves to the previous message), the way a key typed during a redraw waits
in the queue. The figure is the time from posting the key to its effect (the view's cursor on
another message): p95 and max over the rounds, budget <= 200 ms at p95. Two cases:

* the chat as opened (long bodies laid out up to their first 2,000 characters, "⋯ more");
* the same after the reader asked for the whole of a 1 MB message ("m" until it is all laid
  out): reported, and held to the same budget.

Timings use ``time.perf_counter``; the data sizes are printed with them.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from textual import events
from textual.geometry import Size

from adapters.models import ChatRef, Message, MessageNew, Sender
from tests.security.display_app import ACCOUNT, hostile_app, settle, start
from tests.tui.shellkit import NOW

BUDGET_MS: Final = 200.0
ROUNDS: Final = 24
MESSAGES: Final = 5_000
MB: Final = 1_000_000
SIZES: Final = ((100, 40), (90, 40))


def dense_texts() -> list[str]:
    """The chat's bodies, oldest first (see the module docs)."""
    kinds = [
        "e" + "\u0301" * 10_000,
        "😀" * 10_000,
        ("word " * 10_000)[:50_000],
        "👩\u200d👩\u200d👧" * 2_000,
        ("سلام hello ۱۲۳ " * 700)[:10_000],
    ]
    texts = [f"M{i:04d} {kinds[i % len(kinds)]}" for i in range(MESSAGES - 2)]
    texts.append("H1MB " + "x" * (MB - 5))
    texts.append("HMIX " + ("سلام hello ۱۲۳ " * (MB // 15))[: MB - 5])
    return texts


def world(texts: list[str]) -> dict[str, list[MessageNew]]:
    chat = ChatRef("-1", "group", "Dense")
    sender = Sender("7", "Sam", None)
    first = NOW - timedelta(seconds=len(texts) + 10)
    return {
        ACCOUNT: [
            MessageNew(chat, Message(str(i + 1), "-1", first + timedelta(seconds=i), sender, t))
            for i, t in enumerate(texts)
        ]
    }


class FrameClock:
    """Times a key typed while the conversation is re-laying out its messages.

    A real terminal's keys arrive on the driver's input thread while the event loop may be
    busy; this does the same: a thread waits until the view's relayout has begun, then posts
    ``up`` through the loop (``call_soon_threadsafe``). The app's frame output is wrapped (as
    ``tui/paintprobe.py`` does) to note the first frame that shows the cursor moved: the key's
    effect as the user sees it, after whatever layout was in progress."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.watch: tuple[Any, Any] | None = None  # (view, cursor before the key)
        self.shown_at: float | None = None
        self.relayout = threading.Event()
        display = app._display

        def timed(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if self.watch is not None and renderable is not None and self.shown_at is None:
                view, before = self.watch
                if view.cursor_id != before:
                    self.shown_at = time.perf_counter()

        app._display = timed
        view = app.screen.view
        rebuild = view._rebuild

        def noted() -> None:
            self.relayout.set()
            rebuild()

        view._rebuild = noted

    async def key_during_relayout(self, round_no: int) -> float:
        """Resize (a full relayout), type ``up`` during it; seconds from key to frame."""
        app = self.app
        view = app.screen.view
        loop = asyncio.get_running_loop()
        self.watch, self.shown_at = (view, view.cursor_id), None
        self.relayout.clear()
        typed: list[float] = []

        def typist() -> None:
            self.relayout.wait(30)
            time.sleep(0.002)  # well inside the relayout it interrupts
            typed.append(time.perf_counter())
            loop.call_soon_threadsafe(app.post_message, events.Key("up", None))

        thread = threading.Thread(target=typist, daemon=True)
        thread.start()
        width, height = SIZES[round_no % 2]
        size = Size(width, height)
        app._driver._size = size  # the headless driver reports this size, as Pilot does
        app.post_message(events.Resize(size, size))
        started = time.perf_counter()
        while self.shown_at is None or not typed:
            await asyncio.sleep(0.0005)
            if time.perf_counter() - started > 60:  # a hang guard, not a figure
                raise RuntimeError("the key's effect was never shown")
        thread.join()
        self.watch = None
        return self.shown_at - typed[0]


async def measure(clock: FrameClock, pilot: Any, *, expand: bool) -> list[float]:
    view = clock.app.screen.view
    if expand:
        await pilot.press("end")
        await settle(pilot)
        while view.is_cut(view.window.messages[-1]):
            await pilot.press("m")
            await settle(pilot)
    out: list[float] = []
    for k in range(ROUNDS):
        out.append(await clock.key_during_relayout(k))
        await settle(pilot)
        await pilot.press("down")  # back onto the message the round started from
        await settle(pilot)
    return out


async def run(root: Path) -> dict[str, Any]:
    texts = dense_texts()
    started = time.perf_counter()
    app = hostile_app(root, world(texts))
    seeded = time.perf_counter() - started
    figures: dict[str, Any] = {"chars": sum(map(len, texts)), "seed_s": seeded}
    async with app.run_test(size=SIZES[0]) as pilot:
        await start(pilot)
        app.open_chat(ACCOUNT, "-1")
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        figures["window"] = len(app.screen.view.window.messages)
        clock = FrameClock(app)
        figures["as opened"] = await measure(clock, pilot, expand=False)
        figures["1 MB expanded"] = await measure(clock, pilot, expand=True)
        figures["laid out"] = app.screen.view.laid_out
    return figures


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main(argv: list[str]) -> int:
    """Print the figures; return 1 if a budget is missed."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(run(Path(tmp)))
    print(
        f"data: one chat of {MESSAGES} messages, {figures['chars'] / 1e6:.1f} M characters "
        f"(2 of 1 MB, 50,000-character lines, 10,000 combining marks, 10,000 emoji), "
        f"{figures['window']} loaded; seeded in {figures['seed_s']:.1f} s; {ROUNDS} rounds"
    )
    ok = True
    for case in ("as opened", "1 MB expanded"):
        values = figures[case]
        worst, p = max(values) * 1e3, p95(values) * 1e3
        good = p <= BUDGET_MS
        ok = ok and good
        print(
            f"key during relayout, {case:14s}: p95 {p:7.1f} ms, median "
            f"{statistics.median(values) * 1e3:7.1f} ms, max {worst:7.1f} ms"
            f"  budget p95 <= {BUDGET_MS:.0f} ms  {'ok' if good else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
