"""How each messenger spells its ids and tokens, as pluggable schemes.

Inside the mock world every id is a ``str`` (CONTRACTS §1's rule, applied to the mock too); an
:class:`IdScheme` creates new ids in the messenger's real format and converts them to the wire
type at the edge (Telegram-style APIs: JSON integers; Rubika: strings; Eitaa: integers, or a
channel username). Schemes are per world instance and may keep counters; callers hold the
world's lock, so they need no locking of their own.

Formats (messenger-apis.md): Telegram-style tokens ``<digits>:<35 chars>``, integer ids with no
sign assumption (we mint positive users, ``-<digits>`` groups and ``-100<digits>`` channels, and
accept any integer given); Eitaa tokens ``bot<digits>:<uuid>``; Rubika long opaque tokens,
32-character ids with a ``b0``/``u0``/``g0``/``c0`` prefix and 24-hex, time-prefixed
(ObjectId-like) update cursors.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
import uuid
from typing import Any, Literal

ChatType = Literal["private", "group", "supergroup", "channel"]
WireId = int | str

_B64URL = string.ascii_letters + string.digits + "-_"
_ALNUM = string.ascii_letters + string.digits
_INT_RE = re.compile(r"-?\d+")


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def object_id(t: float, seq: int) -> str:
    """A 24-hex, MongoDB-ObjectId-like id: 8 hex of unix seconds, then 16 hex of ``seq``.

    Lexicographic order is time order (then sequence order), which is what Rubika clients rely
    on: aiorubi builds its first cursor as ``f"{ts:08x}" + "0" * 16`` from the ``Date`` header.
    """
    return f"{int(t) & 0xFFFFFFFF:08x}{seq & 0xFFFFFFFFFFFFFFFF:016x}"


class IdScheme:
    """Base scheme: Telegram-style integers. Subclass and override what differs."""

    wire_type: Literal["int", "str"] = "int"

    def to_wire(self, value: str) -> WireId:
        """The id as it travels on this messenger's wire."""
        if self.wire_type == "int" and _INT_RE.fullmatch(value):
            return int(value)
        return value

    def normalize(self, value: Any) -> str:
        """An id given by a client or the control API (JSON int or string) as the internal str."""
        if isinstance(value, bool) or value is None:
            raise ValueError(f"not an id: {value!r}")
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise ValueError(f"not an id: {value!r}")

    # --- minting -----------------------------------------------------------------------------

    def new_bot_id(self, rng: random.Random) -> str:
        """A fresh bot id."""
        return str(rng.randrange(10**9, 8 * 10**9))

    def new_token(self, rng: random.Random, bot_id: str) -> str:
        """``<bot_id>:<35 chars>``: Telegram's shape, copied by Bale and Soroush Plus."""
        return f"{bot_id}:AA{_rand(rng, _B64URL, 33)}"

    def bot_id_from_token(self, token: str) -> str | None:
        """The bot id a caller-chosen token implies, if its format carries one."""
        head, sep, _ = token.partition(":")
        return head if sep and head.isdigit() else None

    def new_user_id(self, rng: random.Random) -> str:
        """A fresh user id."""
        return str(rng.randrange(10**8, 7 * 10**9))

    def private_chat_id(self, user_id: str, bot_id: str) -> str:
        """The id of the private chat between ``bot_id`` and ``user_id`` (Telegram: the user's)."""
        return user_id

    def new_chat_id(self, rng: random.Random, chat_type: ChatType) -> str:
        """A fresh group or channel id."""
        if chat_type == "group":
            return str(-rng.randrange(10**8, 10**10))
        return str(-(10**12) - rng.randrange(10**9, 10**10))

    def new_message_id(self, seq: int, now: float) -> str:
        """``seq`` is the chat's own 1-based counter (Telegram numbers messages per chat)."""
        return str(seq)

    def new_file_id(self, rng: random.Random, kind: str) -> tuple[str, str]:
        """``(file_id, file_unique_id)``; the prefix follows Telegram's per-kind look."""
        prefix = {"photo": "AgACAgQAAxkBAAI", "document": "BQACAgQAAxkBAAI"}.get(
            kind, "CQACAgQAAxkBAAI"
        )
        return prefix + _rand(rng, _B64URL, 56), "AgAD" + _rand(rng, _B64URL, 12)

    def new_callback_id(self, rng: random.Random) -> str:
        """A fresh callback query id."""
        return str(rng.randrange(10**17, 10**19))


class TelegramIds(IdScheme):
    """Telegram, Bale and Soroush Plus."""


class EitaaIds(IdScheme):
    """Eitaayar: ``bot<digits>:<uuid>`` tokens; numeric chat ids or a username without ``@``."""

    def new_token(self, rng: random.Random, bot_id: str) -> str:
        return f"bot{bot_id}:{uuid.UUID(int=rng.getrandbits(128), version=4)}"

    def bot_id_from_token(self, token: str) -> str | None:
        head, sep, _ = token.partition(":")
        digits = head.removeprefix("bot")
        return digits if sep and head.startswith("bot") and digits.isdigit() else None

    def new_bot_id(self, rng: random.Random) -> str:
        """A fresh bot id."""
        return str(rng.randrange(10**5, 10**7))

    def new_chat_id(self, rng: random.Random, chat_type: ChatType) -> str:
        """A fresh group or channel id."""
        return str(rng.randrange(10**7, 10**9))


class RubikaIds(IdScheme):
    """Rubika v3: string ids everywhere, 32 characters with a two-letter kind prefix."""

    wire_type: Literal["int", "str"] = "str"
    PREFIX: dict[str, str] = {  # noqa: RUF012 - read-only table
        "bot": "b0",
        "user": "u0",
        "private": "b0",
        "group": "g0",
        "supergroup": "g0",
        "channel": "c0",
    }

    def __init__(self) -> None:
        self._last_message = 0

    def _id(self, rng: random.Random, kind: str) -> str:
        return self.PREFIX[kind] + _rand(rng, _ALNUM, 30)

    def new_bot_id(self, rng: random.Random) -> str:
        """A fresh bot id."""
        return self._id(rng, "bot")

    def new_token(self, rng: random.Random, bot_id: str) -> str:
        return _rand(rng, _ALNUM, 64)

    def bot_id_from_token(self, token: str) -> str | None:
        return None

    def new_user_id(self, rng: random.Random) -> str:
        """A fresh user id."""
        return self._id(rng, "user")

    def private_chat_id(self, user_id: str, bot_id: str) -> str:
        """A ``b0…`` id per (bot, user) pair, stable so the same user always maps to one chat."""
        digest = hashlib.sha256(f"{bot_id}/{user_id}".encode()).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        return "b0" + _rand(rng, _ALNUM, 30)

    def new_chat_id(self, rng: random.Random, chat_type: ChatType) -> str:
        """A fresh group or channel id."""
        return self._id(rng, chat_type)

    def new_message_id(self, seq: int, now: float) -> str:
        """Large numeric strings, increasing across the whole world (as in Rubika's samples)."""
        candidate = int(now * 1000) * 100_000
        self._last_message = max(self._last_message + 1, candidate)
        return str(self._last_message)

    def new_file_id(self, rng: random.Random, kind: str) -> tuple[str, str]:
        fid = str(rng.randrange(10**14, 10**15))
        return fid, fid
