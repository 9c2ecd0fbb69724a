"""Soroush Plus's wire: Telegram's shapes, with fewer update kinds.

Its ``Update`` has only ``message``, ``edited_message`` and ``callback_query`` (aiosplus and
peyk agree; messenger-apis.md §3.3): no channel posts, no ``my_chat_member``. Anything else
that arrives anyway is skipped (its update_id still moves the cursor). Formatting is
Telegram's ``entities``.
"""

from __future__ import annotations

from typing import Any

from adapters.botapi import wire
from adapters.botapi.wire import UpdatesPage, WireDialect

__all__ = ["DIALECT", "updates_to_events"]

DIALECT = WireDialect(update_kinds=frozenset({"message", "edited_message", "callback_query"}))


def updates_to_events(result: Any) -> UpdatesPage:
    """A getUpdates ``result`` as events, per Soroush Plus's dialect."""
    return wire.updates_to_events(result, DIALECT)
