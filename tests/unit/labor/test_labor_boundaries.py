"""Every date rule of haken.labor on its boundary day, the day before and the day after.

Expected values are worked by hand from the rule texts, not read back from the code:

* dispatch (JP_LABOR.md §7.1, JP_DISPATCH.md §1.2): the 抵触日 is the first day past 3 years;
  a clock restarts only after a gap of *more than* 3 months (3 months and 1 day), so after a
  dispatch ending 2027-03-31 the old clock stops governing on 2027-07-02; the 意見聴取 must be
  held at least 1 month before the 抵触日; a worker is 60 from the day they reach 60, the day
  before their 60th birthday (年齢計算ニ関スル法律 with 民法143条: the age is reached at the end
  of that day; 派遣法40条の2第1項2号ロ, 則32条の5), and a 抵触日 on or after that day never binds.
* residence (入管法20条6項, JP_LABOR.md §2.3): an application filed on or before the expiry
  lets the worker stay until the decision or the end of the day 2 months after the expiry.
* fixed-term (労働契約法18条, JP_DISPATCH.md §4): the right to 無期転換 needs a total of *more
  than* 5 years over 2+ contracts; a gap of 6 months or more resets a count of 1 year or more.
* housing: a month's charge is prorated by calendar days occupied, both ends included,
  rounded down to the yen.
"""

from __future__ import annotations

from datetime import date

import pytest

from haken.labor.average_wage import WagePeriod, three_periods_before
from haken.labor.dispatch import (
    ConflictResult,
    DispatchPeriod,
    SiteExtension,
    aged_60_from,
    binds,
    conflict_date_for,
    conflict_within,
    effective_conflict_date,
    individual_conflict_date,
    resets_clock,
    site_conflict_date,
)
from haken.labor.fixed_term import FixedTermContract, conversion_right_date
from haken.labor.housing import occupied_days, prorated_rent
from haken.labor.minimum_wage import MinimumWage, MinimumWageTable
from haken.labor.overtime_agreement import (
    AgreementLimits,
    Check,
    Level,
    MonthFigures,
    caps_on,
    check_agreement,
)
from haken.labor.residence import (
    assess_stay,
    expiring_within,
    special_period_end,
    work_permitted_until,
)

# --- dispatch: the cooling-off reset day (last day 2027-03-31 → reset day 2027-07-02) -------

FIRST = (date(2026, 4, 1), date(2027, 3, 31))  # clock 2026-04-01 → 抵触日 2029-04-01
PLANNED = (date(2027, 9, 1), date(2028, 3, 31))  # a fresh clock → 抵触日 2030-09-01


def _individual(*periods: tuple[date, date], reference: date) -> ConflictResult:
    return individual_conflict_date(
        [DispatchPeriod(s, e) for s, e in periods],
        reference_date=reference,
        birth_date=date(1990, 5, 20),
        indefinite_contract=False,
    )


def _site(*periods: tuple[date, date], reference: date) -> ConflictResult:
    return site_conflict_date([DispatchPeriod(s, e) for s, e in periods], reference_date=reference)


@pytest.mark.parametrize(
    ("next_start", "resets"),
    [(date(2027, 7, 1), False), (date(2027, 7, 2), True), (date(2027, 7, 3), True)],
)
def test_resets_clock_around_three_months_and_one_day(next_start: date, resets: bool) -> None:
    # Gap 2027-04-01..2027-06-30 is exactly 3 months: not "more than"; one more day is.
    assert resets_clock(date(2027, 3, 31), next_start) is resets


@pytest.mark.parametrize("rule", [_individual, _site])
@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (date(2027, 7, 1), date(2029, 4, 1)),  # still in the cooling-off: the old clock
        (date(2027, 7, 2), date(2030, 9, 1)),  # reset day: the planned run's clock
        (date(2027, 7, 3), date(2030, 9, 1)),
    ],
)
def test_the_old_clock_governs_until_the_reset_day(
    rule: object, reference: date, expected: date
) -> None:
    result = rule(FIRST, PLANNED, reference=reference)  # type: ignore[operator]
    assert result.conflict_date == expected


@pytest.mark.parametrize("rule", [_individual, _site])
@pytest.mark.parametrize(
    ("reference", "expected"),
    [(date(2027, 7, 1), date(2029, 4, 1)), (date(2027, 7, 2), None), (date(2027, 7, 3), None)],
)
def test_nothing_planned_no_clock_from_the_reset_day(
    rule: object, reference: date, expected: date | None
) -> None:
    result = rule(FIRST, reference=reference)  # type: ignore[operator]
    assert result.conflict_date == expected


@pytest.mark.parametrize(
    ("clock_start", "conflict"),
    [
        (date(2026, 3, 31), date(2029, 3, 31)),
        (date(2026, 4, 1), date(2029, 4, 1)),
        (date(2026, 4, 2), date(2029, 4, 2)),
    ],
)
def test_conflict_date_is_the_first_day_past_three_years(clock_start: date, conflict: date) -> None:
    assert conflict_date_for(clock_start) == conflict


@pytest.mark.parametrize(
    ("today", "within_90"),
    [
        (date(2029, 1, 1), True),  # 2029-01-01 → 2029-04-01 is 31+28+31 = 90 days
        (date(2028, 12, 31), False),  # 91 days
        (date(2029, 1, 2), True),  # 89 days
        (date(2029, 4, 1), True),  # the 抵触日 itself
        (date(2029, 4, 2), True),  # passed: still listed, most urgent
    ],
)
def test_conflict_within_ninety_days(today: date, within_90: bool) -> None:
    result = ConflictResult(conflict_date=date(2029, 4, 1), clock_start=date(2026, 4, 1))
    assert conflict_within(result, 90, today=today) is within_90


@pytest.mark.parametrize(
    ("hearing", "conflict", "late"),
    [
        (date(2029, 2, 28), date(2032, 4, 1), False),
        (date(2029, 3, 1), date(2032, 4, 1), False),  # 1 month before 2029-04-01: in time
        (date(2029, 3, 2), date(2029, 4, 1), True),
    ],
)
def test_extension_hearing_one_month_before(hearing: date, conflict: date, late: bool) -> None:
    result = site_conflict_date(
        [DispatchPeriod(*FIRST)],
        reference_date=date(2027, 1, 1),
        extensions=[SiteExtension(hearing_date=hearing, months=36)],
    )
    assert result.conflict_date == conflict
    assert bool(result.late_extensions) is late


@pytest.mark.parametrize(
    ("reference", "exempt"),
    [
        (date(2027, 6, 13), False),  # the day before reaching 60
        (date(2027, 6, 14), True),  # reaches 60 (the day before the birthday)
        (date(2027, 6, 15), True),  # the birthday
    ],
)
def test_aged_60_from_the_day_before_the_60th_birthday(reference: date, exempt: bool) -> None:
    result = individual_conflict_date(
        [DispatchPeriod(date(2026, 4, 1), date(2028, 3, 31))],
        reference_date=reference,
        birth_date=date(1967, 6, 15),
        indefinite_contract=False,
    )
    assert (result.exemption is not None) is exempt
    assert (result.conflict_date is None) is exempt
    assert aged_60_from(date(1967, 6, 15)) == date(2027, 6, 14)


# The individual clock 2025-04-01 → 抵触日 2028-04-01; the site date 2029-04-01, later.
_UNIT_RUN = (date(2025, 4, 1), date(2028, 3, 31))
_SITE = ConflictResult(conflict_date=date(2029, 4, 1))


@pytest.mark.parametrize(
    ("birth", "effective"),
    [
        (date(1968, 4, 1), None),  # reaches 60 on 2028-03-31, the day before the 抵触日
        (date(1968, 4, 2), None),  # reaches 60 on 2028-04-01, the 抵触日 itself
        (date(1968, 4, 3), date(2028, 4, 1)),  # reaches 60 on 2028-04-02, the day after
        (date(1969, 4, 2), date(2028, 4, 1)),  # reaches 60 a year after the 抵触日
    ],
)
def test_effective_date_around_reaching_60(birth: date, effective: date | None) -> None:
    individual = individual_conflict_date(
        [DispatchPeriod(*_UNIT_RUN)],
        reference_date=date(2026, 4, 1),
        birth_date=birth,
        indefinite_contract=False,
    )
    # Aged 57-58 on the reference date: the individual date stands on the documents.
    assert individual.conflict_date == date(2028, 4, 1)
    assert effective_conflict_date(_SITE, individual, birth_date=birth) == effective


@pytest.mark.parametrize(
    ("reference", "conflict"),
    [
        (date(2027, 6, 13), date(2028, 4, 1)),  # 59: the date stands (on the documents)
        (date(2027, 6, 14), None),  # reaches 60: no individual date from this day
        (date(2027, 6, 15), None),
    ],
)
def test_turning_60_during_an_assignment(reference: date, conflict: date | None) -> None:
    # Born 1967-06-15, in the unit since 2025-04-01: the date is none from the day they
    # reach 60; before that it stands but does not bind (60 comes before 2028-04-01).
    result = individual_conflict_date(
        [DispatchPeriod(*_UNIT_RUN)],
        reference_date=reference,
        birth_date=date(1967, 6, 15),
        indefinite_contract=False,
    )
    assert result.conflict_date == conflict
    assert not binds(result, birth_date=date(1967, 6, 15))


# --- residence: the expiry and the special period (特例期間) --------------------------------

EXPIRY = date(2026, 4, 15)  # special period ends 2026-06-15


@pytest.mark.parametrize(
    ("expiry", "end"),
    [
        (date(2026, 4, 14), date(2026, 6, 14)),
        (date(2026, 4, 15), date(2026, 6, 15)),
        (date(2026, 4, 16), date(2026, 6, 16)),
        (date(2026, 4, 30), date(2026, 6, 30)),  # 2 months from 1 May end with June
        (date(2027, 2, 28), date(2027, 4, 30)),  # 2 months from 1 March end with April
    ],
)
def test_special_period_ends_two_months_after_the_expiry(expiry: date, end: date) -> None:
    assert special_period_end(expiry) == end


@pytest.mark.parametrize(
    ("filed", "until"),
    [
        (date(2026, 4, 14), date(2026, 6, 15)),
        (date(2026, 4, 15), date(2026, 6, 15)),  # filed on the expiry day: in time
        (date(2026, 4, 16), date(2026, 4, 15)),  # filed after: no special period
    ],
)
def test_application_filed_on_or_before_the_expiry(filed: date, until: date) -> None:
    assert work_permitted_until(EXPIRY, application_filed_on=filed) == until


@pytest.mark.parametrize(
    ("decided", "until"),
    [
        (date(2026, 6, 14), date(2026, 6, 14)),
        (date(2026, 6, 15), date(2026, 6, 15)),
        (date(2026, 6, 16), date(2026, 6, 15)),  # a later decision: the period ended first
        (date(2026, 4, 14), date(2026, 4, 15)),  # decided before the expiry: expiry stands
    ],
)
def test_decision_against_the_end_of_the_special_period(decided: date, until: date) -> None:
    assert (
        work_permitted_until(EXPIRY, application_filed_on=date(2026, 4, 1), decided_on=decided)
        == until
    )


@pytest.mark.parametrize(
    ("today", "may_work", "special"),
    [
        (date(2026, 4, 15), True, False),  # the expiry day itself
        (date(2026, 4, 16), True, True),
        (date(2026, 6, 14), True, True),
        (date(2026, 6, 15), True, True),  # the last day of the special period
        (date(2026, 6, 16), False, False),
    ],
)
def test_assess_stay_with_a_pending_application(today: date, may_work: bool, special: bool) -> None:
    stay = assess_stay(EXPIRY, today=today, application_filed_on=date(2026, 4, 1))
    assert (stay.may_work, stay.in_special_period) == (may_work, special)


@pytest.mark.parametrize(
    ("today", "may_work"),
    [(date(2026, 4, 14), True), (date(2026, 4, 15), True), (date(2026, 4, 16), False)],
)
def test_assess_stay_without_an_application(today: date, may_work: bool) -> None:
    assert assess_stay(EXPIRY, today=today).may_work is may_work


@pytest.mark.parametrize(
    ("today", "soon"),
    [
        (date(2026, 1, 14), False),  # 91 days before 2026-04-15
        (date(2026, 1, 15), True),  # 16+28+31+15 = 90 days
        (date(2026, 1, 16), True),
    ],
)
def test_expiring_within_ninety_days(today: date, soon: bool) -> None:
    assert expiring_within(EXPIRY, 90, today=today) is soon


# --- fixed-term: more than 5 years, and the 6-month cooling ---------------------------------


@pytest.mark.parametrize(
    ("second_end", "right"),
    [
        (date(2026, 3, 30), None),
        (date(2026, 3, 31), None),  # 36 + 24 months: exactly 5 years, not more
        (date(2026, 4, 1), date(2024, 4, 1)),  # one day past 5 years: from that contract's start
    ],
)
def test_conversion_needs_more_than_five_years(second_end: date, right: date | None) -> None:
    contracts = [
        FixedTermContract(date(2021, 4, 1), date(2024, 3, 31)),
        FixedTermContract(date(2024, 4, 1), second_end),
    ]
    assert conversion_right_date(contracts) == right


@pytest.mark.parametrize(
    ("next_start", "right"),
    [
        (date(2016, 9, 30), date(2016, 9, 30)),  # gap 5 months 29 days: the count goes on
        (date(2016, 10, 1), None),  # gap 2016-04-01..09-30 is 6 months: reset
        (date(2016, 10, 2), None),
    ],
)
def test_six_month_gap_resets_a_count_of_a_year_or_more(
    next_start: date, right: date | None
) -> None:
    contracts = [
        FixedTermContract(date(2013, 4, 1), date(2016, 3, 31)),
        FixedTermContract(next_start, date(next_start.year + 3, next_start.month, 1)),
    ]
    assert conversion_right_date(contracts) == right


# --- housing: proration on month ends ---------------------------------------------------


@pytest.mark.parametrize(
    ("move_in", "move_out", "days", "rent"),
    [
        (date(2026, 3, 31), None, 30, 60_000),  # in before April: the whole month
        (date(2026, 4, 1), None, 30, 60_000),
        (date(2026, 4, 2), None, 29, 58_000),
        (date(2026, 4, 30), None, 1, 2_000),  # the month's last day
        (date(2026, 5, 1), None, 0, 0),  # not yet in
        (None, date(2026, 3, 31), 0, 0),  # gone before April
        (None, date(2026, 4, 1), 1, 2_000),
        (None, date(2026, 4, 29), 29, 58_000),
        (None, date(2026, 4, 30), 30, 60_000),  # out on the last day: the whole month
        (None, date(2026, 5, 1), 30, 60_000),
    ],
)
def test_april_proration_around_the_month_ends(
    move_in: date | None, move_out: date | None, days: int, rent: int
) -> None:
    assert occupied_days(2026, 4, move_in=move_in, move_out=move_out) == days
    assert prorated_rent(60_000, 2026, 4, move_in=move_in, move_out=move_out) == rent


@pytest.mark.parametrize(
    ("year", "move_in", "days", "rent"),
    [
        (2027, date(2027, 2, 27), 2, 2_000),  # 28-day February: 28,000 / 28 a day
        (2027, date(2027, 2, 28), 1, 1_000),
        (2027, date(2027, 3, 1), 0, 0),
        (2028, date(2028, 2, 28), 2, 1_931),  # leap year: 28,000 × 2 / 29 = 1,931.03 → down
        (2028, date(2028, 2, 29), 1, 965),  # 28,000 / 29 = 965.5 → rounded down
        (2028, date(2028, 3, 1), 0, 0),
    ],
)
def test_february_proration_in_common_and_leap_years(
    year: int, move_in: date, days: int, rent: int
) -> None:
    assert occupied_days(year, 2, move_in=move_in, move_out=None) == days
    assert prorated_rent(28_000, year, 2, move_in=move_in) == rent


# --- 36協定: the agreement year and the caps in force (労基法36条, 民法143条) -----------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 4, 1), date(2027, 3, 31)),
        (date(2026, 4, 2), date(2027, 4, 1)),  # ends the day before the corresponding day
        (date(2026, 1, 31), date(2027, 1, 30)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # no 29 February in 2025: the month's last day
        (date(2027, 3, 1), date(2028, 2, 29)),  # leap year: the day before 1 March
    ],
)
def test_agreement_year_ends_the_day_before_the_corresponding_day(start: date, end: date) -> None:
    assert AgreementLimits(period_start=start).period_end == end


def test_an_agreement_starting_on_a_month_end_is_checked_month_by_month() -> None:
    # 起算日 31 January: February has no 31st. 46 h of overtime in February is over 45 h.
    limits = AgreementLimits(period_start=date(2026, 1, 31))
    findings = check_agreement([MonthFigures(date(2026, 2, 1), 46 * 60)], limits)
    assert [(f.check, f.level, f.month) for f in findings] == [
        (Check.MONTHLY_LIMIT, Level.VIOLATION, date(2026, 2, 28))
    ]


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (date(2019, 3, 31), None),
        (date(2019, 4, 1), date(2019, 4, 1)),
        (date(2019, 4, 2), date(2019, 4, 1)),
    ],
)
def test_statutory_caps_in_force_from_their_first_day(day: date, in_force: date | None) -> None:
    if in_force is None:
        with pytest.raises(ValueError, match="no statutory"):
            caps_on(day)
    else:
        assert caps_on(day).effective_from == in_force


# --- 最低賃金: an amount takes effect on its first day (after < effective ≤ until) ------------


@pytest.mark.parametrize(
    ("after", "until", "taking"),
    [
        (date(2026, 9, 30), date(2026, 10, 1), True),  # the day before → the day itself
        (date(2026, 10, 1), date(2026, 10, 31), False),  # already in force on ``after``
        (date(2026, 9, 1), date(2026, 9, 30), False),  # not yet by ``until``
    ],
)
def test_minimum_wage_taking_effect_around_its_first_day(
    after: date, until: date, taking: bool
) -> None:
    old = MinimumWage("13", 2025, 1_163, None)
    new = MinimumWage("13", 2026, 1_226, date(2026, 10, 1))
    table = MinimumWageTable([old, new])
    assert (table.taking_effect("13", after, until) == [new]) is taking
    assert table.in_force("13", date(2026, 9, 30)) == old
    assert table.in_force("13", date(2026, 10, 1)) == new


# --- 平均賃金: a cause on the cut-off day counts from the cut-off before it (労基法12条2項) ------


@pytest.mark.parametrize(
    ("cause", "months"),
    [(date(2026, 6, 30), [3, 4, 5]), (date(2026, 7, 1), [4, 5, 6]), (date(2026, 7, 2), [4, 5, 6])],
)
def test_average_wage_periods_around_the_cut_off_day(cause: date, months: list[int]) -> None:
    periods = [
        WagePeriod(start=date(2026, m, 1), end=date(2026, m, 30 if m in (4, 6) else 31))
        for m in (3, 4, 5, 6)
    ]
    assert [p.start.month for p in three_periods_before(periods, cause)] == months
