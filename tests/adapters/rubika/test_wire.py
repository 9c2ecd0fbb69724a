"""Rubika wire functions: metadata <-> spans in UTF-16 units, envelopes, updates, poison."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.models import Span
from adapters.rubika import wire
from adapters.rubika.metadata import metadata_from_spans, spans_from_metadata, utf16_table

NOW = datetime(2025, 1, 1, tzinfo=UTC)
ZWNJ = "\u200c"


def parts(*items: tuple[str, int, int]) -> dict[str, object]:
    return {"meta_data_parts": [{"type": t, "from_index": f, "length": n} for t, f, n in items]}


# --- metadata ---------------------------------------------------------------------------


def test_persian_and_zwnj_offsets_equal_code_points() -> None:
    text = f"می{ZWNJ}خواهم **سلام** دنیا"
    start = text.index("سلام")
    spans = (Span(start, start + 4, "bold"),)
    meta = metadata_from_spans(text, spans)
    assert meta == parts(("Bold", start, 4))  # BMP only: units == code points
    assert spans_from_metadata(text, meta) == spans


def test_emoji_counts_two_units_on_the_wire() -> None:
    text = "سلام 😀 world"
    start = text.index("world")  # 7 code points in, 8 UTF-16 units in
    assert utf16_table(text)[start] == 8
    meta = metadata_from_spans(text, (Span(start, start + 5, "italic"), Span(5, 6, "bold")))
    assert meta == parts(("Bold", 5, 2), ("Italic", 8, 5))
    assert spans_from_metadata(text, meta) == (Span(5, 6, "bold"), Span(start, start + 5, "italic"))


def test_offset_inside_a_surrogate_pair_widens_to_the_character() -> None:
    text = "a😀b"
    # A server counting bytes wrongly could split the pair: round start down, end up.
    assert spans_from_metadata(text, parts(("Bold", 2, 1))) == (Span(1, 2, "bold"),)
    assert spans_from_metadata(text, parts(("Bold", 1, 1))) == (Span(1, 2, "bold"),)


def test_every_kind_and_its_extras_round_trip() -> None:
    text = "bold ital mono under strike spoil link ment pre quote"
    words = text.split()
    kinds = ["bold", "italic", "code", "underline", "strike", "spoiler", "link", "mention"]
    kinds += ["pre", "quote"]
    spans = []
    for word, kind in zip(words, kinds, strict=True):
        i = text.index(word)
        extra = {"link": {"url": "https://example.org/پیام"}, "mention": {"user_id": "u0ABC"},
                 "pre": {"language": "python"}}.get(kind, {})  # fmt: skip
        spans.append(Span(i, i + len(word), kind, **extra))
    meta = metadata_from_spans(text, spans)
    assert meta is not None
    wire_types = [p["type"] for p in meta["meta_data_parts"]]
    assert wire_types == ["Bold", "Italic", "Mono", "Underline", "Strike", "Spoiler", "Link",
                          "MentionText", "Pre", "Quote"]  # fmt: skip
    link = meta["meta_data_parts"][6]
    assert link["link_url"] == "https://example.org/پیام"
    assert meta["meta_data_parts"][7]["mention_text_user_id"] == "u0ABC"
    assert spans_from_metadata(text, meta) == tuple(spans)


def test_unsendable_spans_are_left_out() -> None:
    text = "hello world"
    spans = (
        Span(0, 5, "highlight"),  # no Rubika type
        Span(0, 5, "link"),  # a link without a URL
        Span(6, 11, "mention"),  # a mention without a user id
        Span(20, 30, "bold"),  # outside the text
    )
    assert metadata_from_spans(text, spans) is None
    assert metadata_from_spans(text, (Span(6, 99, "bold"),)) == parts(("Bold", 6, 5))


def test_malformed_metadata_is_dropped_not_fatal() -> None:
    text = "سلام دنیا"
    bad = {
        "meta_data_parts": [
            {"type": "Blink", "from_index": 0, "length": 2},
            {"type": "Bold", "from_index": "x", "length": 2},
            {"type": "Bold", "from_index": -1, "length": 2},
            {"type": "Bold", "from_index": 0, "length": 0},
            {"type": "Bold", "from_index": 50, "length": 2},
            {"type": "Link", "from_index": 0, "length": 2},  # no URL
            "nonsense",
            {"type": "Italic", "from_index": "5", "length": "4"},  # numbers as strings: fine
            {"type": "Link", "from_index": 0, "length": 4,
             "link": {"type": "hyperlink", "hyperlink_data": {"url": "https://x.test"}}},
        ]
    }  # fmt: skip
    assert spans_from_metadata(text, bad) == (
        Span(0, 4, "link", url="https://x.test"),
        Span(5, 9, "italic"),
    )
    assert spans_from_metadata(text, None) == ()
    assert spans_from_metadata(text, {"meta_data_parts": "x"}) == ()


_TEXT = st.text(
    alphabet=st.sampled_from([*"ab سلامپیک", ZWNJ, "😀", "👍", "\U0001f3fd", "\n", "\u0651"]),
    min_size=1,
    max_size=30,
)


@given(_TEXT, st.data())
def test_spans_survive_the_wire(text: str, data: st.DataObject) -> None:
    n = len(text)
    bounds = st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda t: t[0] < t[1])
    kinds = st.sampled_from(["bold", "italic", "code", "underline", "strike", "spoiler", "quote"])
    spans = data.draw(st.lists(st.builds(lambda b, k: Span(b[0], b[1], k), bounds, kinds)))
    meta = metadata_from_spans(text, spans)
    back = spans_from_metadata(text, meta)
    assert sorted(back, key=repr) == sorted(spans, key=repr)
    if meta is not None:
        units = len(text.encode("utf-16-le")) // 2
        assert all(p["from_index"] + p["length"] <= units for p in meta["meta_data_parts"])


# --- envelopes ----------------------------------------------------------------------------


def test_envelope_success_and_both_error_shapes() -> None:
    assert wire.envelope({"status": "OK", "data": {"a": 1}}) == {"a": 1}
    assert wire.envelope({"status": "OK"}) == {}
    aiorubi = wire.envelope({"status": "INVALID_INPUT", "dev_message": "chat_id is invalid"})
    assert aiorubi == wire.ApiFailure("INVALID_INPUT", "chat_id is invalid")
    peyk = wire.envelope({"status": "error", "error_code": "too_requests", "error_message": "x"})
    assert peyk == wire.ApiFailure("TOO_REQUESTS", "x")
    combined = {"status": "INVALID_ACCESS", "dev_message": "a", "error_code": "INVALID_ACCESS",
                "error_message": "b"}  # fmt: skip
    assert wire.envelope(combined) == wire.ApiFailure("INVALID_ACCESS", "a")
    hinted = wire.envelope({"status": "TOO_REQUESTS", "data": {"retry_after": "7"}})
    assert isinstance(hinted, wire.ApiFailure) and hinted.retry_after == 7.0
    bad: object
    for bad in ([], "OK", {"data": {}}, {"status": "OK", "data": [1]}):
        with pytest.raises(wire.WireError):
            wire.envelope(bad)


def test_upload_answer_in_both_shapes() -> None:
    assert wire.upload_file_id({"status": "OK", "data": {"file_id": "f1"}}) == "f1"
    assert wire.upload_file_id({"file_id": "f2"}) == "f2"
    assert wire.upload_file_id({"status": "SERVER_ERROR"}) == wire.ApiFailure("SERVER_ERROR", "")
    with pytest.raises(wire.WireError):
        wire.upload_file_id({"status": "OK", "data": {}})


def test_objects() -> None:
    me = wire.identity({"bot": {"bot_id": "b0X", "bot_title": "Demo", "username": "demo_bot"}})
    assert (me.id, me.name, me.username) == ("b0X", "Demo", "demo_bot")
    person = wire.chat_info(
        {"chat": {"chat_type": "User", "first_name": "سارا", "last_name": "کریمی"}}, "b0C"
    )
    assert person == wire.ChatInfo("private", "سارا کریمی", None)
    group = wire.chat_info({"chat": {"chat_type": "Group", "title": "خرید", "username": "g"}}, "x")
    assert group == wire.ChatInfo("group", "خرید", "g")
    assert wire.chat_info({"chat": {}}, "c0CHAN").kind == "channel"
    assert wire.message_id_of({"message_id": 204215121115944300}) == "204215121115944300"
    with pytest.raises(wire.WireError):
        wire.message_id_of({"message_id": True})


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.JPG", "Image"), ("b.gif", "Gif"), ("c.mp4", "Video"), ("d.mp3", "Music"),
     ("e.ogg", "Voice"), ("f.pdf", "File"), ("noext", "File"), ("g.tiff", "Image")],
)  # fmt: skip
def test_file_type(name: str, kind: str) -> None:
    assert wire.file_type(name) == kind


# --- updates ------------------------------------------------------------------------------


def test_new_message_with_string_and_number_ids() -> None:
    for mid in ("204215121115944300", 204215121115944300):
        raw = {"type": "NewMessage", "chat_id": "b0C", "new_message": {
            "message_id": mid, "text": "سلام", "time": "1643122902", "sender_type": "User",
            "sender_id": "u0S", "reply_to_message_id": 5,
            "file": {"file_id": "F1", "file_name": "عکس.jpg", "size": "52311"}}}  # fmt: skip
        parsed = wire.parse_update(raw, NOW)
        assert parsed is not None and parsed.kind == "new" and parsed.message is not None
        m = parsed.message
        assert m.id == "204215121115944300" and m.chat_id == "b0C" and m.reply_to == "5"
        assert m.date == datetime.fromtimestamp(1643122902, UTC)
        assert m.sender is not None and m.sender.id == "u0S" and not m.sender.is_bot
        assert m.attachments[0].kind == "photo"
        assert (m.attachments[0].file.id, m.attachments[0].file.size) == ("F1", 52311)


def test_edit_delete_and_other_kinds() -> None:
    edited = wire.parse_update(
        {"type": "UpdatedMessage", "chat_id": "b0C",
         "updated_message": {"message_id": "9", "text": "x", "time": 1643122902}}, NOW
    )  # fmt: skip
    assert edited is not None and edited.kind == "edited"
    assert edited.message is not None and edited.message.edited_at == NOW
    removed = wire.parse_update(
        {"type": "RemovedMessage", "chat_id": "b0C", "removed_message_id": 9}, NOW
    )
    assert removed == wire.Parsed("deleted", "b0C", message_id="9")
    started = wire.parse_update({"type": "StartedBot", "chat_id": "b0C"}, NOW)
    assert started == wire.Parsed("seen", "b0C")
    assert wire.parse_update({"type": "InlineMessage", "chat_id": "b0C"}, NOW) is None


@pytest.mark.parametrize(
    "raw",
    [
        "not an update",
        {"type": "NewMessage", "new_message": {"message_id": "1", "time": "1"}},  # no chat_id
        {"type": "NewMessage", "chat_id": "b0C"},  # no message
        {"type": "NewMessage", "chat_id": "b0C", "new_message": {"time": "1"}},  # no id
        {"type": "NewMessage", "chat_id": "b0C", "new_message": {"message_id": "1"}},  # no time
        {"type": "NewMessage", "chat_id": "b0C",
         "new_message": {"message_id": "1", "time": "1", "text": 42}},  # wrong type
        {"type": "NewMessage", "chat_id": ["b0C"],
         "new_message": {"message_id": "1", "time": "1"}},  # wrong type
        {"type": "NewMessage", "chat_id": "b0C",
         "new_message": {"message_id": "1", "time": "1", "text": "bad \ud800 text"}},
        {"type": "NewMessage", "chat_id": "b0C",
         "new_message": {"message_id": "1", "time": "1", "file": "F"}},
        {"type": 7, "chat_id": "b0C"},
    ],
)  # fmt: skip
def test_poison_updates_raise_wire_error(raw: object) -> None:
    with pytest.raises(wire.WireError):
        wire.parse_update(raw, NOW)
    dumped = wire.dump(raw)
    assert dumped.isascii() and json.loads(dumped) == raw
