"""labor.payslip and labor.average_wage on days of 休業: statutory leave (労災, 産前産後, 育児,
介護) and closure for the employer's reasons (労基法26条). Every figure is worked by hand in
the test's comment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from haken.labor.average_wage import WagePeriod, average_wage
from haken.labor.payslip import LedgerMinutes, PayFacts, calculate, wage_period

APRIL = {
    "period_start": dt.date(2026, 4, 1),
    "period_end": dt.date(2026, 4, 30),
    "pay_date": dt.date(2026, 5, 25),
    "birth_date": dt.date(1990, 5, 20),
    "prefecture": "13",
    "social_insured": False,
    "employment_insured": False,
}


def _month(year: int, month: int, **figures: int) -> WagePeriod:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return WagePeriod(start=start, end=following - dt.timedelta(days=1), **figures)


SALARY_Q1 = (
    _month(2026, 1, fixed_wages=300_000, worked_days=20),
    _month(2026, 2, fixed_wages=300_000, worked_days=19),
    _month(2026, 3, fixed_wages=300_000, worked_days=22),
)
"""¥300,000 a month, Jan–Mar 2026: 31 + 28 + 31 = 90 days → 平均賃金 ¥900,000 ÷ 90 = ¥10,000.00."""


def _earnings(slip: object) -> dict[str, int]:
    return {
        line["code"]: line["amount"]
        for line in slip.lines  # type: ignore[attr-defined]
        if line["section"] == "earning"
    }


def _line(slip: object, code: str) -> dict[str, object]:
    return next(line for line in slip.lines if line["code"] == code)  # type: ignore[attr-defined]


def test_monthly_salary_loses_leave_and_closure_days_and_gets_the_shutdown_allowance() -> None:
    # ¥300,000 a month, 20 scheduled days: 5 days of 育児休業 and 3 days closed for the
    # agency's reasons come off as 不就労控除: ¥300,000 ÷ 20 × 8 = ¥120,000 (its own line, not
    # 欠勤). 休業手当: 平均賃金 ¥10,000.00 × 60 % × 3 days = ¥18,000. Gross 300,000 − 120,000 +
    # 18,000 = ¥198,000. 支払基礎日数: 20 − 8 + the 3 days of 休業手当 = 15.
    slip = calculate(
        PayFacts(
            **APRIL,
            ledger=LedgerMinutes(
                regular=12 * 480, worked_days=12, childcare_days=5, closure_days=3
            ),
            pay_type="monthly",
            monthly_salary=300_000,
            average_monthly_minutes=160 * 60,
            scheduled_days=20,
            wage_periods=SALARY_Q1,
        )
    )
    assert _earnings(slip) == {
        "base_salary": 300_000,
        "leave_unpaid": -120_000,
        "shutdown_allowance": 18_000,
    }
    assert "absence" not in _earnings(slip)
    assert slip.gross == 198_000 and slip.taxable == 198_000
    assert slip.base_days == 15
    unpaid = _line(slip, "leave_unpaid")
    assert unpaid["basis"] == {
        "days": 8,
        "kinds": {"childcare": 5, "closure": 3},
        "scheduled_days": 20,
    }
    assert "育児休業給付は雇用保険から" in str(unpaid["text"])
    shutdown = _line(slip, "shutdown_allowance")
    assert shutdown["basis"]["daily"] == "10000.00"  # type: ignore[index]
    assert shutdown["basis"]["method"] == "average"  # type: ignore[index]
    assert "× 60% × 3日" in str(shutdown["text"])


def test_hourly_closure_pays_60_percent_of_the_guaranteed_average_rounded_up() -> None:
    # labor/test_average_wage W1: March–May 2026 hourly pay 75,000 / 62,000 / 35,000 over 15 /
    # 12 / 10 days → minimum guarantee 172,000 ÷ 37 × 60 % = ¥2,789.18. Two closure days in
    # June: 2,789.18 × 0.6 × 2 = 3,347.016 → ¥3,348 (rounded up: never below 60 %). Ten days of
    # 8 h at ¥1,200 = ¥96,000. Gross ¥99,348; the closure days count as 支払基礎日数 (10 + 2).
    periods = (
        _month(2026, 3, time_wages=75_000, worked_days=15),
        _month(2026, 4, time_wages=62_000, worked_days=12),
        _month(2026, 5, time_wages=35_000, worked_days=10),
    )
    slip = calculate(
        PayFacts(
            **{
                **APRIL,
                "period_start": dt.date(2026, 6, 1),
                "period_end": dt.date(2026, 6, 30),
                "pay_date": dt.date(2026, 7, 25),
            },
            ledger=LedgerMinutes(regular=10 * 480, worked_days=10, closure_days=2),
            hourly_rate=Decimal(1_200),
            wage_periods=periods,
        )
    )
    assert _earnings(slip) == {"regular": 96_000, "leave_unpaid": 0, "shutdown_allowance": 3_348}
    assert slip.gross == 99_348
    assert slip.base_days == 12
    text = str(_line(slip, "shutdown_allowance")["text"])
    assert "平均賃金 ¥2,789.18（最低保障" in text and "× 60% × 2日" in text


def test_hourly_statutory_leave_pays_nothing_and_says_where_the_benefit_comes_from() -> None:
    # 3 days of 労災 leave and 4 of 産前産後休業: no hours, no pay from the employer (a ¥0 line
    # naming the insurance); 5 days worked of 8 h at ¥1,000 = ¥40,000; no 休業手当.
    slip = calculate(
        PayFacts(
            **APRIL,
            ledger=LedgerMinutes(
                regular=5 * 480, worked_days=5, work_injury_days=3, maternity_days=4
            ),
            hourly_rate=Decimal(1_000),
        )
    )
    assert _earnings(slip) == {"regular": 40_000, "leave_unpaid": 0}
    line = _line(slip, "leave_unpaid")
    assert line["basis"] == {"days": 7, "kinds": {"work_injury": 3, "maternity": 4}}
    assert "労災保険" in str(line["text"]) and "出産手当金は健康保険から" in str(line["text"])
    assert slip.base_days == 5


def test_closure_without_pay_history_falls_back_to_the_days_ordinary_wage() -> None:
    # Hired this month: no wage period before the closure. The day's ordinary wage stands
    # in: 8 h × ¥1,500 = ¥12,000 × 60 % × 1 day = ¥7,200, and the basis says why.
    slip = calculate(
        PayFacts(
            **APRIL,
            ledger=LedgerMinutes(regular=480, worked_days=1, closure_days=1),
            hourly_rate=Decimal(1_500),
            hired_on=dt.date(2026, 4, 1),
        )
    )
    line = _line(slip, "shutdown_allowance")
    assert line["amount"] == 7_200
    assert line["basis"]["method"] == "ordinary"  # type: ignore[index]
    assert "平均賃金の算定期間がないため" in str(line["text"])


def test_a_period_with_leave_days_leaves_them_and_the_shutdown_allowance_out() -> None:
    # The monthly payslip above, read back as a wage period (12条3項): 8 days excluded, the
    # 休業手当 ¥18,000 excluded from the wages; the fixed wages are what the salary paid
    # after the deduction (¥180,000). April alone: (30 − 8) = 22 days → ¥180,000 ÷ 22 =
    # ¥8,181.81 (truncated to the sen); counting the days and 休業手当 in, it would be
    # ¥198,000 ÷ 30 = ¥6,600.00, lifted by the minimum guarantee to 180,000 ÷ 30 + 18,000 ÷
    # 12 × 60 % = 6,000 + 900 = ¥6,900.00.
    slip = calculate(
        PayFacts(
            **APRIL,
            ledger=LedgerMinutes(
                regular=12 * 480, worked_days=12, childcare_days=5, closure_days=3
            ),
            pay_type="monthly",
            monthly_salary=300_000,
            average_monthly_minutes=160 * 60,
            scheduled_days=20,
            wage_periods=SALARY_Q1,
        )
    )
    period = wage_period(APRIL["period_start"], APRIL["period_end"], slip.lines, worked_days=12)
    assert (period.fixed_wages, period.time_wages) == (180_000, 18_000)
    assert (period.excluded_days, period.excluded_wages) == (8, 18_000)
    result = average_wage([period])
    assert (result.calendar_days, result.wages) == (22, 180_000)
    assert result.amount == Decimal("8181.81")
    counted = average_wage([WagePeriod(period.start, period.end, 18_000, 180_000, 12)])
    assert (counted.principle, counted.amount) == (Decimal("6600.00"), Decimal("6900.00"))


def test_part_of_a_month_excluded_comes_off_days_and_wages() -> None:
    # ¥250,000 a month March–May 2026 (31 + 30 + 31 = 92 days). In April 10 days closed: the
    # salary lost 10/20 (fixed ¥125,000) and ¥40,000 of 休業手当 was paid. 12条3項: 92 − 10 =
    # 82 days; wages 250,000 + 125,000 + 250,000 = 625,000 (the 休業手当 out) → ¥7,621.95;
    # counted in, (625,000 + 40,000) ÷ 92 = ¥7,228.26, and the minimum guarantee 625,000 ÷ 92 +
    # 40,000 ÷ 53 days worked × 60 % = 6,793.47 + 452.83 = ¥7,246.30 (truncated) decides.
    march = _month(2026, 3, fixed_wages=250_000, worked_days=22)
    april = _month(
        2026,
        4,
        fixed_wages=125_000,
        time_wages=40_000,
        worked_days=11,
        excluded_days=10,
        excluded_wages=40_000,
    )
    may = _month(2026, 5, fixed_wages=250_000, worked_days=20)
    result = average_wage([march, april, may])
    assert (result.calendar_days, result.wages) == (82, 625_000)
    assert result.amount == Decimal("7621.95")
    plain = average_wage(
        [march, _month(2026, 4, fixed_wages=125_000, time_wages=40_000, worked_days=11), may]
    )
    assert (plain.principle, plain.amount) == (Decimal("7228.26"), Decimal("7246.30"))
