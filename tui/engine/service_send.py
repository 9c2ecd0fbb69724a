"""The service's write side: sends, edits, deletes, the outbox rows, and downloads.

A mixin of :class:`tui.engine.service.Service`. Every action is checked against the account's
:class:`~adapters.base.Capabilities` first and refused (:class:`Refused`) before anything is
queued or any request is made; accepted ones go through :class:`tui.engine.outbox.Outbox`
(written with the local echo in one transaction, delivered by whichever process holds the
account's send lock).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.base import Capabilities, SendOptions
from adapters.errors import AdapterError
from tui.engine.downloads import download_attachment
from tui.engine.outbox import FINAL, Outbox, OutboxError
from tui.engine.records import InboxEntry, OutboxItem, OutboxState
from tui.engine.service_inbox import Fanout, InboxCache
from tui.engine.service_types import DownloadFinished, Refused, ServiceError
from tui.engine.store import Store, StoreError

if TYPE_CHECKING:
    from adapters.base import Adapter
    from tui.engine.clock import Clock
    from tui.engine.service_accounts import ServiceOptions

SETTLE_POLL_S = 0.25


class SendMixin:
    """Sending and downloading (see :class:`tui.engine.service.Service`)."""

    store: Store
    outbox: Outbox
    clock: Clock
    options: ServiceOptions
    _fanout: Fanout
    _inbox: InboxCache

    async def _adapter_for(self, account: str) -> Adapter:
        raise NotImplementedError  # provided by Service

    async def capabilities(self, account: str) -> Capabilities:
        """What the account's messenger can do (waits for the adapter class to load)."""
        raise NotImplementedError  # provided by Service

    async def ensure_chat_info(self, account: str, chat_id: str) -> InboxEntry:
        raise NotImplementedError  # provided by ChatsMixin

    async def _known_chat(self, account: str, chat_id: str) -> str:
        """``chat_id`` of a chat the store knows, looking it up first when it does not."""
        if self._inbox.get(account, chat_id) is not None:
            return chat_id
        return (await self.ensure_chat_info(account, chat_id)).chat_id

    # --- sending -------------------------------------------------------------------------

    async def send_text(
        self,
        account: str,
        chat_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        options: SendOptions | None = None,
    ) -> list[OutboxItem]:
        """Queue a text (split into ordered parts over the messenger's ``max_text``); returns
        the rows at once. ``reply_to`` (a messenger id) and ``options`` the messenger cannot
        do are refused before anything is queued."""
        caps = await self.capabilities(account)
        if not text.strip():
            raise Refused("nothing to send")
        if reply_to is not None and not caps.reply:
            raise Refused(f"{_messenger(account)} cannot reply to messages")
        extra = options.used() - caps.send_options if options is not None else frozenset()
        if extra:
            raise Refused(f"{_messenger(account)} does not support: {', '.join(sorted(extra))}")
        await self._adapter_for(account)
        chat_id = await self._known_chat(account, chat_id)
        try:
            return await self.outbox.send_text(
                account, chat_id, text, reply_to=reply_to, options=options
            )
        except OutboxError as exc:
            raise Refused(str(exc)) from None
        except StoreError as exc:
            raise ServiceError(str(exc)) from None

    async def send_file(
        self,
        account: str,
        chat_id: str,
        path: Path,
        *,
        caption: str = "",
        reply_to: str | None = None,
    ) -> list[OutboxItem]:
        """Queue a file (its caption over ``max_caption`` continues as text parts)."""
        caps = await self.capabilities(account)
        if not caps.files_send:
            raise Refused(f"{_messenger(account)} cannot send files")
        if reply_to is not None and not caps.reply:
            raise Refused(f"{_messenger(account)} cannot reply to messages")
        await self._adapter_for(account)
        chat_id = await self._known_chat(account, chat_id)
        try:
            return await self.outbox.send_file(
                account, chat_id, path, caption=caption, reply_to=reply_to
            )
        except OutboxError as exc:
            raise Refused(str(exc)) from None
        except StoreError as exc:
            raise ServiceError(str(exc)) from None

    async def _own(self, account: str, chat_id: str, message: int, what: str) -> None:
        msg = await self.store.run(self.store.message_by_id, message)
        if msg is None or (msg.account, msg.chat_id) != (account, chat_id):
            raise ServiceError(f"no such message in {chat_id} of {account}")
        if msg.deleted:
            raise Refused(f"the message was deleted: it cannot be {what}")
        if what == "edited" and not msg.outgoing:
            raise Refused("only your own messages can be edited")

    async def edit(self, account: str, chat_id: str, message: int, text: str) -> OutboxItem | None:
        """Queue an edit of own message ``message`` (store id); None when it was still unsent
        and was changed in place. Refused when the messenger cannot edit (no request made)."""
        caps = await self.capabilities(account)
        if not caps.edit:
            raise Refused(f"{_messenger(account)} cannot edit messages")
        await self._own(account, chat_id, message, "edited")
        await self._adapter_for(account)
        try:
            return await self.outbox.edit(account, chat_id, message, text)
        except OutboxError as exc:
            raise Refused(str(exc)) from None
        except StoreError as exc:
            raise ServiceError(str(exc)) from None

    async def delete(self, account: str, chat_id: str, message: int) -> OutboxItem | None:
        """Queue a delete of message ``message`` (store id); None when it was never sent and
        was dropped locally. Refused when the messenger cannot delete."""
        caps = await self.capabilities(account)
        if not caps.delete:
            raise Refused(f"{_messenger(account)} cannot delete messages")
        await self._own(account, chat_id, message, "deleted")
        await self._adapter_for(account)
        try:
            return await self.outbox.delete(account, chat_id, message)
        except OutboxError as exc:
            raise Refused(str(exc)) from None
        except StoreError as exc:
            raise ServiceError(str(exc)) from None

    async def resend(self, client_uuid: str) -> OutboxItem:
        """A failed or unknown row goes back to the queue (the user decided to)."""
        try:
            return await self.outbox.resend(client_uuid)
        except StoreError as exc:
            raise ServiceError(str(exc)) from None

    async def discard(self, client_uuid: str) -> None:
        """Drop a queued, failed or unknown row and its local echo."""
        try:
            await self.outbox.discard(client_uuid)
        except StoreError as exc:
            raise ServiceError(str(exc)) from None

    async def outbox_items(
        self, account: str | None = None, states: Sequence[OutboxState] = ()
    ) -> list[OutboxItem]:
        """Outbox rows, oldest first (e.g. ``states=("failed", "unknown")`` for the list of
        sends that need the user)."""
        return await self.store.run(self.store.outbox, account, states)

    def upload_progress(self, client_uuid: str) -> tuple[int, int] | None:
        """``(done, total)`` bytes of a file being uploaded by this process, else None."""
        return self.outbox.progress.get(client_uuid)

    async def settle(self, client_uuids: Sequence[str]) -> list[OutboxItem]:
        """Wait until each row is ``sent``, ``failed`` or ``unknown`` — whichever process
        delivers it — or is held back behind a failed part of the same text (those stay
        queued until the user resends or discards the failed part). Returns the rows."""
        store = self.store
        while True:
            found = await store.run(lambda: [store.outbox_item(u) for u in client_uuids])
            items = [i for i in found if i is not None]
            if all(i.state in FINAL for i in items):
                return items
            stuck = {i.group_uuid for i in items if i.state in ("failed", "unknown")}
            if stuck and all(
                i.state in FINAL or (i.state == "queued" and i.group_uuid in stuck) for i in items
            ):
                return items
            await self.clock.sleep(SETTLE_POLL_S)

    # --- downloads -----------------------------------------------------------------------

    async def download(
        self, attachment_id: int, *, progress: Callable[[int, int], None] | None = None
    ) -> Path:
        """Fetch an attachment into the downloads dir under a safe, unused name, calling
        ``progress(done, total)`` as bytes arrive; a file already downloaded is returned as
        is. Publishes :class:`DownloadFinished` either way."""
        found = await self.store.run(self.store.attachment, attachment_id)
        if found is None:
            raise ServiceError(f"no attachment {attachment_id}")
        account = found[0]
        error = ""
        path: Path | None = None
        try:
            adapter = await self._adapter_for(account)
            path = await download_attachment(
                self.store,
                adapter,
                attachment_id,
                self._downloads_dir(),
                cap_bytes=self.options.download_cap_bytes,
                progress=progress,
                clock=self.clock,
            )
        except (StoreError, AdapterError, ServiceError) as exc:
            error = exc.reason if isinstance(exc, AdapterError) else str(exc)
        self._fanout.publish(DownloadFinished(attachment_id, path, error))
        if path is None:
            raise ServiceError(f"download failed: {error}")
        return path

    def _downloads_dir(self) -> Path:
        if self.options.downloads_dir is not None:
            return self.options.downloads_dir
        from tui.settings.paths import default_downloads_dir

        return default_downloads_dir()


def _messenger(account: str) -> str:
    return account.partition(":")[0]
