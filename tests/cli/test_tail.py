"""``payam tail``: exactly the JSON schema, sanitised output, one poller per account."""

from __future__ import annotations

import json
import re

from tests.cli.conftest import Payam
from tests.cli.mockkit import MockKit, wait_sync
from tui.text.sanitize import display_safe

SCHEMA_KEYS = {
    "event",
    "account",
    "messenger",
    "chat_id",
    "chat_title",
    "message_id",
    "sender",
    "date",
    "text",
}
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
# What must never reach a terminal from content: C0 but \n, DEL, C1, bidi embeddings/overrides.
RAW_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e]")


def check_schema(event: dict[str, object]) -> None:
    assert set(event) == SCHEMA_KEYS
    sender = event["sender"]
    assert isinstance(sender, dict) and set(sender) == {"id", "name"}
    assert all(isinstance(v, str) for v in sender.values())
    assert all(isinstance(event[k], str) for k in SCHEMA_KEYS - {"sender"})
    assert ISO_UTC.fullmatch(str(event["date"]))


def test_tail_json_prints_exactly_the_schema_for_new_and_edited_messages(
    kit: MockKit, payam: Payam, shop: str
) -> None:
    chat, first = kit.inbound("bale", shop, "سلام، سفارش ۱۲۳ کی می\u200cرسه؟", sender="Sara")
    tail = payam.tail("--json")
    backlog = json.loads(tail.line())  # sent before tail started: the server kept it
    check_schema(backlog)
    assert backlog == {
        "event": "message",
        "account": "bale:shop",
        "messenger": "bale",
        "chat_id": chat,
        "chat_title": "Sara",
        "message_id": first,
        "sender": backlog["sender"],
        "date": backlog["date"],
        "text": "سلام، سفارش ۱۲۳ کی می\u200cرسه؟",
    }
    assert backlog["sender"]["name"] == "Sara" and backlog["sender"]["id"]
    _, second = kit.inbound(
        "bale", shop, "group hello", sender="Reza", chat={"type": "group", "title": "Shop team"}
    )
    live = json.loads(tail.line())
    check_schema(live)
    assert (live["event"], live["chat_title"], live["message_id"]) == (
        "message",
        "Shop team",
        second,
    )
    kit.edit("bale", shop, chat, first, "ببخشید: سفارش ۱۲۴")
    edited = json.loads(tail.line())
    check_schema(edited)
    assert (edited["event"], edited["message_id"], edited["text"]) == (
        "edited",
        first,
        "ببخشید: سفارش ۱۲۴",
    )
    result = tail.stop()
    assert result.rc == 0, result.err


def test_tail_json_reports_deletes_with_an_empty_text(kit: MockKit, payam: Payam) -> None:
    token = kit.bot("rubika", "Family Bot", "family_bot")
    payam.add_account(kit, "rubika", "family", token)
    chat, mid = kit.inbound("rubika", token, "این پیام پاک می\u200cشود", sender="Maman")
    tail = payam.tail("--json", "--account", "rubika:family")
    assert json.loads(tail.line())["message_id"] == mid
    kit.delete("rubika", token, chat, mid)
    deleted = json.loads(tail.line())
    check_schema(deleted)
    assert (deleted["event"], deleted["message_id"], deleted["text"]) == ("deleted", mid, "")
    assert deleted["account"] == "rubika:family" and deleted["messenger"] == "rubika"
    assert tail.stop().rc == 0


HOSTILE_TEXT = (
    "pay now \x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x1b\\ \x1b[2J\x1b[?1049h \u009b31m \u009d0;t\u009c"
    " \u202egnp.exe \u2067isolate \x08\x7f\r end"
)
HOSTILE_NAME = "Admin\u202e\x1b[31m\u0085support"
HOSTILE_TITLE = "Shop\x1b]8;;https://evil.example\x1b\\ \u2066team"


def test_tail_neutralises_hostile_text_in_every_field(
    kit: MockKit, payam: Payam, shop: str
) -> None:
    chat, _ = kit.inbound(
        "bale",
        shop,
        HOSTILE_TEXT,
        sender=HOSTILE_NAME,
        chat={"type": "group", "title": HOSTILE_TITLE},
    )
    kit.inbound("bale", shop, "second line\nof a message", sender="Sara")
    tail = payam.tail("--json")
    events = [json.loads(tail.line()) for _ in range(2)]
    assert tail.stop().rc == 0
    stdout = b"".join(tail.raw).decode("utf-8")
    assert RAW_CONTROLS.search(stdout) is None  # nothing raw reached the terminal
    hostile = events[0]
    check_schema(hostile)
    assert hostile["text"] == display_safe(HOSTILE_TEXT)
    assert hostile["sender"]["name"] == display_safe(HOSTILE_NAME, "name")
    assert hostile["chat_title"] == display_safe(HOSTILE_TITLE, "name")
    assert "␛]0;pwned" in hostile["text"] and "⟨RLO⟩" in hostile["text"]
    assert events[1]["text"] == "second line\nof a message"  # a real line break is kept

    # The readable form: one line per event, same neutralisation.
    text_tail = payam.tail()
    payam_lines: list[str] = []
    kit.inbound("bale", shop, HOSTILE_TEXT, sender=HOSTILE_NAME)
    payam_lines.append(text_tail.line())
    assert text_tail.stop().rc == 0
    raw = b"".join(text_tail.raw).decode("utf-8")
    assert RAW_CONTROLS.search(raw) is None and raw.count("\n") == 1
    assert "bale:shop" in payam_lines[0] and "pay now ␛]0;pwned␇" in payam_lines[0]
    assert chat  # the group chat came from the first batch


def test_a_second_tail_names_the_process_that_polls_and_exits_1(
    kit: MockKit, payam: Payam, shop: str
) -> None:
    kit.inbound("bale", shop, "hello", sender="Sara")
    first = payam.tail("--json")
    first.line()  # it polls: it holds the lock
    second = payam("tail", "--json")
    assert second.rc == 1 and second.out == ""
    assert f"bale:shop is already polled by process {first.proc.pid}" in second.err
    # search, send and export run beside the poller
    found = payam("search", "hello")
    assert found.rc == 0 and "hello" in found.out
    sent = payam("send", "bale:shop", "Sara", "answered beside tail")
    assert sent.rc == 0, sent.err
    exported = payam("export", "--format", "txt")
    assert exported.rc == 0 and "answered beside tail" in exported.out
    assert first.stop().rc == 0


def test_tail_reports_a_rejected_token_and_exits_1(kit: MockKit, payam: Payam) -> None:
    token = kit.bot("telegram", "Old Bot", "old_bot")
    payam.add_account(kit, "telegram", "old", token)
    (payam.root / "secrets" / "telegram-old.token").write_text("123456:revoked-token-x\n")
    result = payam("tail")
    assert result.rc == 1 and "token rejected" in result.err
    assert "revoked-token-x" not in result.err + result.out


def test_tail_usage_errors(payam: Payam) -> None:
    assert payam("tail", "--account", "nocolon").rc == 2
    missing = payam("tail", "--account", "bale:ghost")
    assert missing.rc == 1 and "no account bale:ghost" in missing.err
    nothing = payam("tail")
    assert nothing.rc == 1 and "no account receives" in nothing.err


def test_tail_stops_cleanly_on_sigterm_even_while_waiting(
    kit: MockKit, payam: Payam, shop: str
) -> None:
    tail = payam.tail()
    polls = lambda: [r for r in kit.requests("bale", shop) if r["api_method"] == "getUpdates"]  # noqa: E731
    wait_sync(polls, "the first long poll")  # SIGTERM lands while tail waits in it
    result = tail.stop()
    assert result.rc == 0 and result.out == ""
