"""A fast path for the bidi levels of ordinary chat text (UAX #9 rules W1–I2 without X1–X8).

Most lines are letters, spaces, punctuation and digits with no explicit bidi control: then the
whole paragraph is one isolating run sequence at the paragraph level, and the weak, neutral and
implicit rules reduce to a handful of string substitutions over one class letter per code point
(``unidata.CODE_OF_CLASS``). This is some 20 times cheaper than asking the reference engine.

Also handled: the LTR isolates ``layout`` puts around phone numbers, URLs and the like (each is
resolved as its own sequence at level 2, and stands in the outer sequence as one neutral, just as
an LRI…PDI pair would), and BN characters such as ZWNJ (removed by X9, then given the level of
the character before them, as the reference engine does).

Anything else (embeddings, overrides, isolate controls in the text, paragraph separators, bracket
nesting deeper than BD16's stack) returns ``None``, and the caller asks the reference engine.
Every case this accepts is checked against the reference engine by the conformance tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from tui.text.unidata import CANONICAL_BRACKET, CLOSING, OPENING

_REJECT: Final = re.compile("[XIPB]")
_BRACKET: Final = re.compile("[" + re.escape("".join([*OPENING, *CLOSING])) + "]")
_NSM_RUN: Final = re.compile("([^m])(m+)")
# Every rule below that looks past a run ("the next strong type after these neutrals") matches
# the maximal run once and checks the one character after it: a per-character lookahead over
# the run (``E(?=[^LRA]*A)``) rescans it from every position, which is quadratic (10,000 emoji,
# all neutrals, took seconds).
_NOT_STRONG_OR_AL: Final = re.compile("[^LRA]+")  # W2, on the reversed sequence
_ES_CS_EN: Final = re.compile("(?<=E)[sc](?=E)")
_CS_AN: Final = re.compile("(?<=N)c(?=N)")
_ET_RUN: Final = re.compile("t+")  # W5
_NOT_STRONG: Final = re.compile("[^LR]+")  # W7, on the reversed sequence
_NEUTRAL_RUN: Final = re.compile("[owSi]+")  # N1/N2
_MARKED_RUN: Final = re.compile("r+|l+")  # N1, on the reversed sequence
_LEFTOVER: Final = {"L": str.maketrans("rl", "LL"), "R": str.maketrans("rl", "RR")}
_ALL_RTL: Final = re.compile("[ARowS]*")
_ALL_LTR: Final = re.compile("[LowS]*")
_ANY_NEUTRAL: Final = re.compile("[owSi]")
_SEPARATORS_TO_ON: Final = str.maketrans("stc", "ooo")
_MAX_BRACKET_DEPTH: Final = 63
_UNIT: Final = "\ufffc"  # stands for an isolate in the outer sequence's characters
_STRONG_OF: Final = {"L": "L", "R": "R", "E": "R", "N": "R"}


def _level_table(level: int) -> dict[int, int]:
    """I1/I2: resolved type -> level, for an embedding level."""
    if level & 1:
        return {ord("L"): level + 1, ord("R"): level, ord("E"): level + 1, ord("N"): level + 1}
    return {ord("L"): level, ord("R"): level + 1, ord("E"): level + 2, ord("N"): level + 2}


_LEVELS_AT: Final = {level: _level_table(level) for level in range(3)}


def _after(match: re.Match[str]) -> str:
    """The character just after a match ("" at the end)."""
    return match.string[match.end() : match.end() + 1]


def _en_to_an_before_al(match: re.Match[str]) -> str:
    run = match.group()
    return run.replace("E", "N") if _after(match) == "A" else run


def _en_to_l_before_l(match: re.Match[str]) -> str:
    run = match.group()
    return run.replace("E", "L") if _after(match) == "L" else run


def _et_next_to_en(match: re.Match[str]) -> str:
    run, at = match.group(), match.start()
    if _after(match) == "E" or (at > 0 and match.string[at - 1] == "E"):
        return "E" * len(run)
    return run


def _mark_neutrals(match: re.Match[str]) -> str:
    after = _after(match)
    if after in ("R", "E", "N"):
        return "r" * len(match.group())
    if after == "L":
        return "l" * len(match.group())
    return match.group()


def _settle_marked(match: re.Match[str]) -> str:
    run, after = match.group(), _after(match)
    if run[0] == "r" and after in ("R", "E", "N"):
        return "R" * len(run)
    if run[0] == "l" and after == "L":
        return "L" * len(run)
    return run


def _nsm(match: re.Match[str]) -> str:
    before = match.group(1)
    return before + ("o" if before == "i" else before) * len(match.group(2))


def _weak(seq: str, sos: str) -> str:
    """Rules W1–W7 over one isolating run sequence (no BN in it)."""
    if "m" in seq:  # W1
        seq = _NSM_RUN.sub(_nsm, sos + seq)[1:]
    if "A" in seq:
        if "E" in seq:  # W2 (the last strong before, found forwards in the reversed text)
            seq = _NOT_STRONG_OR_AL.sub(_en_to_an_before_al, seq[::-1])[::-1]
        seq = seq.replace("A", "R")  # W3
    if "s" in seq or "c" in seq:  # W4
        seq = _ES_CS_EN.sub("E", seq)
        seq = _CS_AN.sub("N", seq)
    if "t" in seq:  # W5
        seq = _ET_RUN.sub(_et_next_to_en, seq)
    seq = seq.translate(_SEPARATORS_TO_ON)  # W6
    if "E" in seq and (sos == "L" or "L" in seq):  # W7
        seq = _NOT_STRONG.sub(_en_to_l_before_l, seq[::-1] + sos)[-2::-1]
    return seq


def _canonical(char: str) -> str:
    return CANONICAL_BRACKET.get(char, char)


def _brackets(seq: str, chars: str, original: str, e_dir: str, sos: str) -> str | None:
    """Rule N0 (paired brackets); ``None`` when BD16's stack would overflow."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for match in _BRACKET.finditer(chars):
        k = match.start()
        if seq[k] != "o":
            continue
        char = match.group()
        if char in OPENING:
            if len(stack) == _MAX_BRACKET_DEPTH:
                return None
            stack.append((_canonical(OPENING[char]), k))
        else:
            wanted = _canonical(char)
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == wanted:
                    pairs.append((stack[depth][1], k))
                    del stack[depth:]
                    break
    if not pairs:
        return seq
    pairs.sort()
    types = list(seq)
    opposite = "R" if e_dir == "L" else "L"
    for opening, closing in pairs:
        inside = "".join(types[opening + 1 : closing])
        has_l = "L" in inside
        has_r = "R" in inside or "E" in inside or "N" in inside
        if (has_l and e_dir == "L") or (has_r and e_dir == "R"):
            new = e_dir
        elif has_l or has_r:
            before = "".join(types[:opening])
            last = max(before.rfind("L"), before.rfind("R"), before.rfind("E"), before.rfind("N"))
            context = sos if last < 0 else _STRONG_OF[before[last]]
            new = opposite if context == opposite else e_dir
        else:
            continue
        for k in (opening, closing):
            types[k] = new
            k += 1
            while k < len(types) and original[k] == "m":  # NSMs after a bracket follow it
                types[k] = new
                k += 1
    return "".join(types)


def _neutrals(seq: str, e_dir: str, sos: str, eos: str) -> str:
    """Rules N1 and N2 (EN and AN count as R), without a Python loop.

    Each neutral is first marked ``r``/``l`` by the next strong type after it; then, on the
    reversed text, those whose previous strong type matches become ``R``/``L`` (N1), and the
    rest take the embedding direction (N2).
    """
    if not _ANY_NEUTRAL.search(seq):
        return seq
    framed = _NEUTRAL_RUN.sub(_mark_neutrals, sos + seq + eos)
    backwards = _MARKED_RUN.sub(_settle_marked, framed[::-1])
    return backwards.translate(_LEFTOVER[e_dir])[-2:0:-1]


def resolve_sequence(seq: str, chars: str, level: int, sos: str, eos: str) -> str | None:
    """Resolve one isolating run sequence to types L, R, E, N (``None``: not handled here)."""
    e_dir = "R" if level & 1 else "L"
    original = seq
    seq = _weak(seq, sos)
    if _BRACKET.search(chars):
        bracketed = _brackets(seq, chars, original, e_dir, sos)
        if bracketed is None:
            return None
        seq = bracketed
    return _neutrals(seq, e_dir, sos, eos)


def fast_levels(
    text: str, codes: str, base: int, isolates: Sequence[tuple[int, int]] = ()
) -> list[int] | None:
    """Embedding levels of one paragraph (before L1), or ``None`` if the fast path can't.

    ``codes`` is ``unidata.bidi_codes(text)``; ``base`` the paragraph level (0 or 1);
    ``isolates`` sorted, disjoint, non-empty ``[start, end)`` ranges to treat as LRI…PDI.
    """
    if _REJECT.search(codes):
        return None
    e_dir = "R" if base & 1 else "L"
    if not isolates and (_ALL_RTL if base & 1 else _ALL_LTR).fullmatch(codes):
        # Only letters of the paragraph's direction and neutrals: everything is at its level.
        return [base] * len(codes)
    if not isolates and "b" not in codes:
        resolved = resolve_sequence(codes, text, base, e_dir, e_dir)
        if resolved is None:
            return None
        return list(resolved.translate(_LEVELS_AT[base]).encode("latin-1"))
    return _fast_levels_general(text, codes, base, e_dir, isolates)


def _fast_levels_general(
    text: str, codes: str, base: int, e_dir: str, isolates: Sequence[tuple[int, int]]
) -> list[int] | None:
    n = len(codes)
    levels = [-1] * n
    outer_codes: list[str] = []
    outer_chars: list[str] = []
    outer_pos: list[int] = []  # text index, or -1 - k for the k-th isolate
    done = 0
    for k, (start, end) in enumerate((*isolates, (n, n))):
        for p in range(done, start):
            if codes[p] != "b":
                outer_codes.append(codes[p])
                outer_chars.append(text[p])
                outer_pos.append(p)
        if start == n:
            break
        outer_codes.append("i")
        outer_chars.append(_UNIT)
        outer_pos.append(-1 - k)
        inner = [p for p in range(start, end) if codes[p] != "b"]
        if inner:
            resolved = resolve_sequence(
                "".join(codes[p] for p in inner), "".join(text[p] for p in inner), 2, "L", "L"
            )
            if resolved is None:
                return None
            inner_levels = resolved.translate(_LEVELS_AT[2]).encode("latin-1")
            for p, level in zip(inner, inner_levels, strict=True):
                levels[p] = level
        done = end
    resolved = resolve_sequence("".join(outer_codes), "".join(outer_chars), base, e_dir, e_dir)
    if resolved is None:
        return None
    unit_level: list[int] = [base] * len(isolates)
    outer_levels = resolved.translate(_LEVELS_AT[base]).encode("latin-1")
    for p, level in zip(outer_pos, outer_levels, strict=True):
        if p >= 0:
            levels[p] = level
        else:
            unit_level[-1 - p] = level
    # X9-removed characters take the level of the character before them (an isolate's LRI or
    # PDI when they touch one), or the paragraph level at the start: what the reference does.
    if "b" in codes:
        starts = {start: k for k, (start, _) in enumerate(isolates)}
        ends = {end: k for k, (_, end) in enumerate(isolates)}
        for p in range(n):
            if codes[p] == "b":
                if p in starts:
                    levels[p] = unit_level[starts[p]]
                elif p in ends:
                    levels[p] = unit_level[ends[p]]
                else:
                    levels[p] = levels[p - 1] if p else base
    return levels
