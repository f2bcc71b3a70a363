"""締め日: the period of a cut-off containing a day, the period named by a month, the pay day."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from haken.labor.closing import (
    ChangedCutoff,
    ClosingPeriod,
    pay_date,
    period_containing,
    period_ending_in,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "cutoff", "start", "end"),
    [
        (D(2026, 2, 14), 0, D(2026, 2, 1), D(2026, 2, 28)),  # 末日締め, not a leap year
        (D(2028, 2, 29), 0, D(2028, 2, 1), D(2028, 2, 29)),
        (D(2026, 4, 20), 20, D(2026, 3, 21), D(2026, 4, 20)),  # the cut-off day itself
        (D(2026, 4, 21), 20, D(2026, 4, 21), D(2026, 5, 20)),
        (D(2026, 12, 25), 20, D(2026, 12, 21), D(2027, 1, 20)),  # across the year
        (D(2026, 1, 5), 15, D(2025, 12, 16), D(2026, 1, 15)),
        (D(2026, 3, 1), 27, D(2026, 2, 28), D(2026, 3, 27)),
    ],
)
def test_period_containing(day: dt.date, cutoff: int, start: dt.date, end: dt.date) -> None:
    period = period_containing(day, cutoff)
    assert (period.start, period.end) == (start, end)
    assert day in period


def test_periods_of_a_cut_off_tile_the_calendar() -> None:
    day, seen = D(2025, 12, 1), []
    while day < D(2027, 2, 1):
        period = period_containing(day, 25)
        seen.append(period)
        day = period.end + dt.timedelta(days=1)
    for before, after in itertools.pairwise(seen):
        assert after.start == before.end + dt.timedelta(days=1)


def test_period_named_by_the_month_of_its_cut_off() -> None:
    assert period_ending_in(2026, 4, 20) == ClosingPeriod(D(2026, 3, 21), D(2026, 4, 20))
    assert period_ending_in(2026, 2, 0) == ClosingPeriod(D(2026, 2, 1), D(2026, 2, 28))


def test_pay_day() -> None:
    april = ClosingPeriod(D(2026, 4, 1), D(2026, 4, 30))
    assert pay_date(april, pay_day=25, months_after=1) == D(2026, 5, 25)  # 末日締め翌月25日払い
    assert pay_date(april, pay_day=0, months_after=0) == D(2026, 4, 30)  # 当月末払い
    december = ClosingPeriod(D(2026, 11, 21), D(2026, 12, 20))
    assert pay_date(december, pay_day=10, months_after=1) == D(2027, 1, 10)


@pytest.mark.parametrize("cutoff", [-1, 29, 31])
def test_cut_offs_that_do_not_exist_every_month_are_refused(cutoff: int) -> None:
    with pytest.raises(ValueError, match="cut-off"):
        period_containing(D(2026, 1, 1), cutoff)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        # 末日 invoiced up to 30 April, then 20日締め from 1 May: the 移行期間 is 1–20 May.
        (D(2026, 5, 1), D(2026, 5, 1), D(2026, 5, 20)),
        (D(2026, 5, 20), D(2026, 5, 1), D(2026, 5, 20)),
        (D(2026, 5, 21), D(2026, 5, 21), D(2026, 6, 20)),
        # A day before the change: the 20th's period cut short the day before it.
        (D(2026, 4, 25), D(2026, 4, 21), D(2026, 4, 30)),
        (D(2026, 4, 10), D(2026, 3, 21), D(2026, 4, 20)),
    ],
)
def test_a_changed_cutoff_starts_with_a_short_period(
    day: dt.date, start: dt.date, end: dt.date
) -> None:
    assert ChangedCutoff(20, D(2026, 5, 1)).period_containing(day) == ClosingPeriod(start, end)


def test_a_changed_cutoff_clips_the_period_named_by_a_month() -> None:
    changed = ChangedCutoff(20, D(2026, 5, 1))
    assert changed.clip(period_ending_in(2026, 5, 20)) == ClosingPeriod(
        D(2026, 5, 1), D(2026, 5, 20)
    )
    assert changed.clip(period_ending_in(2026, 6, 20)) == period_ending_in(2026, 6, 20)
    assert changed.clip(period_ending_in(2026, 4, 20)) is None  # all before the change
    unchanged = ChangedCutoff(20)
    assert unchanged.period_containing(D(2026, 4, 25)) == period_containing(D(2026, 4, 25), 20)
    assert unchanged.clip(period_ending_in(2026, 4, 20)) == period_ending_in(2026, 4, 20)
