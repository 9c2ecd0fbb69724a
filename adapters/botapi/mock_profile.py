"""What differs between the Telegram-style mocks (Telegram, Bale, Soroush Plus), as data.

Each messenger's ``adapters/<name>/mock.py`` builds one :class:`BotApiProfile`; the shared app in
:mod:`adapters.botapi.mock` reads it and never branches on the messenger's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.ratelimit import RateLimits

MB = 1024 * 1024

TELEGRAM_UPDATE_KINDS = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "callback_query"}
)
"""The update fields the mock can produce on Telegram (a subset of the real list)."""


@dataclass(frozen=True)
class BotApiProfile:
    """One Telegram-style messenger's wire behaviour."""

    messenger: str
    rate_limits: RateLimits
    auth_error: tuple[int, str] = (401, "Unauthorized")
    """HTTP status and description for an unknown token (Bale: 404 "Not Found")."""
    parse_modes: frozenset[str] | None = frozenset({"html", "markdown", "markdownv2"})
    """Accepted ``parse_mode`` values (lower case). None: the parameter is accepted and ignored,
    the text kept as sent (Bale advertises no parse_mode and renders its own Markdown-ish)."""
    update_kinds: frozenset[str] = TELEGRAM_UPDATE_KINDS
    """Which Update fields exist; an event with no field here is never queued."""
    member_count_methods: tuple[str, ...] = ("getChatMemberCount", "getChatMembersCount")
    edit_stub: bool = False
    """editMessageText answers ``{message_id: 0}`` without text, not the edited message (Bale)."""
    reject_json_string_media: bool = False
    """A media field given as a string in a JSON body → 400 "malformed request" (Bale)."""
    case_insensitive_methods: bool = True
    full_chat_fields: Mapping[str, Any] = field(default_factory=dict)
    """Fields getChat adds (Telegram's ChatFullInfo has required ones clients insist on)."""
    max_text: int = 4096  # counted in code points
    max_caption: int = 1024
    max_upload_bytes: int = 50 * MB
    max_photo_bytes: int = 10 * MB
    max_download_bytes: int = 20 * MB


TELEGRAM_FULL_CHAT: Mapping[str, Any] = {
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    },
}
"""Bot API 9.x ``ChatFullInfo`` fields that python-telegram-bot requires."""


class ApiError(Exception):
    """An ``ok: false`` answer: HTTP status = ``code`` (Telegram's convention)."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
