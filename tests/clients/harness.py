"""Virtualenvs for the third-party client libraries, and running their drivers.

Each library lives in its own venv under ``.venv-clients/<name>/`` in the repository root (the
``.venv-*/`` pattern keeps it out of git): their pins conflict with Payam's and with each
other's. A venv is reused when its stamp names the same requirement and the same interpreter;
otherwise it is rebuilt with ``python -m venv`` and ``pip install <requirement>`` (pip's default
index and configuration). A failed build is recorded, never raised: the test that needs the
library skips with pip's first lines of stderr.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# PAYAM_CLIENT_VENVS: somewhere else to keep them (e.g. a CI cache directory).
CACHE = Path(os.environ.get("PAYAM_CLIENT_VENVS") or ROOT / ".venv-clients")
DRIVERS = Path(__file__).resolve().parent / "drivers"
RESULT_PREFIX = "PAYAM-RESULT "
STAMP = "payam-client.json"
# Hang guards, not performance budgets (the test module's pytest timeout covers both).
PIP_TIMEOUT_S = 480.0  # a stalled download: the test skips with this as the reason
DRIVER_TIMEOUT_S = 180.0  # a driver waits at most ``wait_s`` for any one event


@dataclass(frozen=True)
class Library:
    """One PyPI client library, pinned to the version its driver was written against, with the
    HTTP stack (and model library) it was verified with pinned too: those decide the wire."""

    name: str
    version: str
    driver: str
    pins: tuple[str, ...] = ()

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def requirements(self) -> list[str]:
        return [self.requirement, *self.pins]


@dataclass
class Venv:
    """The outcome of making a library's venv ready."""

    library: Library
    python: Path | None = None
    skip_reason: str | None = None
    built: bool = False
    seconds: float = 0.0


@dataclass
class DriverRun:
    """One driver process: its result line, or why there is none."""

    returncode: int | None
    result: dict[str, Any] | None
    stdout: str
    stderr: str
    seconds: float
    venv: Venv
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """Enough of the process's output to diagnose a failure."""
        return (
            f"driver exit code {self.returncode}\n--- stdout ---\n{self.stdout[-4000:]}\n"
            f"--- stderr ---\n{self.stderr[-6000:]}"
        )


def _venv_python(path: Path) -> Path:
    return path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _stamp(library: Library) -> dict[str, str]:
    """What a cached venv must match to be reused."""
    return {
        "requirements": " ".join(library.requirements),
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
    }


def _first_lines(text: str, count: int = 8) -> str:
    """pip's first lines, its ERROR lines first (warnings about the index come before them)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.lstrip().upper().startswith("ERROR")]
    rest = [line for line in lines if line not in errors]
    return "\n".join((errors + rest)[:count]) or "(no output)"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (two test runs never build the same venv at once)."""
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_venv(library: Library, env: dict[str, str]) -> Venv:
    """Reuse or build ``.venv-clients/<name>``; never raises for a failed install."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / library.name
    started = time.monotonic()
    outcome = Venv(library)
    with _locked(CACHE / f"{library.name}.lock"):
        stamp_file = path / STAMP
        python = _venv_python(path)
        try:
            current = json.loads(stamp_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            current = None
        if current == _stamp(library) and python.exists():
            outcome.python = python
            outcome.seconds = time.monotonic() - started
            return outcome
        shutil.rmtree(path, ignore_errors=True)
        steps = [
            [sys.executable, "-m", "venv", str(path)],
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                *library.requirements,
            ],
        ]
        for step in steps:
            try:
                done = subprocess.run(
                    step, capture_output=True, text=True, env=env, timeout=PIP_TIMEOUT_S
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                outcome.skip_reason = f"{library.requirement}: {' '.join(step[2:4])}: {exc}"
                break
            if done.returncode != 0:
                outcome.skip_reason = (
                    f"{library.requirement} did not install ({' '.join(step[2:4])} exited "
                    f"{done.returncode}):\n{_first_lines(done.stderr or done.stdout)}"
                )
                break
        else:
            stamp_file.write_text(json.dumps(_stamp(library)), encoding="utf-8")
            outcome.python = python
            outcome.built = True
        if outcome.python is None:
            shutil.rmtree(path, ignore_errors=True)
    outcome.seconds = time.monotonic() - started
    return outcome


def run_driver(
    venv: Venv, driver: str, config: dict[str, Any], workdir: Path, env: dict[str, str]
) -> DriverRun:
    """Run ``drivers/<driver>`` with the venv's interpreter; parse its result line."""
    assert venv.python is not None
    config_path = workdir / "config.json"
    config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    started = time.monotonic()
    try:
        done = subprocess.run(
            [str(venv.python), str(DRIVERS / driver), str(config_path)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            cwd=workdir,
            env=env,
            timeout=DRIVER_TIMEOUT_S,
        )
        returncode: int | None = done.returncode
        stdout, stderr = done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        returncode = None

        def text(data: str | bytes | None) -> str:
            return data.decode("utf-8", "replace") if isinstance(data, bytes) else data or ""

        stdout, stderr = text(exc.stdout), text(exc.stderr) + "\n(killed: the driver hung)"
    result = None
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line.removeprefix(RESULT_PREFIX))
    return DriverRun(returncode, result, stdout, stderr, time.monotonic() - started, venv)


def driver_env(home: Path) -> dict[str, str]:
    """A clean environment for a driver: no proxies (the mock is on loopback), no user site,
    nothing of Payam's on the path."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NO_PROXY": "*",
    }
    if "SYSTEMROOT" in os.environ:  # Windows sockets need it
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    return env


def pip_env() -> dict[str, str]:
    """pip's environment: the caller's (index configuration, proxies to reach it), minus Python
    variables that would leak this interpreter's packages into the new venv."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    }


class VenvPool:
    """Builds the venvs of many libraries at once, each at most once per session."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self._executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="client-venv")
        self._futures: dict[str, Future[Venv]] = {}
        self._lock = threading.Lock()
        self.started = time.monotonic()

    def get(self, library: Library) -> Future[Venv]:
        """The (possibly running) build of ``library``'s venv."""
        with self._lock:
            future = self._futures.get(library.name)
            if future is None:
                future = self._executor.submit(ensure_venv, library, self.env)
                self._futures[library.name] = future
            return future

    def outcomes(self) -> list[Venv]:
        """The finished builds."""
        with self._lock:
            futures = list(self._futures.values())
        return [f.result() for f in futures if f.done() and f.exception() is None]

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
