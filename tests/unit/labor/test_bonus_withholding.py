"""The bonus withholding computed from the 月額表 (所得税法186条2項; NTA 「賞与に対する源泉
徴収税額の計算」): when nothing was paid in the previous month, or the bonus exceeds ten times
that month's pay, both after social insurance. JP_LABOR.md publishes no bonus case (its
§5 leaves the 算出率の表 out): the cases are worked by hand from the 令和8年分 月額表 rows
(tables/withholding_monthly_r08.json, checked cell by cell against the NTA PDF)."""

from __future__ import annotations

import datetime as dt

import pytest

from haken.labor.withholding import bonus_tax, bonus_uses_monthly_table

JULY = dt.date(2026, 7, 10)


def test_no_pay_in_the_previous_month_taxes_a_sixth_of_the_bonus_six_times() -> None:
    # By hand: 600,000 ÷ 6 = 100,000 → 月額表 乙欄 below 105,000: 3.063 % → 3,063 (floor);
    # − the tax on 0 (0) → 3,063 × 6 = 18,378.
    found = bonus_tax(600_000, None, dependents=0, pay_date=JULY, otsu=True)
    assert found is not None
    assert found.tax == 18_378
    assert found.reason == "no_previous_pay"
    assert found.basis["share"] == 100_000 and found.basis["months"] == 6
    assert found.basis["column"] == "乙"
    # 甲欄: 100,000 is below the table's first row (105,000): 0 yen, whatever the dependants.
    kou = bonus_tax(600_000, None, dependents=0, pay_date=JULY)
    assert kou is not None and kou.tax == 0


def test_a_bonus_over_ten_times_the_previous_pay_adds_a_sixth_to_that_pay() -> None:
    # By hand: previous month 30,000 after insurance; the bonus 500,000 > 300,000.
    # 500,000 ÷ 6 = 83,333 (under 1 yen dropped); 30,000 + 83,333 = 113,333 → row
    # 113,000–115,000 甲欄 0人: 580; 30,000 → below 105,000: 0. (580 − 0) × 6 = 3,480.
    found = bonus_tax(500_000, 30_000, dependents=0, pay_date=JULY)
    assert found is not None
    assert (found.tax, found.reason) == (3_480, "over_ten_times")
    assert (found.basis["tax_with_share"], found.basis["tax_without"]) == (580, 0)
    assert "113,000円以上115,000円未満" in str(found.basis["row_with_share"])
    assert "× 6 = 3,480円" in str(found.basis["text"])
    # 乙欄: 113,333 → row 113,000–115,000 乙: 4,100; 30,000 × 3.063 % = 918.
    # (4,100 − 918) × 6 = 19,092.
    otsu = bonus_tax(500_000, 30_000, dependents=0, pay_date=JULY, otsu=True)
    assert otsu is not None and otsu.tax == 19_092


def test_a_computation_period_over_six_months_uses_twelfths() -> None:
    # 1,200,000 ÷ 12 = 100,000 → 乙欄 3,063 × 12 = 36,756.
    found = bonus_tax(1_200_000, None, dependents=0, pay_date=JULY, otsu=True, long_period=True)
    assert found is not None
    assert (found.tax, found.basis["months"]) == (36_756, 12)


def test_dependants_choose_the_column() -> None:
    # Previous 250,000; bonus 2,600,000 > 2,500,000: 2,600,000 ÷ 6 = 433,333;
    # 250,000 + 433,333 = 683,333. 甲欄 2人 vs 0人: fewer tax with dependants.
    none = bonus_tax(2_600_000, 250_000, dependents=0, pay_date=JULY)
    two = bonus_tax(2_600_000, 250_000, dependents=2, pay_date=JULY)
    assert none is not None and two is not None
    assert two.tax < none.tax
    assert none.tax % 6 == 0 and two.tax % 6 == 0


@pytest.mark.parametrize(
    ("bonus", "previous", "reason"),
    [
        (500_000, None, "no_previous_pay"),
        (0, None, "no_previous_pay"),
        (300_001, 30_000, "over_ten_times"),
        (300_000, 30_000, None),  # exactly ten times: not over
        (1, 0, "over_ten_times"),  # paid, but nothing left after insurance
        (500_000, 250_000, None),
    ],
)
def test_which_bonuses_use_the_monthly_table(
    bonus: int, previous: int | None, reason: str | None
) -> None:
    assert bonus_uses_monthly_table(bonus, previous) == reason
    found = bonus_tax(bonus, previous, dependents=0, pay_date=JULY)
    assert (found.reason if found else None) == reason


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        bonus_uses_monthly_table(-1, None)
    with pytest.raises(ValueError):
        bonus_uses_monthly_table(1, -1)
