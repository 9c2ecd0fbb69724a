"""The most frames a second the TUI draws (config ``max_fps``), handed to Textual.

Textual reads its frame rate once, from the environment variable ``TEXTUAL_FPS``, when it is
first imported, and draws a screen's changes on a clock of that rate: a change that comes just
after a frame waits for the next tick. So the value must be in the environment before Textual is
imported, which is why the commands that run the app call :func:`apply` before they import it.
A ``TEXTUAL_FPS`` the user set wins over the config key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from typing import Final

from tui.settings.schema import Config

ENV: Final = "TEXTUAL_FPS"


def apply(config: Config, env: MutableMapping[str, str] | None = None) -> bool:
    """Put ``config.max_fps`` into ``env`` (the process environment) unless ``TEXTUAL_FPS``
    is already set. False when Textual was already imported (the value cannot take effect)."""
    target = os.environ if env is None else env
    target.setdefault(ENV, str(config.max_fps))
    return "textual.constants" not in sys.modules


__all__ = ["ENV", "apply"]
