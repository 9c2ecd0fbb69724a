"""Service.open_early: the store opened and the inbox read in a thread before start() — start
gives the same inbox, opening errors surface as ServiceError as before, and a service stopped
without starting closes what was opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.engine.test_store import apply, new
from tui.engine.service import Service
from tui.engine.service_types import ServiceError
from tui.engine.store import Store
from tui.engine.store_open import EarlyOpen


def seeded(db_path: Path) -> Path:
    store = Store(db_path)
    apply(store, new("1", "سلام", chat="100"), new("2", "hi", chat="200", at=60))
    store.close()
    return db_path


async def started_inbox(db_path: Path, early: bool) -> list[str]:
    service = Service(db_path)
    if early:
        service.open_early()
    await service.start()
    try:
        return [e.chat_id for e in service.inbox()]
    finally:
        await service.stop()


async def test_early_open_gives_the_same_inbox(db_path: Path) -> None:
    seeded(db_path)
    assert await started_inbox(db_path, early=True) == await started_inbox(db_path, early=False)
    assert await started_inbox(db_path, early=True) == ["200", "100"]


def not_a_store(db_path: Path) -> Path:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not SQLite" * 100)
    return db_path


async def test_a_file_that_is_not_a_store_is_reported_as_before(db_path: Path) -> None:
    not_a_store(db_path)
    for early in (False, True):
        service = Service(db_path)
        if early:
            service.open_early()
        with pytest.raises(ServiceError, match="cannot open the store"):
            await service.start()


async def test_stopped_before_start_closes_the_early_store(db_path: Path) -> None:
    seeded(db_path)
    service = Service(db_path)
    service.open_early()
    early = service._early
    assert isinstance(early, EarlyOpen)
    await service.stop()
    store, inbox, _ = early.future.result()
    assert inbox is not None and len(inbox) == 2
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        store.data_version()
