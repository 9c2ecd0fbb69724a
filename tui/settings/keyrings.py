"""The keyring policy: which ``keyring`` backends may hold tokens, and the demo's memory keyring.

``keyring`` picks a backend silently. On a headless Linux box without a Secret Service it picks
``fail.Keyring`` (loud), but with ``keyrings.alt`` installed it picks ``PlaintextKeyring`` and
writes tokens to a plain file; ``PYTHON_KEYRING_BACKEND=…null.Keyring`` drops them without a
word (``reference/security.md`` §2.2). So Payam checks the chosen backend *class* before a token
is read or stored:

* accepted: Secret Service / libsecret, macOS Keychain, Windows Credential Locker, KWallet, and
  Payam's own :class:`MemoryKeyring` (it never writes anything anywhere);
* refused: ``null`` (stores nothing), ``fail`` (no backend), plaintext files, and any backend
  Payam does not know — unless the config says ``allow_insecure_keyring = true``;
* a ``ChainerBackend`` is judged by the backend it would write to (its first), and Payam then
  talks to that backend directly, so a locked Secret Service can never fall through to a file.

Nothing here runs at import time: :func:`check_keyring_backend` is called after the first paint
(TUI) or when a command needs a token (CLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

# Exact classes that keep secrets encrypted by the OS.
_ACCEPTED = {
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Locker",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet 4",
}
# Classes (or their subclasses) that must never hold a token without the user's say-so.
_INSECURE = {
    "keyring.backends.null.Keyring": "stores nothing: every token would be silently lost",
    "keyring.backends.fail.Keyring": "means no usable keyring was found",
    "keyrings.alt.file.PlaintextKeyring": "writes tokens unencrypted to a file",
    "keyrings.alt.file_base.Keyring": "writes tokens to a file Payam cannot vouch for",
    "keyrings.alt.Google.DocsKeyring": "stores tokens in a Google document",
}
ADVICE = (
    "install and unlock a Secret Service (e.g. gnome-keyring, or KeePassXC with its Secret "
    "Service integration), or give the account a token_command (e.g. `pass show bale/shop`), "
    "or set allow_insecure_keyring = true in the config file to accept this backend"
)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict of this process: for ``payam demo`` and the tests.

    Its priority is negative so ``keyring``'s automatic selection never picks it (a real user's
    token would vanish on exit); it is used only when installed explicitly, by
    :func:`use_memory_keyring`, ``keyring.set_keyring`` or ``PYTHON_KEYRING_BACKEND``.
    """

    priority = -10

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


def use_memory_keyring() -> MemoryKeyring:
    """Install a fresh :class:`MemoryKeyring` for this process (the demo) and return it."""
    import keyring

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    """The verdict on the keyring backend ``keyring`` selected."""

    name: str  # ``module.Class`` of the backend that would hold the token
    accepted: bool
    reason: str  # one line: why accepted or refused
    backend: KeyringBackend | None = None  # the backend to use (a chainer's first member)
    ephemeral: bool = False  # tokens last only as long as this process
    insecure_opt_in: bool = False  # accepted only because allow_insecure_keyring = true

    @property
    def message(self) -> str:
        """What to tell the user, including what to do when refused."""
        if self.accepted:
            return f"keyring backend {self.name}: {self.reason}"
        return f"keyring backend {self.name} refused: {self.reason}. To fix: {ADVICE}"


def qualified_name(obj: object) -> str:
    """``module.Class`` of an object's class."""
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _insecure_reason(backend: object) -> str | None:
    for cls in type(backend).__mro__:
        reason = _INSECURE.get(f"{cls.__module__}.{cls.__qualname__}")
        if reason is not None:
            return reason
    name = qualified_name(backend).lower()
    if "plaintext" in name or "unencrypted" in name:
        return "stores tokens unencrypted"
    return None


def _unwrap(backend: KeyringBackend) -> tuple[KeyringBackend | None, str]:
    """The backend that would actually store a token, and how it was reached."""
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        chained: list[Any] = list(backend.backends)
        if not chained:
            return None, "a chain of no backends (nothing can be stored)"
        others = ", ".join(qualified_name(b) for b in chained[1:])
        via = f"first of a chain{' (also: ' + others + ')' if others else ''}"
        return chained[0], via
    inner = getattr(backend, "_keyring", None)  # keyrings.alt's MultipartKeyringWrapper
    if isinstance(inner, KeyringBackend) and "Multipart" in type(backend).__name__:
        return inner, f"wrapped by {qualified_name(backend)}"
    return backend, ""


def check_keyring_backend(allow_insecure: bool = False) -> KeyringStatus:
    """Judge the backend ``keyring`` selected (env, keyringrc, or its own priority order).

    Never raises: a backend that fails to initialise is reported as refused.
    """
    import keyring

    try:
        selected = keyring.get_keyring()
    except Exception as exc:  # a broken keyringrc or plug-in: report, don't crash
        return KeyringStatus(
            name="(none)", accepted=False, reason=f"keyring could not start ({type(exc).__name__})"
        )
    backend, via = _unwrap(selected)
    if backend is None:
        return KeyringStatus(name=qualified_name(selected), accepted=False, reason=via)
    name = qualified_name(backend)
    suffix = f"; {via}" if via else ""
    if isinstance(backend, MemoryKeyring):
        return KeyringStatus(
            name,
            True,
            "in memory only: nothing is written, tokens are gone when Payam exits" + suffix,
            backend,
            ephemeral=True,
        )
    if name in _ACCEPTED:
        return KeyringStatus(name, True, f"accepted ({_ACCEPTED[name]}){suffix}", backend)
    reason = _insecure_reason(backend) or (
        "unknown to Payam: it cannot tell whether this backend encrypts tokens"
    )
    if allow_insecure:
        return KeyringStatus(
            name,
            True,
            f"INSECURE, accepted because allow_insecure_keyring = true: {reason}" + suffix,
            backend,
            insecure_opt_in=True,
        )
    return KeyringStatus(name, False, reason + suffix, backend)
