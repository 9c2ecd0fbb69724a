"""max_fps reaches Textual (TEXTUAL_FPS, read once at import) unless the user set it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tui.settings import framerate
from tui.settings.schema import Config


def test_config_value_goes_into_an_empty_environment() -> None:
    env: dict[str, str] = {}
    framerate.apply(Config(path=Path("config.toml"), max_fps=90), env)
    assert env == {"TEXTUAL_FPS": "90"}


def test_users_textual_fps_wins() -> None:
    env = {"TEXTUAL_FPS": "30"}
    framerate.apply(Config(path=Path("config.toml"), max_fps=90), env)
    assert env == {"TEXTUAL_FPS": "30"}


def test_textual_draws_at_the_configured_rate() -> None:
    """In a fresh interpreter (as `payam` runs): applied before Textual is imported, the screen
    clock ticks at the configured rate; the default is 120, not Textual's 60."""
    code = (
        "from tui.settings import framerate\n"
        "from pathlib import Path\nfrom tui.settings.schema import Config\n"
        'print(framerate.apply(Config(path=Path("config.toml"))))\n'
        "import textual.screen\n"
        "print(round(1 / textual.screen.UPDATE_PERIOD))\n"
        'print(framerate.apply(Config(path=Path("config.toml"))))\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    # True: in time; 120 drawn; False: too late once Textual is in
    assert out == ["True", "120", "False"]
