"""haken.labor.overtime_agreement: the 36協定 checks of JP_LABOR.md §3 and the public cases C.

Limits by hand from LSA 36条: 45 h = 2,700 min a month and 360 h = 21,600 min a year of
overtime; with a special clause at most 6 months over the monthly limit and 720 h a year;
for everyone overtime + rest-day work < 100 h (6,000 min) in a month and ≤ 80 h (4,800 min)
on average over every 2–6 consecutive months.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from haken.labor.overtime_agreement import (
    AgreementLimits,
    Check,
    Finding,
    Level,
    MonthFigures,
    WarningThresholds,
    check_agreement,
    figures_from_premiums,
    resolve_limits,
    violations,
)
from haken.labor.premiums import Timecard, WorkSettings, calculate_premiums

H = 60
APRIL = dt.date(2026, 4, 1)
PLAIN = AgreementLimits(period_start=APRIL)
SPECIAL = AgreementLimits(period_start=APRIL, special_clause=True)


def month(n: int) -> dt.date:
    """The n-th month of the agreement year from April 2026 (0 = April; −1 = March)."""
    index = 2026 * 12 + 3 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def kinds(findings: list[Finding], level: Level = Level.VIOLATION) -> set[Check]:
    return {f.check for f in findings if f.level is level}


def test_case_c23_100_hours_including_rest_day_work_is_a_violation() -> None:
    hundred = [MonthFigures(APRIL, 60 * H, 40 * H)]
    assert Check.SINGLE_MONTH_CAP in kinds(check_agreement(hundred, SPECIAL))
    # 99 h 59 min is allowed (the cap is "less than 100 h"), though worth a warning.
    just_under = [MonthFigures(APRIL, 60 * H, 39 * H + 59)]
    findings = check_agreement(just_under, SPECIAL)
    assert violations(findings) == []
    assert Check.SINGLE_MONTH_CAP in kinds(findings, Level.WARNING)


def test_case_c23_applies_without_a_special_clause_too() -> None:
    # 40 h overtime (within 45 h) + 60 h rest-day work = 100 h: a violation all the same.
    findings = check_agreement([MonthFigures(APRIL, 40 * H, 60 * H)], PLAIN)
    assert kinds(findings) == {Check.SINGLE_MONTH_CAP}


def test_case_c24_46_hours_without_a_special_clause() -> None:
    findings = check_agreement([MonthFigures(APRIL, 46 * H)], PLAIN)
    assert kinds(findings) == {Check.MONTHLY_LIMIT}
    assert violations(check_agreement([MonthFigures(APRIL, 45 * H)], PLAIN)) == []


def test_case_c24_seventh_month_over_45_hours_with_a_special_clause() -> None:
    months = [MonthFigures(month(n), 50 * H) for n in range(7)]
    findings = check_agreement(months, SPECIAL)
    assert [(f.check, f.month) for f in violations(findings)] == [(Check.SPECIAL_MONTHS, month(6))]
    # Six are allowed; the 5th and 6th are warned of (1 and 0 left).
    six = check_agreement(months[:6], SPECIAL)
    assert violations(six) == []
    warned = [f.month for f in six if f.check is Check.SPECIAL_MONTHS]
    assert warned == [month(4), month(5)]


def test_rest_day_work_is_not_in_the_45_hour_limit() -> None:
    findings = check_agreement([MonthFigures(APRIL, 45 * H, 20 * H)], PLAIN)
    assert violations(findings) == []


def test_average_of_2_to_6_months_at_most_80_hours() -> None:
    # 90 h + 70 h = 160 h over 2 months: an average of exactly 80 h is allowed.
    ok = [MonthFigures(month(0), 70 * H, 20 * H), MonthFigures(month(1), 60 * H, 10 * H)]
    assert Check.AVERAGE_CAP not in kinds(check_agreement(ok, SPECIAL))
    # One minute more: 160 h 01 min over 2 months.
    over = [MonthFigures(month(0), 70 * H, 20 * H), MonthFigures(month(1), 60 * H, 10 * H + 1)]
    found = [f for f in violations(check_agreement(over, SPECIAL)) if f.check is Check.AVERAGE_CAP]
    assert [(f.month, f.window_months, f.minutes, f.limit) for f in found] == [
        (month(1), 2, 160 * H + 1, 160 * H)
    ]


def test_average_windows_reach_into_the_previous_agreement_year() -> None:
    # March (previous agreement) 95 h, April 70 h: 165 h over 2 months > 160 h.
    months = [MonthFigures(month(-1), 80 * H, 15 * H), MonthFigures(month(0), 70 * H)]
    found = [
        f for f in violations(check_agreement(months, SPECIAL)) if f.check is Check.AVERAGE_CAP
    ]
    assert [(f.month, f.window_months) for f in found] == [(month(0), 2)]
    # March itself belongs to the previous agreement and is not reported again.
    assert all(f.month >= APRIL for f in check_agreement(months, SPECIAL))


def test_six_month_window() -> None:
    # 81 h, then five months of 79.8 h. A window of k months that starts with the 81 h month
    # totals 81 + (k − 1) × 79.8 = 80k + 1 − 0.2 (k − 1) h, i.e. over k × 80 h by 0.8, 0.6,
    # 0.4, 0.2 h for k = 2…5 (violations) and exactly 480 h for k = 6 (allowed). Windows
    # without the first month average 79.8 h (allowed).
    months = [MonthFigures(month(0), 81 * H)] + [
        MonthFigures(month(n), 79 * H + 48) for n in range(1, 6)
    ]
    found = [
        f for f in violations(check_agreement(months, SPECIAL)) if f.check is Check.AVERAGE_CAP
    ]
    assert [(f.month, f.window_months) for f in found] == [
        (month(1), 2),
        (month(2), 3),
        (month(3), 4),
        (month(4), 5),
    ]


def test_yearly_limit_and_its_warning() -> None:
    # 12 months × 30 h = 360 h: allowed; a minute more in March 2027: a violation there.
    months = [MonthFigures(month(n), 30 * H) for n in range(12)]
    findings = check_agreement(months, PLAIN)
    assert violations(findings) == []
    # Warning at 80 % of 360 h = 288 h: reached in the 10th month (300 h; the 9th has 270 h).
    yearly = [f for f in findings if f.check is Check.YEARLY_LIMIT]
    assert [(f.level, f.month) for f in yearly] == [(Level.WARNING, month(9))]
    months[-1] = MonthFigures(month(11), 30 * H + 1)
    assert [(f.check, f.month) for f in violations(check_agreement(months, PLAIN))] == [
        (Check.YEARLY_LIMIT, month(11))
    ]


def test_special_clause_yearly_720_hours() -> None:
    # 6 months of 75 h + 6 months of 45 h = 720 h: allowed; a minute more is not.
    months = [MonthFigures(month(n), (75 if n % 2 else 45) * H) for n in range(12)]
    assert Check.SPECIAL_YEARLY_LIMIT not in kinds(check_agreement(months, SPECIAL))
    months[-1] = MonthFigures(month(11), 75 * H + 1)
    assert Check.SPECIAL_YEARLY_LIMIT in kinds(check_agreement(months, SPECIAL))


def test_agreement_own_lower_limits_and_warning_threshold() -> None:
    own = AgreementLimits(period_start=APRIL, monthly_limit_minutes=30 * H)
    assert kinds(check_agreement([MonthFigures(APRIL, 30 * H + 1)], own)) == {Check.MONTHLY_LIMIT}
    # Warn at 90 %: 27 h warned, 26 h 59 min not.
    at_90 = WarningThresholds(ratio=Decimal("0.9"))
    assert kinds(
        check_agreement([MonthFigures(APRIL, 27 * H)], own, thresholds=at_90), Level.WARNING
    ) == {Check.MONTHLY_LIMIT}
    assert check_agreement([MonthFigures(APRIL, 27 * H - 1)], own, thresholds=at_90) == []
    # The special clause's own monthly figure (overtime + rest-day work): 80 h.
    clause = AgreementLimits(
        period_start=APRIL, special_clause=True, special_monthly_limit_minutes=80 * H
    )
    findings = check_agreement([MonthFigures(APRIL, 70 * H, 10 * H + 1)], clause)
    assert Check.SPECIAL_MONTHLY_LIMIT in kinds(findings)


def test_variable_hours_system_caps() -> None:
    variable = AgreementLimits(period_start=APRIL, variable_hours_1y=True)
    assert kinds(check_agreement([MonthFigures(APRIL, 42 * H + 1)], variable)) == {
        Check.MONTHLY_LIMIT
    }
    assert resolve_limits(variable).yearly == 320 * H


def test_an_agreement_above_the_law_is_refused() -> None:
    with pytest.raises(ValueError, match="monthly limit"):
        resolve_limits(AgreementLimits(period_start=APRIL, monthly_limit_minutes=46 * H))
    with pytest.raises(ValueError, match="special monthly"):
        resolve_limits(
            AgreementLimits(
                period_start=APRIL, special_clause=True, special_monthly_limit_minutes=100 * H
            )
        )
    with pytest.raises(ValueError, match="special months"):
        resolve_limits(AgreementLimits(period_start=APRIL, special_months_max=7))
    with pytest.raises(ValueError, match="given twice"):
        check_agreement([MonthFigures(APRIL, 0), MonthFigures(APRIL, 1)], PLAIN)


def test_figures_from_premium_minutes() -> None:
    # One Monday of 12 h (08:00–21:00, 1 h break) → 4 h overtime; one Sunday (rest day) 5 h.
    cards = [
        Timecard(dt.datetime(2026, 4, 6, 8), dt.datetime(2026, 4, 6, 21), 60),
        Timecard(dt.datetime(2026, 4, 12, 9), dt.datetime(2026, 4, 12, 14)),
    ]
    settings = WorkSettings()
    result = calculate_premiums(cards, settings)
    assert figures_from_premiums(result.by_month(settings)) == [MonthFigures(APRIL, 4 * H, 5 * H)]
