"""Account statuses as the accounts screen sees them, and files through the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.mock import ThreadedMockServer
from tests.cli.mockkit import MockKit, until
from tui.engine.runtime import AccountParts
from tui.engine.service import Service, ServiceOptions
from tui.engine.service_types import AccountChanged, Refused

MakeService = Callable[..., Awaitable[Service]]


@pytest.fixture
def mocks() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=14) as server:
        kit = MockKit(server)
        yield kit
        kit.close()


@pytest.fixture
async def make_service(tmp_path: Path) -> AsyncIterator[MakeService]:
    made: list[Service] = []

    async def make(*parts: AccountParts, **changes: Any) -> Service:
        options = ServiceOptions(lock_dir=tmp_path / "locks", **changes)
        service = Service(tmp_path / "data" / "payam.db", parts, options=options)
        made.append(service)
        await service.start()
        return service

    yield make
    for service in made:
        await service.stop()


async def test_statuses_follow_rate_limits_and_retries_and_are_announced(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("telegram")
    mocks.control("telegram", "faults", {"seed": 5, "rate": 1.0, "kinds": ["429"]})
    service = await make_service(mocks.parts("telegram", "me", token))
    seen: list[str] = []
    with service.subscribe() as sub:

        def rate_limited() -> bool:
            while (notice := sub.get_nowait()) is not None:
                if isinstance(notice, AccountChanged):
                    seen.append(notice.status.state)
            return service.account_status("telegram:me").state == "rate_limited"

        await until(rate_limited, "a rate-limited status")
    status = service.account_status("telegram:me")
    assert status.until is not None and status.reason
    assert status.label.startswith("rate-limited until ")
    assert {"starting", "polling", "rate_limited"} <= set(seen)

    mocks.control("telegram", "faults", {"seed": 5, "rate": 1.0, "kinds": ["500"]})
    await until(lambda: service.account_status("telegram:me").state == "retrying", "retrying")
    retrying = service.account_status("telegram:me")
    assert retrying.retries >= 1 and retrying.label == f"retrying ({retrying.retries})"
    mocks.control("telegram", "faults", method="DELETE")
    await until(lambda: service.account_status("telegram:me").state == "polling", "recovery")


async def test_a_send_only_account_with_a_proxy_says_so(
    mocks: MockKit, make_service: MakeService
) -> None:
    token = mocks.bot("bale")
    parts = mocks.parts("bale", "shop", token, receive=False)
    # Only the status is under test: the client itself goes direct to the mock.
    service = await make_service(replace(parts, proxy="socks5://user:secret@127.0.0.1:1080"))
    (status,) = await service.wait_ready()
    assert status.state == "send_only" and not status.receive
    assert status.proxy == "socks5://user:***@127.0.0.1:1080"
    assert status.label == "send-only · proxy in use"
    assert [r["api_method"] for r in mocks.requests("bale", token)] == ["getMe"]


async def test_files_go_through_the_outbox(
    mocks: MockKit, make_service: MakeService, tmp_path: Path
) -> None:
    token = mocks.bot("bale")
    eitaa = mocks.bot("eitaa", "News", "news_bot", channels=["gol_news"])
    service = await make_service(
        mocks.parts("bale", "shop", token), mocks.parts("eitaa", "news", eitaa)
    )
    chat, _ = mocks.inbound("bale", token, "send me the invoice")
    await until(lambda: service.chat("bale:shop", chat), "the chat")
    invoice = tmp_path / "فاکتور.txt"
    invoice.write_bytes("جمع: ۱۲۰٬۰۰۰ تومان\n".encode() * 200)
    items = await service.send_file("bale:shop", chat, invoice, caption="فاکتور شما")
    (sent,) = await service.settle([items[0].client_uuid])
    assert sent.state == "sent" and sent.op == "file"
    last = mocks.chat("bale", token, chat)["messages"][-1]
    assert last["text"] == "فاکتور شما" and last["file"]["size"] == invoice.stat().st_size
    with pytest.raises(Refused, match="not a file"):
        await service.send_file("bale:shop", chat, tmp_path / "missing.pdf")
    channel = await service.resolve_chat("eitaa:news", "@gol_news")
    posted = await service.send_file("eitaa:news", channel.chat_id, invoice)
    assert [i.state for i in await service.settle([posted[0].client_uuid])] == ["sent"]
    assert mocks.chat("eitaa", eitaa, channel.chat_id)["messages"][-1]["file"]["name"] == (
        "فاکتور.txt"
    )
