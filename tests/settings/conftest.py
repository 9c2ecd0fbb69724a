"""Fixtures for the settings tests: the fake adapter, a CLI runner, and logging restored."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters import registry
from tests.settings.helpers import FakeServer, fake_entry_points
from tui import cli
from tui.commands import account as account_cmd


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Undo what setup_logging does to the root logger and the httpx/httpcore loggers."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "hpack", "asyncio")}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name, lvl in quiet.items():
        logging.getLogger(name).setLevel(lvl)


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    """Registers the ``fake`` messenger and routes ``account add``'s client to a MockTransport."""
    server = FakeServer()
    monkeypatch.setattr(registry, "_entry_points", fake_entry_points)
    monkeypatch.setattr(account_cmd, "client_factory", server.client)
    return server


@dataclass
class Result:
    rc: int
    out: str
    err: str


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    """A config file path and a data dir inside the test's temp dir."""
    return tmp_path / "conf" / "config.toml", tmp_path / "data"


@pytest.fixture
def payam(
    dirs: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Run ``payam --config … --data-dir … <args>`` in-process; ``stdin`` feeds standard input."""
    config, data = dirs

    def run(*args: str, stdin: str | None = None) -> Result:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        rc = cli.main(["--config", str(config), "--data-dir", str(data), *args])
        captured = capsys.readouterr()
        return Result(rc, captured.out, captured.err)

    return run
