"""GNU FriBidi (Debian ``libfribidi-bin``) as an independent oracle for visual lines.

``fribidi --nobreak --nopad --clean`` shapes and reorders one logical line per input line with
the paragraph direction we give it (``reference/rtl.md`` §6.2); one process serves a whole
batch. What we feed it is the logical line as our layout reorders it: LRI…PDI around the tokens
``layout`` isolates (phone numbers, URLs…), tabs expanded, trailing break spaces (and invisible
controls after them) removed. Our
side is normalised as §6.2 says: the reshaper's U+FE80 for hamza is FriBidi's U+0621.

Run ``python -m tests.text.oracle`` to regenerate ``fixtures/golden_rtl.json`` from FriBidi.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.text.corpus import CASES, LONG
from tui.text import layout
from tui.text.cells import char_width
from tui.text.isolate import find_isolates
from tui.text.unidata import BREAK_SPACES, DROPPED

FIXTURES = Path(__file__).with_name("fixtures")
DIFFERENCES = FIXTURES / "fribidi_differences.json"
GOLDEN = FIXTURES / "golden_rtl.json"
GOLDEN_WIDTHS = (80, 24, 12)
_LAM_HARAKA_ALEF = re.compile("\u0644[\u064b-\u065f\u0670]+[\u0627\u0623\u0625\u0622]")


def have_fribidi() -> bool:
    """Whether the ``fribidi`` CLI is on PATH."""
    return shutil.which("fribidi") is not None


def fribidi(lines: list[str], rtl: bool) -> list[str]:
    """FriBidi's visual form of each logical line, all with one paragraph direction."""
    if not lines:
        return []
    if any("\n" in line for line in lines):
        raise ValueError("one paragraph per line")
    result = subprocess.run(
        ["fribidi", "--nobreak", "--nopad", "--clean", "--rtl" if rtl else "--ltr"],
        input="".join(f"{line}\n" for line in lines).encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=120,
    )
    out = result.stdout.decode("utf-8").split("\n")
    assert len(out) == len(lines) + 1 and out[-1] == "", "one output line per input line"
    return out[:-1]


def oracle_input(line: str, isolate: bool = True, tab_width: int = 4) -> str:
    """``line`` (one logical line of a paragraph) as FriBidi should see it."""
    pieces: list[str] = []
    done = 0
    for start, end in find_isolates(line) if isolate else []:
        pieces += [line[done:start], "\u2066", line[start:end], "\u2069"]
        done = end
    pieces.append(line[done:])
    expanded: list[str] = []
    column = 0
    for ch in "".join(pieces):
        if ch == "\t":
            count = tab_width - column % tab_width
            expanded.append(" " * count)
            column += count
        else:
            expanded.append(ch)
            column += char_width(ch)
    # Our lines drop trailing spaces even when an invisible control follows them.
    return "".join(expanded).rstrip("".join(BREAK_SPACES | DROPPED))


def normalise(ours: str) -> str:
    """Our visual text in FriBidi's conventions (§6.2): hamza as U+0621."""
    return ours.replace("\ufe80", "\u0621")


def visual_pairs(lines: list[str], isolate: bool = True) -> list[tuple[str, str, str, str]]:
    """(line, direction, our visual text, FriBidi's) for unwrapped logical lines."""
    ours = [layout(line, 100_000) for line in lines]
    assert all(len(laid) == 1 for laid in ours), "one paragraph per line"
    out: list[tuple[str, str, str, str]] = [("", "", "", "")] * len(lines)
    for rtl in (True, False):
        picked = [i for i, laid in enumerate(ours) if (laid[0].direction == "rtl") == rtl]
        feeds = [oracle_input(lines[i], isolate) for i in picked]
        for i, visual in zip(picked, fribidi(feeds, rtl), strict=True):
            line = ours[i][0]
            out[i] = (lines[i], line.direction, normalise(line.text), visual)
    return out


def golden_cases() -> list[tuple[str, str]]:
    """(id, text) of the §7 strings and LONG."""
    return [(case_id, text) for case_id, _, text in CASES] + [("LONG", LONG)]


def golden_rows(text: str, width: int) -> list[dict[str, object]]:
    """Our lines of ``text`` at ``width``, each with FriBidi's visual form of that line.

    The break points and paragraph directions are ours (FriBidi breaks visually, which is
    wrong for RTL); each logical line is fed to FriBidi on its own.
    """
    rows: list[dict[str, object]] = []
    for line in layout(text, width):
        logical = text[line.start : line.end].rstrip("\r\n\u2029")
        visual = fribidi([oracle_input(logical)], line.direction == "rtl")[0]
        rows.append(
            {
                "start": line.start,
                "end": line.end,
                "direction": line.direction,
                "fribidi": visual,
                "ours": normalise(line.text),
            }
        )
    return rows


# Why each kind of documented difference is intentional (the fixture refers to these).
KINDS = {
    "zwj-emoji": "FriBidi reverses an emoji ZWJ sequence code point by code point (and --clean "
    "drops the ZWJs); we reorder whole grapheme clusters, so the family stays one glyph.",
    "isolate": "FriBidi, fed the raw line, applies the UBA to the token too; we treat phone "
    "numbers, URLs, e-mail addresses, @mentions and inline code as LTR isolates (the line "
    "then equals FriBidi's with LRI…PDI around the token).",
    "isolate-direction": "The first strong character is inside a token we isolate; P2 skips "
    "isolates, so the paragraph takes its direction from the text after it.",
    "paragraph-levels": "Levels are resolved once per paragraph and sliced per line (UAX #9 "
    "order: resolve, break, L1 per line); FriBidi here sees each wrapped line as a paragraph "
    "of its own, so a neutral or number at a break can resolve differently.",
    "fold-shaping": "A word longer than the width is shaped whole, then folded: its pieces keep "
    "their joining forms; FriBidi shapes each piece as if it were a word.",
    "split-isolate": "A token folded across lines stays an LTR isolate in each piece; FriBidi "
    "sees a fragment that no longer looks like a URL or code.",
    "lam-haraka-alef": "arabic-reshaper forms the lam-alef ligature across harakat (it matches "
    "ligatures with the marks stripped), FriBidi does not; both are defensible, and we keep "
    "the reshaper's choice (reference/rtl.md §3.3).",
}


def fribidi_directions(lines: list[str]) -> list[str]:
    """FriBidi's own paragraph direction (P2/P3, LTR when no strong character) per line."""
    result = subprocess.run(
        ["fribidi", "--nobreak", "--novisual", "--basedir"],
        input="".join(f"{line}\n" for line in lines).encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=120,
    )
    found = [row.rsplit(" ", 1)[-1] for row in result.stdout.decode("utf-8").splitlines()]
    assert len(found) == len(lines)
    return ["rtl" if d == "R" else "ltr" for d in found]


def _classify_wrapped(text: str, row: dict[str, object], lines_in_paragraph: int) -> str:
    """The kind of a difference on a wrapped line (generation time; reviewed by hand)."""
    start, end = int(str(row["start"])), int(str(row["end"]))
    logical = text[start:end]
    if "\u200d" in logical:
        return "zwj-emoji"
    for a, b in find_isolates(text):
        if a < end and b > start and not (start <= a and b <= end):
            return "split-isolate"
    cut_before = start > 0 and text[start - 1] not in " \n"
    stripped_end = start + len(logical.rstrip(" \n\r\u2029"))
    cut_after = stripped_end < len(text) and text[stripped_end] not in " \n\r\u2029"
    if cut_before or cut_after:
        return "fold-shaping"
    if lines_in_paragraph > 1:
        return "paragraph-levels"
    raise AssertionError(f"unexplained difference from FriBidi: {row}")


def build_golden() -> dict[str, dict[str, list[dict[str, object]]]]:
    """The golden file's content: FriBidi per line, ours and the kind where they differ."""
    golden: dict[str, dict[str, list[dict[str, object]]]] = {}
    for case_id, text in golden_cases():
        golden[case_id] = {}
        for width in GOLDEN_WIDTHS:
            rows = golden_rows(text, width)
            for row in rows:
                if row["ours"] == row["fribidi"]:
                    del row["ours"]
                    continue
                paragraph = text[: int(str(row["start"]))].count("\n")
                same = [r for r in rows if text[: int(str(r["start"]))].count("\n") == paragraph]
                row["kind"] = _classify_wrapped(text, row, len(same))
            golden[case_id][str(width)] = rows
    return golden


def build_differences(lines: list[str]) -> list[dict[str, str]]:
    """Every unwrapped line where we differ from FriBidi, fed isolated or raw, classified."""
    entries: list[dict[str, str]] = []
    for mode, isolate in (("isolated", True), ("raw", False)):
        for line, direction, ours, theirs in visual_pairs(lines, isolate):
            if ours == theirs:
                continue
            if "\u200d" in line:
                kind = "zwj-emoji"
            elif _LAM_HARAKA_ALEF.search(line):
                kind = "lam-haraka-alef"
            elif not isolate and find_isolates(line):
                kind = "isolate"
            else:
                raise AssertionError(f"unexplained difference from FriBidi: {line!r}")
            entries.append(
                {
                    "input": line,
                    "direction": direction,
                    "fribidi_input": mode,
                    "fribidi": theirs,
                    "ours": ours,
                    "kind": kind,
                }
            )
    for line, theirs in zip(lines, fribidi_directions(lines), strict=True):
        ours = layout(line, 100_000)[0].direction
        if ours != theirs:
            assert find_isolates(line), f"unexplained direction: {line!r}"
            entries.append(
                {
                    "input": line,
                    "direction": ours,
                    "fribidi_input": "direction",
                    "fribidi": theirs,
                    "ours": ours,
                    "kind": "isolate-direction",
                }
            )
    return entries


if __name__ == "__main__":
    from tests.text.corpus import persian_lines

    FIXTURES.mkdir(exist_ok=True)
    DIFFERENCES.write_text(
        json.dumps(build_differences(persian_lines()), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    GOLDEN.write_text(
        json.dumps(build_golden(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    sys.stdout.write(f"wrote {DIFFERENCES} and {GOLDEN}\n")
