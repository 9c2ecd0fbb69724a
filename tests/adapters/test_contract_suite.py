"""Collects the adapter contract suite (``tests/adapters/contract.py``) for pytest."""

from tests.adapters.contract import *  # noqa: F403
