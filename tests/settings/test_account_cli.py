"""``payam account add | list | remove`` through tui.cli.main, with a fake adapter over
httpx.MockTransport and the in-memory keyring; a canary token must end up only in the keyring."""

from __future__ import annotations

import json
import shlex
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.settings.conftest import Result
from tests.settings.helpers import BAD_TOKEN, CANARY, FakeServer, find_canary, leaks
from tui.settings import edit
from tui.settings.config import ConfigError, Problem, load_config
from tui.settings.keyrings import MemoryKeyring

Payam = Callable[..., Result]


@pytest.fixture(autouse=True)
def no_canary_left(isolated_dirs: Path, tmp_path: Path) -> object:
    """After every test here: no form of the canary in any file of HOME or the test's dirs."""
    yield None
    assert find_canary([isolated_dirs, tmp_path]) == []


def stored(memory_keyring: MemoryKeyring) -> dict[str, str]:
    return {user: pw for (service, user), pw in memory_keyring.store.items() if service == "payam"}


def test_add_with_stdin_token(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring, dirs: tuple[Path, Path]
) -> None:
    result = payam(
        "account",
        "add",
        "fake",
        "shop",
        "--proxy",
        "socks5h://127.0.0.1:1080",
        "--channel",
        "@mychannel",
        "--channel",
        "-100123",
        "--token-stdin",
        stdin=CANARY + "\n",
    )
    assert result.rc == 0, result.err
    assert "added fake:shop: Shop bot (@shopbot), id 42" in result.out
    assert "token in the keyring (tui.settings.keyrings.MemoryKeyring)" in result.out
    assert "in memory only" in result.out  # the ephemeral backend is called out
    assert not leaks(result.out + result.err)
    # verified before storing: one getMe with the token, over the account's proxy
    [request] = fake_server.requests
    assert request.url.path == f"/api/bot{CANARY}/getMe"
    assert fake_server.proxies == ["socks5h://127.0.0.1:1080"]
    assert stored(memory_keyring) == {"fake:shop": CANARY}
    config, data = dirs
    assert tomllib.loads(config.read_text())["accounts"] == [
        {
            "messenger": "fake",
            "name": "shop",
            "proxy": "socks5h://127.0.0.1:1080",
            "channels": ["@mychannel", "-100123"],
        },
    ]
    log = (data / "payam.log").read_text()
    assert "account fake:shop added" in log and not leaks(log)


def test_add_with_getpass(
    payam: Payam,
    fake_server: FakeServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    dirs: tuple[Path, Path],
) -> None:
    prompts: list[str] = []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return CANARY

    monkeypatch.setattr("getpass.getpass", getpass)
    result = payam(
        "account", "add", "fake", "shop", "--send-only", "--base-url", "http://127.0.0.1:9/fake/"
    )
    assert result.rc == 0, result.err
    assert prompts == ["Token for fake:shop (not shown): "]
    assert str(fake_server.requests[0].url).startswith("http://127.0.0.1:9/fake/bot")
    assert stored(memory_keyring) == {"fake:shop": CANARY}
    account = load_config(dirs[0]).account("fake:shop")
    assert account is not None and account.send_only
    assert account.base_url == "http://127.0.0.1:9/fake"


def test_add_with_token_command_stores_only_the_command(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring, dirs: tuple[Path, Path]
) -> None:
    command = shlex.join([sys.executable, "-c", f"print({CANARY!r})"])
    result = payam("account", "add", "fake", "shop", "--token-command", command)
    assert result.rc == 0, result.err
    assert "token from its token_command" in result.out
    assert stored(memory_keyring) == {}
    assert f"/bot{CANARY}/getMe" in fake_server.requests[0].url.path
    account = load_config(dirs[0]).account("fake:shop")
    assert account is not None and account.token_command == command
    listing = payam("account", "list").out
    assert "fake:shop" in listing and "command" in listing
    assert payam("account", "remove", "fake:shop").rc == 0
    assert load_config(dirs[0]).accounts == ()


def test_rejected_token_stores_nothing(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring, dirs: tuple[Path, Path]
) -> None:
    result = payam("account", "add", "fake", "shop", "--token-stdin", stdin=BAD_TOKEN)
    assert result.rc == 1
    assert result.err.strip() == "payam: fake rejected the token; nothing was stored"
    assert stored(memory_keyring) == {} and not dirs[0].exists()
    assert not leaks(result.err, BAD_TOKEN)


def test_unreachable_api_stores_nothing(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring
) -> None:
    fake_server.down = True
    result = payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY)
    assert result.rc == 1
    assert "could not verify the token (getMe: cannot connect); nothing was stored" in result.err
    assert stored(memory_keyring) == {} and not leaks(result.err)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["nosuch", "shop"], "unknown messenger 'nosuch'"),
        (["fake", "a:b"], "name: 'a:b' is not an account name"),
        (["fake", "shop", "--proxy", "ftp://h:1"], "--proxy: proxy scheme 'ftp'"),
        (["fake", "shop", "--base-url", "h"], "--base-url: the base URL has no host"),
        (["fake", "shop", "--channel", "no spaces"], "--channel: 'no spaces' is neither"),
        (["fake", "shop", "--token-command", "a 'b"], "--token-command: the token command"),
    ],
)
def test_usage_errors_exit_2(
    payam: Payam, fake_server: FakeServer, args: list[str], problem: str
) -> None:
    result = payam(
        "account",
        "add",
        *args,
        "--token-stdin" if "--token-command" not in args else "--send-only",
        stdin=CANARY,
    )
    assert result.rc == 2, result.err
    assert problem in result.err and result.err.count("\n") == 1
    assert fake_server.requests == []


def test_token_source_flags_exclude_each_other_and_no_token_flag_exists(payam: Payam) -> None:
    with pytest.raises(SystemExit) as info:
        payam("account", "add", "fake", "x", "--token-stdin", "--token-command", "pass x")
    assert info.value.code == 2
    with pytest.raises(SystemExit):  # a token never goes on the command line
        payam("account", "add", "fake", "x", "--token", CANARY)


def test_duplicate_and_empty_token(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring
) -> None:
    assert payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY).rc == 0
    again = payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY)
    assert again.rc == 1 and "fake:shop already exists" in again.err
    empty = payam("account", "add", "fake", "other", "--token-stdin", stdin="\n")
    assert empty.rc == 1 and "no token given" in empty.err
    assert stored(memory_keyring) == {"fake:shop": CANARY}


def test_config_write_failure_removes_the_stored_token(
    payam: Payam,
    fake_server: FakeServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(path: Path, account: object) -> None:
        raise ConfigError(path, [Problem("accounts", "disk full")])

    monkeypatch.setattr(edit, "add_account", broken)
    result = payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY)
    assert result.rc == 1 and "disk full" in result.err
    assert stored(memory_keyring) == {}


def test_list_shows_where_tokens_are_and_hides_proxy_passwords(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring, dirs: tuple[Path, Path]
) -> None:
    assert payam("account", "list").out.startswith("no accounts in ")
    assert (
        payam(
            "account",
            "add",
            "fake",
            "shop",
            "--token-stdin",
            "--proxy",
            "http://me:hunter2@proxy.example:3128",
            stdin=CANARY,
        ).rc
        == 0
    )
    assert payam("account", "add", "fake", "gone", "--token-stdin", stdin=CANARY + "2").rc == 0
    del memory_keyring.store[("payam", "fake:gone")]
    result = payam("account", "list")
    assert result.rc == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ACCOUNT", "BASE", "URL", "PROXY", "SEND-ONLY", "TOKEN"]
    shop = next(line for line in lines if line.startswith("fake:shop"))
    assert "http://me:***@proxy.example:3128" in shop and shop.endswith("keyring")
    assert "hunter2" not in result.out
    gone = next(line for line in lines if line.startswith("fake:gone"))
    assert gone.endswith("keyring (MISSING)")
    assert "keyring backend tui.settings.keyrings.MemoryKeyring" in lines[-1]
    assert not leaks(result.out + result.err)
    assert not leaks(json.dumps(result.out))


def test_remove(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring, dirs: tuple[Path, Path]
) -> None:
    assert payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY).rc == 0
    result = payam("account", "remove", "fake:shop")
    assert result.rc == 0
    assert result.out.strip() == "removed fake:shop; its token was deleted from the keyring"
    assert stored(memory_keyring) == {} and load_config(dirs[0]).accounts == ()
    missing = payam("account", "remove", "fake:shop")
    assert missing.rc == 1 and "there is no account fake:shop" in missing.err
    bad = payam("account", "remove", "shop")
    assert bad.rc == 2 and "<messenger>:<name>" in bad.err


def test_remove_cleans_an_orphan_token(payam: Payam, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("payam", "bale:old", CANARY)
    result = payam("account", "remove", "bale:old")
    assert result.rc == 0 and "its stored token was deleted" in result.out
    assert stored(memory_keyring) == {}


def test_invalid_config_is_a_runtime_failure(payam: Payam, dirs: tuple[Path, Path]) -> None:
    config, _ = dirs
    config.parent.mkdir(parents=True)
    config.write_text('bidi = "sideways"\n')
    result = payam("account", "list")
    assert result.rc == 1
    assert result.err.startswith(f"payam: {config}: bidi: ")


def test_hostile_identity_is_sanitised(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring
) -> None:
    fake_server.name = "Evil\x1b]52;c;ZXZpbA==\x07\u202egnp.exe"
    fake_server.username = "x\x1b[2J"
    result = payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY)
    assert result.rc == 0
    assert "\x1b" not in result.out and "\x07" not in result.out and "\u202e" not in result.out


def test_debug_log_of_an_add_holds_no_token(
    payam: Payam, fake_server: FakeServer, dirs: tuple[Path, Path]
) -> None:
    config, data = dirs
    config.parent.mkdir(parents=True)
    config.write_text('log_level = "debug"\n')
    assert payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY).rc == 0
    log = (data / "payam.log").read_text()
    assert "HTTP Request: GET https://fake.example/api/bot***/getMe" in log
    assert not leaks(log)


def test_removing_with_a_keyring_that_holds_nothing(
    payam: Payam, fake_server: FakeServer, dirs: tuple[Path, Path]
) -> None:
    import keyring
    from keyring.backends import fail

    assert payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY).rc == 0
    keyring.set_keyring(fail.Keyring())  # e.g. the Secret Service was uninstalled since
    result = payam("account", "remove", "fake:shop")
    assert result.rc == 0 and result.out.strip() == "removed fake:shop"
    assert load_config(dirs[0]).accounts == ()


def test_an_adapter_bug_never_prints_its_message(
    payam: Payam, fake_server: FakeServer, memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from tests.settings.helpers import FakeAdapter

    async def buggy(self: FakeAdapter) -> None:
        raise KeyError(f"https://fake.example/api/bot{self._token.reveal()}/getMe")

    monkeypatch.setattr(FakeAdapter, "me", buggy)
    result = payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY)
    assert result.rc == 1
    assert result.err.strip() == "payam: could not verify the token (KeyError); nothing was stored"
    assert stored(memory_keyring) == {}
