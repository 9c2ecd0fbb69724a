"""``make screenshots`` (``python -m tui.screenshots``): regenerate ``screenshots/*.svg`` from
code.

The demo world (:func:`tui.demo.runtime.start_demo`, the default seed, no simulated users) is
served on a fixed loopback port with a *frozen* mock clock, and the app runs headless
(``App.run_test``) with a frozen clock and a fixed zone (Tehran, +03:30) at fixed sizes; each
shot waits for the accounts, the workers and the screen to settle, then exports an SVG. Every
shot starts from the same store: the seeded store is taken once (after the one message the demo
leaves queued has been delivered) and copied afresh for each shot, so that what one shot does
(opening a chat marks it read) never shows in the next. Running it twice gives the same files.

SVG viewers (browsers, ``rsvg-convert``) apply their own bidi algorithm to the text of an SVG,
which would reorder Payam's already-reordered Persian a second time; each file therefore gets
``text { unicode-bidi: bidi-override; direction: ltr; }`` in its style, so it is drawn in the
order the terminal shows it.

Options: ``--out DIR`` (default ``screenshots``), ``--port N`` (default 47800), ``--only NAME``
(one shot), ``--png`` (also render PNGs with ``rsvg-convert`` when it is installed, to check
by eye; they are not kept in the repository).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from textual import events
from textual.keys import _character_to_key

from adapters.mock import MockClock
from tui.app import PayamApp
from tui.demo import DEFAULT_SEED
from tui.demo.runtime import Demo, DemoError, start_demo
from tui.engine.service import Service
from tui.screens.conversation import ConversationScreen
from tui.settings.paths import Paths
from tui.settings.schema import Config
from tui.text.termbidi import BidiDecision

NOW = datetime(2025, 6, 21, 9, 0, tzinfo=UTC)  # 12:30 in Tehran, a Saturday
TEHRAN = timezone(timedelta(hours=3, minutes=30), "Asia/Tehran")  # no DST since 2022
DECISION = BidiDecision("app", "app", "config", "bidi = app (screenshots)")
PORT = 47800
SIZE = (120, 40)
BIDI_CSS = "text { unicode-bidi: bidi-override; direction: ltr; }"
SETTLE_ROUNDS = 4
Pilot = Any  # textual.pilot.Pilot[int]: its key and pause methods are all a shot uses


class FrozenMockClock(MockClock):
    """The mock servers' clock, standing still at ``start`` (plus explicit advances), so the
    world's messages get the same times on every run."""

    def now(self) -> float:
        """``start`` plus the advances; real time does not pass."""
        return self._epoch0 + self.advanced


class FrozenClock:
    """The app's "now" (what "today" is): :data:`NOW`."""

    def now(self) -> datetime:
        """The frozen time."""
        return NOW


@dataclass(frozen=True)
class Shot:
    """One screenshot: file stem, terminal size, config changes, what to do before it."""

    name: str
    caption: str
    size: tuple[int, int] = SIZE
    config: tuple[tuple[str, Any], ...] = ()
    steps: Callable[[Pilot], Awaitable[None]] | None = None


PERSIAN = (("language", "fa"), ("digits", "persian"), ("calendar", "jalali"))


async def settle(pilot: Pilot) -> None:
    """Let the accounts start, the workers finish and the screen redraw."""
    app = pilot.app
    await pilot.pause()
    await app.service.wait_ready()
    for _ in range(SETTLE_ROUNDS):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause(0.05)


def chat_by_title(app: PayamApp, title: str) -> tuple[str, str]:
    """``(account, chat_id)`` of the chat whose title starts with ``title``."""
    for row in app.service.inbox():
        if row.title.startswith(title):
            return row.account, row.chat_id
    raise LookupError(f"no chat titled {title!r} in the demo world")


def opening(title: str, then: Callable[[Pilot], Awaitable[None]] | None = None) -> Any:
    """Steps: open the chat titled ``title`` from the inbox, then ``then``."""

    async def steps(pilot: Pilot) -> None:
        app = pilot.app
        await settle(pilot)
        app.open_chat(*chat_by_title(app, title))
        await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)

    return steps


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key, as a terminal sends it (each key with its character: Pilot's
    own ``press`` names some Persian punctuation, such as ``؟``, without its character)."""
    for char in text:
        pilot.app.post_message(events.Key(_character_to_key(char), char))
    await settle(pilot)


async def write_persian(pilot: Pilot) -> None:
    """Type a mixed Persian reply, with a half-space (ZWNJ), into the composer (left unsent)."""
    screen = pilot.app.screen
    assert isinstance(screen, ConversationScreen)
    await pilot.press("i")
    await type_text(pilot, "ساعت ۸ شب به وقت تهران خوبه؟ می‌تونیم Let's call on WhatsApp")


def pressing(*keys: str, text: str = "") -> Any:
    """Steps: press ``keys`` on the inbox, then type ``text``."""

    async def steps(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if text:
            await type_text(pilot, text)
            await asyncio.sleep(0.5)  # the search waits for a pause in typing
            await settle(pilot)

    return steps


SHOTS: tuple[Shot, ...] = (
    Shot("inbox", "The unified inbox: five messengers, Persian and English", steps=settle),
    Shot(
        "inbox-persian-ui", "The Persian UI (language = fa), mirrored", config=PERSIAN, steps=settle
    ),
    Shot("conversation-persian", "A Persian group chat", steps=opening("خانواده بزرگ")),
    Shot(
        "conversation-mixed",
        "Mixed Persian and English: formatting, a link, a reply",
        steps=opening("نیلوفر"),
    ),
    Shot(
        "composer-persian",
        "The composer holding a Persian reply with a half-space",
        steps=opening("Arash", write_persian),
    ),
    Shot(
        "search",
        "Search across every chat, the match highlighted",
        steps=pressing("slash", text="سلام"),
    ),
    Shot("accounts", "Accounts and their live status", steps=pressing("ctrl+a")),
    Shot("help", "Help: the keys in force", steps=pressing("f1")),
    Shot(
        "conversation-persian-ui",
        "A chat in the Persian UI",
        config=PERSIAN,
        steps=opening("خانواده بزرگ"),
    ),
    Shot("inbox-60x20", "A 60×20 terminal", size=(60, 20), steps=settle),
)


def fix_svg(svg: str) -> str:
    """Add :data:`BIDI_CSS` to the SVG's style (viewers must not reorder the text again)."""
    if BIDI_CSS in svg:
        return svg
    return svg.replace("<style>", f"<style>\n    {BIDI_CSS}", 1)


def template(demo: Demo) -> Path:
    """The seeded data dir, its queued message delivered, copied aside for every shot."""

    async def deliver() -> None:
        service = Service.from_config(demo.paths, demo.config)
        await service.start()
        try:
            queued = await service.outbox_items(states=("queued",))
            await asyncio.wait_for(service.settle([i.client_uuid for i in queued]), 60)
        finally:
            await service.stop()

    asyncio.run(deliver())
    saved = demo.root / "template"
    shutil.copytree(demo.paths.data_dir, saved)
    return saved


def paths_for(demo: Demo, saved: Path, name: str) -> Paths:
    """A fresh copy of the seeded store for one shot."""
    data = demo.root / "shots" / name
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(saved, data)
    return Paths(config_file=demo.paths.config_file, data_dir=data)


async def take(demo: Demo, saved: Path, shot: Shot, out: Path) -> Path:
    """Run the app for ``shot`` and write its SVG."""
    config: Config = replace(demo.config, **dict(shot.config))
    paths = paths_for(demo, saved, shot.name)
    service = Service.from_config(paths, config)
    app = PayamApp(
        service,
        config,
        bidi_decision=DECISION,
        paths=None,  # help then names "config.toml", not the run's temporary path
        clock=FrozenClock(),
        tz=TEHRAN,
        check_keyring=True,
        demo_url=demo.url,
    )
    target = out / f"{shot.name}.svg"
    async with app.run_test(size=shot.size) as pilot:
        if shot.steps is not None:
            await shot.steps(pilot)
        svg = app.export_screenshot(title=f"Payam — {shot.caption}")
    target.write_text(fix_svg(svg), encoding="utf-8", newline="\n")
    return target


def render_png(svg: Path) -> Path | None:
    """``svg`` as PNG through ``rsvg-convert`` (None when it is not installed)."""
    tool = shutil.which("rsvg-convert")
    if tool is None:
        return None
    png = svg.with_suffix(".png")
    subprocess.run([tool, "-o", str(png), str(svg)], check=True, timeout=120)
    return png


def main(argv: list[str] | None = None) -> int:
    """Regenerate the screenshots; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m tui.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--only", action="append", default=[], help="a shot's name")
    parser.add_argument("--png", action="store_true", help="also write PNGs (rsvg-convert)")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    if not shots:
        print(f"no such shot; have: {', '.join(s.name for s in SHOTS)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    clock = FrozenMockClock(start=NOW.timestamp())
    started = time.perf_counter()
    try:
        with start_demo(port=args.port, quiet=True, seed=DEFAULT_SEED, clock=clock) as demo:
            saved = template(demo)
            for shot in shots:
                path = asyncio.run(take(demo, saved, shot, args.out))
                png = render_png(path) if args.png else None
                print(f"  {path}" + (f"  ({png.name})" if png else ""), flush=True)
    except DemoError as exc:
        print(f"screenshots: {exc} (try --port)", file=sys.stderr)
        return 1
    print(f"{len(shots)} screenshots in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
