"""The 3-year dispatch limits (抵触日), JP_LABOR.md §7.1.

The brief's verification section H (Dispatch) has no worked cases, so the expected dates
below are worked by hand from the §7.1 rule text and the Civil Code period rules.
"""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from haken.labor.dispatch import (
    ConflictResult,
    DispatchPeriod,
    Exemption,
    SiteExtension,
    aged_60_from,
    binds,
    conflict_date_for,
    conflict_within,
    days_until_conflict,
    effective_conflict_date,
    first_reset_start,
    hearing_deadline,
    individual_conflict_date,
    is_limited_days_work,
    resets_clock,
    site_conflict_date,
)

YOUNG = date(1990, 5, 20)


def _individual(
    *periods: tuple[date, date], reference: date, birth: date | None = YOUNG
) -> ConflictResult:
    return individual_conflict_date(
        [DispatchPeriod(s, e) for s, e in periods],
        reference_date=reference,
        birth_date=birth,
        indefinite_contract=False,
    )


# --- the 3-year date ------------------------------------------------------------------


def test_conflict_date_is_the_first_day_past_three_years() -> None:
    # §7.1: "The first day past that is the conflict date". The 2015 amendment's own
    # example: dispatch accepted from 2015-10-01 → 抵触日 2018-10-01.
    assert conflict_date_for(date(2015, 10, 1)) == date(2018, 10, 1)
    assert conflict_date_for(date(2026, 4, 1)) == date(2029, 4, 1)
    assert conflict_date_for(date(2026, 1, 31)) == date(2029, 1, 31)


def test_conflict_date_from_29_february() -> None:
    # 3 years from 2024-02-29 end on 2027-02-28 (no 29th: 民法143条ただし書) → 3月1日.
    assert conflict_date_for(date(2024, 2, 29)) == date(2027, 3, 1)


def test_individual_date_counts_from_first_day_in_the_unit() -> None:
    result = _individual((date(2026, 4, 1), date(2026, 9, 30)), reference=date(2026, 5, 1))
    assert result == ConflictResult(conflict_date=date(2029, 4, 1), clock_start=date(2026, 4, 1))
    assert result.binding


# --- cooling-off: more than 3 months ----------------------------------------------------


def test_gap_of_exactly_three_months_does_not_reset() -> None:
    # §7.1: the clock resets only after "more than 3 months". Ends 2027-03-31; the gap
    # 1 April - 30 June is exactly 3 months, so a start on 1 July continues the clock.
    result = _individual(
        (date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 7, 1), date(2028, 3, 31)),
        reference=date(2027, 8, 1),
    )
    assert result.conflict_date == date(2029, 4, 1)
    assert result.clock_start == date(2026, 4, 1)


def test_gap_of_three_months_and_one_day_resets() -> None:
    result = _individual(
        (date(2026, 4, 1), date(2027, 3, 31)),
        (date(2027, 7, 2), date(2028, 3, 31)),
        reference=date(2027, 8, 1),
    )
    assert result.conflict_date == date(2030, 7, 2)
    assert result.clock_start == date(2027, 7, 2)


def test_first_reset_start() -> None:
    assert first_reset_start(date(2026, 3, 31)) == date(2026, 7, 2)
    # The gap starts on 30 November; 3 months of it end on 28 February (民法143条), so
    # the gap must also include 1 March: the new start is 2 March at the earliest.
    assert first_reset_start(date(2026, 11, 29)) == date(2027, 3, 2)
    assert resets_clock(date(2026, 11, 29), date(2027, 3, 1)) is False
    assert resets_clock(date(2026, 11, 29), date(2027, 3, 2)) is True


def test_site_clock_survives_swapping_workers() -> None:
    # §7.1: swapping in different workers does not reset the site clock.
    periods = [
        DispatchPeriod(date(2026, 4, 1), date(2027, 3, 31)),  # worker A
        DispatchPeriod(date(2027, 5, 1), date(2029, 12, 31)),  # worker B, 1-month gap
    ]
    result = site_conflict_date(periods, reference_date=date(2028, 1, 1))
    assert result.conflict_date == date(2029, 4, 1)


def test_site_ignores_exempt_dispatch() -> None:
    periods = [
        DispatchPeriod(date(2025, 1, 1), date(2026, 3, 31), exempt=True),  # a 60+ worker
        DispatchPeriod(date(2026, 4, 1), date(2027, 3, 31)),
    ]
    assert site_conflict_date(periods, reference_date=date(2026, 6, 1)).conflict_date == date(
        2029, 4, 1
    )


def test_overlapping_periods_merge() -> None:
    periods = [
        DispatchPeriod(date(2026, 6, 1), date(2026, 12, 31)),
        DispatchPeriod(date(2026, 4, 1), date(2027, 3, 31)),
    ]
    assert site_conflict_date(periods, reference_date=date(2026, 6, 1)).clock_start == date(
        2026, 4, 1
    )


def test_reference_date_selects_the_run() -> None:
    periods = (
        (date(2020, 4, 1), date(2021, 3, 31)),
        (date(2026, 4, 1), date(2027, 3, 31)),
    )
    # Before anything: the first run.
    assert _individual(*periods, reference=date(2019, 1, 1)).conflict_date == date(2023, 4, 1)
    # In the cooling-off after the first run, which has not passed yet: still that clock.
    assert _individual(*periods, reference=date(2021, 5, 1)).conflict_date == date(2023, 4, 1)
    # Cooling-off over, next dispatch planned: the planned run's clock.
    assert _individual(*periods, reference=date(2022, 1, 1)).conflict_date == date(2029, 4, 1)
    assert _individual(*periods, reference=date(2026, 5, 1)).conflict_date == date(2029, 4, 1)
    # Cooling-off over and nothing planned: no clock.
    assert _individual(*periods, reference=date(2028, 1, 1)) == ConflictResult(None)


def test_no_periods_no_clock() -> None:
    assert site_conflict_date([], reference_date=date(2026, 1, 1)) == ConflictResult(None)


def test_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        DispatchPeriod(date(2026, 4, 2), date(2026, 4, 1))


# --- exemptions -------------------------------------------------------------------------


def test_indefinite_contract_is_exempt() -> None:
    # §7.1: workers on indefinite contracts with the agency are exempt from both limits.
    result = individual_conflict_date(
        [DispatchPeriod(date(2020, 4, 1), date(2030, 3, 31))],
        reference_date=date(2026, 1, 1),
        birth_date=YOUNG,
        indefinite_contract=True,
    )
    assert result.conflict_date is None
    assert result.exemption is Exemption.INDEFINITE_CONTRACT
    assert not result.binding


def test_aged_60_is_exempt_from_the_day_before_the_birthday() -> None:
    # 年齢計算ニ関スル法律 + 民法143条: born 1966-04-15 reaches 60 at the end of 2026-04-14.
    period = [(date(2025, 4, 1), date(2028, 3, 31))]
    reached = _individual(*period, reference=date(2026, 4, 14), birth=date(1966, 4, 15))
    assert reached.exemption is Exemption.AGED_60_OR_OVER
    assert reached.conflict_date is None
    assert reached.age_exemption_from == date(2026, 4, 14)
    on_birthday = _individual(*period, reference=date(2026, 4, 15), birth=date(1966, 4, 15))
    assert on_birthday.exemption is Exemption.AGED_60_OR_OVER


def test_turning_60_before_the_conflict_date_pre_empts_it() -> None:
    # Aged 59 on the reference date: the date is still owed on documents, but the limit
    # is never reached because the worker is 60 from 2026-04-14, before 2028-04-01.
    result = _individual(
        (date(2025, 4, 1), date(2028, 3, 31)),
        reference=date(2026, 4, 13),
        birth=date(1966, 4, 15),
    )
    assert result.conflict_date == date(2028, 4, 1)
    assert result.exemption is None
    assert result.age_exemption_from == date(2026, 4, 14)
    assert not result.binding
    assert conflict_within(result, 9999, today=date(2026, 4, 13)) is False


def test_turning_60_after_the_conflict_date_changes_nothing() -> None:
    result = _individual(
        (date(2025, 4, 1), date(2028, 3, 31)),
        reference=date(2026, 1, 1),
        birth=date(1968, 4, 3),  # 60 on 2028-04-02 (day before the birthday), after the 抵触日
    )
    assert result.conflict_date == date(2028, 4, 1)
    assert result.age_exemption_from is None
    assert result.binding


@pytest.mark.parametrize(
    "exemption",
    [Exemption.FIXED_PERIOD_PROJECT, Exemption.LIMITED_DAYS, Exemption.LEAVE_COVER],
)
def test_work_exemptions(exemption: Exemption) -> None:
    # §7.1: time-limited projects, jobs with few working days, leave cover.
    result = individual_conflict_date(
        [DispatchPeriod(date(2026, 4, 1), date(2030, 3, 31))],
        reference_date=date(2026, 4, 1),
        birth_date=YOUNG,
        indefinite_contract=False,
        work_exemption=exemption,
    )
    assert result == ConflictResult(conflict_date=None, exemption=exemption)


def test_worker_exemptions_are_not_work_exemptions() -> None:
    with pytest.raises(ValueError, match="not an exemption of the work"):
        individual_conflict_date(
            [],
            reference_date=date(2026, 4, 1),
            birth_date=None,
            indefinite_contract=False,
            work_exemption=Exemption.AGED_60_OR_OVER,
        )


def test_limited_days_rule() -> None:
    # 派遣法40条の2第1項3号ロ (not in the brief): ≤ 10 days and ≤ half the client's days.
    assert is_limited_days_work(10, 20) is True
    assert is_limited_days_work(10, 19) is False
    assert is_limited_days_work(11, 22) is False
    assert is_limited_days_work(4, 8) is True


# --- site extension (意見聴取) -----------------------------------------------------------


def test_hearing_deadline_is_one_month_before() -> None:
    # §7.1: the hearing must be at least 1 month before the 抵触日.
    assert hearing_deadline(date(2029, 4, 1)) == date(2029, 3, 1)
    assert hearing_deadline(date(2029, 3, 31)) == date(2029, 2, 28)


def test_extension_on_the_deadline_adds_three_years() -> None:
    periods = [DispatchPeriod(date(2026, 4, 1), date(2031, 3, 31))]
    result = site_conflict_date(
        periods,
        reference_date=date(2029, 6, 1),
        extensions=[SiteExtension(hearing_date=date(2029, 3, 1))],
    )
    assert result.conflict_date == date(2032, 4, 1)
    assert result.late_extensions == ()


def test_late_hearing_does_not_extend() -> None:
    late = SiteExtension(hearing_date=date(2029, 3, 2))
    result = site_conflict_date(
        [DispatchPeriod(date(2026, 4, 1), date(2031, 3, 31))],
        reference_date=date(2029, 1, 1),
        extensions=[late],
    )
    assert result.conflict_date == date(2029, 4, 1)
    assert result.late_extensions == (late,)


def test_extensions_chain_and_may_be_shorter() -> None:
    result = site_conflict_date(
        [DispatchPeriod(date(2026, 4, 1), date(2036, 3, 31))],
        reference_date=date(2030, 1, 1),
        extensions=[
            SiteExtension(hearing_date=date(2032, 2, 15), months=12),
            SiteExtension(hearing_date=date(2028, 10, 1)),
        ],
    )
    # 2029-04-01 → +3 years 2032-04-01 (heard 2028-10-01) → +1 year 2033-04-01.
    assert result.conflict_date == date(2033, 4, 1)


def test_extension_from_an_earlier_reset_clock_is_ignored() -> None:
    result = site_conflict_date(
        [
            DispatchPeriod(date(2018, 4, 1), date(2022, 3, 31)),
            DispatchPeriod(date(2026, 4, 1), date(2027, 3, 31)),
        ],
        reference_date=date(2026, 5, 1),
        extensions=[SiteExtension(hearing_date=date(2021, 2, 1))],
    )
    assert result.conflict_date == date(2029, 4, 1)
    assert result.late_extensions == ()


def test_extension_length_is_bounded() -> None:
    with pytest.raises(ValueError, match="between 1 month and 3 years"):
        SiteExtension(hearing_date=date(2029, 1, 1), months=37)


def test_aged_60_from_is_the_day_before_the_60th_birthday() -> None:
    assert aged_60_from(date(1966, 4, 15)) == date(2026, 4, 14)
    assert aged_60_from(date(1966, 4, 1)) == date(2026, 3, 31)
    assert aged_60_from(date(1968, 2, 29)) == date(2028, 2, 28)  # 2028 is a leap year
    assert aged_60_from(date(1964, 2, 29)) == date(2024, 2, 28)
    assert aged_60_from(date(1967, 3, 1)) == date(2027, 2, 28)


# --- alerts -------------------------------------------------------------------------------


def test_within_days() -> None:
    result = ConflictResult(conflict_date=date(2029, 4, 1))
    # 2029-01-01 → 2029-04-01 is 31 + 28 + 31 = 90 days.
    assert days_until_conflict(result, today=date(2029, 1, 1)) == 90
    assert conflict_within(result, 90, today=date(2029, 1, 1)) is True
    assert conflict_within(result, 90, today=date(2028, 12, 31)) is False
    assert conflict_within(result, 90, today=date(2029, 5, 1)) is True  # already passed
    exempt = ConflictResult(None, exemption=Exemption.INDEFINITE_CONTRACT)
    assert conflict_within(exempt, 90, today=date(2029, 1, 1)) is False
    assert days_until_conflict(exempt, today=date(2029, 1, 1)) is None


def test_effective_date_is_the_earlier() -> None:
    site = ConflictResult(conflict_date=date(2028, 10, 1))
    person = ConflictResult(conflict_date=date(2029, 4, 1))
    assert effective_conflict_date(site, person, birth_date=YOUNG) == date(2028, 10, 1)
    assert effective_conflict_date(ConflictResult(None), person, birth_date=None) == date(
        2029, 4, 1
    )
    exempt = ConflictResult(None, exemption=Exemption.AGED_60_OR_OVER)
    assert effective_conflict_date(site, exempt, birth_date=None) is None


def test_effective_date_drops_a_site_date_the_worker_reaches_60_before() -> None:
    # The site result knows no worker: the age must come from the birth date itself.
    # Born 1968-09-01: 60 from 2028-08-31, before the site date 2028-10-01 → no date binds;
    # the individual date (2029-04-01) is later still.
    site = ConflictResult(conflict_date=date(2028, 10, 1))
    person = individual_conflict_date(
        [DispatchPeriod(date(2026, 4, 1), date(2027, 3, 31))],
        reference_date=date(2026, 4, 1),
        birth_date=date(1968, 9, 1),
        indefinite_contract=False,
    )
    assert person.conflict_date == date(2029, 4, 1)
    assert effective_conflict_date(site, person, birth_date=date(1968, 9, 1)) is None


def test_effective_date_keeps_a_site_date_before_the_worker_reaches_60() -> None:
    # Born 1969-01-02: 60 from 2029-01-01, after the site date 2028-10-01 but before the
    # individual 2029-04-01 → the site date binds; the individual one never would.
    site = ConflictResult(conflict_date=date(2028, 10, 1))
    person = individual_conflict_date(
        [DispatchPeriod(date(2026, 4, 1), date(2027, 3, 31))],
        reference_date=date(2026, 4, 1),
        birth_date=date(1969, 1, 2),
        indefinite_contract=False,
    )
    assert person.age_exemption_from == date(2029, 1, 1)
    assert not binds(person, birth_date=date(1969, 1, 2))
    assert binds(site, birth_date=date(1969, 1, 2))
    assert effective_conflict_date(site, person, birth_date=date(1969, 1, 2)) == date(2028, 10, 1)


# --- periods through other agencies -------------------------------------------------------


def test_prior_period_through_another_agency_moves_the_clock_back() -> None:
    # Two years in the unit through another agency, ending the day before our placement:
    # one run from 2024-04-01 → 抵触日 2027-04-01 instead of 2029-04-01.
    result = _individual(
        (date(2024, 4, 1), date(2026, 3, 31)),  # declared: another agency
        (date(2026, 4, 1), date(2027, 3, 31)),  # ours
        reference=date(2026, 4, 1),
    )
    assert result.clock_start == date(2024, 4, 1)
    assert result.conflict_date == date(2027, 4, 1)


@pytest.mark.parametrize(
    ("start", "clock_start"),
    [
        # Prior period ends 2025-12-31. A gap of exactly 3 months (2026-01-01..03-31) keeps
        # the clock; 3 months and 1 day (..04-01) resets it.
        (date(2026, 4, 1), date(2024, 1, 1)),
        (date(2026, 4, 2), date(2026, 4, 2)),
    ],
)
def test_prior_period_cooling_off(start: date, clock_start: date) -> None:
    result = _individual(
        (date(2024, 1, 1), date(2025, 12, 31)),
        (start, date(2027, 3, 31)),
        reference=start,
    )
    assert result.clock_start == clock_start


# --- properties ---------------------------------------------------------------------------

DATES = st.dates(min_value=date(2015, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def period_lists(draw: st.DrawFn) -> list[DispatchPeriod]:
    starts = draw(st.lists(DATES, min_size=1, max_size=6))
    periods = []
    for start in starts:
        length = draw(st.integers(min_value=0, max_value=800))
        periods.append(DispatchPeriod(start, start + timedelta(days=length)))
    return periods


@given(period_lists(), DATES)
def test_conflict_date_is_three_years_after_a_period_start(
    periods: list[DispatchPeriod], reference: date
) -> None:
    result = site_conflict_date(periods, reference_date=reference)
    if result.conflict_date is None:
        return
    assert result.clock_start in {p.start for p in periods}
    assert result.conflict_date > result.clock_start
    assert result.conflict_date == conflict_date_for(result.clock_start)
    assert result.clock_start is not None
    assert (result.conflict_date - result.clock_start).days in {1095, 1096}


@given(period_lists(), period_lists(), st.integers(min_value=0, max_value=400))
def test_gap_longer_than_cooling_off_resets(
    before: list[DispatchPeriod], after: list[DispatchPeriod], extra_gap: int
) -> None:
    last_end = max(p.end for p in before)
    shift_to = first_reset_start(last_end) + timedelta(days=extra_gap)
    offset = shift_to - min(p.start for p in after)
    later = [DispatchPeriod(p.start + offset, p.end + offset) for p in after]
    reference = min(p.start for p in later)
    combined = individual_conflict_date(
        before + later, reference_date=reference, birth_date=None, indefinite_contract=False
    )
    alone = individual_conflict_date(
        later, reference_date=reference, birth_date=None, indefinite_contract=False
    )
    assert combined == alone


@given(DATES, st.integers(min_value=0, max_value=800), st.integers(min_value=1, max_value=92))
def test_gap_up_to_three_months_keeps_the_clock(start: date, length: int, gap: int) -> None:
    end = start + timedelta(days=length)
    next_start = end + timedelta(days=gap)
    assume(next_start < first_reset_start(end))
    result = individual_conflict_date(
        [DispatchPeriod(start, end), DispatchPeriod(next_start, next_start)],
        reference_date=next_start,
        birth_date=None,
        indefinite_contract=False,
    )
    assert result.clock_start == start
