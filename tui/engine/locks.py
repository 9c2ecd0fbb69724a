"""One process per job per account: OS advisory locks under ``<data dir>/locks/``.

``fcntl.flock`` on a file per (account, job): the kernel drops the lock when the holder dies,
so a ``kill -9`` never leaves a stale lock. The holder writes its pid into the file so that a
second process can say who has it. Jobs: ``poll`` (one poller per account across processes,
CONTRACTS §6) and ``send`` (one deliverer per account, which also makes client-side pacing
exact across processes). The lock file is never deleted: unlinking a locked file would let a
newcomer lock a fresh inode while the old holder still runs.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from urllib.parse import quote


class LockHeld(RuntimeError):
    """Another process holds the lock. ``pid`` is the holder's, when it could be read."""

    def __init__(self, account: str, job: str, pid: int | None) -> None:
        self.account = account
        self.job = job
        self.pid = pid
        who = f"process {pid}" if pid is not None else "another process"
        super().__init__(f"{account}: {job} is already running in {who}")


def lock_path(lock_dir: Path, account: str, job: str) -> Path:
    """``locks/<account, %-escaped>.<job>.lock``: one flat, safe file name per pair."""
    return lock_dir / f"{quote(account, safe='')}.{job}.lock"


class AccountLock:
    """An exclusive, non-blocking lock on (account, job). Use as a context manager."""

    def __init__(self, lock_dir: Path, account: str, job: str = "poll") -> None:
        """Nothing is locked until :meth:`acquire`."""
        self.path = lock_path(lock_dir, account, job)
        self.account = account
        self.job = job
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`LockHeld` naming the holder's pid."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(self.account, self.job, holder(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def try_acquire(self) -> bool:
        """True if the lock is now ours, False if someone else holds it."""
        try:
            self.acquire()
        except LockHeld:
            return False
        return True

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def release(self) -> None:
        """Let go (idempotent)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> AccountLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder(path: Path) -> int | None:
    """The pid written in a lock file, or None."""
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
