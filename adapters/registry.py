"""Adapters are found through the ``payam.adapters`` entry-point group, built-ins included.

Listing names imports nothing. Loading imports one adapter; one that fails to import is
reported (with the reason) and skipped, so a broken plug-in never stops the app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from adapters.base import Adapter

GROUP = "payam.adapters"
log = logging.getLogger(__name__)


class UnknownMessenger(LookupError):
    """No adapter is registered under that name."""


@dataclass(frozen=True, slots=True)
class LoadFailure:
    name: str
    reason: str


def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def names() -> list[str]:
    """Registered messenger names, sorted. Imports no adapter."""
    return sorted(_entry_points())


def load(name: str) -> type[Adapter]:
    """The adapter class for ``name``. Raises :class:`UnknownMessenger` or the import error."""
    eps = _entry_points()
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none"
        raise UnknownMessenger(f"no adapter for {name!r} (installed: {known})")
    cls = eps[name].load()
    if not (isinstance(cls, type) and issubclass(cls, Adapter)):
        raise TypeError(f"entry point {name!r} is not an Adapter subclass")
    return cls


def load_all() -> tuple[dict[str, type[Adapter]], list[LoadFailure]]:
    """Every adapter that imports, and a failure record for each one that does not."""
    loaded: dict[str, type[Adapter]] = {}
    failures: list[LoadFailure] = []
    for name in names():
        try:
            loaded[name] = load(name)
        except Exception as exc:  # a plug-in can fail in any way; report and go on
            reason = f"{type(exc).__name__}: {exc}"
            log.warning("adapter %s could not be loaded: %s", name, reason)
            failures.append(LoadFailure(name, reason))
    return loaded, failures
