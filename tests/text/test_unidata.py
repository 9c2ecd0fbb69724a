"""Character data: our bidi classes are the reference engine's, the vendored UCD tables are the
Debian ones, and mirroring covers brackets and guillemets."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from bidi import get_display
from bidi.mirror import MIRRORED as PYTHON_BIDI_MIRRORED

from tests.text import ucd_source
from tui.text import unidata
from tui.text.bidi import reference_levels
from tui.text.fastbidi import fast_levels
from tui.text.unidata import CLOSING, MIRROR, OPENING, bidi_class, bidi_codes

_CLASSES = re.compile(r"original_classes: \[\n(.*?)\n    \]", re.S)


def _reference_classes(code_points: list[int]) -> list[str]:
    """The reference engine's class of each code point (its dump lists one per UTF-8 byte)."""
    text = "".join(map(chr, code_points))
    match = _CLASSES.search(get_display(text, base_dir="L", debug=True))
    assert match is not None
    per_byte = re.findall(r"\b([A-Z]+),", match.group(1))
    out: list[str] = []
    offset = 0
    for cp in code_points:
        out.append(per_byte[offset])
        offset += len(chr(cp).encode("utf-8"))
    return out


def test_classes_match_reference_engine_for_every_assigned_code_point() -> None:
    assigned = [
        cp for cp in range(0x110000) if unicodedata.category(chr(cp)) not in ("Cn", "Cs", "Co")
    ]
    differences: dict[int, str] = {}
    mismatches: list[str] = []
    for i in range(0, len(assigned), 20_000):
        chunk = assigned[i : i + 20_000]
        for cp, ref in zip(chunk, _reference_classes(chunk), strict=True):
            if unicodedata.bidirectional(chr(cp)) != ref:
                differences[cp] = ref
            if bidi_class(chr(cp)) != ref:
                mismatches.append(f"U+{cp:04X} ours {bidi_class(chr(cp))} reference {ref}")
    assert not mismatches, mismatches[:10]
    if unicodedata.unidata_version == "14.0.0":  # Python 3.11
        # The fix-up list is exactly what Unicode 14 -> 16 changed: no stale entries.
        assert differences == unidata._CLASS_FIXES


def test_classes_of_unassigned_and_new_code_points_come_from_the_reference() -> None:
    samples = [0x0897, 0x10EC2, 0x1FAE9, 0xFFFF, 0xE0080, 0x1FACE]
    assert [bidi_class(chr(cp)) for cp in samples] == _reference_classes(samples)


def test_lone_surrogates_classify_like_their_stand_in() -> None:
    text = "a\ud800\u0628 \udfff1"
    assert bidi_class("\ud800") == bidi_class("\ufffd")
    codes = bidi_codes(text)
    assert fast_levels(text, codes, 1) == reference_levels(text, 1)


def test_codes_are_one_letter_per_code_point() -> None:
    text = "a ب 1 ۱ ٣ + $ , \u0300 \u200c \u2029 \t ! \u202b \u2067 \u2069"
    assert bidi_codes(text) == "LwAwEwEwNwswtwcwmwbwBwSwowXwIwP"


def test_vendored_tables_equal_the_installed_ucd() -> None:
    if not (ucd_source.MIRRORING.is_file() and ucd_source.BRACKETS.is_file()):
        pytest.skip("Debian unicode-data is not installed (.ci/run installs it)")
    vendored = Path(unidata.__file__).with_name("_ucd.py").read_text(encoding="utf-8")
    assert vendored == ucd_source.render()


def test_mirroring_covers_brackets_guillemets_and_python_bidis_table() -> None:
    for a, b in ("()", "[]", "{}", "<>", "«»", "‹›"):
        assert MIRROR[a] == b
        assert MIRROR[b] == a
    # Everything python-bidi 0.4's table mirrors, we mirror the same way (ours is newer).
    assert {k: v for k, v in MIRROR.items() if k in PYTHON_BIDI_MIRRORED} == PYTHON_BIDI_MIRRORED
    assert len(MIRROR) > len(PYTHON_BIDI_MIRRORED)


def test_paired_brackets() -> None:
    assert OPENING["("] == ")"
    assert CLOSING["]"] == "["
    assert "«" not in OPENING  # guillemets mirror, but are not paired brackets (BD14)
    assert OPENING["\u2329"] == "\u232a"
