"""Bale (بله): the Telegram-style Bot API at tapi.bale.ai, with its quirks as profile data.

Quirks (messenger-apis.md §2): no ``parse_mode`` or entities, formatting is implicit markers
in the text (:mod:`adapters.bale.wire`); ``editMessageText`` answers a stub message with
``message_id`` 0; JSON bodies with string media are refused, so requests go form-encoded;
the member count method is ``getChatMembersCount``; an unknown token answers 404 "Not Found"
or "Token not found"; the rate-limit error may be "bot limit exceed" or 420 and may come with
HTTP 200 and ``ok: false`` (handled for every profile: ``error_code`` wins).
"""

from __future__ import annotations

from adapters.bale.wire import DIALECT
from adapters.base import Capabilities
from adapters.botapi.adapter import BotApiAdapter
from adapters.botapi.profile import MB, Profile
from adapters.ratelimit import BALE

__all__ = ["PROFILE", "BaleAdapter"]

PROFILE = Profile(
    messenger="bale",
    default_base_url="https://tapi.bale.ai",
    capabilities=Capabilities(
        receive=True,
        # getUpdates takes `timeout` (peyk sends it); whether Bale holds the request is not
        # confirmed. The engine does not sleep after empty polls of a long-poll API, so the
        # adapter pauses itself when an "long" poll comes back empty at once.
        long_poll=True,
        poll_interval_s=0.0,
        edit=True,
        delete=True,
        reply=True,
        files_send=True,
        files_receive=True,
        formatting="markdown-implicit",
        max_text=4096,
        max_caption=1024,
        max_upload_bytes=50 * MB,  # bale-mcp's "documented bot upload limit" [single-source]
        max_download_bytes=20 * MB,
        # No audited Bale client sends disable_notification: list nothing we cannot confirm.
        send_options=frozenset(),
        rate_limits=BALE,
    ),
    dialect=DIALECT,
    member_count_method="getChatMembersCount",
    send_entities=False,
    body_encoding="form",
    edit_answer="any",
    # CONTRACTS §1: 404 / "Token not found". A 404 that names something else (a message, a
    # chat) is not about the token, so only "Not Found" itself or a bare 404 count.
    auth_codes=frozenset({401}),
    auth_pattern=r"^not found$|token not found",
    auth_bare_codes=frozenset({404}),
    rate_limit_codes=frozenset({420, 429}),
    rate_limit_pattern=r"bot limit exceed|^too many requests",
    forbidden_pattern=r"permission_denied",
)


class BaleAdapter(BotApiAdapter):
    """A Bale bot account."""

    profile = PROFILE
