"""締め日 (cut-off days): the payroll and billing period a day belongs to, and the pay day.

Pure: a cut-off day ``0`` means the last day of the month (末日締め); ``1``–``28`` means that
day of the month (20日締め: the period runs from the 21st to the 20th of the next month). Days
29–31 are refused: they do not exist every month, and the agencies that use them mean 末日.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

MONTH_END = 0
"""末日: the cut-off (or pay day) is the last day of the month."""


def _check(day: int, what: str) -> None:
    if not 0 <= day <= 28:
        raise ValueError(f"{what} must be 0 (month end) or 1–28")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True, slots=True)
class ClosingPeriod:
    """One period between two cut-offs (both days included)."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period_containing(day: dt.date, cutoff_day: int) -> ClosingPeriod:
    """The period of a cut-off day that contains ``day``.

    >>> period_containing(dt.date(2026, 2, 14), 0)
    ClosingPeriod(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28))
    >>> period_containing(dt.date(2026, 2, 21), 20)
    ClosingPeriod(start=datetime.date(2026, 2, 21), end=datetime.date(2026, 3, 20))
    """
    _check(cutoff_day, "the cut-off day")
    if cutoff_day == MONTH_END:
        return ClosingPeriod(day.replace(day=1), _month_end(day.year, day.month))
    if day.day <= cutoff_day:
        end = day.replace(day=cutoff_day)
    else:
        year, month = _add_months(day, 1)
        end = dt.date(year, month, cutoff_day)
    year, month = _add_months(end, -1)
    return ClosingPeriod(dt.date(year, month, cutoff_day) + dt.timedelta(days=1), end)


@dataclass(frozen=True, slots=True)
class ChangedCutoff:
    """A billing cut-off that was changed after earlier periods were invoiced: it groups the
    days from ``since`` on (None: every day), and the first period under it is the short
    移行期間 from ``since`` to its next cut-off (20日締め from 1 May after 末日 up to April:
    1–20 May, then 21 May – 20 June). Days before ``since`` keep the periods they had; for
    them this gives the period cut short the day before ``since``.

    >>> ChangedCutoff(20, dt.date(2026, 5, 1)).period_containing(dt.date(2026, 5, 7))
    ClosingPeriod(start=datetime.date(2026, 5, 1), end=datetime.date(2026, 5, 20))
    >>> ChangedCutoff(20, dt.date(2026, 5, 1)).period_containing(dt.date(2026, 5, 21))
    ClosingPeriod(start=datetime.date(2026, 5, 21), end=datetime.date(2026, 6, 20))
    """

    cutoff_day: int
    since: dt.date | None = None

    def period_containing(self, day: dt.date) -> ClosingPeriod:
        period = period_containing(day, self.cutoff_day)
        since = self.since
        if since is None or not period.start < since <= period.end:
            return period
        if day >= since:
            return ClosingPeriod(since, period.end)
        return ClosingPeriod(period.start, since - dt.timedelta(days=1))

    def clip(self, period: ClosingPeriod) -> ClosingPeriod | None:
        """The part of ``period`` (a period of the cut-off) grouped under it: from ``since``
        when the period holds it, None when the period ends before it."""
        since = self.since
        if since is None or since <= period.start:
            return period
        if since > period.end:
            return None
        return ClosingPeriod(since, period.end)


def period_ending_in(year: int, month: int, cutoff_day: int) -> ClosingPeriod:
    """The period whose cut-off falls in ``year``-``month`` (the month the period is named
    after: 20日締め's "April" runs from March 21 to April 20)."""
    _check(cutoff_day, "the cut-off day")
    end = _month_end(year, month) if cutoff_day == MONTH_END else dt.date(year, month, cutoff_day)
    return period_containing(end, cutoff_day)


def pay_date(period: ClosingPeriod, *, pay_day: int, months_after: int) -> dt.date:
    """The pay day of ``period``: day ``pay_day`` (0 = month end) of the month
    ``months_after`` months after the month of its cut-off (翌月25日払い: 25, 1)."""
    _check(pay_day, "the pay day")
    if months_after < 0:
        raise ValueError("months_after must not be negative")
    year, month = _add_months(period.end, months_after)
    if pay_day == MONTH_END:
        return _month_end(year, month)
    return dt.date(year, month, pay_day)
