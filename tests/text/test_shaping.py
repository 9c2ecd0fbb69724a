"""Shaping: the configured arabic-reshaper's output, Arabic runs only, with exact index maps."""

from __future__ import annotations

import random

import arabic_reshaper
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.text import corpus
from tui.text import joining, shaping
from tui.text.shaping import ARABIC_RUN, shape, shape_run

_CONFIG = {"ARABIC LIGATURE ALLAH": False, "delete_harakat": False}
RESHAPER = arabic_reshaper.ArabicReshaper(_CONFIG)
RESHAPER_NO_LIGATURES = arabic_reshaper.ArabicReshaper({**_CONFIG, "support_ligatures": False})


def reshaper_reference(text: str) -> str:
    """rtl.md §4.3's reshape(): the reshaper on Arabic runs only, no ligatures with a ZWJ."""
    out: list[str] = []
    done = 0
    for match in ARABIC_RUN.finditer(text):
        run = match.group()
        reshaper = RESHAPER_NO_LIGATURES if "\u200d" in run else RESHAPER
        out += [text[done : match.start()], reshaper.reshape(run)]
        done = match.end()
    out.append(text[done:])
    return "".join(out)


def check_maps(text: str) -> None:
    shaped = shape(text)
    assert len(shaped.src) == len(shaped.text)
    assert len(shaped.dest) == len(text)
    assert list(shaped.src) == sorted(set(shaped.src)), "src is strictly increasing"
    for j, i in enumerate(shaped.src):
        assert shaped.dest[i] == j
    for i, d in enumerate(shaped.dest):
        if i not in shaped.src:
            if text[i] == "\u200d":
                assert d == -1
            else:  # the alef of a lam-alef ligature
                assert text[i] in "\u0627\u0623\u0625\u0622"
                assert shaped.text[d] in "\ufef5\ufef6\ufef7\ufef8\ufef9\ufefa\ufefb\ufefc"


LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةءئؤأإآۀـى"
MARKS = "\u064b\u064c\u064e\u064f\u0650\u0651\u0652\u0654\u0670"


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(LETTERS + MARKS + "لا" * 4 + "\u200c ،؟۱٣a1.😀"), max_size=30))
def test_shaping_equals_configured_reshaper(text: str) -> None:
    assert shape(text).text == reshaper_reference(text)
    check_maps(text)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(LETTERS + "\u200d\u200c لا"), max_size=20))
def test_runs_with_zwj_join_but_form_no_ligature(text: str) -> None:
    # Without harakat, where the reshaper's own ZWJ bookkeeping is right.
    assert shape(text).text == reshaper_reference(text)
    check_maps(text)


def test_dictionary_words_equal_reshaper() -> None:
    if not corpus.have_wordlist():
        pytest.skip("myspell-fa is not installed (.ci/run installs it)")
    words = random.Random(3).sample(corpus.words(), 20_000)
    line = " ".join(words)
    assert shape(line).text == reshaper_reference(line)
    for word in words[:2000]:
        assert shape(word).text == reshaper_reference(word)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(st.sampled_from(LETTERS + " a😀"), max_size=40)))
def test_bulk_forms_equal_the_general_forms(text: str) -> None:
    text = "".join(c for c in text if c not in joining.HARAKAT and c not in "\u200d\u0649")
    assert joining.contextual_forms_bulk(text) == joining.contextual_forms(text)


def test_only_arabic_runs_are_touched() -> None:
    text = "hello 👨\u200d👩\u200d👧 123 world!"
    shaped = shape(text)
    assert shaped.text == text
    assert shaped.src == tuple(range(len(text)))


def test_harakat_are_kept_and_allah_is_not_a_ligature() -> None:
    assert "\u064b" in shape("حتماً").text
    assert "\u0654" in shape("خانهٔ").text
    allah = shape("الله عبدالله").text
    assert "\ufdf2" not in allah
    assert len(allah) == len("الله عبدالله")


def test_lam_alef_ligature_and_its_maps() -> None:
    shaped = shape("سلام")
    assert shaped.text == "\ufeb3\ufefc\ufee1"
    assert shaped.src == (0, 1, 3)
    assert shaped.dest == (0, 1, 1, 2)
    assert shape("لا").text == "\ufefb"


def test_the_reshaper_zwj_bugs_do_not_bite() -> None:
    # arabic-reshaper: IndexError here, and a lost meem in the next one (reference/rtl.md §3.3).
    assert shape("a\u200db لا").text == "a\u200db \ufefb"
    family = "👨\u200d👩 سلام"
    assert shape(family).text == "👨\u200d👩 \ufeb3\ufefc\ufee1"


def test_zwj_at_a_run_edge_asks_for_a_joining_form() -> None:
    beh = "\u0628"
    assert shape(beh + "\u200d").text == "\ufe91"  # initial form
    assert shape("\u200d" + beh).text == "\ufe90"  # final form
    assert shape(beh + "\u200d").dest == (0, -1)


def test_runs_are_cached_per_word() -> None:
    shaping.clear_cache()
    first = shape_run("کتاب\u200cها")
    assert shape_run("کتاب\u200cها") is first
    shape("کتاب\u200cها را")  # the bytewise path does not need the cache
    shape("کتاب\u200cهاَ")  # a haraka: shaped run by run, through the cache
    assert "کتاب\u200cهاَ" in shaping._RUNS
