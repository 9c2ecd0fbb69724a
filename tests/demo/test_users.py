"""The simulated users: their messages reach the store through the real path (control API over
HTTP → the bot's update queue → the account's sync loop → a service notice), they answer the
user's own messages, they run in a thread that stops cleanly, and ``quiet`` means none."""

from __future__ import annotations

import asyncio
import threading

from tests.demo.conftest import SHORT_HISTORY, mounts, next_change, until
from tui.demo.runtime import Demo, start_demo
from tui.demo.users import SimulatedUsers


def running(users: SimulatedUsers) -> bool:
    """Whether the users' thread runs (a function, so that type checkers re-read it)."""
    return users.running


async def test_what_they_write_arrives_through_sync(quiet_demo: Demo) -> None:
    demo = quiet_demo
    users = SimulatedUsers(demo.world, mounts(demo), seed=3)
    service = demo.service
    updates = service.subscribe()
    await service.start()
    try:
        await service.wait_ready()
        for key in ("bale.sara", "rubika.family", "splus.niloufar", "telegram.python"):
            chat = demo.world.chats[key]
            action = await asyncio.to_thread(users.step, key, "new")
            notice = await next_change(updates, chat.account, chat.store_id, action.message_id)
            assert notice.live
            assert notice.incoming
            stored = await service.message(chat.account, chat.store_id, action.message_id)
            assert stored is not None
            assert stored.text == action.text
            assert stored.sender is not None
            assert stored.sender.name == action.sender

        python = demo.world.chats["telegram.python"]
        edit = await asyncio.to_thread(users.step, python.key, "edit")
        notice = await next_change(updates, python.account, python.store_id, edit.message_id)
        assert edit.message_id in notice.edited
        stored = await service.message(python.account, python.store_id, edit.message_id)
        assert stored is not None
        assert stored.text == edit.text
        assert stored.edited_at is not None

        family = demo.world.chats["rubika.family"]
        gone = await asyncio.to_thread(users.step, family.key, "delete")
        notice = await next_change(updates, family.account, family.store_id, gone.message_id)
        assert gone.message_id in notice.deleted
        stored = await service.message(family.account, family.store_id, gone.message_id)
        assert stored is not None
        assert stored.deleted
    finally:
        await service.stop()
        users.stop()


async def test_they_answer_the_users_messages(quiet_demo: Demo) -> None:
    demo = quiet_demo
    users = SimulatedUsers(demo.world, mounts(demo), seed=4, answer_after_s=(0.0, 0.0))
    await asyncio.to_thread(users.look_for_own, answer=False)  # what start() does first
    service = demo.service
    updates = service.subscribe()
    await service.start()
    try:
        await service.wait_ready()
        sara = demo.world.chats["bale.sara"]
        items = await service.send_text(sara.account, sara.store_id, "سفارشتون فردا می‌رسه 🌹")
        (sent,) = await service.settle([i.client_uuid for i in items])
        assert sent.state == "sent"
        found: set[str] = set()

        async def both() -> bool:
            found.update(await asyncio.to_thread(users.look_for_own))
            return {"bale.sara", "bale.maryam"} <= found  # Maryam's: queued at start

        deadline = asyncio.get_running_loop().time() + 30
        while not await both():
            assert asyncio.get_running_loop().time() < deadline, "no own message seen"
            await asyncio.sleep(0.05)
        answers = {a.chat: a for a in await asyncio.to_thread(users.answer_now)}
        answer = answers["bale.sara"]
        assert answer.kind == "answer"
        await next_change(updates, sara.account, sara.store_id, answer.message_id)
        stored = await service.message(sara.account, sara.store_id, answer.message_id)
        assert stored is not None
        assert stored.reply_to == sent.server_msg_id
        assert stored.text in sara.answers
    finally:
        await service.stop()
        users.stop()


async def test_the_thread_writes_until_stopped(quiet_demo: Demo) -> None:
    demo = quiet_demo
    users = SimulatedUsers(demo.world, mounts(demo), interval_s=(0.01, 0.02), first_after_s=0.0)
    await asyncio.to_thread(users.start)
    assert running(users)
    await until(lambda: len(users.actions) >= 5, "five simulated actions")
    await asyncio.to_thread(users.stop)
    assert not running(users)
    assert not any(t.name == "payam-demo-users" for t in threading.enumerate())
    assert users.errors == 0
    written = [a for a in users.actions if a.kind in ("new", "reply")]
    assert written
    for action in written[:3]:  # they are at the mock, as messages from those people
        chat = demo.world.chats[action.chat]
        mw = demo.world.world[chat.messenger]
        bot = mw.bot(demo.world.accounts[chat.account].token)
        assert bot is not None
        held = [str(mw.ids.to_wire(m)) for m in bot.dialogs[chat.chat_id].messages]
        assert action.message_id in held


def test_quiet_means_nobody_writes() -> None:
    with start_demo(quiet=True, history_size=SHORT_HISTORY) as demo:
        assert demo.users is None
        assert not any(t.name == "payam-demo-users" for t in threading.enumerate())
        assert "off (--quiet)" in demo.banner()
    with start_demo(quiet=False, history_size=SHORT_HISTORY) as demo:
        assert demo.users is not None
        assert running(demo.users)
    assert not running(demo.users)
