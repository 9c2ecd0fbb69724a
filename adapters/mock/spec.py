"""What makes one messenger's mock world different from another's, as data.

A :class:`MessengerSpec` names the id scheme, the rate table, whether the messenger can receive
messages at all (Eitaa cannot), and which neutral events become updates for a bot (``emits``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from adapters.mock.ids import IdScheme, TelegramIds
from adapters.mock.model import MockBot, MockChat
from adapters.mock.updates import RESEED_AFTER_S, RETENTION_S
from adapters.ratelimit import RateLimits

Access = Literal["ok", "not_started", "not_member"]
EmitRule = Callable[[MockBot, str, MockChat], bool]
CHAT_TYPES: frozenset[str] = frozenset({"private", "group", "supergroup", "channel"})


def _emit_all(bot: MockBot, event: str, chat: MockChat) -> bool:
    return True


class MockError(Exception):
    """A request to the world that cannot be done; ``status`` is the control API's answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class MessengerSpec:
    """What makes one messenger's world different from another's, as data."""

    name: str
    rate_limits: RateLimits
    ids: Callable[[], IdScheme] = TelegramIds
    receives: bool = True  # False: send-only (Eitaa): inbound messages are refused
    emits: EmitRule = _emit_all  # does this event in this chat become an update for this bot?
    first_update_id: int = 1
    retention_s: float = RETENTION_S
    reseed_after_s: float | None = RESEED_AFTER_S
    options: Mapping[str, Any] = field(default_factory=dict)  # free-form, per messenger
