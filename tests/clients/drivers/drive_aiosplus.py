"""aiosplus against the Soroush Plus mock: its Bot over an ``AioSplusSession`` pointed at the
mock (messenger-apis.md §9), its ``Dispatcher.start_polling`` (long poll, offset = last
update_id + 1) for receiving."""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import Any

from _common import Inbox, b64, receive_three, refused, run, upload_bytes
from aiosplus import AioSplusSession, Bot, Dispatcher
from aiosplus.types import InputFile, Message


async def download(bot: Bot, file_id: str) -> bytes:
    """getFile, then the file URL, through aiosplus."""
    stored = await bot.get_file(file_id)
    sink = io.BytesIO()
    await bot.download_file(stored, sink)
    return sink.getvalue()


async def main(config: dict[str, Any]) -> dict[str, Any]:
    api = config["api_base"]
    chat_id = config["chat_id"]
    texts = config["texts"]
    inbox = Inbox()
    session = AioSplusSession(
        api_url=api + "/bot{token}/{method}", file_url=api + "/file/bot{token}/{file_path}"
    )
    bot = Bot(config["token"], session=session)
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def on_message(message: Message) -> None:
        document = message.document
        inbox.add(
            message.text if message.text is not None else message.caption,
            message_id=message.message_id,
            file_id=document.file_id if document else None,
        )

    result: dict[str, Any] = {}
    try:
        me = await bot.get_me()
        result["me"] = {"id": me.id, "username": me.username, "name": me.first_name}

        result["error"] = await refused(bot.send_message(config["bad_chat_id"], texts["plain"]))
        plain = await bot.send_message(chat_id, texts["plain"])
        result["plain"] = {"message_id": plain.message_id, "text": plain.text}

        before = await bot.send_message(chat_id, texts["edit_before"])
        edited = await bot.edit_message_text(
            texts["edit_after"], chat_id=chat_id, message_id=before.message_id
        )
        result["edit"] = {
            "message_id": before.message_id,
            "answer": edited if isinstance(edited, bool) else edited.text,
        }

        doomed = await bot.send_message(chat_id, texts["delete"])
        deleted = await bot.delete_message(chat_id, doomed.message_id)
        result["delete"] = {"message_id": doomed.message_id, "answer": deleted}

        document = InputFile(upload_bytes(config), filename=config["file"]["name"])
        sent = await bot.send_document(chat_id, document, caption=texts["caption"])
        assert sent.document is not None
        result["upload"] = {"message_id": sent.message_id, "file_id": sent.document.file_id}
        result["download_b64"] = b64(await download(bot, sent.document.file_id))

        polling = asyncio.create_task(dispatcher.start_polling(bot, timeout=5))
        try:
            with_file = await receive_three(config, inbox)
        finally:
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
        result["inbound_download_b64"] = b64(await download(bot, with_file["file_id"]))
    finally:
        await bot.close_session()
    result["received"] = inbox.items
    return result


if __name__ == "__main__":
    run(main)
