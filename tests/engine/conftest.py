"""Fixtures for the engine tests: a store in a temp dir, a fake clock, server and adapter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.engine.store import Store
from tui.engine.testing import FakeAdapter, FakeClock, FakeServer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock: FakeClock) -> FakeServer:
    return FakeServer(clock)


@pytest.fixture
def adapter(server: FakeServer) -> FakeAdapter:
    return FakeAdapter(server)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "payam.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store(db_path)
    yield s
    s.close()
