"""Store budgets (issue 4) at 1,000,000 messages in 2,000 chats.

Corpus: the Debian ``myspell-fa`` word list (``fa_IR.dic``), shuffled with the seed to give
each word a frequency rank, and messages of 3–20 words drawn from a Zipf distribution over the
ranks (s = 1: the most common word is in ~60 % of messages). Chats get messages by a Zipf law
too (s = 0.8: the deepest chat holds ~50,000), across five accounts; 5 % of messages use the
Arabic ي/ك spellings. The store is built through the real ingest path
(:meth:`Store.apply_batch`, 1,000 events a transaction) and cached in the temp dir keyed by
seed, size and schema/normalisation versions.

Budgets: inbox ≤ 10 ms (p95, every chat); a page of 50 ≤ 2 ms (p95, at depths from newest to
oldest); search ≤ 20 ms p95 over one- and two-word queries from ranks 50–5,000 (a quarter of
the words ZWNJ compounds, a fifth typed with Arabic letters); the 20 most common words ≤ 100 ms
(p95). Each sample runs with the cyclic GC paused (the ``timeit`` convention). Measured in
the same run for reference: the bare-insert floor (100-row transactions,
WAL + FULL, no index) and the store's own ingest rate (100-event batches, FTS included).

Options (``--name=value``): ``--rows`` (1000000), ``--chats`` (2000), ``--seed`` (1),
``--rebuild``, ``--cache-dir``. Exits non-zero if a budget is missed or the data is smaller
than specified.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from adapters.models import Batch, ChatRef, Message, MessageNew, Sender
from tui.engine import schema
from tui.engine.normalize import NORM_VERSION, quote
from tui.engine.store import Store

ROWS, CHATS, SEED = 1_000_000, 2_000, 1
ACCOUNTS = ("bale:shop", "eitaa:news", "rubika:shop", "splus:support", "telegram:me")
BUDGET_INBOX_MS, BUDGET_PAGE_MS, BUDGET_SEARCH_MS, BUDGET_TOP20_MS = 10.0, 2.0, 20.0, 100.0
DICTIONARIES = (
    "/usr/share/hunspell/fa_IR.dic",
    "/usr/share/myspell/dicts/fa_IR.dic",
    "/usr/share/hunspell/fa.dic",
)
T0 = datetime(2024, 1, 1, tzinfo=UTC)
ARABIC = str.maketrans("یک", "يك")


def words_by_rank(seed: int) -> tuple[list[str], str]:
    """The dictionary's words, shuffled into frequency-rank order, and the file used."""
    for name in DICTIONARIES:
        path = Path(name)
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()[1:]  # first line: the count
            words = sorted({w.split("/")[0].strip() for w in lines} - {""})
            random.Random(seed).shuffle(words)
            return words, name
    raise SystemExit("no Persian word list: apt-get install myspell-fa")


def zipf_cum(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / r**s for r in range(1, n + 1)))


def build(path: Path, rows: int, chats: int, seed: int, words: list[str]) -> float:
    """Fill a new store through apply_batch; returns messages per second."""
    rng = random.Random(seed)
    word_cum = zipf_cum(len(words), 1.0)
    per_account = [list(range(i, chats, len(ACCOUNTS))) for i in range(len(ACCOUNTS))]
    chat_cums = [zipf_cum(len(cs), 0.8) for cs in per_account]
    store = Store(path)
    started = time.perf_counter()
    block = 1000
    for b, first in enumerate(range(0, rows, block)):
        a = b % len(ACCOUNTS)
        events = []
        for i in range(first, min(rows, first + block)):
            text = " ".join(rng.choices(words, cum_weights=word_cum, k=rng.randint(3, 20)))
            if rng.random() < 0.05:
                text = text.translate(ARABIC)
            c = rng.choices(per_account[a], cum_weights=chat_cums[a])[0]
            chat = ChatRef(str(c), "group" if c % 3 else "private", f"گفتگو {c}")
            when = T0 + timedelta(seconds=i * 15 + rng.random())
            events.append(
                MessageNew(chat, Message(str(i), str(c), when, Sender(f"u{c}", f"کاربر {c}"), text))
            )
        store.apply_batch(ACCOUNTS[a], Batch(tuple(events), str(first + block)), now=T0)
        if b % 100 == 0:
            done = min(rows, first + block)
            print(f"  built {done:,} ({done / (time.perf_counter() - started):,.0f}/s)", flush=True)
    rate = rows / (time.perf_counter() - started)
    store.close()
    return rate


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds for one call, with the cyclic GC paused during it (as ``timeit`` does):
    a collection's pause belongs to whatever else the process holds, not to the query."""
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000
    finally:
        gc.enable()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, samples: list[float], budget: float | None) -> bool:
    p95 = pct(samples, 0.95)
    ok = budget is None or p95 <= budget
    tail = "" if budget is None else f"  budget {budget:g} ms  {'ok' if ok else 'MISSED'}"
    print(
        f"  {name:<44} n={len(samples):<4} p50 {statistics.median(samples):7.2f} ms  "
        f"p95 {p95:7.2f} ms  max {max(samples):7.2f} ms{tail}"
    )
    return ok


def floors(directory: Path, words: list[str]) -> None:
    """Bare inserts and the store's ingest path on a fresh file, same disk, same run."""
    rng = random.Random(0)
    texts = [" ".join(rng.choices(words[:5000], k=12)) for _ in range(20_000)]
    bare = directory / "bare.db"
    conn = sqlite3.connect(bare, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        "CREATE TABLE m (id INTEGER PRIMARY KEY, chat INTEGER, msg_id TEXT, "
        "date INTEGER, text TEXT)"
    )
    start = time.perf_counter()
    for b in range(0, len(texts), 100):
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO m (chat, msg_id, date, text) VALUES (?, ?, ?, ?)",
            [(i % 50, str(i), i, texts[i]) for i in range(b, b + 100)],
        )
        conn.execute("COMMIT")
    bare_rate = len(texts) / (time.perf_counter() - start)
    conn.close()
    store = Store(directory / "ingest.db")
    start = time.perf_counter()
    for b in range(0, len(texts), 100):
        events = tuple(
            MessageNew(
                ChatRef(str(i % 50), "group"),
                Message(str(i), str(i % 50), T0 + timedelta(seconds=i), Sender("u", "u"), texts[i]),
            )
            for i in range(b, b + 100)
        )
        store.apply_batch("bale:floor", Batch(events, str(b)), now=T0)
    store_rate = len(texts) / (time.perf_counter() - start)
    store.close()
    print(f"  bare insert floor (100-row tx, WAL+FULL, no index)  {bare_rate:>9,.0f} rows/s")
    print(
        f"  Store.apply_batch (100-event tx, FTS included)       {store_rate:>9,.0f} msgs/s "
        f"({store_rate / bare_rate:.0%} of the floor)"
    )


def store_key(rows: int, chats: int, seed: int) -> str:
    """The cache file name of a store built with these parameters (and this schema)."""
    ddl = "".join(sql for m in schema.MIGRATIONS for sql in m.statements)
    digest = hashlib.sha256(ddl.encode()).hexdigest()[:8]  # a schema edit invalidates the cache
    return f"store-s{seed}-r{rows}-c{chats}-v{schema.latest()}-{digest}-n{NORM_VERSION}.db"


def cached_store(
    rows: int, chats: int, seed: int, cache: Path, words: list[str], *, rebuild: bool = False
) -> Path:
    """The cached store for these parameters, built first when missing (or ``rebuild``).
    Also used by ``bench_tui``."""
    path = cache / store_key(rows, chats, seed)
    if rebuild or not path.exists():
        building = cache / f"building-{os.getpid()}.db"
        print(f"building {rows:,} messages in {chats:,} chats (cached as {path}) …", flush=True)
        rate = build(building, rows, chats, seed, words)
        print(f"  built at {rate:,.0f} messages/s through Store.apply_batch (1,000 a batch)")
        for suffix in ("", "-wal", "-shm"):  # only a finished build gets the cache's name
            part = Path(f"{building}{suffix}")
            if part.exists():
                part.replace(f"{path}{suffix}")
    return path


def main(argv: list[str]) -> int:
    opts = dict(a.lstrip("-").partition("=")[::2] for a in argv)
    rows, chats = int(opts.get("rows", ROWS)), int(opts.get("chats", CHATS))
    seed = int(opts.get("seed", SEED))
    cache = Path(opts.get("cache-dir") or Path(tempfile.gettempdir()) / "payam-bench")
    cache.mkdir(parents=True, exist_ok=True)
    words, corpus = words_by_rank(seed)
    path = cached_store(rows, chats, seed, cache, words, rebuild="rebuild" in opts)
    key = path.name
    store = Store(path)
    n_rows = store.query("SELECT count(*) FROM messages")[0][0]
    n_chats = store.query("SELECT count(*) FROM chats")[0][0]
    size = sum(p.stat().st_size for p in cache.glob(key + "*"))
    print(f"corpus {corpus} ({len(words):,} words, Zipf s=1 over rank), seed {seed}")
    print(
        f"store  {n_rows:,} messages, {n_chats:,} chats, {len(ACCOUNTS)} accounts, "
        f"{size / 2**20:,.0f} MiB (sqlite {sqlite3.sqlite_version}, WAL, synchronous=FULL)"
    )
    ok = True
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        floors(Path(tmp), words)

    rng = random.Random(seed + 1)
    store.inbox()
    ok &= report("inbox, every chat", [timed(store.inbox) for _ in range(60)], BUDGET_INBOX_MS)
    report(
        "inbox, first 100 chats", [timed(lambda: store.inbox(limit=100)) for _ in range(60)], None
    )

    sizes = store.query("SELECT chat, count(*) FROM messages GROUP BY chat ORDER BY 2 DESC")
    keys = {
        r[0]: (r[1], r[2])
        for r in store.query(
            "SELECT ch.id, a.key, ch.chat_id FROM chats ch JOIN accounts a ON a.id = ch.account"
        )
    }
    picks = sizes[:5] + sizes[len(sizes) // 2 : len(sizes) // 2 + 5] + sizes[-5:]
    samples = []
    deepest = sizes[0][1]
    for chat, count in picks:
        account, chat_id = keys[chat]
        for frac in (0.0, 0.25, 0.5, 0.75, 0.999):
            depth = int(count * frac)
            before = (
                store.query(
                    "SELECT id FROM messages WHERE chat = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                    (chat, depth),
                )[0][0]
                + 1
            )
            for _ in range(4):
                samples.append(timed(partial(store.page, account, chat_id, before=before)))
    ok &= report(f"page of 50, depth 0–100 % (deepest chat {deepest:,})", samples, BUDGET_PAGE_MS)

    band = words[49:5000]
    zwnj = [w for w in band if "\u200c" in w]
    plain = [w for w in band if "\u200c" not in w]

    def word() -> str:
        w = rng.choice(zwnj) if rng.random() < 0.25 else rng.choice(plain)
        return w.translate(ARABIC) if rng.random() < 0.2 else w

    queries = [word() if rng.random() < 0.6 else f"{word()} {word()}" for _ in range(300)]
    for q in queries[:20]:
        store.search(q)  # warm the page cache the way a running app has it
    ok &= report(
        "search, ranks 50–5,000, 1–2 words, prefix",
        [timed(partial(store.search, q)) for q in queries],
        BUDGET_SEARCH_MS,
    )
    report(
        "search, same queries, whole words only",
        [timed(partial(store.search, q, prefix=False)) for q in queries],
        None,
    )
    top = words[:20]
    hits = store.search(top[0])
    ok &= report(
        "search, the 20 most common words",
        [timed(partial(store.search, w)) for w in top for _ in range(3)],
        BUDGET_TOP20_MS,
    )
    share = store.query(
        "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?", (quote(top[0]),)
    )[0][0]
    print(
        f"  (the most common word is in {share / n_rows:.0%} of messages; "
        f"newest hit {hits[0].message.date:%Y-%m-%d %H:%M})"
    )
    store.close()
    if n_rows < ROWS or n_chats < CHATS:
        print(
            f"data smaller than specified ({n_rows:,} < {ROWS:,} messages or "
            f"{n_chats:,} < {CHATS:,} chats): not a measurement of the budget"
        )
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
