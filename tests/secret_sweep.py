"""The suite-wide secret sweep (issue 7, "Canary sweep"): the whole of ``make test`` runs with
the root logger, httpx and httpcore at DEBUG into one file, and at the end that file is searched
for every secret any test registered with :mod:`adapters.redact` (every token Payam loads is a
:class:`~adapters.secret.Secret`, which registers it), in its raw, URL-encoded and base64 forms.
One occurrence fails the session. The dedicated sweeps (``tests/security/test_canary_*.py``)
also search stdout/stderr, the pty stream, exceptions, the SQLite files and crash output of
their scenarios; this one covers every test's logging.

Secrets shorter than :data:`MIN_LEN` are left out of the search (tests use tokens like
``"tok"``, which would match ordinary words); every real token format is longer.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import pytest

from adapters import redact

MIN_LEN = 12
LOGGERS = ("", "httpx", "httpcore")
_state: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Open the session's DEBUG log."""
    fd, name = tempfile.mkstemp(prefix="payam-sweep-", suffix=".log")
    os.close(fd)
    handler = logging.FileHandler(name, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    _state.update(path=Path(name), handler=handler)


@pytest.fixture(autouse=True)
def debug_logging() -> None:
    """Every test starts with root, httpx and httpcore at DEBUG and the sweep's handler on
    (a test that sets up Payam's own logging may have changed either)."""
    handler = _state.get("handler")
    root = logging.getLogger()
    if isinstance(handler, logging.Handler) and handler not in root.handlers:
        root.addHandler(handler)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Search the log for every registered secret; fail the session on a find."""
    handler, path = _state.get("handler"), _state.get("path")
    if not isinstance(handler, logging.Handler) or not isinstance(path, Path):
        return
    logging.getLogger().removeHandler(handler)
    handler.close()
    text = path.read_text(encoding="utf-8", errors="replace")
    path.unlink(missing_ok=True)
    needles = {n for n in redact._needles if len(n) >= MIN_LEN}
    found = sorted({n for n in needles if n in text})
    lines = text.count("\n")
    debug = text.count(" DEBUG ")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    summary = (
        f"secret sweep: {lines:,} log lines ({debug:,} at DEBUG), {len(needles):,} secret forms "
        f"searched, {len(found)} found"
    )
    if reporter is not None:
        reporter.write_line(summary)
    if found:
        if reporter is not None:
            for needle in found[:10]:
                at = text.index(needle)
                context = text[max(0, at - 80) : at].replace("\n", " | ")
                reporter.write_line(f"  leaked after: …{context}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
