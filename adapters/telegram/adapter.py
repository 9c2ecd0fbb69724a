"""Telegram: the Bot API baseline (messenger-apis.md §1), bound to the shared engine."""

from __future__ import annotations

from adapters.base import Capabilities
from adapters.botapi.adapter import BotApiAdapter
from adapters.botapi.profile import MB, Profile
from adapters.ratelimit import TELEGRAM
from adapters.telegram.wire import DIALECT

__all__ = ["PROFILE", "TelegramAdapter"]

PROFILE = Profile(
    messenger="telegram",
    default_base_url="https://api.telegram.org",
    capabilities=Capabilities(
        receive=True,
        long_poll=True,
        poll_interval_s=0.0,
        edit=True,
        delete=True,
        reply=True,
        files_send=True,
        files_receive=True,
        formatting="entities",
        max_text=4096,
        max_caption=1024,
        max_upload_bytes=50 * MB,
        max_download_bytes=20 * MB,
        send_options=frozenset({"silent"}),  # disable_notification
        rate_limits=TELEGRAM,
    ),
    dialect=DIALECT,
    member_count_method="getChatMemberCount",
    send_entities=True,
    body_encoding="json",
    edit_answer="message",
    # 401 for a well-formed but revoked token; Telegram answers a malformed one with
    # 404 "Not Found" (every method we call exists, so that 404 means the token).
    auth_codes=frozenset({401}),
    auth_pattern=r"^not found$",
    auth_bare_codes=frozenset(),
    rate_limit_codes=frozenset({429}),
    rate_limit_pattern=r"^too many requests",
)


class TelegramAdapter(BotApiAdapter):
    """A Telegram bot account."""

    profile = PROFILE
