"""Social insurance (haken.labor.insurance): JP_LABOR.md §4 and its public cases D.

Every expected amount below is worked by hand from the rates and the rounding rule (50 sen or
less dropped when withheld from pay), not read from the code's output.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from haken import cli
from haken.labor import insurance as ins
from haken.labor.insurance import (
    BonusPayment,
    InsuranceError,
    InsuredKind,
    MonthPay,
    Rounding,
    WorkFacts,
)

D = dt.date
REFERENCE = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "reference"
    / "kyoukaikenpo_rates_r08.json"
)
UNDER_40 = D(1990, 1, 15)
AGED_46 = D(1980, 1, 15)


def _month(pay: int, *, month: dt.date = D(2026, 5, 1), pref: str = "tokyo", birth: dt.date = UNDER_40) -> dict[str, object]:  # fmt: skip
    return ins.calculate_monthly_insurance(
        pay, prefecture=pref, birth_date=birth, month=month
    ).as_dict()


# --- public cases D -----------------------------------------------------------------------


def test_case_25_tokyo_300000_health_nursing_pension_child_support() -> None:
    r = _month(300_000, birth=AGED_46)
    assert (r["grade"], r["pension_grade"], r["standard_amount"]) == (22, 19, 300_000)
    # health 300,000 × 9.85 % = 29,550 → 14,775 each
    assert (r["health_employee"], r["health_employer"]) == (14_775, 14_775)
    # health + nursing 11.47 % = 34,410 → employee 17,205
    assert r["health_employee"] + r["nursing_employee"] == 17_205
    # pension 18.3 % = 54,900 → 27,450
    assert (r["pension_employee"], r["pension_employer"]) == (27_450, 27_450)
    # child support 0.23 % = 690 → 345
    assert (r["child_support_employee"], r["child_support_employer"]) == (345, 345)


def test_case_26_grade_1_under_40_drops_exactly_50_sen() -> None:
    r = _month(50_000)  # 58,000 × 9.85 % = 5,713 → 2,856.5 → 2,856
    assert (r["grade"], r["standard_amount"], r["health_employee"]) == (1, 58_000, 2_856)
    assert r["health_employer"] == 2_857
    assert r["nursing_employee"] == 0


def test_case_28_grade_4_pension_1() -> None:
    r = _month(88_000)
    assert (r["grade"], r["pension_grade"]) == (4, 1)
    assert r["pension_employee"] == 8_052  # 88,000 × 18.3 % = 16,104 / 2
    assert r["health_employee"] == 4_334  # 88,000 × 9.85 % = 8,668 / 2


@pytest.mark.parametrize(
    ("pay", "health", "pension"),
    [
        (289_999, (21, 280_000), (18, 280_000)),
        (290_000, (22, 300_000), (19, 300_000)),
        (635_000, (35, 650_000), (32, 650_000)),
        (80_000, (3, 78_000), (1, 88_000)),
    ],
)
def test_case_30_pay_to_grade(pay: int, health: tuple[int, int], pension: tuple[int, int]) -> None:
    amounts = ins.standard_amounts(pay, D(2026, 5, 1))
    assert (amounts.health.grade, amounts.health.standard) == health
    assert (amounts.pension.grade, amounts.pension.standard) == pension


def test_case_31_niigata_5065_50_is_rounded_down() -> None:
    r = _month(110_000, pref="niigata")  # 110,000 × 9.21 % = 10,131 → 5,065.5 → 5,065
    assert r["health_employee"] == 5_065
    assert r["health_employer"] == 5_066


def test_case_32_bonus_standard_and_caps() -> None:
    assert ins.standard_bonus(1_234_567) == 1_234_000
    (base,) = ins.bonus_bases([BonusPayment(D(2026, 7, 10), 2_000_000)])
    assert (base.pension_base, base.health_base) == (1_500_000, 2_000_000)


def test_case_33_rate_timing_february_march_april_2026() -> None:
    tables = ins.shipped_tables()
    assert tables.health_rate("13", D(2026, 2, 1)) == Decimal("9.91")
    assert tables.health_rate("13", D(2026, 3, 1)) == Decimal("9.85")
    assert tables.child_support_rate(D(2026, 3, 1)) == 0
    assert tables.child_support_rate(D(2026, 4, 1)) == Decimal("0.23")
    march = _month(300_000, month=D(2026, 3, 1))
    april = _month(300_000, month=D(2026, 4, 1))
    assert march["child_support_employee"] == 0
    assert april["child_support_employee"] == 345
    february = _month(300_000, month=D(2026, 2, 1))
    assert february["health_employee"] == 14_865  # 300,000 × 9.91 % = 29,730 / 2


def test_case_34_employment_insurance_by_fiscal_year() -> None:
    may_2026 = _month(300_000, month=D(2026, 5, 1))
    assert (may_2026["employment_employee"], may_2026["employment_employer"]) == (1_500, 2_550)
    may_2025 = _month(300_000, month=D(2025, 5, 1))
    assert (may_2025["employment_employee"], may_2025["employment_employer"]) == (1_650, 2_700)


def test_case_35_employment_insurance_on_actual_pay() -> None:
    a, b = _month(300_000), _month(305_000)
    assert a["grade"] == b["grade"] == 22
    assert (a["employment_employee"], b["employment_employee"]) == (1_500, 1_525)


# --- data against the reference file ------------------------------------------------------


@pytest.mark.skipif(not REFERENCE.exists(), reason="../shared/data/reference not beside the clone")
def test_every_prefecture_fy2025_and_fy2026_matches_the_reference() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    tables = ins.shipped_tables()
    names = {name: code for code, name, _ in ins.PREFECTURES}
    for key, month in (("kenko_rates", D(2026, 3, 1)), ("kenko_rates_prev", D(2025, 3, 1))):
        assert len(reference[key]) == 47
        for name, pct in reference[key].items():
            assert tables.health_rate(names[name], month) == Decimal(str(pct)), (key, name)
    assert tables.nursing_rate(D(2026, 3, 1)) == Decimal(str(reference["kaigo_rate"]))
    assert tables.child_support_rate(D(2026, 4, 1)) == Decimal(str(reference["kosodate_rate"]))
    assert tables.pension_rate(D(2026, 4, 1)) == Decimal(str(reference["kosei_nenkin_rate"]))
    general = reference["koyou"]["types"]["general"]
    worker, employer = tables.employment_rate(D(2026, 4, 30), "general")
    assert (worker, employer) == (
        Decimal(str(general["worker_permille"])),
        Decimal(str(general["employer_permille"])),
    )
    cap = reference["kosei_grade_cap"]
    assert tables.pension_table(D(2026, 4, 1)).grades[-1].standard == cap["current"]
    assert tables.health_table(D(2026, 4, 1)).grades[-1].standard == cap["kenko_max"]
    for row in cap["scheduled"]:
        top = tables.pension_table(D.fromisoformat(row["from"])).grades[-1]
        assert (top.grade, top.standard, top.pay_from) == (
            row["grade"],
            row["standard"],
            row["hoshu_from"],
        )


def test_fy2026_and_fy2025_have_all_47_prefectures_and_fy2024_is_partial() -> None:
    tables = ins.shipped_tables()
    for month in (D(2025, 3, 1), D(2026, 3, 1)):
        for code, _, _ in ins.PREFECTURES:
            assert tables.health_rate(code, month) > 0
    assert tables.health_rate("13", D(2025, 2, 1)) == Decimal("9.98")
    with pytest.raises(InsuranceError, match="not in the shipped data"):
        tables.health_rate("27", D(2025, 2, 1))
    with pytest.raises(InsuranceError):
        tables.health_rate("13", D(2024, 2, 1))


# --- grade tables -------------------------------------------------------------------------

# (standard, lower bound) of the 50 health grades, typed from JP_LABOR.md §4.2.
HEALTH = [
    (58, 0), (68, 63), (78, 73), (88, 83), (98, 93), (104, 101), (110, 107), (118, 114),
    (126, 122), (134, 130), (142, 138), (150, 146), (160, 155), (170, 165), (180, 175),
    (190, 185), (200, 195), (220, 210), (240, 230), (260, 250), (280, 270), (300, 290),
    (320, 310), (340, 330), (360, 350), (380, 370), (410, 395), (440, 425), (470, 455),
    (500, 485), (530, 515), (560, 545), (590, 575), (620, 605), (650, 635), (680, 665),
    (710, 695), (750, 730), (790, 770), (830, 810), (880, 855), (930, 905), (980, 955),
    (1030, 1005), (1090, 1055), (1150, 1115), (1210, 1175), (1270, 1235), (1330, 1295),
    (1390, 1355),
]  # fmt: skip


@pytest.mark.parametrize("grade", range(1, 51))
def test_health_grade_lower_bound_and_one_yen_below(grade: int) -> None:
    standard, low = HEALTH[grade - 1]
    table = ins.shipped_tables().health_table(D(2026, 5, 1))
    assert (table.grade_for(low * 1000).grade, table.grade_for(low * 1000).standard) == (
        grade,
        standard * 1000,
    )
    if grade > 1:
        assert table.grade_for(low * 1000 - 1).grade == grade - 1


@pytest.mark.parametrize("grade", range(1, 33))
def test_pension_grade_is_health_grade_plus_3_clamped(grade: int) -> None:
    standard, low = HEALTH[grade + 2]
    table = ins.shipped_tables().pension_table(D(2026, 5, 1))
    assert len(table.grades) == 32
    if grade > 1:
        assert table.grade_for(low * 1000).standard == standard * 1000
        assert table.grade_for(low * 1000 - 1).grade == grade - 1
    assert table.grade_for(0).standard == 88_000
    assert table.grade_for(10_000_000).standard == 650_000


def test_pension_cap_steps_by_effective_date() -> None:
    tables = ins.shipped_tables()
    assert tables.pension_table(D(2027, 8, 1)).grade_for(700_000).standard == 650_000
    assert tables.pension_table(D(2027, 9, 1)).grade_for(700_000).standard == 680_000
    assert tables.pension_table(D(2029, 9, 1)).grade_for(2_000_000).standard == 750_000
    assert tables.pension_table(D(2020, 8, 1)).grade_for(700_000).standard == 620_000


# --- months: nursing care, acquisition and loss -------------------------------------------


@pytest.mark.parametrize(
    ("birth", "first_month", "last_month"),
    [
        # born on the 1st: the day before the 40th birthday is in the previous month
        (D(1986, 5, 1), D(2026, 4, 1), D(2051, 3, 1)),
        # born on the 2nd: the day before is the 1st of the birthday's month
        (D(1986, 5, 2), D(2026, 5, 1), D(2051, 4, 1)),
        (D(1986, 5, 15), D(2026, 5, 1), D(2051, 4, 1)),
        # born on January 1st: reaches 40 on December 31st
        (D(1987, 1, 1), D(2026, 12, 1), D(2051, 11, 1)),
        # born on February 29th: reaches the age on February 28th of a common year
        (D(1988, 2, 29), D(2028, 2, 1), D(2053, 1, 1)),
    ],
)
def test_nursing_care_months(birth: dt.date, first_month: dt.date, last_month: dt.date) -> None:
    assert not ins.nursing_care_applies(birth, ins.add_months(first_month, -1))
    assert ins.nursing_care_applies(birth, first_month)
    assert ins.nursing_care_applies(birth, last_month)
    assert not ins.nursing_care_applies(birth, ins.add_months(last_month, 1))


def test_age_reached_on_is_the_day_before_the_birthday() -> None:
    assert ins.age_reached_on(D(1986, 5, 1), 40) == D(2026, 4, 30)
    assert ins.age_reached_on(D(1988, 2, 29), 41) == D(2029, 2, 28)


def test_turning_40_on_the_first_charges_nursing_in_the_earlier_month() -> None:
    april = _month(300_000, month=D(2026, 4, 1), birth=D(1986, 5, 1))
    assert april["nursing_employee"] == 2_430  # 17,205 − 14,775
    april_2nd = _month(300_000, month=D(2026, 4, 1), birth=D(1986, 5, 2))
    assert april_2nd["nursing_employee"] == 0


def test_nursing_split_rounds_the_combined_premium_once() -> None:
    r = _month(58_000, birth=AGED_46)
    # 58,000 × 9.85 % = 5,713 → 2,856.5 → 2,856; × 11.47 % = 6,652.6 → 3,326.3 → 3,326;
    # × 11.70 % = 6,786 → 3,393. Totals dropped to yen: 5,713 / 6,652 / 6,786.
    assert (r["health_employee"], r["nursing_employee"], r["child_support_employee"]) == (
        2_856,
        470,
        67,
    )
    assert (r["health_employer"], r["nursing_employer"], r["child_support_employer"]) == (
        2_857,
        469,
        67,
    )


@pytest.mark.parametrize(
    ("acquired", "lost", "month", "due"),
    [
        (D(2026, 4, 15), None, D(2026, 4, 1), True),  # the month of acquisition is owed
        (D(2026, 4, 15), None, D(2026, 3, 1), False),
        (D(2025, 1, 1), D(2026, 5, 1), D(2026, 4, 1), True),  # left 4/30: April owed
        (D(2025, 1, 1), D(2026, 5, 1), D(2026, 5, 1), False),  # the month of loss is not
        (D(2025, 1, 1), D(2026, 4, 30), D(2026, 4, 1), False),  # left 4/29: April not owed
        (D(2026, 4, 3), D(2026, 4, 20), D(2026, 4, 1), True),  # 同月得喪
    ],
)
def test_premium_months(acquired: dt.date, lost: dt.date | None, month: dt.date, due: bool) -> None:
    assert ins.premium_month_due(month, acquired, lost) is due


def test_loss_date_is_the_day_after_leaving_and_its_month_is_free() -> None:
    assert ins.loss_date(D(2026, 4, 30)) == D(2026, 5, 1)
    amounts = ins.standard_amounts(300_000, D(2026, 5, 1))
    left_29 = ins.monthly_premiums(
        amounts,
        month=D(2026, 4, 1),
        prefecture="13",
        birth_date=UNDER_40,
        wages=300_000,
        lost_on=ins.loss_date(D(2026, 4, 29)),
    )
    assert (left_29.health.employee, left_29.pension.employee) == (0, 0)
    assert left_29.employment.employee == 1_500  # wages paid still bear employment insurance


def test_pension_stops_in_the_month_the_worker_reaches_70() -> None:
    birth = D(1956, 7, 1)  # reaches 70 on 2026-06-30
    may = _month(300_000, month=D(2026, 5, 1), birth=birth)
    june = _month(300_000, month=D(2026, 6, 1), birth=birth)
    assert may["pension_employee"] == 27_450
    assert june["pension_employee"] == 0
    assert june["health_employee"] == 14_775


# --- rounding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "withheld", "cash"),
    [
        ("100.50", 100, 101),
        ("100.5001", 101, 101),
        ("100.49", 100, 100),
        ("100.51", 101, 101),
        ("100", 100, 100),
    ],
)
def test_employee_share_rounding(amount: str, withheld: int, cash: int) -> None:
    assert ins.employee_share(Decimal(amount)) == withheld
    assert ins.employee_share(Decimal(amount), Rounding.CASH) == cash


# --- bonuses ------------------------------------------------------------------------------


def test_health_bonus_cap_is_cumulative_per_fiscal_year() -> None:
    bases = ins.bonus_bases(
        [
            BonusPayment(D(2026, 6, 30), 3_000_000),
            BonusPayment(D(2026, 12, 10), 3_000_999),
            BonusPayment(D(2027, 3, 15), 1_000_000),
            BonusPayment(D(2027, 6, 30), 1_000_000),  # FY2027: the count starts again
        ]
    )
    assert [b.standard for b in bases] == [3_000_000, 3_000_000, 1_000_000, 1_000_000]
    assert [b.health_base for b in bases] == [3_000_000, 2_730_000, 0, 1_000_000]
    assert [b.pension_base for b in bases] == [1_500_000, 1_500_000, 1_000_000, 1_000_000]


def test_pension_bonus_cap_adds_the_bonuses_of_one_month() -> None:
    bases = ins.bonus_bases(
        [BonusPayment(D(2026, 7, 1), 1_000_000), BonusPayment(D(2026, 7, 25), 800_000)],
        health_before=5_000_000,
    )
    assert [b.pension_base for b in bases] == [1_000_000, 500_000]
    assert [b.health_base for b in bases] == [730_000, 0]


def test_bonus_premiums_worked_by_hand() -> None:
    (base,) = ins.bonus_bases([BonusPayment(D(2026, 7, 10), 1_234_567)])
    p = ins.bonus_premiums(base, prefecture="tokyo", birth_date=UNDER_40)
    # health 1,234,000 × 9.85 % = 121,549 → 60,774.5 → 60,774;
    # with child support × 10.08 % = 124,387.2 → 62,193.6 → 62,194 → child 1,420
    assert (p.health.employee, p.child_support.employee) == (60_774, 1_420)
    assert p.health.total + p.child_support.total == 124_387
    assert p.pension.employee == 112_911  # 1,234,000 × 18.3 % = 225,822 / 2
    # employment on the bonus paid: 1,234,567 × 5 ‰ = 6,172.835 → 6,173; × 13.5 ‰ → 16,666
    assert (p.employment.employee, p.employment.employer) == (6_173, 10_493)


def test_bonus_in_the_month_of_loss_bears_no_premium_but_counts_toward_the_cap() -> None:
    payments = [BonusPayment(D(2026, 7, 10), 5_000_000), BonusPayment(D(2027, 3, 5), 1_000_000)]
    bases = ins.bonus_bases(payments)
    assert bases[1].health_base == 730_000
    p = ins.bonus_premiums(bases[0], prefecture="13", birth_date=UNDER_40, lost_on=D(2026, 7, 21))
    assert (p.health.total, p.pension.total) == (0, 0)
    with pytest.raises(InsuranceError):
        ins.bonus_premiums(bases[0], prefecture="13", birth_date=UNDER_40, lost_on=D(2026, 7, 1))


# --- 資格取得時決定, 定時決定, 随時改定 -------------------------------------------------------


def test_acquisition_decision_lasts_to_august() -> None:
    may = ins.acquisition_decision(250_000, D(2026, 5, 20))
    june = ins.acquisition_decision(250_000, D(2026, 6, 1))
    assert may.standard.health.standard == 260_000
    assert (may.effective_from, may.valid_until) == (D(2026, 5, 1), D(2026, 8, 1))
    assert june.valid_until == D(2027, 8, 1)


def _apr_jun(*rows: tuple[int, int]) -> list[MonthPay]:
    return [MonthPay(D(2026, m, 1), pay, days) for m, (pay, days) in zip((4, 5, 6), rows, strict=True)]  # fmt: skip


def test_regular_decision_skips_months_under_17_days() -> None:
    decision = ins.regular_decision(2026, _apr_jun((300_000, 20), (320_000, 21), (280_000, 16)))
    assert decision.average == 310_000
    assert decision.standard.health.standard == 320_000  # 310,000 opens grade 23
    assert (decision.effective_from, decision.valid_until) == (D(2026, 9, 1), D(2027, 8, 1))


def test_regular_decision_short_time_counts_11_days() -> None:
    months = _apr_jun((100_000, 12), (110_000, 11), (90_000, 10))
    decision = ins.regular_decision(2026, months, kind=InsuredKind.SHORT_TIME)
    assert decision.average == 105_000
    assert decision.standard.health.standard == 104_000


def test_regular_decision_part_time_falls_back_to_15_days() -> None:
    months = _apr_jun((100_001, 16), (100_000, 15), (200_000, 14))
    decision = ins.regular_decision(2026, months, kind=InsuredKind.PART_TIME)
    assert decision.average == 100_000  # 200,001 / 2 = 100,000.5, yen fraction dropped
    current = ins.standard_amounts(150_000, D(2026, 4, 1))
    kept = ins.regular_decision(2026, months, current=current)
    assert kept.average is None and kept.standard == current


def _three(pay: int, days: int = 20, start: dt.date = D(2026, 4, 1)) -> list[MonthPay]:
    return [MonthPay(ins.add_months(start, k), pay, days) for k in range(3)]


def test_occasional_revision_needs_two_grades_in_the_direction_of_the_change() -> None:
    current = ins.standard_amounts(260_000, D(2026, 1, 1))  # grade 20 / pension 17
    raised = ins.occasional_revision(_three(290_000), current=current, direction=1)
    assert raised is not None and raised.health is not None and raised.pension is not None
    assert (raised.health.grade, raised.pension.grade) == (22, 19)
    assert raised.effective_from == D(2026, 7, 1)
    assert ins.occasional_revision(_three(289_999), current=current, direction=1) is None
    assert ins.occasional_revision(_three(290_000), current=current, direction=-1) is None
    assert ins.occasional_revision(_three(300_000, days=16), current=current, direction=1) is None
    short = ins.occasional_revision(
        _three(300_000, days=11), current=current, direction=1, kind=InsuredKind.SHORT_TIME
    )
    assert short is not None


def test_occasional_revision_at_the_top_of_the_health_table() -> None:
    current = ins.standard_amounts(1_300_000, D(2026, 1, 1))  # health 49, pension 32
    up = ins.occasional_revision(_three(1_415_000), current=current, direction=1)
    assert up is not None and up.health is not None and up.health.grade == 50
    assert up.pension is None
    assert ins.occasional_revision(_three(1_414_999), current=current, direction=1) is None
    top = ins.standard_amounts(1_500_000, D(2026, 1, 1))
    down = ins.occasional_revision(
        _three(1_300_000), current=top, direction=-1, previous_remuneration=1_500_000
    )
    assert down is not None and down.health is not None and down.health.grade == 49
    # without the 報酬月額 above 1,415,000 it is a 1-grade move: not revised
    assert (
        ins.occasional_revision(
            _three(1_300_000), current=top, direction=-1, previous_remuneration=1_400_000
        )
        is None
    )


def test_occasional_revision_at_the_bottom_and_the_pension_top() -> None:
    low = ins.standard_amounts(50_000, D(2026, 1, 1))  # health 1, pension 1
    up = ins.occasional_revision(
        _three(63_000), current=low, direction=1, previous_remuneration=50_000
    )
    assert up is not None and up.health is not None and up.health.grade == 2
    assert (
        ins.occasional_revision(
            _three(63_000), current=low, direction=1, previous_remuneration=53_000
        )
        is None
    )
    pension_31 = ins.standard_amounts(620_000, D(2026, 1, 1))  # health 34, pension 31
    up = ins.occasional_revision(_three(665_000), current=pension_31, direction=1)
    assert up is not None and up.pension is not None and up.pension.grade == 32
    assert up.health is not None and up.health.grade == 36
    pension_32 = ins.standard_amounts(700_000, D(2026, 1, 1))  # health 37, pension 32
    down = ins.occasional_revision(
        _three(620_000), current=pension_32, direction=-1, previous_remuneration=700_000
    )
    assert down is not None and down.pension is not None and down.pension.grade == 31
    assert down.health is not None and down.health.grade == 34


# --- who is insured -----------------------------------------------------------------------


def _facts(**changes: object) -> WorkFacts:
    base: dict[str, object] = {
        "on": D(2026, 5, 1),
        "weekly_hours": Decimal(20),
        "monthly_wage": 88_000,
        "hired_on": D(2026, 5, 1),
        "expected_until": None,
        "employer_insured_count": 51,
    }
    base.update(changes)
    return WorkFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "insured", "reason"),
    [
        ({}, True, "short_time"),
        ({"weekly_hours": Decimal(30)}, True, "full_time"),
        ({"weekly_hours": Decimal("19.99")}, False, "weekly_hours_under_20"),
        ({"monthly_wage": 87_999}, False, "monthly_wage_under_88000"),
        ({"student": True}, False, "student"),
        ({"employer_insured_count": 50}, False, "employer_too_small"),
        ({"employer_insured_count": 50, "voluntary_application": True}, True, "short_time"),
        ({"expected_until": D(2026, 6, 30)}, False, "fixed_term_2_months_or_less"),
        ({"expected_until": D(2026, 7, 1)}, True, "short_time"),
        ({"on": D(2024, 9, 30), "employer_insured_count": 100}, False, "employer_too_small"),
        ({"on": D(2024, 10, 1), "employer_insured_count": 51}, True, "short_time"),
    ],
)
def test_coverage(changes: dict[str, object], insured: bool, reason: str) -> None:
    result = ins.coverage(_facts(**changes))
    assert (result.health, result.pension, result.reason) == (insured, insured, reason)


def test_employment_insurance_coverage() -> None:
    assert ins.coverage(_facts(expected_until=D(2026, 5, 31))).employment is True  # 31 days
    thirty = ins.coverage(_facts(expected_until=D(2026, 5, 30)))
    assert (thirty.employment, thirty.employment_reason) == (False, "expected_under_31_days")
    assert ins.coverage(_facts(weekly_hours=Decimal(19))).employment is False


def test_coverage_ends_at_70_and_75() -> None:
    at_70 = ins.coverage(_facts(weekly_hours=Decimal(40), birth_date=D(1956, 5, 1)))
    assert (at_70.health, at_70.pension, at_70.reason) == (True, False, "age_70_or_over")
    at_75 = ins.coverage(_facts(weekly_hours=Decimal(40), birth_date=D(1951, 5, 1)))
    assert (at_75.health, at_75.pension) == (False, False)


# --- properties ---------------------------------------------------------------------------


@given(
    pay=st.integers(min_value=0, max_value=3_000_000),
    pref=st.sampled_from([code for code, _, _ in ins.PREFECTURES]),
    birth_year=st.integers(min_value=1958, max_value=2005),
)
def test_shares_add_up_to_the_total(pay: int, pref: str, birth_year: int) -> None:
    month = D(2026, 6, 1)
    result = ins.calculate_monthly_insurance(
        pay, prefecture=pref, birth_date=D(birth_year, 6, 15), month=month
    )
    p = result.premiums
    tables = ins.shipped_tables()
    rate = tables.health_rate(pref, month) + p.nursing_rate_pct + p.child_support_rate_pct
    # integer arithmetic: rates in hundredths of a percent
    hundredths = int(rate * 100)
    combined = result.standard.health.standard * hundredths // 10_000
    assert p.health.total + p.nursing.total + p.child_support.total == combined
    assert p.pension.total == result.standard.pension.standard * 183 // 1000
    assert p.employment.total == pay * 135 // 10_000
    for share in (p.health, p.nursing, p.child_support, p.pension, p.employment):
        assert share.employee >= 0 and share.employer >= 0
    employee = p.health.employee + p.nursing.employee + p.child_support.employee
    assert abs(Decimal(employee) - Decimal(result.standard.health.standard * hundredths) / 20_000) <= Decimal("0.5")  # fmt: skip


@given(
    a=st.integers(min_value=0, max_value=2_000_000), b=st.integers(min_value=0, max_value=2_000_000)
)
def test_grade_is_monotonic_in_pay(a: int, b: int) -> None:  # fmt: skip
    low, high = sorted((a, b))
    for month in (D(2026, 5, 1), D(2029, 9, 1)):
        x, y = ins.standard_amounts(low, month), ins.standard_amounts(high, month)
        assert x.health.grade <= y.health.grade and x.health.standard <= y.health.standard
        assert x.pension.grade <= y.pension.grade and x.pension.standard <= y.pension.standard


# --- prefectures and the CLI --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [("tokyo", "13"), ("Osaka", "27"), ("13", "13"), ("1", "01"), ("東京都", "13"),
     ("北海道", "01"), ("hyogo", "28"), ("kouchi", "39")],
)  # fmt: skip
def test_prefecture_code(text: str, code: str) -> None:
    assert ins.prefecture_code(text) == code


def test_unknown_prefecture() -> None:
    with pytest.raises(InsuranceError):
        ins.prefecture_code("atlantis")


def test_cli_insurance_worked_by_hand() -> None:
    result = CliRunner().invoke(
        cli.app,
        [
            "calc", "insurance", "--pay", "305000", "--prefecture", "tokyo",
            "--birth-date", "1980-01-15", "--date", "2026-05",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # 305,000 → grade 22, ¥300,000 (290,000 ≤ pay < 310,000); aged 46: nursing applies.
    assert (out["grade"], out["standard_amount"]) == (22, 300_000)
    assert (out["pension_grade"], out["pension_standard_amount"]) == (19, 300_000)
    expected = {
        "health_employee": 14_775,  # 300,000 × 9.85 % = 29,550 / 2
        "health_employer": 14_775,
        "nursing_employee": 2_430,  # (300,000 × 11.47 % = 34,410) / 2 − 14,775
        "nursing_employer": 2_430,
        "child_support_employee": 345,  # 300,000 × 0.23 % = 690 / 2
        "child_support_employer": 345,
        "pension_employee": 27_450,  # 300,000 × 18.3 % = 54,900 / 2
        "pension_employer": 27_450,
        "employment_employee": 1_525,  # 305,000 × 5 ‰
        "employment_employer": 2_592,  # 305,000 × 13.5 ‰ = 4,117.5 → 4,117 − 1,525
    }
    assert {k: out[k] for k in expected} == expected
    assert all(isinstance(out[k], int) for k in expected)


def test_cli_insurance_jis_code_and_march_without_child_support() -> None:
    result = CliRunner().invoke(
        cli.app,
        [
            "calc", "insurance", "--pay", "300000", "--prefecture", "27",
            "--birth-date", "2000-04-02", "--date", "2026-03",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["health_employee"] == 15_195  # 300,000 × 10.13 % = 30,390 / 2
    assert out["child_support_employee"] == 0
    assert out["employment_employee"] == 1_650  # FY2025: 300,000 × 5.5 ‰


def test_cli_insurance_bad_input_exits_2() -> None:
    runner = CliRunner()
    base = ["calc", "insurance", "--pay", "300000", "--birth-date", "1990-01-01"]
    bad_pref = runner.invoke(cli.app, [*base, "--prefecture", "nowhere", "--date", "2026-05"])
    assert bad_pref.exit_code == 2
    bad_month = runner.invoke(cli.app, [*base, "--prefecture", "tokyo", "--date", "2026-13"])
    assert bad_month.exit_code == 2
