"""What the seeded store holds before the UI starts: every tricky string, the planned unread
counts and settings, own messages in every delivery state, and the 20,000-message chat."""

from __future__ import annotations

from tests.demo.conftest import open_store, texts
from tui.demo import tricky
from tui.demo.history import SIZE
from tui.demo.runtime import Demo, start_demo


def test_every_tricky_string_reaches_the_store_unchanged(quiet_demo: Demo) -> None:
    store = open_store(quiet_demo)
    try:
        held = texts(store)
    finally:
        store.close()
    missing = [cid for cid, _, text in tricky.CASES if text not in held]
    assert missing == []
    assert tricky.LONG in held


def test_the_inbox_is_as_planned(quiet_demo: Demo) -> None:
    store = open_store(quiet_demo)
    try:
        rows = {(r.account, r.chat_id): r for r in store.inbox()}
        for chat in quiet_demo.world.chats.values():
            row = rows[(chat.account, chat.store_id)]
            assert row.unread == chat.unread, chat.key
            assert row.state.pinned == chat.pinned, chat.key
            assert row.state.muted == chat.muted, chat.key
            assert row.state.draft == chat.draft, chat.key
            assert row.title == chat.title, chat.key
        assert len(rows) == len(quiet_demo.world.chats)  # no stray chats
    finally:
        store.close()


def test_messages_carry_what_the_ui_must_show(quiet_demo: Demo) -> None:
    demo = quiet_demo
    store = open_store(demo)
    try:

        def page(key: str) -> list:  # type: ignore[type-arg]
            chat = demo.world.chats[key]
            return list(store.page(chat.account, chat.store_id, limit=200).messages)

        deliveries = {
            m.delivery for key in demo.world.chats for m in page(key) if m.outgoing and m.delivery
        }
        assert {"sent", "failed", "unknown", "queued"} <= deliveries

        family = page("rubika.family")
        assert any(m.deleted for m in family)
        assert any(m.edited_at is not None for m in family)
        assert any(m.sender is not None and m.sender.name == "پدربزرگ" for m in family)
        ids = {m.msg_id for m in family}
        assert any(m.reply_to in ids for m in family)

        python = page("telegram.python")
        by_id = {m.msg_id: m for m in python}
        chain = [m for m in python if m.reply_to in by_id]
        assert any(by_id[m.reply_to].reply_to for m in chain)  # a reply to a reply
        assert any(m.outgoing and m.reply_to in by_id for m in python)

        kinds = {s.kind for key in demo.world.chats for m in page(key) for s in m.spans}
        assert {"bold", "italic", "code", "link"} <= kinds
        # Bale formats by markers in the text: the adapter turned *فوری* into a bold span.
        urgent = next(m for m in page("bale.fatemeh") if m.text.startswith("فوری"))
        assert [(s.start, s.end, s.kind) for s in urgent.spans] == [(0, 4, "bold")]

        files = [a for key in demo.world.chats for m in page(key) for a in m.attachments]
        assert {"photo", "document"} <= {a.kind for a in files}
        receipt = next(m for m in page("bale.fatemeh") if m.text == tricky.text("P31"))
        assert [a.kind for a in receipt.attachments] == ["photo"]
    finally:
        store.close()


def test_the_long_chat_is_there_and_pages_by_keyset() -> None:
    with start_demo(quiet=True) as demo:
        chat = demo.world.chats["telegram.python"]
        store = open_store(demo)
        try:
            pk = store.query(
                "SELECT c.id FROM chats c JOIN accounts a ON a.id = c.account "
                "WHERE a.key = ? AND c.chat_id = ?",
                (chat.account, chat.store_id),
            )[0][0]
            assert store.query("SELECT count(*) FROM messages WHERE chat = ?", (pk,)) == [(SIZE,)]
            (deep,) = store.query(
                "SELECT id FROM messages WHERE chat = ? ORDER BY id DESC LIMIT 1 OFFSET 15000",
                (pk,),
            )[0]
            older = store.page(chat.account, chat.store_id, before=deep, limit=50)
            ids = [m.id for m in older.messages]
            assert len(ids) == 50
            assert ids == sorted(ids)
            assert ids[-1] < deep
            assert older.has_older
            assert older.has_newer
            expected = store.query(
                "SELECT id FROM messages WHERE chat = ? AND id < ? ORDER BY id DESC LIMIT 50",
                (pk, deep),
            )
            assert ids == [r[0] for r in reversed(expected)]
            newer = store.page(chat.account, chat.store_id, after=ids[-1], limit=50)
            assert newer.messages[0].id == deep
            assert [m.id for m in newer.messages] == sorted(m.id for m in newer.messages)
            # The account's own lines in the history count as its own.
            info = store.account(chat.account)
            assert info is not None
            own = store.query(
                "SELECT count(*), min(sender_id), max(sender_id) FROM messages "
                "WHERE chat = ? AND outgoing = 1 AND sender_id IS NOT NULL",
                (pk,),
            )[0]
            assert own[0] > 100
            assert own[1] == own[2] == info.self_id
        finally:
            store.close()
