"""labor.average_wage: 平均賃金 (労基法12条) with its minimum guarantee, 標準報酬日額 (39条9項),
and the leave pay of a payslip by the agency's method.

Published worked examples (not among JP_LABOR.md's numbered cases, which have none for
平均賃金; they are cited here by source):
- W1 (hourly pay, minimum guarantee): 3 months of 75,000 / 62,000 / 35,000 yen, 15 / 12 / 10
  days worked, 92 calendar days → minimum 172,000 ÷ 37 × 60 % = 2,789.18 (the page's principle
  figure 1,869.95 is a typo: 172,000 ÷ 92 = 1,869.56).
  https://xn--vcki1fxh880mbxdbyov8ftwo01l2sgmm2i.com/a/heikintingin2/
- W2 (monthly fixed + overtime, 月末締め, cause on 10 April): fixed 259,700 a month, overtime
  29,674 / 16,782 / 20,351, 91 days, 59 days worked → 9,295.68 (minimum 9,240.93); with
  February excluded under 12条3項: 9,184.27 (minimum 9,127.79).
  https://hirota-sr.com/posts/post112.html
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haken.labor.average_wage import (
    AverageWageError,
    WagePeriod,
    average_wage,
    leave_pay,
    standard_daily_amount,
    three_periods_before,
)


def _month(year: int, month: int, **figures: int) -> WagePeriod:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return WagePeriod(start=start, end=following - dt.timedelta(days=1), **figures)


W1 = [
    _month(2026, 3, time_wages=75_000, worked_days=15),
    _month(2026, 4, time_wages=62_000, worked_days=12),
    _month(2026, 5, time_wages=35_000, worked_days=10),
]
W2 = [
    _month(2024, 1, fixed_wages=259_700, time_wages=29_674, worked_days=20),
    _month(2024, 2, fixed_wages=259_700, time_wages=16_782, worked_days=19),
    _month(2024, 3, fixed_wages=259_700, time_wages=20_351, worked_days=20),
]


def test_hourly_pay_is_lifted_to_the_minimum_guarantee_w1() -> None:
    result = average_wage(W1)
    assert result.calendar_days == 92 and result.worked_days == 37
    assert result.principle == Decimal("1869.56")
    assert result.minimum == Decimal("2789.18")
    assert result.amount == Decimal("2789.18") and result.guaranteed
    assert "最低保障" in result.text()


def test_monthly_pay_with_overtime_keeps_the_principle_w2() -> None:
    result = average_wage(W2)
    assert result.calendar_days == 91 and result.wages == 845_907
    assert result.principle == Decimal("9295.68")
    assert result.minimum == Decimal("9240.93")
    assert result.amount == Decimal("9295.68") and not result.guaranteed


def test_an_excluded_period_leaves_its_days_and_wages_out_w2() -> None:
    # February wholly excluded (12条3項): its 29 days and its wages come off both sides.
    february = W2[1]
    excluded = WagePeriod(
        start=february.start,
        end=february.end,
        fixed_wages=february.fixed_wages,
        time_wages=february.time_wages,
        worked_days=0,
        excluded_days=29,
        excluded_wages=february.fixed_wages + february.time_wages,
    )
    result = average_wage([W2[0], excluded, W2[2]])
    assert result.calendar_days == 62
    assert result.principle == Decimal("9184.27")
    assert result.minimum == Decimal("9127.79")
    assert result.amount == Decimal("9184.27")


def test_the_three_periods_end_before_the_cause_and_start_at_hiring() -> None:
    periods = [*W1, _month(2026, 6, time_wages=80_000, worked_days=16)]
    chosen = three_periods_before(periods, dt.date(2026, 6, 20))
    assert [p.start.month for p in chosen] == [3, 4, 5]  # June has not ended: not counted
    chosen = three_periods_before(periods, dt.date(2026, 7, 1))
    assert [p.start.month for p in chosen] == [4, 5, 6]
    # Hired on 10 April (12条6項): March is out, April counts from the 10th (21 days).
    hired = three_periods_before(periods, dt.date(2026, 6, 20), hired_on=dt.date(2026, 4, 10))
    assert [p.calendar_days for p in hired] == [21, 31]
    with pytest.raises(AverageWageError):
        average_wage(three_periods_before(periods, dt.date(2026, 3, 15)))


@pytest.mark.parametrize(
    ("standard", "daily"),
    [
        (300_000, 10_000),  # 10,000.00
        (280_000, 9_330),  # 9,333.33: ¥3.33 under 5 dropped
        (260_000, 8_670),  # 8,666.67: ¥6.67 rounded up to 10
        (98_000, 3_270),  # 3,266.67
        (58_000, 1_930),  # 1,933.33
        (1_390_000, 46_330),  # 46,333.33
        (410_000, 13_670),  # 13,666.67
    ],
)
def test_standard_daily_amount_rounds_to_ten_yen_at_five(standard: int, daily: int) -> None:
    assert standard_daily_amount(standard) == daily


def test_standard_daily_amount_exactly_five_yen_rounds_up() -> None:
    # 30 × 1,235 = 37,050 → 1,235.00: ¥5 is rounded up to ¥10 (39条9項 「五円以上十円未満」).
    assert standard_daily_amount(37_050) == 1_240
    assert standard_daily_amount(37_049) == 1_230  # 1,234.97


def test_leave_pay_rounds_the_day_amount_to_the_yen() -> None:
    assert leave_pay(Decimal("2789.18"), 2) == 5_578  # 5,578.36
    assert leave_pay(Decimal("2789.18"), Decimal("0.5")) == 1_395  # 1,394.59
    assert leave_pay(Decimal("9295.68"), Decimal("2.5")) == 23_239  # 23,239.20
