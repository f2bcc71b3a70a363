"""haken.labor.paid_leave: JP_LABOR.md §2 (年次有給休暇), the public cases B, the boundaries.

Every expected value is worked out by hand from the rule (the reasoning is in the comments).
Grant dates (JP_LABOR.md §2): the first grant is on the day 6 months after hiring, or on the
last day of that month when it has no such day; later grants fall on the first grant's day
every year (Art. 39(2) counts them from the 6箇月経過日). expires_on is the last day a grant
can be taken: 2 years counted from the grant date by 民法143条 (the day before the
corresponding day, or the month's end when there is no corresponding day).
"""

from __future__ import annotations

import json
import math
from datetime import date
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from haken import cli
from haken.labor.paid_leave import (
    Attendance,
    DayKind,
    HourlyCapExceeded,
    InsufficientLeave,
    LeaveGrant,
    LeaveTable,
    LeaveTaken,
    LeaveUnit,
    LedgerOptions,
    PaidLeaveError,
    Schedule,
    attendance_period,
    calculate_grants,
    designation_duties,
    expiry_date,
    first_grant_date,
    grant_date,
    grant_days,
    grant_schedule,
    hourly_cap_hours,
    hours_per_day,
    leave_balance,
    rules_on,
    shipped_rules,
    table_for,
)

FULL_TIME = Schedule(hours_per_week=40, days_per_week=5)  # type: ignore[arg-type]


def sched(
    hours: float, days: float | None = None, annual: int | None = None, **kw: object
) -> Schedule:
    return Schedule(hours_per_week=hours, days_per_week=days, annual_days=annual, **kw)  # type: ignore[arg-type]


def days_by_date(grants: tuple[object, ...]) -> dict[str, int]:
    return {g.grant_date.isoformat(): g.days for g in grants}  # type: ignore[attr-defined]


# --- public cases B ---------------------------------------------------------------------------


def test_case_10_full_time_hired_1_april() -> None:
    # 4/1 + 6 months = 10/1; then every 10/1. Table 10, 11, 12, 14, 16, 18, 20, 20 …
    grants = calculate_grants(date(2026, 4, 1), FULL_TIME, on=date(2034, 10, 1))
    assert days_by_date(grants) == {
        "2026-10-01": 10,
        "2027-10-01": 11,
        "2028-10-01": 12,
        "2029-10-01": 14,
        "2030-10-01": 16,
        "2031-10-01": 18,
        "2032-10-01": 20,  # 6.5 years
        "2033-10-01": 20,
        "2034-10-01": 20,
    }
    # Granted 2026-10-01, usable through 2028-09-30 (2 years, the day before 2028-10-01).
    assert grants[0].expires_on == date(2028, 9, 30)


def test_case_11_four_days_32_hours_is_full_time() -> None:
    # 32 h ≥ 30 h: the full-time table, though only 4 days a week.
    schedule = sched(32, 4)
    assert table_for(schedule) is LeaveTable.FULL_TIME
    assert calculate_grants(date(2026, 4, 1), schedule, on=date(2026, 10, 1))[0].days == 10


def test_case_12_four_days_28_hours_proportional() -> None:
    # < 30 h and 4 days: the 4-day row 7, 8, 9, 10, 12, 13, 15.
    grants = calculate_grants(date(2026, 4, 1), sched(28, 4), on=date(2032, 10, 1))
    assert [g.days for g in grants] == [7, 8, 9, 10, 12, 13, 15]
    assert grants[3].service_years == 3 + 0.5 and grants[3].days == 10
    # The 3.5-year grant of 10 days carries the 5-day duty; the 9-day grant before it does not.
    duties = designation_duties(grants, [])
    assert [d.grant_date for d in duties] == [
        date(2029, 10, 1),
        date(2030, 10, 1),
        date(2031, 10, 1),
        date(2032, 10, 1),
    ]


def test_case_13_five_days_20_hours_is_full_time() -> None:
    # 5 days a week is full time whatever the hours.
    assert table_for(sched(20, 5)) is LeaveTable.FULL_TIME
    assert calculate_grants(date(2026, 4, 1), sched(20, 5), on=date(2026, 10, 1))[0].days == 10


@pytest.mark.parametrize(
    ("weekly_days", "expected"),
    [
        (3, [5, 6, 6, 8, 9, 10, 11]),
        (2, [3, 4, 4, 5, 6, 6, 7]),
        (1, [1, 2, 2, 2, 3, 3, 3]),
    ],
)
def test_case_14_three_two_one_days(weekly_days: int, expected: list[int]) -> None:
    grants = calculate_grants(date(2026, 4, 1), sched(20, weekly_days), on=date(2033, 10, 1))
    # 0.5y … 6.5y, then 7.5y stays at the 6.5y figure.
    assert [g.days for g in grants] == [*expected, expected[-1]]


def test_case_15_days_set_per_year() -> None:
    # 217 days a year → full time (even under 30 h); 150 days (121-168) → the 3-day row.
    assert table_for(sched(25, annual=217)) is LeaveTable.FULL_TIME
    assert table_for(sched(25, annual=150)) is LeaveTable.DAYS_3
    grants = calculate_grants(date(2026, 4, 1), sched(25, annual=150), on=date(2026, 10, 1))
    assert grants[0].days == 5
    # A weekly figure given with the yearly one does not decide the row.
    assert table_for(sched(25, 4, annual=150)) is LeaveTable.DAYS_3


def test_case_16_attendance_below_80_percent_no_grant_service_counts() -> None:
    # 95 of 122 = 77.9 % < 80 %: nothing at 0.5 years; the next grant is the 1.5-year one (11).
    low = Attendance.of_days({DayKind.WORKED: 95, DayKind.ABSENT: 27})
    assert low.working_days == 122 and not low.met()
    grants = calculate_grants(
        date(2026, 4, 1), FULL_TIME, on=date(2027, 10, 1), attendance={date(2026, 10, 1): low}
    )
    assert days_by_date(grants) == {"2027-10-01": 11}
    schedule = grant_schedule(
        date(2026, 4, 1), FULL_TIME, on=date(2027, 10, 1), attendance={date(2026, 10, 1): low}
    )
    assert [(g.days, g.attendance_met) for g in schedule] == [(0, False), (11, True)]


def test_case_17_childcare_leave_all_year_counts_as_attended() -> None:
    whole_year = Attendance.of_days({DayKind.CHILDCARE_LEAVE: 245, DayKind.DAY_OFF: 120})
    assert whole_year.rate == 1
    grants = calculate_grants(
        date(2026, 4, 1),
        FULL_TIME,
        on=date(2027, 10, 1),
        attendance={date(2027, 10, 1): whole_year},
    )
    assert days_by_date(grants) == {"2026-10-01": 10, "2027-10-01": 11}


def test_case_19_designation_two_more_days() -> None:
    # 2 days + 2 half days = 3; 16 hours of hourly leave do not count → 2 more to designate.
    grant = LeaveGrant(date(2026, 10, 1), 10, date(2028, 9, 30))
    taken = [
        LeaveTaken(date(2026, 11, 2)),
        LeaveTaken(date(2027, 1, 8)),
        LeaveTaken(date(2027, 2, 1), LeaveUnit.HALF_DAY),
        LeaveTaken(date(2027, 3, 1), LeaveUnit.HALF_DAY),
        LeaveTaken(date(2027, 4, 1), LeaveUnit.HOURS, hours=8),
        LeaveTaken(date(2027, 5, 6), LeaveUnit.HOURS, hours=8),
    ]
    (duty,) = designation_duties([grant], taken)
    assert duty.counted == 3
    assert duty.to_designate == 2
    assert duty.deadline == date(2027, 9, 30)
    # The ledger agrees: 2 + 1 + 16/8 = 5 days used of 10.
    balance = leave_balance(
        [grant], taken, on=date(2027, 9, 30), options=LedgerOptions(hourly_cap_days=5)
    )
    assert balance.remaining == 5


def test_case_20_hourly_day_is_daily_hours_rounded_up() -> None:
    assert hours_per_day("7.5") == 8
    assert hourly_cap_hours("7.5") == 40
    assert hours_per_day(8) == 8 and hours_per_day("8.01") == 9


# --- tables -----------------------------------------------------------------------------------


def test_proportional_tables_equal_the_regulation_formula() -> None:
    # 則24条の3: floor(full-time days × weekly days ÷ 5.2), every cell.
    rules = rules_on(date(2026, 10, 1))
    for weekly, row in rules.proportional_days:
        assert list(row) == [
            math.floor(d * weekly / Fraction(52, 10)) for d in rules.full_time_days
        ]


def test_tables_are_shipped_and_refused_before_their_date() -> None:
    assert shipped_rules()[0].full_time_days == (10, 11, 12, 14, 16, 18, 20)
    with pytest.raises(PaidLeaveError):
        rules_on(date(2000, 1, 1))


@pytest.mark.parametrize(
    ("schedule", "table"),
    [
        (sched(30, 4), LeaveTable.FULL_TIME),  # exactly 30 h: not "< 30 h"
        (sched(29.9, 4), LeaveTable.DAYS_4),
        (sched(29, 6), LeaveTable.FULL_TIME),
        (sched(20, 0), LeaveTable.NONE),
        (sched(25, annual=216), LeaveTable.DAYS_4),
        (sched(25, annual=169), LeaveTable.DAYS_4),
        (sched(25, annual=168), LeaveTable.DAYS_3),
        (sched(25, annual=121), LeaveTable.DAYS_3),
        (sched(25, annual=120), LeaveTable.DAYS_2),
        (sched(25, annual=73), LeaveTable.DAYS_2),
        (sched(25, annual=72), LeaveTable.DAYS_1),
        (sched(25, annual=48), LeaveTable.DAYS_1),
        (sched(25, annual=47), LeaveTable.NONE),
        (sched(30, annual=47), LeaveTable.FULL_TIME),
    ],
)
def test_table_boundaries(schedule: Schedule, table: LeaveTable) -> None:
    assert table_for(schedule) is table


def test_no_statutory_leave_below_the_smallest_row() -> None:
    assert calculate_grants(date(2026, 4, 1), sched(20, annual=40), on=date(2030, 1, 1)) == ()
    assert grant_days(LeaveTable.NONE, 3) == 0


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(PaidLeaveError, match="whole number"):
        table_for(sched(20, 2.5))
    with pytest.raises(PaidLeaveError):
        sched(20)
    with pytest.raises(PaidLeaveError):
        sched(200, 5)
    with pytest.raises(PaidLeaveError):
        sched(20, 8)


# --- grant dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hired", "first"),
    [
        # The 6th month after has the same day: that day.
        (date(2026, 4, 1), date(2026, 10, 1)),
        (date(2026, 1, 31), date(2026, 7, 31)),
        # Hired on the 31st, the 6th month after has 30 days: its last day.
        (date(2026, 3, 31), date(2026, 9, 30)),
        (date(2026, 12, 31), date(2027, 6, 30)),
        # Hired 8/31: February has no 31st → its last day, 28th or (leap year) 29th.
        (date(2026, 8, 31), date(2027, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2027, 8, 29), date(2028, 2, 29)),
        (date(2026, 8, 29), date(2027, 2, 28)),
        # Hired on 29 February: August has a 29th.
        (date(2028, 2, 29), date(2028, 8, 29)),
    ],
)
def test_first_grant_date(hired: date, first: date) -> None:
    assert first_grant_date(hired) == first


def test_later_grants_count_from_the_first_grant() -> None:
    # Hired 2026-08-31: first grant 2027-02-28; a year later 2028-02-28 — counted from the
    # first grant's 28th, not from the hire date's 31st (which would give 2028-02-29).
    assert [grant_date(date(2026, 8, 31), i) for i in range(3)] == [
        date(2027, 2, 28),
        date(2028, 2, 28),
        date(2029, 2, 28),
    ]
    # Hired 2027-08-31: first grant 2028-02-29; 2029 has no 29 February → 28th; 2032 → 29th.
    assert [grant_date(date(2027, 8, 31), i) for i in (0, 1, 2, 3, 4)] == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]
    # Hired on 29 February 2028: 2028-08-29, then every 29 August.
    assert grant_date(date(2028, 2, 29), 1) == date(2029, 8, 29)


def test_the_day_before_on_and_after_a_grant() -> None:
    hired = date(2026, 4, 1)
    assert calculate_grants(hired, FULL_TIME, on=date(2026, 9, 30)) == ()
    assert len(calculate_grants(hired, FULL_TIME, on=date(2026, 10, 1))) == 1
    assert len(calculate_grants(hired, FULL_TIME, on=date(2026, 10, 2))) == 1
    assert len(calculate_grants(hired, FULL_TIME, on=date(2027, 9, 30))) == 1
    assert len(calculate_grants(hired, FULL_TIME, on=date(2027, 10, 1))) == 2
    with pytest.raises(PaidLeaveError):
        calculate_grants(hired, FULL_TIME, on=date(2026, 3, 31))


def test_expiry_is_the_last_day_of_two_years() -> None:
    assert expiry_date(date(2026, 10, 1)) == date(2028, 9, 30)
    # Granted on 29 February 2028: 2030 has no 29 February, the period ends on the 28th.
    assert expiry_date(date(2028, 2, 29)) == date(2030, 2, 28)
    assert expiry_date(date(2027, 2, 28)) == date(2029, 2, 27)


def test_attendance_periods() -> None:
    # First grant: hire date to the day before the first grant; then grant to grant.
    assert attendance_period(date(2026, 4, 1), 0) == (date(2026, 4, 1), date(2026, 9, 30))
    assert attendance_period(date(2026, 4, 1), 1) == (date(2026, 10, 1), date(2027, 9, 30))


def test_table_is_decided_on_each_grant_date() -> None:
    hired = date(2026, 4, 1)
    # Full time until 2027-10-01, then 3 days / 20 h: the 1.5-year grant uses the 3-day row (6).
    on_the_day = [FULL_TIME, sched(20, 3, effective_from=date(2027, 10, 1))]
    grants = calculate_grants(hired, on_the_day, on=date(2027, 10, 1))
    assert [(g.table, g.days) for g in grants] == [
        (LeaveTable.FULL_TIME, 10),
        (LeaveTable.DAYS_3, 6),
    ]
    # Changed the day after: the grant already made stays at 11.
    day_after = [FULL_TIME, sched(20, 3, effective_from=date(2027, 10, 2))]
    assert [g.days for g in calculate_grants(hired, day_after, on=date(2028, 10, 1))] == [10, 11, 6]


# --- the 80 % rule --------------------------------------------------------------------------------


def test_eighty_percent_boundary() -> None:
    # 122 working days × 80 % = 97.6: 98 attended is enough, 97 is not.
    assert Attendance(98, 122).met()
    assert not Attendance(97, 122).met()
    assert Attendance(4, 5).met()  # exactly 80 %


def test_days_counted_as_attended() -> None:
    counted = {
        DayKind.WORKED: 60,
        DayKind.PAID_LEAVE: 10,
        DayKind.WORK_INJURY: 10,
        DayKind.MATERNITY_LEAVE: 5,
        DayKind.CHILDCARE_LEAVE: 5,
        DayKind.FAMILY_CARE_LEAVE: 5,
        DayKind.ABSENT: 25,
    }
    # 95 attended of 120 = 79.2 %: all six kinds are in the numerator and the base.
    assert Attendance.of_days(counted) == Attendance(95, 120)


def test_days_removed_from_the_base() -> None:
    # 100 worked, 22 absent: 82 %. 30 days closed by the employer are neither: still 82 %;
    # had they counted as absences it would be 100/152 = 66 %.
    days = {DayKind.WORKED: 100, DayKind.ABSENT: 22, DayKind.EMPLOYER_CLOSURE: 30}
    assert Attendance.of_days(days) == Attendance(100, 122)
    for kind in (DayKind.FORCE_MAJEURE, DayKind.LAWFUL_STRIKE):
        assert Attendance.of_days({DayKind.WORKED: 100, DayKind.ABSENT: 22, kind: 30}).met()


def test_work_on_a_day_off_is_not_counted() -> None:
    # 95 worked + 25 absent = 79.2 %: 10 days worked on days off do not lift it to 105/130.
    days = [DayKind.WORKED] * 95 + [DayKind.ABSENT] * 25 + [DayKind.HOLIDAY_WORK] * 10
    assert Attendance.of_days(days) == Attendance(95, 120)
    assert not Attendance.of_days(days).met()


def test_period_without_working_days_is_met() -> None:
    assert Attendance.of_days({DayKind.EMPLOYER_CLOSURE: 200}).met()


def test_attendance_of_a_later_grant_date_is_ignored() -> None:
    # The 2027-10-01 record is for a grant after `on`: not an error, not used.
    grants = calculate_grants(
        date(2026, 4, 1), FULL_TIME, on=date(2027, 1, 1), attendance={date(2027, 10, 1): False}
    )
    assert days_by_date(grants) == {"2026-10-01": 10}


def test_attendance_for_a_day_that_is_not_a_grant_date_is_refused() -> None:
    with pytest.raises(PaidLeaveError, match="not grant dates"):
        calculate_grants(
            date(2026, 4, 1), FULL_TIME, on=date(2027, 1, 1), attendance={date(2026, 10, 2): True}
        )


# --- the ledger ---------------------------------------------------------------------------------


G1 = LeaveGrant(date(2026, 10, 1), 10, date(2028, 9, 30))
G2 = LeaveGrant(date(2027, 10, 1), 11, date(2029, 9, 30))


def test_oldest_grant_is_used_first() -> None:
    # 3 days in the first year leave 7 of G1; 8 days after G2 arrives: 7 from G1, 1 from G2.
    taken = [LeaveTaken(date(2027, 3, d)) for d in (1, 2, 3)]
    taken += [LeaveTaken(date(2027, 11, d)) for d in range(2, 10)]
    balance = leave_balance([G2, G1], taken, on=date(2027, 12, 1))
    assert [(g.grant_date, g.remaining) for g in balance.grants] == [
        (date(2026, 10, 1), 0),
        (date(2027, 10, 1), 10),
    ]
    last = [d for d in balance.draws if d.day == date(2027, 11, 9)]
    assert [(d.grant_date, d.days) for d in last] == [(date(2027, 10, 1), 1)]


def test_carried_over_days_lapse_after_expires_on() -> None:
    # 3 taken from G1 (10): 7 left, usable through 2028-09-30 and lost on 2028-10-01.
    taken = [LeaveTaken(date(2027, 3, d)) for d in (1, 2, 3)]
    on_last_day = leave_balance([G1, G2], taken, on=date(2028, 9, 30))
    assert on_last_day.remaining == 7 + 11
    after = leave_balance([G1, G2], taken, on=date(2028, 10, 1))
    assert after.grants[0].remaining == 0 and after.grants[0].lapsed == 7
    assert after.remaining == 11
    # Leave on the day after expiry cannot use G1.
    with pytest.raises(InsufficientLeave):
        leave_balance([G1], [LeaveTaken(date(2028, 10, 1))], on=date(2028, 10, 1))


def test_leave_before_the_grant_date_is_refused_without_advance() -> None:
    with pytest.raises(InsufficientLeave):
        leave_balance([G1], [LeaveTaken(date(2026, 9, 30))], on=date(2026, 10, 1))


def test_half_days_split_across_grants() -> None:
    # 9.5 days from G1, then a full day on 2027-10-05: 0.5 from G1 and 0.5 from G2.
    taken = [LeaveTaken(date(2027, 1, d)) for d in range(4, 13)]
    taken += [LeaveTaken(date(2027, 2, 1), LeaveUnit.HALF_DAY), LeaveTaken(date(2027, 10, 5))]
    balance = leave_balance([G1, G2], taken, on=date(2027, 10, 5))
    split = [(d.grant_date, d.days) for d in balance.draws if d.day == date(2027, 10, 5)]
    assert split == [(date(2026, 10, 1), Fraction(1, 2)), (date(2027, 10, 1), Fraction(1, 2))]
    assert balance.remaining == Fraction(21, 2)


def test_hourly_leave_cap_per_year() -> None:
    # 7.5 h a day → 8 h; cap 5 days = 40 h in the year from 2026-10-01.
    options = LedgerOptions(daily_hours="7.5", hourly_cap_days=5)  # type: ignore[arg-type]
    forty = [LeaveTaken(date(2027, 1, d), LeaveUnit.HOURS, hours=4) for d in range(4, 14)]
    balance = leave_balance([G1, G2], forty, on=date(2027, 9, 30), options=options)
    assert balance.hourly_hours_used == 40 and balance.hourly_hours_left == 0
    assert balance.remaining == 10 - 5  # 40 h = 5 days of 8 h
    with pytest.raises(HourlyCapExceeded):
        leave_balance(
            [G1, G2],
            [*forty, LeaveTaken(date(2027, 9, 30), LeaveUnit.HOURS, hours=1)],
            on=date(2027, 9, 30),
            options=options,
        )
    # A new year from 2027-10-01: the count starts again, the hours come from G1 first.
    later = leave_balance(
        [G1, G2],
        [*forty, LeaveTaken(date(2027, 10, 1), LeaveUnit.HOURS, hours=3)],
        on=date(2027, 10, 1),
        options=options,
    )
    assert later.hourly_year_start == date(2027, 10, 1) and later.hourly_hours_used == 3
    assert later.grants[0].remaining == 5 - Fraction(3, 8)


def test_hourly_leave_needs_an_agreement() -> None:
    with pytest.raises(HourlyCapExceeded):
        leave_balance(
            [G1], [LeaveTaken(date(2027, 1, 4), LeaveUnit.HOURS, hours=1)], on=date(2027, 2, 1)
        )
    with pytest.raises(PaidLeaveError):
        hourly_cap_hours(8, 6)


def test_more_than_a_day_on_one_date_is_refused() -> None:
    twice = [LeaveTaken(date(2027, 1, 4)), LeaveTaken(date(2027, 1, 4), LeaveUnit.HALF_DAY)]
    with pytest.raises(PaidLeaveError, match="more than one day"):
        leave_balance([G1], twice, on=date(2027, 2, 1))


def test_advance_goes_negative_and_the_next_grant_repays() -> None:
    # 11 days in G1's year with 10 granted: 1 day owed, repaid from G2 on 2027-10-01.
    taken = [LeaveTaken(date(2027, 1, d)) for d in range(4, 15)]
    with pytest.raises(InsufficientLeave):
        leave_balance([G1, G2], taken, on=date(2027, 9, 30))
    options = LedgerOptions(allow_advance=True)
    before = leave_balance([G1, G2], taken, on=date(2027, 9, 30), options=options)
    assert before.advanced == 1 and before.remaining == -1
    after = leave_balance([G1, G2], taken, on=date(2027, 10, 1), options=options)
    assert after.advanced == 0 and after.remaining == 10


# --- the 5 days -----------------------------------------------------------------------------------


def test_designation_deadline_day() -> None:
    # The year of a grant made 2026-10-01 ends 2027-09-30: leave that day counts, the next day not.
    on_deadline = [LeaveTaken(date(2027, 9, 30), planned=True)]
    assert designation_duties([G1], on_deadline)[0].counted == 1
    after = [LeaveTaken(date(2027, 10, 1))]
    (duty, _) = designation_duties([G1, G2], after)
    assert duty.counted == 0 and duty.to_designate == 5
    assert duty.overdue(date(2027, 10, 1)) and not duty.overdue(date(2027, 9, 30))


def test_designation_counts_carried_over_days_and_stops_at_zero() -> None:
    # 6 days taken in G2's year, drawn from G1's carry-over: G2's duty is met (0 left, not -1).
    taken = [LeaveTaken(date(2027, 10, d)) for d in range(2, 8)]
    duties = designation_duties([G1, G2], taken)
    assert duties[1].grant_date == date(2027, 10, 1) and duties[1].to_designate == 0


def test_no_duty_under_10_days_or_before_april_2019() -> None:
    assert designation_duties([LeaveGrant(date(2026, 10, 1), 9, date(2028, 9, 30))], []) == ()
    old = LeaveGrant(date(2019, 3, 31), 10, date(2021, 3, 30))
    assert designation_duties([old], []) == ()
    first_day = LeaveGrant(date(2019, 4, 1), 10, date(2021, 3, 31))
    assert designation_duties([first_day], [])[0].deadline == date(2020, 3, 31)


# --- haken calc paid-leave ----------------------------------------------------------------------


def run(*args: str) -> dict[str, list[dict[str, object]]]:
    result = CliRunner().invoke(cli.app, ["calc", "paid-leave", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_cli_full_time_case_10() -> None:
    out = run(
        "--hired",
        "2026-04-01",
        "--days-per-week",
        "5",
        "--hours-per-week",
        "40",
        "--on",
        "2027-10-01",
    )
    assert out == {
        "grants": [
            {"grant_date": "2026-10-01", "days": 10, "expires_on": "2028-09-30"},
            {"grant_date": "2027-10-01", "days": 11, "expires_on": "2029-09-30"},
        ]
    }


def test_cli_hired_31_august_proportional() -> None:
    # 4 days / 28 h, hired 2026-08-31: 7 on 2027-02-28 (usable through 2029-02-27), 8 on 2028-02-28.
    out = run(
        "--hired",
        "2026-08-31",
        "--days-per-week",
        "4",
        "--hours-per-week",
        "28",
        "--on",
        "2028-02-28",
    )
    assert out["grants"] == [
        {"grant_date": "2027-02-28", "days": 7, "expires_on": "2029-02-27"},
        {"grant_date": "2028-02-28", "days": 8, "expires_on": "2030-02-27"},
    ]


def test_cli_annual_days_and_before_the_first_grant() -> None:
    out = run(
        "--hired",
        "2026-04-01",
        "--days-per-week",
        "3",
        "--hours-per-week",
        "24",
        "--annual-days",
        "150",
        "--on",
        "2026-10-01",
    )
    assert out["grants"] == [{"grant_date": "2026-10-01", "days": 5, "expires_on": "2028-09-30"}]
    assert (
        run(
            "--hired",
            "2026-04-01",
            "--hours-per-week",
            "24",
            "--annual-days",
            "217",
            "--on",
            "2026-10-01",
        )["grants"][0]["days"]
        == 10
    )
    assert run(
        "--hired",
        "2026-04-01",
        "--days-per-week",
        "5",
        "--hours-per-week",
        "40",
        "--on",
        "2026-09-30",
    ) == {"grants": []}


@pytest.mark.parametrize(
    "args",
    [
        [
            "--hired",
            "2026-02-30",
            "--days-per-week",
            "5",
            "--hours-per-week",
            "40",
            "--on",
            "2027-01-01",
        ],
        [
            "--hired",
            "2026-04-01",
            "--days-per-week",
            "five",
            "--hours-per-week",
            "40",
            "--on",
            "2027-01-01",
        ],
        ["--hired", "2026-04-01", "--hours-per-week", "40", "--on", "2027-01-01"],
        [
            "--hired",
            "2026-04-01",
            "--days-per-week",
            "5",
            "--hours-per-week",
            "40",
            "--on",
            "2026-01-01",
        ],
    ],
)
def test_cli_bad_input_exits_2(args: list[str]) -> None:
    result = CliRunner().invoke(cli.app, ["calc", "paid-leave", *args])
    assert result.exit_code == 2
    assert "error:" in result.output
