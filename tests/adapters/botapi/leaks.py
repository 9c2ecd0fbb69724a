"""Checks that an error (and the logs) never reach the canary token."""

from __future__ import annotations

import traceback

from adapters import redact

from .scripted import TOKEN


def chain(exc: BaseException) -> list[BaseException]:
    """Every exception reachable through __cause__ and __context__."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop()
        if any(e is s for s in seen):
            continue
        seen.append(e)
        todo.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return seen


def leaks(text: str) -> bool:
    """Whether ``text`` holds the token in any form redaction knows (raw, quoted, base64)."""
    return any(v in text for v in redact.variants(TOKEN)) or TOKEN.split(":")[1] in text


def assert_clean(err: BaseException) -> None:
    """No str/repr/args/chain/traceback (locals included) of ``err`` shows the token."""
    assert len(chain(err)) == 1, [type(e).__name__ for e in chain(err)]
    rendered = [
        str(err),
        repr(err),
        repr(err.args),
        "".join(traceback.format_exception(err)),
        # What a crash screen with show_locals would print.
        "".join(traceback.TracebackException.from_exception(err, capture_locals=True).format()),
    ]
    for text in rendered:
        assert not leaks(text), text
