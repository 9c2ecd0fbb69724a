"""The screens' data-source Protocols match what the service offers, and the fake matches both,
so the app can hand its :class:`~tui.engine.service.Service` straight to the screens."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import pytest

from tests.tui.fakes import FakeSource
from tui.widgets.dates import GregorianFormatter, JalaliFormatter
from tui.widgets.sources import ConversationSource, SearchSource


def members(protocol: type) -> list[str]:
    return [
        name
        for name, value in vars(protocol).items()
        if not name.startswith("_") and callable(value)
    ]


def parameters(fn: object) -> list[tuple[str, object]]:
    sig = inspect.signature(fn)  # type: ignore[arg-type]
    return [(p.name, p.kind) for p in sig.parameters.values() if p.name != "self"]


@pytest.mark.parametrize("protocol", [ConversationSource, SearchSource])
def test_the_service_satisfies_the_protocols(protocol: type) -> None:
    service = pytest.importorskip("tui.engine.service").Service
    for name in members(protocol):
        ours, theirs = getattr(protocol, name), getattr(service, name, None)
        assert theirs is not None, f"Service has no {name}"
        assert parameters(ours) == parameters(theirs), name
        assert inspect.iscoroutinefunction(ours) == inspect.iscoroutinefunction(theirs), name


@pytest.mark.parametrize("protocol", [ConversationSource, SearchSource])
def test_the_fake_satisfies_the_protocols(protocol: type) -> None:
    for name in members(protocol):
        assert parameters(getattr(protocol, name)) == parameters(getattr(FakeSource, name)), name


def test_jalali_and_gregorian_formatters() -> None:
    when = datetime(2025, 6, 21, 10, 35, tzinfo=UTC)
    jalali = JalaliFormatter(UTC)
    assert jalali.day(when) == "شنبه ۳۱ خرداد ۱۴۰۴"
    assert jalali.time(when) == "۱۰:۳۵"
    assert jalali.stamp(when) == "۱۴۰۴/۰۳/۳۱ ۱۰:۳۵"
    assert JalaliFormatter(UTC, persian_digits=False, persian=False).day(when) == (
        "Saturday 31 Khordad 1404"
    )
    gregorian = GregorianFormatter(UTC)
    assert (gregorian.day(when), gregorian.time(when)) == ("Sat 21 Jun 2025", "10:35")
    assert GregorianFormatter(UTC, persian_digits=True, persian=True).day(when) == "۲۱ ژوئن ۲۰۲۵"
