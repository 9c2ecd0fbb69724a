"""A keyring backend that stands for the user's real keyring: it records every use.

Installed (directly, or through ``PYTHON_KEYRING_BACKEND=tests.demo.tripwire.Tripwire``) before
the demo starts; the demo must never call it. When ``PAYAM_TRIPWIRE_FILE`` is set (a
subprocess test), every use is also appended to that file, so the parent test can see it.
"""

from __future__ import annotations

import os
from typing import ClassVar

from keyring.backend import KeyringBackend


class Tripwire(KeyringBackend):
    """Records every call; holds nothing."""

    priority = 1
    calls: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._note("init")

    def _note(self, what: str) -> None:
        Tripwire.calls.append(what)
        path = os.environ.get("PAYAM_TRIPWIRE_FILE")
        if path:
            with open(path, "a", encoding="utf-8") as f:
                f.write(what + "\n")

    def get_password(self, service: str, username: str) -> str | None:
        self._note(f"get {service} {username}")
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._note(f"set {service} {username}")

    def delete_password(self, service: str, username: str) -> None:
        self._note(f"delete {service} {username}")
