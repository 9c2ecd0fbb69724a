"""The Soroush Plus Bot API mock: the shared Telegram-style app with Soroush Plus's profile.

From messenger-apis.md §3: Telegram's envelope and 401 for an unknown token; ``parse_mode``
MarkdownV2, HTML and Markdown; updates carry **only** ``message``, ``edited_message`` and
``callback_query`` (no ``channel_post``: a post in a channel produces no update);
``getChatMemberCount`` (Telegram's name).
"""

from __future__ import annotations

from adapters.botapi.mock import BotApiProfile, make_mock
from adapters.mock.scenarios import demo_splus
from adapters.ratelimit import SPLUS

PROFILE = BotApiProfile(
    messenger="splus",
    rate_limits=SPLUS,
    update_kinds=frozenset({"message", "edited_message", "callback_query"}),
    member_count_methods=("getChatMemberCount",),
)

MOCK = make_mock(PROFILE, demo=demo_splus)
