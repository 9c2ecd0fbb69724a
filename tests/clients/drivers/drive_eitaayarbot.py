"""eitaayarbot against the Eitaa mock: ``AsyncEitaaBot`` with ``base_url`` reassigned after
construction (messenger-apis.md §9). Eitaayar is send-only: getMe (a GET with a query string),
sendMessage (a form), a reply with eitaayarbot's own spellings ``id_message_to_reply`` and
``notification_disable`` (the reference's [CONFLICT] in §6.2: the mock accepts both), and
sendFile (multipart ``file``). There is no edit, delete, download or receive in this library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _common import refused, run, upload_bytes
from eitaayarbot import AsyncEitaaBot


async def main(config: dict[str, Any]) -> dict[str, Any]:
    token = config["token"]
    chat_id = config["chat_id"]
    texts = config["texts"]
    bot = AsyncEitaaBot(token)
    bot.base_url = f"{config['api_base']}/api/{token}"
    result: dict[str, Any] = {}
    try:
        me = (await bot.get_info())["result"]
        result["me"] = {"id": me["id"], "username": me["username"], "name": me["first_name"]}

        result["error"] = await refused(bot.send_message(config["bad_chat_id"], texts["plain"]))
        plain = (await bot.send_message(chat_id, texts["plain"]))["result"]
        result["plain"] = {"message_id": plain["message_id"]}

        reply = await bot.send_message(
            chat_id,
            texts["edit_before"],
            reply_to_message_id=plain["message_id"],
            notification_disable=1,
        )
        result["reply"] = {"message_id": reply["result"]["message_id"]}

        path = Path.cwd() / config["file"]["name"]
        path.write_bytes(upload_bytes(config))
        sent = (await bot.send_file(chat_id, str(path), caption=texts["caption"]))["result"]
        result["upload"] = {"message_id": sent["message_id"]}
    finally:
        await bot.close()
    return result


if __name__ == "__main__":
    run(main)
