"""Regenerates ``tui/text/_ucd.py`` from the Debian ``unicode-data`` files (and checks it).

Run ``python -m tests.text.ucd_source > tui/text/_ucd.py`` after a Unicode upgrade; the test in
``test_ucd.py`` fails while the vendored copy differs from what this prints.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Debian unicode-data's location (.ci/run installs it); PAYAM_UCD_DIR points elsewhere.
UCD_DIR = Path(os.environ.get("PAYAM_UCD_DIR", "/usr/share/unicode"))
MIRRORING = UCD_DIR / "BidiMirroring.txt"
BRACKETS = UCD_DIR / "BidiBrackets.txt"


def _rows(path: Path) -> tuple[str, list[list[str]]]:
    version = ""
    rows: list[list[str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# Bidi") and not version:
            version = raw[2:].strip()
        data = raw.split("#", 1)[0].strip()
        if data:
            rows.append([field.strip() for field in data.split(";")])
    return version, rows


def render() -> str:
    """The text of ``tui/text/_ucd.py`` for the installed UCD files."""
    mirror_version, mirror_rows = _rows(MIRRORING)
    bracket_version, bracket_rows = _rows(BRACKETS)
    mirror = " ".join(f"{a}:{b}" for a, b in mirror_rows)
    brackets = " ".join(f"{a}:{b}:{kind}" for a, b, kind in bracket_rows)

    def wrap(name: str, data: str) -> str:
        words = data.split(" ")
        lines: list[str] = []
        current = ""
        for word in words:
            if current and len(current) + len(word) + 1 > 88:
                lines.append(current + " ")
                current = word
            else:
                current = f"{current} {word}" if current else word
        lines.append(current)
        body = "\n".join(f'    "{line}"' for line in lines)
        return f"{name} = (\n{body}\n)\n"

    return (
        '"""Unicode data the bidi code needs at run time (generated: do not edit).\n\n'
        f"From the Unicode Character Database files {mirror_version} and {bracket_version}\n"
        "(Unicode terms of use: https://www.unicode.org/terms_of_use.html), regenerated and\n"
        'checked by ``tests/text/ucd_source.py``. Code points are hexadecimal.\n"""\n\n'
        "# Bidi_Mirroring_Glyph: 'from:to' pairs.\n"
        + wrap("MIRRORING", mirror)
        + "\n# Bidi_Paired_Bracket and Bidi_Paired_Bracket_Type: 'bracket:pair:o|c' triples.\n"
        + wrap("BRACKETS", brackets)
    )


if __name__ == "__main__":
    sys.stdout.write(render())
