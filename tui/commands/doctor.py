"""``payam doctor``: what Payam would use and whether it is sound, one line per finding.

Checks the config file, the paths, the keyring backend (and the policy's verdict), the store
(``quick_check``), the terminal bidi decision, the installed adapters and every account's
base URL and proxy. It parses; it never connects to a messenger. Exit status 1 when anything
is marked FAIL, else 0.
"""

from __future__ import annotations

import argparse
import importlib
import os
import stat
import sys
from pathlib import Path
from typing import Any, Literal

from tui.settings import schema
from tui.settings.config import ConfigError, load_config
from tui.settings.paths import Paths
from tui.settings.schema import Config
from tui.settings.textsafe import safe

Level = Literal["ok", "warn", "FAIL", "info"]


class Report:
    """Collects findings and prints them as ``<level> <topic>: <text>``."""

    def __init__(self) -> None:
        self.failed = False

    def line(self, level: Level, topic: str, text: str) -> None:
        """Print one finding; continuation lines of ``text`` are indented."""
        self.failed |= level == "FAIL"
        body = safe(text).replace("\n", "\n" + " " * 17)
        print(f"{level:<4} {topic:<11} {body}")


def register(subparsers: Any) -> None:
    """Add ``doctor`` to the ``payam`` parser."""
    parser = subparsers.add_parser(
        "doctor", help="check keyring, paths, config, store, terminal bidi mode and proxies"
    )
    parser.set_defaults(handler=run)


def _mode(path: Path) -> str:
    return f"mode {stat.S_IMODE(path.stat().st_mode):04o}"


def check_paths(report: Report, paths: Paths, config: Config) -> None:
    """Config file, data dir (and its permissions), log, store file, downloads."""
    data = paths.data_dir
    if not data.exists():
        report.line("info", "data dir", f"{data} (created on first use)")
    else:
        loose = stat.S_IMODE(data.stat().st_mode) & 0o077
        report.line(
            "warn" if loose else "ok",
            "data dir",
            f"{data} ({_mode(data)}{'; readable by others: chmod 700 it' if loose else ''})",
        )
    log = paths.log_file
    if log.exists():
        loose = stat.S_IMODE(log.stat().st_mode) & 0o077
        report.line("warn" if loose else "ok", "log", f"{log} ({_mode(log)})")
    else:
        report.line("info", "log", f"{log} (not written yet)")
    report.line("info", "downloads", str(config.resolved_downloads_dir()))


def check_keyring(report: Report, config: Config) -> None:
    """The selected backend and the policy's verdict."""
    from tui.settings.keyrings import check_keyring_backend

    status = check_keyring_backend(config.allow_insecure_keyring)
    needs = [a.key for a in config.accounts if a.uses_keyring]
    if status.accepted:
        level: Level = "warn" if (status.insecure_opt_in or status.ephemeral) else "ok"
        report.line(level, "keyring", status.message)
    else:
        level = "FAIL" if needs else "warn"
        users = f" (needed by {', '.join(needs)})" if needs else " (no account needs it yet)"
        report.line(level, "keyring", status.message + users)


def check_store(report: Report, paths: Paths) -> None:
    """``quick_check`` through the engine's store, when the engine provides it."""
    try:
        # Imported by name: the engine is written in parallel and may not be there yet.
        Store: Any = getattr(importlib.import_module("tui.engine.store"), "Store")  # noqa: B009
    except (ImportError, AttributeError):
        report.line("info", "store", "not available yet (no tui.engine.store.Store)")
        return
    if not paths.db_file.exists():
        report.line("info", "store", f"{paths.db_file} (created on first run)")
        return
    try:
        store = Store(paths.db_file)
    except Exception as exc:  # a damaged or foreign file: report, never crash the doctor
        report.line("FAIL", "store", f"{paths.db_file} cannot be opened ({type(exc).__name__})")
        return
    try:
        problems = store.quick_check()
    except Exception as exc:
        report.line("FAIL", "store", f"quick_check failed ({type(exc).__name__}: {exc})")
        return
    finally:
        store.close()
    if problems:
        shown = "; ".join(str(p) for p in problems[:5])
        report.line("FAIL", "store", f"{paths.db_file}: quick_check: {shown}")
    else:
        report.line("ok", "store", f"{paths.db_file}: quick_check ok")


def check_bidi(report: Report, config: Config) -> None:
    """The terminal bidi decision, as the TUI would make it."""
    try:
        from tui.text import termbidi
    except ImportError:
        setting = config.bidi_setting()
        report.line("info", "bidi", f"setting {setting}; tui.text.termbidi not available yet")
        return
    try:
        configured = config.bidi if config.bidi != "auto" else None  # None: "default"
        decision = termbidi.decide(configured, env=os.environ)
    except ValueError as exc:  # BidiModeError: an invalid PAYAM_BIDI
        report.line("FAIL", "bidi", str(exc))
        return
    report.line("warn" if decision.advice else "ok", "bidi", decision.summary())


def check_accounts(report: Report, config: Config) -> None:
    """Adapters installed, and each account's messenger, base URL and proxy (parsed only)."""
    from adapters import registry

    installed = registry.names()
    report.line("info", "adapters", ", ".join(installed) or "none installed")
    if not config.accounts:
        report.line("info", "accounts", "none; add one with `payam account add`")
    for account in config.accounts:
        topic = account.key
        if account.messenger not in installed:
            report.line("FAIL", topic, f"no adapter is installed for {account.messenger!r}")
            continue
        try:
            base = account.resolved_base_url()
        except Exception as exc:  # the adapter exists but does not import
            report.line("FAIL", topic, f"adapter cannot be loaded ({type(exc).__name__})")
            continue
        parts = [f"base {base}", f"token: {account.token_source}"]
        level: Level = "ok"
        if warning := schema.cleartext_warning(base):
            parts.append(warning)
            level = "warn"
        if account.proxy:
            parts.append(f"proxy {schema.mask_url(account.proxy)}")
            if account.proxy.lower().startswith("socks"):
                try:
                    import socksio  # noqa: F401
                except ImportError:
                    parts.append("the 'socksio' package is missing: pip install 'httpx[socks]'")
                    level = "FAIL"
        if account.send_only:
            parts.append("send-only")
        report.line(level, topic, "; ".join(parts))


def run(args: argparse.Namespace) -> int:
    """``payam doctor``."""
    report = Report()
    paths = Paths.from_args(args)
    try:
        config = load_config(paths.config_file)
    except ConfigError as exc:
        for line in exc.lines():
            report.line("FAIL", "config", line)
        config = Config(path=paths.config_file)
    else:
        state = "valid" if config.exists else "not found (defaults in use)"
        report.line("ok", "config", f"{paths.config_file}: {state}")
        for warning in config.warnings:
            report.line("warn", "config", warning)
    check_paths(report, paths, config)
    check_keyring(report, config)
    check_store(report, paths)
    check_bidi(report, config)
    check_accounts(report, config)
    verdict = "problems found (FAIL above)" if report.failed else "no problems found"
    print(f"doctor: {verdict}", file=sys.stderr if report.failed else sys.stdout)
    return 1 if report.failed else 0
