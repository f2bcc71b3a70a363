"""年次有給休暇 (annual paid leave, LSA Art. 39): grants, 80 %, expiry, consumption, 5 days.

Entry points (pure; the tables are data in ``tables/paid_leave.json``):

* :func:`calculate_grants` — the statutory grants made up to a date. ``haken calc paid-leave``
  and the leave API call it (``grants_json`` gives the shape both print).
* :func:`leave_balance` — a ledger: grants, the leave taken (days, half days, hours), what is
  left of each grant on a date, what lapsed, the hourly leave used in the year.
* :func:`designation_duties` — the employer's duty to have 5 days taken within a year of each
  grant of 10 days or more: the days still to designate and the deadline.

The rules as applied (JP_LABOR.md §2; every choice the law leaves is listed in docs/labor.md):

* **Grant dates.** The first grant is on the day 6 months after hiring: the same day of the
  month, or the month's last day when that month has no such day (hired 8/31 → 2/28, 2/29
  in a leap year; hired 4/1 → 10/1). The later grants fall on the same day of the month
  every year after the first grant (Art. 39(2) counts them from the 6箇月経過日), again the
  month's last day when the day is missing (first grant on 2/29 → 2/28 the next year, 2/29
  again four years later).
* **Which table.** Decided on each grant date from the schedule in force that day: the
  full-time table when the worker has ≥ 30 scheduled hours a week, or (days set per week)
  ≥ 5 days a week, or (days set per year, ``annual_days`` given) ≥ 217 days a year; else the
  proportional row of 則24条の3 for the weekly days (4, 3, 2, 1) or for the yearly days
  (169–216, 121–168, 73–120, 48–72); fewer days: no statutory leave.
* **80 % attendance.** Attended days ÷ 全労働日 of the period (hire → first grant, then grant
  → next grant) ≥ 80 %. Days of work injury or illness, maternity leave, childcare and
  family-care leave and paid leave taken count as attended (late arrivals and early
  departures too); days closed for the employer's reasons, force majeure, lawful strikes and
  days worked on a day off are not working days at all (:class:`DayKind`). Below 80 %: no
  grant that year, but the service keeps counting for the size of the next one.
* **Expiry.** ``expires_on`` is the **last day** the grant can be taken: 2 years counted
  from the grant date (民法143条: the day before the corresponding day; grant 2026-10-01 →
  expires_on 2028-09-30).
* **Consumption.** Oldest grant first (the carried-over one before this year's); a day is 1,
  a half day 0.5, an hour 1 ÷ the hours of a day, where a day's hours are the scheduled daily
  hours rounded **up** to a whole hour (7.5 h → 8 h). Hourly leave needs an agreement and is
  capped at ``hourly_cap_days`` (≤ 5) days' worth in each year counted from the first grant's
  date, carried-over days included. The balance never goes negative unless the agency allows
  advances (``allow_advance``): the days taken beyond the balance are then owed and the next
  grant repays them first.
* **5 days (Art. 39(7), since 2019-04-01).** For each grant of ≥ 10 days: days taken between
  the grant date and the day before its first anniversary (the deadline), from any grant,
  planned (計画的付与) or not; a half day counts 0.5, hourly leave 0.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Protocol

from haken.labor.civil_periods import add_months, period_end

ONE_DAY = timedelta(days=1)


class PaidLeaveError(ValueError):
    """Input the rules cannot work with (the message says what and where)."""


class InsufficientLeave(PaidLeaveError):
    """Leave taken beyond the balance, without an advance allowed."""


class HourlyCapExceeded(PaidLeaveError):
    """Hourly leave beyond the agreed yearly cap (or hourly leave without an agreement)."""


# --- the tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PaidLeaveRules:
    """One version of ``tables/paid_leave.json``."""

    effective_from: date
    full_time_days: tuple[int, ...]
    proportional_days: tuple[tuple[int, tuple[int, ...]], ...]
    """(weekly days, days by service index), 4 days first."""
    proportional_annual_days: tuple[tuple[int, int, int], ...]
    """(weekly days, fewest, most scheduled days a year)."""
    full_time_min_weekly_hours: Decimal
    full_time_min_weekly_days: int
    full_time_min_annual_days: int
    first_grant_months: int
    grant_interval_months: int
    attendance_min: Fraction
    expiry_months: int
    hourly_cap_days_max: int
    designation_from: date
    designation_min_grant_days: int
    designation_days: int
    designation_months: int

    def row(self, weekly_days: int) -> tuple[int, ...]:
        for days, row in self.proportional_days:
            if days == weekly_days:
                return row
        raise PaidLeaveError(f"no proportional row for {weekly_days} days a week")


@cache
def shipped_rules() -> tuple[PaidLeaveRules, ...]:
    """``tables/paid_leave.json`` (read once per process), oldest first."""
    text = resources.files("haken.labor").joinpath("tables/paid_leave.json").read_text("utf-8")
    found = []
    for row in json.loads(text)["versions"]:
        duty = row["designation"]
        proportional = sorted(row["proportional_days"].items(), key=lambda kv: -int(kv[0]))
        ranges = sorted(row["proportional_annual_days"].items(), key=lambda kv: -int(kv[0]))
        found.append(
            PaidLeaveRules(
                effective_from=date.fromisoformat(row["effective_from"]),
                full_time_days=tuple(int(d) for d in row["full_time_days"]),
                proportional_days=tuple(
                    (int(k), tuple(int(d) for d in v)) for k, v in proportional
                ),
                proportional_annual_days=tuple((int(k), int(v[0]), int(v[1])) for k, v in ranges),
                full_time_min_weekly_hours=Decimal(str(row["full_time_min_weekly_hours"])),
                full_time_min_weekly_days=int(row["full_time_min_weekly_days"]),
                full_time_min_annual_days=int(row["full_time_min_annual_days"]),
                first_grant_months=int(row["first_grant_months"]),
                grant_interval_months=int(row["grant_interval_months"]),
                attendance_min=Fraction(int(row["attendance_min_percent"]), 100),
                expiry_months=int(row["expiry_months"]),
                hourly_cap_days_max=int(row["hourly_cap_days_max"]),
                designation_from=date.fromisoformat(duty["effective_from"]),
                designation_min_grant_days=int(duty["min_grant_days"]),
                designation_days=int(duty["days"]),
                designation_months=int(duty["months"]),
            )
        )
    return tuple(sorted(found, key=lambda r: r.effective_from))


def rules_on(day: date) -> PaidLeaveRules:
    """The tables in force on ``day`` (a grant date)."""
    in_force = [r for r in shipped_rules() if r.effective_from <= day]
    if not in_force:
        first = shipped_rules()[0].effective_from
        raise PaidLeaveError(f"no paid-leave tables before {first.isoformat()} ({day})")
    return in_force[-1]


def _current_rules() -> PaidLeaveRules:
    return shipped_rules()[-1]


# --- schedules and tables -----------------------------------------------------------------


def to_decimal(value: Decimal | int | str | float, what: str) -> Decimal:
    """``value`` as a Decimal, or :class:`PaidLeaveError` naming ``what``."""
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise PaidLeaveError(f"{what} is not a number: {value!r}") from error
    if not number.is_finite():
        raise PaidLeaveError(f"{what} is not a number: {value!r}")
    return number


@dataclass(frozen=True)
class Schedule:
    """The scheduled work (所定労働) in force from ``effective_from``.

    ``days_per_week`` for days set per week; ``annual_days`` for days set per year (a shift
    worker without fixed weekly days): when it is given it decides the row and
    ``days_per_week`` is not used.
    """

    hours_per_week: Decimal
    days_per_week: Decimal | None = None
    annual_days: int | None = None
    effective_from: date = date.min

    def __post_init__(self) -> None:
        hours = to_decimal(self.hours_per_week, "hours per week")
        if not 0 <= hours <= 168:
            raise PaidLeaveError(f"hours per week must be 0-168, not {hours}")
        object.__setattr__(self, "hours_per_week", hours)
        if self.days_per_week is not None:
            days = to_decimal(self.days_per_week, "days per week")
            if not 0 <= days <= 7:
                raise PaidLeaveError(f"days per week must be 0-7, not {days}")
            object.__setattr__(self, "days_per_week", days)
        if self.annual_days is not None and not 0 <= self.annual_days <= 366:
            raise PaidLeaveError(f"scheduled days a year must be 0-366, not {self.annual_days}")
        if self.days_per_week is None and self.annual_days is None:
            raise PaidLeaveError("give the scheduled days per week or per year")


class LeaveTable(enum.StrEnum):
    """The row of the grant tables that applies on a grant date."""

    FULL_TIME = "full_time"
    DAYS_4 = "4_days"
    DAYS_3 = "3_days"
    DAYS_2 = "2_days"
    DAYS_1 = "1_day"
    NONE = "none"
    """Fewer scheduled days than the smallest row (< 1 day a week, < 48 days a year)."""

    @property
    def weekly_days(self) -> int:
        return {"4_days": 4, "3_days": 3, "2_days": 2, "1_day": 1}.get(self.value, 0)


_BY_WEEKLY_DAYS = {
    4: LeaveTable.DAYS_4,
    3: LeaveTable.DAYS_3,
    2: LeaveTable.DAYS_2,
    1: LeaveTable.DAYS_1,
}


def table_for(schedule: Schedule, rules: PaidLeaveRules | None = None) -> LeaveTable:
    """Full-time table or proportional row (則24条の3) for ``schedule``."""
    rules = rules or _current_rules()
    if schedule.hours_per_week >= rules.full_time_min_weekly_hours:
        return LeaveTable.FULL_TIME
    if schedule.annual_days is not None:
        if schedule.annual_days >= rules.full_time_min_annual_days:
            return LeaveTable.FULL_TIME
        for weekly, fewest, most in rules.proportional_annual_days:
            if fewest <= schedule.annual_days <= most:
                return _BY_WEEKLY_DAYS[weekly]
        return LeaveTable.NONE
    days = schedule.days_per_week
    assert days is not None  # checked in Schedule
    if days >= rules.full_time_min_weekly_days:
        return LeaveTable.FULL_TIME
    if days != days.to_integral_value():
        raise PaidLeaveError(
            f"{days} days a week is not a whole number: give the scheduled days a year instead"
        )
    return _BY_WEEKLY_DAYS.get(int(days), LeaveTable.NONE)


def grant_days(table: LeaveTable, service_index: int, rules: PaidLeaveRules | None = None) -> int:
    """Days of the grant at 0.5 + ``service_index`` years of service on ``table``."""
    rules = rules or _current_rules()
    if service_index < 0:
        raise PaidLeaveError("no grant before 6 months of service")
    if table is LeaveTable.NONE:
        return 0
    row = rules.full_time_days if table is LeaveTable.FULL_TIME else rules.row(table.weekly_days)
    return row[min(service_index, len(row) - 1)]


# --- dates --------------------------------------------------------------------------------


def first_grant_date(hired: date) -> date:
    """The day 6 months after hiring, or that month's last day (hired 8/31 → 2/28 or 2/29)."""
    return add_months(hired, _current_rules().first_grant_months)


def grant_date(hired: date, service_index: int) -> date:
    """Grant at 0.5 + ``service_index`` years: the first grant's day, ``service_index`` years on.

    Counted from the first grant's date (Art. 39(2)), not from the hire date: hired
    2026-08-31, first grant 2027-02-28, then 2028-02-28 (not 2028-02-29).
    """
    if service_index < 0:
        raise PaidLeaveError("no grant before 6 months of service")
    interval = _current_rules().grant_interval_months
    return add_months(first_grant_date(hired), interval * service_index)


def expiry_date(granted_on: date) -> date:
    """The last day a grant made on ``granted_on`` can be taken (2 years, 民法143条)."""
    return period_end(granted_on, _current_rules().expiry_months)


def attendance_period(hired: date, service_index: int) -> tuple[date, date]:
    """First and last day of the period whose attendance decides grant ``service_index``."""
    first = hired if service_index == 0 else grant_date(hired, service_index - 1)
    return first, grant_date(hired, service_index) - ONE_DAY


# --- attendance ---------------------------------------------------------------------------


class DayKind(enum.StrEnum):
    """What a day of the attendance period was, for the 80 % rule."""

    WORKED = "worked"
    """A scheduled working day worked, late arrival or early departure included."""
    PAID_LEAVE = "paid_leave"
    WORK_INJURY = "work_injury"
    """Off for a work injury or illness (業務上の負傷・疾病による休業)."""
    MATERNITY_LEAVE = "maternity_leave"
    CHILDCARE_LEAVE = "childcare_leave"
    FAMILY_CARE_LEAVE = "family_care_leave"
    ABSENT = "absent"
    """A scheduled working day not worked for any other reason (counts against the worker)."""
    EMPLOYER_CLOSURE = "employer_closure"
    """Closed for reasons on the employer's side (使用者の責に帰すべき休業)."""
    FORCE_MAJEURE = "force_majeure"
    LAWFUL_STRIKE = "lawful_strike"
    HOLIDAY_WORK = "holiday_work"
    """Worked on a day off: not a scheduled working day."""
    SPECIAL_LEAVE = "special_leave"
    """特別休暇 the employer grants (慶弔 and the like): the law is silent and the work rules
    decide; haken leaves such a day out of both counts (neither attended nor a working day)."""
    DAY_OFF = "day_off"


COUNTED_AS_WORKED = frozenset(
    {
        DayKind.WORKED,
        DayKind.PAID_LEAVE,
        DayKind.WORK_INJURY,
        DayKind.MATERNITY_LEAVE,
        DayKind.CHILDCARE_LEAVE,
        DayKind.FAMILY_CARE_LEAVE,
    }
)
NOT_WORKING_DAYS = frozenset(
    {
        DayKind.EMPLOYER_CLOSURE,
        DayKind.FORCE_MAJEURE,
        DayKind.LAWFUL_STRIKE,
        DayKind.HOLIDAY_WORK,
        DayKind.SPECIAL_LEAVE,
        DayKind.DAY_OFF,
    }
)
"""Neither attended nor part of the 全労働日 (the base)."""


@dataclass(frozen=True)
class Attendance:
    """Attendance of one period: days attended out of the 全労働日 (working days, net)."""

    attended: int
    working_days: int

    def __post_init__(self) -> None:
        if not 0 <= self.attended <= self.working_days:
            raise PaidLeaveError(
                f"attended days ({self.attended}) must be 0 to the working days "
                f"({self.working_days})"
            )

    @classmethod
    def of_days(cls, days: Mapping[DayKind, int] | Iterable[DayKind]) -> Attendance:
        """Count the days of a period by kind (a mapping of counts or one kind per day)."""
        counts: dict[DayKind, int] = {}
        if isinstance(days, Mapping):
            counts.update(days)
        else:
            for kind in days:
                counts[kind] = counts.get(kind, 0) + 1
        if any(n < 0 for n in counts.values()):
            raise PaidLeaveError("a count of days is negative")
        attended = sum(n for kind, n in counts.items() if kind in COUNTED_AS_WORKED)
        base = sum(n for kind, n in counts.items() if kind not in NOT_WORKING_DAYS)
        return cls(attended, base)

    @property
    def rate(self) -> Fraction | None:
        """Attended ÷ working days; None when the period had no working day."""
        return Fraction(self.attended, self.working_days) if self.working_days else None

    def met(self, rules: PaidLeaveRules | None = None) -> bool:
        """80 % or more. A period with no working day at all has no shortfall: met."""
        rate = self.rate
        return rate is None or rate >= (rules or _current_rules()).attendance_min


# --- grants -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatutoryGrant:
    """One grant date of the statutory schedule."""

    grant_date: date
    service_index: int
    """0 for the grant at 0.5 years, 6 for 6.5 years and every grant after."""
    table: LeaveTable
    days: int
    """Days granted; 0 when attendance was below 80 % or the schedule has too few days."""
    expires_on: date
    """The last day the grant can be taken."""
    attendance_met: bool

    @property
    def service_years(self) -> Decimal:
        return Decimal(self.service_index) + Decimal("0.5")

    def as_json(self) -> dict[str, object]:
        return {
            "grant_date": self.grant_date.isoformat(),
            "days": self.days,
            "expires_on": self.expires_on.isoformat(),
        }


def _schedule_on(schedules: Sequence[Schedule], day: date) -> Schedule:
    in_force = [s for s in schedules if s.effective_from <= day]
    if not in_force:
        raise PaidLeaveError(f"no schedule in force on {day.isoformat()}")
    return max(in_force, key=lambda s: s.effective_from)


def grant_schedule(
    hired: date,
    schedules: Schedule | Sequence[Schedule],
    *,
    on: date,
    attendance: Mapping[date, Attendance | bool] | None = None,
) -> tuple[StatutoryGrant, ...]:
    """Every statutory grant date up to ``on`` (inclusive), with the days granted (maybe 0).

    ``schedules``: the schedule, or the schedules by ``effective_from``; the one in force on
    each grant date decides its table. ``attendance``: for each grant date, the attendance
    of its period (or whether the 80 % rule was met); a grant date not in it is taken as met.
    ``on`` is the last day considered (pass the last day of employment when it ended).
    """
    listed = (schedules,) if isinstance(schedules, Schedule) else tuple(schedules)
    if not listed:
        raise PaidLeaveError("give the schedule")
    given = dict(attendance or {})
    grants = []
    index = 0
    while (day := grant_date(hired, index)) <= on:
        rules = rules_on(day)
        table = table_for(_schedule_on(listed, day), rules)
        record = given.pop(day, True)
        met = record if isinstance(record, bool) else record.met(rules)
        days = grant_days(table, index, rules) if met else 0
        grants.append(StatutoryGrant(day, index, table, days, expiry_date(day), met))
        index += 1
    later = {grant_date(hired, i) for i in range(index, index + 100)} if given else set()
    stray_days = sorted(d for d in given if d not in later)
    if stray_days:
        stray = ", ".join(d.isoformat() for d in stray_days)
        raise PaidLeaveError(f"attendance given for days that are not grant dates: {stray}")
    return tuple(grants)


def calculate_grants(
    hired: date,
    schedules: Schedule | Sequence[Schedule],
    *,
    on: date,
    attendance: Mapping[date, Attendance | bool] | None = None,
) -> tuple[StatutoryGrant, ...]:
    """The grants made up to ``on``: :func:`grant_schedule` without the grants of 0 days.

    This is what ``haken calc paid-leave`` and the leave API call.
    """
    if on < hired:
        raise PaidLeaveError(f"{on.isoformat()} is before the hire date {hired.isoformat()}")
    return tuple(
        g for g in grant_schedule(hired, schedules, on=on, attendance=attendance) if g.days
    )


def grants_json(grants: Iterable[StatutoryGrant]) -> dict[str, list[dict[str, object]]]:
    """``{"grants": [{"grant_date", "days", "expires_on"}, …]}`` (expires_on: last valid day)."""
    return {"grants": [g.as_json() for g in grants]}


# --- the ledger ---------------------------------------------------------------------------


class Grant(Protocol):
    """Anything granted: a :class:`StatutoryGrant`, or a :class:`LeaveGrant` of the agency's."""

    @property
    def grant_date(self) -> date: ...

    @property
    def days(self) -> int: ...

    @property
    def expires_on(self) -> date: ...


@dataclass(frozen=True)
class LeaveGrant:
    """A grant given by hand (e.g. the agency's more generous schedule)."""

    grant_date: date
    days: int
    expires_on: date


class LeaveUnit(enum.StrEnum):
    DAY = "day"
    HALF_DAY = "half_day"
    HOURS = "hours"


@dataclass(frozen=True)
class LeaveTaken:
    """Paid leave taken (or fixed in advance) on ``day``."""

    day: date
    unit: LeaveUnit = LeaveUnit.DAY
    hours: int = 0
    """Whole hours, for ``LeaveUnit.HOURS`` only."""
    planned: bool = False
    """Fixed by the plan of a labour-management agreement (計画的付与, Art. 39(6))."""

    def __post_init__(self) -> None:
        if self.unit is LeaveUnit.HOURS:
            if self.hours < 1:
                raise PaidLeaveError(f"hourly leave on {self.day} needs 1 hour or more")
        elif self.hours:
            raise PaidLeaveError(f"hours are given only for hourly leave ({self.day})")

    def days_of(self, hours_per_day: int) -> Fraction:
        if self.unit is LeaveUnit.DAY:
            return Fraction(1)
        if self.unit is LeaveUnit.HALF_DAY:
            return Fraction(1, 2)
        return Fraction(self.hours, hours_per_day)

    def counts_for_designation(self) -> Fraction:
        """Toward the 5 days: a day 1, a half day 0.5, hourly leave nothing."""
        return {LeaveUnit.DAY: Fraction(1), LeaveUnit.HALF_DAY: Fraction(1, 2)}.get(
            self.unit, Fraction(0)
        )


def hours_per_day(daily_hours: Decimal | int | str) -> int:
    """A day of hourly leave: the scheduled daily hours rounded up (7.5 h → 8 h)."""
    hours = to_decimal(daily_hours, "daily hours")
    if not 0 < hours <= 24:
        raise PaidLeaveError(f"scheduled daily hours must be over 0 and at most 24, not {hours}")
    return math.ceil(hours)


def hourly_cap_hours(daily_hours: Decimal | int | str, cap_days: int = 5) -> int:
    """Hours of hourly leave allowed a year: ``cap_days`` (≤ 5) days of :func:`hours_per_day`."""
    limit = _current_rules().hourly_cap_days_max
    if not 0 <= cap_days <= limit:
        raise PaidLeaveError(f"the hourly-leave cap is 0-{limit} days a year, not {cap_days}")
    return cap_days * hours_per_day(daily_hours)


@dataclass(frozen=True)
class LedgerOptions:
    """Per worker and agency: the daily hours, the hourly-leave agreement, advances."""

    daily_hours: Decimal = Decimal(8)
    """Scheduled hours a day (their yearly average when they vary)."""
    hourly_cap_days: int = 0
    """Days of hourly leave a year allowed by the agreement (0: no agreement; at most 5)."""
    allow_advance: bool = False
    """Let leave be taken beyond the balance; the next grant repays it first."""


@dataclass(frozen=True)
class Draw:
    """Days taken from one grant: for ``taken``, or to repay an advance when it is None."""

    day: date
    grant_date: date
    days: Fraction
    taken: LeaveTaken | None


@dataclass(frozen=True)
class GrantBalance:
    grant_date: date
    expires_on: date
    granted: Fraction
    used: Fraction
    remaining: Fraction
    """Still to be taken on the balance date (0 once expired)."""
    lapsed: Fraction
    """Lost at expiry (time-barred), as of the balance date."""


@dataclass(frozen=True)
class LeaveBalance:
    on: date
    hours_per_day: int
    grants: tuple[GrantBalance, ...]
    draws: tuple[Draw, ...]
    advanced: Fraction
    """Days taken ahead of a grant and not yet repaid (0 unless advances are allowed)."""
    hourly_year_start: date | None
    hourly_hours_used: int
    """Hours of hourly leave taken in the year (from ``hourly_year_start``) up to ``on``."""
    hourly_hours_cap: int

    @property
    def remaining(self) -> Fraction:
        """Days available on ``on`` (negative only with an advance outstanding)."""
        return sum((g.remaining for g in self.grants), Fraction(0)) - self.advanced

    @property
    def hourly_hours_left(self) -> int:
        return max(self.hourly_hours_cap - self.hourly_hours_used, 0)


def _leave_year_start(first: date, day: date, interval: int) -> date:
    years = day.year - first.year + 1
    while add_months(first, interval * years) > day:
        years -= 1
    return add_months(first, interval * years)


def leave_balance(
    grants: Iterable[Grant],
    taken: Iterable[LeaveTaken],
    *,
    on: date,
    options: LedgerOptions | None = None,
) -> LeaveBalance:
    """Apply the leave taken up to ``on`` to the grants, oldest grant first.

    A grant is usable from its grant date to its ``expires_on``, both included. Raises
    :class:`InsufficientLeave` (no advance allowed), :class:`HourlyCapExceeded`, or
    :class:`PaidLeaveError` for more than one day of leave on one date.
    """
    options = options or LedgerOptions()
    rules = _current_rules()
    per_day = hours_per_day(options.daily_hours)
    cap = hourly_cap_hours(options.daily_hours, options.hourly_cap_days)
    ordered = sorted(enumerate(grants), key=lambda ig: (ig[1].grant_date, ig[1].expires_on, ig[0]))
    book = [g for _, g in ordered]
    for g in book:
        if g.days < 0 or g.expires_on < g.grant_date:
            raise PaidLeaveError(f"grant of {g.grant_date}: negative days or expiry before grant")
    left = [Fraction(g.days) for g in book]
    active = [False] * len(book)
    draws: list[Draw] = []
    owed = Fraction(0)
    first = book[0].grant_date if book else None
    hourly_by_year: dict[date, int] = {}
    by_date: dict[date, Fraction] = {}

    def activate(until: date) -> None:
        nonlocal owed
        for i, g in enumerate(book):
            if active[i] or g.grant_date > until:
                continue
            active[i] = True
            repay = min(owed, left[i])
            if repay:
                left[i] -= repay
                owed -= repay
                draws.append(Draw(g.grant_date, g.grant_date, repay, None))

    for item in sorted((t for t in taken if t.day <= on), key=lambda t: t.day):
        activate(item.day)
        amount = item.days_of(per_day)
        by_date[item.day] = by_date.get(item.day, Fraction(0)) + amount
        if by_date[item.day] > 1:
            raise PaidLeaveError(f"more than one day of paid leave on {item.day.isoformat()}")
        if item.unit is LeaveUnit.HOURS:
            start = _leave_year_start(first or item.day, item.day, rules.grant_interval_months)
            hours_in_year = hourly_by_year.get(start, 0) + item.hours
            if hours_in_year > cap:
                raise HourlyCapExceeded(
                    f"hourly leave on {item.day.isoformat()}: {hours_in_year} h in the year "
                    f"from {start.isoformat()}, over the {cap} h allowed"
                )
            hourly_by_year[start] = hours_in_year
        need = amount
        for i, g in enumerate(book):
            if not need:
                break
            if not (g.grant_date <= item.day <= g.expires_on) or not left[i]:
                continue
            take = min(need, left[i])
            left[i] -= take
            need -= take
            draws.append(Draw(item.day, g.grant_date, take, item))
        if need:
            if not options.allow_advance:
                raise InsufficientLeave(
                    f"paid leave on {item.day.isoformat()}: {_show(need)} day(s) more than the "
                    "balance"
                )
            owed += need
    activate(on)

    balances = []
    for i, g in enumerate(book):
        granted = Fraction(g.days)
        used = granted - left[i]
        valid = g.grant_date <= on <= g.expires_on
        expired = on > g.expires_on
        balances.append(
            GrantBalance(
                grant_date=g.grant_date,
                expires_on=g.expires_on,
                granted=granted,
                used=used,
                remaining=left[i] if valid else Fraction(0),
                lapsed=left[i] if expired else Fraction(0),
            )
        )
    year_start = (
        _leave_year_start(first, on, rules.grant_interval_months) if first and first <= on else None
    )
    return LeaveBalance(
        on=on,
        hours_per_day=per_day,
        grants=tuple(balances),
        draws=tuple(draws),
        advanced=owed,
        hourly_year_start=year_start,
        hourly_hours_used=hourly_by_year.get(year_start, 0) if year_start else 0,
        hourly_hours_cap=cap,
    )


def _show(days: Fraction) -> str:
    return str(days.numerator) if days.denominator == 1 else f"{float(days):g}"


# --- the employer's 5 days ----------------------------------------------------------------


@dataclass(frozen=True)
class DesignationDuty:
    """Art. 39(7) for one grant of 10 days or more."""

    grant_date: date
    deadline: date
    """The last day on which the 5 days can be taken (the day before the first anniversary)."""
    required: Fraction
    counted: Fraction
    """Days taken (or already fixed) in the year: days 1, half days 0.5, hours 0."""
    to_designate: Fraction = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "to_designate", max(self.required - self.counted, Fraction(0)))

    def overdue(self, on: date) -> bool:
        """True when the deadline has passed with days still to designate."""
        return on > self.deadline and self.to_designate > 0


def designation_deadline(granted_on: date) -> date:
    """Last day of the year within which the 5 days must be taken."""
    return period_end(granted_on, _current_rules().designation_months)


def designation_duties(
    grants: Iterable[Grant], taken: Iterable[LeaveTaken]
) -> tuple[DesignationDuty, ...]:
    """The 5-day duty of every grant of ≥ 10 days made on or after 2019-04-01.

    ``taken``: the leave taken and the leave already fixed for later dates (the worker's
    approved requests, the 計画的付与 plan); days from any grant count, carried-over ones too.
    A day inside the years of two grants counts for both.
    """
    days_taken = tuple(taken)
    duties = []
    for g in sorted(grants, key=lambda g: g.grant_date):
        rules = rules_on(g.grant_date)
        if g.grant_date < rules.designation_from or g.days < rules.designation_min_grant_days:
            continue
        deadline = designation_deadline(g.grant_date)
        counted = sum(
            (t.counts_for_designation() for t in days_taken if g.grant_date <= t.day <= deadline),
            Fraction(0),
        )
        duties.append(
            DesignationDuty(g.grant_date, deadline, Fraction(rules.designation_days), counted)
        )
    return tuple(duties)
