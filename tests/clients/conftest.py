"""Fixtures for the independent-client tests: the served mocks, the library venvs, and every
selected driver started at once (each test then waits for its own).

Nothing here fails a test for a missing network: a library that does not install makes its
test skip with pip's error (see :mod:`tests.clients.harness`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.mock import ThreadedMockServer
from tests.clients.cases import CASES, Case
from tests.clients.harness import VenvPool, pip_env
from tests.clients.runner import Runner

_REPORT: dict[str, Any] = {}


def _selected_cases(session: pytest.Session) -> list[Case]:
    chosen: dict[str, Case] = {}
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec is not None else None
        if isinstance(case, Case):
            chosen[case.id] = case
    return list(chosen.values()) or list(CASES)


@pytest.fixture(scope="session")
def client_mocks() -> Iterator[ThreadedMockServer]:
    """Every available mock on one loopback port, an empty world."""
    with ThreadedMockServer(scenario="empty", seed=11) as mocks:
        yield mocks


@pytest.fixture(scope="session")
def client_runner(
    request: pytest.FixtureRequest,
    client_mocks: ThreadedMockServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Runner]:
    """Builds (or reuses) the venvs and starts every selected driver, all in parallel."""
    pool = VenvPool(pip_env())
    runner = Runner(
        client_mocks, pool, tmp_path_factory.mktemp("clients"), _selected_cases(request.session)
    )
    _REPORT["pool"] = pool
    _REPORT["runner"] = runner
    yield runner
    runner.close()
    pool.shutdown()
    _REPORT["wall_s"] = time.monotonic() - pool.started


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How long the venvs took (built or reused) and each driver's run."""
    pool = _REPORT.get("pool")
    runner = _REPORT.get("runner")
    if not isinstance(pool, VenvPool) or not isinstance(runner, Runner):
        return
    write = terminalreporter.write_line
    terminalreporter.section("independent client libraries")
    outcomes = pool.outcomes()
    built = [v for v in outcomes if v.built]
    for venv in outcomes:
        state = "built" if venv.built else ("FAILED" if venv.python is None else "reused")
        write(f"  venv {venv.library.requirement:<40} {state:<7} {venv.seconds:6.1f} s")
    if built:
        slowest = max(v.seconds for v in built)
        write(f"  cold install (parallel, slowest venv): {slowest:.1f} s")
    for outcome in runner.runs():
        if outcome.run is not None:
            write(f"  driver {outcome.case.id:<32} {outcome.run.seconds:6.1f} s")
        else:
            write(f"  driver {outcome.case.id:<32} skipped: {outcome.skip_reason}")
    if "wall_s" in _REPORT:
        write(f"  venvs + drivers, wall clock: {_REPORT['wall_s']:.1f} s")
