"""Test doubles shared across the suite."""

from __future__ import annotations

# The in-memory keyring is Payam's own (the demo uses it too); re-exported here so that
# ``PYTHON_KEYRING_BACKEND=tests.fakes.MemoryKeyring`` and existing imports keep working.
from tui.settings.keyrings import MemoryKeyring

__all__ = ["MemoryKeyring"]
