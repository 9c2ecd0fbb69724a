"""Soroush Plus (سروش پلاس): a Telegram Bot API clone at api.splus.ir (messenger-apis.md §3).

Differences that matter here: only ``message``/``edited_message``/``callback_query`` updates
(:mod:`adapters.splus.wire`); no published rate limits or upload limit (Telegram's are
assumed, CONTRACTS §4); ``getChatMemberCount`` as on Telegram.
"""

from __future__ import annotations

from adapters.base import Capabilities
from adapters.botapi.adapter import BotApiAdapter
from adapters.botapi.profile import MB, Profile
from adapters.ratelimit import SPLUS
from adapters.splus.wire import DIALECT

__all__ = ["PROFILE", "SplusAdapter"]

PROFILE = Profile(
    messenger="splus",
    default_base_url="https://api.splus.ir",
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
        max_upload_bytes=50 * MB,  # unknown; Telegram's assumed
        max_download_bytes=20 * MB,  # from public bot code [single-source]
        # sendMessage as documented has no disable_notification (peyk's audit of the docs).
        send_options=frozenset(),
        rate_limits=SPLUS,
    ),
    dialect=DIALECT,
    member_count_method="getChatMemberCount",
    send_entities=True,
    body_encoding="json",
    edit_answer="message",
    auth_codes=frozenset({401}),
    auth_pattern=r"^not found$",
    auth_bare_codes=frozenset(),
    rate_limit_codes=frozenset({429}),
    rate_limit_pattern=r"^too many requests",
)


class SplusAdapter(BotApiAdapter):
    """A Soroush Plus bot account."""

    profile = PROFILE
