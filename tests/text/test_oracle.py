"""Oracle agreement with GNU FriBidi on >= 10,000 seeded Persian lines (reference/rtl.md §6.2).

The corpus: the §7 strings, 5,000 words and 5,000 sentences from the Debian myspell-fa word list
(``tests/text/corpus.py``). Every line where our visual text differs from FriBidi's must be one
of the documented intentional differences in ``fixtures/fribidi_differences.json`` (each with its
kind, explained in ``oracle.KINDS``); regenerate the fixtures with ``python -m tests.text.oracle``
and review the diff.
"""

from __future__ import annotations

import json

import pytest

from tests.text import corpus, oracle

pytestmark = pytest.mark.skipif(
    not oracle.have_fribidi(), reason="fribidi CLI missing: install Debian libfribidi-bin"
)


def _documented() -> list[dict[str, str]]:
    return list(json.loads(oracle.DIFFERENCES.read_text(encoding="utf-8")))


def _key(entry: dict[str, str]) -> tuple[str, str, str, str]:
    return (entry["fribidi_input"], entry["input"], entry["fribidi"], entry["ours"])


@pytest.fixture(scope="module")
def lines() -> list[str]:
    if not corpus.have_wordlist():
        pytest.skip("myspell-fa word list missing: install Debian myspell-fa")
    return corpus.persian_lines()


def test_fribidi_agreement_on_persian_corpus(lines: list[str]) -> None:
    assert len(lines) >= 10_000
    pairs = oracle.visual_pairs(lines)
    differing = [p for p in pairs if p[2] != p[3]]
    agreement = 1 - len(differing) / len(pairs)
    assert agreement >= 0.999, f"{agreement:.4%} of {len(pairs)} lines agree"
    documented = {_key(e) for e in _documented()}
    for line, _, ours, theirs in differing:
        assert ("isolated", line, theirs, ours) in documented, f"undocumented: {line!r}"


def test_raw_fribidi_differs_only_on_documented_lines() -> None:
    """Fed the raw §7 and extra lines (no LRI…PDI), FriBidi differs exactly on the documented
    ones (the dictionary words and sentences hold no token we isolate)."""
    lines = [*corpus.case_lines(), *corpus.EXTRA]
    raw = [p for p in oracle.visual_pairs(lines, isolate=False) if p[2] != p[3]]
    documented = {_key(e) for e in _documented() if e["fribidi_input"] == "raw"}
    assert {("raw", line, theirs, ours) for line, _, ours, theirs in raw} == documented


def test_paragraph_direction_agrees_with_fribidi(lines: list[str]) -> None:
    from tui.text import layout

    theirs = oracle.fribidi_directions(lines)
    documented = {e["input"]: e["ours"] for e in _documented() if e["fribidi_input"] == "direction"}
    for line, direction in zip(lines, theirs, strict=True):
        ours = layout(line, 100_000)[0].direction
        if ours != direction:
            assert documented.get(line) == ours, f"direction of {line!r}"


def test_documented_differences_still_hold() -> None:
    from tui.text import layout

    entries = _documented()
    assert entries, "the fixture lists the known differences"
    for entry in entries:
        assert entry["kind"] in oracle.KINDS
        line = entry["input"]
        ours = oracle.normalise(layout(line, 100_000)[0].text)
        if entry["fribidi_input"] == "direction":
            assert oracle.fribidi_directions([line]) == [entry["fribidi"]]
            assert layout(line, 100_000)[0].direction == entry["ours"]
            continue
        feed = oracle.oracle_input(line, isolate=entry["fribidi_input"] == "isolated")
        theirs = oracle.fribidi([feed], entry["direction"] == "rtl")[0]
        assert (ours, theirs) == (entry["ours"], entry["fribidi"])
        assert ours != theirs
        if entry["kind"] == "isolate":
            # Isolation is the whole story: with LRI…PDI around the tokens FriBidi agrees.
            isolated = oracle.oracle_input(line, isolate=True)
            assert oracle.fribidi([isolated], entry["direction"] == "rtl")[0] == ours
