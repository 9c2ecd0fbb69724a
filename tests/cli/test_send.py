"""``payam send``: chat by id, @username or title; stdin; waits for the outcome; exit codes."""

from __future__ import annotations

from tests.cli.conftest import Payam, ingest
from tests.cli.mockkit import MockKit


def test_send_by_id_username_and_title_reaches_the_mock(
    kit: MockKit, payam: Payam, shop: str
) -> None:
    chat, _ = kit.inbound("bale", shop, "سلام", sender="سارا کریمی", username="sara_k")
    ingest(payam, 1)
    by_id = payam("send", "bale:shop", chat, "پیام یک")
    assert by_id.rc == 0, by_id.err
    assert by_id.out.startswith("sent to سارا کریمی: message ")
    assert payam("send", "bale:shop", "@sara_k", "پیام دو").rc == 0
    assert payam("send", "bale:shop", "سارا کریمی", "پیام سه").rc == 0
    assert kit.texts("bale", shop, chat) == ["سلام", "پیام یک", "پیام دو", "پیام سه"]


def test_send_reads_standard_input_and_splits_long_text(
    kit: MockKit, payam: Payam, shop: str
) -> None:
    chat, _ = kit.inbound("bale", shop, "hi", sender="Sara")
    ingest(payam, 1)
    piped = payam("send", "bale:shop", chat, "-", stdin="خط اول\nخط دوم\n")
    assert piped.rc == 0, piped.err
    words = " ".join(f"word{i}" for i in range(1200))  # about 9,700 characters: three parts
    long = payam("send", "bale:shop", chat, "-", stdin=words)
    assert long.rc == 0 and "in 3 parts" in long.out
    texts = kit.texts("bale", shop, chat)
    assert texts[1] == "خط اول\nخط دوم"  # the trailing newline of the pipe is not sent
    assert " ".join(texts[2:]).split() == words.split()


def test_an_ambiguous_title_lists_the_candidates(kit: MockKit, payam: Payam, shop: str) -> None:
    one, _ = kit.inbound("bale", shop, "a", sender="Ali", username="ali_one")
    two, _ = kit.inbound("bale", shop, "b", sender="Ali", username="ali_two")
    ingest(payam, 2)
    result = payam("send", "bale:shop", "Ali", "which one?")
    assert result.rc == 1 and result.out == ""
    assert "'Ali' matches 2 chats" in result.err and one in result.err and two in result.err
    assert "@ali_one" in result.err and "@ali_two" in result.err
    assert kit.texts("bale", shop, one) == ["a"] and kit.texts("bale", shop, two) == ["b"]


def test_send_into_a_chat_sync_never_saw_looks_it_up_first(kit: MockKit, payam: Payam) -> None:
    token = kit.bot("bale", "News Bot", "news_bot", channels=[{"username": "gol_news"}])
    payam.add_account(kit, "bale", "news", token)
    result = payam("send", "bale:news", "@gol_news", "خبر تازه")
    assert result.rc == 0, result.err
    chats = kit.control("bale", "bots", method="GET")["bots"]
    channel = next(c for b in chats if b["token"] == token for c in b["chats"])
    assert kit.texts("bale", token, str(channel["id"])) == ["خبر تازه"]


def test_send_failures_and_usage_errors_have_their_exit_codes(
    kit: MockKit, payam: Payam, shop: str
) -> None:
    kit.inbound("bale", shop, "hi", sender="Sara")
    ingest(payam, 1)
    assert payam("send", "bale:shop", "Sara").rc == 2  # argparse: TEXT missing
    empty = payam("send", "bale:shop", "Sara", "-", stdin="\n\n")
    assert empty.rc == 2 and "nothing to send" in empty.err
    assert payam("send", "shop", "Sara", "hi").rc == 2  # not <messenger>:<name>
    ghost = payam("send", "bale:ghost", "Sara", "hi")
    assert ghost.rc == 1 and "no account bale:ghost" in ghost.err
    nobody = payam("send", "bale:shop", "Nobody At All", "hi")
    assert nobody.rc == 1 and "no chat of bale:shop" in nobody.err
    unknown_user = payam("send", "bale:shop", "@no_such_user", "hi")
    assert unknown_user.rc == 1 and "chat not found" in unknown_user.err
    # One line of reason each, and never a traceback.
    for result in (ghost, nobody, unknown_user):
        assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_a_rejected_send_exits_1_with_the_reason(kit: MockKit, payam: Payam, shop: str) -> None:
    chat, _ = kit.inbound("bale", shop, "hi", sender="Sara")
    ingest(payam, 1)
    kit.control("bale", "faults", {"seed": 1, "rate": 1.0, "kinds": ["ambiguous_send"]})
    unknown = payam("send", "bale:shop", chat, "did it arrive?")
    kit.control("bale", "faults", method="DELETE")
    assert unknown.rc == 1
    assert "unknown outcome" in unknown.err and "nothing is re-sent" in unknown.err
    assert kit.texts("bale", shop, chat).count("did it arrive?") == 1  # processed once
