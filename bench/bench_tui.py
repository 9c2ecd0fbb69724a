"""TUI budgets (issue 6), in tmux at 120×40, floors measured in the same run.

Data: ``bench_store``'s cached store (1,000,000 messages in 2,000 chats, Persian, Zipf) plus two
chats added once and cached beside it: one of 100,000 messages and one of 100 (same corpus),
copied to a temporary dir for each run (the app marks chats read). The app runs as ``python -m
tui --config <empty> --data-dir <copy>`` (no accounts: nothing but the store), the floors as
``python -m bench.tui_floor lineapi|virtual|listview`` (:mod:`bench.tui_floor`), each in its own
tmux window (:mod:`bench.tui_term`). The budgets are against ``lineapi``, the floor issue 6
describes (a ScrollView of 100,000 lines it holds); ``virtual`` (the same holding nothing) is
printed beside it as a stricter reference.

(a) **Start → first painted inbox** ≤ 1.6 × the Line-API floor: from just before tmux is asked
    to start the process until ``capture-pane`` shows the inbox header (the floor: its first
    line), end to end; medians of alternating runs. The ListView floor is printed for reference.
(b) **Open the 100,000-message chat: first paint ≤ 50 ms after the key** (median of the opens)
    **and PageUp/PageDown → next frame ≤ 16 ms p95**; the 100-message chat within 1.2× of both.
    Measured inside the app with :mod:`tui.paintprobe` (``PAYAM_PAINT_PROBE``): the key's own
    timestamp (when Textual parsed the terminal's bytes) to the first frame written after it
    (for an open: the first frame showing the chat's messages). Keys are sent through tmux.
(c) **Resident memory with that chat open** ≤ 1.3 × the Line-API floor's (``VmRSS``, the
    largest reading with the chat open and after paging; the floor's after its first paint).
(d) **Message injected into the mock → on screen** p95 ≤ 100 ms for the long-polling
    messengers (Telegram, Bale, Soroush Plus): ``payam demo --quiet`` in tmux, a message posted
    to ``/<m>/__mock__/inbound``, until ``capture-pane`` shows it; end to end.

Options (``--name=value``): ``--runs`` (9, starts per app and floor), ``--opens`` (8 per chat),
``--pages`` (5 PageUp then 5 PageDown per open), ``--live`` (30 per messenger),
``--cache-dir``, ``--rebuild``. Exits non-zero when a budget is missed, tmux is missing, or the
data is smaller than specified.
"""

from __future__ import annotations

import compileall
import json
import random
import re
import shutil
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path

from adapters.models import Batch, ChatRef, Message, MessageNew, Sender
from bench.bench_store import CHATS, ROWS, SEED, T0, cached_store, pct, words_by_rank, zipf_cum
from bench.tui_floor import MARKERS
from bench.tui_term import Terminal, Window, rss_mib
from tui.engine.store import Store

BIG, SMALL = 100_000, 100
BIG_TITLE, SMALL_TITLE = "bench-big-chat", "bench-small-chat"
RATIO_START, OPEN_MS, PAGE_MS, FLAT, RATIO_RSS, LIVE_MS = 1.6, 50.0, 16.0, 1.2, 1.3, 100.0
LONG_POLLING = ("telegram", "bale", "splus")
HEADER = re.compile(r"\d+ of \d+ chats")
PY = sys.executable


# --- data ----------------------------------------------------------------------------------


def add_chats(path: Path, words: list[str]) -> None:
    """Add the 100,000- and the 100-message chats (newest activity of the store)."""
    rng = random.Random(SEED + 6)
    cum = zipf_cum(len(words), 1.0)
    store = Store(path)
    start = T0 + timedelta(seconds=ROWS * 15 + 60)
    for chat_id, title, count in (("900000001", BIG_TITLE, BIG), ("900000002", SMALL_TITLE, SMALL)):
        ref = ChatRef(chat_id, "group", title)
        for first in range(0, count, 1000):
            events = []
            for i in range(first, min(count, first + 1000)):
                text = " ".join(rng.choices(words, cum_weights=cum, k=rng.randint(3, 20)))
                sender = Sender(f"b{i % 7}", f"کاربر {i % 7}")
                when = start + timedelta(seconds=i * 5)
                events.append(MessageNew(ref, Message(str(i + 1), chat_id, when, sender, text)))
            batch = Batch(tuple(events), f"{chat_id}:{first}")
            store.apply_batch("telegram:me", batch, now=T0)
    store.close()


def bench_store_path(cache: Path, rebuild: bool) -> Path:
    """The 1M store plus the two chats, built once and cached."""
    words, _ = words_by_rank(SEED)
    base = cached_store(ROWS, CHATS, SEED, cache, words)
    path = cache / f"tui-b{BIG}-s{SMALL}-{base.name}"
    if rebuild or not path.exists():
        print(f"adding a {BIG:,}- and a {SMALL}-message chat (cached as {path}) …", flush=True)
        building = cache / f"building-tui-{base.name}"
        shutil.copyfile(base, building)
        for suffix in ("-wal", "-shm"):
            if Path(f"{base}{suffix}").exists():
                shutil.copyfile(f"{base}{suffix}", f"{building}{suffix}")
        add_chats(building, words)
        building.replace(path)
    return path


def data_sizes(db: Path) -> tuple[int, int, int, int]:
    """(messages, chats, messages in the big chat, in the small one)."""
    store = Store(db)
    try:
        n = store.query("SELECT count(*) FROM messages")[0][0]
        chats = store.query("SELECT count(*) FROM chats")[0][0]
        per = dict(
            store.query(
                "SELECT c.title, count(*) FROM messages m JOIN chats c ON c.id = m.chat "
                "WHERE c.title IN (?, ?) GROUP BY c.title",
                (BIG_TITLE, SMALL_TITLE),
            )
        )
    finally:
        store.close()
    return n, chats, per.get(BIG_TITLE, 0), per.get(SMALL_TITLE, 0)


# --- reporting -----------------------------------------------------------------------------


def line(name: str, samples: list[float], unit: str = "ms", tail: str = "") -> None:
    """One figure: n, median, p95, max."""
    print(
        f"  {name:<46} n={len(samples):<3} p50 {statistics.median(samples):8.1f} {unit}  "
        f"p95 {pct(samples, 0.95):8.1f} {unit}  max {max(samples):8.1f} {unit}{tail}"
    )


def verdict(name: str, value: float, budget: float, unit: str) -> bool:
    """Print whether ``value`` is within ``budget``."""
    ok = value <= budget
    print(f"  budget {name}: {value:.2f} {unit} ≤ {budget:g} {unit}  {'ok' if ok else 'MISSED'}")
    return ok


# --- (a) start, (c) the floors' memory -----------------------------------------------------


def app_argv(home: Path, data: Path) -> list[str]:
    """``payam`` over the copied store, with an empty config (no accounts)."""
    config = home / "config.toml"
    config.write_text("# bench_tui: no accounts\n", encoding="utf-8")
    return [PY, "-m", "tui", "--config", str(config), "--data-dir", str(data)]


def first_paint(term: Terminal, argv: list[str], seen: Callable[[list[str]], bool]) -> float:
    """Milliseconds from asking tmux to start ``argv`` until ``seen(rows)``; then closed."""
    window = term.run(argv)
    try:
        return (term.wait(window, seen, argv[-1]) - window.started) * 1000
    finally:
        term.close(window)


def floor_rss(term: Terminal, kind: str = "lineapi") -> float:
    """A Line-API floor's VmRSS after its first paint (MiB)."""
    window = term.run([PY, "-m", "bench.tui_floor", kind])
    try:
        term.wait(window, lambda rows: any(MARKERS[kind] in r for r in rows))
        time.sleep(0.5)
        return rss_mib(window.pid)
    finally:
        term.close(window)


def floor_paint(term: Terminal, kind: str) -> float:
    """Milliseconds to the first paint of the floor ``kind`` (:mod:`bench.tui_floor`)."""
    argv = [PY, "-m", "bench.tui_floor", kind]
    return first_paint(term, argv, lambda rows: any(MARKERS[kind] in r for r in rows))


def inbox_seen(rows: list[str]) -> bool:
    """The inbox is painted: its header and the first chat."""
    return bool(rows) and bool(HEADER.search(rows[0])) and len(rows) > 2 and bool(rows[1].strip())


# --- (b) keys to frames, inside the app ----------------------------------------------------


class Probe:
    """The app's probe log (:mod:`tui.paintprobe`), read as it grows."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def events(self) -> list[tuple[float, str, str, int]]:
        """(time, kind, detail, loaded messages) of every line so far."""
        out = []
        # The app may be half-way through a line: only lines with their newline count.
        for raw in self.path.read_text(encoding="utf-8").split("\n")[:-1]:
            t, kind, detail, *rest = raw.split()
            out.append((float(t), kind, detail, int(rest[0]) if rest else 0))
        return out

    def after_key(
        self, sent: float, key: str, wanted: Callable[[str, int], bool], guard: float = 10.0
    ) -> float:
        """Milliseconds from the first ``key`` stamped after ``sent`` (a monotonic time taken
        just before tmux was asked to send it) to the first frame after it that
        ``wanted(screen, loaded)`` accepts."""
        deadline = time.monotonic() + guard
        while time.monotonic() < deadline:
            events = self.events()
            keys = [t for t, kind, name, _ in events if kind == "key" and name == key and t > sent]
            if keys:
                frames = [
                    t
                    for t, kind, screen, n in events
                    if kind == "frame" and t > keys[0] and wanted(screen, n)
                ]
                if frames:
                    return (frames[0] - keys[0]) * 1000
            time.sleep(0.005)
        raise TimeoutError(f"no frame after {key}")


def conversation(min_loaded: int) -> Callable[[str, int], bool]:
    """A frame of the conversation screen with messages loaded."""
    return lambda screen, n: screen == "ConversationScreen" and n >= min_loaded


def chat_figures(
    term: Terminal, window: Window, probe: Probe, title: str, opens: int, pages: int
) -> tuple[list[float], list[float], list[float]]:
    """(open → first paint ms, page key → next frame ms, RSS readings MiB) for one chat."""
    opened, paged, rss = [], [], []
    for _ in range(opens):
        term.keys(window, "f")
        term.wait(window, lambda rows: any("Filter:" in r for r in rows[:3]), "the filter line")
        time.sleep(0.2)  # the line is shown before it has the focus
        term.keys(window, "C-u")  # the filter line keeps the last filter: clear it
        term.keys(window, title, literal=True)
        term.keys(window, "Enter")
        term.wait(window, lambda rows: "1 of" in rows[0], "the filtered inbox")
        time.sleep(0.3)  # the filter follows the typing: let its Enter be handled too
        sent = time.monotonic()
        term.keys(window, "Enter")
        opened.append(probe.after_key(sent, "enter", conversation(1)))
        term.wait(window, lambda rows: rows[0].strip() == title, "the chat")
        rss.append(rss_mib(window.pid))
        for key in ["pageup"] * pages + ["pagedown"] * pages:
            sent = time.monotonic()
            term.keys(window, "PPage" if key == "pageup" else "NPage")
            paged.append(probe.after_key(sent, key, lambda screen, n: True))
            time.sleep(0.05)
        rss.append(rss_mib(window.pid))
        term.keys(window, "Escape")
        term.wait(window, inbox_seen, "the inbox again")
    return opened, paged, rss


# --- (d) the mock to the screen ------------------------------------------------------------


def post(port: int, path: str, body: Mapping[str, object]) -> dict[str, object]:
    """POST to the demo's control API."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        result: dict[str, object] = json.loads(response.read())
        return result


def showing(text: str) -> Callable[[list[str]], bool]:
    """Whether some row contains ``text``."""
    return lambda rows: any(text in r for r in rows)


def live_figures(term: Terminal, samples: int) -> dict[str, list[float]]:
    """Injected → on screen (ms) for each long-polling messenger, through ``payam demo``."""
    from tui.demo import DEFAULT_SEED
    from tui.demo.world import build_world

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    tokens = {
        a.messenger: a.token for a in build_world(DEFAULT_SEED, history_size=10).accounts.values()
    }
    window = term.run(
        [PY, "-m", "tui", "demo", "--quiet", "--port", str(port)], {"PAYAM_BIDI": "app"}
    )
    found: dict[str, list[float]] = {}
    try:
        term.wait(window, lambda rows: bool(rows) and "4 polling" in "\n".join(rows[-3:]))
        for m in LONG_POLLING:
            who = {"name": f"Bench {m}", "username": f"bench_{m}"}
            first = {"token": tokens[m], "chat": {"type": "private"}, "from": who, "text": "hi"}
            chat_id = post(port, f"/{m}/__mock__/inbound", first)["chat_id"]
            term.wait(window, showing(f"Bench {m}"), f"the chat of Bench {m}")
            found[m] = []
            for i in range(samples):
                marker = f"bench{m}{i:03d}"
                body = {
                    "token": tokens[m],
                    "chat": {"id": chat_id, "type": "private"},
                    "from": who,
                    "text": f"{marker} سلام دنیا",
                }
                started = time.monotonic()
                post(port, f"/{m}/__mock__/inbound", body)
                seen = term.wait(window, showing(marker), marker)
                found[m].append((seen - started) * 1000)
                time.sleep(0.1)
    finally:
        term.keys(window, "C-q")
        time.sleep(0.5)
        term.close(window)
    return found


# --- the run -------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    """Measure everything; 0 when every budget is met on data of the specified size."""
    opts = dict(a.lstrip("-").partition("=")[::2] for a in argv)
    runs, opens = int(opts.get("runs", 9)), int(opts.get("opens", 8))
    pages, live = int(opts.get("pages", 5)), int(opts.get("live", 30))
    if shutil.which("tmux") is None:
        print("tmux is not installed: the TUI budgets are measured in tmux")
        return 1
    cache = Path(opts.get("cache-dir") or Path(tempfile.gettempdir()) / "payam-bench")
    cache.mkdir(parents=True, exist_ok=True)
    cached = bench_store_path(cache, "rebuild" in opts)
    n, chats, big, small = data_sizes(cached)
    print(
        f"data   {n:,} messages in {chats:,} chats; the chats opened hold {big:,} and {small:,} "
        f"messages; terminal tmux 120×40; python {sys.version.split()[0]}"
    )
    # An installed Payam has its bytecode compiled (pip does it); a checkout run with
    # PYTHONDONTWRITEBYTECODE (as CI and this sandbox are) would compile ours at every start
    # while the floor's Textual is compiled: measure like an install.
    root = Path(__file__).resolve().parents[1]
    for package in ("tui", "adapters", "bench"):
        compileall.compile_dir(root / package, quiet=1)
    ok = True
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        home = Path(tmp) / "home"
        data = Path(tmp) / "data"
        data.mkdir(parents=True)
        (home / ".config").mkdir(parents=True)
        shutil.copyfile(cached, data / "payam.db")
        term = Terminal(home, {"PAYAM_BIDI": "app"})
        try:
            # (a) start → first paint, alternating the app and the floor
            app = app_argv(home, data)
            starts: dict[str, list[float]] = {"app": [], "lineapi": [], "virtual": []}
            starts["listview"] = []
            first_paint(term, app, inbox_seen)  # warm the page cache
            for _ in range(runs):
                for kind in ("lineapi", "virtual"):
                    starts[kind].append(floor_paint(term, kind))
                starts["app"].append(first_paint(term, app, inbox_seen))
            for _ in range(max(1, runs // 2)):
                starts["listview"].append(floor_paint(term, "listview"))
            print("(a) process start → first painted screen, in tmux")
            line("floor: Line-API ScrollView, 100,000 lines", starts["lineapi"])
            line("  reference: the same holding no lines", starts["virtual"])
            line("  reference: ListView of 200 items", starts["listview"])
            line(f"Payam inbox, {n:,} messages in {chats:,} chats", starts["app"])
            ratio = statistics.median(starts["app"]) / statistics.median(starts["lineapi"])
            strict = statistics.median(starts["app"]) / statistics.median(starts["virtual"])
            print(f"  reference: start / the floor holding no lines: {strict:.2f} ×")
            ok &= verdict("start / Line-API floor (medians)", ratio, RATIO_START, "×")

            # (b), (c) inside one app process with the paint probe on
            floor_mem = [floor_rss(term) for _ in range(3)]
            virtual_mem = [floor_rss(term, "virtual") for _ in range(3)]
            log = Path(tmp) / "probe.log"
            window = term.run(app, {"PAYAM_PAINT_PROBE": str(log)})
            try:
                term.wait(window, inbox_seen, "the inbox")
                probe = Probe(log)
                b_open, b_page, b_rss = chat_figures(term, window, probe, BIG_TITLE, opens, pages)
                s_open, s_page, s_rss = chat_figures(term, window, probe, SMALL_TITLE, opens, pages)
            finally:
                term.keys(window, "C-q")
                time.sleep(0.5)
                term.close(window)
            print("(b) key → frame, inside the app (tui.paintprobe)")
            line(f"open the {big:,}-message chat → first paint", b_open)
            line(f"open the {small}-message chat → first paint", s_open)
            line(f"PageUp/PageDown → next frame, {big:,} messages", b_page)
            line(f"PageUp/PageDown → next frame, {small} messages", s_page)
            ok &= verdict("open → first paint (median)", statistics.median(b_open), OPEN_MS, "ms")
            ok &= verdict("PageUp/PageDown → next frame (p95)", pct(b_page, 0.95), PAGE_MS, "ms")
            flat_open = statistics.median(b_open) / statistics.median(s_open)
            flat_page = pct(b_page, 0.95) / pct(s_page, 0.95)
            ok &= verdict(f"open {big:,} / {small} (medians)", flat_open, FLAT, "×")
            ok &= verdict(f"page {big:,} / {small} (p95)", flat_page, FLAT, "×")
            print("(c) resident memory (VmRSS)")
            line("floor: Line-API ScrollView after first paint", floor_mem, "MiB")
            line("  reference: the same holding no lines", virtual_mem, "MiB")
            line(f"Payam, the {big:,}-message chat open", b_rss, "MiB")
            line(f"Payam, the {small}-message chat open (reference)", s_rss, "MiB")
            mem = max(b_rss) / statistics.median(floor_mem)
            strict_mem = max(b_rss) / statistics.median(virtual_mem)
            print(f"  reference: memory / the floor holding no lines: {strict_mem:.2f} ×")
            ok &= verdict("memory / Line-API floor (largest reading)", mem, RATIO_RSS, "×")

            # (d) the demo: injected into the mock → on screen
            print("(d) message injected into the mock → on screen, payam demo in tmux")
            for m, samples in live_figures(term, live).items():
                line(f"{m} (long polling)", samples)
                ok &= verdict(f"{m} p95", pct(samples, 0.95), LIVE_MS, "ms")
        finally:
            term.shutdown()
    if n < ROWS or chats < CHATS or big < BIG or small < SMALL:
        print("data smaller than specified: not a measurement of the budgets")
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
