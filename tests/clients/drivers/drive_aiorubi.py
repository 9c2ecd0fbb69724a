"""aiorubi against the Rubika mock: its Bot over an ``AiohttpSession`` pointed at the mock
(messenger-apis.md §9), its ``Dispatcher.start_polling`` for receiving (a ``HEAD`` time probe
for the first ``offset_id``, then ``next_offset_id``, a short poll every 0.5 s when idle).

The upload runs aiorubi's three steps one by one (``request_send_file``, ``upload_file``,
``send_file`` with the ``file_id``), which is what its ``send_file`` does, so that the driver
learns the ``file_id`` to download.
"""

from __future__ import annotations

import asyncio
from typing import Any

from _common import Inbox, b64, receive_three, refused, run, upload_bytes
from aiorubi import Bot, Dispatcher
from aiorubi.client.rubika import RubikaAPIServer
from aiorubi.client.session.aiohttp import AiohttpSession
from aiorubi.enums import FileType
from aiorubi.types import Message
from aiorubi.types.input_file import BufferedInputFile


async def download(bot: Bot, file_id: str) -> bytes:
    """getFile → ``download_url``, then a plain GET, through aiorubi."""
    sink = await bot.download(file_id)
    assert sink is not None
    data: bytes = sink.read()
    return data


async def main(config: dict[str, Any]) -> dict[str, Any]:
    chat_id = str(config["chat_id"])
    texts = config["texts"]
    inbox = Inbox()
    session = AiohttpSession(api=RubikaAPIServer.from_base(config["api_base"]))
    bot = Bot(config["token"], session=session)
    dispatcher = Dispatcher()

    @dispatcher.new_message()
    async def on_message(message: Message) -> None:
        inbox.add(
            message.text,
            message_id=message.message_id,
            file_id=message.file.file_id if message.file else None,
        )

    result: dict[str, Any] = {}
    try:
        me = await bot.get_me()
        result["me"] = {"id": me.bot_id, "username": me.username, "name": me.bot_title}

        bad = bot.send_message(str(config["bad_chat_id"]), texts["plain"])
        result["error"] = await refused(bad)
        plain = await bot.send_message(chat_id, texts["plain"])
        result["plain"] = {"message_id": plain.message_id}

        before = await bot.send_message(chat_id, texts["edit_before"])
        edited = await bot.edit_message_text(chat_id, before.message_id, texts["edit_after"])
        result["edit"] = {"message_id": before.message_id, "answer": edited}

        doomed = await bot.send_message(chat_id, texts["delete"])
        deleted = await bot.delete_message(chat_id, doomed.message_id)
        result["delete"] = {"message_id": doomed.message_id, "answer": deleted}

        upload_url = (await bot.request_send_file(FileType.FILE)).upload_url
        document = BufferedInputFile(upload_bytes(config), filename=config["file"]["name"])
        file_id = (await bot.upload_file(upload_url, document)).file_id
        sent = await bot.send_file(chat_id, file_id, text=texts["caption"])
        result["upload"] = {"message_id": sent.message_id, "file_id": file_id}
        result["download_b64"] = b64(await download(bot, file_id))

        polling = asyncio.create_task(
            dispatcher.start_polling(
                bot, handle_as_tasks=False, handle_signals=False, close_bot_session=False
            )
        )
        try:
            with_file = await receive_three(config, inbox)
        finally:
            await dispatcher.stop_polling()
            await polling
        result["inbound_download_b64"] = b64(await download(bot, with_file["file_id"]))
    finally:
        await bot.session.close()
    result["received"] = inbox.items
    return result


if __name__ == "__main__":
    run(main)
