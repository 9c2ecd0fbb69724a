"""Payam's colour themes and messenger badges, as plain data (the app turns them into Textual
``Theme`` objects; no Textual here).

Two themes are registered besides Textual's own: ``payam-dark`` (the default) and
``payam-light``. Each messenger has a badge: a two-letter code that reads without colour
(``TG``, ``BL``, ``ET``, ``RB``, ``SP``) on the messenger's colour. The colours are theme
variables (``$badge-telegram`` …) with defaults for every theme, so a Textual theme picked in
the palette still has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True, slots=True)
class ThemeSpec:
    """The colours of one theme (Textual ``Theme`` fields of the same names)."""

    name: str
    dark: bool
    primary: str
    secondary: str
    accent: str
    foreground: str
    background: str
    surface: str
    panel: str
    success: str
    warning: str
    error: str
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Badge:
    """A messenger's badge: ``code`` is what a monochrome terminal shows."""

    code: str
    dark: str  # background on dark themes
    light: str  # background on light themes


BADGES: Final[dict[str, Badge]] = {
    "telegram": Badge("TG", "#2AABEE", "#1C7FB6"),
    "bale": Badge("BL", "#17A67E", "#0E7A5C"),
    "eitaa": Badge("ET", "#F28C28", "#C0620A"),
    "rubika": Badge("RB", "#B84FD8", "#8A2BAA"),
    "splus": Badge("SP", "#2F6FDE", "#1F4FA8"),
}
OTHER_BADGE: Final = Badge("", "#6C7A89", "#4E5A66")


def badge(messenger: str) -> Badge:
    """The badge of ``messenger``; a plug-in gets its first two letters on grey."""
    found = BADGES.get(messenger)
    if found is not None:
        return found
    return Badge(messenger[:2].upper() or "??", OTHER_BADGE.dark, OTHER_BADGE.light)


def badge_variables(dark: bool) -> dict[str, str]:
    """``badge-<messenger>`` theme variables (and ``badge-other``) for a dark or light theme."""
    out = {f"badge-{name}": (b.dark if dark else b.light) for name, b in BADGES.items()}
    out["badge-other"] = OTHER_BADGE.dark if dark else OTHER_BADGE.light
    out["badge-text"] = "#FFFFFF"
    return out


PAYAM_DARK: Final = ThemeSpec(
    name="payam-dark",
    dark=True,
    primary="#3FA7A0",
    secondary="#7E8FD6",
    accent="#E8A33D",
    foreground="#E4E7EB",
    background="#14181D",
    surface="#1B2027",
    panel="#232A33",
    success="#5BBF7A",
    warning="#E8B43D",
    error="#E5534B",
    variables={
        **badge_variables(True),
        "block-cursor-background": "#2C5F5B",
        "block-cursor-foreground": "#FFFFFF",
        "footer-key-foreground": "#3FA7A0",
    },
)

PAYAM_LIGHT: Final = ThemeSpec(
    name="payam-light",
    dark=False,
    primary="#1F7A73",
    secondary="#4457A8",
    accent="#B4690E",
    foreground="#1D232A",
    background="#F7F5F0",
    surface="#FFFFFF",
    panel="#E9E5DC",
    success="#2E8B4F",
    warning="#A86B00",
    error="#C0392B",
    variables={
        **badge_variables(False),
        "block-cursor-background": "#BFE3DF",
        "block-cursor-foreground": "#10201E",
        "footer-key-foreground": "#1F7A73",
    },
)

THEMES: Final[tuple[ThemeSpec, ...]] = (PAYAM_DARK, PAYAM_LIGHT)
DEFAULT: Final = PAYAM_DARK.name

__all__ = ["BADGES", "DEFAULT", "THEMES", "Badge", "ThemeSpec", "badge", "badge_variables"]
