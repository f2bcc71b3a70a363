"""無期転換 (労働契約法18条), JP_DISPATCH.md §4 and case C.23."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haken.labor.civil_periods import MonthsDays, add_months, period_end
from haken.labor.fixed_term import (
    FixedTermContract,
    conversion_right_date,
    counted_period,
    required_cooling_months,
)


def _yearly(first_start: date, count: int) -> list[FixedTermContract]:
    """Back-to-back 1-year contracts."""
    contracts = []
    start = first_start
    for _ in range(count):
        end = period_end(start, 12)
        contracts.append(FixedTermContract(start, end))
        start = end + timedelta(days=1)
    return contracts


# --- the brief's worked cases (§4 "When the right arises", case C.23) -------------------------


def test_one_year_contracts_from_2013() -> None:
    # §4: 1-year contracts from 2013-04-01 → right from 2018-04-01.
    assert conversion_right_date(_yearly(date(2013, 4, 1), 6)) == date(2018, 4, 1)


def test_five_one_year_contracts_are_not_more_than_five_years() -> None:
    # Exactly 5 years is not "more than 5 years".
    assert conversion_right_date(_yearly(date(2013, 4, 1), 5)) is None


def test_six_month_then_yearly_contracts() -> None:
    # §4 (muki Q&A example 1): a 6-month contract from 2013-04-01, then 1-year contracts
    # from 2013-10-01 → right from 2017-10-01.
    contracts = [FixedTermContract(date(2013, 4, 1), date(2013, 9, 30))]
    contracts += _yearly(date(2013, 10, 1), 5)
    assert conversion_right_date(contracts) == date(2017, 10, 1)


def test_two_three_year_contracts() -> None:
    # §4 (muki Q&A example 2) and case C.23: 2013-04-01–2016-03-31 renewed to
    # 2019-03-31 → right from 2016-04-01.
    contracts = [
        FixedTermContract(date(2013, 4, 1), date(2016, 3, 31)),
        FixedTermContract(date(2016, 4, 1), date(2019, 3, 31)),
    ]
    assert conversion_right_date(contracts) == date(2016, 4, 1)


def test_contracts_before_april_2013_do_not_count() -> None:
    # §4: only contracts starting on or after 2013-04-01 count.
    assert conversion_right_date(_yearly(date(2011, 4, 1), 8)) == date(2018, 4, 1)


def test_a_single_long_contract_is_not_enough() -> None:
    # §4: "two or more" fixed-term contracts; the right comes with the renewal.
    single = [FixedTermContract(date(2014, 4, 1), date(2020, 3, 31))]
    assert conversion_right_date(single) is None
    renewed = [*single, FixedTermContract(date(2020, 4, 1), date(2021, 3, 31))]
    assert conversion_right_date(renewed) == date(2020, 4, 1)


# --- cooling -------------------------------------------------------------------------------


def test_cooling_table_boundaries() -> None:
    # §4 table: ≤2 → 1; >2-≤4 → 2; >4-≤6 → 3; >6-≤8 → 4; >8-≤10 → 5; >10 → 6;
    # 1 year or more → 6.
    assert required_cooling_months(MonthsDays(0, 7)) == 1
    assert required_cooling_months(MonthsDays(2, 0)) == 1
    assert required_cooling_months(MonthsDays(2, 1)) == 2
    assert required_cooling_months(MonthsDays(4, 0)) == 2
    assert required_cooling_months(MonthsDays(4, 1)) == 3
    assert required_cooling_months(MonthsDays(6, 0)) == 3
    assert required_cooling_months(MonthsDays(6, 1)) == 4
    assert required_cooling_months(MonthsDays(8, 0)) == 4
    assert required_cooling_months(MonthsDays(8, 1)) == 5
    assert required_cooling_months(MonthsDays(10, 0)) == 5
    assert required_cooling_months(MonthsDays(10, 1)) == 6
    assert required_cooling_months(MonthsDays(11, 29)) == 6
    assert required_cooling_months(MonthsDays(12, 0)) == 6
    assert required_cooling_months(MonthsDays(48, 0)) == 6
    # 1 month 30 days is 2 months once the 30 days are carried.
    assert required_cooling_months(MonthsDays(1, 30)) == 1


def test_six_month_gap_after_a_year_resets() -> None:
    # §4: counted period ≥ 1 year before the gap → a gap of 6 months or more resets.
    before = _yearly(date(2014, 4, 1), 2)  # ends 2016-03-31
    # Gap 2016-04-01 .. 2016-09-30 is exactly 6 months.
    after = _yearly(date(2016, 10, 1), 6)
    assert counted_period([*before, after[0]]) == MonthsDays(12, 0)
    assert conversion_right_date(before + after) == date(2021, 10, 1)


def test_gap_one_day_short_of_six_months_joins() -> None:
    before = _yearly(date(2014, 4, 1), 2)
    after = _yearly(date(2016, 9, 30), 4)  # gap 2016-04-01 .. 2016-09-29
    assert counted_period([*before, after[0]]) == MonthsDays(36, 0)
    # 24 months + 3 × 12 = 60 at 2019-09-29; the 4th later contract goes over.
    assert conversion_right_date(before + after) == date(2019, 9, 30)


def _short_case(gap_months: int) -> list[FixedTermContract]:
    # sr-mimi.theblog.me's example (consistent with the brief's table): ① 7 days,
    # 10 days' gap, ② 2 months, then a gap, then ③.
    first = FixedTermContract(date(2026, 4, 1), date(2026, 4, 7))
    second = FixedTermContract(date(2026, 4, 18), date(2026, 6, 17))
    third_start = add_months(date(2026, 6, 18), gap_months)
    return [first, second, FixedTermContract(third_start, third_start + timedelta(days=29))]


def test_short_prior_period_two_month_gap_cools() -> None:
    # Prior period 2 months 7 days (>2 to ≤4 months) → 2 months of gap needed; the gap
    # 2026-06-18 .. 2026-08-17 is exactly 2 months → the count restarts with ③.
    contracts = _short_case(2)
    assert counted_period(contracts) == contracts[2].length.normalised() == MonthsDays(1, 0)


def test_short_prior_period_one_month_gap_joins() -> None:
    # The 10-day gap after ① (7 days; 1 month needed) joins ① and ②; a 1-month gap
    # after ② is too short for 2 months 7 days, so ③ joins too: 7d + 2m + 30d.
    contracts = _short_case(1)
    assert counted_period(contracts) == MonthsDays(3, 7)


def test_published_counting_example() -> None:
    # adecco.co.jp Q38 (省令148号): 2013-04-01〜2016-07-20 and 2016-09-01〜2018-04-20
    # → 通算 4年10カ月40日, i.e. 4 years 11 months 10 days.
    contracts = [
        FixedTermContract(date(2013, 4, 1), date(2016, 7, 20)),
        FixedTermContract(date(2016, 9, 1), date(2018, 4, 20)),
    ]
    assert counted_period(contracts) == MonthsDays(59, 10)


def test_fifteen_day_contracts_take_ten_years() -> None:
    # adecco.co.jp Q38: 15-day contracts (1st-15th of every month) from April 2013 →
    # right from April 2023, since two 15-day remainders make one month.
    contracts = []
    for i in range(121):
        start = add_months(date(2013, 4, 1), i)
        contracts.append(FixedTermContract(start, start + timedelta(days=14)))
    assert conversion_right_date(contracts) == date(2023, 4, 1)
    assert conversion_right_date(contracts[:-1]) is None


def test_overlapping_contracts_rejected() -> None:
    with pytest.raises(ValueError, match="overlap"):
        conversion_right_date(
            [
                FixedTermContract(date(2020, 4, 1), date(2021, 3, 31)),
                FixedTermContract(date(2021, 3, 31), date(2022, 3, 31)),
            ]
        )
    with pytest.raises(ValueError, match="before it starts"):
        FixedTermContract(date(2021, 4, 2), date(2021, 4, 1))


def test_no_contracts() -> None:
    assert conversion_right_date([]) is None
    assert counted_period([]) == MonthsDays()


# --- properties ----------------------------------------------------------------------------


@st.composite
def contract_lists(draw: st.DrawFn, first: date = date(2013, 4, 1)) -> list[FixedTermContract]:
    contracts = []
    start = draw(st.dates(min_value=first, max_value=first + timedelta(days=400)))
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        months = draw(st.sampled_from([1, 3, 6, 12, 24, 36]))
        end = period_end(start, months)
        contracts.append(FixedTermContract(start, end))
        start = end + timedelta(days=draw(st.integers(min_value=1, max_value=250)))
    return contracts


@given(contract_lists())
def test_right_arises_at_a_renewal(contracts: list[FixedTermContract]) -> None:
    right = conversion_right_date(contracts)
    if right is not None:
        assert right in {c.start for c in contracts[1:]}
        assert right >= date(2013, 4, 1)


@given(contract_lists())
def test_adding_contracts_never_removes_a_right(contracts: list[FixedTermContract]) -> None:
    for n in range(1, len(contracts)):
        earlier = conversion_right_date(contracts[:n])
        if earlier is not None:
            assert conversion_right_date(contracts) == earlier


@given(contract_lists(), contract_lists(), st.integers(min_value=0, max_value=300))
def test_six_month_gap_always_resets(
    before: list[FixedTermContract], after: list[FixedTermContract], extra: int
) -> None:
    # §4: 6 months is the longest gap the table ever asks for.
    reset_start = period_end(before[-1].end + timedelta(days=1), 6) + timedelta(days=1 + extra)
    offset = reset_start - after[0].start
    later = [FixedTermContract(c.start + offset, c.end + offset) for c in after]
    if conversion_right_date(before) is None:
        assert conversion_right_date(before + later) == conversion_right_date(later)
