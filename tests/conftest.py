"""Fixtures every test gets: no test may touch the developer's real config, data or keyring."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.secret_sweep"]


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point HOME and every platformdirs location at a fresh temp dir; clear PAYAM_* settings."""
    home = tmp_path_factory.mktemp("home")
    for var in list(os.environ):
        if var.startswith("PAYAM_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("HOME", str(home))
    for var, sub in {
        "XDG_CONFIG_HOME": ".config",
        "XDG_DATA_HOME": ".local/share",
        "XDG_CACHE_HOME": ".cache",
        "XDG_STATE_HOME": ".local/state",
        "XDG_RUNTIME_DIR": "run",
        "XDG_DOWNLOAD_DIR": "Downloads",
    }.items():
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(path))
    # Never let a test reach a real keyring daemon: the fake backend is installed per test.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.fakes.MemoryKeyring")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    for proxy in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(proxy, raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[object]:
    """An in-memory keyring backend for this test only."""
    import keyring

    from tests.fakes import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def gc_settings() -> Iterator[None]:
    """The cyclic GC as it was: `payam` turns it off while starting and the app raises the
    oldest generation's threshold after its first paint; a test that runs either in-process
    must not leave that to the tests after it."""
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*threshold)
    if enabled:
        gc.enable()
