"""Paths (CONTRACTS §6): --flag, then PAYAM_* env, then platformdirs; nothing created early."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs
import pytest

from tui import cli
from tui.settings.config import parse_config
from tui.settings.paths import Paths, default_downloads_dir


def test_defaults_come_from_platformdirs(isolated_dirs: Path) -> None:
    paths = Paths.resolve(env={})
    assert paths.config_file == platformdirs.user_config_path("payam") / "config.toml"
    assert paths.data_dir == platformdirs.user_data_path("payam")
    # the autouse fixture points XDG dirs into the temp HOME: the real ones are never used
    assert paths.config_file.is_relative_to(isolated_dirs)
    assert paths.db_file.name == "payam.db" and paths.db_file.parent == paths.data_dir
    assert paths.locks_dir == paths.data_dir / "locks"
    assert paths.log_file == paths.data_dir / "payam.log"
    assert not paths.data_dir.exists()  # resolving creates nothing


def test_env_beats_default_and_flag_beats_env(tmp_path: Path) -> None:
    env = {"PAYAM_CONFIG": str(tmp_path / "env.toml"), "PAYAM_DATA_DIR": str(tmp_path / "envd")}
    by_env = Paths.resolve(env=env)
    assert by_env.config_file == tmp_path / "env.toml"
    assert by_env.data_dir == tmp_path / "envd"
    by_flag = Paths.resolve(tmp_path / "flag.toml", tmp_path / "flagd", env=env)
    assert by_flag.config_file == tmp_path / "flag.toml"
    assert by_flag.data_dir == tmp_path / "flagd"


def test_empty_env_counts_as_unset() -> None:
    paths = Paths.resolve(env={"PAYAM_CONFIG": "", "PAYAM_DATA_DIR": ""})
    assert paths == Paths.resolve(env={})


def test_tilde_and_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    paths = Paths.resolve("~/c.toml", "rel/data", env={})
    assert paths.config_file == Path(os.path.expanduser("~")) / "c.toml"
    assert paths.data_dir == tmp_path / "rel" / "data"


def test_cli_global_options_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYAM_CONFIG", str(tmp_path / "env.toml"))
    args = cli.build_parser().parse_args(["doctor"])
    assert Paths.from_args(args).config_file == tmp_path / "env.toml"
    args = cli.build_parser().parse_args(["--config", str(tmp_path / "x.toml"), "doctor"])
    assert Paths.from_args(args).config_file == tmp_path / "x.toml"
    monkeypatch.setenv("PAYAM_DATA_DIR", str(tmp_path / "d"))
    assert Paths.from_args(cli.build_parser().parse_args(["doctor"])).data_dir == tmp_path / "d"


def test_ensure_data_dir_is_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        paths = Paths.resolve(tmp_path / "c.toml", tmp_path / "a" / "b", env={})
        paths.ensure_data_dir()
    finally:
        os.umask(old)
    for d in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700


def test_existing_data_dir_mode_is_left_alone(tmp_path: Path) -> None:
    d = tmp_path / "shared"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)  # noqa: S103 - a directory the user chose, shared on purpose
    Paths.resolve(tmp_path / "c.toml", d, env={}).ensure_data_dir()
    assert stat.S_IMODE(d.stat().st_mode) == 0o755


def test_downloads_default_and_override(tmp_path: Path) -> None:
    assert default_downloads_dir() == platformdirs.user_downloads_path() / "Payam"
    cfg = tmp_path / "conf" / "config.toml"
    assert parse_config("", cfg).resolved_downloads_dir() == default_downloads_dir()
    rel = parse_config('downloads_dir = "dl"', cfg)
    assert rel.resolved_downloads_dir() == tmp_path / "conf" / "dl"
    home = parse_config('downloads_dir = "~/x"', cfg)
    assert home.resolved_downloads_dir() == Path(os.path.expanduser("~/x"))
