"""Tokens: read from, stored in and deleted from the keyring, or produced by ``token_command``.

A token exists in Payam only as an :class:`adapters.secret.Secret` (which registers it with the
log redactor the moment it is created). It is stored in ``keyring`` under service ``payam``,
user ``<messenger>:<name>``, and nowhere else: never in argv, the config, the store or a log.
Every error raised here says what went wrong and what to do, holds no token and no command
output, and is raised outside ``except`` blocks so no traceback link leads to library state.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import signal
import subprocess
from typing import TYPE_CHECKING

from adapters.secret import Secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from tui.settings.keyrings import KeyringStatus
    from tui.settings.schema import AccountConfig, Config

SERVICE = "payam"
_HOLDS_NOTHING = frozenset({"keyring.backends.null.Keyring", "keyring.backends.fail.Keyring"})
log = logging.getLogger(__name__)


class SecretsError(Exception):
    """A token could not be read, stored or deleted. ``str()`` is safe to show."""


class KeyringRefused(SecretsError):
    """The selected keyring backend is not acceptable (see :mod:`tui.settings.keyrings`)."""

    def __init__(self, status: KeyringStatus) -> None:
        self.status = status
        super().__init__(status.message)


class KeyringFailed(SecretsError):
    """The backend was accepted but an operation on it failed (locked, D-Bus gone …)."""


class TokenMissing(SecretsError):
    """No token is stored for the account."""


class TokenCommandFailed(SecretsError):
    """``token_command`` could not be run, failed, timed out or printed nothing."""


def require_keyring(allow_insecure: bool = False) -> KeyringStatus:
    """The backend verdict, raising :class:`KeyringRefused` when it is refused."""
    from tui.settings.keyrings import check_keyring_backend

    status = check_keyring_backend(allow_insecure)
    if not status.accepted or status.backend is None:
        raise KeyringRefused(status)
    return status


def _describe(exc: BaseException) -> str:
    from adapters.redact import scrub

    text = scrub(str(exc).splitlines()[0] if str(exc) else "")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _backend(allow_insecure: bool) -> KeyringBackend:
    backend = require_keyring(allow_insecure).backend
    assert backend is not None  # require_keyring guarantees it
    return backend


def get_token(account: AccountConfig, config: Config) -> Secret:
    """The account's token: from its ``token_command`` if it has one, else from the keyring."""
    if account.token_command:
        return run_token_command(account.token_command, config.token_command_timeout, account.key)
    return load_token(account.key, allow_insecure=config.allow_insecure_keyring)


def load_token(key: str, *, allow_insecure: bool = False) -> Secret:
    """The token stored for ``<messenger>:<name>``; :class:`TokenMissing` when there is none."""
    backend = _backend(allow_insecure)
    error: SecretsError | None = None
    value: str | None = None
    try:
        value = backend.get_password(SERVICE, key)
    except Exception as exc:  # locked collection, D-Bus gone, a plug-in's own errors
        error = KeyringFailed(f"cannot read the token of {key} from the keyring ({_describe(exc)})")
    if error is not None:
        raise error
    if not value:
        raise TokenMissing(
            f"no token for {key} in the keyring: run `payam account remove {key}` and "
            f"`payam account add` again"
        )
    return Secret(value)


def store_token(key: str, token: Secret, *, allow_insecure: bool = False) -> KeyringStatus:
    """Store ``token`` for ``key`` and read it back; return the backend verdict used.

    The read-back catches backends that accept a token and keep nothing (``null``).
    """
    status = require_keyring(allow_insecure)
    backend = status.backend
    assert backend is not None
    error: SecretsError | None = None
    try:
        backend.set_password(SERVICE, key, token.reveal())
        kept = backend.get_password(SERVICE, key)
    except Exception as exc:
        error = KeyringFailed(f"cannot store the token of {key} in the keyring ({_describe(exc)})")
        kept = None
    if error is not None:
        raise error
    if kept is None or Secret(kept) != token:
        raise KeyringFailed(
            f"the keyring backend {status.name} did not keep the token of {key}; "
            "use a Secret Service or a token_command"
        )
    log.info("token of %s stored in %s", key, status.name)
    return status


def delete_token(key: str, *, allow_insecure: bool = True) -> bool:
    """Delete the token of ``key``; False when there was none.

    Deleting is allowed from any backend by default: removing a token from a plaintext file is
    exactly what a user who is leaving such a backend wants.
    """
    from keyring.errors import PasswordDeleteError

    status = require_keyring(allow_insecure)
    if status.name in _HOLDS_NOTHING:
        return False  # nothing can have been stored there; "fail" would raise on delete
    backend = status.backend
    assert backend is not None
    error: SecretsError | None = None
    try:
        backend.delete_password(SERVICE, key)
    except PasswordDeleteError:
        return False
    except Exception as exc:
        error = KeyringFailed(
            f"cannot delete the token of {key} from the keyring ({_describe(exc)})"
        )
    if error is not None:
        raise error
    log.info("token of %s deleted from the keyring", key)
    return True


def run_token_command(command: str, timeout_s: float = 30.0, key: str = "the account") -> Secret:
    """Run ``command`` without a shell and return the first line of its stdout as a Secret.

    stdin is closed, stderr is captured and discarded (it may quote the secret), and the
    command runs in its own process group so a timeout kills everything it started. Neither the
    command's output nor the command line is logged or put into an error.
    """
    argv = shlex.split(command)
    if not argv:
        raise TokenCommandFailed(f"the token_command of {key} is empty")
    error: TokenCommandFailed | None = None
    out = b""
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            close_fds=True,
        )
    except FileNotFoundError:
        error = TokenCommandFailed(
            f"the token_command of {key} cannot be run: {argv[0]!r} not found"
        )
    except OSError as exc:
        error = TokenCommandFailed(
            f"the token_command of {key} cannot be run ({exc.strerror or type(exc).__name__})"
        )
    if error is not None:
        raise error
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        error = TokenCommandFailed(
            f"the token_command of {key} did not finish within {timeout_s:g} s (stopped)"
        )
    if error is not None:
        raise error
    log.debug("token_command of %s exited with status %s", key, proc.returncode)
    if proc.returncode != 0:
        raise TokenCommandFailed(
            f"the token_command of {key} failed with exit status {proc.returncode} "
            "(its output is not shown; run it yourself to see why)"
        )
    first = out.split(b"\n", 1)[0].strip()
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if not text:
        raise TokenCommandFailed(f"the token_command of {key} printed no token")
    return Secret(text)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        proc.kill()
    # Pipes may be held by grandchildren we could not kill; never wait on them forever.
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=2)
