"""Which library drives which mock, with which pinned version, and what each one can do.

Versions are the ones the drivers were written and verified against (messenger-apis.md §9
names the libraries). peyk serves four messengers from one venv.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from tests.clients.harness import Library

HTTPX = "httpx==0.28.1"
AIOHTTP = "aiohttp==3.14.5"

PTB = Library("python-telegram-bot", "22.8", "drive_ptb.py", (HTTPX,))
BALETHON = Library("balethon", "1.1.0", "drive_balethon.py", (HTTPX,))
PEYK = Library("peyk", "1.0.0.post39945017696", "drive_peyk.py", (AIOHTTP,))
AIOSPLUS = Library("aiosplus", "0.1.0", "drive_aiosplus.py", (HTTPX, "pydantic==2.14.3"))
AIORUBI = Library("aiorubi", "1.3.0", "drive_aiorubi.py", (AIOHTTP, "pydantic==2.13.5"))
EITAAYARBOT = Library("eitaayarbot", "1.0.0", "drive_eitaayarbot.py", (HTTPX,))


@dataclass(frozen=True)
class Case:
    """One library against one messenger's mock; the flags say what its API offers."""

    library: Library
    messenger: str
    # What the library raises when the mock refuses a send (a chat that does not exist).
    error_type: str
    edits: bool = True
    deletes: bool = True
    downloads: bool = True
    receives: bool = True
    # aiohttp's FormData percent-encodes a non-ASCII file name (RFC 7578 §4.2 allows it); the
    # server keeps the name as sent (aiohttp#3910: Telegram shows the %XX form).
    percent_encoded_filename: bool = False

    @property
    def id(self) -> str:
        return f"{self.library.name}-{self.messenger}"

    @property
    def slug(self) -> str:
        return self.id.replace("-", "_").replace(".", "_")


CASES = [
    Case(PTB, "telegram", "BadRequest"),
    Case(BALETHON, "bale", "BadRequestError"),
    # peyk raises its typed API error only for an HTTP-200 ``ok: false`` (its belief about Bale,
    # §2.1 [CONFLICT]); the mocks answer HTTP status = error_code, as §2.1 recommends and
    # Telegram does, so peyk raises its transport HTTPStatusError with the envelope as body.
    Case(PEYK, "bale", "HTTPStatusError", percent_encoded_filename=True),
    Case(AIOSPLUS, "splus", "SoroushBadRequest"),
    # aiorubi uploads with FormData(quote_fields=False): the UTF-8 file name as is.
    Case(AIORUBI, "rubika", "RubikaInvalidInput"),
    Case(PEYK, "rubika", "RubikaAPIError", percent_encoded_filename=True),
    # eitaayarbot raises RuntimeError for any ``ok: false``; its API has no edit, delete,
    # download or receive.
    Case(
        EITAAYARBOT,
        "eitaa",
        "RuntimeError",
        edits=False,
        deletes=False,
        downloads=False,
        receives=False,
    ),
    # Beyond the list, from the same venv: peyk's Telegram and Soroush Plus clients.
    Case(PEYK, "telegram", "HTTPStatusError", percent_encoded_filename=True),
    Case(PEYK, "splus", "HTTPStatusError", percent_encoded_filename=True),
]

# What the bots send and the users write: Persian with ZWNJ (U+200C), Persian digits, emoji.
TEXTS = {
    "plain": "سلام! این یک پیام آزمایشی است، با نیم‌فاصله در «می‌رود»، ارقام ۱۲۳۴ و شکلک 🌹",
    "edit_before": "متن پیش از ویرایش",
    "edit_after": "متن پس از ویرایش ✅ (ویرایش‌شده)",
    "delete": "این پیام پاک می‌شود",
    "caption": "پرونده‌ی آزمایشی 📎",
    "start": "/start",
    "inbound": ["پیام نخست کاربر", "پیام دوم، با پیوست", "پیام سوم و پایانی 👋"],
}

USER_NAME = "سارا تهرانی"


def _payload(tag: str, size: int) -> bytes:
    """Deterministic bytes that are not text (every byte value occurs)."""
    out = bytearray(bytes(range(256)))
    block = tag.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


UPLOAD_NAME = "report-گزارش.bin"
UPLOAD = _payload("upload", 48_123)
INBOUND_NAME = "inbound.bin"
INBOUND = _payload("inbound", 20_011)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
