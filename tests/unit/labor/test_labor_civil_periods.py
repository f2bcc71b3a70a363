"""Civil Code period counting (民法140-143条), the base of every month/year limit."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haken.labor.civil_periods import (
    MonthsDays,
    add_months,
    age_on,
    anniversary,
    gap_at_least,
    gap_more_than,
    length_of,
    period_end,
)

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def test_period_starting_on_the_first_ends_on_a_month_end() -> None:
    # 民法143条1項: counted by the calendar; 3 years from 1 April end on 31 March.
    assert period_end(date(2026, 4, 1), 36) == date(2029, 3, 31)
    assert period_end(date(2027, 3, 1), 2) == date(2027, 4, 30)


def test_period_ends_the_day_before_the_corresponding_day() -> None:
    # 民法143条2項本文.
    assert period_end(date(2026, 4, 16), 1) == date(2026, 5, 15)
    assert period_end(date(2026, 1, 15), 3) == date(2026, 4, 14)


def test_period_without_corresponding_day_ends_at_month_end() -> None:
    # 民法143条2項ただし書: 30 November + 3 months has no 30 February.
    assert period_end(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert period_end(date(2027, 11, 30), 3) == date(2028, 2, 29)  # leap year
    assert period_end(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_period_needs_at_least_one_month() -> None:
    with pytest.raises(ValueError, match="at least one month"):
        period_end(date(2026, 1, 1), 0)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2029, 3, 31), -1) == date(2029, 2, 28)
    assert add_months(date(2028, 3, 31), -1) == date(2028, 2, 29)
    assert add_months(date(2029, 4, 1), -1) == date(2029, 3, 1)
    assert add_months(date(2026, 12, 15), 2) == date(2027, 2, 15)


def test_length_of_matches_the_published_example() -> None:
    # adecco.co.jp Q38 (quoting 厚労省令148号): 2013-04-01〜2016-07-20 = 3年3カ月20日,
    # 2016-09-01〜2018-04-20 = 1年7カ月20日.
    assert length_of(date(2013, 4, 1), date(2016, 7, 20)) == MonthsDays(39, 20)
    assert length_of(date(2016, 9, 1), date(2018, 4, 20)) == MonthsDays(19, 20)


def test_length_of_short_and_month_end_periods() -> None:
    assert length_of(date(2026, 4, 1), date(2026, 4, 15)) == MonthsDays(0, 15)
    assert length_of(date(2026, 4, 1), date(2026, 4, 30)) == MonthsDays(1, 0)
    # 31 Jan + 1 month ends on the last day of February.
    assert length_of(date(2023, 1, 31), date(2023, 2, 28)) == MonthsDays(1, 0)
    # In a leap year that month ends on 29 February, so 31 Jan-28 Feb is 29 days.
    assert length_of(date(2024, 1, 31), date(2024, 2, 28)) == MonthsDays(0, 29)
    with pytest.raises(ValueError, match="before start"):
        length_of(date(2026, 4, 2), date(2026, 4, 1))


def test_months_days_carry_thirty_days_into_a_month() -> None:
    # 4年10カ月40日 is 4年11カ月10日 (30 days make a month; 厚労省令148号).
    assert MonthsDays(39, 20) + MonthsDays(19, 20) == MonthsDays(59, 10)
    assert MonthsDays(60, 0).exceeds_months(60) is False
    assert MonthsDays(60, 1).exceeds_months(60) is True
    assert MonthsDays(59, 30).exceeds_months(60) is False


def test_gap_thresholds() -> None:
    # Gap 1 April - 30 June is exactly 3 months.
    assert gap_at_least(date(2026, 3, 31), date(2026, 7, 1), 3) is True
    assert gap_more_than(date(2026, 3, 31), date(2026, 7, 1), 3) is False
    assert gap_more_than(date(2026, 3, 31), date(2026, 7, 2), 3) is True
    assert gap_at_least(date(2026, 3, 31), date(2026, 6, 30), 3) is False
    # Back-to-back periods have no gap at all.
    assert gap_at_least(date(2026, 3, 31), date(2026, 4, 1), 1) is False


def test_anniversary_and_age() -> None:
    assert anniversary(date(1966, 4, 15), 60) == date(2026, 4, 15)
    # Born 29 February: the age is reached at the end of 28 February in a common year.
    assert anniversary(date(2000, 2, 29), 1) == date(2001, 3, 1)
    assert anniversary(date(2000, 2, 29), 4) == date(2004, 2, 29)
    assert age_on(date(1966, 4, 15), date(2026, 4, 14)) == 59
    assert age_on(date(1966, 4, 15), date(2026, 4, 15)) == 60
    assert age_on(date(2000, 2, 29), date(2001, 2, 28)) == 0
    assert age_on(date(2000, 2, 29), date(2001, 3, 1)) == 1


@given(DATES, st.integers(min_value=1, max_value=120))
def test_period_end_is_within_the_target_month_window(first: date, months: int) -> None:
    end = period_end(first, months)
    assert end >= first
    # The next period starts the day after and is never a full extra month away.
    assert length_of(first, end) == MonthsDays(months, 0)


@given(DATES, DATES)
def test_length_is_consistent_with_period_end(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    length = length_of(start, end)
    assert 0 <= length.days < 31
    if length.months:
        assert period_end(start, length.months) + timedelta(days=length.days) == end
    else:
        assert (end - start).days + 1 == length.days
