"""The idle collector (tui.idlegc): collects and re-freezes only when the user is still."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tui import idlegc
from tui.idlegc import EVERY_S, QUIET_S, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr("tui.idlegc.time.monotonic", fake)
    yield fake
    gc.unfreeze()  # leave the test process as it was


def churn() -> None:
    """Enough container allocations for several young collections."""
    for _ in range(20):
        junk = [[i] for i in range(1_000)]
        del junk
        gc.collect(0)


def test_it_waits_for_the_user_to_be_still_then_collects_and_freezes(clock: Clock) -> None:
    collector = IdleCollector()
    churn()
    collector.saw_input()
    clock.now += QUIET_S / 2
    assert not collector.tick()  # a key just arrived
    assert collector.collections == 0
    clock.now += QUIET_S
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    assert collector.tick()
    assert collector.collections == 1
    assert gc.get_freeze_count() > 0  # survivors moved out of the automatic collections' way
    assert gc.get_count()[1:] == (0, 0)


def test_nothing_to_do_or_too_soon_means_no_collection(clock: Clock) -> None:
    collector = IdleCollector()
    clock.now += 10
    churn()
    assert collector.tick()
    churn()
    clock.now += EVERY_S / 2
    assert not collector.tick()  # at most one every EVERY_S
    clock.now += EVERY_S
    gc.collect()  # the automatic collections already did it all: nothing was promoted since
    assert gc.get_count()[1:] == (0, 0)
    assert not collector.tick()
    assert collector.collections == 1


def test_it_does_nothing_while_the_collector_is_off(clock: Clock) -> None:
    collector = IdleCollector()
    clock.now += 10
    churn()
    gc.disable()
    try:
        assert not collector.tick()
    finally:
        gc.enable()


def test_full_collections_are_deferred_not_stopped() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # CPython's defaults (an app test may have deferred them)
        idlegc.defer_full_collections()
        assert gc.get_threshold() == (700, 10, idlegc.OLDEST_THRESHOLD)  # young ones as before
        assert idlegc.OLDEST_THRESHOLD > 10
    finally:
        gc.set_threshold(*before)
