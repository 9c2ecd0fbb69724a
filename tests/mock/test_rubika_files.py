"""Rubika's three-step upload and getFile → download_url, over a real socket."""

from __future__ import annotations

from typing import Any

from tests.mock.util import Mock

R = "rubika"


async def data_of(mock: Mock, token: str, method: str, **params: Any) -> dict[str, Any]:
    response = await mock.client.post(f"{mock.base(R)}/v3/{token}/{method}", json=params)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "OK", response.text
    data: dict[str, Any] = body["data"]
    return data


async def test_upload_send_then_get_file_and_download(mock: Mock) -> None:
    token = await mock.bot(R)
    chat_id = (await mock.inbound(R, token, "/start"))["chat_id"]
    content = "گزارش سه‌ماهه\n".encode() * 300
    # 1. requestSendFile: an absolute URL on the mock host.
    ticket = await data_of(mock, token, "requestSendFile", type="File")
    upload_url = ticket["upload_url"]
    assert upload_url.startswith(f"{mock.base(R)}/upload/")
    # 2. POST the file there as multipart part "file" (aiorubi sends octet-stream).
    uploaded = await mock.client.post(
        upload_url, files={"file": ("گزارش.txt", content, "application/octet-stream")}
    )
    assert uploaded.status_code == 200
    body = uploaded.json()
    assert body["status"] == "OK" and set(body["data"]) == {"file_id"}
    file_id = body["data"]["file_id"]
    # 3. sendFile with a caption.
    sent = await data_of(mock, token, "sendFile", chat_id=chat_id, file_id=file_id, text="سند")
    assert sent["message_id"].isdigit()
    stored = (await mock.chat(R, token, chat_id))["messages"][-1]
    assert stored["text"] == "سند" and stored["file"]["name"] == "گزارش.txt"
    assert stored["file"]["size"] == len(content) and stored["file"]["mime"] == "text/plain"
    # getFile → download_url → a plain GET (no token in it).
    url = (await data_of(mock, token, "getFile", file_id=file_id))["download_url"]
    assert url.startswith(f"{mock.base(R)}/download/{file_id}") and token not in url
    downloaded = await mock.client.get(url)
    assert downloaded.status_code == 200 and downloaded.content == content
    head = await mock.client.head(url)
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(content)


async def test_the_upload_url_follows_the_host_the_client_used(mock: Mock) -> None:
    token = await mock.bot(R)
    response = await mock.client.post(
        f"{mock.base(R)}/v3/{token}/requestSendFile",
        json={"type": "Image"},
        headers={"host": f"localhost:{mock.server.port}"},
    )
    url = response.json()["data"]["upload_url"]
    assert url.startswith(f"http://localhost:{mock.server.port}/rubika/upload/")


async def test_upload_and_file_errors(mock: Mock) -> None:
    token = await mock.bot(R)
    bad_type = await mock.client.post(
        f"{mock.base(R)}/v3/{token}/requestSendFile", json={"type": "Sticker"}
    )
    assert bad_type.status_code == 200 and bad_type.json()["status"] == "INVALID_INPUT"
    unknown = await mock.client.post(
        f"{mock.base(R)}/upload/feedface", files={"file": ("a.txt", b"x", "text/plain")}
    )
    assert unknown.json()["status"] == "INVALID_INPUT"
    url = (await data_of(mock, token, "requestSendFile", type="Voice"))["upload_url"]
    no_part = await mock.client.post(url, files={"other": ("a.ogg", b"x", "audio/ogg")})
    assert no_part.json()["status"] == "INVALID_INPUT"
    missing = await mock.client.post(f"{mock.base(R)}/v3/{token}/getFile", json={"file_id": "123"})
    assert missing.json()["status"] == "INVALID_INPUT"
    gone = await mock.client.get(f"{mock.base(R)}/download/123/x.bin")
    assert gone.status_code == 404


async def test_a_users_file_can_be_fetched_and_forwarded(mock: Mock) -> None:
    token = await mock.bot(R)
    first = await mock.inbound(R, token, "عکس", file={"name": "p.txt", "content": "pixels"})
    group = await mock.inbound(R, token, "hi", chat={"type": "group", "title": "G"}, name="Ali")
    update = (await data_of(mock, token, "getUpdates"))["updates"][1]["new_message"]
    url = await data_of(mock, token, "getFile", file_id=update["file"]["file_id"])
    assert (await mock.client.get(url["download_url"])).content == b"pixels"
    moved = await data_of(
        mock,
        token,
        "forwardMessage",
        from_chat_id=first["chat_id"],
        message_id=first["message_id"],
        to_chat_id=group["chat_id"],
    )
    forwarded = (await mock.chat(R, token, group["chat_id"]))["messages"][-1]
    assert forwarded["message_id"] == moved["new_message_id"]
    assert forwarded["file"]["name"] == "p.txt"
    assert forwarded["forward"]["message_id"] == first["message_id"]
