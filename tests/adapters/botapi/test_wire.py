"""Wire JSON -> models: messages, attachments, chats, update kinds per dialect, poison updates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.bale import wire as bale_wire
from adapters.botapi import wire
from adapters.models import ChatSeen, Message, MessageEdited, MessageNew, Span, Unparsed
from adapters.splus import wire as splus_wire
from adapters.telegram import wire as telegram_wire

from .scripted import message, user


def text_of(page: wire.UpdatesPage, n: int = 0) -> Message:
    event = page.events[n]
    assert isinstance(event, MessageNew)
    return event.message


def one(update: dict[str, Any], dialect: wire.WireDialect = telegram_wire.DIALECT) -> Any:
    page = wire.updates_to_events([update], dialect)
    assert len(page.events) == 1
    return page.events[0]


def test_text_message_to_model() -> None:
    event = one({"update_id": 501, "message": message(reply_to_message=message(70, "قبلی"))})
    assert isinstance(event, MessageNew)
    m = event.message
    assert (m.id, m.chat_id, m.text, m.reply_to) == ("77", "987654321", "سلام", "70")
    assert m.date == datetime(2025, 1, 1, 11, 13, 20, tzinfo=UTC)
    assert m.sender is not None and m.sender.name == "سارا کریمی" and m.sender.id == "987654321"
    assert m.edited_at is None and m.attachments == ()
    assert event.chat.kind == "private" and event.chat.title == "سارا"


@pytest.mark.parametrize(
    ("wire_type", "kind"),
    [("private", "private"), ("group", "group"), ("supergroup", "group"), ("channel", "channel")],
)
def test_chat_kinds(wire_type: str, kind: str) -> None:
    chat = {"id": -1001234, "type": wire_type, "title": "گروه", "username": "grp"}
    event = one({"update_id": 1, "message": message(chat=chat)})
    assert event.chat.kind == kind and event.chat.id == "-1001234"
    assert event.chat.title == "گروه" and event.chat.username == "grp"


def test_unknown_or_missing_chat_type_is_tolerated() -> None:
    # Ids, dates and message ids must be right; a descriptive field we do not know yet is
    # not worth quarantining a message for.
    for chat in ({"id": 5}, {"id": 5, "type": "sender"}):
        event = one({"update_id": 1, "message": message(chat=chat)})
        assert isinstance(event, MessageNew) and event.chat.kind == "group"


def test_edits_and_channel_posts() -> None:
    channel = {"id": -100777, "type": "channel", "title": "اخبار"}
    post = message(5, "خبر", chat=channel, edit_date=1735730100)
    del post["from"]
    page = wire.updates_to_events(
        [
            {"update_id": 1, "edited_message": message(edit_date=1735730060)},
            {"update_id": 2, "channel_post": post},
            {"update_id": 3, "edited_channel_post": post},
        ],
        telegram_wire.DIALECT,
    )
    first, second, third = page.events
    assert isinstance(first, MessageEdited)
    assert first.message.edited_at == datetime(2025, 1, 1, 11, 14, 20, tzinfo=UTC)
    assert isinstance(second, MessageNew) and second.message.sender is None
    assert second.chat.kind == "channel"
    assert isinstance(third, MessageEdited)


def test_caption_and_every_attachment_kind() -> None:
    photo = [
        {"file_id": "small", "file_unique_id": "u1", "width": 90, "height": 60, "file_size": 900},
        {
            "file_id": "big",
            "file_unique_id": "u2",
            "width": 1280,
            "height": 853,
            "file_size": 90000,
        },
        {"file_id": "mid", "file_unique_id": "u3", "width": 320, "height": 213, "file_size": 9000},
    ]
    media: dict[str, Any] = {
        "photo": photo,
        "caption": "عکس 😀 *ضخیم*",
        "caption_entities": [{"type": "bold", "offset": 7, "length": 6}],
        "document": {"file_id": "d", "file_name": "فاکتور.pdf", "mime_type": "application/pdf"},
        "audio": {"file_id": "a", "duration": 180, "mime_type": "audio/mpeg", "file_size": 5},
        "video": {"file_id": "v", "width": 640, "height": 360, "duration": 9},
        "voice": {"file_id": "o", "duration": 4, "mime_type": "audio/ogg"},
        "sticker": {"file_id": "s", "width": 512, "height": 512},
    }
    event = one({"update_id": 1, "message": message(text=None, **media)})
    m = event.message
    assert m.text == "عکس 😀 *ضخیم*"
    assert [(s.kind, m.text[s.start : s.end]) for s in m.spans] == [("bold", "*ضخیم*")]
    kinds = [a.kind for a in m.attachments]
    assert kinds == ["photo", "audio", "document", "sticker", "video", "voice"]
    photo_att = m.attachments[0]
    assert (photo_att.file.id, photo_att.width, photo_att.file.size) == ("big", 1280, 90000)
    doc = m.attachments[2].file
    assert (doc.name, doc.mime) == ("فاکتور.pdf", "application/pdf")
    assert m.attachments[1].duration_s == 180


def test_animation_is_listed_once() -> None:
    anim = {"file_id": "g", "file_name": "x.mp4", "width": 1, "height": 1, "duration": 1}
    event = one({"update_id": 1, "message": message(text=None, animation=anim, document=anim)})
    assert [a.kind for a in event.message.attachments] == ["animation"]


def test_service_messages_are_chat_seen_not_empty_messages() -> None:
    chat = {"id": -5, "type": "group", "title": "نام تازه"}
    m = message(text=None, chat=chat, new_chat_title="نام تازه")
    assert one({"update_id": 1, "message": m}) == ChatSeen(chat=wire.chat_ref_from_wire(chat))
    member = {"chat": chat, "from": user(), "date": 1, "new_chat_member": {"status": "member"}}
    assert isinstance(one({"update_id": 2, "my_chat_member": member}), ChatSeen)


def test_location_without_text_is_still_a_message() -> None:
    m = message(text=None, location={"latitude": 35.7, "longitude": 51.4})
    assert isinstance(one({"update_id": 1, "message": m}), MessageNew)


def test_dialects_keep_only_their_update_kinds() -> None:
    channel = {"id": -100, "type": "channel", "title": "c"}
    updates = [
        {"update_id": 10, "channel_post": message(chat=channel)},
        {"update_id": 11, "callback_query": {"id": "q", "from": user(), "data": "x"}},
        {"update_id": 12, "message": message()},
    ]
    tg = wire.updates_to_events(updates, telegram_wire.DIALECT)
    sp = splus_wire.updates_to_events(updates)
    assert [type(e).__name__ for e in tg.events] == ["MessageNew", "MessageNew"]
    # Soroush Plus has no channel posts: skipped, but their ids still bound the page.
    assert [type(e).__name__ for e in sp.events] == ["MessageNew"]
    assert (sp.first_id, sp.last_id) == (10, 12)


def test_bale_text_markup_becomes_spans_unless_entities_came() -> None:
    plain = bale_wire.updates_to_events([{"update_id": 1, "message": message(text="*مهم* است")}])
    m = text_of(plain)
    assert (m.text, m.spans) == ("مهم است", (Span(0, 3, "bold"),))
    given = message(text="*a* b", entities=[{"type": "italic", "offset": 4, "length": 1}])
    m2 = text_of(bale_wire.updates_to_events([{"update_id": 2, "message": given}]))
    assert (m2.text, m2.spans) == ("*a* b", (Span(4, 5, "italic"),))
    # Telegram never reads markers out of text.
    tg = telegram_wire.updates_to_events([{"update_id": 3, "message": message(text="*a*")}])
    assert text_of(tg).text == "*a*"


def test_sent_and_chat_and_identity() -> None:
    sent = wire.sent_from_wire(message(901, "x"), "@fallback")
    assert (sent.chat_id, sent.message_id) == ("987654321", "901")
    assert sent.date == datetime.fromtimestamp(1735730000, UTC)
    chat = wire.chat_from_wire({"id": 5, "type": "private", "first_name": "A", "last_name": "B"})
    assert chat.title == "A B" and chat.kind == "private"
    me = wire.identity_from_wire({"id": 1, "is_bot": True, "first_name": "Bot", "username": "b"})
    assert (me.id, me.name, me.username) == ("1", "Bot", "b")


# --- poison -------------------------------------------------------------------------------

GOOD_1 = {"update_id": 100, "message": message(1, "اول")}
GOOD_2 = {"update_id": 104, "message": message(2, "آخر")}
POISON = [
    pytest.param({"update_id": 101, "message": message(3, "\ud800 lone")}, id="lone-surrogate"),
    pytest.param(
        {"update_id": 101, "message": message(3, chat={"type": "group"})}, id="chat-no-id"
    ),
    pytest.param({"update_id": 101, "message": {**message(3), "message_id": "3"}}, id="str-id"),
    pytest.param({"update_id": 101, "message": {**message(3), "text": 42}}, id="int-text"),
    pytest.param({"update_id": 101, "message": {**message(3), "chat": None}}, id="no-chat"),
    pytest.param({"update_id": 101, "message": {**message(3), "date": 10**20}}, id="huge-date"),
    pytest.param({"update_id": 101, "message": "not an object"}, id="message-str"),
    pytest.param(
        {"update_id": 101, "message": message(3, entities=[{"type": "bold", "offset": "0"}])},
        id="bad-entity",
    ),
    pytest.param(
        {"update_id": 101, "message": message(3, text=None, photo=[{"width": 1}])},
        id="photo-no-file-id",
    ),
    pytest.param(
        {"update_id": 101, "message": {**message(3), "from": {"id": "x"}}}, id="from-str-id"
    ),
]


@pytest.mark.parametrize("poison", POISON)
def test_poison_update_is_unparsed_and_the_rest_survive(poison: dict[str, Any]) -> None:
    # Built as bytes the way a server sends them: \ud800 stays an escape in the JSON text.
    body = json.dumps({"ok": True, "result": [GOOD_1, poison, GOOD_2]}).encode()
    result = wire.decode_body(body)["result"]
    page = wire.updates_to_events(result, telegram_wire.DIALECT)
    assert [type(e).__name__ for e in page.events] == ["MessageNew", "Unparsed", "MessageNew"]
    bad = page.events[1]
    assert isinstance(bad, Unparsed)
    assert bad.cursor_hint == "102" and bad.error
    assert json.loads(bad.raw)["update_id"] == 101
    bad.raw.decode("ascii")  # always storable
    assert (page.first_id, page.last_id) == (100, 104)


def test_invalid_utf8_bytes_poison_only_their_update() -> None:
    good = json.dumps(GOOD_1).encode()
    bad = b'{"update_id":101,"message":' + json.dumps(message(3, "X")).encode() + b"}"
    bad = bad.replace(b'"X"', b'"\xff\xfe"')
    body = b'{"ok":true,"result":[' + good + b"," + bad + b"]}"
    page = wire.updates_to_events(wire.decode_body(body)["result"], telegram_wire.DIALECT)
    assert isinstance(page.events[0], MessageNew)
    assert isinstance(page.events[1], Unparsed) and "surrogate" in page.events[1].error
    assert page.last_id == 101


def test_update_without_usable_id_has_no_hint() -> None:
    page = wire.updates_to_events(
        [{"update_id": "7", "message": message()}, ["not", "an", "update"], GOOD_2],
        telegram_wire.DIALECT,
    )
    assert [type(e).__name__ for e in page.events] == ["Unparsed", "Unparsed", "MessageNew"]
    hints = [e.cursor_hint for e in page.events if isinstance(e, Unparsed)]
    assert hints == [None, None]
    assert (page.first_id, page.last_id) == (104, 104)


def test_result_that_is_not_a_list_is_a_wire_error() -> None:
    with pytest.raises(wire.WireError):
        wire.updates_to_events({"update_id": 1}, telegram_wire.DIALECT)


def test_surrogate_precheck_of_raw_bodies() -> None:
    clean = json.dumps({"t": "سلام 😀"}, ensure_ascii=False).encode()
    assert not wire.may_hold_surrogates(clean)
    assert wire.may_hold_surrogates(json.dumps({"t": "😀"}).encode())  # \ud83d\ude00 escapes
    assert wire.may_hold_surrogates(b'{"t": "\\uDC00"}')
    assert wire.may_hold_surrogates(b'{"t": "\xff"}')
