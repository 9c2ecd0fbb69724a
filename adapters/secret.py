"""A token wrapper whose ``str``/``repr`` never show the value.

Every place that holds a bot token holds a :class:`Secret`. The value leaves it only through
:meth:`Secret.reveal`, which adapters call at the moment they build a request URL. Each secret
is also registered with :mod:`adapters.redact` so that log records mentioning it are scrubbed.
"""

from __future__ import annotations

from typing import NoReturn

from adapters import redact


class Secret:
    """An opaque string. ``str(secret)`` and ``repr(secret)`` print ``***``."""

    __slots__ = ("__value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret wraps a str")
        self.__value = value
        redact.register(value)

    def reveal(self) -> str:
        """The raw value. Call only where the value must go on the wire."""
        return self.__value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __bool__(self) -> bool:
        return bool(self.__value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self.__value == other.__value
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Secret", self.__value))

    def __reduce__(self) -> NoReturn:
        # Pickling would write the raw value somewhere we do not control.
        raise TypeError("a Secret cannot be pickled")
