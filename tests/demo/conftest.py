"""Fixtures for the demo tests: a started demo (quiet, a short history unless asked), and
helpers to wait for the service's notices. Everything runs offline, on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.demo.runtime import Demo, start_demo
from tui.engine.service_types import MessagesChanged
from tui.engine.store import Store

HANG_GUARD_S = 30.0  # a hang guard, never a pass figure
SHORT_HISTORY = 300


@pytest.fixture
def quiet_demo() -> Iterator[Demo]:
    """A demo without simulated users and with a short long-group history."""
    with start_demo(quiet=True, history_size=SHORT_HISTORY) as demo:
        yield demo


def open_store(demo: Demo) -> Store:
    """A second connection to the demo's store (the caller closes it)."""
    return Store(demo.paths.db_file)


def texts(store: Store) -> set[str]:
    """Every message text the store holds."""
    return {row[0] for row in store.query("SELECT text FROM messages")}


async def until(check: Callable[[], Any], what: str) -> Any:
    """Wait (hang-guarded) until ``check()`` is truthy; returns its value."""
    deadline = time.monotonic() + HANG_GUARD_S
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.02)


async def next_change(updates: Any, account: str, chat_id: str, msg_id: str) -> MessagesChanged:
    """The first notice that stored ``msg_id`` (new, edited or deleted) in that chat."""

    async def wait() -> MessagesChanged:
        while True:
            notice = await updates.get()
            if (
                isinstance(notice, MessagesChanged)
                and notice.account == account
                and notice.chat_id == chat_id
                and msg_id in (*notice.new, *notice.edited, *notice.deleted)
            ):
                return notice

    return await asyncio.wait_for(wait(), HANG_GUARD_S)


def mounts(demo: Demo) -> dict[str, str]:
    """messenger -> where the demo serves its mock."""
    return {m: demo.mount(m) for m in demo.world.world}


def tree(root: Path) -> set[str]:
    """Every path below ``root`` (relative), for before/after comparisons."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}
