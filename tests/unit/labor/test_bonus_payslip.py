"""labor.payslip.calculate_bonus: 標準賞与額 and the caps (JP_LABOR.md case 32), the shares at
the Tokyo FY2026 rates (case 25's rates: health 9.85 %, child support 0.23 % from the April
2026 premium, pension 18.3 %; employment 5/1000, case 34), and income tax at the rate the
office enters from the NTA 算出率の表 (not shipped)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from haken.labor.payslip import BonusFacts, PayslipError, calculate_bonus

JUNE_BONUS: dict[str, Any] = {
    "paid_on": dt.date(2026, 6, 10),
    "birth_date": dt.date(1990, 5, 20),  # 36: no nursing care
    "prefecture": "13",
    "withholding_rate_pct": Decimal("10.21"),
}


def _amounts(slip: Any) -> dict[str, int]:
    return {line["code"]: line["amount"] for line in slip.lines}


def test_a_two_million_bonus_caps_the_pension_base_at_one_and_a_half_million() -> None:
    slip = calculate_bonus(BonusFacts(**JUNE_BONUS, amount=2_000_000))
    # health + child support rounded once: 2,000,000 × 10.08 % ÷ 2 = 100,800 (98,500 + 2,300);
    # pension 1,500,000 × 18.3 % ÷ 2 = 137,250; employment 2,000,000 × 5/1000 = 10,000;
    # tax (2,000,000 − 238,050 − 10,000) × 10.21 % = 178,874.09 → 178,874.
    assert _amounts(slip) == {
        "bonus": 2_000_000,
        "health": 98_500,
        "child_support": 2_300,
        "pension": 137_250,
        "employment_insurance": 10_000,
        "income_tax": 178_874,
    }
    pension = next(x for x in slip.lines if x["code"] == "pension")
    assert pension["basis"]["pension_base"] == 1_500_000
    assert pension["basis"]["health_base"] == 2_000_000
    tax = next(x for x in slip.lines if x["code"] == "income_tax")
    assert tax["basis"]["rate_source"] == "entered" and tax["basis"]["rate_pct"] == "10.21"
    assert slip.net == 2_000_000 - 238_050 - 10_000 - 178_874


def test_the_standard_bonus_drops_under_a_thousand_yen_and_the_health_cap_is_cumulative() -> None:
    slip = calculate_bonus(
        BonusFacts(
            **JUNE_BONUS, amount=1_234_567, health_before=5_000_000, employment_insured=False
        )
    )
    health = next(x for x in slip.lines if x["code"] == "health")
    assert health["basis"]["standard_bonus"] == 1_234_000
    # Only ¥730,000 of the ¥5,730,000 fiscal-year cap is left: 730,000 × 10.08 % ÷ 2 = 36,792,
    # health 35,952.50 → 35,952 (50 sen dropped), child support the rest: 840.
    assert health["basis"]["health_base"] == 730_000
    assert (_amounts(slip)["health"], _amounts(slip)["child_support"]) == (35_952, 840)
    assert health["basis"]["pension_base"] == 1_234_000


def test_the_pension_cap_counts_earlier_bonuses_of_the_month() -> None:
    slip = calculate_bonus(
        BonusFacts(**JUNE_BONUS, amount=1_000_000, pension_before_in_month=1_000_000)
    )
    pension = next(x for x in slip.lines if x["code"] == "pension")
    assert pension["basis"]["pension_base"] == 500_000 and pension["amount"] == 45_750


def test_a_rate_outside_a_percentage_is_refused() -> None:
    with pytest.raises(PayslipError):
        calculate_bonus(
            BonusFacts(**{**JUNE_BONUS, "withholding_rate_pct": Decimal(101)}, amount=1)
        )
