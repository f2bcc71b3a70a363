"""The two 3-year limits of the Worker Dispatch Act (労働者派遣法) and their 抵触日.

Source: JP_LABOR.md §7.1 (the brief), JP_DISPATCH.md §1.1 item 17 and §1.2.

* **Site limit (事業所単位, Art. 40-2).** A client site may take dispatched workers for at
  most 3 years. The *conflict date* (抵触日) is the first day past those 3 years: for a clock
  started on 2026-04-01 it is 2029-04-01. Swapping in other workers does not reset the clock.
  The client may extend it by up to 3 years at a time after hearing the majority union or
  representative (意見聴取) at least 1 month before the 抵触日 (``SiteExtension``).
* **Individual limit (個人単位, Art. 40-3).** The same worker in the same organisational unit
  (組織単位) of a site: at most 3 years, never extended, and counted across agencies (the
  caller passes the worker's periods in that unit through every agency).
* **Cooling-off (クーリング).** Both clocks restart only after a gap of **more than 3
  months** with no counted dispatch: 3 months **and at least 1 day**. A dispatch that ends on
  31 March resets the clock if the next one starts on 2 July or later; one starting on
  1 July (a gap of exactly 3 months, 1 April to 30 June) continues the old clock.
* **Exemptions from both limits**: a worker on an indefinite contract with the agency
  (無期雇用), a worker aged 60 or over, a time-limited project, work on few days, and cover for
  maternity, childcare or family-care leave (``Exemption``).
* **Aged 60 (派遣法40条の2第1項2号ロ, 則32条の5).** A worker is 60 from the day they *reach*
  60 under the Age Calculation Act (``aged_60_from``): the day before the 60th birthday. From
  that day no limit applies to them, so every 抵触日 falling on or after it never binds
  (``binds``, ``effective_conflict_date``); a date before it still does.
* **Periods through other agencies.** The individual limit counts the worker's time in the
  unit through any agency (JP_LABOR §7.1 "binds even if the worker comes back through a
  different agency"): callers pass the periods the coordinator or the client declared along
  with their own history; the same cooling-off merges or separates them.

Periods counted in months follow the Civil Code (see ``civil_periods``). A dispatch by an
exempt worker (``DispatchPeriod.exempt``) neither starts nor continues a clock: it is left
out entirely, as if no counted dispatch took place on those days.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from haken.labor.civil_periods import (
    ONE_DAY,
    add_months,
    anniversary,
    day_after_period,
    gap_more_than,
)

LIMIT_MONTHS = 36
"""Both limits: 3 years (Arts. 40-2 and 40-3)."""

COOLING_OFF_MONTHS = 3
"""A gap must be *more than* this many months to reset a clock."""

MAX_EXTENSION_MONTHS = 36
"""One site extension lasts at most 3 years (Art. 40-2(3))."""

HEARING_LEAD_MONTHS = 1
"""The 意見聴取 must take place at least 1 month before the site 抵触日 (Art. 40-2(4))."""

EXEMPT_AGE = 60
"""Workers aged 60 or over are outside both limits (派遣法40条の2第1項2号ロ, 則32条の5)."""

LIMITED_DAYS_MAX_PER_MONTH = 10
"""Few-days work: at most 10 days a month ... (派遣法40条の2第1項3号ロ; not in the brief)."""


class Exemption(enum.StrEnum):
    """Why a dispatch is outside the 3-year limits (JP_LABOR §7.1; JP_DISPATCH §1.1 item 17)."""

    INDEFINITE_CONTRACT = "INDEFINITE_CONTRACT"
    """The worker is on an indefinite (無期) contract with the agency."""
    AGED_60_OR_OVER = "AGED_60_OR_OVER"
    """The worker is aged 60 or over."""
    FIXED_PERIOD_PROJECT = "FIXED_PERIOD_PROJECT"
    """Work on a project that is to finish within a set period (有期プロジェクト)."""
    LIMITED_DAYS = "LIMITED_DAYS"
    """Work done on few days a month (日数限定業務)."""
    LEAVE_COVER = "LEAVE_COVER"
    """Cover for a client employee on maternity, childcare or family-care leave."""


WORK_EXEMPTIONS = frozenset(
    {Exemption.FIXED_PERIOD_PROJECT, Exemption.LIMITED_DAYS, Exemption.LEAVE_COVER}
)
"""Exemptions that belong to the work (stated in the contract), not to the worker."""


@dataclass(frozen=True)
class DispatchPeriod:
    """One stretch of dispatch, both days included.

    For the site limit: any counted dispatch at the site. For the individual limit: this
    worker in this 組織単位, through any agency. ``exempt`` marks a stretch that was outside
    the limits (e.g. done by a 60+ worker) and is therefore not counted.
    """

    start: date
    end: date
    exempt: bool = False

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"dispatch period ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class SiteExtension:
    """An extension of the site limit after a hearing (意見聴取) of the majority union.

    ``months`` is the length of the extension, at most 3 years; it runs from the 抵触日 it
    extends.
    """

    hearing_date: date
    months: int = MAX_EXTENSION_MONTHS

    def __post_init__(self) -> None:
        if not 1 <= self.months <= MAX_EXTENSION_MONTHS:
            raise ValueError("an extension lasts between 1 month and 3 years")


@dataclass(frozen=True)
class ConflictResult:
    """The 抵触日 of one clock, or why there is none.

    * ``conflict_date``: the first day on which continuing the dispatch breaches the limit;
      ``None`` when the dispatch is exempt or no counted dispatch is running.
    * ``exemption``: the reason when exempt.
    * ``clock_start``: the first day of the counted run (after the last cooling-off).
    * ``age_exemption_from``: set when the worker reaches 60 (``aged_60_from``) on or before
      ``conflict_date``.
      The date is still owed on documents while the worker is under 60, but the limit will
      never be breached, so alerts skip it.
    * ``late_extensions``: site extensions whose hearing came after the deadline and were
      therefore not applied.
    """

    conflict_date: date | None
    exemption: Exemption | None = None
    clock_start: date | None = None
    age_exemption_from: date | None = None
    late_extensions: tuple[SiteExtension, ...] = ()

    @property
    def binding(self) -> bool:
        """True when a limit will actually be reached on ``conflict_date``."""
        return self.conflict_date is not None and self.age_exemption_from is None


def aged_60_from(birth_date: date) -> date:
    """The first day on which the worker counts as aged 60 for the period limits.

    派遣法40条の2第1項2号ロ exempts "a worker of the age set by ordinance or over", and 則32条の5
    sets it at 60. Ages are counted from the day of birth (年齢計算ニ関スル法律1項, the first day
    counted) and end as 民法143条 ends a period (同法2項): a person *reaches* 60 (60歳に達する)
    at the end of the day before the 60th birthday, and labour and social-insurance law reads
    "X歳に達した日" as that day (the brief uses the same reading for 介護保険, JP_LABOR §2:
    "a person turns 40 on the day before the 40th birthday"). The exemption therefore applies
    from the day before the 60th birthday: born 1967-06-15, exempt from 2027-06-14. Confidence
    M: the brief (JP_DISPATCH §1.5 item 4, §1.6 item 7) names the exemption but not the day,
    and the MHLW 業務取扱要領 was not read.

    >>> aged_60_from(date(1967, 6, 15))
    datetime.date(2027, 6, 14)
    >>> aged_60_from(date(1968, 2, 29))  # 60th birthday 2028-02-29: reached on 2028-02-28
    datetime.date(2028, 2, 28)
    """
    return anniversary(birth_date, EXEMPT_AGE) - ONE_DAY


def _age_pre_empts(conflict_date: date, birth_date: date | None) -> date | None:
    """The day the worker reaches 60 when it comes on or before ``conflict_date``, else None.

    Continuing a dispatch on the 抵触日 is what breaches a limit; a worker who is 60 on that day
    (or earlier) is outside the limit by then, so the date is never breached.
    """
    if birth_date is None:
        return None
    turns_60 = aged_60_from(birth_date)
    return turns_60 if turns_60 <= conflict_date else None


def conflict_date_for(clock_start: date) -> date:
    """The 抵触日 of a clock that started on ``clock_start``: the day after 3 years.

    >>> conflict_date_for(date(2015, 10, 1))
    datetime.date(2018, 10, 1)
    """
    return day_after_period(clock_start, LIMIT_MONTHS)


def resets_clock(last_day: date, next_start: date) -> bool:
    """True when a dispatch starting on ``next_start`` starts a fresh clock.

    The gap between ``last_day`` (the last day of counted dispatch) and ``next_start`` must
    be more than 3 months, i.e. 3 months and at least 1 day.
    """
    return gap_more_than(last_day, next_start, COOLING_OFF_MONTHS)


def first_reset_start(last_day: date) -> date:
    """The earliest start date after ``last_day`` that begins a fresh clock.

    >>> first_reset_start(date(2026, 3, 31))
    datetime.date(2026, 7, 2)
    """
    # The gap runs from the day after last_day; it must outlast a full 3-month period.
    return day_after_period(last_day + ONE_DAY, COOLING_OFF_MONTHS) + ONE_DAY


@dataclass(frozen=True)
class _Run:
    start: date
    end: date


def _runs(periods: Iterable[DispatchPeriod]) -> list[_Run]:
    """Counted periods merged into clock runs: joined unless the gap resets the clock."""
    counted = sorted((p for p in periods if not p.exempt), key=lambda p: (p.start, p.end))
    runs: list[_Run] = []
    for period in counted:
        if runs and not resets_clock(runs[-1].end, period.start):
            last = runs[-1]
            runs[-1] = _Run(last.start, max(last.end, period.end))
        else:
            runs.append(_Run(period.start, period.end))
    return runs


def _run_at(runs: Sequence[_Run], reference_date: date) -> _Run | None:
    """The clock run that governs ``reference_date``.

    The last run started on or before the reference date, while its cooling-off has not yet
    passed; once it has, the next planned run if any; before any run, the first one.
    """
    started = [r for r in runs if r.start <= reference_date]
    upcoming = [r for r in runs if r.start > reference_date]
    if started:
        current = started[-1]
        if reference_date < first_reset_start(current.end):
            return current
    return upcoming[0] if upcoming else None


def site_conflict_date(
    periods: Iterable[DispatchPeriod],
    *,
    reference_date: date,
    extensions: Iterable[SiteExtension] = (),
) -> ConflictResult:
    """The site (事業所単位) 抵触日, after any valid extensions.

    ``periods`` are all dispatch stretches at the site, of any worker and agency (exempt
    ones are ignored). Each extension moves the 抵触日 on by its ``months``, provided its
    hearing took place within the run and on or before the deadline
    (``hearing_deadline``) of the 抵触日 in force at that point; extensions heard before the
    run began belong to an earlier, reset clock and are ignored; late ones are reported.
    """
    run = _run_at(_runs(periods), reference_date)
    if run is None:
        return ConflictResult(conflict_date=None)
    conflict = conflict_date_for(run.start)
    late: list[SiteExtension] = []
    for extension in sorted(extensions, key=lambda e: e.hearing_date):
        if extension.hearing_date < run.start:
            continue
        if extension.hearing_date > hearing_deadline(conflict):
            late.append(extension)
            continue
        conflict = day_after_period(conflict, extension.months)
    return ConflictResult(
        conflict_date=conflict, clock_start=run.start, late_extensions=tuple(late)
    )


def individual_conflict_date(
    periods: Iterable[DispatchPeriod],
    *,
    reference_date: date,
    birth_date: date | None,
    indefinite_contract: bool,
    work_exemption: Exemption | None = None,
) -> ConflictResult:
    """The individual (個人単位) 抵触日 of one worker in one 組織単位.

    ``periods`` are the worker's stretches in the unit through *every* agency: this agency's
    assignments and the earlier periods declared through others (JP_LABOR §7.1); they merge
    into one clock unless a gap of more than 3 months separates them.

    Exempt when, on ``reference_date``, the worker is on an indefinite contract with the
    agency, has reached 60 (``aged_60_from``: the day before the 60th birthday), or the work
    itself is exempt (``work_exemption``: a project, few days or leave cover).

    A worker who turns 60 during the dispatch: on a reference date before they reach 60 the
    date stands (it is owed on the documents issued then, 派遣法34条1項) and is returned with
    ``age_exemption_from`` set when they reach 60 on or before it, because the limit will then
    never be breached (``binds`` is False); on a reference date from that day on there is no
    date at all (exemption ``AGED_60_OR_OVER``).
    """
    if work_exemption is not None and work_exemption not in WORK_EXEMPTIONS:
        raise ValueError(f"{work_exemption} is not an exemption of the work")
    if indefinite_contract:
        return ConflictResult(conflict_date=None, exemption=Exemption.INDEFINITE_CONTRACT)
    turns_60 = aged_60_from(birth_date) if birth_date is not None else None
    if turns_60 is not None and turns_60 <= reference_date:
        return ConflictResult(
            conflict_date=None, exemption=Exemption.AGED_60_OR_OVER, age_exemption_from=turns_60
        )
    if work_exemption is not None:
        return ConflictResult(conflict_date=None, exemption=work_exemption)
    run = _run_at(_runs(periods), reference_date)
    if run is None:
        return ConflictResult(conflict_date=None)
    conflict = conflict_date_for(run.start)
    return ConflictResult(
        conflict_date=conflict,
        clock_start=run.start,
        age_exemption_from=_age_pre_empts(conflict, birth_date),
    )


def hearing_deadline(conflict_date: date) -> date:
    """The last day on which the 意見聴取 for extending the site limit may be held.

    "At least 1 month before the 抵触日": the same day of the previous month, or that
    month's last day when it has no such day (31 March → 28/29 February), which errs early.
    """
    return add_months(conflict_date, -HEARING_LEAD_MONTHS)


def binds(result: ConflictResult, *, birth_date: date | None) -> bool:
    """True when ``result``'s 抵触日 will actually be reached by this worker.

    A date binds when there is one, no exemption applies, and the worker has not reached 60
    (``aged_60_from``) on or before it. The site result carries no worker, hence the birth
    date: a site date after the worker's 60th is not theirs to meet (40条の2第1項2号ロ lifts the
    site limit as well as the individual one for that worker).
    """
    if result.conflict_date is None or result.exemption is not None:
        return False
    if result.age_exemption_from is not None:
        return False
    return _age_pre_empts(result.conflict_date, birth_date) is None


def effective_conflict_date(
    site: ConflictResult, individual: ConflictResult, *, birth_date: date | None
) -> date | None:
    """The date the worker must leave the unit: the earlier of the two binding 抵触日.

    The site date binds every non-exempt dispatch at the site; the individual date binds
    only this worker. An individual exemption (無期, 60+, work) lifts both limits.

    ``birth_date`` is required (None only when unknown) so that no caller forgets the age
    exemption: a date on or after the day the worker reaches 60 (the day before the 60th
    birthday, ``aged_60_from``; 派遣法40条の2第1項2号ロ, 則32条の5) is dropped, because from
    that day the worker is outside both limits and continuing the dispatch breaches
    nothing. A date before that day stands: the limit is reached while the worker is 59.
    """
    if individual.exemption is not None:
        return None
    dates = [
        r.conflict_date
        for r in (site, individual)
        if r.conflict_date is not None and binds(r, birth_date=birth_date)
    ]
    return min(dates) if dates else None


def days_until_conflict(result: ConflictResult, *, today: date) -> int | None:
    """Days from ``today`` to the 抵触日 (negative once passed); None when nothing binds."""
    if not result.binding or result.conflict_date is None:
        return None
    return (result.conflict_date - today).days


def conflict_within(result: ConflictResult, days: int, *, today: date) -> bool:
    """True when a binding 抵触日 falls within ``days`` days of ``today``.

    A date already passed also counts: it is the most urgent case, not a quiet one.
    """
    remaining = days_until_conflict(result, today=today)
    return remaining is not None and remaining <= days


def is_limited_days_work(days_per_month: int, client_scheduled_days_per_month: int) -> bool:
    """Whether work qualifies as few-days work (日数限定業務), exempt from both limits.

    Not in the brief, which only names the exemption (JP_DISPATCH §1.1 item 17 asks for
    the days per month and the client's normal working days). The rule applied is that of
    派遣法40条の2第1項3号ロ and its 告示 as commonly quoted: the days worked in a month are
    no more than half of the client's regular employees' scheduled days **and** no more
    than 10. Confidence L until checked against e-Gov.
    """
    if days_per_month < 0 or client_scheduled_days_per_month <= 0:
        raise ValueError("days must be positive")
    return (
        days_per_month <= LIMITED_DAYS_MAX_PER_MONTH
        and days_per_month * 2 <= client_scheduled_days_per_month
    )
