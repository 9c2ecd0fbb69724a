"""What makes one Telegram-style Bot API differ from another, as data.

:class:`BotApiAdapter <adapters.botapi.adapter.BotApiAdapter>` is one engine; each messenger
binds a :class:`Profile`. Adding a fourth Telegram clone is a new profile, not a new branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from adapters.base import Capabilities
from adapters.botapi.wire import WireDialect

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Profile:
    """One messenger's flavour of the Telegram Bot API.

    Error signatures (``*_codes``: ``error_code``, else the HTTP status; ``*_pattern``: a
    case-insensitive regular expression searched in ``description``, "" for none) are checked
    in this order: rate limit, invalid token, forbidden; see
    :func:`adapters.botapi.envelope.api_error`.
    """

    messenger: str
    default_base_url: str
    capabilities: Capabilities
    dialect: WireDialect
    # getChatMemberCount (Telegram, Soroush Plus) or getChatMembersCount (Bale).
    member_count_method: str
    # Whether sendMessage may carry ``entities``. Without it, spans go through dialect.markup
    # (Bale) or are dropped. Payam never sends ``parse_mode``: spans are exact, markup is not.
    send_entities: bool
    # Body of non-upload requests. "form": Bale rejects JSON bodies whose media field is a
    # string (peyk), and form encoding is accepted by every method of every clone.
    body_encoding: Literal["json", "form"]
    # "message": editMessageText answers the edited Message (or true); anything else is an
    # answer we cannot read (Ambiguous). "any": Bale answers a stub (message_id 0) - success.
    edit_answer: Literal["message", "any"]
    auth_codes: frozenset[int]
    auth_pattern: str
    # Statuses that mean a bad token when the answer has no description of its own (Bale's
    # bare 404), while the same code with a description ("message not found") does not.
    auth_bare_codes: frozenset[int]
    rate_limit_codes: frozenset[int]
    rate_limit_pattern: str
    forbidden_pattern: str = ""
    # Images at most this large go out with sendPhoto; bigger ones (and other files) as
    # documents, where the upload limit applies.
    max_photo_bytes: int = 10 * MB
