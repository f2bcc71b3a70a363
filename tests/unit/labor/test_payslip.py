"""labor.payslip: monthly pay, the ledger's summary minutes back to cells, resident tax by
month, the commuting limit (figures by hand from JP_LABOR.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from haken.labor.payslip import (
    LedgerMinutes,
    PayFacts,
    PayslipError,
    calculate,
    resident_tax_for,
)

APRIL = {
    "period_start": dt.date(2026, 4, 1),
    "period_end": dt.date(2026, 4, 30),
    "pay_date": dt.date(2026, 5, 25),
    "birth_date": dt.date(1990, 5, 20),
    "prefecture": "13",
    "social_insured": False,
    "employment_insured": False,
}


def test_monthly_salary_premiums_on_the_hourly_base_and_an_absence_deducted() -> None:
    # JP_LABOR A.1: ¥240,000 ÷ 160 h = ¥1,500 an hour. 10 h overtime × 1.25 = 18,750; 2 h of
    # night inside scheduled time earn only the 25 %: 750; one absence of 20 days: 12,000.
    slip = calculate(
        PayFacts(
            **APRIL,
            ledger=LedgerMinutes(regular=150 * 60, night=120, overtime=600, absence_days=1),
            pay_type="monthly",
            monthly_salary=240_000,
            average_monthly_minutes=160 * 60,
            scheduled_days=20,
        )
    )
    amounts = {line["code"]: line["amount"] for line in slip.lines if line["section"] == "earning"}
    assert amounts == {
        "base_salary": 240_000,
        "absence": -12_000,
        "overtime": 18_750,
        "regular_night": 750,
    }
    assert slip.gross == 247_500


def test_night_overtime_beyond_60_hours_is_paid_at_the_higher_rate() -> None:
    cells = LedgerMinutes(
        regular=100, overtime=70 * 60, overtime_over_60h=600, night=120, overtime_night=120
    ).cells()
    assert cells.overtime_over_60h_night == 120
    assert cells.overtime_to_60h_night == 0
    assert cells.overtime_over_60h == 480
    assert cells.overtime_to_60h == 60 * 60
    assert cells.regular == 100 and cells.regular_night == 0


def test_resident_tax_takes_the_instalment_of_the_pay_month() -> None:
    notice = [11_000] + [10_000] * 10 + [9_000]  # June … May
    assert resident_tax_for(notice, dt.date(2026, 6, 25)) == 11_000
    assert resident_tax_for(notice, dt.date(2026, 7, 25)) == 10_000
    assert resident_tax_for(notice, dt.date(2027, 5, 25)) == 9_000
    assert resident_tax_for([], dt.date(2026, 6, 25)) == 0


def test_commuting_is_tax_free_only_up_to_its_limit() -> None:
    slip = calculate(
        PayFacts(
            **APRIL,
            ledger=LedgerMinutes(regular=160 * 60),
            hourly_rate=1_500,  # type: ignore[arg-type]
            commuting=160_000,
        )
    )
    line = next(x for x in slip.lines if x["code"] == "commuting")
    assert line["basis"]["tax_free"] == 150_000
    assert slip.taxable == 240_000 + 160_000 - 150_000


def test_hourly_pay_without_a_rate_is_an_error_not_a_zero_payslip() -> None:
    with pytest.raises(PayslipError) as raised:
        calculate(PayFacts(**APRIL, ledger=LedgerMinutes(regular=60)))
    assert raised.value.code == "no_rate"
