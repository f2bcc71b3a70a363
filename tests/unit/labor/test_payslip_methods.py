"""labor.payslip: paid-leave pay by the agency's method (LSA 39条9項) and the contract's
premium rates above the statute's (figures by hand; JP_LABOR A.1/A.3 for the statutory ones,
the 平均賃金 worked example W1 of test_average_wage)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.unit.labor.test_average_wage import W1

from haken.labor.payslip import LedgerMinutes, PayFacts, calculate, wage_period
from haken.labor.premiums import below_statutory, rules_on, with_contract_premiums

JUNE: dict[str, Any] = {
    "period_start": dt.date(2026, 6, 1),
    "period_end": dt.date(2026, 6, 30),
    "pay_date": dt.date(2026, 7, 25),
    "birth_date": dt.date(1990, 5, 20),
    "prefecture": "13",
    "social_insured": False,
    "employment_insured": False,
    "hourly_rate": Decimal(1500),
}
LEAVE = LedgerMinutes(regular=120 * 60, worked_days=15, paid_leave_days=2, half_leave_days=1)


def _earning(slip: Any, code: str) -> dict[str, Any]:
    (line,) = [x for x in slip.lines if x["section"] == "earning" and x["code"] == code]
    return dict(line)


def test_ordinary_wage_pays_the_scheduled_hours() -> None:
    line = _earning(calculate(PayFacts(**JUNE, ledger=LEAVE)), "paid_leave")
    assert line["amount"] == 20 * 1500  # 2 days + a half day of 8 h = 20 h
    assert line["basis"]["method"] == "ordinary"


def test_average_wage_pays_the_average_of_the_three_periods_before() -> None:
    # W1: 2,789.18 a day (the minimum guarantee) × 2.5 days = 6,972.95 → 6,973.
    slip = calculate(PayFacts(**JUNE, ledger=LEAVE, leave_method="average", wage_periods=tuple(W1)))
    line = _earning(slip, "paid_leave")
    assert line["amount"] == 6_973
    assert line["basis"]["method"] == "average"
    assert line["basis"]["daily"] == "2789.18"
    assert line["basis"]["calendar_days"] == 92 and line["basis"]["worked_days"] == 37
    assert "最低保障" in line["text"]


def test_average_wage_without_an_earlier_period_falls_back_to_ordinary_and_says_so() -> None:
    line = _earning(calculate(PayFacts(**JUNE, ledger=LEAVE, leave_method="average")), "paid_leave")
    assert line["amount"] == 30_000 and line["basis"]["method"] == "ordinary"
    assert "平均賃金" in line["text"]


def test_standard_daily_amount_pays_the_standard_monthly_over_thirty() -> None:
    facts = {**JUNE, "social_insured": True}
    slip = calculate(
        PayFacts(
            **facts, ledger=LEAVE, leave_method="standard_daily", standard_remuneration=280_000
        )
    )
    line = _earning(slip, "paid_leave")
    assert line["amount"] == 23_325  # 9,330 × 2.5
    assert line["basis"]["daily"] == 9_330 and line["basis"]["method"] == "standard_daily"
    uninsured = calculate(PayFacts(**JUNE, ledger=LEAVE, leave_method="standard_daily"))
    assert _earning(uninsured, "paid_leave")["basis"]["method"] == "ordinary"


def test_payment_base_days_count_full_leave_days() -> None:
    slip = calculate(PayFacts(**JUNE, ledger=LEAVE))
    assert slip.base_days == 17 and slip.worked_days == 15


def test_a_payslip_becomes_a_wage_period_fixed_and_hourly_apart() -> None:
    slip = calculate(PayFacts(**JUNE, ledger=LEAVE, allowance=5_000, commuting=8_000))
    period = wage_period(JUNE["period_start"], JUNE["period_end"], slip.lines, worked_days=15)
    assert period.fixed_wages == 13_000
    assert period.time_wages == 120 * 1500 + 20 * 1500


def test_contract_overtime_rate_above_the_statute_is_paid_with_its_basis() -> None:
    # Statute: ¥1,500 × 1.25 = 1,875 an hour (A.3); the contract's 30 %: 1,950. Night overtime
    # 1.30 + 0.25 = 1.55 (statute 1.5: A.1's 2,250); the rest day stays at the statute's 35 %.
    ledger = LedgerMinutes(
        regular=160 * 60, overtime=10 * 60, night=60, overtime_night=60, rest_day=120
    )
    slip = calculate(PayFacts(**JUNE, ledger=ledger, overtime_pct=Decimal(30)))
    overtime = _earning(slip, "overtime")
    assert overtime["amount"] == 9 * 1950
    assert overtime["basis"]["contract"] is True
    assert overtime["basis"]["statutory_multiplier"] == "1.25"
    assert "契約の割増率" in overtime["text"]
    assert _earning(slip, "overtime_night")["amount"] == 2_325
    rest = _earning(slip, "rest_day")
    assert rest["amount"] == 2 * 2_025 and "contract" not in rest["basis"]
    statutory = calculate(PayFacts(**JUNE, ledger=ledger))
    assert _earning(statutory, "overtime")["amount"] == 9 * 1875


def test_a_contract_rate_never_lowers_the_statute() -> None:
    rules = rules_on(dt.date(2026, 6, 30))
    lower = with_contract_premiums(rules, overtime_pct=Decimal(20), night_pct=Decimal(30))
    assert lower.overtime_pct == Decimal(25) and lower.night_pct == Decimal(30)
    assert below_statutory(rules, overtime_pct=Decimal(20), rest_day_pct=Decimal(35)) == {
        "overtime_pct": Decimal(25)
    }
    # A contract overtime rate above 50 % also covers the hours past 60.
    high = with_contract_premiums(rules, overtime_pct=Decimal(55))
    assert high.over_60h_pct == Decimal(55)
    assert with_contract_premiums(rules, overtime_pct=Decimal(30)).over_60h_pct == Decimal(50)


@pytest.mark.parametrize("method", ["ordinary", "average", "standard_daily"])
def test_every_method_is_accepted(method: str) -> None:
    slip = calculate(PayFacts(**JUNE, ledger=LEAVE, leave_method=method))
    assert _earning(slip, "paid_leave")["amount"] > 0
