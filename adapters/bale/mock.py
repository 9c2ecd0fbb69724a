"""The Bale Bot API mock: the shared Telegram-style app with Bale's differences as data.

From messenger-apis.md §2 and §8:

* unknown token → HTTP 404 ``{"ok": false, "error_code": 404, "description": "Not Found"}``;
* no ``parse_mode``: Bale advertises none and renders its own Markdown-ish syntax, so the mock
  *accepts and ignores* the parameter (rejecting it would break clients that always send it)
  and keeps the text as sent;
* ``editMessageText`` answers a stub ``{"message_id": 0, …}`` without text;
* a media field sent as a plain string (file_id or URL) in a **JSON** body → 400
  "malformed request"; the same in a form body works;
* ``getChatMembersCount`` (Bale's name; Telegram's ``getChatMemberCount`` is absent);
* ``channel_post`` / ``edited_channel_post`` updates, as bale-mcp reads them.

Errors carry an HTTP status equal to ``error_code`` (the reference's recommendation, which every
audited client detects); Bale's real server may answer 200 with ``ok: false`` (peyk).
"""

from __future__ import annotations

from adapters.botapi.mock import BotApiProfile, make_mock
from adapters.mock.scenarios import demo_bale
from adapters.ratelimit import BALE

PROFILE = BotApiProfile(
    messenger="bale",
    rate_limits=BALE,
    auth_error=(404, "Not Found"),
    parse_modes=None,
    member_count_methods=("getChatMembersCount",),
    edit_stub=True,
    reject_json_string_media=True,
)

MOCK = make_mock(PROFILE, demo=demo_bale)
