"""Attachment downloads: safe names, no overwriting, the size cap, progress, bookkeeping."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.models import Attachment, Batch, ChatRef, FileRef, Message, MessageNew, Sender
from tui.engine.downloads import DownloadTooLarge, download_attachment, reserve, safe_filename
from tui.engine.store import Store
from tui.engine.testing import FakeAdapter, FakeServer

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "file"),
        ("", "file"),
        ("a/b\\c:d", "a_b_c_d"),
        ("\u202etxt.exe", "txt.exe"),  # RLO would make it look like exe.txt
        ("evil\x1b[2J\x07name.txt", "evil[2Jname.txt"),
        ("نامه‌ی اداری.docx", "نامه‌ی اداری.docx"),  # ZWNJ kept
        ("  spaced \t name .txt. ", "spaced name .txt"),
        (".hidden", "hidden"),
        ("CON.txt", "_CON.txt"),
    ],
)
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = safe_filename("ب" * 300 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= 200


def test_reserve_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("mine")
    first = reserve(tmp_path, "a.txt")
    second = reserve(tmp_path, "a.txt")
    assert [first.name, second.name] == ["a (2).txt", "a (3).txt"]
    assert (tmp_path / "a.txt").read_text() == "mine"
    assert reserve(tmp_path, "noext").name == "noext"
    assert reserve(tmp_path, "noext").name == "noext (2)"


def stored_attachment(store: Store, file: FileRef) -> int:
    msg = Message("1", "100", T0, Sender("7", "a"), "", attachments=(Attachment("document", file),))
    store.apply_batch("fake:test", Batch((MessageNew(ChatRef("100"), msg),), "2"), now=T0)
    return store.page("fake:test", "100").messages[0].attachments[0].id


async def test_download_goes_to_a_sanitised_new_file_and_is_recorded(
    store: Store, adapter: FakeAdapter, tmp_path: Path
) -> None:
    att = stored_attachment(store, FileRef("f1", "../سند.pdf", 5))
    adapter.files["f1"] = b"hello"
    (tmp_path / "_سند.pdf").write_bytes(b"someone else's")
    seen: list[tuple[int, int]] = []
    path = await download_attachment(
        store, adapter, att, tmp_path, progress=lambda d, t: seen.append((d, t))
    )
    assert path == tmp_path / "_سند (2).pdf"
    assert path.read_bytes() == b"hello"
    assert (tmp_path / "_سند.pdf").read_bytes() == b"someone else's"
    assert seen[-1] == (5, 5)
    found = store.attachment(att)
    assert found is not None and found[2].local_path == str(path)
    again = await download_attachment(store, adapter, att, tmp_path)
    assert again == path and adapter.count("download") == 1
    assert not list(tmp_path.glob(".*.part"))  # noqa: ASYNC240 - a test's own temp dir


async def test_a_known_size_over_the_cap_is_refused_before_any_request(
    store: Store, adapter: FakeAdapter, tmp_path: Path
) -> None:
    att = stored_attachment(store, FileRef("f1", "big.bin", 1000))
    with pytest.raises(DownloadTooLarge):
        await download_attachment(store, adapter, att, tmp_path, cap_bytes=999)
    assert adapter.count("download") == 0


async def test_a_file_found_too_big_midway_is_abandoned_and_cleaned_up(
    store: Store, server: FakeServer, tmp_path: Path
) -> None:
    adapter = FakeAdapter(server)
    att = stored_attachment(store, FileRef("f1", "x.bin", None))  # size unknown
    adapter.files["f1"] = b"y" * 200_000
    with pytest.raises(DownloadTooLarge):
        await download_attachment(store, adapter, att, tmp_path / "dl", cap_bytes=100_000)
    assert list((tmp_path / "dl").iterdir()) == []
    found = store.attachment(att)
    assert found is not None and found[2].local_path is None
