"""Make untrusted text safe for a terminal or a log file, with or without the text engine.

:func:`tui.text.sanitize.display_safe` is the one sanitiser of the project. This module calls it
when it is importable and otherwise applies a small local equivalent (C0 except ``\\n``/``\\t``,
DEL, C1, lone surrogates and bidi embeddings/overrides/isolates made visible), so that the
settings layer never depends on the text engine being finished and never lets raw controls
through in the meantime.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

Where = Literal["body", "name"]
_impl: Callable[[str, Where], str] | None = None


def _fallback(text: str, where: Where = "body") -> str:
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        if ch == "\t" or (ch == "\n" and where == "body"):
            out.append(ch)
        elif cp < 0x20:
            out.append(chr(0x2400 + cp))  # Control Pictures: ESC → ␛, CR → ␍, LF → ␊
        elif cp == 0x7F:
            out.append("\u2421")
        elif 0x80 <= cp <= 0x9F:
            out.append("\u241b" + chr(cp - 0x40))  # a C1 control is ESC + its 7-bit form
        elif 0xD800 <= cp <= 0xDFFF:
            out.append("\ufffd")
        elif 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069:
            out.append(f"<U+{cp:04X}>")
        elif cp in (0x2028, 0x2029):
            out.append("\n" if where == "body" else "\u2424")
        else:
            out.append(ch)
    return "".join(out)


def _load() -> Callable[[str, Where], str]:
    global _impl
    if _impl is None:
        try:
            from tui.text.sanitize import display_safe
        except ImportError:  # the text engine is optional for this layer
            _impl = _fallback
        else:
            _impl = display_safe
    return _impl


def safe(text: str, where: Where = "body") -> str:
    """``text`` with terminal controls and bidi spoofing neutralised (see module docstring)."""
    return _load()(text, where)


def using_text_engine() -> bool:
    """True when :func:`safe` delegates to ``tui.text.sanitize.display_safe``."""
    return _load() is not _fallback
