"""UAX #9 conformance: our levels (fast path or reference engine) + our L1/L2 against the Unicode
test files from Debian ``unicode-data``; and the fast path against the reference engine on every
case it accepts.

``make test`` runs a seeded sample of each file (>= 20,000 cases each); ``make conformance``
(``PAYAM_CONFORMANCE=full``) runs every case: 91,707 in BidiCharacterTest.txt and 770,241 in
BidiTest.txt (736,776 of them without a paragraph separator, the count usually quoted).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.text.bidi import (
    first_strong_level,
    line_levels,
    paragraph_levels,
    reference_levels,
    visual_order,
)
from tui.text.fastbidi import fast_levels
from tui.text.unidata import bidi_codes

UCD = Path(os.environ.get("PAYAM_UCD_DIR", "/usr/share/unicode"))
CHARACTER_TEST = UCD / "BidiCharacterTest.txt"
CLASS_TEST = UCD / "BidiTest.txt"
FULL = os.environ.get("PAYAM_CONFORMANCE") == "full"
SAMPLE = 20_000
SEED = 20260509

# One code point per class for BidiTest.txt (reference/rtl.md §6.1).
REPRESENTATIVE = {
    "L": "a", "R": "\u05d0", "AL": "\u0627", "EN": "1", "ES": "+", "ET": "$", "AN": "\u0660",
    "CS": ",", "NSM": "\u0300", "BN": "\u00ad", "B": "\u2029", "S": "\t", "WS": " ", "ON": "!",
    "LRE": "\u202a", "LRO": "\u202d", "RLE": "\u202b", "RLO": "\u202e", "PDF": "\u202c",
    "LRI": "\u2066", "RLI": "\u2067", "FSI": "\u2068", "PDI": "\u2069",
}  # fmt: skip


def _need(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path} missing: install the Debian package unicode-data (.ci/run does)")


def _sample(cases: list[tuple[str, int, str, str, str]]) -> list[tuple[str, int, str, str, str]]:
    if FULL or len(cases) <= SAMPLE:
        return cases
    return random.Random(SEED).sample(cases, SAMPLE)


def _character_cases() -> list[tuple[str, int, str, str, str]]:
    """(text, direction 0/1/2, paragraph level, levels, order) per BidiCharacterTest line."""
    cases = []
    for line in CHARACTER_TEST.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cps, direction, para, levels, order = line.split(";")
        text = "".join(chr(int(cp, 16)) for cp in cps.split())
        cases.append((text, int(direction), para, levels, order))
    return cases


def _class_cases() -> list[tuple[str, int, str, str, str]]:
    """The same shape for BidiTest.txt: one case per (line, paragraph direction bit)."""
    cases = []
    levels = order = ""
    for raw in CLASS_TEST.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@Levels:"):
            levels = line[len("@Levels:") :].strip()
        elif line.startswith("@Reorder:"):
            order = line[len("@Reorder:") :].strip()
        elif not line.startswith("@"):
            classes, bits = line.split(";")
            text = "".join(REPRESENTATIVE[c] for c in classes.split())
            for bit, direction in ((1, 2), (2, 0), (4, 1)):
                if int(bits, 16) & bit:
                    cases.append((text, direction, "", levels, order))
    return cases


def _check(case: tuple[str, int, str, str, str]) -> tuple[list[str], bool]:
    """What is wrong with our result for one case, and whether the fast path took it."""
    text, direction, para, expected_levels, expected_order = case
    problems: list[str] = []
    codes = bidi_codes(text)
    base = direction if direction < 2 else (first_strong_level(codes) or 0)
    if para and base != int(para):
        problems.append(f"paragraph level {base}, expected {para}")
    levels = line_levels(paragraph_levels(text, base, (), codes), codes, base)
    for i, want in enumerate(expected_levels.split()):
        if want != "x" and int(want) != levels[i]:
            problems.append(f"level of {i} is {levels[i]}, expected {want}")
    # Characters X9 removes (BN, embeddings, overrides) have no place in the order.
    shown = [i for i, code in enumerate(codes) if code not in "bX"]
    order = [shown[k] for k in visual_order([levels[i] for i in shown])]
    if order != [int(x) for x in expected_order.split()]:
        problems.append(f"order {order}, expected {expected_order}")
    fast = fast_levels(text, codes, base)
    if fast is not None and fast != reference_levels(text, base):
        problems.append(f"fast path levels {fast} differ from the reference engine's")
    return problems, fast is not None


def _run(cases: list[tuple[str, int, str, str, str]]) -> tuple[int, int, list[str]]:
    failures: list[str] = []
    fast = 0
    for case in cases:
        problems, took = _check(case)
        fast += took
        if problems:
            failures.append(f"{case[0]!r} dir={case[1]}: {'; '.join(problems)}")
    return len(cases), fast, failures


def test_conformance_bidi_character_test() -> None:
    _need(CHARACTER_TEST)
    cases = _character_cases()
    assert len(cases) >= SAMPLE  # 91,707 in Unicode 15.0
    checked, fast, failures = _run(_sample(cases))
    assert checked >= min(SAMPLE, len(cases))
    assert fast > checked // 2, "the fast path should take most of these cases"
    assert not failures, f"{len(failures)} of {checked} fail, e.g. {failures[:5]}"


def test_conformance_bidi_test() -> None:
    _need(CLASS_TEST)
    cases = _class_cases()
    assert len(cases) >= SAMPLE  # 770,241 in Unicode 15.0, 736,776 of them without B
    checked, fast, failures = _run(_sample(cases))
    assert checked >= min(SAMPLE, len(cases))
    assert fast > 0
    assert not failures, f"{len(failures)} of {checked} fail, e.g. {failures[:5]}"


# The fast path must agree with the reference engine on everything it accepts, including the
# LTR isolates layout adds and the BN characters (ZWNJ) Persian is full of.
_ALPHABET = (
    "ab Z09+-$%,.:;!?()[]{}<>«»\u200c\u200d\u00ad\t\u001f\u00a0\u2007"
    "سلامبپ۱۲٣٤\u064e\u0650\u0654\u0301\u05d0\u060c\u061f"
    "\U0001f600\ufe0f\u2329\u232a\u3008\u3009\u0660"
)


@st.composite
def _isolated_text(draw: st.DrawFn) -> tuple[str, int, list[tuple[int, int]]]:
    text = draw(st.text(st.sampled_from(_ALPHABET), max_size=24))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=4)))
    isolates = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    return text, draw(st.integers(0, 1)), isolates


@settings(max_examples=600, deadline=None)
@given(_isolated_text())
def test_conformance_fast_path_matches_reference(
    case: tuple[str, int, list[tuple[int, int]]],
) -> None:
    text, base, isolates = case
    codes = bidi_codes(text)
    fast = fast_levels(text, codes, base, isolates)
    if fast is not None:
        assert fast == reference_levels(text, base, isolates)


def test_conformance_fast_path_declines_explicit_controls() -> None:
    for text in ("a\u202bb", "\u2067x\u2069", "a\u2029b", "a\rb"):
        assert fast_levels(text, bidi_codes(text), 0) is None


def test_conformance_fast_path_handles_isolated_phone_number() -> None:
    text = "شماره: +98 912 345 6789"
    start = text.index("+")
    levels = fast_levels(text, bidi_codes(text), 1, [(start, len(text))])
    assert levels == reference_levels(text, 1, [(start, len(text))])
    assert levels is not None
    assert set(levels[start:]) == {2}  # the whole number reads left to right
