"""Tokens through a real Secret Service: gnome-keyring in a throwaway D-Bus session and HOME.

Skipped (with the reason) only when dbus-run-session, gnome-keyring-daemon or the Python
``secretstorage`` package are missing; a daemon that is installed but does not work fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.settings.helpers import find_canary

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
set -e
printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$PYTHON" -m tests.settings.realkeyring_child "$CONFIG" "$DATA"
"""


def _daemons_for(home: Path) -> list[int]:
    """Live gnome-keyring-daemon processes whose HOME is ``home`` (zombies do not count)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if "gnome-keyring" not in (entry / "comm").read_text():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if state != "Z" and f"HOME={home}".encode() in environ:
            found.append(int(entry.name))
    return found


def _missing() -> str | None:
    tools = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(t) is None]
    if tools:
        return f"not installed: {', '.join(tools)} (Debian: apt-get install gnome-keyring dbus)"
    try:
        import secretstorage  # noqa: F401
    except ImportError as exc:
        return f"the secretstorage package cannot be imported ({exc})"
    return None


@pytest.mark.slow
def test_twenty_round_trips_through_account_add_and_remove(tmp_path: Path) -> None:
    reason = _missing()
    if reason:
        print(f"SKIPPED real Secret Service test: {reason}")
        pytest.skip(reason)
    home = tmp_path / "home"
    runtime = tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(REPO),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
        "KEYRING_PASSWORD": "throwaway-ci-pass",
        "PYTHON": sys.executable,
        "CONFIG": str(tmp_path / "conf" / "config.toml"),
        "DATA": str(tmp_path / "data"),
    }
    proc = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SCRIPT],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "backend: keyring.backends.SecretService.Keyring accepted=True" in proc.stdout
    assert "round trips: 20/20" in proc.stdout
    # The daemon ends with its D-Bus session.
    deadline = time.monotonic() + 10
    while _daemons_for(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _daemons_for(home) == []
    assert (home / ".local/share/keyrings").is_dir()  # the real keyring was used...
    # ...and no token of any round is readable in any file (the keyring file is encrypted).
    assert find_canary([tmp_path], "CANARY-real-") == []


def test_missing_tools_give_a_skip_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None if "keyring" in name else "/bin/x")
    assert _missing() == (
        "not installed: gnome-keyring-daemon (Debian: apt-get install gnome-keyring dbus)"
    )
