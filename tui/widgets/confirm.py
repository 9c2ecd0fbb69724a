"""``ConfirmScreen``: a yes/no question (Enter or y: yes; Escape or n: no), its words drawn
through the text engine (a Persian question reads right; buttons get visual-order text)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button

from tui.i18n import I18n
from tui.keys import default
from tui.widgets.safe import SafeText, safe_line
from tui.widgets.textline import settings_for


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something that cannot be undone. The question is the app's own text."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 56; height: auto; border: round $warning; background: $panel; padding: 1 2;
    }
    ConfirmScreen Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(default("yes"), "answer(True)", "Yes", id="yes"),
        Binding(default("no"), "answer(False)", "No", id="no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        """The question and two buttons."""
        no = self.no if self.no is not None else I18n.of(self)("confirm.no")
        with Vertical():
            yield SafeText(self.question)
            with Horizontal():
                yield Button(self._visual(self.yes), variant="error", id="yes")
                yield Button(self._visual(no), id="no")

    def _visual(self, words: str) -> Content:
        return Content(safe_line(words, 40, settings=settings_for(self)).text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """A key answers."""
        self.dismiss(answer)
