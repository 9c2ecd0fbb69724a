"""JSON in and out for bytes a server sent: total functions with one declared failure.

``json.loads`` can fail in ways a caller catching ``ValueError`` does not expect: nesting past
the recursion limit raises ``RecursionError``. And an integer longer than Python's int/str
limit (4,300 digits) fails the WHOLE body with ``ValueError``, so one absurd number would make
every update of a batch unreadable, and the account would retry the same answer forever.
:func:`loads` fails only with ``ValueError`` and keeps such an integer as its digit string
instead: the one field holding it is then of the wrong type, which makes only its own update
a poison update (quarantined; the rest of the batch and the cursor go on).

:func:`dump_raw` is the quarantine side: the escaped JSON of one update, or — when it cannot
be re-encoded (too deep, an integer past the limit) — a small JSON note saying so, never an
exception (the quarantine copy must not be what stalls an account).
"""

from __future__ import annotations

import json
from typing import Any


def _int_or_digits(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:  # past sys.get_int_max_str_digits(): keep the digits, as a str
        return text


def loads(data: str | bytes) -> Any:
    """Parse JSON text; raises ``ValueError`` (and only that) when it is not JSON we can hold."""
    error: ValueError | None = None
    try:
        return json.loads(data)
    except RecursionError:
        error = ValueError("JSON nested too deeply")
    except json.JSONDecodeError as exc:
        error = exc
    except ValueError:
        pass  # an integer past the int/str limit: read again, keeping it as digits
    if error is not None:
        raise error
    try:
        return json.loads(data, parse_int=_int_or_digits)
    except RecursionError:
        error = ValueError("JSON nested too deeply")
    raise error


def dump_raw(value: Any) -> bytes:
    """ASCII JSON of ``value`` (lone surrogates stay escaped), or a note when it cannot be."""
    try:
        return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    except (ValueError, TypeError, RecursionError) as exc:
        note = {"payam_unencodable": type(value).__name__, "why": type(exc).__name__}
        return json.dumps(note, separators=(",", ":")).encode("ascii")
