"""Edit ``config.toml`` — add and remove accounts, set an option — keeping the user's comments.

Each edit runs under an advisory lock on the config's directory (two ``payam`` processes never
interleave a read-modify-write), validates the current file first (a broken file is never
rewritten), validates the result and checks it holds exactly the expected accounts, then
replaces the file atomically (temp file, fsync, rename) with the old file's mode (0600 for a
new one). A symlinked config (dotfiles) is written through the link.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tui.settings import tomledit
from tui.settings.config import (
    HEADER,
    TOP_KEYS,
    ConfigError,
    Problem,
    load_config,
    parse_config,
)
from tui.settings.schema import AccountConfig, Config


def add_account(path: Path, account: AccountConfig) -> Config:
    """Append ``account`` to the file at ``path`` (created if missing); return the new config.

    The user's comments and layout are kept. Raises :class:`ConfigError` when the current file
    is invalid, when the account already exists, or when the edit would not validate.
    """
    import tomlkit

    entry = tomlkit.table()
    entry["messenger"] = account.messenger
    entry["name"] = account.name
    if account.base_url is not None:
        entry["base_url"] = account.base_url
    if account.proxy is not None:
        entry["proxy"] = account.proxy
    if account.channels:
        entry["channels"] = list(account.channels)
    if account.send_only:
        entry["send_only"] = True
    if account.token_command is not None:
        entry["token_command"] = account.token_command
    block = _render_entry(entry)

    with _locked(path):
        current = load_config(path)
        if current.account(account.key) is not None:
            raise ConfigError(path, [Problem("accounts", f"account {account.key} already exists")])
        text = _read_text(path) if current.exists else HEADER
        if _accounts_inline(text):
            new_text = _edit_inline(text, lambda arr: arr.append(_inline(entry)))
        else:
            new_text = tomledit.append_block(text, block)
        config = _checked_edit(path, new_text, expect=[*current.accounts, account])
        _write_atomic(path, new_text)
    return config


def remove_account(path: Path, key: str) -> Config:
    """Remove the account ``<messenger>:<name>`` (and the comments just above it)."""
    with _locked(path):
        current = load_config(path)
        index = next((i for i, a in enumerate(current.accounts) if a.key == key), None)
        if index is None:
            raise ConfigError(path, [Problem("accounts", f"there is no account {key}")])
        text = _read_text(path)
        if _accounts_inline(text):
            new_text = _edit_inline(text, lambda arr: arr.pop(index))
        else:
            new_text = tomledit.remove_block(text, index)
        expected = [a for a in current.accounts if a.key != key]
        config = _checked_edit(path, new_text, expect=expected)
        _write_atomic(path, new_text)
    return config


def set_option(path: Path, key: str, value: str | bool | float) -> Config:
    """Set one top-level scalar (``theme``, ``bidi``, …) keeping comments; validated first."""
    import tomlkit

    if key not in TOP_KEYS or key in ("notifications", "keys", "accounts"):
        raise ConfigError(path, [Problem(key, "is not a top-level setting")])
    with _locked(path):
        current = load_config(path)
        doc = tomlkit.parse(_read_text(path) if current.exists else HEADER)
        doc[key] = value
        new_text = tomlkit.dumps(doc)
        config = _checked_edit(path, new_text, expect=list(current.accounts))
        _write_atomic(path, new_text)
    return config


def _render_entry(entry: Any) -> str:
    import tomlkit

    aot = tomlkit.aot()
    aot.append(entry)
    doc = tomlkit.document()
    doc["accounts"] = aot
    return tomlkit.dumps(doc)


def _inline(entry: Any) -> Any:
    import tomlkit

    table = tomlkit.inline_table()
    table.update(entry)
    return table


def _accounts_inline(text: str) -> bool:
    """True when the file spells ``accounts = [{...}, ...]`` rather than ``[[accounts]]``."""
    import tomlkit

    doc = tomlkit.parse(text)
    return "accounts" in doc and isinstance(doc["accounts"], tomlkit.items.Array)


def _edit_inline(text: str, edit: Callable[[Any], object]) -> str:
    import tomlkit

    doc = tomlkit.parse(text)
    edit(doc["accounts"])
    return tomlkit.dumps(doc)


def _checked_edit(path: Path, text: str, expect: Sequence[AccountConfig]) -> Config:
    """Validate the edited text and make sure it holds exactly the expected accounts."""
    config = parse_config(text, path)
    if list(config.accounts) != list(expect):
        raise ConfigError(
            path, [Problem("accounts", "could not be edited safely; please edit the file by hand")]
        )
    return config


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _write_atomic(path: Path, text: str) -> None:
    """Write beside the target, fsync, rename over it: a crash leaves the old or the new file."""
    from tui.settings.paths import make_private_dir

    target = path.resolve() if path.is_symlink() else path  # keep a dotfiles symlink working
    make_private_dir(target.parent)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o600
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the config between processes (flock on its directory)."""
    try:
        import fcntl
    except ImportError:  # no flock on this platform: edits are rare and interactive
        yield
        return
    from tui.settings.paths import make_private_dir

    make_private_dir(path.parent)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
