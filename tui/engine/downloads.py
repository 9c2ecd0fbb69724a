"""Downloading attachments: safe file names, no overwriting, a size cap, progress.

The adapter's ``download`` does the transfer; this module decides where the bytes go and
keeps the books. A file name from a message is untrusted: :func:`safe_filename` removes path
separators, ``..``, control and bidi characters (an RLO could make ``exe.txt`` look like
``txt.exe``), and :func:`reserve` never overwrites — it creates the target exclusively, adding
`` (2)``, `` (3)``… before the extension. The transfer writes a hidden ``.part`` file beside
the target and renames it into place when complete, so a half-downloaded file never carries
the real name.
"""

from __future__ import annotations

import asyncio
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

from adapters.base import Adapter, Progress
from tui.engine.clock import Clock, SystemClock
from tui.engine.store import Store, StoreError

MAX_NAME_BYTES = 200  # below every common file system's 255, leaving room for " (NN)"
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEEP_FORMAT = frozenset("\u200c\u200d")  # ZWNJ/ZWJ: Persian words and emoji need them
_RESERVED = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(1, 10)),
        *(f"lpt{i}" for i in range(1, 10)),
    }
)


class DownloadTooLarge(StoreError):
    """The file is over the cap (known before, or found while transferring)."""


def safe_filename(name: str, fallback: str = "file") -> str:
    """A single, harmless path component derived from an untrusted ``name``."""
    out = []
    for ch in unicodedata.normalize("NFC", name):
        cat = unicodedata.category(ch)
        if ch in _BIDI or cat in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp"):
            continue
        if cat == "Cf" and ch not in _KEEP_FORMAT:
            continue
        out.append("_" if ch in '/\\:*?"<>|' else ch)
    clean = " ".join("".join(out).split())  # tabs, runs of spaces → one space
    clean = clean.strip(" .")  # no hidden files, no "..", no trailing dots (Windows)
    stem, dot, ext = clean.rpartition(".")
    if not dot:
        stem, ext = clean, ""
    if stem.lower() in _RESERVED:
        stem = f"_{stem}"
    ext = ext[:16]
    budget = MAX_NAME_BYTES - len(ext.encode()) - 1
    while len(stem.encode()) > budget:
        stem = stem[:-1]
    clean = f"{stem}.{ext}" if ext and stem else (stem or ext)
    return clean or fallback


def reserve(directory: Path, name: str) -> Path:
    """Create and return a new empty file named ``name`` (or ``name (2)``, …) in
    ``directory``; never an existing one, even if another process races us."""
    directory.mkdir(parents=True, exist_ok=True)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = name, "", ""
    for n in range(1, 10_000):
        candidate = directory / (name if n == 1 else f"{stem} ({n}){dot}{ext}")
        try:
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise StoreError(f"too many files named {name}")


async def download_attachment(
    store: Store,
    adapter: Adapter,
    attachment_id: int,
    directory: Path,
    *,
    cap_bytes: int | None = None,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> Path:
    """Fetch an attachment into ``directory`` and record where it went.

    The cap is the smaller of ``cap_bytes`` and the messenger's ``max_download_bytes``; a file
    known to be larger is refused before any request, one found larger midway is abandoned.
    A file already downloaded (and still there) is returned as is.
    """
    found = await store.run(store.attachment, attachment_id)
    if found is None:
        raise StoreError(f"no attachment {attachment_id}")
    _, _, att = found
    if att.local_path is not None:
        existing = Path(att.local_path)
        if await asyncio.to_thread(existing.is_file):
            return existing
    cap = adapter.capabilities.max_download_bytes
    if cap_bytes is not None:
        cap = min(cap, cap_bytes)
    if att.file.size is not None and att.file.size > cap:
        raise DownloadTooLarge(f"{att.file.size:,} bytes is over the {cap:,} byte limit")
    name = safe_filename(att.file.name, fallback=f"{att.kind}-{safe_filename(att.file.id)[:12]}")
    target = await asyncio.to_thread(reserve, directory, name)
    part = target.with_name(f".{target.name}.part")
    try:
        got = await adapter.download(att.file, part, _capped(cap, progress))
        size = await asyncio.to_thread(lambda: got.stat().st_size)
        if size > cap:
            raise DownloadTooLarge(f"{size:,} bytes is over the {cap:,} byte limit")
        await asyncio.to_thread(os.replace, got, target)
    except BaseException:
        for leftover in (part, target):
            await asyncio.to_thread(leftover.unlink, missing_ok=True)
        raise
    await store.run(
        store.set_attachment_path, attachment_id, str(target), (clock or SystemClock()).now()
    )
    return target


def _capped(cap: int, progress: Progress | None) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if done > cap or total > cap:
            raise DownloadTooLarge(f"over the {cap:,} byte limit")
        if progress is not None:
            progress(done, total)

    return report
