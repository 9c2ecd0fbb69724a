"""python-telegram-bot against the Telegram mock: its Bot for the calls, its Application and
Updater (``start_polling``, PTB's own offset handling) for receiving."""

from __future__ import annotations

from typing import Any

from _common import Inbox, b64, receive_three, refused, run, upload_bytes
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def main(config: dict[str, Any]) -> dict[str, Any]:
    api = config["api_base"]
    chat_id = config["chat_id"]
    texts = config["texts"]
    inbox = Inbox()
    app = (
        Application.builder()
        .token(config["token"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .build()
    )

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        document = message.document
        inbox.add(
            message.text if message.text is not None else message.caption,
            update_id=update.update_id,
            file_id=document.file_id if document else None,
        )

    app.add_handler(MessageHandler(filters.ALL, on_message))
    result: dict[str, Any] = {}
    async with app:  # initialize(): getMe
        bot = app.bot
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

        sent = await bot.send_document(
            chat_id,
            document=upload_bytes(config),
            filename=config["file"]["name"],
            caption=texts["caption"],
        )
        assert sent.document is not None
        result["upload"] = {"message_id": sent.message_id, "file_id": sent.document.file_id}
        stored = await bot.get_file(sent.document.file_id)
        result["download_b64"] = b64(await stored.download_as_bytearray())

        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        with_file = await receive_three(config, inbox)
        await app.updater.stop()
        await app.stop()

        inbound = await bot.get_file(with_file["file_id"])
        result["inbound_download_b64"] = b64(await inbound.download_as_bytearray())
    result["received"] = inbox.items
    return result


if __name__ == "__main__":
    run(main)
