"""labor.insurance from a pay history: where the fixed pay changed (the first month of a
随時改定), and the payment-base-day thresholds (17 days; 11 for short-time insured) of the
定時決定 with the grades of JP_LABOR.md §4.2 (case 30's table)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from haken.labor.insurance import (
    FixedPay,
    InsuredKind,
    MonthPay,
    fixed_pay_changes,
    occasional_revision,
    regular_decision,
    standard_amounts,
)
from haken.labor.payslip import fixed_pay


def _m(month: int) -> dt.date:
    return dt.date(2026, month, 1)


def test_a_rate_change_is_found_with_its_direction() -> None:
    history = [
        FixedPay(_m(4), Decimal(1500), 0),
        FixedPay(_m(5), Decimal(1500), 0),
        FixedPay(_m(6), Decimal(1700), 0),
        FixedPay(_m(7), Decimal(1700), 5_000),
        FixedPay(_m(9), Decimal(1600), 5_000),  # after a gap: not compared with July
        FixedPay(_m(10), Decimal(1500), 9_000),  # the rate decides: a cut
    ]
    assert fixed_pay_changes(history) == [(_m(6), 1), (_m(7), 1), (_m(10), -1)]


def test_a_monthly_salary_change_is_read_from_the_payslip_lines() -> None:
    lines = [
        {"section": "earning", "code": "base_salary", "amount": 300_000},
        {"section": "earning", "code": "commuting", "amount": 10_000},
        {"section": "earning", "code": "overtime", "amount": 9_000, "basis": {}},
    ]
    assert fixed_pay(_m(5), lines) == FixedPay(_m(5), None, 310_000)
    hourly = [
        {"section": "earning", "code": "regular", "amount": 1, "basis": {"hourly_base": "1500"}}
    ]
    assert fixed_pay(_m(5), hourly).hourly_rate == Decimal(1500)


def test_short_time_insured_months_count_from_eleven_days() -> None:
    months = [
        MonthPay(_m(4), 100_000, 12),
        MonthPay(_m(5), 110_000, 11),
        MonthPay(_m(6), 90_000, 10),
    ]
    current = standard_amounts(98_000, _m(8))
    regular = regular_decision(2026, months, current=current)
    assert regular.average is None and regular.standard == current  # no 17-day month: kept
    short = regular_decision(2026, months, kind=InsuredKind.SHORT_TIME, current=current)
    # (100,000 + 110,000) ÷ 2 = 105,000 → health grade 6 (¥104,000), pension grade 3.
    assert short.average == 105_000
    assert (short.standard.health.grade, short.standard.pension.grade) == (6, 3)
    assert short.effective_from == dt.date(2026, 9, 1)


def test_a_revision_needs_two_grades_in_the_direction_of_the_change() -> None:
    current = standard_amounts(300_000, _m(6))  # grade 22
    three = [MonthPay(_m(m), 320_000, 20) for m in (6, 7, 8)]  # grade 23: one grade
    assert occasional_revision(three, current=current, direction=1) is None
    three = [MonthPay(_m(m), 340_000, 20) for m in (6, 7, 8)]  # grade 24: two grades
    revision = occasional_revision(three, current=current, direction=1)
    assert revision is not None and revision.health is not None
    assert (revision.health.grade, revision.effective_from) == (24, _m(9))
    assert occasional_revision(three, current=current, direction=-1) is None
