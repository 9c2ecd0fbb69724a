"""The Telegram Bot API mock: the shared Telegram-style app with Telegram's profile.

Telegram is the baseline (messenger-apis.md §1): 401 "Unauthorized" for an unknown token,
case-insensitive method names, ``parse_mode`` HTML/Markdown/MarkdownV2, ``channel_post`` and
``edited_channel_post`` updates, both ``getChatMemberCount`` and the older
``getChatMembersCount``, and getChat's required ``ChatFullInfo`` fields.
"""

from __future__ import annotations

from adapters.botapi.mock import BotApiProfile, make_mock
from adapters.botapi.mock_profile import TELEGRAM_FULL_CHAT
from adapters.mock.scenarios import demo_telegram
from adapters.ratelimit import TELEGRAM

PROFILE = BotApiProfile(
    messenger="telegram", rate_limits=TELEGRAM, full_chat_fields=TELEGRAM_FULL_CHAT
)

MOCK = make_mock(PROFILE, demo=demo_telegram)
