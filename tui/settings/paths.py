"""Where Payam keeps things (CONTRACTS §6), resolved once from the command line and environment.

=========  ======================================================  ===========================
What       Default                                                 Override (first wins)
=========  ======================================================  ===========================
config     ``platformdirs.user_config_path("payam")/config.toml``  ``--config``, ``PAYAM_CONFIG``
data dir   ``platformdirs.user_data_path("payam")``                ``--data-dir``,
           (``payam.db``, ``locks/``, ``payam.log``)               ``PAYAM_DATA_DIR``
downloads  ``platformdirs.user_downloads_path()/Payam``            config ``downloads_dir``
=========  ======================================================  ===========================

Resolving creates nothing: directories are made (mode 0700) by whoever writes into them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import platformdirs

APP_NAME = "payam"
CONFIG_ENV = "PAYAM_CONFIG"
DATA_DIR_ENV = "PAYAM_DATA_DIR"


class _PathArgs(Protocol):
    config: Path | None
    data_dir: Path | None


def _expand(value: str | os.PathLike[str]) -> Path:
    return Path(os.path.expanduser(os.fspath(value)))


@dataclass(frozen=True, slots=True)
class Paths:
    """The config file and the data directory of one Payam process."""

    config_file: Path
    data_dir: Path

    @classmethod
    def resolve(
        cls,
        config: str | os.PathLike[str] | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Paths:
        """Explicit arguments win, then ``PAYAM_CONFIG``/``PAYAM_DATA_DIR``, then platformdirs.

        An empty environment variable counts as unset.
        """
        environ = os.environ if env is None else env
        if config is None:
            config = environ.get(CONFIG_ENV) or None
        if data_dir is None:
            data_dir = environ.get(DATA_DIR_ENV) or None
        config_file = (
            _expand(config)
            if config is not None
            else platformdirs.user_config_path(APP_NAME) / "config.toml"
        )
        data = _expand(data_dir) if data_dir is not None else platformdirs.user_data_path(APP_NAME)
        return cls(config_file=config_file.absolute(), data_dir=data.absolute())

    @classmethod
    def from_args(cls, args: _PathArgs, env: Mapping[str, str] | None = None) -> Paths:
        """From the global ``--config``/``--data-dir`` options of :mod:`tui.cli`."""
        return cls.resolve(getattr(args, "config", None), getattr(args, "data_dir", None), env)

    @property
    def db_file(self) -> Path:
        """The SQLite store."""
        return self.data_dir / "payam.db"

    @property
    def locks_dir(self) -> Path:
        """One advisory lock file per polling account lives here."""
        return self.data_dir / "locks"

    @property
    def log_file(self) -> Path:
        """The rotating log (see :mod:`tui.settings.logs`)."""
        return self.data_dir / "payam.log"

    def ensure_data_dir(self) -> Path:
        """Create the data dir (mode 0700) if it is missing, and return it.

        An existing directory is left as it is: ``--data-dir`` may point anywhere, and changing
        the mode of a directory the user chose is not ours to do (``payam doctor`` reports it).
        """
        make_private_dir(self.data_dir)
        return self.data_dir


def default_downloads_dir() -> Path:
    """``platformdirs.user_downloads_path()/Payam``, for a config without ``downloads_dir``."""
    return platformdirs.user_downloads_path() / "Payam"


def make_private_dir(path: Path) -> None:
    """``mkdir -p`` with mode 0700 for every directory it creates (umask notwithstanding)."""
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)  # mkdir's mode is filtered through the umask
