"""One poller per account, between real ``payam`` processes (issue 7, "One poller per account").

:mod:`tests.engine.test_service_locks` proves it for the service against a lock-holding helper
process; here both sides are ``payam`` itself, as a user would run them:

* ``payam tail`` polls two accounts. A second ``payam tail`` exits 1 naming the first one's
  pid for each account; the TUI opened beside it shows "polling elsewhere (pid N)" on its
  Accounts screen; ``send``, ``search`` and ``export`` work beside it. The second Payam never
  polled: the mock answered no 409 for these tokens (a second getUpdates would have ended the
  first's long poll with one), and the first ``tail`` still prints what arrives.
* A 409 (a rival client's getUpdates on the token) stops that account at once: ``tail`` says
  so on stderr, naming the 409, and goes on with the other account; from then on the mock sees
  **no** getUpdates for that token (counted while the other account keeps receiving).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from adapters.mock import ThreadedMockServer
from tests.cli.mockkit import MockKit
from tests.security.processkit import get_updates, in_long_poll, running, wait, write_config

ACCOUNTS = ("telegram", "bale")


@pytest.fixture
def kit() -> Iterator[MockKit]:
    with ThreadedMockServer(seed=41) as server:
        mocks = MockKit(server)
        yield mocks
        mocks.close()


def _statuses(kit: MockKit, messenger: str, token: str) -> list[int | None]:
    return [r["status"] for r in kit.requests(messenger, token) if r["api_method"] == "getUpdates"]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_second_payam_does_not_poll_and_names_the_holder(kit: MockKit, tmp_path: Path) -> None:
    tokens = {m: kit.bot(m) for m in ACCOUNTS}
    config = write_config(tmp_path, kit, tokens)
    chats = {m: kit.inbound(m, tokens[m], f"salam {m}")[0] for m in ACCOUNTS}
    with running(tmp_path, config) as payam:
        first = payam.start("tail", "--json")
        first.wait_lines(len(ACCOUNTS))
        wait(lambda: in_long_poll(kit, "telegram", tokens["telegram"], 1), "the long poll")
        pid = first.proc.pid

        second = payam("tail")
        err = second.err.decode()
        assert second.rc == 1 and second.out == b"", err
        for m in ACCOUNTS:
            assert f"{m}:canary is already polled by process {pid}" in err, err

        tui = payam.pty()
        tui.wait_for(lambda s: "polling elsewhere" in s, "the status bar")
        tui.press("ctrl+a")
        shown = tui.wait_for(lambda s: f"polling elsewhere (pid {pid})" in s, "the accounts")
        assert shown.count(f"(pid {pid})") == len(ACCOUNTS)
        assert tui.stop() == 0

        # Readers and senders work beside the poller.
        sent = payam("send", "telegram:canary", chats["telegram"], "beside the poller")
        assert sent.rc == 0, sent.err
        assert kit.texts("telegram", tokens["telegram"], chats["telegram"])[-1] == (
            "beside the poller"
        )
        found = payam("search", "salam")
        assert found.rc == 0 and b"[salam] telegram" in found.out, found.err
        exported = payam("export", "--format", "jsonl")
        assert exported.rc == 0 and exported.out.count(b"\n") >= len(ACCOUNTS) + 1

        # Nobody else polled: no 409 at the mock, and the first tail still receives.
        for m in ACCOUNTS:
            assert 409 not in _statuses(kit, m, tokens[m]), m
        kit.inbound("bale", tokens["bale"], "still the poller")
        first.wait_lines(len(ACCOUNTS) + 1)
        assert b"still the poller" in first.out and first.proc.poll() is None
        assert first.end() == 0
        assert first.err == b"", first.err


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_409_stops_the_account_at_once_and_it_is_never_polled_again(
    kit: MockKit, tmp_path: Path
) -> None:
    tokens = {m: kit.bot(m) for m in ACCOUNTS}
    config = write_config(tmp_path, kit, tokens)
    with running(tmp_path, config) as payam:
        tail = payam.start("tail")
        token = tokens["telegram"]
        wait(lambda: in_long_poll(kit, "telegram", token, 0), "the long poll")
        url = f"{kit.base('telegram')}/bot{token}/getUpdates"
        with httpx.Client(trust_env=False) as rival:
            # A rival's getUpdates ends the tail's long poll with 409 (Telegram's behaviour);
            # the tail may be between two polls, so the rival asks until the tail says so.
            def rival_polls() -> bool:
                rival.post(url, json={"timeout": 0})
                return b"telegram:canary stopped" in tail.err

            wait(rival_polls, "the tail's notice")
        assert b"409" in tail.err
        assert 409 in _statuses(kit, "telegram", token)
        polls = get_updates(kit, "telegram", token)
        # The other account goes on: two messages there, each printed, while the stopped
        # account's user writes too (nothing of which may be fetched).
        for n in range(2):
            kit.inbound("telegram", token, f"unseen {n}")
            kit.inbound("bale", tokens["bale"], f"seen {n}")
            tail.wait_lines(n + 1)
        assert get_updates(kit, "telegram", token) == polls
        assert b"seen 1" in tail.out and b"unseen" not in tail.out
        assert tail.proc.poll() is None
        print(f"\n409: telegram getUpdates {polls} before and after; bale kept receiving")
        assert tail.end() == 0
