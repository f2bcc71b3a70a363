"""36協定 (時間外・休日労働協定, LSA 36条): one employee's months against the agreement's limits.

Pure: the caller passes the employee's monthly figures (:class:`MonthFigures`, from
``premiums.PremiumResult.by_month`` or the attendance records) and the agreement that covers
them (:class:`AgreementLimits`, per site and period: for a dispatched worker, the agency's
agreement, JP_LABOR.md §1 and §3). :func:`check_agreement` returns every finding, each a
warning (a configurable share of a limit reached) or a violation.

The checks (JP_LABOR.md §3; statutory caps in ``tables/overtime_agreement.json``):

* **Monthly / yearly limit** (限度時間, 45 h / 360 h; 42 h / 320 h under a 1-year variable
  hours system): statutory overtime only (法定時間外; not 法内残業, not rest-day work). The
  agreement's own, lower, limits are used when it sets them.
* **Special clause** (特別条項): a month over the agreement's monthly limit is a "special
  month"; at most ``special_months_max`` (≤ 6) of them in the agreement year; in such a month
  overtime + rest-day work must stay within the clause's monthly figure (which, like the
  official form 様式9号の2, is overtime and rest-day work together); the year's overtime
  within the clause's yearly figure (≤ 720 h). Without a special clause, a month over the
  monthly limit or a year over the yearly limit is a violation.
* **Every worker, with or without a special clause** (36条6項): overtime + rest-day work in
  any month **< 100 h** (exactly 100 h is a violation), and their average over every window
  of 2, 3, 4, 5 and 6 consecutive months ending in a month of the agreement year ≤ 80 h
  (windows reach back into the previous agreement's months; a window is checked only when
  the figures cover all its months).

Months are identified by their first day under the agreement's 起算日. A month missing
between two given months counts as zero hours.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from haken.labor import civil_periods
from haken.labor.premiums import PremiumMinutes


@dataclass(frozen=True, slots=True)
class StatutoryCaps:
    """The law's caps on any 36協定, in minutes."""

    effective_from: dt.date
    monthly_limit_minutes: int
    yearly_limit_minutes: int
    monthly_limit_minutes_variable_1y: int
    yearly_limit_minutes_variable_1y: int
    special_yearly_limit_minutes: int
    special_months_max: int
    single_month_cap_minutes_exclusive: int
    average_cap_minutes: int
    average_windows_months: tuple[int, ...]


@cache
def shipped_caps() -> tuple[StatutoryCaps, ...]:
    """``tables/overtime_agreement.json`` (read once per process), oldest first."""
    text = (
        resources.files("haken.labor").joinpath("tables/overtime_agreement.json").read_text("utf-8")
    )
    found = []
    for row in json.loads(text)["versions"]:
        found.append(
            StatutoryCaps(
                effective_from=dt.date.fromisoformat(row["effective_from"]),
                monthly_limit_minutes=int(row["monthly_limit_minutes"]),
                yearly_limit_minutes=int(row["yearly_limit_minutes"]),
                monthly_limit_minutes_variable_1y=int(row["monthly_limit_minutes_variable_1y"]),
                yearly_limit_minutes_variable_1y=int(row["yearly_limit_minutes_variable_1y"]),
                special_yearly_limit_minutes=int(row["special_yearly_limit_minutes"]),
                special_months_max=int(row["special_months_max"]),
                single_month_cap_minutes_exclusive=int(row["single_month_cap_minutes_exclusive"]),
                average_cap_minutes=int(row["average_cap_minutes"]),
                average_windows_months=tuple(int(n) for n in row["average_windows_months"]),
            )
        )
    return tuple(sorted(found, key=lambda c: c.effective_from))


def caps_on(day: dt.date) -> StatutoryCaps:
    """The statutory caps in force on ``day``."""
    found = None
    for caps in shipped_caps():
        if caps.effective_from <= day:
            found = caps
    if found is None:
        raise ValueError(f"no statutory 36協定 caps in force on {day.isoformat()}")
    return found


@dataclass(frozen=True, slots=True)
class AgreementLimits:
    """One 36協定 as the agency filed it (per site and period). ``None`` limits mean the
    statutory maximum."""

    period_start: dt.date
    """起算日: the first day of the agreement year."""
    monthly_limit_minutes: int | None = None
    """延長することができる時間 per month (overtime only); ≤ 45 h (42 h)."""
    yearly_limit_minutes: int | None = None
    """Per year (overtime only); ≤ 360 h (320 h)."""
    variable_hours_1y: bool = False
    """A 1-year variable-hours system of more than 3 months (42 h / 320 h)."""
    special_clause: bool = False
    special_monthly_limit_minutes: int | None = None
    """特別条項: overtime + rest-day work in a special month; < 100 h."""
    special_yearly_limit_minutes: int | None = None
    """特別条項: overtime per year; ≤ 720 h."""
    special_months_max: int | None = None
    """特別条項: months over the monthly limit per year; ≤ 6."""

    @property
    def period_end(self) -> dt.date:
        """Last day of the agreement year: the day before the corresponding day a year on, or
        that month's last day when it has none (起算日 29 February; 民法143条2項)."""
        return civil_periods.period_end(self.period_start, 12)


@dataclass(frozen=True, slots=True)
class ResolvedLimits:
    """The limits that apply: the agreement's own, or the law's where it sets none."""

    monthly: int
    yearly: int
    special_clause: bool
    special_monthly: int
    special_yearly: int
    special_months_max: int
    single_month_cap_exclusive: int
    average_cap: int
    average_windows: tuple[int, ...]


def resolve_limits(limits: AgreementLimits, caps: StatutoryCaps | None = None) -> ResolvedLimits:
    """The agreement's limits checked against the law (ValueError when one exceeds it)."""
    caps = caps or caps_on(limits.period_start)
    legal_month = (
        caps.monthly_limit_minutes_variable_1y
        if limits.variable_hours_1y
        else caps.monthly_limit_minutes
    )
    legal_year = (
        caps.yearly_limit_minutes_variable_1y
        if limits.variable_hours_1y
        else caps.yearly_limit_minutes
    )
    cap = caps.single_month_cap_minutes_exclusive
    resolved = ResolvedLimits(
        monthly=_own(limits.monthly_limit_minutes, legal_month, "monthly limit"),
        yearly=_own(limits.yearly_limit_minutes, legal_year, "yearly limit"),
        special_clause=limits.special_clause,
        special_monthly=_own(limits.special_monthly_limit_minutes, cap - 1, "special monthly"),
        special_yearly=_own(
            limits.special_yearly_limit_minutes, caps.special_yearly_limit_minutes, "special yearly"
        ),
        special_months_max=_own(
            limits.special_months_max, caps.special_months_max, "special months"
        ),
        single_month_cap_exclusive=cap,
        average_cap=caps.average_cap_minutes,
        average_windows=caps.average_windows_months,
    )
    return resolved


def _own(value: int | None, legal: int, what: str) -> int:
    if value is None:
        return legal
    if value < 0 or value > legal:
        raise ValueError(f"the agreement's {what} ({value} min) exceeds the law's ({legal} min)")
    return value


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month of one employee."""

    month: dt.date
    """First day of the month (under the agreement's 起算日)."""
    overtime_minutes: int
    """Statutory overtime (法定時間外労働): not 法内残業, not rest-day work."""
    rest_day_minutes: int = 0
    """Work on the statutory rest day (法定休日労働)."""

    @property
    def combined_minutes(self) -> int:
        return self.overtime_minutes + self.rest_day_minutes


def figures_from_premiums(months: Mapping[dt.date, PremiumMinutes]) -> list[MonthFigures]:
    """``PremiumResult.by_month`` (with the agreement's 起算日 as ``month_start_day``) →
    monthly figures."""
    return [
        MonthFigures(month, minutes.overtime, minutes.rest_day + minutes.rest_day_night)
        for month, minutes in sorted(months.items())
    ]


class Check(enum.Enum):
    MONTHLY_LIMIT = "monthly_limit"
    YEARLY_LIMIT = "yearly_limit"
    SPECIAL_MONTHLY_LIMIT = "special_monthly_limit"
    SPECIAL_YEARLY_LIMIT = "special_yearly_limit"
    SPECIAL_MONTHS = "special_months"
    SINGLE_MONTH_CAP = "single_month_cap"
    AVERAGE_CAP = "average_cap"


class Level(enum.Enum):
    WARNING = "warning"
    VIOLATION = "violation"


@dataclass(frozen=True, slots=True)
class Finding:
    check: Check
    level: Level
    month: dt.date
    """The month concerned (the last month of a window or of the year so far)."""
    minutes: int
    """The figure checked (a window's total, for an average; a count, for special months)."""
    limit: int
    """The limit it is compared with (a window's total allowed: 80 h × months)."""
    window_months: int = 1


@dataclass(frozen=True, slots=True)
class WarningThresholds:
    """When to warn before a limit is reached (agency settings)."""

    ratio: Decimal = Decimal("0.8")
    """Warn when a figure reaches this share of its limit (80 %)."""
    special_months_left: int = 1
    """Warn when this many special months, or fewer, remain in the agreement year."""


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (a 起算日 on the 31st)."""
    return civil_periods.add_months(day, months)


def _level(value: int, limit: int, ratio: Decimal, *, exclusive: bool = False) -> Level | None:
    over = value >= limit if exclusive else value > limit
    if over:
        return Level.VIOLATION
    if value >= ratio * limit:
        return Level.WARNING
    return None


def check_agreement(
    months: Iterable[MonthFigures],
    limits: AgreementLimits,
    *,
    thresholds: WarningThresholds = WarningThresholds(),
    caps: StatutoryCaps | None = None,
) -> list[Finding]:
    """Every warning and violation in the agreement year of ``limits``. Give the months of
    the year (so far) and up to 5 months before it (for the 2–6-month averages)."""
    rules = resolve_limits(limits, caps)
    by_index: dict[int, MonthFigures] = {}
    for item in months:
        key = _month_index(item.month)
        if key in by_index:
            raise ValueError(f"month {item.month.isoformat()} given twice")
        if item.overtime_minutes < 0 or item.rest_day_minutes < 0:
            raise ValueError("minutes must not be negative")
        by_index[key] = item
    if not by_index:
        return []
    first_known = min(by_index)
    year_start = _month_index(limits.period_start)
    findings: list[Finding] = []
    ratio = thresholds.ratio

    def month_of(index: int) -> dt.date:
        return _add_months(limits.period_start, index - year_start)

    def figures(index: int) -> MonthFigures:
        return by_index.get(index) or MonthFigures(month_of(index), 0, 0)

    last = min(max(by_index), year_start + 11)
    cumulative = 0
    special_used = 0
    yearly_flagged: set[Level] = set()
    yearly_limit = rules.special_yearly if rules.special_clause else rules.yearly
    yearly_check = Check.SPECIAL_YEARLY_LIMIT if rules.special_clause else Check.YEARLY_LIMIT
    for index in range(year_start, last + 1):
        month = figures(index)
        day = month_of(index)
        overtime = month.overtime_minutes
        combined = month.combined_minutes

        level = _level(overtime, rules.monthly, ratio)
        if level is Level.VIOLATION and rules.special_clause:
            special_used += 1
            left = rules.special_months_max - special_used
            if left < 0:
                findings.append(
                    Finding(
                        Check.SPECIAL_MONTHS,
                        Level.VIOLATION,
                        day,
                        special_used,
                        rules.special_months_max,
                    )
                )
            elif left <= thresholds.special_months_left:
                findings.append(
                    Finding(
                        Check.SPECIAL_MONTHS,
                        Level.WARNING,
                        day,
                        special_used,
                        rules.special_months_max,
                    )
                )
            special = _level(combined, rules.special_monthly, ratio)
            if special is not None:
                findings.append(
                    Finding(
                        Check.SPECIAL_MONTHLY_LIMIT, special, day, combined, rules.special_monthly
                    )
                )
        elif level is not None:
            findings.append(Finding(Check.MONTHLY_LIMIT, level, day, overtime, rules.monthly))

        cumulative += overtime
        level = _level(cumulative, yearly_limit, ratio)
        if level is not None and level not in yearly_flagged:
            yearly_flagged.add(level)
            findings.append(Finding(yearly_check, level, day, cumulative, yearly_limit))

        level = _level(combined, rules.single_month_cap_exclusive, ratio, exclusive=True)
        if level is not None:
            findings.append(
                Finding(
                    Check.SINGLE_MONTH_CAP, level, day, combined, rules.single_month_cap_exclusive
                )
            )

        for width in rules.average_windows:
            if index - width + 1 < first_known:
                continue
            total = sum(figures(i).combined_minutes for i in range(index - width + 1, index + 1))
            level = _level(total, rules.average_cap * width, ratio)
            if level is not None:
                findings.append(
                    Finding(Check.AVERAGE_CAP, level, day, total, rules.average_cap * width, width)
                )
    return findings


def violations(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.level is Level.VIOLATION]
