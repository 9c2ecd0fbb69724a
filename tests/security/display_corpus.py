"""The hostile display corpus (security.md §5, S1): payloads a stranger may put in any text field.

Each :class:`Payload` has a stable id and the raw string a stranger sends. :func:`corpus` lists
them all (≥ 200): every C0 control, DEL, every C1 control, the CSI/ESC sequences that move,
erase, query or reconfigure a terminal, OSC 0/1/2/4/7/8/9/10/11/12/22/50/52/52-read/133/777/1337
each terminated by BEL, by ST and not at all (and in C1 form), DCS/APC/PM/SOS in 7-bit and C1
form, the bracketed-paste end ``ESC[201~``, the explicit bidi controls, and UI-spoofing
combinations. :data:`SPLIT` are payloads cut in two, sent as two consecutive messages (a
sequence the terminal would only see by joining what Payam draws one after the other).

A payload is *tagged* with a canary (:func:`canary`): a short ASCII word unique per payload and
per field, placed right before it, so a test can find where each payload was drawn and prove its
bytes never reached the terminal raw.

Nothing here imports the app: the corpus is plain data, shared by the pty suite, the markup
suite, the log and notification tests and the benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

ESC: Final = "\x1b"
BEL: Final = "\x07"
ST: Final = "\x1b\\"
C1_ST: Final = "\x9c"


@dataclass(frozen=True)
class Payload:
    """One hostile string; ``raw`` is what a stranger sends."""

    id: str
    raw: str

    @property
    def controls(self) -> frozenset[str]:
        """The characters of ``raw`` no terminal may receive from content: C0 (TAB and LF
        count only in names), DEL, C1 and the explicit bidi controls."""
        return frozenset(c for c in self.raw if is_control(c))


def is_control(char: str) -> bool:
    """A C0 control other than TAB/LF, DEL, a C1 control, or an explicit bidi control."""
    cp = ord(char)
    return (
        (cp < 0x20 and char not in "\t\n")
        or 0x7F <= cp <= 0x9F
        or 0x202A <= cp <= 0x202E
        or 0x2066 <= cp <= 0x2069
    )


_OSC_BODIES: Final = (
    ("0", "0;pwned-title"),
    ("1", "1;pwned-icon"),
    ("2", "2;pwned-title"),
    ("4-set", "4;1;rgb:ff/00/00"),
    ("4-query", "4;1;?"),
    ("7", "7;file://evil.example/etc"),
    ("8", "8;;https://evil.example/login"),
    ("9", "9;growl notification"),
    ("10-query", "10;?"),
    ("10-set", "10;#ff0000"),
    ("11-query", "11;?"),
    ("11-set", "11;#00ff00"),
    ("12", "12;#0000ff"),
    ("22", "22;crosshair"),
    ("50", "50;?"),
    ("52-write", "52;c;cm0gLXJmIH4K"),
    ("52-read", "52;c;?"),
    ("133", "133;A"),
    ("777", "777;notify;Bank;Your account is locked"),
    ("1337-file", "1337;File=name=ZXZpbA==;inline=1:AAAA"),
    ("1337-var", "1337;SetUserVar=evil=cm0gLXJm"),
)

_CSI: Final = (
    ("csi-2J", "[2J"),
    ("csi-3J", "[3J"),
    ("csi-home-2J", "[H" + ESC + "[2J"),
    ("csi-6n-dsr", "[6n"),
    ("csi-5n", "[5n"),
    ("csi-da1", "[c"),
    ("csi-da2", "[>c"),
    ("csi-da3", "[=c"),
    ("csi-1049h-alt-screen", "[?1049h"),
    ("csi-1049l", "[?1049l"),
    ("csi-1000h-mouse", "[?1000h"),
    ("csi-1003h-mouse-any", "[?1003h"),
    ("csi-2004l-no-paste", "[?2004l"),
    ("csi-25l-hide-cursor", "[?25l"),
    ("csi-7l-no-wrap", "[?7l"),
    ("csi-21t-title-report", "[21t"),
    ("csi-20t-icon-report", "[20t"),
    ("csi-18t-size-report", "[18t"),
    ("csi-8t-resize", "[8;5;20t"),
    ("csi-22t-title-push", "[22;0t"),
    ("csi-sgr-red", "[31;1mALERT"),
    ("csi-sgr-conceal", "[8mhidden"),
    ("csi-cursor-up-erase", "[1A" + ESC + "[2K"),
    ("csi-cup", "[1;1Hovertop"),
    ("csi-scroll-region", "[1;3r"),
    ("csi-rep", "a" + ESC + "[999999999b"),
    ("csi-decrqm", "[?2026$p"),
    ("csi-kitty-keys", "[>31u"),
    ("paste-end", "[201~rm -rf ~\r"),
    ("paste-start", "[200~"),
)

_ESC: Final = (
    ("ris", "c"),
    ("decsc-decrc", "7moved" + ESC + "8"),
    ("decaln", "#8"),
    ("charset-g0-dec", "(0lqqk"),
    ("ss3", "Ox"),
    ("ind-ri", "D" + ESC + "M"),
    ("nel-7bit", "E"),
    ("keypad-app", "="),
    ("esc-at-end", ""),
    ("esc-csi-at-end", "["),
)

_STRINGS: Final = (  # DCS, APC, PM, SOS: (id, introducer, body)
    ("dcs-xtgettcap", "P", "+q544e"),
    ("dcs-decrqss", "P", '$q"p'),
    ("dcs-sixel", "P", "q#0;2;0;0;0#0~~@@vv@@~~$-"),
    ("dcs-tmux-passthrough", "P", "tmux;" + ESC + ESC + "]0;tmux-title" + BEL),
    ("apc-kitty-graphics", "_", "Gf=100,a=T;AAAA"),
    ("pm", "^", "privacy message"),
    ("sos", "X", "start of string"),
)

_C1_STRINGS: Final = (("dcs", "\x90"), ("apc", "\x9f"), ("pm", "\x9e"), ("sos", "\x98"))

_BIDI: Final = (
    ("bidi-lre", "\u202a"),
    ("bidi-rle", "\u202b"),
    ("bidi-pdf", "\u202c"),
    ("bidi-lro", "\u202d"),
    ("bidi-rlo", "\u202e"),
    ("bidi-lri", "\u2066"),
    ("bidi-rli", "\u2067"),
    ("bidi-fsi", "\u2068"),
    ("bidi-pdi", "\u2069"),
)

_MISC: Final = (
    ("cr-overwrite", "safe\rEVIL"),
    ("backspaces", "abc\b\b\bxyz"),
    ("nul-del-bel", "a\x00b\x7fc\x07"),
    ("crlf", "line\r\nnext"),
    ("ls-ps", "a\u2028b\u2029c"),
    ("pgp-spoof", ESC + "[32m[-- PGP output follows (signature OK) --]" + ESC + "[0m"),
    ("nested-osc-csi", ESC + "]0;" + ESC + "[?1049l" + BEL),
    ("osc8-st-link", ESC + "]8;;https://evil.example" + ST + "bank.example" + ESC + "]8;;" + ST),
    ("c1-osc8", "\x9d8;;https://evil.example\x9cbank\x9d8;;\x9c"),
    ("rlo-filename", "invoice\u202efdp.exe"),
    ("rlo-domain", "@\u202emoc.ft"),
    ("rli-unclosed", "\u2067unclosed isolate"),
    ("isolates-balanced", "x \u2068John\u2069 y"),
    ("bidi-all-overrides", "\u202a\u202b\u202c\u202d\u202e"),
    ("bom-zwsp", "\ufeffa\u200bb"),
)


def _c0() -> list[Payload]:
    names = {0x00: "nul", 0x07: "bel", 0x08: "bs", 0x09: "tab", 0x0A: "lf", 0x0D: "cr"}
    names[0x1B] = "esc"
    return [
        Payload(f"c0-{cp:02x}{'-' + names[cp] if cp in names else ''}", f"a{chr(cp)}b")
        for cp in range(0x20)
    ]


def _c1() -> list[Payload]:
    return [Payload(f"c1-{cp:02x}", f"a{chr(cp)}b") for cp in range(0x80, 0xA0)]


def _osc() -> list[Payload]:
    out: list[Payload] = []
    for name, body in _OSC_BODIES:
        out.append(Payload(f"osc{name}-bel", f"{ESC}]{body}{BEL}"))
        out.append(Payload(f"osc{name}-st", f"{ESC}]{body}{ST}"))
        out.append(Payload(f"osc{name}-unterminated", f"{ESC}]{body} and more text"))
    for name, body in _OSC_BODIES[:3] + _OSC_BODIES[6:7] + _OSC_BODIES[15:17]:
        out.append(Payload(f"c1-osc{name}-c1-st", f"\x9d{body}{C1_ST}"))
        out.append(Payload(f"c1-osc{name}-bel", f"\x9d{body}{BEL}"))
    return out


def _strings() -> list[Payload]:
    out: list[Payload] = []
    for name, intro, body in _STRINGS:
        out.append(Payload(name, f"{ESC}{intro}{body}{ST}"))
        out.append(Payload(f"{name}-unterminated", f"{ESC}{intro}{body}"))
    for name, intro in _C1_STRINGS:
        out.append(Payload(f"c1-{name}", f"{intro}c1 {name} body{C1_ST}"))
    return out


@cache
def corpus() -> tuple[Payload, ...]:
    """Every payload, in a fixed order (ids are unique)."""
    out = [*_c0(), Payload("del", "a\x7fb"), *_c1()]
    out += [Payload(name, ESC + body) for name, body in _CSI]
    out += [Payload(f"c1-{name}", "\x9b" + body[1:]) for name, body in _CSI[:6]]
    out += [Payload(name, ESC + body) for name, body in _ESC]
    out += _osc()
    out += _strings()
    out += [Payload(name, raw) for name, raw in _BIDI]
    out += [Payload(name, raw) for name, raw in _MISC]
    ids = [p.id for p in out]
    assert len(ids) == len(set(ids)), "payload ids must be unique"
    return tuple(out)


#: Payloads cut in two: (id, first message, second message). Drawn one after the other, the two
#: halves would make a sequence if either half reached the terminal raw.
SPLIT: Final = (
    ("split-esc|[2J", "first half " + ESC, "[2J second half"),
    ("split-osc0|title", ESC + "]0;spl", "it-title" + BEL),
    ("split-osc52|data", ESC + "]52;c;cm0g", "LXJmIH4K" + BEL),
    ("split-osc8|st", ESC + "]8;;https://evil.example" + ESC, "\\bank"),
    ("split-c1-osc|st", "\x9d2;c1-split", "-title\x9c"),
    ("split-paste|end", ESC + "[20", "1~rm -rf ~\r"),
    ("split-dcs|st", ESC + "Ptmux;" + ESC, ESC + "]0;x" + BEL + ST),
    ("split-csi|1049h", ESC + "[?10", "49h"),
)


def canary(field: str, index: int) -> str:
    """The tag of payload ``index`` in ``field`` (one letter: ``b`` body, ``n`` sender name,
    ``t`` chat title, ``f`` file name, ``x`` anything else): ``QB0042Z``. Unique, ASCII,
    one word for full-text search, never a substring of another canary."""
    return f"Q{field.upper()}{index:04d}Z"


def tagged(field: str, index: int, raw: str) -> str:
    """``raw`` after its canary."""
    return f"{canary(field, index)}{raw}"


#: Markup a stranger may try (security.md S3), each shown verbatim by a safe display.
MARKUP: Final = (
    ("link", "[link=https://evil.example]https://bank.example[/link]"),
    ("link-quoted", '[link="https://evil.example"]bank[/]'),
    ("click-quit", "[@click=app.quit]press me[/]"),
    ("click-action", "[@click=app.bell()]x[/]"),
    ("on-click", "[on click=app.quit]x[/]"),
    ("bold", "[bold]not bold[/bold]"),
    ("style", "[red on white blink]x[/]"),
    ("unbalanced-close", "[/]"),
    ("unbalanced-close-named", "text [/bold] more"),
    ("unbalanced-open", "[bold]never closed"),
    ("escaped-bracket", "\\[bold] and \\\\[bold]"),
    ("index", "[0]"),
    ("index-list", "items[0] and [1] and [12]"),
    ("empty-tag", "[]"),
    ("dollar-var", "$text $foo ${x}"),
    ("textual-var", "[$accent]x[/]"),
    ("rich-emoji", ":warning: :smile:"),
    ("nested-1000", "[b]" * 1000 + "deep" + "[/b]" * 1000),
    ("nested-1000-unclosed", "[i]" * 1000 + "deep"),
    ("brackets-only", "[" * 200 + "]" * 200),
)
