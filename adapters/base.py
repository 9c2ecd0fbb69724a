"""The adapter contract (CONTRACTS §1): one small async ABC and the capabilities the UI reads."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from adapters.errors import Unsupported
from adapters.models import Batch, Chat, FileRef, Identity, Sent, Span
from adapters.ratelimit import RateLimits
from adapters.secret import Secret

if TYPE_CHECKING:  # httpx costs ~40 ms to import: the UI's first paint must not wait for it
    import httpx

Progress = Callable[[int, int], None]
"""``progress(done_bytes, total_bytes)``; total is 0 when unknown."""


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """What the engine hands an adapter."""

    messenger: str  # "bale" | "eitaa" | "rubika" | "splus" | "telegram" | a plug-in's name
    name: str  # the user's name for the account, e.g. "shop"
    base_url: str  # real API root by default; a mock or a proxy path when configured
    channels: tuple[str, ...] = ()  # chats the account posts to without having received from them
    receive: bool = True  # False: send-only (e.g. a bot whose updates go to its own webhook)

    @property
    def key(self) -> str:
        """``<messenger>:<name>``, the account's name everywhere (CLI, keyring, store)."""
        return f"{self.messenger}:{self.name}"


@dataclass(frozen=True, slots=True)
class SendOptions:
    """Optional send options; those a messenger does not list are refused before sending."""

    title: str | None = None
    schedule_at: datetime | None = None
    pin: bool = False
    delete_after_views: int | None = None
    silent: bool = False

    def used(self) -> frozenset[str]:
        """Names of the options set to something other than their default."""
        return frozenset(f.name for f in fields(self) if getattr(self, f.name) not in (None, False))


@dataclass(frozen=True, slots=True)
class Capabilities:
    receive: bool
    long_poll: bool
    poll_interval_s: float  # the engine sleeps this after an empty poll (APIs without long poll)
    edit: bool
    delete: bool
    reply: bool
    files_send: bool
    files_receive: bool
    formatting: Literal["entities", "metadata", "markdown-implicit", "none"]
    max_text: int
    max_caption: int
    max_upload_bytes: int
    max_download_bytes: int
    send_options: frozenset[str]
    rate_limits: RateLimits


class Adapter(ABC):
    """One messenger account. Constructed with an injected client: never builds its own."""

    capabilities: ClassVar[Capabilities]
    messenger: ClassVar[str]
    default_base_url: ClassVar[str]

    def __init__(self, spec: AccountSpec, token: Secret, client: httpx.AsyncClient) -> None:
        self.spec = spec
        self._token = token
        self._client = client

    @abstractmethod
    async def me(self) -> Identity: ...

    @abstractmethod
    async def poll(self, cursor: str | None, timeout_s: float) -> Batch: ...

    @abstractmethod
    async def send(
        self,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        entities: tuple[Span, ...] = (),
        options: SendOptions | None = None,
    ) -> Sent: ...

    async def edit(self, chat_id: str, message_id: str, text: str) -> None:
        raise Unsupported(f"{self.messenger} cannot edit messages")

    async def delete(self, chat_id: str, message_id: str) -> None:
        raise Unsupported(f"{self.messenger} cannot delete messages")

    async def send_file(
        self,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
        progress: Progress | None = None,
    ) -> Sent:
        raise Unsupported(f"{self.messenger} cannot send files")

    async def download(self, file: FileRef, dest: Path, progress: Progress | None = None) -> Path:
        raise Unsupported(f"{self.messenger} cannot download files")

    @abstractmethod
    async def chat_info(self, chat_id: str) -> Chat: ...

    # --- helpers for subclasses ---------------------------------------------------------

    def check_options(self, options: SendOptions | None, reply_to: str | None = None) -> None:
        """Refuse, before any request, what the capabilities do not list."""
        caps = self.capabilities
        if options is not None:
            extra = options.used() - caps.send_options
            if extra:
                raise Unsupported(f"{self.messenger} does not support: {', '.join(sorted(extra))}")
        if reply_to is not None and not caps.reply:
            raise Unsupported(f"{self.messenger} cannot reply to messages")
