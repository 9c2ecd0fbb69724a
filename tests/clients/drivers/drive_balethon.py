"""balethon against the Bale mock: its Client for the calls (it sends getMe, deleteMessage and
others as GET with a JSON body, and downloads by file_id without getFile), its own
``start_polling`` loop (offset = last update_id + 1, no long-poll timeout) for receiving."""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import Any

from _common import Inbox, b64, receive_three, refused, run, upload_bytes
from balethon import Client
from balethon.objects import Message


async def main(config: dict[str, Any]) -> dict[str, Any]:
    chat_id = config["chat_id"]
    texts = config["texts"]
    inbox = Inbox()
    client = Client(config["token"], base_url=config["api_base"])

    @client.on_message()
    async def on_message(message: Message) -> None:
        document = message.document
        inbox.add(
            message.text if message.text is not None else message.caption,
            message_id=message.id,
            file_id=document.id if document else None,
        )

    result: dict[str, Any] = {}
    await client.connect()  # getMe
    try:
        me = await client.get_me()
        result["me"] = {"id": me.id, "username": me.username, "name": me.first_name}

        bad = client.send_message(config["bad_chat_id"], texts["plain"])
        result["error"] = await refused(bad)
        plain = await client.send_message(chat_id, texts["plain"])
        result["plain"] = {"message_id": plain.id, "text": plain.text}

        before = await client.send_message(chat_id, texts["edit_before"])
        edited = await client.edit_message_text(chat_id, before.id, texts["edit_after"])
        # Bale answers editMessageText with a stub (message_id 0, no text): §2.2.
        result["edit"] = {"message_id": before.id, "answer": getattr(edited, "text", edited)}

        doomed = await client.send_message(chat_id, texts["delete"])
        deleted = await client.delete_message(chat_id, doomed.id)
        result["delete"] = {"message_id": doomed.id, "answer": deleted}

        upload = io.BytesIO(upload_bytes(config))
        upload.name = config["file"]["name"]
        sent = await client.send_document(chat_id, upload, caption=texts["caption"])
        result["upload"] = {"message_id": sent.id, "file_id": sent.document.id}
        result["download_b64"] = b64(await client.download(sent.document.id))

        polling = asyncio.create_task(client.start_polling())
        try:
            with_file = await receive_three(config, inbox)
        finally:
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
            await client.shutdown()
        result["inbound_download_b64"] = b64(await client.download(with_file["file_id"]))
    finally:
        await client.disconnect()
    result["received"] = inbox.items
    return result


if __name__ == "__main__":
    run(main)
