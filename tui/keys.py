"""Key bindings from ``config.toml`` ``[keys]``: action → keys, in Textual's key spelling.

Every binding in the TUI is declared with the *default* keys of its action (:data:`DEFAULT_KEYS`,
or :data:`WIDGET_KEYS` for the widgets' own editing and dialog keys) and with the action's name
as the binding ``id`` (``Binding(default("down"), "cursor_down", id="down")``), so each one can
be rebound from ``[keys]``.
:meth:`Keymap.textual_keymap` is what the app hands ``App.set_keymap``: only the actions whose
keys the user changed, so Textual rebinds exactly those (an unchanged action keeps its declared
keys untouched). :meth:`Keymap.label` is what help, the key bar and the empty state show.

No Textual here: the key names are plain strings (``"ctrl+q"``, ``"question_mark"``, ``"G"``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from tui.settings.schema import DEFAULT_KEYS, WIDGET_KEYS

#: How a key name is shown to a person (anything else is shown as spelled).
_KEY_LABELS: Final[dict[str, str]] = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "backspace": "Bksp",
    "delete": "Del",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "plus": "+",
    "minus": "-",
    "comma": ",",
    "full_stop": ".",
    "colon": ":",
    "at": "@",
}
_MOD_LABELS: Final[dict[str, str]] = {
    "ctrl": "^",
    "alt": "M-",
    "shift": "S-",
    "meta": "M-",
    "super": "Super-",
    "hyper": "Hyper-",
}

#: The actions in the order help lists them, by section.
SECTIONS: Final[dict[str, tuple[str, ...]]] = {
    "app": ("help", "palette", "search", "accounts", "quit"),
    "inbox": (
        "down",
        "up",
        "page_down",
        "page_up",
        "first",
        "last",
        "open",
        "next_unread",
        "filter",
        "unread_only",
        "next_account",
        "next_messenger",
        "pin",
        "mute",
        "back",
    ),
    "composer": ("compose", "send", "newline", "attach"),
}

#: Every action's default keys: the everyday ones and the widgets' own.
ALL_DEFAULTS: Final[dict[str, tuple[str, ...]]] = {**WIDGET_KEYS, **DEFAULT_KEYS}


#: The actions whose arrow keys a right-to-left UI mirrors (:meth:`Keymap.mirrored`).
MIRRORED: Final = ("open", "back")


def default(action: str) -> str:
    """The default keys of ``action`` as a Textual binding key string (``"down,j"``)."""
    return ",".join(ALL_DEFAULTS[action])


def key_label(key: str) -> str:
    """``ctrl+q`` → ``^q``, ``question_mark`` → ``?``, ``pagedown`` → ``PgDn``."""
    *mods, name = key.split("+")
    shown = _KEY_LABELS.get(name, name)
    prefix = "".join(_MOD_LABELS.get(m, f"{m}-") for m in mods)
    if prefix == "^" and len(shown) == 1:
        return f"^{shown}"
    return f"{prefix}{shown}"


class Keymap:
    """The effective keys: the config's ``[keys]`` over :data:`DEFAULT_KEYS`."""

    def __init__(self, keys: Mapping[str, tuple[str, ...]] | None = None) -> None:
        """``keys``: ``Config.keys`` (already merged with the defaults by the settings)."""
        merged = dict(ALL_DEFAULTS)
        merged.update(keys or {})
        self._keys = merged

    def keys(self, action: str) -> tuple[str, ...]:
        """The keys bound to ``action`` (empty when the action is unknown or unbound)."""
        return self._keys.get(action, ())

    def binding(self, action: str) -> str:
        """The keys as a Textual binding key string."""
        return ",".join(self.keys(action))

    def label(self, action: str, limit: int = 3) -> str:
        """The first ``limit`` keys of ``action`` as people read them: ``↓ j``."""
        return " ".join(key_label(k) for k in self.keys(action)[:limit])

    def first(self, action: str) -> str:
        """The first key's label (for a sentence: "press ^a")."""
        keys = self.keys(action)
        return key_label(keys[0]) if keys else ""

    def mirrored(self) -> Keymap:
        """The keymap for a right-to-left UI: in ``open`` and ``back`` (the lists) the arrows
        swap, so → goes back and ← opens, as the mirrored layout reads."""
        swap = {"left": "right", "right": "left"}
        keys = dict(self._keys)
        for action in MIRRORED:
            keys[action] = tuple(swap.get(k, k) for k in keys.get(action, ()))
        return Keymap(keys)

    def changed(self) -> dict[str, tuple[str, ...]]:
        """The actions whose keys differ from the defaults (or that the defaults lack)."""
        return {a: k for a, k in self._keys.items() if ALL_DEFAULTS.get(a) != k}

    def textual_keymap(self) -> dict[str, str]:
        """For ``App.set_keymap``: binding id → keys, for the changed actions only."""
        return {action: ",".join(keys) for action, keys in self.changed().items() if keys}

    def __iter__(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        return iter(sorted(self._keys.items()))


__all__ = ["ALL_DEFAULTS", "MIRRORED", "SECTIONS", "Keymap", "default", "key_label"]
