"""The seeded world itself: deterministic per seed, complete, and shaped as promised."""

from __future__ import annotations

from adapters.mock import MockClock
from adapters.models import MessageNew
from tests.text import corpus
from tui.demo import tricky
from tui.demo.history import SIZE, TAIL
from tui.demo.world import build_world, describe

T0 = 1_750_000_000.0


def test_same_seed_same_world() -> None:
    first = describe(build_world(5, history_size=400))
    again = describe(build_world(5, history_size=400))
    other = describe(build_world(6, history_size=400))
    assert first == again
    assert first != other


def test_the_demo_and_the_rtl_tests_share_one_set_of_tricky_strings() -> None:
    assert tricky.CASES is corpus.CASES
    assert tricky.LONG is corpus.LONG
    assert [c[0] for c in tricky.CASES] == [f"P{i:02d}" for i in range(1, 51)]


def test_every_messenger_and_the_promised_chats() -> None:
    demo = build_world(history_size=400)
    assert {a.messenger for a in demo.accounts.values()} == {
        "bale",
        "eitaa",
        "rubika",
        "splus",
        "telegram",
    }
    chats = demo.chats
    assert len(chats) >= 12
    kinds = {c.key: c.kind for c in chats.values()}
    assert sum(1 for k in kinds if k.startswith("bale.") and kinds[k] == "private") >= 4
    assert kinds["rubika.family"] == "group"
    assert kinds["eitaa.news"] == "channel"
    assert kinds["telegram.python"] == "group"
    assert kinds["telegram.arash"] == "private"
    assert any(c.pinned for c in chats.values())
    assert any(c.muted for c in chats.values())
    assert sum(1 for c in chats.values() if c.unread) >= 5
    assert {o.state for o in demo.own} == {"sent", "failed", "unknown", "queued"}
    assert not demo.world["eitaa"].spec.receives  # nobody can write to an Eitaa bot
    # Simulated users edit where bots hear of edits, and delete only where they hear of that.
    assert {c.messenger for c in chats.values() if c.deletes_emitted} == {"rubika"}
    assert all(c.edits_emitted == c.receives for c in chats.values())


def test_edits_deletions_replies_and_files_are_in_the_mock() -> None:
    demo = build_world(history_size=400)
    rubika = demo.world["rubika"]
    family = demo.chats["rubika.family"]
    bot = rubika.bot(demo.accounts[family.account].token)
    assert bot is not None
    held = list(bot.dialogs[family.chat_id].messages.values())
    assert any(m.deleted for m in held)
    assert any(m.edit_date is not None for m in held)
    assert any(m.reply_to is not None for m in held)
    files = [
        m.file.kind
        for name in demo.world
        for b in demo.world[name].bots.values()
        for d in b.dialogs.values()
        for m in d.messages.values()
        if m.file is not None
    ]
    assert "photo" in files
    assert "document" in files


def test_the_long_history_reads_like_months_of_a_group() -> None:
    demo = build_world(history_size=SIZE, clock=MockClock(T0))
    (history,) = demo.histories
    messages = [e.message for e in history.events if isinstance(e, MessageNew)]
    assert len(messages) == len(history.events) == SIZE - TAIL
    dates = [m.date.timestamp() for m in messages]
    assert dates == sorted(dates)
    assert dates[-1] - dates[0] > 200 * 86400
    assert all(d < T0 for d in dates)
    ids = [int(m.id) for m in messages]
    assert ids == list(range(1, len(messages) + 1))
    assert all(int(m.reply_to) < int(m.id) for m in messages if m.reply_to)
    persian = sum(1 for m in messages if any("\u0600" <= ch <= "\u06ff" for ch in m.text))
    english_only = sum(1 for m in messages if m.text.isascii())
    assert persian > SIZE // 3
    assert english_only > SIZE // 20
    assert len({m.text for m in messages}) > 500
    assert any(s.kind == "code" for m in messages for s in m.spans)
    assert any(s.kind == "link" and s.url for m in messages for s in m.spans)
    chat = demo.chats[history.chat]
    senders = {m.sender.id for m in messages if m.sender is not None}
    assert {p["id"] for p in chat.people} < senders  # the members, and the account itself
    # The mock numbers the chat's next message after the history, so nothing collides.
    bot = demo.world["telegram"].bot(demo.accounts[chat.account].token)
    assert bot is not None
    live = list(bot.dialogs[chat.chat_id].messages)
    assert [int(i) for i in live] == list(range(SIZE - TAIL + 1, SIZE + 1))
