"""源泉徴収税額: the public cases (JP_LABOR.md verification cases E), the table's notes (more
than 7 dependants, 乙欄), the formula rows, the computer method by hand, and the years.

Hand computations of the computer method use the constants of JP_LABOR.md §5.2:
B = A − 給与所得控除 (Table 1, rounded up) − 31,667 × n − 基礎控除 (Table 3); tax = Table 4(B)
rounded to the nearest 10 yen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from haken.labor.withholding import (
    NoWithholdingRules,
    WithholdingMethod,
    computer_rules_for,
    dependant_count,
    employment_income_deduction,
    shipped_years,
    withholding_tax,
)

R8 = dt.date(2026, 4, 25)
TABLE = WithholdingMethod.TABLE
COMPUTER = WithholdingMethod.COMPUTER


def tax(
    pay: int,
    dependents: int = 0,
    *,
    day: dt.date = R8,
    method: WithholdingMethod = TABLE,
    otsu: bool = False,
) -> int:
    return withholding_tax(pay, dependents=dependents, pay_date=day, method=method, otsu=otsu).tax


# --- Public cases E ---------------------------------------------------------------------------


@pytest.mark.parametrize(("dependents", "expected"), [(0, 4340), (1, 2730), (2, 1100), (3, 0)])
def test_case_36_table_200000(dependents: int, expected: int) -> None:
    assert tax(200_000, dependents) == expected


def test_case_36_otsu_200000() -> None:
    assert tax(200_000, otsu=True) == 19_700


@pytest.mark.parametrize(
    ("dependents", "expected"), [(0, 7930), (1, 6320), (2, 4700), (3, 3080), (4, 1470)]
)
def test_case_37_table_300000(dependents: int, expected: int) -> None:
    assert tax(300_000, dependents) == expected


def test_case_37_otsu_300000() -> None:
    assert tax(300_000, otsu=True) == 53_600


def test_case_39_below_the_table() -> None:
    assert tax(104_999) == 0
    assert tax(104_999, 7) == 0
    # 乙: 104,999 × 3.063 % = 3,216.1 → 3,216 (under 1 yen dropped)
    assert tax(104_999, otsu=True) == 3_216
    assert tax(105_000) == 170
    assert tax(0, otsu=True) == 0


def test_case_42_computer_method_nta_example() -> None:
    # 175,000 − (175,000 × 30 % + 6,667 = 59,167) − 31,667 × 2 − 48,334 = 4,165;
    # 4,165 × 5.105 % = 212.6 → 210. The table gives 250 for the same pay.
    assert tax(175_000, 2, method=COMPUTER) == 210
    assert tax(175_000, 2) == 250


def test_case_45_dependant_count() -> None:
    # A single parent with a source-deduction spouse and one dependant child: 3.
    assert dependant_count(source_deduction_spouse=True, dependants=1, single_parent=True) == 3
    assert dependant_count() == 0
    assert (
        dependant_count(
            dependants=2, disabled=True, working_student=True, disabled_family_members=1
        )
        == 5
    )
    with pytest.raises(ValueError, match="寡婦"):
        dependant_count(widow=True, single_parent=True)
    with pytest.raises(ValueError, match="negative"):
        dependant_count(dependants=-1)


# --- The table's notes ------------------------------------------------------------------------


def test_more_than_seven_dependants_subtract_1610_each() -> None:
    # Row 500,000–503,000, 7 dependants: 4,830.
    assert tax(500_000, 7) == 4_830
    assert tax(500_000, 8) == 4_830 - 1_610
    assert tax(500_000, 9) == 4_830 - 2 * 1_610
    assert tax(500_000, 10) == 0  # 4,830 − 4,830
    assert tax(500_000, 11) == 0  # not below 0
    # Row 446,000–449,000, 7 dependants: 2,620; 9 → 2,620 − 3,220 → 0.
    assert tax(446_000, 9) == 0
    # Formula rows too: 760,000 with 9 → 26,410 + 20,000 × 20.42 % − 3,220 = 27,274.
    result = withholding_tax(760_000, dependents=9, pay_date=R8)
    assert result.tax == 27_274
    assert result.basis["per_dependant_deduction"] == 1_610


def test_otsu_with_declared_dependants_subtract_1610_each() -> None:
    assert tax(200_000, 2, otsu=True) == 19_700 - 3_220
    assert tax(104_999, 1, otsu=True) == 3_216 - 1_610
    assert tax(50_000, 1, otsu=True) == 0  # 1,531 − 1,610, not below 0
    assert tax(800_000, 1, otsu=True) == 283_704 - 1_610


def test_formula_rows_by_hand() -> None:
    # 甲, 740,000 exactly and above: the listed amount + the excess × rate, under 1 yen dropped.
    assert tax(740_000) == 71_680
    assert tax(760_000) == 71_680 + 4_084  # 20,000 × 20.42 %
    assert tax(789_999) == 71_680 + 10_209  # 49,999 × 20.42 % = 10,209.7958
    assert tax(790_000) == 81_890
    assert tax(1_000_000) == 121_820 + 13_477  # 40,000 × 33.693 % = 13,477.2
    assert tax(1_710_000, 3) == 355_120
    assert tax(2_130_000, 5) == 517_110  # listed: not 1,710,000's formula continued
    assert tax(3_500_000, 7) == 1_080_000
    assert tax(3_600_000, 7) == 1_080_000 + 45_945
    # 乙: 259,200 + (A − 740,000) × 40.84 % up to 1,710,000; then 655,400 + × 45.945 %.
    assert tax(740_000, otsu=True) == 259_200
    assert tax(800_000, otsu=True) == 259_200 + 24_504
    assert tax(1_710_000, otsu=True) == 655_400
    assert tax(2_000_000, otsu=True) == 655_400 + 133_240  # 133,240.5


def test_basis_names_the_row_and_column() -> None:
    result = withholding_tax(200_000, dependents=1, pay_date=R8)
    assert result.as_dict() == {
        "tax": 2730,
        "method": "table",
        "basis": {
            "kind": "table_row",
            "from": 199_000,
            "to": 201_000,
            "cell": 2730,
            "year": 2026,
            "column": "甲",
            "dependents": 1,
            "text": "令和8年分 月額表 199,000円以上201,000円未満 甲欄 扶養親族等1人",
        },
    }
    formula = withholding_tax(760_000, dependents=0, pay_date=R8).basis
    assert formula["kind"] == "formula"
    assert (formula["from"], formula["until"], formula["base_tax"]) == (740_000, 790_000, 71_680)
    assert formula["rate_percent"] == "20.42"


# --- The computer method by hand --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pay", "dependents", "expected"),
    [
        # 200,000 − 66,667 − 48,334 = 84,999; × 5.105 % = 4,339.2 → 4,340 (= the table)
        (200_000, 0, 4_340),
        # 300,000 − 96,667 − 31,667 − 48,334 = 123,332; × 5.105 % = 6,296.1 → 6,300
        (300_000, 1, 6_300),
        # 500,000 − 136,667 − 48,334 = 314,999; × 20.42 % − 36,374 = 27,948.8 → 27,950
        (500_000, 0, 27_950),
        # 150,000 − 54,167 − 48,334 = 47,499; × 5.105 % = 2,424.8 → 2,420 (under 5 dropped)
        (150_000, 0, 2_420),
        # 151,000 − 54,167 − 48,334 = 48,499; × 5.105 % = 2,475.9 → 2,480 (5 or more up)
        (151_000, 0, 2_480),
        # 100,000 − 54,167 − 48,334 < 0 → 0
        (100_000, 0, 0),
        # 1,000,000 − 162,500 − 48,334 = 789,166; × 33.693 % − 130,688 = 135,205.7 → 135,210
        (1_000_000, 0, 135_210),
        # 8 dependants: 1,000,000 − 162,500 − 253,336 − 48,334 = 535,830;
        # × 20.42 % − 36,374 = 73,042.5 → 73,040
        (1_000_000, 8, 73_040),
        # basic deduction 40,000: 2,150,000 − 162,500 − 40,000 = 1,947,500;
        # × 40.84 % − 237,893 = 557,466 → 557,470
        (2_150_000, 0, 557_470),
        # no basic deduction: 2,300,000 − 162,500 = 2,137,500; × 40.84 % − 237,893 = 635,062
        (2_300_000, 0, 635_060),
    ],
)
def test_computer_method_2026(pay: int, dependents: int, expected: int) -> None:
    result = withholding_tax(pay, dependents=dependents, pay_date=R8, method=COMPUTER)
    assert result.tax == expected
    assert result.method is COMPUTER
    assert result.basis["kind"] == "computer"


@pytest.mark.parametrize(
    ("pay", "dependents", "day", "expected"),
    [
        # 2025: 140,000 − (140,000 × 40 % − 8,333 = 47,667) − 40,000 = 52,333;
        # × 5.105 % = 2,671.6 → 2,670
        (140_000, 0, dt.date(2025, 12, 25), 2_670),
        # 2023: 130,000 − 45,834 − 40,000 = 44,166; × 5.105 % = 2,254.7 → 2,250
        (130_000, 0, dt.date(2023, 7, 10), 2_250),
        # 2020: 135,417 − ceil(45,833.8) = 45,834 − 40,000 = 49,583; × 5.105 % = 2,531.2 → 2,530
        (135_417, 0, dt.date(2020, 1, 24), 2_530),
        # 2025: 175,000 − 59,167 − 40,000 = 75,833; × 5.105 % = 3,871.3 → 3,870
        (175_000, 0, dt.date(2025, 1, 31), 3_870),
        # 2021: 300,000 − 96,667 − 31,667 − 40,000 = 131,666; × 5.105 % = 6,721.6 → 6,720
        (300_000, 1, dt.date(2021, 3, 25), 6_720),
    ],
)
def test_computer_method_2020_2025(pay: int, dependents: int, day: dt.date, expected: int) -> None:
    assert tax(pay, dependents, day=day, method=COMPUTER) == expected


def test_employment_income_deduction_is_rounded_up() -> None:
    # 158,334 × 30 % + 6,667 = 54,167.2 → 54,168; 135,417 × 40 % − 8,333 = 45,833.8 → 45,834.
    assert employment_income_deduction(158_334, computer_rules_for(2026)) == 54_168
    assert employment_income_deduction(158_333, computer_rules_for(2026)) == 54_167
    assert employment_income_deduction(135_417, computer_rules_for(2025)) == 45_834
    assert employment_income_deduction(708_331, computer_rules_for(2026)) == 162_500


def test_otsu_with_the_computer_method_uses_the_table() -> None:
    result = withholding_tax(300_000, dependents=0, pay_date=R8, method=COMPUTER, otsu=True)
    assert result.tax == 53_600
    assert result.method is TABLE
    assert result.column == "乙"


# --- Years ------------------------------------------------------------------------------------


def test_the_year_is_the_pay_dates() -> None:
    assert tax(200_000, day=dt.date(2026, 1, 1)) == 4_340
    assert tax(200_000, day=dt.date(2026, 12, 31)) == 4_340
    with pytest.raises(NoWithholdingRules, match="2025"):
        tax(200_000, day=dt.date(2025, 12, 31))  # 令和7年分 table not shipped
    with pytest.raises(NoWithholdingRules, match="2027"):
        tax(200_000, day=dt.date(2027, 1, 1))
    with pytest.raises(NoWithholdingRules, match="2027"):
        tax(200_000, day=dt.date(2027, 1, 1), method=COMPUTER)
    with pytest.raises(NoWithholdingRules, match="2019"):
        tax(200_000, day=dt.date(2019, 12, 25), method=COMPUTER)
    with pytest.raises(NoWithholdingRules):
        tax(200_000, day=dt.date(2025, 6, 1), otsu=True, method=COMPUTER)
    assert shipped_years() == {"table": [2026], "computer": list(range(2020, 2027))}


def test_2026_and_2025_computer_constants_differ() -> None:
    # The 2025 reform: basic 40,000 → 48,334 a month; minimum employment deduction
    # 45,834 → 54,167. Same pay, less tax in 2026.
    assert tax(175_000, day=dt.date(2025, 12, 25), method=COMPUTER) == 3_870
    # 175,000 − 59,167 − 48,334 = 67,499; × 5.105 % = 3,445.8 → 3,450
    assert tax(175_000, day=dt.date(2026, 1, 25), method=COMPUTER) == 3_450


def test_whole_yen_decimal_is_accepted() -> None:
    assert withholding_tax(Decimal("200000"), dependents=0, pay_date=R8).tax == 4_340


@pytest.mark.parametrize(
    ("pay", "dependents", "message"),
    [
        (-1, 0, "negative"),
        (100_000, -1, "dependants"),
        (True, 0, "whole"),
        (Decimal("200000.5"), 0, "whole"),
        (200_000.0, 0, "whole"),
    ],
)
def test_bad_input_is_refused(pay: Any, dependents: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        withholding_tax(pay, dependents=dependents, pay_date=R8)
