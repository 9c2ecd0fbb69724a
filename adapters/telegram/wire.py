"""Telegram's wire: the Bot API shapes in :mod:`adapters.botapi.wire`, with every update kind.

Telegram is the baseline the other two copy (messenger-apis.md §1), so its dialect is the
default one: entities for formatting, all four message update kinds plus ``my_chat_member``.
"""

from __future__ import annotations

from typing import Any

from adapters.botapi import wire
from adapters.botapi.wire import (
    DEFAULT_KINDS,
    UpdatesPage,
    WireDialect,
    entities_from_spans,
    spans_from_entities,
)

__all__ = ["DIALECT", "entities_from_spans", "spans_from_entities", "updates_to_events"]

DIALECT = WireDialect(update_kinds=DEFAULT_KINDS | {"callback_query"})


def updates_to_events(result: Any) -> UpdatesPage:
    """A getUpdates ``result`` as events, per Telegram's dialect."""
    return wire.updates_to_events(result, DIALECT)
