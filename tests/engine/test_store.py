"""The store: ingest semantics, inbox, keyset pages, per-chat state, search, accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.models import (
    Attachment,
    Batch,
    ChatRef,
    ChatSeen,
    FileRef,
    Message,
    MessageDeleted,
    MessageEdited,
    MessageNew,
    Sender,
    Span,
    Unparsed,
)
from tui.engine.store import Store, StoreError

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)
ACC = "bale:shop"
ALI = Sender("7", "علی")


def msg(mid: str, text: str, *, chat: str = "100", at: int = 0, **kw: object) -> Message:
    return Message(mid, chat, T0 + timedelta(seconds=at), ALI, text, **kw)  # type: ignore[arg-type]


def new(mid: str, text: str, *, chat: str = "100", at: int = 0, **kw: object) -> MessageNew:
    return MessageNew(
        ChatRef(chat, "group", f"گروه {chat}"), msg(mid, text, chat=chat, at=at, **kw)
    )


def apply(store: Store, *events: object, cursor: str = "1", account: str = ACC) -> None:
    store.apply_batch(account, Batch(tuple(events), cursor), now=T0)  # type: ignore[arg-type]


def texts(store: Store, chat: str = "100") -> list[str]:
    return [m.text for m in store.page(ACC, chat).messages]


def test_text_is_stored_exactly_as_received(store: Store) -> None:
    raw = "كتاب\u200cها \u202eevil\u202c \x1b[2J ﻻ"
    apply(store, new("1", raw))
    assert texts(store) == [raw]


def test_a_redelivered_batch_changes_nothing(store: Store) -> None:
    batch = (new("1", "a"), new("2", "b", at=1))
    apply(store, *batch, cursor="3")
    before = store.inbox()[0]
    result = store.apply_batch(ACC, Batch(batch, "3"), now=T0)
    assert (result.new, result.duplicates) == (0, 2)
    assert texts(store) == ["a", "b"]
    assert store.inbox()[0].unread == before.unread == 2


def test_edits_update_in_place_and_keep_edited_at(store: Store) -> None:
    apply(store, new("1", "اول"))
    original = store.page(ACC, "100").messages[0]
    later = T0 + timedelta(minutes=5)
    apply(store, MessageEdited(ChatRef("100"), msg("1", "دوم", edited_at=later)))
    (edited,) = store.page(ACC, "100").messages
    assert (edited.id, edited.text, edited.edited_at) == (original.id, "دوم", later)
    assert [h.message.text for h in store.search("دوم")] == ["دوم"]
    assert store.search("اول") == []


def test_a_replayed_older_edit_does_not_undo_a_newer_one(store: Store) -> None:
    apply(store, new("1", "v0"))
    e1 = MessageEdited(ChatRef("100"), msg("1", "v1", edited_at=T0 + timedelta(minutes=1)))
    e2 = MessageEdited(ChatRef("100"), msg("1", "v2", edited_at=T0 + timedelta(minutes=2)))
    apply(store, e1, e2)
    apply(store, e1)
    assert texts(store) == ["v2"]


def test_an_edit_of_an_unknown_message_keeps_it(store: Store) -> None:
    apply(store, MessageEdited(ChatRef("100"), msg("9", "late", edited_at=T0)))
    (m,) = store.page(ACC, "100").messages
    assert (m.msg_id, m.text, m.edited_at) == ("9", "late", T0)


def test_deletes_mark_and_leave_the_search_index(store: Store) -> None:
    apply(store, new("1", "پاک‌شدنی"), new("2", "ماندنی", at=1))
    apply(store, MessageDeleted(ChatRef("100"), "1"))
    first, second = store.page(ACC, "100").messages
    assert first.deleted and first.text == "پاک‌شدنی"  # kept, marked
    assert not second.deleted
    assert store.search("پاک") == []
    assert store.inbox()[0].unread == 1


def test_spans_and_attachments_come_back_with_the_message(store: Store) -> None:
    span = Span(0, 4, "link", url="https://example.org")
    file = FileRef("f1", "سند.pdf", 1234, "application/pdf", "u1")
    apply(store, new("1", "سلام دنیا", spans=(span,), attachments=(Attachment("document", file),)))
    (m,) = store.page(ACC, "100").messages
    assert m.spans == (span,)
    assert m.attachments[0].file == file
    assert m.attachments[0].local_path is None
    found = store.attachment(m.attachments[0].id)
    assert found is not None and found[:2] == (ACC, "100")


def test_poison_and_unstorable_events_go_to_quarantine_and_the_rest_is_stored(
    store: Store,
) -> None:
    result = store.apply_batch(
        ACC,
        Batch(
            (
                new("1", "ok"),
                Unparsed(b"\xff{", "bad json", "5"),
                new("2", "bad \ud800", at=1),
                new("3", "ok too", at=2),
            ),
            "6",
        ),
        now=T0,
    )
    assert (result.new, result.quarantined) == (2, 2)
    assert texts(store) == ["ok", "ok too"]
    assert store.account(ACC).cursor == "6"  # type: ignore[union-attr]
    q = store.quarantined(ACC)
    assert [x.raw for x in q if x.cursor_hint == "5"] == [b"\xff{"]
    assert any(b"\\ud800" in x.raw and "UnicodeEncodeError" in x.error for x in q)
    assert store.inbox()[0].unread == 2


def test_chat_titles_are_never_blanked_by_id_only_updates(store: Store) -> None:
    apply(store, new("1", "a"))
    apply(store, MessageNew(ChatRef("100"), msg("2", "b", at=1)), ChatSeen(ChatRef("100")))
    assert store.inbox()[0].title == "گروه 100"
    apply(store, ChatSeen(ChatRef("100", "group", "نام تازه", "newname")))
    entry = store.inbox()[0]
    assert (entry.title, entry.username) == ("نام تازه", "newname")


def test_own_messages_are_not_unread(store: Store) -> None:
    store.set_identity(ACC, "7", "bot")
    apply(store, new("1", "from me"))
    (m,) = store.page(ACC, "100").messages
    assert m.outgoing and store.inbox()[0].unread == 0


def test_inbox_is_newest_first_with_pins_on_top_and_filters(store: Store) -> None:
    apply(
        store,
        new("1", "old", chat="a"),
        new("2", "mid", chat="b", at=10),
        new("3", "new", chat="c", at=20),
    )
    apply(store, new("1", "tg", chat="z", at=5), account="telegram:me")
    assert [e.chat_id for e in store.inbox()] == ["c", "b", "z", "a"]
    store.set_chat_state(ACC, "a", pinned=True)
    assert [e.chat_id for e in store.inbox()] == ["a", "c", "b", "z"]
    assert [e.chat_id for e in store.inbox(messengers=["telegram"])] == ["z"]
    assert [e.chat_id for e in store.inbox(accounts=[ACC], limit=2)] == ["a", "c"]
    store.mark_read(ACC, "c")
    assert "c" not in [e.chat_id for e in store.inbox(unread_only=True)]
    entry = store.inbox()[1]
    assert (entry.preview, entry.preview_sender, entry.unread) == ("new", "علی", 0)


def test_pages_are_keyset_and_ordered_by_date_not_arrival(store: Store) -> None:
    apply(store, *[new(str(i), f"m{i}", at=i) for i in range(0, 120, 2)])
    apply(store, new("late", "m61", at=61))  # arrives last, dated in the middle
    first = store.page(ACC, "100", limit=50)
    assert first.has_older and not first.has_newer
    assert first.messages[-1].text == "m118"
    older = store.page(ACC, "100", before=first.messages[0].id, limit=50)
    every = [m.text for m in (*older.messages, *first.messages)]
    assert every == sorted(every, key=lambda t: int(t[1:]))
    assert len(every) == 61 and not older.has_older and older.has_newer
    assert store.page(ACC, "100", before=older.messages[0].id).messages == ()
    newer = store.page(ACC, "100", after=older.messages[-1].id, limit=5)
    assert [m.text for m in newer.messages] == every[11:16]
    assert newer.has_older and newer.has_newer


def test_messages_in_the_same_millisecond_keep_arrival_order(store: Store) -> None:
    apply(store, *[new(str(i), f"x{i}") for i in range(30)])
    assert texts(store) == [f"x{i}" for i in range(30)]


def test_per_chat_state_round_trips(store: Store) -> None:
    apply(store, new("1", "a"))
    assert store.chat_state(ACC, "100").direction is None
    state = store.set_chat_state(ACC, "100", direction="rtl", muted=True, draft="پیش‌نویس")
    assert (state.direction, state.muted, state.pinned, state.draft) == (
        "rtl",
        True,
        False,
        "پیش‌نویس",
    )
    state = store.set_chat_state(ACC, "100", muted=False)
    assert (state.direction, state.muted) == ("rtl", False)
    with pytest.raises(StoreError):
        store.chat_state(ACC, "nope")


def test_mark_read_moves_the_marker_and_recounts(store: Store) -> None:
    apply(store, *[new(str(i), f"m{i}", at=i) for i in range(5)])
    page = store.page(ACC, "100")
    assert store.mark_read(ACC, "100", page.messages[2].id) == 2
    assert store.mark_read(ACC, "100", page.messages[0].id) == 2  # never moves back
    apply(store, new("9", "new", at=9))
    assert store.inbox()[0].unread == 3
    assert store.mark_read(ACC, "100") == 0


def test_search_is_newest_first_across_accounts_with_snippets(store: Store) -> None:
    apply(store, new("1", "كتاب قدیمی", chat="a", at=0), new("2", "بدون", chat="a", at=5))
    apply(store, new("1", "کتاب‌های تازه", chat="z", at=30), account="telegram:me")
    apply(store, new("3", "يك كتاب ميانه", chat="b", at=10))
    hits = store.search("کتاب")
    assert [(h.message.account, h.message.text) for h in hits] == [
        ("telegram:me", "کتاب‌های تازه"),
        (ACC, "يك كتاب ميانه"),
        (ACC, "كتاب قدیمی"),
    ]
    assert hits[1].chat_title == "گروه b"
    text = hits[1].message.text
    assert [text[s:e] for s, e in hits[1].snippet.highlights] == ["كتاب"]
    assert [h.message.text for h in store.search("یک کتاب")] == ["يك كتاب ميانه"]
    assert [h.message.text for h in store.search("کتاب", accounts=[ACC])] == [
        "يك كتاب ميانه",
        "كتاب قدیمی",
    ]
    assert [h.message.text for h in store.search("کتاب", chat=(ACC, "a"))] == ["كتاب قدیمی"]
    page2 = store.search("کتاب", before=hits[0].message.id, limit=1)
    assert [h.message.text for h in page2] == ["يك كتاب ميانه"]
    assert store.search("کتابهای", prefix=False)[0].message.text == "کتاب‌های تازه"
    assert store.search('"') == []


def test_two_connections_see_each_others_commits(db_path: Path) -> None:
    a, b = Store(db_path), Store(db_path)
    version = b.data_version()
    apply(a, new("1", "from a"))
    assert b.data_version() != version
    assert [m.text for m in b.page(ACC, "100").messages] == ["from a"]
    a.close()
    b.close()


def test_remove_account_forgets_everything(store: Store) -> None:
    apply(store, new("1", "کتاب"))
    apply(store, new("1", "کتاب", chat="x"), account="telegram:me")
    assert store.remove_account(ACC)
    assert not store.remove_account(ACC)
    assert [h.message.account for h in store.search("کتاب")] == ["telegram:me"]
    assert store.query("SELECT count(*) FROM messages") == [(1,)]


def test_backup_is_a_consistent_copy(store: Store, tmp_path: Path) -> None:
    apply(store, new("1", "نسخه"))
    store.backup(tmp_path / "copy.db")
    with Store(tmp_path / "copy.db") as copy:
        assert [m.text for m in copy.page(ACC, "100").messages] == ["نسخه"]


def test_account_names_are_checked(store: Store) -> None:
    with pytest.raises(StoreError):
        store.ensure_account("nocolon")
    assert store.ensure_account("bale:x") == store.ensure_account("bale:x")


def test_prefix_search_with_many_completions_falls_back_to_native_prefix(store: Store) -> None:
    words = [f"ka{chr(0x61 + i // 26)}{chr(0x61 + i % 26)}" for i in range(80)]
    apply(store, *[new(str(i), w, at=i) for i, w in enumerate(words)])
    assert [h.message.text for h in store.search("ka", limit=100)] == words[::-1]
    assert [h.message.text for h in store.search("kab")] == [w for w in words if w[2] == "b"][::-1]
    assert store.search("kz") == []
    assert [h.message.text for h in store.search("kaa", prefix=False)] == []
