"""R9 — parser fuzzing: every adapter's wire → model mapping under hostile JSON and bytes.

Issue 7, "Parser fuzzing". Hypothesis generates the inputs (:mod:`tests.security.fuzzkit`):
arbitrary nested values, wrong types, huge ints, NaN/Infinity, lone surrogates, missing and
extra fields, nesting up to 5,000 deep, mutated valid updates, random bytes and transport
failures. Only the declared outcomes may come out:

* Bot API (Telegram, Bale with its implicit markup, Soroush Plus) ``updates_to_events``:
  events of the declared kinds (a poison update is ``Unparsed``), ``WireError`` only when the
  result is not a list; a valid update next to the poison still parses;
* Rubika ``parse_update``: a parsed update, None, or ``WireError``;
* Eitaa's send answer (``parse`` → ``message_id``) and ``identity``: a str id, a ``Failure``,
  or ``WireError``;
* every adapter end to end (``poll``, ``send``, ``me`` over an ``httpx.MockTransport``): a
  declared result or an ``AdapterError`` that holds no token and no httpx exception.

``make test`` runs :data:`EXAMPLES` examples per target; ``PAYAM_SOAK=1`` (``make soak``)
runs 25,000 (``PAYAM_FUZZ_EXAMPLES`` overrides both). atheris, where it installs, runs the
same oracles coverage-guided: ``test_fuzz_atheris.py``.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security import fuzzkit
from tests.security.fuzzkit import (
    EITAA_RESULTS,
    RUBIKA_POISON,
    TG_POISON,
    Answer,
    answers,
    bodies,
    eitaa_envelope,
    rubika_envelope,
    tg_envelope,
)

SOAK = os.environ.get("PAYAM_SOAK") == "1"
EXAMPLES = int(os.environ.get("PAYAM_FUZZ_EXAMPLES") or (25_000 if SOAK else 400))
ADAPTER_EXAMPLES = max(50, EXAMPLES // 2)
BIG = fuzzkit.HugeInt(10**5000)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=not SOAK,  # make test: the same inputs every run; soak: fresh ones
    database=None,
)
pytestmark = pytest.mark.timeout(3600 if SOAK else 300)


@pytest.mark.parametrize("messenger", sorted(fuzzkit.BOTAPI_DIALECTS))
def test_botapi_updates_poison_never_escapes_and_the_valid_update_survives(messenger: str) -> None:
    dialect = fuzzkit.BOTAPI_DIALECTS[messenger]

    @FUZZ
    @given(poison=TG_POISON)
    def check(poison: Any) -> None:
        fuzzkit.botapi_page(poison, dialect)

    check()


@FUZZ
@given(poison=RUBIKA_POISON)
def test_rubika_parse_update_raises_only_wire_error(poison: Any) -> None:
    fuzzkit.rubika_item(poison)


@FUZZ
@given(status=st.sampled_from([200, 201, 400, 401, 403, 429, 500]), result=EITAA_RESULTS)
def test_eitaa_send_answer_and_identity_parse_or_fail_declared(status: int, result: Any) -> None:
    fuzzkit.eitaa_result(status, result)
    fuzzkit.eitaa_result(status, {"ok": True, "result": result})
    fuzzkit.eitaa_result(status, {"ok": False, "error_code": result, "description": result})


ADAPTER_CASES = [
    ("telegram", "poll", tg_envelope),
    ("bale", "poll", tg_envelope),
    ("splus", "poll", tg_envelope),
    ("telegram", "send", eitaa_envelope),
    ("telegram", "me", eitaa_envelope),
    ("rubika", "poll", rubika_envelope),
    ("rubika", "send", lambda ps: {"status": "OK", "data": ps[0]}),
    ("eitaa", "send", eitaa_envelope),
    ("eitaa", "me", eitaa_envelope),
]
POISON_FOR = {"telegram": TG_POISON, "bale": TG_POISON, "splus": TG_POISON, "rubika": RUBIKA_POISON}


@pytest.mark.parametrize(("messenger", "op", "envelope"), ADAPTER_CASES, ids=lambda c: str(c))
def test_adapters_end_to_end_give_a_declared_result_or_a_declared_error(
    messenger: str, op: str, envelope: Any
) -> None:
    poison = POISON_FOR.get(messenger, EITAA_RESULTS) if op == "poll" else EITAA_RESULTS
    # Rubika's poll also asks getChat for names: a second scripted answer, as hostile.
    script = st.lists(answers(bodies(poison, envelope)), min_size=1, max_size=3)
    loop = asyncio.new_event_loop()

    @settings(FUZZ, max_examples=ADAPTER_EXAMPLES)
    @given(script=script)
    def check(script: list[Answer]) -> None:
        loop.run_until_complete(fuzzkit.run_call(messenger, op, script))

    try:
        check()
    finally:
        loop.close()


def test_a_poison_update_between_valid_ones_costs_only_itself() -> None:
    """The fixed cases the fuzzer found first, kept as plain regressions."""
    dialect = fuzzkit.BOTAPI_DIALECTS["telegram"]
    for poison in (
        fuzzkit.nested(3000, "list"),
        {"update_id": 8, "message": fuzzkit.nested(3000, "dict")},
        {"update_id": 8, "message": {"message_id": BIG, "date": 1, "chat": {"id": 1}}},
        {"update_id": 8, "message": {"message_id": 1, "date": 1, "chat": {"id": BIG}}},
        {"update_id": BIG},
        {"update_id": 8, "message": {"text": "\ud800"}},
    ):
        fuzzkit.botapi_page(poison, dialect)
    for poison in (fuzzkit.nested(3000, "dict"), {"type": "NewMessage", "chat_id": BIG}):
        fuzzkit.rubika_item(poison)
    for result in ({"message_id": BIG}, {"id": BIG}, fuzzkit.nested(3000, "list")):
        fuzzkit.eitaa_result(200, {"ok": True, "result": result})
    fuzzkit.eitaa_result(400, {"ok": False, "error_code": "²"})
    fuzzkit.eitaa_result(400, {"ok": False, "error_code": "4" * 5000})
