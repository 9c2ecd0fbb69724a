"""Canary tokens and the sweep that looks for them (issue 7, "Canary sweep").

A :class:`Canary` is a bot token in its messenger's real format whose secret part is unique to
one run: ``<digits>:CANARY<random>`` for the Telegram-style APIs, ``bot<digits>:<uuid>`` for
Eitaa (the uuid is the secret), a long opaque string for Rubika (all of it is secret).
:func:`forms` lists every way its secret can show up in text: raw, URL-encoded, base64 of the
secret at each of the three alignments inside a longer base64 stream, and base64 of the whole
token (standard and URL-safe alphabets).

:class:`Sweep` collects haystacks (bytes, each with a label saying where it came from) and
:meth:`Sweep.leaks` answers every ``(label, canary, form)`` found: a test asserts none. Every
sweep also checks it is not vacuous: the token's public part (the bot id, the account name)
must show up somewhere, and so must DEBUG records of ``httpx``/``httpcore`` in the captured log.

:func:`debug_log` sends the root logger, ``httpx`` and ``httpcore`` at DEBUG to a file through a
plain :class:`logging.FileHandler` (not Payam's formatter): what any handler the user or a
library adds would see, so only the record factory of :mod:`adapters.redact` stands between a
token and the file.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import random
import string
import traceback
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LOGGERS = ("", "httpx", "httpcore")


@dataclass(frozen=True)
class Canary:
    """One canary token: ``token`` as the messenger spells it, ``secret`` the part that must
    never leak, ``public`` a part that may (and, for a sweep to count, does) appear."""

    messenger: str
    token: str
    secret: str
    public: str


def make_canary(messenger: str, rng: random.Random, bot_id: int | None = None) -> Canary:
    """A fresh canary for ``messenger`` (seeded: a rerun uses the same tokens)."""
    ident = bot_id if bot_id is not None else rng.randrange(10**8, 10**9)
    alnum = string.ascii_letters + string.digits
    tail = "".join(rng.choice(alnum) for _ in range(20))
    if messenger == "eitaa":
        secret = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return Canary(messenger, f"bot{ident}:{secret}", secret, f"bot{ident}")
    if messenger == "rubika":
        secret = f"CANARY{messenger}{tail}{tail[::-1]}"
        return Canary(messenger, secret, secret, "")
    secret = f"CANARY{messenger}{tail}"
    return Canary(messenger, f"{ident}:{secret}", secret, str(ident))


def forms(canary: Canary) -> set[bytes]:
    """Every form of ``canary``'s secret looked for (see the module docs)."""
    secret = canary.secret.encode()
    out = {
        secret,
        urllib.parse.quote(canary.secret, safe="").encode(),
        urllib.parse.quote_plus(canary.secret).encode(),
    }
    for shift in range(3):  # the secret at each alignment inside a longer base64 stream
        whole = 3 * ((len(secret) - shift) // 3)
        chunk = secret[shift : shift + whole]
        out.add(base64.b64encode(chunk))
        out.add(base64.urlsafe_b64encode(chunk))
    token = canary.token.encode()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        out.add(encode(token).rstrip(b"="))
    return {f for f in out if len(f) >= 8}


def exception_text(exc: BaseException) -> str:
    """``str``, ``repr`` and the full formatted traceback (chained causes included) of
    ``exc``: everything a crash report, a log line or a status could quote from it."""
    chain = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return f"{exc}\n{exc!r}\n{chain}"


@dataclass
class Sweep:
    """Haystacks to search, each labelled with where it came from."""

    canaries: list[Canary]
    haystacks: list[tuple[str, bytes]] = field(default_factory=list)

    def add(self, label: str, data: bytes | str) -> None:
        """One haystack."""
        self.haystacks.append(
            (label, data.encode("utf-8", "replace") if isinstance(data, str) else data)
        )

    def add_exception(self, label: str, exc: BaseException) -> None:
        """An exception: its ``str``, ``repr`` and formatted chain."""
        self.add(label, exception_text(exc))

    def add_files(self, root: Path, *, skip: Iterable[Path] = ()) -> list[Path]:
        """Every regular file under ``root`` (SQLite with ``-wal``/``-shm``, config, logs…)
        except those under ``skip`` (a token file the user keeps); returns the files added."""
        skipped = [p.resolve() for p in skip]
        added = []
        for path in sorted(root.rglob("*")):
            if not path.is_file() or any(path.resolve().is_relative_to(s) for s in skipped):
                continue
            self.add(str(path.relative_to(root)), path.read_bytes())
            added.append(path)
        return added

    def leaks(self) -> list[str]:
        """``label: messenger form`` for every form of every canary found."""
        found = []
        for canary in self.canaries:
            for form in forms(canary):
                for label, data in self.haystacks:
                    if form in data:
                        found.append(f"{label}: {canary.messenger} {form!r}")
        return found

    def count(self, needle: str) -> int:
        """How many haystacks hold ``needle`` (the non-vacuity checks)."""
        raw = needle.encode()
        return sum(raw in data for _, data in self.haystacks)

    def size(self) -> int:
        """Total bytes searched."""
        return sum(len(d) for _, d in self.haystacks)


@contextlib.contextmanager
def debug_log(path: Path) -> Iterator[Path]:
    """Root, ``httpx`` and ``httpcore`` at DEBUG into ``path`` (a plain handler), restored after."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(n) for n in LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def log_lines(log: str, logger: str, level: str = "DEBUG") -> int:
    """Records at ``level`` from ``logger`` (or its children) in a :func:`debug_log` file."""
    return sum(1 for line in log.splitlines() if line.startswith(f"{level} {logger}"))


def api_requests(log: str, messenger: str) -> int:
    """``httpx`` request lines for ``messenger``'s bot API (not the mock's control API)."""
    return sum(
        1
        for line in log.splitlines()
        if line.startswith("INFO httpx") and f"/{messenger}/" in line and "__mock__" not in line
    )
