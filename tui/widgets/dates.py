"""Dates and times as the user reads them: Gregorian or Jalali (``jdatetime``), ASCII or Persian
digits, in one time zone. Widgets take a :class:`TimeFormatter` as a parameter, so tests pass
one with a fixed zone and nothing reads the clock.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Final, Protocol

import jdatetime

_PERSIAN_DIGITS: Final = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
GREGORIAN_MONTHS_FA: Final = (  # the Gregorian months as Persian speakers name them
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
)


class TimeFormatter(Protocol):
    """What the conversation and search views ask of a date formatter."""

    def local_date(self, when: datetime) -> date:
        """The calendar day ``when`` falls on where the user is (day separators change on it)."""
        ...

    def time(self, when: datetime) -> str:
        """A message's time of day, e.g. ``14:05``."""
        ...

    def day(self, when: datetime) -> str:
        """A day separator's label, e.g. ``Sat 21 Jun 2025`` or ``شنبه ۳۱ خرداد ۱۴۰۴``."""
        ...

    def stamp(self, when: datetime) -> str:
        """Date and time in one short label (search results), e.g. ``2025-06-21 14:05``."""
        ...


class GregorianFormatter:
    """Gregorian dates; ``tz`` None means the machine's local zone."""

    def __init__(
        self, tz: tzinfo | None = None, *, persian_digits: bool = False, persian: bool = False
    ) -> None:
        self.tz = tz
        self.persian_digits = persian_digits
        self.persian = persian

    def _local(self, when: datetime) -> datetime:
        return when.astimezone(self.tz)

    def _digits(self, text: str) -> str:
        return text.translate(_PERSIAN_DIGITS) if self.persian_digits else text

    def local_date(self, when: datetime) -> date:
        """The local calendar day."""
        return self._local(when).date()

    def time(self, when: datetime) -> str:
        """``HH:MM``."""
        return self._digits(self._local(when).strftime("%H:%M"))

    def day(self, when: datetime) -> str:
        """``Sat 21 Jun 2025`` (or with Persian month names)."""
        local = self._local(when)
        if self.persian:
            month = GREGORIAN_MONTHS_FA[local.month - 1]
            return self._digits(f"{local.day} {month} {local.year}")
        return self._digits(f"{local:%a} {local.day} {local:%b %Y}")

    def stamp(self, when: datetime) -> str:
        """``YYYY-MM-DD HH:MM``."""
        return self._digits(self._local(when).strftime("%Y-%m-%d %H:%M"))


class JalaliFormatter(GregorianFormatter):
    """Solar Hijri (Jalali) dates via ``jdatetime``; Persian digits by default."""

    def __init__(
        self, tz: tzinfo | None = None, *, persian_digits: bool = True, persian: bool = True
    ) -> None:
        super().__init__(tz, persian_digits=persian_digits, persian=persian)

    def _jalali(self, when: datetime) -> jdatetime.datetime:
        return jdatetime.datetime.fromgregorian(datetime=self._local(when))

    def day(self, when: datetime) -> str:
        """``شنبه ۳۱ خرداد ۱۴۰۴`` (or ``Saturday 31 Khordad 1404`` with ``persian=False``)."""
        j = self._jalali(when)
        week = (j.weekday()) % 7
        if self.persian:
            name = jdatetime.date.j_weekdays_fa[week]
            month = jdatetime.date.j_months_fa[j.month - 1]
        else:
            name = jdatetime.date.j_weekdays_en[week]
            month = jdatetime.date.j_months_en[j.month - 1]
        return self._digits(f"{name} {j.day} {month} {j.year}")

    def stamp(self, when: datetime) -> str:
        """``۱۴۰۴/۰۳/۳۱ ۱۴:۰۵``."""
        j = self._jalali(when)
        return self._digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d} {j.hour:02d}:{j.minute:02d}")
