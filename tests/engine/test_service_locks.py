"""One poller per account across processes, 409 stops, and a refused keyring — as statuses."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.backends.null
import pytest

from adapters.mock import ThreadedMockServer
from tests.cli.mockkit import MockKit, until
from tui.engine.runtime import AccountParts, parts_from_config
from tui.engine.service import Service, ServiceOptions
from tui.engine.service_types import AccountUnavailable
from tui.settings.schema import AccountConfig, Config

MakeService = Callable[..., Awaitable[Service]]
HOLD_LOCK = """
import sys
from pathlib import Path
from tui.engine.locks import AccountLock
lock = AccountLock(Path(sys.argv[1]), sys.argv[2], "poll")
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def mocks() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=13) as server:
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
        await service.wait_ready()
        return service

    yield make
    for service in made:
        await service.stop()


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[str]]]:
    """Another process that holds an account's poll lock until its stdin closes."""
    procs: list[subprocess.Popen[str]] = []

    def hold(account: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "locks"), account],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        return proc

    yield hold
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def get_updates(mocks: MockKit, messenger: str, token: str) -> int:
    return sum(1 for r in mocks.requests(messenger, token) if r["api_method"] == "getUpdates")


async def test_an_account_polled_by_another_process_is_not_polled_here(
    mocks: MockKit,
    make_service: MakeService,
    holder: Callable[[str], subprocess.Popen[str]],
) -> None:
    token = mocks.bot("bale")
    chat, _ = mocks.inbound("bale", token, "hello")
    other = holder("bale:shop")
    service = await make_service(mocks.parts("bale", "shop", token), lock_retry_s=0.05)
    status = service.account_status("bale:shop")
    assert status.state == "polling_elsewhere" and status.holder_pid == other.pid
    assert status.label == f"polling elsewhere (pid {other.pid})"
    assert get_updates(mocks, "bale", token) == 0
    # Sending still works beside the poller (the send lock is free: this process delivers).
    await service.ensure_chat_info("bale:shop", chat)
    items = await service.send_text("bale:shop", chat, "answer from the second process")
    assert [i.state for i in await service.settle([items[0].client_uuid])] == ["sent"]
    assert get_updates(mocks, "bale", token) == 0

    assert other.stdin is not None
    other.stdin.close()  # the poller ends: this process takes the account over
    other.wait()
    await until(lambda: service.account_status("bale:shop").state == "polling", "the takeover")
    await until(lambda: service.chat("bale:shop", chat).unread == 1, "the waiting message")  # type: ignore[union-attr]
    assert get_updates(mocks, "bale", token) >= 1


async def test_without_take_over_the_account_stays_with_the_other_process(
    mocks: MockKit,
    make_service: MakeService,
    holder: Callable[[str], subprocess.Popen[str]],
) -> None:
    token = mocks.bot("telegram")
    other = holder("telegram:me")
    service = await make_service(mocks.parts("telegram", "me", token), take_over=False)
    assert service.account_status("telegram:me").holder_pid == other.pid
    assert service.runners["telegram:me"].loop is None  # nothing polls here, nor will


async def test_a_409_stops_the_account_at_once(mocks: MockKit, make_service: MakeService) -> None:
    token = mocks.bot("telegram")
    service = await make_service(mocks.parts("telegram", "me", token))
    runner = service.runners["telegram:me"]
    await until(lambda: get_updates(mocks, "telegram", token) >= 1, "the first long poll")
    url = f"{mocks.base('telegram')}/bot{token}/getUpdates"
    with httpx.Client(trust_env=False) as rival:
        # Another client's getUpdates terminates ours with 409 (Telegram's behaviour); ours
        # may be between two polls, so the rival asks until the service has stopped.
        def rival_polls() -> bool:
            rival.post(url, json={"timeout": 0})
            return service.account_status("telegram:me").state == "conflict"

        await until(rival_polls, "the conflict")
    status = service.account_status("telegram:me")
    assert "409" in status.reason and status.failed
    await until(lambda: runner.loop is not None and not runner.loop.running, "the loop's end")
    info = await service.account_info("telegram:me")
    assert info is not None and info.status == "stopped" and "409" in info.status_reason


async def test_a_refused_keyring_is_a_status_not_a_crash(
    mocks: MockKit, make_service: MakeService, tmp_path: Path
) -> None:
    keyring.set_keyring(keyring.backends.null.Keyring())  # type: ignore[no-untyped-call]
    account = AccountConfig("bale", "shop", base_url=mocks.base("bale"))
    config = Config(path=tmp_path / "config.toml", exists=True, accounts=(account,))
    service = await make_service(parts_from_config(account, config))
    status = service.account_status("bale:shop")
    assert status.state == "token_unavailable" and "keyring refused" in status.reason
    assert status.capabilities is not None  # the adapter class loaded; only the token is missing
    assert service.inbox() == []  # the rest of the service works
    with pytest.raises(AccountUnavailable, match="keyring refused"):
        await service.send_text("bale:shop", "1", "hi")


async def test_a_send_queued_beside_the_deliverer_is_sent_by_it(
    mocks: MockKit, make_service: MakeService, tmp_path: Path
) -> None:
    token = mocks.bot("bale")
    chat, _ = mocks.inbound("bale", token, "hello")
    tui = await make_service(mocks.parts("bale", "shop", token))  # polls and delivers
    await until(lambda: tui.chat("bale:shop", chat), "the chat")
    assert tui.account_status("bale:shop").delivering == "here"
    # `payam send` beside it: its own store connection, the same data dir and locks.
    cli = await make_service(mocks.parts("bale", "shop", token), poll=False)
    assert cli.account_status("bale:shop").delivering == "elsewhere"
    await cli.ensure_chat_info("bale:shop", chat)
    items = await cli.send_text("bale:shop", chat, "queued here, sent there")
    (done,) = await cli.settle([items[0].client_uuid])
    assert done.state == "sent"
    assert mocks.texts("bale", token, chat) == ["hello", "queued here, sent there"]
    assert tui.outbox.delivering == {"bale:shop"} and cli.outbox.delivering == set()
