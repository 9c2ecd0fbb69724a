"""Sending through the service: outbox to the mock and back, capability refusals, options,
downloads, chat references. Read back through the mock's control API."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.base import SendOptions
from adapters.mock import ThreadedMockServer
from tests.cli.mockkit import MockKit, until
from tui.engine.runtime import AccountParts
from tui.engine.service import Service, ServiceOptions
from tui.engine.service_types import (
    AmbiguousChat,
    ChatNotFound,
    DownloadFinished,
    OutboxChanged,
    Refused,
)

MakeService = Callable[..., Awaitable[Service]]


@pytest.fixture
def mocks() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=12) as server:
        kit = MockKit(server)
        yield kit
        kit.close()


@pytest.fixture
async def make_service(tmp_path: Path) -> AsyncIterator[MakeService]:
    made: list[Service] = []

    async def make(*parts: AccountParts, **changes: Any) -> Service:
        options = ServiceOptions(
            lock_dir=tmp_path / "locks", downloads_dir=tmp_path / "downloads", **changes
        )
        service = Service(tmp_path / "data" / "payam.db", parts, options=options)
        made.append(service)
        await service.start()
        await service.wait_ready()
        return service

    yield make
    for service in made:
        await service.stop()


async def chat_with_sara(mocks: MockKit, service: Service, token: str) -> tuple[str, str]:
    chat, mid = mocks.inbound("bale", token, "سلام، سفارشم کجاست؟")
    await until(lambda: service.chat("bale:shop", chat), "Sara's chat")
    return chat, mid


async def test_send_edit_delete_reach_the_mock_through_the_outbox(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("bale")
    service = await make_service(mocks.parts("bale", "shop", token))
    chat, question = await chat_with_sara(mocks, service, token)
    with service.subscribe() as sub:
        items = await service.send_text("bale:shop", chat, "فردا می\u200cرسد", reply_to=question)
        assert [i.state for i in items] == ["queued"]
        (sent,) = await service.settle([items[0].client_uuid])
        assert sent.state == "sent" and sent.server_msg_id is not None
        assert isinstance(await sub.get(), OutboxChanged)
    at_mock = mocks.chat("bale", token, chat)["messages"]
    assert [m["text"] for m in at_mock] == ["سلام، سفارشم کجاست؟", "فردا می\u200cرسد"]
    assert str(at_mock[1]["reply_to"]) == question and at_mock[1]["direction"] == "out"

    echo = await service.message("bale:shop", chat, sent.server_msg_id)
    assert echo is not None and echo.outgoing and echo.delivery == "sent"
    edit = await service.edit("bale:shop", chat, echo.id, "پس\u200cفردا می\u200cرسد")
    assert edit is not None
    assert [i.state for i in await service.settle([edit.client_uuid])] == ["sent"]
    after_edit = mocks.chat("bale", token, chat)["messages"][1]
    assert after_edit["text"] == "پس\u200cفردا می\u200cرسد" and after_edit["edited"]
    gone = await service.delete("bale:shop", chat, echo.id)
    assert gone is not None
    assert [i.state for i in await service.settle([gone.client_uuid])] == ["sent"]
    assert mocks.chat("bale", token, chat)["messages"][1]["deleted"]
    stored = await service.message("bale:shop", chat, sent.server_msg_id)
    assert stored is not None and stored.deleted and stored.text == "پس\u200cفردا می\u200cرسد"


async def test_a_long_text_goes_as_ordered_parts(mocks: MockKit, make_service: MakeService) -> None:
    token = mocks.bot("bale")
    service = await make_service(mocks.parts("bale", "shop", token))
    chat, _ = await chat_with_sara(mocks, service, token)
    words = [f"واژه{i}" for i in range(1200)]  # about 9,000 characters: three parts
    items = await service.send_text("bale:shop", chat, " ".join(words))
    assert len(items) == 3
    final = await service.settle([i.client_uuid for i in items])
    assert [i.state for i in final] == ["sent"] * 3
    sent = mocks.texts("bale", token, chat)[1:]
    assert " ".join(sent).split() == words and all(len(t) <= 4096 for t in sent)


async def test_what_the_messenger_cannot_do_is_refused_before_any_request(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("eitaa", "Gol News", "golnews_bot", channels=["gol_news"])
    bale = mocks.bot("bale")
    service = await make_service(
        mocks.parts("eitaa", "news", token), mocks.parts("bale", "shop", bale)
    )
    status = service.account_status("eitaa:news")
    assert status.state == "send_only" and not status.receive
    channel = await service.resolve_chat("eitaa:news", "@gol_news")
    assert channel.kind == "channel"
    options = SendOptions(title="عنوان خبر", pin=True, silent=True)
    items = await service.send_text("eitaa:news", channel.chat_id, "خبر تازه", options=options)
    (sent,) = await service.settle([items[0].client_uuid])
    assert sent.state == "sent"
    posted = mocks.chat("eitaa", token, channel.chat_id)["messages"][-1]
    assert posted["text"] == "خبر تازه"
    assert posted["extra"]["title"] == "عنوان خبر" and posted["extra"]["pin"] is True
    echo = await service.message("eitaa:news", channel.chat_id, sent.server_msg_id or "")
    assert echo is not None
    before = len(mocks.requests("eitaa", token))

    with pytest.raises(Refused, match="eitaa cannot edit"):
        await service.edit("eitaa:news", channel.chat_id, echo.id, "ویرایش")
    with pytest.raises(Refused, match="eitaa cannot delete"):
        await service.delete("eitaa:news", channel.chat_id, echo.id)
    assert len(mocks.requests("eitaa", token)) == before  # refused: no request at all
    assert [i.op for i in await service.outbox_items("eitaa:news")] == ["text"]

    chat, _ = await chat_with_sara(mocks, service, bale)
    with pytest.raises(Refused, match="does not support: pin, title"):
        await service.send_text("bale:shop", chat, "x", options=SendOptions(title="t", pin=True))
    with pytest.raises(Refused, match="nothing to send"):
        await service.send_text("bale:shop", chat, "  \n")
    assert await service.outbox_items("bale:shop") == []  # nothing was queued


async def test_download_with_progress_into_a_safe_name(
    mocks: MockKit, make_service: MakeService, tmp_path: Path
) -> None:
    token = mocks.bot("bale")
    service = await make_service(mocks.parts("bale", "shop", token))
    content = "فاکتور سفارش ۱۲۳\n".encode() * 500
    file = {"name": "../\u202etxt.exe", "content_b64": base64.b64encode(content).decode()}
    chat, mid = mocks.inbound("bale", token, "فاکتور", file=file)
    await until(lambda: service.chat("bale:shop", chat), "the chat")
    message = await service.message("bale:shop", chat, mid)
    assert message is not None and len(message.attachments) == 1
    progress: list[tuple[int, int]] = []
    with service.subscribe() as sub:
        path = await service.download(
            message.attachments[0].id, progress=lambda d, t: progress.append((d, t))
        )
        notice = await sub.get()
    assert path.parent == tmp_path / "downloads" and path.name == "_txt.exe"
    assert "\u202e" not in str(path) and path.read_bytes() == content
    assert progress and progress[-1][0] == len(content)
    assert notice == DownloadFinished(message.attachments[0].id, path, "")
    again = await service.download(message.attachments[0].id)
    assert again == path  # already there: not fetched twice


async def test_chat_references_by_id_username_title_and_ambiguity(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot(
        "bale", channels=[{"username": "gol_news", "title": "اخبار گل", "type": "channel"}]
    )
    sara, _ = mocks.inbound("bale", token, "hi", sender="Sara", username="sara_k")
    ali1, _ = mocks.inbound("bale", token, "salam", sender="Ali", username="ali_one")
    ali2, _ = mocks.inbound("bale", token, "salam", sender="Ali", username="ali_two")
    parts = mocks.parts("bale", "shop", token, channels=("@gol_news",))
    service = await make_service(parts)
    await until(lambda: len(service.inbox()) == 4, "three chats and the configured channel")
    news = next(r for r in service.inbox() if r.kind == "channel")
    assert news.title == "اخبار گل" and news.username == "gol_news"

    assert (await service.resolve_chat("bale:shop", sara)).chat_id == sara
    assert (await service.resolve_chat("bale:shop", "@SARA_K")).chat_id == sara
    assert (await service.resolve_chat("bale:shop", "Sara")).chat_id == sara
    assert (await service.resolve_chat("bale:shop", "اخبار گل")).chat_id == news.chat_id
    with pytest.raises(AmbiguousChat) as ambiguous:
        await service.resolve_chat("bale:shop", "Ali")
    assert {c.chat_id for c in ambiguous.value.candidates} == {ali1, ali2}
    assert "2 chats" in str(ambiguous.value)
    with pytest.raises(ChatNotFound):
        await service.resolve_chat("bale:shop", "Nobody Here")
    with pytest.raises(ChatNotFound, match="chat not found"):
        await service.resolve_chat("bale:shop", "@no_such_chat")
    items = await service.send_text("bale:shop", news.chat_id, "خبر")
    assert [i.state for i in await service.settle([items[0].client_uuid])] == ["sent"]
    assert mocks.texts("bale", token, news.chat_id) == ["خبر"]
