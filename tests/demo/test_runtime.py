"""``start_demo()``: nothing of the user's touched, a service that starts and stops cleanly,
a fixed port on request, and everything it set up undone at exit."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path

import keyring
import keyring.core
import pytest

from tests.demo.conftest import SHORT_HISTORY, open_store, tree
from tests.demo.tripwire import Tripwire
from tui.demo.runtime import DemoError, run_coroutine, start_demo
from tui.engine.service_types import AccountStatus
from tui.engine.sync import STOPPED_BY_USER


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_nothing_of_the_users_is_read_or_written(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HOME and XDG point at an empty temp tree (the autouse fixture); the "real" keyring
    is a tripwire that records any use, installed the way keyring would find it."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.demo.tripwire.Tripwire")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    Tripwire.calls.clear()
    before = tree(isolated_dirs)

    async def run_service(demo_service: object) -> list[AccountStatus]:
        from tui.engine.service import Service

        assert isinstance(demo_service, Service)
        await demo_service.start()
        try:
            statuses = await demo_service.wait_ready()  # every token read from the keyring
        finally:
            await demo_service.stop()
        return statuses

    with start_demo(quiet=True, history_size=SHORT_HISTORY) as demo:
        root = demo.root
        assert keyring.get_keyring() is demo.keyring
        statuses = run_coroutine(run_service(demo.service))
        assert {s.state for s in statuses} == {"polling", "send_only"}
        assert not root.is_relative_to(isolated_dirs)
        assert demo.paths.config_file.is_relative_to(root)
        assert demo.paths.data_dir.is_relative_to(root)
        assert demo.config.resolved_downloads_dir().is_relative_to(root)
        assert len(demo.keyring.store) == len(demo.world.accounts)
    assert Tripwire.calls == []
    assert tree(isolated_dirs) == before
    assert not root.exists()
    assert demo.keyring.store == {}


async def test_the_service_starts_and_stops_cleanly() -> None:
    threads_before = {t.name for t in threading.enumerate()}
    with start_demo(quiet=True, history_size=SHORT_HISTORY) as demo:
        service = demo.service
        assert not service.started  # the app starts it
        await service.start()
        statuses = {s.key: s for s in await service.wait_ready()}
        assert statuses["eitaa:mahalle"].state == "send_only"
        assert all(s.state == "polling" for k, s in statuses.items() if k != "eitaa:mahalle")
        assert len(service.inbox()) == len(demo.world.chats)
        await service.stop()
        assert not service.started
        store = open_store(demo)
        try:
            recorded = {a.key: (a.status, a.status_reason) for a in store.accounts()}
        finally:
            store.close()
        for key, status in statuses.items():
            if status.receive:
                assert recorded[key] == ("idle", STOPPED_BY_USER), key
    leftovers = {t.name for t in threading.enumerate()} - threads_before
    assert not {n for n in leftovers if n.startswith(("payam-mock", "payam-demo"))}


def test_a_fixed_port_and_a_busy_one() -> None:
    port = free_port()
    with start_demo(port=port, quiet=True, history_size=SHORT_HISTORY) as demo:
        assert demo.url == f"http://127.0.0.1:{port}"
        assert demo.mount("bale") == f"http://127.0.0.1:{port}/bale"
        with (
            pytest.raises(DemoError, match=f"cannot listen on 127.0.0.1:{port}"),
            start_demo(port=port, quiet=True, history_size=SHORT_HISTORY),
        ):
            pass


def test_banner_and_config() -> None:
    with start_demo(quiet=True, history_size=SHORT_HISTORY) as demo:
        banner = demo.banner()
        assert demo.url in banner
        assert f"{demo.url}/<messenger>/__mock__/" in banner
        for key, token in demo.tokens().items():
            assert key in banner
            assert token in banner
        assert "curl" in banner
        assert str(demo.root) in banner
        text = demo.paths.config_file.read_text(encoding="utf-8")
        for token in demo.tokens().values():
            assert token not in text  # tokens live in the keyring only
        accounts = {a.key: a for a in demo.config.accounts}
        assert set(accounts) == set(demo.tokens())
        assert all((a.base_url or "").startswith(demo.url) for a in accounts.values())
        assert accounts["eitaa:mahalle"].send_only
        assert accounts["eitaa:mahalle"].channels == ("mahalle_news",)
        assert demo.config.warnings == ()


def test_the_demo_package_stays_free_of_textual() -> None:
    code = (
        "import sys, tui.demo.runtime, tui.demo.users; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
