"""Arabic shaping: logical text -> presentation forms, with a map back to the input.

Terminals draw each code point in its own cell and do no joining, so Arabic-script letters must
be sent as their contextual presentation forms (isolated, initial, medial, final). This module
follows arabic-reshaper 3.1.0 (its letter tables and its joining rules) configured as
``reference/rtl.md`` §3 requires:

* only Arabic-script runs are shaped, never Latin, digits or emoji (the reshaper deletes every
  ZWJ, which breaks emoji sequences);
* harakat are kept (the reshaper's default deletes them: «حتماً» would lose its tanwin);
* the ALLAH ligature is off (U+FDF2 is one cell by wcwidth and far wider on screen); the only
  ligature is lam-alef, formed as the reshaper forms it (also across harakat);
* no ligature in a run that contains a ZWJ (the reshaper's ZWJ-vs-ligature index bug).

The joining rules are re-implemented (:mod:`tui.text.joining`) rather than calling
``ArabicReshaper.reshape``, which gives no index map and costs ~10 µs a word; here a whole line
is shaped in a few bulk operations. ``tests/text/test_shaping.py`` checks the output equals the
configured reshaper's. Joining never crosses a non-Arabic character (a space included): the
general path (harakat, ZWJ) shapes and caches per run, in practice per word.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress
from typing import Final

from arabic_reshaper.letters import FINAL, INITIAL, MEDIAL

from tui.text.joining import (
    ALEF_MAKSURA,
    FORMS,
    HARAKAT,
    ZWJ,
    contextual_forms,
    contextual_forms_bulk,
)

_LAM: Final = "\u0644"

# Arabic, Arabic Supplement, Arabic Extended-B/A, Presentation Forms-A/B (the reshaper's domain).
_AR: Final = "\u0600-\u06ff\u0750-\u077f\u0870-\u089f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# ZWNJ/ZWJ inside a run; a ZWJ may also touch it from either side (it asks for a joining form).
ARABIC_RUN: Final = re.compile(f"\u200d?[{_AR}](?:[{_AR}\u200c\u200d]*[{_AR}])?\u200d?")

_LAM_ALEF_RE: Final = re.compile(
    _LAM + "[" + "".join(sorted(HARAKAT)) + "]*([\u0627\u0623\u0625\u0622])"
)
_LAM_ALEF: Final[dict[str, tuple[str, str]]] = {  # alef -> (isolated, final) ligature
    "\u0627": ("\ufefb", "\ufefc"),
    "\u0623": ("\ufef7", "\ufef8"),
    "\u0625": ("\ufef9", "\ufefa"),
    "\u0622": ("\ufef5", "\ufef6"),
}
_LAM_INITIAL: Final = FORMS[_LAM][INITIAL]
_LAMFORMS: Final = re.compile(f"[{_LAM_INITIAL}{FORMS[_LAM][MEDIAL]}]")
# Shaped lam (initial or medial) + shaped alef (final) -> the ligature (no harakat between).
_LAM_ALEF_PAIRS: Final[dict[str, str]] = {
    lam_form + FORMS[alef][FINAL]: ligatures[0 if lam_form == _LAM_INITIAL else 1]
    for alef, ligatures in _LAM_ALEF.items()
    for lam_form in (_LAM_INITIAL, FORMS[_LAM][MEDIAL])
}
_LAM_ALEF_PAIR: Final = re.compile("|".join(_LAM_ALEF_PAIRS))


def _ligature_of(match: re.Match[str]) -> str:
    return _LAM_ALEF_PAIRS[match.group()]


Gone = tuple[tuple[int, int], ...]
"""Input positions with no output code point of their own: (position, the lam it merged into,
or -1 for a ZWJ the shaper consumed). Every other input code point maps, in order, to one
output code point."""

_NEEDS_GENERAL: Final = re.compile("[" + "".join(sorted(HARAKAT)) + "\u200d]")
_ANY_06: Final = re.compile("[\u0600-\u06ff]")
_RUNS: dict[str, tuple[str, Gone]] = {}
_RUNS_MAX: Final = 65536


@dataclass(frozen=True, slots=True)
class Shaped:
    """The result of :func:`shape`.

    ``src[j]`` is the input index output code point ``j`` comes from (a lam-alef ligature: the
    lam). ``dest[i]`` is the output index that shows input code point ``i``: the ligature for a
    merged alef, ``-1`` for a ZWJ the shaper consumed.
    """

    text: str
    src: tuple[int, ...]
    dest: tuple[int, ...]


def _ligatures(source: str, shaped: str) -> tuple[str, list[tuple[int, int]]]:
    """Lam-alef ligatures (positions of ``shaped`` are those of ``source``)."""
    out = list(shaped)
    gone: list[tuple[int, int]] = []
    for match in _LAM_ALEF_RE.finditer(source):
        lam, alef = match.start(), match.start(1)
        isolated, final = _LAM_ALEF[match.group(1)]
        out[lam] = isolated if out[lam] == _LAM_INITIAL else final
        out[alef] = ""
        gone.append((alef, lam))
    return "".join(out), gone


def _shape_runs(runs: list[str]) -> None:
    """Shape runs not cached yet, in one batch, and cache them (the caller bounds the cache)."""
    plain = [run for run in runs if ZWJ not in run]
    for run in runs:
        if ZWJ in run:
            # No ligature here; the ZWJs only asked for joining forms and are removed, as the
            # reshaper removes them.
            shaped = contextual_forms(run)
            zwj = tuple((i, -1) for i, ch in enumerate(shaped) if ch == ZWJ)
            _RUNS[run] = (shaped.replace(ZWJ, ""), zwj)
    if not plain:
        return
    batch = " ".join(plain)  # a space never joins, so runs shape independently
    shaped = contextual_forms(batch)
    offsets = [0]
    for run in plain[:-1]:
        offsets.append(offsets[-1] + len(run) + 1)
    gone_of: list[list[tuple[int, int]]] = [[] for _ in plain]
    if _LAM in batch:
        shaped, gone = _ligatures(batch, shaped)
        for alef, lam in gone:
            k = bisect_right(offsets, lam) - 1
            gone_of[k].append((alef - offsets[k], lam - offsets[k]))
    for run, out, run_gone in zip(plain, shaped.split(" "), gone_of, strict=True):
        _RUNS[run] = (out, tuple(run_gone))


def shape_run(run: str) -> tuple[str, Gone]:
    """Shape one Arabic-script run (a match of ``ARABIC_RUN``): output and positions gone."""
    cached = _RUNS.get(run)
    if cached is None:
        _make_room(1)
        _shape_runs([run])
        cached = _RUNS[run]
    return cached


def _make_room(count: int) -> None:
    if len(_RUNS) + count > _RUNS_MAX:
        _RUNS.clear()  # crude, but a chat's vocabulary comes back within a screen or two


def clear_cache() -> None:
    """Forget the shaped runs."""
    _RUNS.clear()


def shape_gone(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Shape every Arabic-script run of ``text``: the output, and the input positions gone.

    ``gone`` lists (position, the lam it merged into or -1 for a consumed ZWJ), in order; every
    other input code point maps, in order, to one output code point. Text without harakat or
    ZWJ (most chat text) is shaped in one bytewise pass, which is cheaper than even looking its
    words up; otherwise run by run, through the per-run cache.
    """
    if _NEEDS_GENERAL.search(text):
        return _shape_by_runs(text)
    if not _ANY_06.search(text):
        shaped = text
    elif ALEF_MAKSURA in text:
        shaped = contextual_forms(text)
    else:
        shaped = contextual_forms_bulk(text)
    if _LAM not in text:
        return shaped, []
    if _LAMFORMS.search(text):  # presentation forms in the input: go by the source
        return _ligatures(text, shaped)
    gone = [(m.start() + 1, m.start()) for m in _LAM_ALEF_PAIR.finditer(shaped)]
    if gone:
        shaped = _LAM_ALEF_PAIR.sub(_ligature_of, shaped)
    return shaped, gone


def index_maps(
    count: int, gone: Sequence[tuple[int, int]], dropped: Sequence[int] = ()
) -> tuple[list[int], list[int], bytearray]:
    """(src, dest, keep) for ``count`` input code points of which ``gone`` and ``dropped`` have
    no output of their own (``dropped``: removed outright, like ``gone`` entries with -1).

    ``keep[i]`` is 1 for an input code point with an output of its own, else 0.
    """
    keep = bytearray(b"\x01") * count
    for i, _ in gone:
        keep[i] = 0
    for i in dropped:
        keep[i] = 0
    src = list(compress(range(count), keep))
    dest = [n - 1 for n in accumulate(keep)]
    for i, into in gone:
        dest[i] = dest[into] if into >= 0 else -1
    for i in dropped:
        dest[i] = -1
    return src, dest, keep


def shape_indexed(text: str) -> tuple[str, list[int], list[int]]:
    """Shape every Arabic-script run of ``text``: (output, src, dest) over the whole text."""
    shaped, gone = shape_gone(text)
    if not gone:
        identity = list(range(len(text)))
        return shaped, identity, identity.copy()
    src, dest, _ = index_maps(len(text), gone)
    return shaped, src, dest


def _shape_by_runs(text: str) -> tuple[str, list[tuple[int, int]]]:
    matches = list(ARABIC_RUN.finditer(text))
    runs = [m.group() for m in matches]
    missing = [run for run in dict.fromkeys(runs) if run not in _RUNS]
    if missing:
        if len(_RUNS) + len(missing) > _RUNS_MAX:
            _RUNS.clear()
            missing = list(dict.fromkeys(runs))
        _shape_runs(missing)
    pieces: list[str] = []
    gone: list[tuple[int, int]] = []
    done = 0
    for match, run in zip(matches, runs, strict=True):
        start = match.start()
        pieces.append(text[done:start])
        shaped, run_gone = _RUNS[run]
        pieces.append(shaped)
        if run_gone:
            gone += [(start + i, start + j if j >= 0 else -1) for i, j in run_gone]
        done = match.end()
    pieces.append(text[done:])
    return "".join(pieces), gone


def shape(text: str) -> Shaped:
    """Shape the Arabic-script runs of ``text`` into presentation forms (logical order kept)."""
    shaped, src, dest = shape_indexed(text)
    return Shaped(shaped, tuple(src), tuple(dest))
