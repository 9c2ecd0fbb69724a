"""The UI's language: English or Persian words, ASCII or Persian digits, and the direction of
the whole layout (``fa`` mirrors it). No Textual here.

::

    t = I18n("fa", digits="persian")
    t("status.unread", count=t.num(3))     # "۳ خوانده‌نشده"
    t.action("reply")                       # "پاسخ"
    t.rtl                                   # True: sidebars, badges and times swap sides

Every string the UI shows of its own is in :mod:`tui.locale.strings`; a key missing there is a
bug (``KeyError``), so a test can walk the table. Numbers from outside (a message's text) are
never re-digited: only Payam's own counts and times go through :meth:`I18n.num` /
:meth:`I18n.digits`.
"""

from __future__ import annotations

from typing import Final, Literal

from tui.locale.strings import ACTIONS, MESSENGERS, STRINGS

Language = Literal["en", "fa"]
DigitStyle = Literal["ascii", "persian"]

_TO_PERSIAN: Final = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_COMMA_FA: Final = "،"


class I18n:
    """Look-ups in one language (see the module docs)."""

    def __init__(self, language: Language = "en", digits: DigitStyle = "ascii") -> None:
        """``language`` picks the column of the table, ``digits`` how numbers are written."""
        self.language: Language = language
        self.digit_style: DigitStyle = digits
        self._column = 1 if language == "fa" else 0

    @property
    def rtl(self) -> bool:
        """True for Persian: the layout is mirrored and neutral text is right to left."""
        return self.language == "fa"

    @property
    def ui_direction(self) -> Literal["rtl", "ltr"]:
        """``LayoutOptions.ui_direction`` for neutral-only paragraphs."""
        return "rtl" if self.rtl else "ltr"

    @property
    def comma(self) -> str:
        """The list separator of the language."""
        return f"{_COMMA_FA} " if self.rtl else ", "

    def __call__(self, key: str, **values: object) -> str:
        """The string ``key`` with ``values`` filled in (they are inserted as given)."""
        text = STRINGS[key][self._column]
        return text.format(**values) if values else text

    @staticmethod
    def of(node: object) -> I18n:
        """The running app's ``t`` (a :class:`tui.app.PayamApp`), or English for any other app
        and for a node not attached to one (the widgets' test harnesses)."""
        try:
            found = getattr(getattr(node, "app", None), "t", None)
        except Exception:  # not attached to a running app
            found = None
        return found if isinstance(found, I18n) else ENGLISH

    def action(self, name: str, default: str | None = None) -> str:
        """What an action (a binding's action name or ``[keys]`` entry) is called."""
        found = ACTIONS.get(name)
        if found is None:
            return default if default is not None else name.replace("_", " ")
        return found[self._column]

    def has_action(self, name: str) -> bool:
        """Whether the table names ``name``."""
        return name in ACTIONS

    def messenger(self, name: str) -> str:
        """A messenger's name (a plug-in's own name when the table does not know it)."""
        found = MESSENGERS.get(name)
        return found[self._column] if found else name

    def attachment_kind(self, kind: str) -> str:
        """An attachment kind (``photo``, ``voice``…) in the UI's words; an unknown one as is."""
        key = f"kind.{kind}"
        return self(key) if key in STRINGS else kind

    @staticmethod
    def ltr(token: str) -> str:
        """A Latin token (a key, a command) isolated left to right (LRI … PDI), so that its
        neutral edges (``^p``, ``/start``) stay with it inside a Persian sentence."""
        return f"\u2066{token}\u2069"

    def digits(self, text: str) -> str:
        """``text`` with its ASCII digits in the configured style (for Payam's own numbers)."""
        return text.translate(_TO_PERSIAN) if self.digit_style == "persian" else text

    def num(self, value: int) -> str:
        """An integer in the configured digits."""
        return self.digits(str(value))


ENGLISH: Final = I18n("en")
"""The English table (for widgets outside a Payam app)."""

__all__ = ["ENGLISH", "DigitStyle", "I18n", "Language"]
