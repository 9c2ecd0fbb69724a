"""Editing config.toml: add/remove accounts and set options keep the user's comments."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from tui.settings import tomledit
from tui.settings.config import HEADER, ConfigError, load_config
from tui.settings.edit import add_account, remove_account, set_option
from tui.settings.schema import AccountConfig

SAMPLE = """\
# Payam config -- my header
bidi = "auto"  # trailing comment

[notifications]
bell = true  # ring it

# first account: the shop
[[accounts]]
messenger = "bale"   # inline comment
name = "shop"

# second: support
[[accounts]]  # header comment
messenger = "telegram"
name = "support"
# a comment inside support

# keys section
[keys]
quit = ["ctrl+q"]  # keep me
"""

NEW = AccountConfig(
    "eitaa",
    "news",
    base_url="http://127.0.0.1:8700/eitaa",
    proxy="socks5h://127.0.0.1:1080",
    channels=("@mychannel", "-100123"),
    send_only=True,
    token_command="pass show eitaa/news",
)


def comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(SAMPLE)
    return path


def test_add_keeps_every_comment_in_place(sample: Path) -> None:
    config = add_account(sample, NEW)
    text = sample.read_text()
    assert comments(text) == comments(SAMPLE)
    assert config.account("eitaa:news") == NEW
    assert load_config(sample) == config
    # the new entry follows the last account, and "# keys section" still introduces [keys]
    assert text.index('name = "support"') < text.index('name = "news"') < text.index("# keys")
    assert "# keys section\n[keys]" in text
    data = tomllib.loads(text)
    assert data["accounts"][2] == {
        "messenger": "eitaa",
        "name": "news",
        "base_url": "http://127.0.0.1:8700/eitaa",
        "proxy": "socks5h://127.0.0.1:1080",
        "channels": ["@mychannel", "-100123"],
        "send_only": True,
        "token_command": "pass show eitaa/news",
    }


def test_add_then_remove_gives_back_the_same_bytes(sample: Path) -> None:
    add_account(sample, NEW)
    remove_account(sample, "eitaa:news")
    assert sample.read_text() == SAMPLE


def test_remove_takes_only_that_accounts_own_comments(sample: Path) -> None:
    remove_account(sample, "bale:shop")
    text = sample.read_text()
    assert "# first account: the shop" not in text and "inline comment" not in text
    for kept in (
        "# second: support",
        "# header comment",
        "# a comment inside support",
        "# keys section",
        "# keep me",
        "# ring it",
        "-- my header",
    ):
        assert kept in text, kept
    assert "# second: support\n[[accounts]]  # header comment" in text
    remove_account(sample, "telegram:support")
    text = sample.read_text()
    assert "support" not in text
    assert comments(text) == [
        "# Payam config -- my header",
        "# trailing comment",
        "# ring it",
        "# keys section",
        "# keep me",
    ]
    assert "[[accounts]]" not in text
    assert load_config(sample).accounts == ()


def test_remove_last_account_at_end_of_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('theme = "x"\n\n# mine\n[[accounts]]\nmessenger = "bale"\nname = "a"\n')
    remove_account(path, "bale:a")
    assert path.read_text() == 'theme = "x"\n'


def test_new_file_gets_a_header_and_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    old = os.umask(0o022)
    try:
        add_account(path, AccountConfig("bale", "shop"))
    finally:
        os.umask(old)
    text = path.read_text()
    assert text.startswith(HEADER)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert tomllib.loads(text) == {"accounts": [{"messenger": "bale", "name": "shop"}]}


def test_existing_mode_is_kept_and_symlink_followed(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "payam.toml"
    real.parent.mkdir()
    real.write_text(SAMPLE)
    os.chmod(real, 0o640)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    add_account(link, NEW)
    assert link.is_symlink()
    assert "news" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert not [p for p in real.parent.iterdir() if p.name.endswith(".tmp")]


def test_duplicate_and_missing_accounts_are_refused(sample: Path) -> None:
    with pytest.raises(ConfigError, match=r"accounts: account bale:shop already exists"):
        add_account(sample, AccountConfig("bale", "shop"))
    with pytest.raises(ConfigError, match="there is no account bale:nope"):
        remove_account(sample, "bale:nope")
    assert sample.read_text() == SAMPLE


def test_an_invalid_file_is_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    bad = 'bidi = "sideways"  # mine\n'
    path.write_text(bad)
    with pytest.raises(ConfigError, match="bidi"):
        add_account(path, NEW)
    assert path.read_text() == bad


def test_inline_accounts_array_is_edited_too(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('# top\naccounts = [{messenger = "bale", name = "a"}]  # inline\n')
    add_account(path, AccountConfig("bale", "b"))
    assert [a.key for a in load_config(path).accounts] == ["bale:a", "bale:b"]
    remove_account(path, "bale:a")
    assert [a.key for a in load_config(path).accounts] == ["bale:b"]
    assert "# top" in path.read_text()


def test_tricky_values_do_not_confuse_the_scanner(tmp_path: Path) -> None:
    text = (
        'note = """\n[[accounts]]\nmessenger = "x"\n"""\n'
        "matrix = [\n  [1, 2],\n  [3],\n]\n"
        "[[accounts]]\nmessenger = 'bale'\nname = 'a'\n"
        "[accounts.extra]\nx = 1\n"
        "[[accounts]]\nmessenger = 'bale'\nname = 'b'\n"
    )
    kinds = [line.kind for line in tomledit.scan(text)]
    assert kinds[:4] == ["other", "other", "other", "other"]
    assert kinds[4:8] == ["other"] * 4
    assert len(tomledit.account_blocks(text)) == 2
    path = tmp_path / "c.toml"
    path.write_text(text)
    remove_account(path, "bale:a")
    after = path.read_text()
    assert 'note = """\n[[accounts]]\nmessenger = "x"\n"""' in after
    assert "[accounts.extra]" not in after  # the sub-table went with its entry
    assert [a.key for a in load_config(path).accounts] == ["bale:b"]


def test_set_option_keeps_comments(sample: Path) -> None:
    config = set_option(sample, "theme", "nord")
    assert config.theme == "nord"
    set_option(sample, "bidi", "app")
    text = sample.read_text()
    assert comments(text) == comments(SAMPLE)
    assert load_config(sample).bidi == "app"
    with pytest.raises(ConfigError, match="bidi"):
        set_option(sample, "bidi", "sideways")
    with pytest.raises(ConfigError, match="not a top-level setting"):
        set_option(sample, "accounts", "x")
    assert load_config(sample).bidi == "app"


def test_many_adds_and_removes_keep_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(SAMPLE)
    names = [f"n{i}" for i in range(12)]
    for name in names:
        add_account(path, AccountConfig("bale", name))
    for name in names[::2]:
        remove_account(path, f"bale:{name}")
    keys = [a.key for a in load_config(path).accounts]
    assert keys == ["bale:shop", "telegram:support", *(f"bale:{n}" for n in names[1::2])]
    assert comments(path.read_text()) == comments(SAMPLE)
