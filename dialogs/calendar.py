"""Periods written in policy files ("1 month", "30 days", "10 working days") and date sums.

Months are calendar months (dateutil clamps 31 January + 1 month to 28/29 February).
Working days skip weekends and the bank holidays of England and Wales, from `holidays`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from dateutil.relativedelta import relativedelta

_PERIOD = re.compile(r"^\s*(\d{1,4})\s+(working\s+days?|days?|weeks?|months?)\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period in a policy file that cannot be read."""


@dataclass(frozen=True)
class Period:
    """A span of time: days, weeks, calendar months or working days."""

    amount: int
    unit: str  # "days" | "weeks" | "months" | "working_days"

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read '3 days', '10 working days', '1 month', '6 months' or '2 weeks'."""
        match = _PERIOD.match(text)
        if not match:
            raise PeriodError(
                f"{text!r} is not a period: write it like '30 days', '1 month' or '10 working days'"
            )
        unit = match.group(2).lower().split()
        name = "working_days" if unit[0] == "working" else unit[0].rstrip("s") + "s"
        return cls(int(match.group(1)), name)

    def after(self, start: dt.date) -> dt.date:
        """The last day of this period counted from `start` (inclusive windows end here)."""
        if self.unit == "working_days":
            return add_working_days(start, self.amount)
        if self.unit == "months":
            return start + relativedelta(months=self.amount)
        days = self.amount * (7 if self.unit == "weeks" else 1)
        return start + dt.timedelta(days=days)

    def before(self, end: dt.date) -> dt.date:
        """The first day of this period counted back from `end`."""
        if self.unit == "working_days":
            return subtract_working_days(end, self.amount)
        if self.unit == "months":
            return end - relativedelta(months=self.amount)
        days = self.amount * (7 if self.unit == "weeks" else 1)
        return end - dt.timedelta(days=days)

    def __str__(self) -> str:
        unit = self.unit.replace("_", " ")
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    # England and Wales share one list of bank holidays; Scotland and NI differ. The tables load
    # on first use (about 6 MB), so a process whose policy never counts working days skips them.
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The date `count` working days after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def subtract_working_days(end: dt.date, count: int) -> dt.date:
    """The date `count` working days before `end` (end itself not counted)."""
    day = end
    remaining = count
    while remaining > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
