"""The keyring policy matrix: null, fail, plaintext and unknown backends refuse unless opted in;
accepted ones work; and no token byte reaches the disk when a backend is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyrings.alt.file import PlaintextKeyring

from tests.settings.conftest import Result
from tests.settings.helpers import CANARY, FakeServer, find_canary, leaks
from tui.settings import secrets
from tui.settings.keyrings import MemoryKeyring, check_keyring_backend, use_memory_keyring


class _DictBackend(KeyringBackend):
    priority = -20  # never picked by keyring's own selection

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.data.pop((service, username))


# Stands in for the real Secret Service class (same module and name, which is what the policy
# checks); the real one is exercised in test_real_secret_service.py.
FakeSecretService = type(
    "Keyring", (_DictBackend,), {"__module__": "keyring.backends.SecretService"}
)


class SomeThirdPartyKeyring(_DictBackend):
    """A backend the policy has never heard of."""


def plaintext(home: Path) -> PlaintextKeyring:
    backend = PlaintextKeyring()
    assert Path(backend.file_path).is_relative_to(home)  # never the developer's real file
    return backend


INSECURE: dict[str, Callable[[Path], KeyringBackend]] = {
    "null": lambda home: null.Keyring(),
    "fail": lambda home: fail.Keyring(),
    "plaintext": plaintext,
    "unknown": lambda home: SomeThirdPartyKeyring(),
}


@pytest.mark.parametrize("kind", list(INSECURE))
def test_insecure_backends_are_refused_with_advice(kind: str, isolated_dirs: Path) -> None:
    keyring.set_keyring(INSECURE[kind](isolated_dirs))
    status = check_keyring_backend(allow_insecure=False)
    assert not status.accepted
    for advice in ("Secret Service", "token_command", "allow_insecure_keyring = true"):
        assert advice in status.message
    with pytest.raises(secrets.KeyringRefused) as info:
        secrets.store_token("fake:shop", secrets.Secret(CANARY))
    assert not leaks(str(info.value))
    with pytest.raises(secrets.KeyringRefused):
        secrets.load_token("fake:shop")


@pytest.mark.parametrize("kind", list(INSECURE))
def test_cli_refuses_before_asking_for_the_token_and_nothing_reaches_disk(
    kind: str,
    isolated_dirs: Path,
    tmp_path: Path,
    fake_server: FakeServer,
    payam: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keyring.set_keyring(INSECURE[kind](isolated_dirs))
    monkeypatch.setattr("getpass.getpass", pytest.fail)  # must not even ask
    result = payam("account", "add", "fake", "shop", stdin=CANARY + "\n")
    assert result.rc == 1
    assert "refused" in result.err and "allow_insecure_keyring" in result.err
    assert fake_server.requests == []
    assert not leaks(result.out + result.err)
    assert find_canary([isolated_dirs, tmp_path]) == []
    assert not (isolated_dirs / ".local/share/python_keyring/keyring_pass.cfg").exists()


def test_opt_in_accepts_plaintext_with_a_warning(
    isolated_dirs: Path,
    fake_server: FakeServer,
    payam: Callable[..., Result],
    dirs: tuple[Path, Path],
) -> None:
    backend = plaintext(isolated_dirs)
    keyring.set_keyring(backend)
    config, _ = dirs
    config.parent.mkdir(parents=True)
    config.write_text("allow_insecure_keyring = true\n")
    status = check_keyring_backend(allow_insecure=True)
    assert status.accepted and status.insecure_opt_in and "INSECURE" in status.reason
    assert payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY).rc == 0
    assert find_canary([isolated_dirs]) == [backend.file_path]  # the user chose this
    assert "INSECURE" in payam("doctor").out
    assert payam("account", "remove", "fake:shop").rc == 0
    assert find_canary([isolated_dirs]) == []  # and removing it takes it off the disk


@pytest.mark.parametrize("kind", ["null", "fail"])
def test_opt_in_cannot_make_a_backend_keep_what_it_drops(
    kind: str,
    isolated_dirs: Path,
    fake_server: FakeServer,
    payam: Callable[..., Result],
    dirs: tuple[Path, Path],
) -> None:
    keyring.set_keyring(INSECURE[kind](isolated_dirs))
    config, _ = dirs
    config.parent.mkdir(parents=True)
    config.write_text("allow_insecure_keyring = true\n")
    result = payam("account", "add", "fake", "shop", "--token-stdin", stdin=CANARY)
    assert result.rc == 1
    assert ("did not keep the token" if kind == "null" else "cannot store the token") in result.err
    assert "fake:shop" not in config.read_text()
    assert not leaks(result.err) and find_canary([isolated_dirs]) == []


def test_accepted_backends() -> None:
    keyring.set_keyring(FakeSecretService())
    status = check_keyring_backend()
    assert status.accepted and status.name == "keyring.backends.SecretService.Keyring"
    assert "Secret Service" in status.reason and not status.ephemeral
    memory = use_memory_keyring()
    assert keyring.get_keyring() is memory
    status = check_keyring_backend()
    assert status.accepted and status.ephemeral and status.backend is memory


def test_memory_keyring_is_never_picked_automatically() -> None:
    assert MemoryKeyring.priority < fail.Keyring.priority
    assert MemoryKeyring not in [type(b) for b in chainer.ChainerBackend.backends]


def test_chainer_is_judged_by_its_write_target(
    monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path
) -> None:
    secure, plain = FakeSecretService(), plaintext(isolated_dirs)
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [secure, plain])
    keyring.set_keyring(chainer.ChainerBackend())
    status = check_keyring_backend()
    assert status.accepted and status.backend is secure
    assert "first of a chain" in status.reason and "PlaintextKeyring" in status.reason
    secrets.store_token("fake:x", secrets.Secret(CANARY))
    assert secure.data[("payam", "fake:x")] == CANARY
    assert find_canary([isolated_dirs]) == []  # never fell through to the file

    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plain, secure])
    refused = check_keyring_backend()
    assert not refused.accepted and "PlaintextKeyring" in refused.name

    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    empty = check_keyring_backend(allow_insecure=True)
    assert not empty.accepted and "nothing can be stored" in empty.reason


def test_a_backend_that_cannot_start_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> KeyringBackend:
        raise RuntimeError("bad keyringrc")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    status = check_keyring_backend()
    assert not status.accepted and "could not start" in status.reason


def test_store_load_delete_round_trip(memory_keyring: MemoryKeyring) -> None:
    token = secrets.Secret(CANARY)
    status = secrets.store_token("fake:shop", token)
    assert status.accepted
    assert memory_keyring.store[("payam", "fake:shop")] == CANARY
    loaded = secrets.load_token("fake:shop")
    assert isinstance(loaded, secrets.Secret) and loaded == token
    assert not leaks(repr(loaded)) and not leaks(str(loaded))
    assert secrets.delete_token("fake:shop") is True
    assert secrets.delete_token("fake:shop") is False
    with pytest.raises(secrets.TokenMissing, match="no token for fake:shop"):
        secrets.load_token("fake:shop")


def test_backend_errors_are_clear_and_hold_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.errors import KeyringLocked

    class Locked(_DictBackend):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise KeyringLocked(f"collection locked while storing {password}")

        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("collection locked")

    Locked.__module__ = "keyring.backends.SecretService"
    Locked.__qualname__ = "Keyring"
    keyring.set_keyring(Locked())
    secrets.Secret(CANARY)  # registered with the redactor, as every loaded token is
    with pytest.raises(secrets.KeyringFailed) as info:
        secrets.store_token("fake:shop", secrets.Secret(CANARY))
    assert "KeyringLocked" in str(info.value) and not leaks(str(info.value))
    assert info.value.__context__ is None and info.value.__cause__ is None
    with pytest.raises(secrets.KeyringFailed, match="cannot read the token of fake:shop"):
        secrets.load_token("fake:shop")
