"""Every key binding of the TUI is a ``config.toml`` ``[keys]`` action (its id), declared with
that action's default keys; the config rebinds the editor's keys too; and the editor runs its
own bindings in the order the keys came, even in a burst (tmux ``send-keys``, a fast typist)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.dom import DOMNode

import tui
from tests.tui.screen import until_shown
from tui.keys import ALL_DEFAULTS, Keymap, default
from tui.settings.schema import DEFAULT_KEYS, WIDGET_KEYS
from tui.widgets.editor import BidiEditor

#: The one binding whose keys are wider than its action's defaults: the bare editor also takes
#: Alt+Enter for a new line (the composer's own ``newline`` binding follows ``[keys]``).
WIDER = {("EditorKeys", "newline")}


def tui_classes() -> Iterator[type[DOMNode]]:
    """Every widget, screen and app class defined in the ``tui`` package."""
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        if info.name.startswith(("tui.engine", "tui.text", "tui.settings", "tui.__main__")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            is_node = isinstance(value, type) and issubclass(value, DOMNode)
            if is_node and value.__module__ == info.name:
                yield value


def test_every_binding_is_a_keys_action_with_its_default_keys() -> None:
    seen = 0
    for cls in tui_classes():
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding), f"{cls.__name__}: {binding!r} is not a Binding"
            where = f"{cls.__name__}.{binding.action}"
            assert binding.id in ALL_DEFAULTS, f"{where} has no [keys] action as its id"
            if (cls.__name__, binding.id) not in WIDER:
                assert binding.key == default(binding.id), f"{where} keys are not the defaults"
            seen += 1
    assert seen > 60  # the walk found the screens and widgets
    assert not set(DEFAULT_KEYS) & set(WIDGET_KEYS)


class EditorApp(App[None]):
    """A bare editor under a keymap."""

    def __init__(self, keys: dict[str, tuple[str, ...]] | None = None) -> None:
        super().__init__()
        keymap = Keymap(keys).textual_keymap()
        if keymap:
            self.set_keymap(keymap)

    def compose(self) -> ComposeResult:
        yield BidiEditor()


async def test_the_config_rebinds_the_editors_keys() -> None:
    app = EditorApp({"delete_word_back": ("ctrl+b",), "zwnj": ("ctrl+z",)})
    async with app.run_test() as pilot:
        editor = app.query_one(BidiEditor)
        editor.focus()
        await pilot.press(*"ab cd", "ctrl+w")
        assert editor.text == "ab cd"  # Ctrl+W is no longer bound
        await pilot.press("ctrl+b")
        assert editor.text == "ab "
        await pilot.press(*"می", "ctrl+z", "ctrl+space", *"خو")
        assert editor.text == "ab می\u200cخو"  # Ctrl+Space was moved to Ctrl+Z


async def test_a_burst_of_keys_is_applied_in_order() -> None:
    """Keys posted at once, as a terminal delivers a burst: the ZWNJ (a binding) and the Enter
    land between the letters they were typed between."""
    app = EditorApp()
    submitted: list[str] = []
    async with app.run_test() as pilot:
        editor = app.query_one(BidiEditor)
        editor.focus()
        await pilot.pause()
        editor.action_submit = lambda: submitted.append(editor.text)  # type: ignore[method-assign]
        burst = [("م", "م"), ("ی", "ی"), ("ctrl+@", None), ("خ", "خ"), ("و", "و")]
        burst += [("enter", "\r"), ("x", "x")]
        for key, char in burst:
            app.post_message(events.Key(key, char))
        await until_shown(pilot, lambda: editor.text.endswith("x"))
        assert editor.text == "می\u200cخوx"
        assert submitted == ["می\u200cخو"]
