"""Periods counted in months and years, as the Civil Code (民法 Arts. 140-143) counts them.

Every limit haken checks is written in months or years: the 3-year dispatch limits, the
"more than 3 months" cooling-off, the 2-month residence grace period, the 5-year and
6-month rules of 無期転換. Adding months with a naive "same day, clamped" rule gets the
month ends wrong (a period starting on 1 March ends on the last day of a month, never on
the 28th), so all of them go through the two functions here.

The rule, for a period whose first counted day is ``first_day``:

* it ends on the day **before** the day that corresponds to ``first_day`` in the last
  month (民法143条2項本文);
* if the last month has no corresponding day (31 January + 1 month), it ends on the last
  day of that month (143条2項ただし書).

A period that starts on the 1st thus ends on the last day of a month (143条1項: counted by
the calendar). Callers apply the "first day not counted" rule (140条) themselves, by
passing the day after the event as ``first_day``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def days_in_month(year: int, month: int) -> int:
    """Number of days in the calendar month (28-31)."""
    return calendar.monthrange(year, month)[1]


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (or earlier), clamped to the month's end.

    This is the "corresponding day" (応当日) where one exists. Used for dates stated as
    "N months before/after" a day, such as the 意見聴取 deadline, not for period ends.
    """
    year, month = _shift_month(day.year, day.month, months)
    return date(year, month, min(day.day, days_in_month(year, month)))


def period_end(first_day: date, months: int) -> date:
    """Last day of a period of ``months`` months whose first counted day is ``first_day``.

    >>> period_end(date(2026, 4, 1), 36)
    datetime.date(2029, 3, 31)
    >>> period_end(date(2026, 1, 31), 1)  # February has no 31st: its last day
    datetime.date(2026, 2, 28)
    """
    if months < 1:
        raise ValueError("a period has at least one month")
    year, month = _shift_month(first_day.year, first_day.month, months)
    if first_day.day <= days_in_month(year, month):
        return date(year, month, first_day.day) - ONE_DAY
    return date(year, month, days_in_month(year, month))


def day_after_period(first_day: date, months: int) -> date:
    """The first day after a period of ``months`` months starting on ``first_day``."""
    return period_end(first_day, months) + ONE_DAY


@dataclass(frozen=True, order=True)
class MonthsDays:
    """A length of time as whole calendar months plus leftover days.

    Lengths are added the way the 無期転換 ordinance adds contract periods (平成24年厚生労働省令
    第148号): months are counted by the calendar, and leftover days of several periods are
    added together, 30 days making one month. ``normalised`` applies that carry.
    """

    months: int = 0
    days: int = 0

    def __add__(self, other: MonthsDays) -> MonthsDays:
        return MonthsDays(self.months + other.months, self.days + other.days).normalised()

    def normalised(self) -> MonthsDays:
        """Carry every 30 leftover days into one month."""
        carry, days = divmod(self.days, 30)
        return MonthsDays(self.months + carry, days)

    def exceeds_months(self, months: int) -> bool:
        """True when this length is strictly longer than ``months`` whole months."""
        length = self.normalised()
        return length.months > months or (length.months == months and length.days > 0)


def length_of(start: date, end: date) -> MonthsDays:
    """Length of the period from ``start`` to ``end``, both days included.

    Whole months first, by the calendar (see ``period_end``); the days left over after the
    last whole month are counted as days and never rounded.

    >>> length_of(date(2013, 4, 1), date(2016, 7, 20))
    MonthsDays(months=39, days=20)
    """
    if end < start:
        raise ValueError("end is before start")
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    while months > 0 and period_end(start, months) > end:
        months -= 1
    if months == 0:
        return MonthsDays(0, (end - start).days + 1)
    return MonthsDays(months, (end - period_end(start, months)).days)


def gap_at_least(last_day_before: date, first_day_after: date, months: int) -> bool:
    """True when the days strictly between two periods make up ``months`` months or more.

    ``last_day_before`` is the last day of the earlier period and ``first_day_after`` the
    first day of the later one; the gap is the days in between.
    """
    gap_first = last_day_before + ONE_DAY
    gap_last = first_day_after - ONE_DAY
    if gap_last < gap_first:
        return False
    return period_end(gap_first, months) <= gap_last


def gap_more_than(last_day_before: date, first_day_after: date, months: int) -> bool:
    """True when the gap between two periods is longer than ``months`` months (N months + 1 day)."""
    gap_first = last_day_before + ONE_DAY
    gap_last = first_day_after - ONE_DAY
    if gap_last < gap_first:
        return False
    return period_end(gap_first, months) < gap_last


def anniversary(birth_date: date, years: int) -> date:
    """The first day on which a person born on ``birth_date`` is ``years`` old.

    Under the Age Calculation Act (年齢計算ニ関スル法律) with 民法143条 a person attains an
    age at the end of the day before the birthday, so the first full day at that age is the
    birthday itself; for someone born on 29 February it is 1 March in a common year.
    """
    return day_after_period(birth_date, years * 12)


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on the day ``on`` (the birthday counts as the new age)."""
    age = on.year - birth_date.year
    if age > 0 and anniversary(birth_date, age) > on:
        age -= 1
    return max(age, 0)
