"""labor.margin: the employer's insurance shares read back from a payslip's lines, the cost
shared by billed minutes, and the マージン率 of the disclosure (JP_DISPATCH.md §1.8, case A7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haken.labor import insurance
from haken.labor.margin import allocate, employer_shares, labour_cost, margin_rate
from haken.labor.payslip import LedgerMinutes, PayFacts, calculate


def test_case_a7_weighted_averages_give_thirty_percent() -> None:
    # JP_DISPATCH A7: fee ¥20,000 and wage ¥14,000 per 8-hour day → 30.0 %.
    # Ten 8-hour worker-days: fees 200,000, wages 140,000, 4,800 minutes.
    rate = margin_rate(200_000, 140_000, 4_800)
    assert (rate.average_fee, rate.average_wage) == (20_000, 14_000)
    assert str(rate.rate_pct) == "30.0"
    assert str(rate.worker_days) == "10.00"


def test_the_rate_is_weighted_over_worker_days_not_a_simple_average_of_rates() -> None:
    # Worker A: 9 days at fee 20,000 / wage 14,000 (30 %); worker B: 1 day at 10,000 / 9,000
    # (10 %). A simple average of the two rates would be 20 %: the weighted one is
    # fee (180,000 + 10,000) ÷ 10 = 19,000, wage (126,000 + 9,000) ÷ 10 = 13,500,
    # (19,000 − 13,500) ÷ 19,000 = 28.947… → 28.9 %.
    rate = margin_rate(190_000, 135_000, 10 * 480)
    assert (rate.average_fee, rate.average_wage, str(rate.rate_pct)) == (19_000, 13_500, "28.9")


def test_nothing_billed_has_no_rate() -> None:
    assert margin_rate(0, 5_000, 0).rate_pct is None


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (30_000, [1455, 480], [22_558, 7_442]),  # 22,558.14 / 7,441.86
        (255, [1455, 480], [192, 63]),  # 191.74 / 63.26
        (10, [1, 1, 1], [4, 3, 3]),  # ties: the earlier share
        (-10, [1, 1, 1], [-4, -3, -3]),
        (7, [0, 0], [7, 0]),  # no weight: all to the first
        (5, [], []),
    ],
)
def test_allocate_adds_up(total: int, weights: list[int], expected: list[int]) -> None:
    assert allocate(total, weights) == expected
    if weights:
        assert sum(allocate(total, weights)) == total


def test_employer_shares_match_the_premiums_payroll_computed() -> None:
    """A real payslip (Tokyo, 40 years old in the premium month: nursing care applies)
    read back: the employer's shares equal labor.insurance's for the same month."""
    facts = PayFacts(
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 4, 30),
        pay_date=dt.date(2026, 5, 25),
        birth_date=dt.date(1985, 5, 20),
        prefecture="13",
        ledger=LedgerMinutes(regular=160 * 60, paid_leave_days=1),
        hourly_rate=Decimal(1_500),
        scheduled_daily_minutes=480,
        commuting=12_000,
    )
    slip = calculate(facts)
    month = insurance.month_of(facts.period_end)
    premiums = insurance.monthly_premiums(
        insurance.standard_amounts(slip.gross, month),
        month=month,
        prefecture="13",
        birth_date=facts.birth_date,
        wages=slip.gross,
        wage_date=facts.period_end,
    )
    social, employment = employer_shares(slip.lines, facts.period_end)
    expected_social = (
        premiums.health.employer
        + premiums.nursing.employer
        + premiums.child_support.employer
        + premiums.pension.employer
    )
    assert (social, employment) == (expected_social, premiums.employment.employer)
    assert social > 0 and employment > 0
    cost = labour_cost(slip.gross, slip.lines, facts.period_end)
    assert cost.commuting == 12_000
    assert cost.paid_leave == 8 * 1_500  # one day of 通常の賃金
    assert cost.total == slip.gross + social + employment


def test_no_insurance_lines_no_employer_share() -> None:
    assert employer_shares(
        [{"section": "earning", "code": "base", "amount": 1}], dt.date.today()
    ) == (0, 0)


def test_the_employer_share_of_a_bonus_uses_its_capped_bases() -> None:
    """A bonus payslip's lines keep 標準賞与額 as health_base / pension_base (JP_LABOR §4
    case 32: ¥2,000,000 → pension base ¥1,500,000): Tokyo July 2026, health group 10.08 %
    (9.85 + child support 0.23) on 2,000,000 = 201,600, less the worker's 98,500 + 2,300;
    pension 18.3 % on 1,500,000 = 274,500 less 137,250; employment (5 + 8.5)/1000 on the
    amount paid = 27,000 less 10,000."""
    from haken.labor.payslip import BonusFacts, calculate_bonus

    paid_on = dt.date(2026, 7, 10)
    slip = calculate_bonus(
        BonusFacts(
            paid_on=paid_on,
            amount=2_000_000,
            birth_date=dt.date(1990, 5, 20),
            prefecture="13",
            withholding_rate_pct=Decimal("10.21"),
        )
    )
    assert employer_shares(slip.lines, paid_on) == (
        201_600 - 98_500 - 2_300 + 274_500 - 137_250,
        27_000 - 10_000,
    )
