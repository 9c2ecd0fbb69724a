"""Per-account advisory locks: exclusive, name the holder, die with their process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.engine.locks import AccountLock, LockHeld, lock_path


def test_a_second_holder_is_refused_with_the_pid(tmp_path: Path) -> None:
    with AccountLock(tmp_path, "bale:shop"):
        other = AccountLock(tmp_path, "bale:shop")
        with pytest.raises(LockHeld) as held:
            other.acquire()
        assert held.value.pid == os.getpid()
        assert not other.try_acquire()
        assert AccountLock(tmp_path, "bale:shop", "send").try_acquire()  # another job
        assert AccountLock(tmp_path, "bale:other").try_acquire()  # another account
    assert AccountLock(tmp_path, "bale:shop").try_acquire()


def test_lock_file_names_are_flat_and_safe(tmp_path: Path) -> None:
    path = lock_path(tmp_path, "eitaa:../../x y", "poll")
    assert path.parent == tmp_path and "/" not in path.name


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    script = (
        "import sys, time; from pathlib import Path; from tui.engine.locks import AccountLock;"
        "AccountLock(Path(sys.argv[1]), 'bale:shop').acquire(); print('locked', flush=True);"
        "time.sleep(60)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    with pytest.raises(LockHeld) as held:
        AccountLock(tmp_path, "bale:shop").acquire()
    assert held.value.pid == proc.pid
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    lock = AccountLock(tmp_path, "bale:shop")
    while not lock.try_acquire():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    lock.release()
