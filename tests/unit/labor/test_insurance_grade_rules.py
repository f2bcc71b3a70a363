"""labor.insurance: until when a decided grade applies, who is in a year's 定時決定, and the
保険者算定 (年間平均; 遡及支払 left out) — JP_LABOR.md §4.1 (an acquisition Jan–May lasts to that
August, Jun–Dec to the next August) and the grade table of §4.2, figures worked by hand:

* ¥240,000 → health grade 19 (¥240,000) / pension 16; ¥250,000–270,000 → grade 20 (¥260,000);
  ¥270,000–290,000 → 21 (¥280,000); ¥290,000–310,000 → 22 (¥300,000); ¥310,000–330,000 → 23.
"""

from __future__ import annotations

import datetime as dt

import pytest

from haken.labor.insurance import (
    DecisionMethod,
    InsuranceError,
    InsuredKind,
    MonthPay,
    acquisition_decision,
    acquisition_valid_until,
    annual_average_check,
    grades_apart,
    in_regular_decision,
    insurer_decision,
    occasional_revision,
    regular_decision,
    revision_valid_until,
    standard_amounts,
)

D = dt.date


def _year(
    spring: int, rest: int = 250_000, *, short: dict[int, int] | None = None
) -> list[MonthPay]:
    """July 2025–March 2026 at ``rest``, April–June 2026 at ``spring`` (31 base days), with
    ``short`` = {month: pay} months of 16 base days."""
    months = []
    for offset in range(12):
        month = D(2025 + (6 + offset) // 12, (6 + offset) % 12 + 1, 1)
        pay = spring if month >= D(2026, 4, 1) else rest
        days = 31
        if short and month.month in short:
            pay, days = short[month.month], 16
        months.append(MonthPay(month, pay, days))
    return months


def test_a_june_acquisition_lasts_to_the_next_august_and_skips_that_years_decision() -> None:
    decision = acquisition_decision(240_000, D(2026, 6, 15))
    assert (decision.standard.health.grade, decision.standard.health.standard) == (19, 240_000)
    assert (decision.standard.pension.grade, decision.effective_from) == (16, D(2026, 6, 1))
    assert decision.valid_until == D(2027, 8, 1)
    assert not in_regular_decision(2026, acquired_on=D(2026, 6, 15))
    assert in_regular_decision(2027, acquired_on=D(2026, 6, 15))
    # The boundary: 1 June is excluded, 31 May is not; December still lasts to next August.
    assert not in_regular_decision(2026, acquired_on=D(2026, 6, 1))
    assert acquisition_valid_until(D(2026, 6, 1)) == D(2027, 8, 1)
    assert acquisition_valid_until(D(2026, 12, 31)) == D(2027, 8, 1)
    assert acquisition_valid_until(D(2026, 5, 31)) == D(2026, 8, 1)
    assert in_regular_decision(2026, acquired_on=D(2026, 5, 31))


def test_a_january_acquisition_lasts_to_that_august_and_is_in_that_years_decision() -> None:
    decision = acquisition_decision(300_000, D(2026, 1, 5))
    assert (decision.standard.health.grade, decision.standard.pension.grade) == (22, 19)
    assert decision.valid_until == D(2026, 8, 1)
    assert in_regular_decision(2026, acquired_on=D(2026, 1, 5))
    assert in_regular_decision(2026, acquired_on=None)


def test_who_else_is_outside_the_years_decision() -> None:
    # A 随時改定 from July, August or September replaces the 定時決定; June does not.
    for month in (7, 8, 9):
        assert not in_regular_decision(
            2026, acquired_on=D(2020, 4, 1), revised_from=[D(2026, month, 1)]
        )
    assert in_regular_decision(2026, acquired_on=D(2020, 4, 1), revised_from=[D(2026, 6, 1)])
    assert in_regular_decision(2026, acquired_on=D(2020, 4, 1), revised_from=[D(2026, 10, 1)])
    # Not insured on 1 July: lost on 1 July (left on 30 June) is out, lost on 2 July is in.
    assert not in_regular_decision(2026, acquired_on=D(2020, 4, 1), lost_on=D(2026, 7, 1))
    assert in_regular_decision(2026, acquired_on=D(2020, 4, 1), lost_on=D(2026, 7, 2))


def test_a_revision_lasts_to_august_of_the_same_or_the_next_year() -> None:
    assert revision_valid_until(D(2026, 6, 1)) == D(2026, 8, 1)
    assert revision_valid_until(D(2026, 7, 1)) == D(2027, 8, 1)
    three = [MonthPay(D(2026, m, 1), 360_000, 31) for m in (4, 5, 6)]
    revision = occasional_revision(
        three, current=standard_amounts(300_000, D(2026, 4, 1)), direction=1
    )
    assert revision is not None and revision.valid_until == D(2027, 8, 1)  # from July


def test_the_annual_average_two_grades_apart_applies_with_consent() -> None:
    # Busy April–June at ¥300,000 (grade 22); the rest of the year ¥250,000.
    # 12-month average = (9 × 250,000 + 3 × 300,000) ÷ 12 = 3,150,000 ÷ 12 = 262,500 → grade 20.
    months = _year(300_000)
    check = annual_average_check(2026, months)
    assert check.usual.average == 300_000 and check.usual.standard.health.grade == 22
    assert check.annual is not None and check.annual.average == 262_500
    assert (check.annual.standard.health.grade, check.annual.standard.health.standard) == (
        20,
        260_000,
    )
    assert check.annual.standard.pension.grade == 17
    assert check.grades_apart == -2 and check.applicable
    assert check.annual.method is DecisionMethod.ANNUAL_AVERAGE
    assert len(check.annual.months_used) == 12
    assert (check.annual.effective_from, check.annual.valid_until) == (D(2026, 9, 1), D(2027, 8, 1))

    chosen = insurer_decision(2026, months, consent=True)
    assert (chosen.average, chosen.standard.health.standard) == (262_500, 260_000)
    refused = insurer_decision(2026, months, consent=False)  # no consent: April–June decides
    assert (refused.average, refused.method) == (300_000, DecisionMethod.USUAL)
    assert grades_apart(300_000, 262_500, D(2026, 9, 1)) == -2


def test_the_annual_average_one_grade_apart_does_not_apply() -> None:
    # April–June ¥280,000 (grade 21); (9 × 250,000 + 3 × 280,000) ÷ 12 = 257,500 → grade 20.
    months = _year(280_000)
    check = annual_average_check(2026, months)
    assert check.annual is not None and check.annual.average == 257_500
    assert check.grades_apart == -1 and not check.applicable
    chosen = insurer_decision(2026, months, consent=True)
    assert (chosen.average, chosen.standard.health.grade, chosen.method) == (
        280_000,
        21,
        DecisionMethod.USUAL,
    )


def test_the_annual_average_leaves_out_months_with_too_few_base_days() -> None:
    # August 2025 paid ¥100,000 for 16 base days: out. (8 × 250,000 + 3 × 300,000) ÷ 11
    # = 2,900,000 ÷ 11 = 263,636.36 → ¥263,636 (yen down) → grade 20.
    check = annual_average_check(2026, _year(300_000, short={8: 100_000}))
    assert check.annual is not None and check.annual.average == 263_636
    assert D(2025, 8, 1) not in check.annual.months_used and len(check.annual.months_used) == 11
    assert check.applicable
    # A short-time insured counts 16 days (11 or more): 12 months again.
    short = annual_average_check(
        2026, _year(300_000, short={8: 100_000}), kind=InsuredKind.SHORT_TIME
    )
    assert short.annual is not None and len(short.annual.months_used) == 12
    with pytest.raises(InsuranceError):
        annual_average_check(2026, [MonthPay(D(2026, 7, 1), 1, 31)])


def test_a_retroactive_raise_paid_in_april_is_left_out_of_the_average() -> None:
    # Raised ¥300,000 → ¥305,000 from January, decided late: April pays ¥305,000 plus the
    # January–March differences (3 × ¥5,000 = ¥15,000).
    months = [
        MonthPay(D(2026, 4, 1), 320_000, 30, retroactive=15_000),
        MonthPay(D(2026, 5, 1), 305_000, 31),
        MonthPay(D(2026, 6, 1), 305_000, 30),
    ]
    decision = regular_decision(2026, months)
    # Left out: (305,000 × 3) ÷ 3 = 305,000 → grade 22 (¥300,000). Kept in, it would have
    # been 930,000 ÷ 3 = 310,000 → grade 23 (¥320,000).
    assert decision.average == 305_000 and decision.standard.health.standard == 300_000
    assert decision.retroactive_excluded == 15_000
    naive = regular_decision(2026, [MonthPay(m.month, m.pay, m.base_days) for m in months])
    assert naive.average == 310_000 and naive.standard.health.standard == 320_000


def test_the_payslip_keeps_the_grades_basis_line_on_its_insurance_lines() -> None:
    from haken.labor.payslip import LedgerMinutes, PayFacts, calculate

    facts = {
        "period_start": D(2026, 9, 1),
        "period_end": D(2026, 9, 30),
        "pay_date": D(2026, 10, 25),
        "birth_date": D(1990, 5, 20),
        "prefecture": "13",
        "ledger": LedgerMinutes(regular=160 * 60),
        "pay_type": "monthly",
        "monthly_salary": 300_000,
        "average_monthly_minutes": 160 * 60,
        "scheduled_days": 20,
        "standard_remuneration": 262_500,
    }
    basis = "定時決定（保険者算定・年間平均、本人同意）: 2025-07〜2026-06 の12か月の平均 ¥262,500"
    slip = calculate(PayFacts(**facts, standard_basis=basis))  # type: ignore[arg-type]
    health = next(x for x in slip.lines if x["code"] == "health")
    # Grade 20 (¥260,000) × 9.85 % ÷ 2 = 12,805 (Tokyo FY2026, JP_LABOR.md §4.1).
    assert (health["basis"]["grade"], health["amount"]) == (20, 12_805)
    assert health["basis"]["grade_basis"] == basis
    plain = calculate(PayFacts(**facts))  # type: ignore[arg-type]
    assert "grade_basis" not in next(x for x in plain.lines if x["code"] == "health")["basis"]
