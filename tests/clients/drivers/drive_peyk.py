"""peyk against the Telegram, Bale, Soroush Plus or Rubika mock (the config's ``messenger``):
its neutral ``Bot`` facade for the calls, its ``Dispatcher.start_polling`` (peyk's own pollers:
offset + 1 on Telegram-style APIs, ``offset_id`` ← ``next_offset_id`` on Rubika) for receiving.

Rubika's upload runs through peyk's client in its three steps (requestSendFile, the upload,
sendFile), because the neutral ``send_document`` keeps the ``file_id`` to itself and the
download needs it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from _common import Inbox, b64, receive_three, refused, run, upload_bytes
from peyk import Bot
from peyk.dispatcher import Dispatcher
from peyk.transport import FilePayload

POLL_TIMEOUT_S = 1  # peyk's long-poll timeout: stop_polling() waits for the current poll


def file_id_of(message: Any) -> str | None:
    """The attached file's id: the neutral ``media`` (Telegram-style) or Rubika's ``file``."""
    found = getattr(message.media, "file_id", None)
    if found is None:
        found = getattr(getattr(message.raw, "file", None), "file_id", None)
    return None if found is None else str(found)


async def upload(bot: Bot, config: dict[str, Any]) -> tuple[Any, str]:
    """Send the config's file with its caption; answers (message_id, file_id)."""
    data, name, caption = upload_bytes(config), config["file"]["name"], config["texts"]["caption"]
    chat_id = config["chat_id"]
    if bot.platform == "rubika":
        client: Any = bot.client
        upload_url = await client.request_send_file(type="File")
        file_id = await client.upload_file(upload_url, data, filename=name)
        sent = await client.send_file(chat_id, file_id, text=caption)
        return sent.message_id, file_id
    message = await bot.send_document(
        chat_id, FilePayload(content=data, filename=name), caption=caption
    )
    file_id = file_id_of(message)
    assert file_id is not None, f"no file_id in {message!r}"
    return message.message_id, file_id


async def main(config: dict[str, Any]) -> dict[str, Any]:
    platform = config["messenger"]
    api = config["api_base"] + ("/v3" if platform == "rubika" else "")
    chat_id = config["chat_id"]
    texts = config["texts"]
    inbox = Inbox()
    bot = Bot(config["token"], platform=platform, base_url=api)

    @bot.message()
    async def on_message(message: Any) -> None:
        inbox.add(message.text, message_id=message.message_id, file_id=file_id_of(message))

    result: dict[str, Any] = {}
    try:
        me = await bot.me()
        result["me"] = {"id": me.id, "username": me.username, "name": me.first_name}

        result["error"] = await refused(bot.send_message(config["bad_chat_id"], texts["plain"]))
        plain = await bot.send_message(chat_id, texts["plain"])
        result["plain"] = {"message_id": plain.message_id, "text": plain.text}

        before = await bot.send_message(chat_id, texts["edit_before"])
        edited = await bot.edit_message_text(chat_id, before.message_id, texts["edit_after"])
        result["edit"] = {"message_id": before.message_id, "answer": getattr(edited, "text", None)}

        doomed = await bot.send_message(chat_id, texts["delete"])
        deleted = await bot.delete_message(chat_id, doomed.message_id)
        result["delete"] = {"message_id": doomed.message_id, "answer": deleted}

        message_id, file_id = await upload(bot, config)
        result["upload"] = {"message_id": message_id, "file_id": file_id}
        result["download_b64"] = b64(await bot.download(file_id))

        dispatcher = Dispatcher(name="payam")
        dispatcher.include_router(bot.router)
        polling = dispatcher.start_polling(
            bot, polling_timeout=POLL_TIMEOUT_S, handle_signals=False, close_bots=False
        )
        task = asyncio.create_task(polling)
        try:
            with_file = await receive_three(config, inbox)
        finally:
            await dispatcher.stop_polling()
            await task
        result["inbound_download_b64"] = b64(await bot.download(with_file["file_id"]))
    finally:
        await bot.close()
    result["received"] = inbox.items
    return result


if __name__ == "__main__":
    run(main)
