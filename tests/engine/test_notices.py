"""The change-notice hub."""

from __future__ import annotations

import asyncio

from tui.engine.notices import ChangeNotice, NoticeHub


async def test_every_subscriber_gets_every_notice_in_order() -> None:
    hub = NoticeHub()
    got: dict[str, list[ChangeNotice]] = {"a": [], "b": []}

    async def listen(name: str, n: int) -> None:
        async for notice in hub.subscribe():
            got[name].append(notice)
            if len(got[name]) == n:
                return

    tasks = [asyncio.create_task(listen("a", 3)), asyncio.create_task(listen("b", 3))]
    await asyncio.sleep(0)
    assert hub.subscribers == 2
    sent = [ChangeNotice("messages", "bale:x", frozenset({str(i)})) for i in range(3)]
    for notice in sent:
        hub.publish(notice)
    await asyncio.gather(*tasks)
    assert got == {"a": sent, "b": sent}
    assert hub.subscribers == 0


async def test_a_subscriber_that_falls_behind_gets_one_resync() -> None:
    hub = NoticeHub(maxsize=3)
    stream = hub.subscribe()
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)  # subscribed, waiting
    hub.publish(ChangeNotice("messages", "bale:x"))
    assert (await first).topic == "messages"
    for i in range(10):  # nobody reads: the backlog overflows
        hub.publish(ChangeNotice("messages", "bale:x", frozenset({str(i)})))
    assert (await anext(stream)).topic == "resync"
    hub.publish(ChangeNotice("outbox", "bale:x"))
    assert (await anext(stream)).topic == "outbox"  # the stale backlog was dropped
    await stream.aclose()
    assert hub.subscribers == 0
