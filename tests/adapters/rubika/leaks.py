"""Canary checks: a token must not be reachable from a raised error or a log line."""

from __future__ import annotations

import traceback

from adapters import redact


def chain(exc: BaseException) -> list[BaseException]:
    """Every exception reachable from ``exc`` through ``__cause__`` and ``__context__``."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop()
        if any(e is s for s in seen):
            continue
        seen.append(e)
        todo.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return seen


def leaks(text: str, token: str) -> bool:
    """True when ``text`` holds ``token`` in any form the redactor knows (raw, quoted, base64)."""
    return any(v in text for v in redact.variants(token))


def assert_error_is_clean(err: BaseException, token: str) -> None:
    """No form of ``token`` in the error's str, repr, args, chain or formatted traceback."""
    for e in chain(err):
        shown = [str(e), repr(e), repr(e.args), "".join(traceback.format_exception(e))]
        assert not any(leaks(s, token) for s in shown), type(e).__name__
        # Whatever httpx exception caused it must not be reachable (its .request has the URL).
        assert type(e).__module__.split(".")[0] != "httpx", type(e).__name__
