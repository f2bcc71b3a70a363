"""割増賃金 (wage premiums): classify a worker's worked minutes, the hourly base, the rounding.

The entry point is :func:`calculate_premiums` (the CLI ``haken calc premiums`` and the
attendance API call it): one worker's timecards, their :class:`WorkSettings` (statutory rest
day, week start, day-change hour, scheduled minutes, 起算日 of the 60-hour month), and an
optional reporting period. Every worked minute falls in exactly one of the disjoint cells of
:class:`PremiumMinutes`; ``summary()`` gives the figures office staff read (``overtime``
includes the minutes beyond 60 h; ``night`` counts every late-night minute whatever else it
is; the ``*_night`` keys are overlaps).

The rules, as applied here (JP_LABOR.md §1, §8; every choice the law leaves open is listed
in docs/labor.md):

* **Working day.** A shift belongs to the business day it starts in: before the day-change
  hour (営業日分岐, default 05:00) it belongs to the previous date. A continuous shift that
  crosses midnight is one 勤務 of the day it started (昭63.1.1 基発1号). Timecards that touch
  (one ends exactly when the next starts) are one shift: a shift entered as two parts at
  midnight is classified like one card across midnight.
* **Statutory rest day (法定休日).** Counted by calendar day, 0:00–24:00 (平6.5.31 基発331号):
  overtime running into the rest day becomes rest-day work at 0:00; rest-day work running
  into the next day stops being rest-day work at 0:00 (the minutes after 0:00 are ordinary
  minutes of the same shift, measured against 8 h / 40 h from zero, since rest-day work
  never counts toward them). Rest-day minutes never count toward the daily 8 h, the weekly
  40 h or the monthly 60 h, and never combine with overtime. National holidays and other
  days off are **not** statutory rest days: work on them is ordinary time (JP_LABOR.md §8).
* **Daily then weekly.** In time order, a minute past the 8th hour worked in the working day
  is statutory overtime; of the remaining minutes, those past 40 h in the week (counted in
  the order of the days, from the week start, daily overtime not counted again) are
  statutory overtime too. Of the minutes within both limits, the first ``scheduled`` minutes
  of the working day are regular, the rest 法内残業 (``within_statutory``; no statutory
  premium). A working day belongs to the week (and to the 60-hour month) of its date.
* **60 hours.** Statutory overtime minutes are counted in time order from the 起算日 of the
  month (``WorkSettings.month_start_day``, default 1: the calendar month); the 3,601st
  minute onward is ``over_60h`` (50 %).
* **Late night.** The overlap of the worked intervals with 22:00–05:00 (from the tables),
  across midnight. Breaks are not worked time, so a break at night is not night work.
* **Breaks.** A timecard may carry its break intervals (exact). A break given only as a
  number of minutes is placed in the middle of the card's span (work before it = half the
  worked time, rounded down): LSA 34条 requires the break to be inside working hours, and the
  middle is the usual practice. Night minutes follow from that placement.

Times are the site's local wall-clock times as naive datetimes (Japan has no daylight
saving, so wall-clock minutes are elapsed minutes); an aware datetime is converted to the
``tz`` given to :func:`calculate_premiums` first. Times must be whole minutes.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import functools
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

MINUTE = dt.timedelta(minutes=1)
SUNDAY = 6
"""``datetime.weekday()`` numbering: Monday 0 … Sunday 6."""

_WEEKDAY_NAMES = {
    0: ("monday", "mon", "月", "月曜", "月曜日"),
    1: ("tuesday", "tue", "tues", "火", "火曜", "火曜日"),
    2: ("wednesday", "wed", "水", "水曜", "水曜日"),
    3: ("thursday", "thu", "thur", "thurs", "木", "木曜", "木曜日"),
    4: ("friday", "fri", "金", "金曜", "金曜日"),
    5: ("saturday", "sat", "土", "土曜", "土曜日"),
    6: ("sunday", "sun", "日", "日曜", "日曜日"),
}


def parse_weekday(text: str) -> int:
    """``sunday``, ``Sun``, ``日``, ``日曜日`` … → ``datetime.weekday()`` number."""
    token = unicodedata.normalize("NFKC", text).strip().lower()
    for number, names in _WEEKDAY_NAMES.items():
        if token in names:
            return number
    raise ValueError(f"not a day of the week: {text!r}")


# --- rates and limits (effective-dated data) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class PremiumRules:
    """The statutory premiums (percent added on top of 100 %) and limits in force."""

    effective_from: dt.date
    overtime_pct: Decimal
    over_60h_pct: Decimal
    night_pct: Decimal
    rest_day_pct: Decimal
    daily_limit_minutes: int
    weekly_limit_minutes: int
    monthly_overtime_tier_minutes: int
    night_start: dt.time
    night_end: dt.time

    def multipliers(self, within_statutory: Decimal = Decimal(1)) -> dict[str, Decimal]:
        """What a minute of each kind is paid, as a multiple of the hourly base (LSA 37,
        労基則20条: overlaps add up; rest day never combines with overtime). ``night`` is a
        late-night minute of regular time (its 100 % plus 25 %; for a monthly salary, whose
        100 % is already paid, only the 25 % is owed)."""
        hundred = Decimal(100)
        overtime = 1 + self.overtime_pct / hundred
        over_60h = 1 + self.over_60h_pct / hundred
        night = self.night_pct / hundred
        rest_day = 1 + self.rest_day_pct / hundred
        return {
            "regular": Decimal(1),
            "within_statutory_overtime": within_statutory,
            "overtime": overtime,
            "overtime_over_60h": over_60h,
            "night": 1 + night,
            "overtime_night": overtime + night,
            "overtime_over_60h_night": over_60h + night,
            "rest_day": rest_day,
            "rest_day_night": rest_day + night,
        }


@dataclass(frozen=True, slots=True)
class _RulesVersion:
    effective_from: dt.date
    rules: PremiumRules
    over_60h_pct_small_enterprise: Decimal
    weekly_limit_minutes_special_workplace: int


def _hhmm(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


@cache
def shipped_rules() -> tuple[_RulesVersion, ...]:
    """``tables/premiums.json`` (read once per process), oldest first."""
    text = resources.files("haken.labor").joinpath("tables/premiums.json").read_text("utf-8")
    found = []
    for row in json.loads(text)["versions"]:
        effective = dt.date.fromisoformat(row["effective_from"])
        rules = PremiumRules(
            effective_from=effective,
            overtime_pct=Decimal(str(row["overtime_pct"])),
            over_60h_pct=Decimal(str(row["over_60h_pct"])),
            night_pct=Decimal(str(row["night_pct"])),
            rest_day_pct=Decimal(str(row["rest_day_pct"])),
            daily_limit_minutes=int(row["daily_limit_minutes"]),
            weekly_limit_minutes=int(row["weekly_limit_minutes"]),
            monthly_overtime_tier_minutes=int(row["monthly_overtime_tier_minutes"]),
            night_start=_hhmm(row["night_start"]),
            night_end=_hhmm(row["night_end"]),
        )
        found.append(
            _RulesVersion(
                effective_from=effective,
                rules=rules,
                over_60h_pct_small_enterprise=Decimal(str(row["over_60h_pct_small_enterprise"])),
                weekly_limit_minutes_special_workplace=int(
                    row["weekly_limit_minutes_special_workplace"]
                ),
            )
        )
    return tuple(sorted(found, key=lambda v: v.effective_from))


def rules_on(
    day: dt.date, *, small_enterprise: bool = False, special_workplace: bool = False
) -> PremiumRules:
    """The rules in force on ``day``. ``small_enterprise``: a 中小事業主, whose 50 % rate
    beyond 60 h applies only from 2023-04-01. ``special_workplace``: a 特例措置対象事業場
    (fewer than 10 workers in commerce, hospitality …: 44 h a week, LSA 40条)."""
    version = None
    for candidate in shipped_rules():
        if candidate.effective_from <= day:
            version = candidate
    if version is None:
        raise ValueError(f"no premium rules in force on {day.isoformat()}")
    rules = version.rules
    if small_enterprise:
        rules = _replace(rules, over_60h_pct=version.over_60h_pct_small_enterprise)
    if special_workplace:
        rules = _replace(rules, weekly_limit_minutes=version.weekly_limit_minutes_special_workplace)
    return rules


def with_contract_premiums(
    rules: PremiumRules,
    *,
    overtime_pct: Decimal | None = None,
    night_pct: Decimal | None = None,
    rest_day_pct: Decimal | None = None,
) -> PremiumRules:
    """The statutory ``rules`` with the higher premiums an employment contract states (e.g.
    overtime 30 %). A stated rate never lowers the statute's (LSA 37 is a minimum: a lower
    one is void and the statute applies, 労基法13条); the contract's overtime rate also
    applies past 60 h when it is above the statute's 50 %. None: the statute's."""

    def higher(statutory: Decimal, stated: Decimal | None) -> Decimal:
        return statutory if stated is None else max(statutory, stated)

    overtime = higher(rules.overtime_pct, overtime_pct)
    return _replace(
        rules,
        overtime_pct=overtime,
        over_60h_pct=max(rules.over_60h_pct, overtime),
        night_pct=higher(rules.night_pct, night_pct),
        rest_day_pct=higher(rules.rest_day_pct, rest_day_pct),
    )


def below_statutory(
    rules: PremiumRules,
    *,
    overtime_pct: Decimal | None = None,
    night_pct: Decimal | None = None,
    rest_day_pct: Decimal | None = None,
) -> dict[str, Decimal]:
    """Each stated premium under the statute's, with the statutory minimum (empty: lawful)."""
    stated = {"overtime_pct": overtime_pct, "night_pct": night_pct, "rest_day_pct": rest_day_pct}
    return {
        name: getattr(rules, name)
        for name, value in stated.items()
        if value is not None and value < getattr(rules, name)
    }


def _replace(rules: PremiumRules, **changes: object) -> PremiumRules:
    values: dict[str, object] = {f.name: getattr(rules, f.name) for f in fields(rules)}
    values.update(changes)
    return PremiumRules(**values)  # type: ignore[arg-type]


# --- inputs ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkSettings:
    """The worker's (their contract's and work rules') settings the classification needs."""

    rest_day: int | None = SUNDAY
    """Weekday of the statutory rest day (法定休日), or None when only ``rest_dates`` name it
    (4 days in 4 weeks, shift rosters)."""
    rest_dates: frozenset[dt.date] = frozenset()
    """Further calendar dates that are the statutory rest day."""
    week_start: int = SUNDAY
    """First day of the week for the 40 h (Sunday when the work rules say nothing)."""
    day_change: dt.time = dt.time(5, 0)
    """営業日分岐: a shift starting before this time belongs to the previous date."""
    scheduled_minutes: int = 480
    """所定労働時間 of a working day (a timecard may override it, e.g. 0 on a day off)."""
    month_start_day: int = 1
    """起算日 of the month of the 60-hour count (1–28; the 36協定's or the wage period's)."""

    def __post_init__(self) -> None:
        if not 1 <= self.month_start_day <= 28:
            raise ValueError("month_start_day must be between 1 and 28")
        if self.scheduled_minutes < 0:
            raise ValueError("scheduled_minutes must not be negative")
        for weekday in (self.rest_day, self.week_start):
            if weekday is not None and not 0 <= weekday <= 6:
                raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")

    def is_rest_day(self, day: dt.date) -> bool:
        return day.weekday() == self.rest_day or day in self.rest_dates

    def working_day(self, start: dt.datetime) -> dt.date:
        """The business day a shift starting at ``start`` belongs to."""
        if start.time() < self.day_change:
            return start.date() - dt.timedelta(days=1)
        return start.date()

    def week_of(self, day: dt.date) -> dt.date:
        """First day of the week containing ``day``."""
        return day - dt.timedelta(days=(day.weekday() - self.week_start) % 7)

    def month_of(self, day: dt.date) -> dt.date:
        """First day of the 60-hour month containing ``day``."""
        if day.day >= self.month_start_day:
            return day.replace(day=self.month_start_day)
        previous = day.replace(day=1) - dt.timedelta(days=1)
        return previous.replace(day=self.month_start_day)


Interval = tuple[dt.datetime, dt.datetime]


def _check_minutes(moment: dt.datetime, what: str) -> None:
    if moment.tzinfo is not None:
        raise ValueError(f"{what} must be a local (naive) time")
    if moment.second or moment.microsecond:
        raise ValueError(f"{what} must be a whole minute")


@dataclass(frozen=True, slots=True)
class Timecard:
    """One worked span: start and end (local time), and its breaks.

    ``breaks`` are exact break intervals inside the span; ``break_minutes`` is a break whose
    position is unknown (placed in the middle of the span). Give one or the other.
    """

    start: dt.datetime
    end: dt.datetime
    break_minutes: int = 0
    breaks: tuple[Interval, ...] = ()
    scheduled_minutes: int | None = None
    """所定労働時間 of this card's working day when it differs from the settings' (0 on a
    non-statutory day off, so that all its time within 8 h / 40 h is 法内残業)."""

    def __post_init__(self) -> None:
        _check_minutes(self.start, "start")
        _check_minutes(self.end, "end")
        if self.end <= self.start:
            raise ValueError("a timecard must end after it starts")
        if self.break_minutes < 0:
            raise ValueError("break_minutes must not be negative")
        if self.breaks and self.break_minutes:
            raise ValueError("give either break intervals or break_minutes, not both")
        if self.scheduled_minutes is not None and self.scheduled_minutes < 0:
            raise ValueError("scheduled_minutes must not be negative")
        previous_end = self.start
        for begin, finish in sorted(self.breaks):
            _check_minutes(begin, "break start")
            _check_minutes(finish, "break end")
            if not previous_end <= begin < finish <= self.end:
                raise ValueError("breaks must lie inside the timecard and not overlap")
            previous_end = finish
        if self.span_minutes - self.total_break_minutes <= 0:
            raise ValueError("the breaks take the whole timecard")

    @property
    def span_minutes(self) -> int:
        return (self.end - self.start) // MINUTE

    @property
    def total_break_minutes(self) -> int:
        if self.breaks:
            return sum((finish - begin) // MINUTE for begin, finish in self.breaks)
        return self.break_minutes

    @property
    def worked_minutes(self) -> int:
        return self.span_minutes - self.total_break_minutes

    def worked_intervals(self) -> list[Interval]:
        """The worked time, in order (the span less its breaks)."""
        breaks = sorted(self.breaks)
        if self.break_minutes:
            before = (self.span_minutes - self.break_minutes) // 2
            begin = self.start + before * MINUTE
            breaks = [(begin, begin + self.break_minutes * MINUTE)]
        worked = []
        cursor = self.start
        for begin, finish in breaks:
            if begin > cursor:
                worked.append((cursor, begin))
            cursor = finish
        if cursor < self.end:
            worked.append((cursor, self.end))
        return worked


# --- result ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PremiumMinutes:
    """Worked minutes in disjoint cells: every minute is in exactly one."""

    regular: int = 0
    regular_night: int = 0
    within_statutory: int = 0
    """法内残業: past the scheduled minutes, within 8 h/day and 40 h/week."""
    within_statutory_night: int = 0
    overtime_to_60h: int = 0
    """Statutory overtime (時間外労働) up to the 60th hour of the month."""
    overtime_to_60h_night: int = 0
    overtime_over_60h: int = 0
    overtime_over_60h_night: int = 0
    rest_day: int = 0
    """Work on the statutory rest day (休日労働)."""
    rest_day_night: int = 0

    def __add__(self, other: PremiumMinutes) -> PremiumMinutes:
        return PremiumMinutes(
            **{name: getattr(self, name) + getattr(other, name) for name in _CELL_NAMES}
        )

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in _CELL_NAMES)

    @property
    def overtime(self) -> int:
        """All statutory overtime (the minutes beyond 60 h included)."""
        return (
            self.overtime_to_60h
            + self.overtime_to_60h_night
            + self.overtime_over_60h
            + self.overtime_over_60h_night
        )

    @property
    def night(self) -> int:
        return (
            self.regular_night
            + self.within_statutory_night
            + self.overtime_to_60h_night
            + self.overtime_over_60h_night
            + self.rest_day_night
        )

    def summary(self) -> dict[str, int]:
        """The figures of ``haken calc premiums``: ``regular``, ``within_statutory_overtime``,
        ``overtime`` and ``rest_day`` partition the worked minutes; ``overtime`` includes
        ``overtime_over_60h``; ``night`` is every late-night minute; ``*_night`` overlaps."""
        return {
            "regular": self.regular + self.regular_night,
            "within_statutory_overtime": self.within_statutory + self.within_statutory_night,
            "overtime": self.overtime,
            "overtime_over_60h": self.overtime_over_60h + self.overtime_over_60h_night,
            "night": self.night,
            "overtime_night": self.overtime_to_60h_night + self.overtime_over_60h_night,
            "rest_day": self.rest_day + self.rest_day_night,
            "rest_day_night": self.rest_day_night,
        }


_CELL_NAMES = tuple(f.name for f in fields(PremiumMinutes))
"""The cells of :class:`PremiumMinutes`, once (``fields()`` is slow on the hot path)."""


@dataclass(frozen=True, slots=True)
class DayMinutes:
    """One working day's classified minutes."""

    working_day: dt.date
    minutes: PremiumMinutes


@dataclass(frozen=True, slots=True)
class PremiumResult:
    minutes: PremiumMinutes
    days: tuple[DayMinutes, ...]
    rules: PremiumRules

    def by_month(self, settings: WorkSettings) -> dict[dt.date, PremiumMinutes]:
        """Totals per month of the 60-hour count (keyed by its first day)."""
        months: dict[dt.date, PremiumMinutes] = {}
        for day in self.days:
            key = settings.month_of(day.working_day)
            months[key] = months.get(key, PremiumMinutes()) + day.minutes
        return months


# --- the classification ------------------------------------------------------------------


_DAY = 1440
"""Minutes in a day: the classification works on whole minutes counted from 0001-01-01
00:00 (``date.toordinal() * _DAY`` + the minute of the day), not on datetimes."""


def _minute(moment: dt.datetime) -> int:
    """A whole-minute local time → minutes since 0001-01-01 00:00 (see ``_DAY``)."""
    return moment.toordinal() * _DAY + moment.hour * 60 + moment.minute


def _clock_minutes(clock: dt.time) -> int:
    """The first whole minute of the day at or after ``clock`` (a minute ``m`` is before
    ``clock`` exactly when ``m < _clock_minutes(clock)``)."""
    return clock.hour * 60 + clock.minute + (1 if clock.second or clock.microsecond else 0)


@cache
def _night_bounds(night_start: dt.time, night_end: dt.time) -> tuple[int, int]:
    """The late-night hours as minutes of the day (whole minutes, as the tables give them)."""
    for clock in (night_start, night_end):
        if clock.second or clock.microsecond:
            raise ValueError("the late-night hours must be whole minutes")
    return night_start.hour * 60 + night_start.minute, night_end.hour * 60 + night_end.minute


def _worked_minutes(card: Timecard) -> list[tuple[int, int]]:
    """``card.worked_intervals()`` in minutes (see ``_DAY``)."""
    start, end = _minute(card.start), _minute(card.end)
    if card.break_minutes:
        begin = start + (end - start - card.break_minutes) // 2
        breaks = [(begin, begin + card.break_minutes)]
    elif card.breaks:
        breaks = sorted((_minute(b), _minute(f)) for b, f in card.breaks)
    else:
        return [(start, end)]
    worked = []
    cursor = start
    for begin, finish in breaks:
        if begin > cursor:
            worked.append((cursor, begin))
        cursor = finish
    if cursor < end:
        worked.append((cursor, end))
    return worked


def _cuts(begin: int, end: int, offsets: tuple[int, ...]) -> list[int]:
    """The boundaries of ``[begin, end)`` cut at every midnight and night boundary, so that
    each piece lies in one calendar day and is wholly night or wholly not. ``offsets``: the
    day's boundaries as minutes of the day, ascending (computed once a call, not a day)."""
    cuts = [begin]
    base = begin - begin % _DAY
    while base < end:
        for offset in offsets:
            moment = base + offset
            if begin < moment < end:
                cuts.append(moment)
        base += _DAY
    cuts.append(end)
    return cuts


@cache
def _regular_only(minutes: int) -> PremiumMinutes:
    """A plain day's minutes (immutable, so one object per count is shared)."""
    return PremiumMinutes(regular=minutes)


@functools.lru_cache(maxsize=4096)
def _minutes_of(cells: tuple[int, ...]) -> PremiumMinutes:
    """A day's cells in field order (immutable: identical days share one object)."""
    return PremiumMinutes(*cells)


def _shifts(timecards: Iterable[Timecard]) -> list[list[Timecard]]:
    """Cards in time order, touching cards joined into one shift; overlaps refused."""
    cards = sorted(timecards, key=lambda c: (c.start, c.end))
    shifts: list[list[Timecard]] = []
    for card in cards:
        if shifts:
            last = shifts[-1][-1]
            if card.start < last.end:
                raise ValueError(
                    f"timecards overlap: {last.start:%Y-%m-%d %H:%M}–{last.end:%H:%M} and "
                    f"{card.start:%Y-%m-%d %H:%M}–{card.end:%H:%M}"
                )
            if card.start == last.end:
                shifts[-1].append(card)
                continue
        shifts.append([card])
    return shifts


def _plain_day(
    cards: Sequence[Timecard],
    working_day: dt.date,
    scheduled: int,
    settings: WorkSettings,
    rules: PremiumRules,
    week_done: int,
) -> int | None:
    """The worked minutes of a plain day shift, else None: one card, on one calendar date
    that is not a statutory rest day, wholly outside the late-night hours, within the
    scheduled minutes, the daily 8 h and what is left of the weekly 40 h. Every such minute
    is regular (the general path would find exactly that, piece by piece: the fast path of
    the invoicing and payroll batches, where most days are such days)."""
    if len(cards) != 1:
        return None
    card = cards[0]
    start, end = card.start, card.end
    if rules.night_start <= rules.night_end or start.toordinal() != end.toordinal():
        return None
    if start.time() < rules.night_end or end.time() > rules.night_start:
        return None
    worked = (end - start) // MINUTE - (
        card.break_minutes if not card.breaks else card.total_break_minutes
    )
    if worked > scheduled or worked > rules.daily_limit_minutes:
        return None
    if worked > rules.weekly_limit_minutes - week_done:
        return None
    if settings.is_rest_day(working_day) or settings.is_rest_day(start.date()):
        return None
    return worked


def classify(
    timecards: Iterable[Timecard],
    settings: WorkSettings,
    rules: PremiumRules,
    *,
    period: tuple[dt.date, dt.date] | None = None,
) -> PremiumResult:
    """Classify every worked minute (see the module text for the rules).

    Pass the cards of the days before ``period`` that share its first week (and its 60-hour
    month, when the period does not start on the 起算日): they fill the weekly and monthly
    counters but are not reported. Cards of working days after ``period`` are ignored.

    Times are handled as whole minutes (see ``_DAY``): the day's band boundaries (midnight,
    the late-night hours) are minute offsets, the working day, week and rest day are
    computed from the day's ordinal; a day's cells are ten integers in field order
    (regular, its night, 法内残業, its night, overtime to 60 h, its night, beyond 60 h, its
    night, rest day, its night).
    """
    night_start, night_end = _night_bounds(rules.night_start, rules.night_end)
    across_midnight = night_start > night_end
    offsets = tuple(sorted({0, night_start, night_end}))
    day_change = _clock_minutes(settings.day_change)
    rest_weekday = settings.rest_day
    rest_dates = {day.toordinal() for day in settings.rest_dates}
    week_start = settings.week_start
    daily_limit = rules.daily_limit_minutes
    weekly_limit = rules.weekly_limit_minutes
    tier = rules.monthly_overtime_tier_minutes
    first = period[0].toordinal() if period is not None else None
    last = period[1].toordinal() if period is not None else None

    by_day: dict[int, list[Timecard]] = {}
    for shift in _shifts(timecards):
        head = shift[0].start
        day = head.toordinal()
        if head.hour * 60 + head.minute < day_change:
            day -= 1  # before the day change: the previous business day
        found = by_day.get(day)
        if found is None:
            by_day[day] = list(shift)
        else:
            found.extend(shift)

    weekly: dict[int, int] = {}
    monthly: dict[dt.date, int] = {}
    days = []
    totals = [0] * 10
    for day in sorted(by_day):
        if last is not None and day > last:
            break
        cards = by_day[day]
        scheduled = settings.scheduled_minutes
        for card in cards:
            if card.scheduled_minutes is not None:
                scheduled = card.scheduled_minutes
                break
        weekday = (day + 6) % 7  # date.fromordinal(1) is a Monday (0)
        if weekday == rest_weekday or day in rest_dates:
            scheduled = 0
        week = day - (weekday - week_start) % 7
        week_done = weekly.get(week, 0)
        working_day = dt.date.fromordinal(day)
        reported = first is None or day >= first
        if len(cards) == 1:
            plain = _plain_day(cards, working_day, scheduled, settings, rules, week_done)
            if plain is not None:
                weekly[week] = week_done + plain
                if reported:
                    totals[0] += plain
                    days.append(DayMinutes(working_day, _regular_only(plain)))
                continue
        month = settings.month_of(working_day)
        month_done = monthly.get(month, 0)
        cells = [0] * 10
        daily = 0
        regular_used = 0
        for card in cards:
            for begin, end in _worked_minutes(card):
                cuts = _cuts(begin, end, offsets)
                for index in range(len(cuts) - 1):
                    piece = cuts[index]
                    count = cuts[index + 1] - piece
                    clock = piece % _DAY
                    if across_midnight:
                        night = 1 if clock >= night_start or clock < night_end else 0
                    else:
                        night = 1 if night_start <= clock < night_end else 0
                    date = piece // _DAY
                    if (date + 6) % 7 == rest_weekday or date in rest_dates:
                        cells[8 + night] += count
                        continue
                    # max(0, min(…)) of each limit, written out (the hot loop)
                    within_day = daily_limit - daily
                    within_day = count if within_day > count else max(within_day, 0)
                    daily += count
                    within_week = weekly_limit - week_done
                    within_week = within_day if within_week > within_day else max(within_week, 0)
                    week_done += within_week
                    regular = scheduled - regular_used
                    regular = within_week if regular > within_week else max(regular, 0)
                    regular_used += regular
                    cells[night] += regular
                    cells[2 + night] += within_week - regular
                    overtime = count - within_week
                    to_60h = tier - month_done
                    to_60h = overtime if to_60h > overtime else max(to_60h, 0)
                    month_done += overtime
                    cells[4 + night] += to_60h
                    cells[6 + night] += overtime - to_60h
        weekly[week] = week_done
        monthly[month] = month_done
        if reported:
            for index, value in enumerate(cells):
                totals[index] += value
            days.append(DayMinutes(working_day, _minutes_of(tuple(cells))))
    return PremiumResult(minutes=PremiumMinutes(*totals), days=tuple(days), rules=rules)


def calculate_premiums(
    timecards: Sequence[Timecard],
    settings: WorkSettings,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    small_enterprise: bool = False,
    special_workplace: bool = False,
    tz: dt.tzinfo | None = None,
) -> PremiumResult:
    """One worker's premium minutes, with the statutory rules in force (the function the
    CLI and the attendance API call). Aware datetimes are first converted to ``tz`` (the
    site's zone). A period across a change of the statutory rules is refused: split it."""
    if tz is not None:
        timecards = [_localize(card, tz) for card in timecards]
    if not timecards:
        if period is None:
            raise ValueError("no timecards and no period: nothing to calculate")
        return PremiumResult(PremiumMinutes(), (), rules_on(period[0]))
    if period is not None:
        first, last = period
    else:
        working_days = sorted(settings.working_day(card.start) for card in timecards)
        first, last = working_days[0], working_days[-1]
    rules = rules_on(first, small_enterprise=small_enterprise, special_workplace=special_workplace)
    later = rules_on(last, small_enterprise=small_enterprise, special_workplace=special_workplace)
    if later != rules:
        raise ValueError(
            f"the statutory rules change on {later.effective_from.isoformat()}: "
            "split the period there"
        )
    return classify(timecards, settings, rules, period=period)


def _localize(card: Timecard, tz: dt.tzinfo) -> Timecard:
    def local(moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(tz).replace(tzinfo=None)

    return Timecard(
        start=local(card.start),
        end=local(card.end),
        break_minutes=card.break_minutes,
        breaks=tuple((local(b), local(e)) for b, e in card.breaks),
        scheduled_minutes=card.scheduled_minutes,
    )


# --- the CSV of ``haken calc premiums`` ---------------------------------------------------


class TimecardCsvError(ValueError):
    """A line of a timecard CSV that cannot be read."""


_CSV_COLUMNS = ("date", "start", "end", "break_minutes")


def _clock(text: str, *, allow_24: bool) -> dt.time | None:
    """HH:MM → time; ``24:00`` → None (midnight of the next day) when allowed."""
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a time HH:MM: {text!r}")
    hours, minutes = int(parts[0]), int(parts[1])
    if allow_24 and hours == 24 and minutes == 0:
        return None
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ValueError(f"not a time HH:MM: {text!r}")
    return dt.time(hours, minutes)


def timecards_from_csv(text: str) -> list[Timecard]:
    """Read ``date,start,end,break_minutes`` (HH:MM; an end of ``24:00`` or earlier than
    the start is the next day). An optional ``scheduled_minutes`` column overrides the
    scheduled minutes of that card's working day (0 on a non-statutory day off)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in _CSV_COLUMNS if c not in header and c != "break_minutes"]
    if missing:
        raise TimecardCsvError(f"missing column(s): {', '.join(missing)}")
    cards = []
    for row in reader:
        line = reader.line_num
        values = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue
        try:
            day = dt.date.fromisoformat(values["date"])
            start = _clock(values["start"], allow_24=False)
            end = _clock(values["end"], allow_24=True)
            assert start is not None
            begin = dt.datetime.combine(day, start)
            finish = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0))
            if end is not None:
                finish = dt.datetime.combine(day, end)
                if end <= start:
                    finish += dt.timedelta(days=1)
            break_text = values.get("break_minutes", "")
            scheduled_text = values.get("scheduled_minutes", "")
            cards.append(
                Timecard(
                    start=begin,
                    end=finish,
                    break_minutes=int(break_text) if break_text else 0,
                    scheduled_minutes=int(scheduled_text) if scheduled_text else None,
                )
            )
        except (ValueError, KeyError) as error:
            raise TimecardCsvError(f"line {line}: {error}") from error
    return cards


# --- hourly base (労基則19条) --------------------------------------------------------------


class ExcludedWage(enum.Enum):
    """The closed list of wages left out of the premium base (LSA 37条5項, 則21条)."""

    FAMILY = "family"  # 家族手当
    COMMUTING = "commuting"  # 通勤手当
    LIVING_APART = "living_apart"  # 別居手当
    CHILD_EDUCATION = "child_education"  # 子女教育手当
    HOUSING = "housing"  # 住宅手当
    ONE_OFF = "one_off"  # 臨時に支払われた賃金
    OVER_ONE_MONTH = "over_one_month"  # 1か月を超える期間ごとに支払われる賃金


@dataclass(frozen=True, slots=True)
class WagePart:
    """One part of a month's wage. ``excluded`` names the kind of the 7 it is *in substance*:
    a family or housing allowance paid at one flat amount to everyone (not by dependants or
    rent) is not excluded, whatever its name (``flat_rate=True``)."""

    name: str
    amount: Decimal
    excluded: ExcludedWage | None = None
    flat_rate: bool = False

    @property
    def in_base(self) -> bool:
        return self.excluded is None or self.flat_rate


def premium_base(parts: Iterable[WagePart]) -> Decimal:
    """The wages the premiums are computed on (the excludable allowances left out)."""
    return sum((p.amount for p in parts if p.in_base), Decimal(0))


def average_monthly_scheduled_hours(
    *, days_off_per_year: int, daily_scheduled_hours: Decimal, days_in_year: int = 365
) -> Decimal:
    """Average scheduled hours a month over a year: (days − days off) × daily hours ÷ 12
    (366 days in a leap year). Exact, not rounded."""
    working_days = days_in_year - days_off_per_year
    return Decimal(working_days) * Decimal(daily_scheduled_hours) / 12


class YenRounding(enum.Enum):
    """Rounding of an amount to the yen the circular allows (昭63.3.14 基発150号)."""

    NONE = "none"
    """Keep the exact amount (only for an intermediate figure such as the hourly base)."""
    FIFTY_SEN = "fifty_sen"
    """Under 50 sen dropped, 50 sen and over up to ¥1."""
    UP = "up"
    """Always up (favours the worker, always lawful)."""


def round_yen(amount: Decimal, rounding: YenRounding) -> Decimal:
    if rounding is YenRounding.NONE:
        return amount
    if rounding is YenRounding.FIFTY_SEN:
        return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return amount.quantize(Decimal(1), rounding=ROUND_CEILING)


class MonthlyMinutesRounding(enum.Enum):
    """Rounding of a month's total of overtime, rest-day or night minutes (each separately).
    Only a month's total may be rounded; rounding each day down is unlawful."""

    NONE = "none"
    """Exact minutes (the default)."""
    HALF_HOUR = "half_hour"
    """基発150号: under 30 minutes dropped, 30 minutes and over up to the hour."""
    UP = "up"
    """Always up to the hour (favours the worker)."""


def round_monthly_minutes(minutes: int, rounding: MonthlyMinutesRounding) -> int:
    if rounding is MonthlyMinutesRounding.NONE:
        return minutes
    hours, rest = divmod(minutes, 60)
    if rounding is MonthlyMinutesRounding.HALF_HOUR:
        return (hours + (1 if rest >= 30 else 0)) * 60
    return (hours + (1 if rest else 0)) * 60


def hourly_base_from_monthly(
    parts: Iterable[WagePart],
    average_monthly_hours: Decimal,
    rounding: YenRounding = YenRounding.NONE,
) -> Decimal:
    """Monthly pay → hourly base: premium base ÷ average monthly scheduled hours (not that
    month's hours). ``rounding``: the agency's option (exact by default)."""
    if average_monthly_hours <= 0:
        raise ValueError("average monthly scheduled hours must be positive")
    return round_yen(premium_base(parts) / average_monthly_hours, rounding)


def hourly_base_from_daily(
    daily_wage: Decimal,
    daily_scheduled_hours: Decimal,
    rounding: YenRounding = YenRounding.NONE,
) -> Decimal:
    """Daily pay → hourly base: ÷ the daily scheduled hours (their average over a week when
    they vary, 則19条1項2号)."""
    if daily_scheduled_hours <= 0:
        raise ValueError("daily scheduled hours must be positive")
    return round_yen(Decimal(daily_wage) / Decimal(daily_scheduled_hours), rounding)


# --- amounts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PayOptions:
    """The agency's choices, each defaulting to a lawful one (docs/labor.md)."""

    minutes_rounding: MonthlyMinutesRounding = MonthlyMinutesRounding.NONE
    hourly_amount_rounding: YenRounding = YenRounding.NONE
    """Rounding of each class's hourly amount (base × multiplier) before hours multiply it."""
    total_rounding: YenRounding = YenRounding.FIFTY_SEN
    """Rounding of each class's monthly total (must reach the yen)."""
    within_statutory_multiplier: Decimal = Decimal(1)
    """法内残業 is owed at 100 % (the work rules may pay a premium)."""
    salary_covers_scheduled_time: bool = False
    """True for a monthly salary: regular time is already paid, so its night minutes earn
    only the night premium and regular minutes earn nothing here. False (hourly or daily
    pay): regular minutes are paid at 100 % here."""


def premium_pay(
    minutes: PremiumMinutes,
    hourly_base: Decimal,
    rules: PremiumRules,
    options: PayOptions = PayOptions(),
) -> dict[str, Decimal]:
    """Yen per class for one month (``minutes`` must be a month's totals: the minute
    rounding applies to monthly totals only). Overlaps add (労基則20条)."""
    rates = rules.multipliers(options.within_statutory_multiplier)
    night_add = rates["night"] - 1
    regular_rate = Decimal(0) if options.salary_covers_scheduled_time else Decimal(1)
    lines = {
        "regular": (minutes.regular, regular_rate),
        "regular_night": (minutes.regular_night, regular_rate + night_add),
        "within_statutory_overtime": (minutes.within_statutory, rates["within_statutory_overtime"]),
        "within_statutory_overtime_night": (
            minutes.within_statutory_night,
            rates["within_statutory_overtime"] + night_add,
        ),
        "overtime": (minutes.overtime_to_60h, rates["overtime"]),
        "overtime_night": (minutes.overtime_to_60h_night, rates["overtime_night"]),
        "overtime_over_60h": (minutes.overtime_over_60h, rates["overtime_over_60h"]),
        "overtime_over_60h_night": (
            minutes.overtime_over_60h_night,
            rates["overtime_over_60h_night"],
        ),
        "rest_day": (minutes.rest_day, rates["rest_day"]),
        "rest_day_night": (minutes.rest_day_night, rates["rest_day_night"]),
    }
    amounts = {}
    for name, (count, rate) in lines.items():
        counted = round_monthly_minutes(count, options.minutes_rounding)
        per_hour = round_yen(hourly_base * rate, options.hourly_amount_rounding)
        amounts[name] = round_yen(per_hour * counted / 60, options.total_rounding)
    return amounts
