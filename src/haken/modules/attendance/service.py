"""Use cases of the attendance area: timecards and their states, closing periods, the ledger.

State machine of a timecard: draft → submitted → approved → locked (by the close of a period
containing its day). A rejection (of a submitted card) returns it to draft with a comment; an
edit of an approved card returns it to submitted; nothing in a closed period can be written
(``ATTENDANCE_PERIOD_CLOSED``) until an admin reopens it with a reason.

The ledger: an approval, or an edit of an approved card, recomputes exactly two rows — the
payroll period of that employee and the billing period of that contract containing the day —
from the approved cards of those periods (plus the days of the first week before the period,
for the weekly 40 h). Nothing else is read, so the cost of a write does not grow with history.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor import closing
from haken.labor.overtime_agreement import (
    AgreementLimits,
    MonthFigures,
    check_agreement,
    resolve_limits,
)
from haken.labor.paid_leave import DayKind
from haken.labor.premiums import (
    PremiumMinutes,
    WorkSettings,
    calculate_premiums,
)
from haken.labor.premiums import (
    Timecard as PremiumCard,
)
from haken.labor.residence import DateRange, find_hours_violations
from haken.modules.assignments.schemas import AttendanceTerms
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.errors import (
    AgreementExistsError,
    DayTakenError,
    InvalidStateError,
    LeaveDayTakenError,
    OutsideAssignmentError,
    PeriodAlreadyClosedError,
    PeriodClosedError,
    PeriodHasUnapprovedError,
    PeriodNotClosedError,
    TimecardsOverlapError,
    TimesRequiredError,
    UnknownShiftError,
    WorkNotPermittedError,
)
from haken.modules.attendance.models import (
    LEDGER_MINUTES,
    LedgerEntry,
    OvertimeAgreement,
    Period,
    ShiftPattern,
    SiteSettings,
    Timecard,
)
from haken.modules.attendance.repository import (
    COUNTED_STATES,
    AttendanceRepository,
    TimecardRepository,
)
from haken.modules.attendance.schemas import (
    NO_TIMES,
    AgreementCreate,
    AgreementFinding,
    AgreementRead,
    AgreementStatus,
    GridRow,
    HoursWarning,
    LedgerFilter,
    LedgerRead,
    Marker,
    MonthRead,
    PeriodClose,
    PeriodFilter,
    PeriodKind,
    PeriodRead,
    PeriodReopen,
    PremiumsRead,
    PremiumsRequest,
    QueueItem,
    RejectBody,
    ShiftRead,
    SiteMonthRead,
    SiteSettingsRead,
    SiteSettingsUpdate,
    TimecardCreate,
    TimecardFilter,
    TimecardRead,
    TimecardState,
    TimecardUpdate,
)
from haken.modules.attendance.sorting import TIMECARD_SORTING
from haken.modules.audit.service import audit_service
from haken.modules.clients.service import clients_service
from haken.modules.employees.schemas import EmployeeBrief
from haken.modules.employees.service import employees_service
from haken.platform.access import Principal, Role
from haken.platform.editing import check_version
from haken.platform.errors import NotFoundError, ValidationFailedError
from haken.platform.logging import get_logger
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import utcnow

log = get_logger(__name__)

DEFAULT_TIMEZONE = "Asia/Tokyo"
DEFAULT_DAY_CHANGE = dt.time(5, 0)
WEEK_START = 6  # Sunday: the week of the 40 h when the work rules say nothing (WorkSettings)
HOURS_WINDOW_DAYS = 6
"""A day's 資格外活動 windows reach 6 days either side (every rolling 7 days holding it)."""

_AUDITED = (
    "employee_id",
    "assignment_id",
    "work_date",
    "shift_code",
    "start_at",
    "end_at",
    "break_minutes",
    "marker",
    "note",
    "state",
    "rejected_comment",
)


@dataclass(frozen=True, slots=True)
class PayrollCalendar:
    """The agency's cut-off and pay day (settings: docs/operations.md)."""

    cutoff_day: int = closing.MONTH_END
    pay_day: int = 25
    pay_months_after: int = 1


def day_hours_warnings(found: Iterable[Any], day: dt.date) -> list[dict[str, Any]] | None:
    """The 資格外活動 findings whose window holds ``day``, as stored on the card (None: none);
    shared by the form, the API and the timesheet import so they store the same shape."""
    hits = [
        HoursWarning(
            kind=v.kind.value,
            start=v.start,
            end=v.end,
            worked_minutes=v.worked_minutes,
            limit_minutes=v.limit_minutes,
        ).model_dump(mode="json")
        for v in found
        if v.start <= day <= v.end
    ]
    return hits or None


def _snapshot(row: Timecard) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _AUDITED}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def _local(moment: dt.datetime, tz: str) -> dt.datetime:
    return moment.astimezone(_zone(tz)).replace(tzinfo=None)


def worked_minutes(row: Timecard) -> int:
    if row.start_at is None or row.end_at is None:
        return 0
    return max(0, int((row.end_at - row.start_at).total_seconds() // 60) - row.break_minutes)


def to_read(row: Timecard) -> TimecardRead:
    start = _local(row.start_at, row.timezone).time() if row.start_at else None
    end = _local(row.end_at, row.timezone).time() if row.end_at else None
    return TimecardRead(
        id=row.id,
        employee_id=row.employee_id,
        assignment_id=row.assignment_id,
        contract_id=row.contract_id,
        site_id=row.site_id,
        work_date=row.work_date,
        shift_code=row.shift_code,
        start=start,
        end=end,
        start_at=row.start_at,
        end_at=row.end_at,
        timezone=row.timezone,
        break_minutes=row.break_minutes,
        worked_minutes=worked_minutes(row),
        marker=Marker(row.marker),
        note=row.note,
        state=TimecardState(row.state),
        rejected_comment=row.rejected_comment,
        source=row.source,
        hours_warnings=[HoursWarning.model_validate(w) for w in row.hours_warnings or ()],
        version=row.version,
    )


@functools.lru_cache(maxsize=4096)  # pure; an import of a month repeats a few spans
def _span(
    work_date: dt.date,
    start: dt.time,
    end: dt.time,
    day_change: dt.time,
    tz: str,
) -> tuple[dt.datetime, dt.datetime]:
    """Wall-clock times of a business day → UTC: a start before the day change is on the
    next calendar date (a night shift's second half); an end at or before the start is on
    the day after the start."""
    day = work_date + dt.timedelta(days=1) if start < day_change else work_date
    begin = dt.datetime.combine(day, start.replace(second=0, microsecond=0))
    finish = dt.datetime.combine(day, end.replace(second=0, microsecond=0))
    if finish <= begin:
        finish += dt.timedelta(days=1)
    zone = _zone(tz)
    return begin.replace(tzinfo=zone).astimezone(dt.UTC), finish.replace(tzinfo=zone).astimezone(
        dt.UTC
    )


CardCache = dict[tuple[dt.datetime, dt.datetime, str, int], PremiumCard]
"""Premium cards by (start, end, timezone, break): shared by the workers of a batch."""


def _premium_cards(rows: Iterable[Any], cache: CardCache | None = None) -> list[PremiumCard]:
    """``rows``: timecards, or rows of their start, end, timezone and break columns.

    A premium card is immutable, so the rows of the same span (the same shift of the same
    day, which most workers of a site share) share one card: with a ``cache`` kept over a
    batch of workers (the billing days), each distinct span is localised and checked once
    instead of once a row."""
    if cache is None:
        cache = {}
    cards: list[PremiumCard] = []
    append = cards.append
    for row in rows:
        start_at, end_at = row.start_at, row.end_at
        if start_at is None or end_at is None:
            continue
        key = (start_at, end_at, row.timezone, row.break_minutes)
        card = cache.get(key)
        if card is None:
            card = cache[key] = _premium_card(*key)
        append(card)
    return cards


def _premium_card(
    start_at: dt.datetime, end_at: dt.datetime, tz: str, break_minutes: int
) -> PremiumCard:
    """One span's premium card: local wall-clock times of the card's zone."""
    if start_at.tzinfo is None:  # a plain row read from SQLite: naive UTC
        start_at, end_at = start_at.replace(tzinfo=dt.UTC), end_at.replace(tzinfo=dt.UTC)
    return PremiumCard(
        start=_local(start_at, tz), end=_local(end_at, tz), break_minutes=break_minutes
    )


BillingDays = dict[int, dict[tuple[int, int], list[dict[str, int]]]]
"""contract id → (assignment id, employee id) → each working day's classified minutes."""


def billing_days_from_rows(
    rows: Iterable[Any],
    day_changes: dict[int, dt.time],
    period: closing.ClosingPeriod,
    *,
    share: bool = True,
) -> BillingDays:
    """The CPU side of ``billing_days_of_contracts``: counted cards (rows of the contract,
    assignment, employee, site, start, end, timezone and break columns, in that order:
    ``TimecardRepository.counted_for_contracts``) → each placement's working days classified
    (labor.premiums), by contract id. ``day_changes``: the sites' 営業日分岐 (absent: the
    default). One pass over the rows (unpacked, not read by name): ~400,000 a month's batch.

    Pure and deterministic, so what is identical is computed once a batch: the rows of one
    span share one premium card (``CardCache``); the placements whose cards are the same
    spans under the same day change (a site's workers on its fixed shift) share one
    classification and its day list (``share``; False classifies every placement, for
    ``bench/billing_days_bench.py``); equal days share one ``summary()`` dict. The lists and
    dicts returned may therefore be shared between placements: read them, never change them.
    """
    by_worker: dict[tuple[int, int, int], list[PremiumCard]] = {}
    site_of: dict[tuple[int, int, int], int] = {}
    shared: CardCache = {}
    for contract_id, assignment_id, employee_id, site_id, start_at, end_at, tz, pause in rows:
        if start_at is None or end_at is None:
            continue
        span = (start_at, end_at, tz, pause)
        card = shared.get(span)
        if card is None:
            card = shared[span] = _premium_card(start_at, end_at, tz, pause)
        worker = (contract_id, assignment_id, employee_id)
        cards = by_worker.get(worker)
        if cards is None:
            by_worker[worker] = [card]
            site_of[worker] = site_id
        else:
            cards.append(card)
    found: BillingDays = {}
    classified: dict[tuple[Any, ...], list[dict[str, int]]] = {}
    summaries: dict[int, tuple[PremiumMinutes, dict[str, int]]] = {}
    work: dict[dt.time, WorkSettings] = {}
    bounds = (period.start, period.end)
    for (contract_id, assignment_id, employee_id), cards in sorted(by_worker.items()):
        day_change = day_changes.get(site_of[contract_id, assignment_id, employee_id])
        if day_change is None:
            day_change = DEFAULT_DAY_CHANGE
        # The cards are the cache's shared objects (alive for the call): their ids name them
        # (sorted: the rows come in no order, the classification orders them itself).
        key = (day_change, *sorted(map(id, cards)))
        days = classified.get(key) if share else None
        if days is None:
            settings = work.get(day_change)
            if settings is None:
                settings = work[day_change] = _work_settings(period, day_change)
            result = calculate_premiums(cards, settings, period=bounds)
            days = []
            for day in result.days:
                if day.working_day not in period:
                    continue
                minutes = day.minutes  # equal days often share one object (labor.premiums)
                known = summaries.get(id(minutes))
                if known is None or known[0] is not minutes:
                    known = summaries[id(minutes)] = (minutes, minutes.summary())
                days.append(known[1])
            if share:
                classified[key] = days
        if days:
            found.setdefault(contract_id, {})[(assignment_id, employee_id)] = days
    return found


def _work_settings(period: closing.ClosingPeriod, day_change: dt.time) -> WorkSettings:
    # The 60-hour month starts with the period (its 起算日 is the wage period's), so no card
    # before the period's first week is ever needed (labor.premiums.classify).
    return WorkSettings(
        week_start=WEEK_START, day_change=day_change, month_start_day=period.start.day
    )


def classify_period(
    rows: Sequence[Timecard], period: closing.ClosingPeriod, day_change: dt.time
) -> PremiumMinutes:
    """One worker's approved cards (the period and the days of its first week before it) →
    the period's classified minutes (labor.premiums.calculate_premiums)."""
    cards = _premium_cards(rows)
    if not cards:
        return PremiumMinutes()
    try:
        result = calculate_premiums(
            cards, _work_settings(period, day_change), period=(period.start, period.end)
        )
    except ValueError as error:
        if "overlap" in str(error):
            raise TimecardsOverlapError() from error
        raise
    return result.minutes


LEAVE_DAY_COLUMNS = {
    "work_injury_days": Marker.WORK_INJURY,
    "maternity_days": Marker.MATERNITY,
    "childcare_days": Marker.CHILDCARE,
    "family_care_days": Marker.FAMILY_CARE,
    "closure_days": Marker.EMPLOYER_CLOSURE,
}
"""The ledger's count of each kind of statutory leave / closure day (a date once)."""


def ledger_values(
    minutes: PremiumMinutes, rows: Sequence[Timecard], period: closing.ClosingPeriod
) -> dict[str, Any]:
    """The columns of a ledger row from the period's classified minutes and its cards (the
    service's recompute and the demo generator's bulk rows share it)."""
    summary = minutes.summary()
    inside = [r for r in rows if r.work_date in period and r.state in COUNTED_STATES]
    return {
        **{name: summary[name] for name in LEDGER_MINUTES},
        "worked_minutes": minutes.total,
        "worked_days": len({r.work_date for r in inside if r.start_at is not None}),
        "paid_leave_days": sum(1 for r in inside if r.marker == Marker.PAID_LEAVE),
        "half_leave_days": sum(1 for r in inside if r.marker == Marker.HALF_LEAVE),
        "absence_days": sum(1 for r in inside if r.marker == Marker.ABSENCE),
        **{
            column: len({r.work_date for r in inside if r.marker == marker})
            for column, marker in LEAVE_DAY_COLUMNS.items()
        },
        "timecard_count": len(inside),
        "computed_at": utcnow(),
    }


def week_before(period: closing.ClosingPeriod) -> dt.date:
    """The first day the weekly 40 h of ``period`` needs cards from."""
    return _week_before(period)


def _fill_ledger(
    entry: LedgerEntry,
    minutes: PremiumMinutes,
    rows: Sequence[Timecard],
    period: closing.ClosingPeriod,
) -> None:
    for name, value in ledger_values(minutes, rows, period).items():
        setattr(entry, name, value)


def _week_before(period: closing.ClosingPeriod) -> dt.date:
    return period.start - dt.timedelta(days=(period.start.weekday() - WEEK_START) % 7)


async def billing_calendar_of(
    session: AsyncSession, terms: AttendanceTerms
) -> closing.ChangedCutoff:
    """The billing cut-off of a placement's contract and the first day it groups: the
    contract's own 請求締め日, else its client's closing day, resolved by the billing area's
    one rule (``billing.service.effective_cutoff`` / ``effective_since``, through
    ``billing_service.contract_calendars``) so the ledger's billing periods are the invoices'
    periods. Reads the client's settings only when the contract has no cut-off of its own
    (one statement)."""
    # The billing area owns the client's closing day and imports this module for the
    # ledger, so it is imported when first asked, not at import time.
    from haken.modules.billing.service import billing_service

    found = await billing_service.contract_calendars(
        session,
        [(terms.contract_id, terms.client_id, terms.billing_cutoff_day, terms.billing_cutoff_from)],
    )
    return found[terms.contract_id]


async def contract_billing_calendar(
    session: AsyncSession, contract_id: int
) -> closing.ChangedCutoff:
    """``billing_calendar_of`` for a contract by id; NOT_FOUND for an unknown contract."""
    from haken.modules.billing.service import billing_service

    return await billing_service.contract_calendar(session, contract_id=contract_id)


async def billing_period_of(
    repo: AttendanceRepository, contract_id: int, calendar: closing.ChangedCutoff, day: dt.date
) -> closing.ClosingPeriod:
    """The contract's billing period holding ``day``: under its cut-off from the first day it
    groups; a day before that (a cut-off changed after it was invoiced) keeps the period its
    ledger row has (one statement, only then)."""
    if calendar.since is not None and day < calendar.since:
        entry = await repo.billing_row_containing(contract_id, day)
        if entry is not None:
            return closing.ClosingPeriod(entry.period_start, entry.period_end)
    return calendar.period_containing(day)


class TimesTarget(Protocol):
    """What ``set_times`` reads and writes: a ``Timecard``, or the import's lighter row."""

    work_date: dt.date
    timezone: str
    marker: str
    shift_code: str | None
    break_minutes: int
    start_at: dt.datetime | None
    end_at: dt.datetime | None


def set_times(
    row: TimesTarget,
    *,
    shift_code: str | None,
    shift: ShiftPattern | None,
    start: dt.time | None,
    end: dt.time | None,
    break_minutes: int | None,
    day_change: dt.time,
) -> None:
    """The times of a card from its inputs and the site's shift (looked up by the caller):
    the one rule the form, the API and the timesheet import share (no I/O)."""
    if shift is not None:
        start = start or shift.start_time
        end = end or shift.end_time
        if break_minutes is None:
            break_minutes = shift.break_minutes
    row.shift_code = shift_code
    row.break_minutes = break_minutes or 0
    if Marker(row.marker) in NO_TIMES:
        if start is not None or end is not None:
            raise TimesRequiredError()
        row.start_at = row.end_at = None
        row.break_minutes = 0
        return
    if start is None or end is None:
        raise TimesRequiredError()
    row.start_at, row.end_at = _span(row.work_date, start, end, day_change, row.timezone)
    if worked_minutes(row) <= 0:
        raise TimesRequiredError()


class AttendanceService:
    def __init__(self) -> None:
        self.calendar = PayrollCalendar()

    def configure(self, *, cutoff_day: int, pay_day: int, pay_months_after: int) -> None:
        self.calendar = PayrollCalendar(cutoff_day, pay_day, pay_months_after)

    def payroll_period(self, day: dt.date) -> closing.ClosingPeriod:
        return closing.period_containing(day, self.calendar.cutoff_day)

    def pay_date(self, period: closing.ClosingPeriod) -> dt.date:
        return closing.pay_date(
            period, pay_day=self.calendar.pay_day, months_after=self.calendar.pay_months_after
        )

    # --- reads ------------------------------------------------------------------------

    async def list_timecards(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: TimecardFilter,
        sort: str | None,
        request: PageRequest,
    ) -> PageResult[TimecardRead]:
        result = await TimecardRepository(session).page_timecards(
            principal, filters, TIMECARD_SORTING.keys(sort), request
        )
        return result.with_items([to_read(row) for row in result.items])

    async def timecards_in_days(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        first: dt.date,
        last: dt.date,
        limit: int = 5000,
    ) -> list[TimecardRead]:
        """The principal's readable cards of a few days (the client portal's week), one query."""
        rows = await TimecardRepository(session).in_days(principal, first, last, limit=limit)
        return [to_read(row) for row in rows]

    async def get_timecard(
        self, session: AsyncSession, principal: Principal, *, timecard_id: int
    ) -> TimecardRead:
        return to_read(await TimecardRepository(session).readable_or_404(principal, timecard_id))

    # --- checks shared by the writes -------------------------------------------------

    async def _terms(
        self, session: AsyncSession, principal: Principal, assignment_id: int
    ) -> AttendanceTerms:
        terms = (await assignments_service.attendance_terms(session, [assignment_id])).get(
            assignment_id
        )
        if terms is None or not _may_enter(principal, terms.employee_id, terms.site_id):
            raise NotFoundError()
        return terms

    @staticmethod
    def _check_day(terms: AttendanceTerms, brief: EmployeeBrief, day: dt.date) -> None:
        if terms.status == "cancelled" or not terms.start_date <= day <= terms.end_date:
            raise OutsideAssignmentError(day=day, start=terms.start_date, end=terms.end_date)
        if brief.work_permitted_until is not None and day > brief.work_permitted_until:
            raise WorkNotPermittedError(day=day, until=brief.work_permitted_until)

    @staticmethod
    async def _check_open(
        repo: AttendanceRepository, days: Sequence[dt.date], contract_id: int
    ) -> None:
        closed = await repo.closed_covering(days, contract_id)
        if closed is not None:
            day = next(d for d in days if closed.period_start <= d <= closed.period_end)
            raise PeriodClosedError(day=day)

    @staticmethod
    async def _site(repo: AttendanceRepository, site_id: int) -> tuple[str, dt.time]:
        settings = await repo.settings_only(site_id)
        if settings is None:
            return DEFAULT_TIMEZONE, DEFAULT_DAY_CHANGE
        return settings.timezone, settings.day_change

    @staticmethod
    async def _apply_times(
        repo: AttendanceRepository,
        row: Timecard,
        *,
        shift_code: str | None,
        start: dt.time | None,
        end: dt.time | None,
        break_minutes: int | None,
        day_change: dt.time,
    ) -> None:
        shift = None
        if shift_code is not None:
            shift = await repo.shift(row.site_id, shift_code)
            if shift is None:
                raise UnknownShiftError(shift=shift_code)
        set_times(
            row,
            shift_code=shift_code,
            shift=shift,
            start=start,
            end=end,
            break_minutes=break_minutes,
            day_change=day_change,
        )

    async def _hours_check(
        self,
        repo: TimecardRepository,
        row: Timecard,
        terms: AttendanceTerms,
        brief: EmployeeBrief,
    ) -> None:
        """資格外活動: every rolling 7 days holding the card's day (submitted and approved
        cards of the worker, this one included). Findings are kept on the card."""
        if terms.weekly_hours_limit is None or brief.residence_status is None:
            row.hours_warnings, row.warned = None, False
            return
        window = dt.timedelta(days=HOURS_WINDOW_DAYS)
        rows = await repo.for_employee(
            row.employee_id, row.work_date - window, row.work_date + window, counted_only=False
        )
        minutes: dict[dt.date, int] = defaultdict(int)
        for other in rows:
            if other.id != row.id and other.state != "draft":
                minutes[other.work_date] += worked_minutes(other)
        minutes[row.work_date] += worked_minutes(row)
        found = find_hours_violations(
            minutes,
            weekly_hours_limit=terms.weekly_hours_limit,
            long_vacation_daily_hours_limit=terms.vacation_daily_hours_limit,
            long_vacations=[DateRange(s, e) for s, e in brief.long_vacations],
        )
        row.hours_warnings = day_hours_warnings(found, row.work_date)
        row.warned = row.hours_warnings is not None

    # --- timecard writes ----------------------------------------------------------------

    async def create_timecard(
        self, session: AsyncSession, principal: Principal, *, data: TimecardCreate
    ) -> TimecardRead:
        terms = await self._terms(session, principal, data.assignment_id)
        brief = await employees_service.get_brief(session, terms.employee_id)
        self._check_day(terms, brief, data.work_date)
        repo = AttendanceRepository(session)
        await self._check_open(repo, [data.work_date], terms.contract_id)
        cards = TimecardRepository(session)
        taken = await cards.for_employee(
            terms.employee_id, data.work_date, data.work_date, counted_only=False
        )
        if any(c.assignment_id == terms.assignment_id for c in taken):
            raise DayTakenError(day=data.work_date)
        tz, day_change = await self._site(repo, terms.site_id)
        row = Timecard(
            employee_id=terms.employee_id,
            assignment_id=terms.assignment_id,
            contract_id=terms.contract_id,
            site_id=terms.site_id,
            work_date=data.work_date,
            timezone=tz,
            marker=data.marker.value,
            note=data.note,
            state="draft",
            source="portal" if principal.role is Role.EMPLOYEE else "manual",
            warned=False,
        )
        await self._apply_times(
            repo,
            row,
            shift_code=data.shift_code,
            start=data.start,
            end=data.end,
            break_minutes=data.break_minutes,
            day_change=day_change,
        )
        cards.add(row)
        await cards.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="timecard",
            entity_id=row.id,
            action="create",
            after=_snapshot(row),
        )
        return to_read(row)

    async def update_timecard(
        self, session: AsyncSession, principal: Principal, *, timecard_id: int, data: TimecardUpdate
    ) -> TimecardRead:
        cards = TimecardRepository(session)
        row = await cards.readable_or_404(principal, timecard_id)
        check_version(row, data.version)
        repo = AttendanceRepository(session)
        changes = data.model_fields_set - {"version"}
        new_day = data.work_date if data.work_date is not None else row.work_date
        await self._check_open(repo, sorted({row.work_date, new_day}), row.contract_id)
        if row.state == "locked":
            raise InvalidStateError(state=row.state, action="edit")
        terms = await self._terms(session, principal, row.assignment_id)
        brief = await employees_service.get_brief(session, row.employee_id)
        self._check_day(terms, brief, new_day)
        if new_day != row.work_date:
            taken = await cards.for_employee(row.employee_id, new_day, new_day, counted_only=False)
            if any(c.assignment_id == row.assignment_id and c.id != row.id for c in taken):
                raise DayTakenError(day=new_day)
        before = _snapshot(row)
        old_day, was_counted = row.work_date, row.state in COUNTED_STATES
        local_start = _local(row.start_at, row.timezone).time() if row.start_at else None
        local_end = _local(row.end_at, row.timezone).time() if row.end_at else None
        row.work_date = new_day
        if "marker" in changes and data.marker is not None:
            row.marker = data.marker.value
        if "note" in changes and data.note is not None:
            row.note = data.note
        times_changed = changes & {
            "work_date",
            "shift_code",
            "start",
            "end",
            "break_minutes",
            "marker",
        }
        if times_changed:
            _, day_change = await self._site(repo, row.site_id)
            no_times = Marker(row.marker) in NO_TIMES
            await self._apply_times(
                repo,
                row,
                shift_code=data.shift_code if "shift_code" in changes else row.shift_code,
                start=None if no_times else (data.start if "start" in changes else local_start),
                end=None if no_times else (data.end if "end" in changes else local_end),
                break_minutes=(
                    data.break_minutes
                    if "break_minutes" in changes
                    else (None if "shift_code" in changes else row.break_minutes)
                ),
                day_change=day_change,
            )
        if row.state == "approved":
            row.state = "submitted"  # an edit after approval needs approving again
            row.approved_at = row.approved_by = None
        if row.state == "submitted":
            await self._hours_check(cards, row, terms, brief)
        await cards.flush()
        if was_counted:
            await self._recompute(session, row, terms, days=sorted({old_day, new_day}))
        await audit_service.record(
            session,
            principal,
            entity_type="timecard",
            entity_id=row.id,
            action="update",
            before=before,
            after=_snapshot(row),
        )
        return to_read(row)

    async def submit_timecard(
        self, session: AsyncSession, principal: Principal, *, timecard_id: int, version: int
    ) -> TimecardRead:
        cards = TimecardRepository(session)
        row = await cards.readable_or_404(principal, timecard_id)
        check_version(row, version)
        await self._check_open(AttendanceRepository(session), [row.work_date], row.contract_id)
        if row.state != "draft":
            raise InvalidStateError(state=row.state, action="submit")
        terms = await self._terms(session, principal, row.assignment_id)
        brief = await employees_service.get_brief(session, row.employee_id)
        self._check_day(terms, brief, row.work_date)
        before = _snapshot(row)
        row.state = "submitted"
        row.submitted_at = utcnow()
        row.rejected_comment = None
        await self._hours_check(cards, row, terms, brief)
        await cards.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="timecard",
            entity_id=row.id,
            action="submit",
            before=before,
            after=_snapshot(row),
        )
        return to_read(row)

    async def approve_timecard(
        self, session: AsyncSession, principal: Principal, *, timecard_id: int, version: int
    ) -> TimecardRead:
        cards = TimecardRepository(session)
        row = await cards.readable_or_404(principal, timecard_id)
        check_version(row, version)
        await self._check_open(AttendanceRepository(session), [row.work_date], row.contract_id)
        if row.state != "submitted":
            raise InvalidStateError(state=row.state, action="approve")
        terms = (await assignments_service.attendance_terms(session, [row.assignment_id]))[
            row.assignment_id
        ]
        brief = await employees_service.get_brief(session, row.employee_id)
        self._check_day(terms, brief, row.work_date)
        before = _snapshot(row)
        row.state = "approved"
        row.approved_at = utcnow()
        row.approved_by = principal.user_id
        await self._hours_check(cards, row, terms, brief)
        await cards.flush()
        await self._recompute(session, row, terms, days=[row.work_date])
        await audit_service.record(
            session,
            principal,
            entity_type="timecard",
            entity_id=row.id,
            action="approve",
            before=before,
            after=_snapshot(row),
        )
        return to_read(row)

    async def reject_timecard(
        self, session: AsyncSession, principal: Principal, *, timecard_id: int, data: RejectBody
    ) -> TimecardRead:
        cards = TimecardRepository(session)
        row = await cards.readable_or_404(principal, timecard_id)
        check_version(row, data.version)
        await self._check_open(AttendanceRepository(session), [row.work_date], row.contract_id)
        if row.state != "submitted":
            raise InvalidStateError(state=row.state, action="reject")
        before = _snapshot(row)
        row.state = "draft"
        row.rejected_comment = data.comment
        await cards.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="timecard",
            entity_id=row.id,
            action="reject",
            before=before,
            after=_snapshot(row),
        )
        return to_read(row)

    # --- the ledger ----------------------------------------------------------------------

    async def _recompute(
        self,
        session: AsyncSession,
        row: Timecard,
        terms: AttendanceTerms,
        *,
        days: Sequence[dt.date],
        site: tuple[str, dt.time] | None = None,
    ) -> None:
        """The payroll period of the employee and the billing period of the contract
        containing each of ``days`` (the day before and after an edit moved a card).
        ``site``: the site's (timezone, day change) when the caller has read them."""
        cards = TimecardRepository(session)
        repo = AttendanceRepository(session)
        _, day_change = site if site is not None else await self._site(repo, row.site_id)
        payroll = {self.payroll_period(d) for d in days}
        calendar = await billing_calendar_of(session, terms)
        billing = {await billing_period_of(repo, row.contract_id, calendar, d) for d in days}
        for period in sorted(payroll, key=lambda p: p.start):
            rows = await cards.for_employee(
                row.employee_id, _week_before(period), period.end, counted_only=True
            )
            minutes = classify_period(rows, period, day_change)
            await self._store(repo, PeriodKind.PAYROLL, row.employee_id, period, minutes, rows)
        for period in sorted(billing, key=lambda p: p.start):
            rows = await cards.counted_for_contract(
                row.contract_id, _week_before(period), period.end
            )
            by_worker: dict[int, list[Timecard]] = defaultdict(list)
            for card in rows:
                by_worker[card.employee_id].append(card)
            total = PremiumMinutes()
            for worker_rows in by_worker.values():
                total = total + classify_period(worker_rows, period, day_change)
            await self._store(repo, PeriodKind.BILLING, row.contract_id, period, total, rows)

    @staticmethod
    async def _store(
        repo: AttendanceRepository,
        kind: PeriodKind,
        subject_id: int,
        period: closing.ClosingPeriod,
        minutes: PremiumMinutes,
        rows: Sequence[Timecard],
    ) -> None:
        entry = await repo.ledger_entry(kind.value, subject_id, period.start)
        if entry is None:
            entry = LedgerEntry(
                kind=kind.value,
                subject_id=subject_id,
                period_start=period.start,
                period_end=period.end,
            )
            repo.add(entry)
        _fill_ledger(entry, minutes, rows, period)
        await repo.flush()

    def _ledger_read(self, entry: LedgerEntry) -> LedgerRead:
        read = LedgerRead.model_validate(entry)
        if entry.kind == PeriodKind.PAYROLL.value:
            read.pay_date = self.pay_date(
                closing.ClosingPeriod(entry.period_start, entry.period_end)
            )
        return read

    async def payroll_ledger(
        self, session: AsyncSession, *, period_start: dt.date, after: int, limit: int
    ) -> list[LedgerRead]:
        """The payroll period's ledger rows of the employees after id ``after``, at most
        ``limit``, in id order (one query; unscoped, for the payroll job)."""
        rows = await AttendanceRepository(session).payroll_ledger_after(period_start, after, limit)
        return [self._ledger_read(e) for e in rows]

    def overtime_statement(self, session: AsyncSession, *, month: str) -> tuple[Any, Any]:
        """The payroll period whose cut-off falls in ``month`` (``YYYY-MM``) and its ledger
        rows as an unexecuted ``SELECT`` (a provider fragment: the overtime and 36協定
        report): ``employee_id, period_start, period_end, overtime, rest_day,
        year_overtime``. The year runs from April (the business year of the period's end)."""
        year, number = (int(p) for p in month.split("-"))
        period = closing.period_ending_in(year, number, self.calendar.cutoff_day)
        end_month = period.end
        first = dt.date(end_month.year if end_month.month >= 4 else end_month.year - 1, 4, 1)
        statement = AttendanceRepository(session).overtime_statement(
            period.start, period.end, first
        )
        return statement, period

    async def worked_minutes_by_day(
        self, session: AsyncSession, *, employee_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> dict[int, dict[dt.date, int]]:
        """Minutes worked per day of each employee among ``employee_ids`` between two days,
        from their submitted and approved cards (one read; unscoped: the caller scopes its
        ids): the residence-card report's hours this week and month."""
        found: dict[int, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
        for row in await TimecardRepository(session).for_employees(employee_ids, first, last):
            found[row.employee_id][row.work_date] += worked_minutes(row)
        return {key: dict(days) for key, days in found.items()}

    async def payroll_ledger_count(self, session: AsyncSession, *, period_start: dt.date) -> int:
        """How many employees have a ledger row in the payroll period (one query)."""
        return await AttendanceRepository(session).payroll_ledger_count(period_start)

    async def list_ledger(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: LedgerFilter,
        request: PageRequest,
    ) -> PageResult[LedgerRead]:
        end_range = None
        if filters.month is not None:
            year, month = (int(p) for p in filters.month.split("-"))
            first = dt.date(year, month, 1)
            end_range = (first, closing.period_ending_in(year, month, closing.MONTH_END).end)
        keys = (
            SortKey(LedgerEntry.period_start, "desc"),
            SortKey(LedgerEntry.id, "desc"),
        )
        result = await AttendanceRepository(session).page_ledger(
            filters.kind.value, filters.subject_id, None, end_range, keys, request
        )
        return result.with_items([self._ledger_read(e) for e in result.items])

    async def employee_month(
        self, session: AsyncSession, principal: Principal, *, employee_id: int, month: str
    ) -> MonthRead:
        brief = await employees_service.get_brief(session, employee_id)
        if not _may_read_employee(principal, brief):
            raise NotFoundError()
        year, number = (int(p) for p in month.split("-"))
        period = closing.period_ending_in(year, number, self.calendar.cutoff_day)
        repo = AttendanceRepository(session)
        entry = await repo.ledger_entry(PeriodKind.PAYROLL.value, employee_id, period.start)
        rows = await TimecardRepository(session).for_employee(
            employee_id, period.start, period.end, counted_only=False
        )
        status = None
        site_id = rows[-1].site_id if rows else brief.current_site_id
        if site_id is not None:
            agreement = await repo.agreement_on(site_id, period.end)
            if agreement is not None:
                status = await self._agreement_status(repo, employee_id, agreement)
        return MonthRead(
            employee_id=employee_id,
            employee_name=brief.display_name,
            month=month,
            period_start=period.start,
            period_end=period.end,
            pay_date=self.pay_date(period),
            ledger=self._ledger_read(entry) if entry else None,
            timecards=[to_read(r) for r in rows],
            agreement=status,
        )

    @staticmethod
    async def _agreement_status(
        repo: AttendanceRepository, employee_id: int, agreement: OvertimeAgreement
    ) -> AgreementStatus:
        limits = _limits(agreement)
        # A payroll period counts as the month of its cut-off; 5 months before the agreement
        # year feed the 2–6-month averages.
        first = agreement.period_start - dt.timedelta(days=190)
        entries = await repo.ledger_between(
            PeriodKind.PAYROLL.value, employee_id, first, limits.period_end
        )
        months: dict[dt.date, MonthFigures] = {}
        for entry in entries:
            key = entry.period_end.replace(day=1)
            months[key] = MonthFigures(key, entry.overtime, entry.rest_day)
        findings = check_agreement(months.values(), limits)
        return AgreementStatus(
            agreement=AgreementRead.model_validate(agreement),
            findings=[
                AgreementFinding(
                    check=f.check.value,
                    level=f.level.value,
                    month=f.month,
                    minutes=f.minutes,
                    limit=f.limit,
                    window_months=f.window_months,
                )
                for f in findings
            ],
        )

    # --- periods -------------------------------------------------------------------------

    async def list_periods(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: PeriodFilter,
        request: PageRequest,
    ) -> PageResult[PeriodRead]:
        keys = (SortKey(Period.period_start, "desc"), SortKey(Period.id, "desc"))
        result = await AttendanceRepository(session).page_periods(
            filters.kind.value if filters.kind else None,
            filters.state,
            keys,
            request,
            filters.contract_id,
        )
        return result.with_items([_period_read(p) for p in result.items])

    async def billing_period(
        self, session: AsyncSession, *, contract_id: int, day: dt.date
    ) -> closing.ClosingPeriod:
        """The billing period of the contract containing ``day`` (its 請求締め日: its own, else
        its client's closing day, as invoices group it); NOT_FOUND for an unknown contract."""
        calendar = await contract_billing_calendar(session, contract_id)
        return await billing_period_of(AttendanceRepository(session), contract_id, calendar, day)

    async def close_period(
        self, session: AsyncSession, principal: Principal, *, data: PeriodClose
    ) -> PeriodRead:
        repo = AttendanceRepository(session)
        if data.kind is PeriodKind.PAYROLL:
            subject, period = 0, self.payroll_period(data.day)
        else:
            assert data.contract_id is not None
            calendar = await contract_billing_calendar(session, data.contract_id)
            subject = data.contract_id
            period = await billing_period_of(repo, subject, calendar, data.day)
        row = await repo.period(data.kind.value, subject, period.start)
        if row is not None and row.state == "closed":
            raise PeriodAlreadyClosedError()
        contract_id = subject or None
        cards = TimecardRepository(session)
        waiting = await cards.count_unapproved(period.start, period.end, contract_id)
        if waiting:
            raise PeriodHasUnapprovedError(count=waiting)
        before = _period_snapshot(row) if row else None
        if row is None:
            row = Period(
                kind=data.kind.value,
                subject_id=subject,
                period_start=period.start,
                period_end=period.end,
            )
            repo.add(row)
        row.state = "closed"
        row.closed_at = utcnow()
        row.closed_by = principal.user_id
        await repo.flush()
        await cards.set_locked(period.start, period.end, contract_id, locked=True)
        await audit_service.record(
            session,
            principal,
            entity_type="attendance_period",
            entity_id=row.id,
            action="close",
            before=before,
            after=_period_snapshot(row),
        )
        return _period_read(row)

    async def reopen_period(
        self, session: AsyncSession, principal: Principal, *, period_id: int, data: PeriodReopen
    ) -> PeriodRead:
        repo = AttendanceRepository(session)
        row = await repo.period_by_id(period_id)
        if row is None:
            raise NotFoundError()
        check_version(row, data.version)
        if row.state != "closed":
            raise PeriodNotClosedError()
        before = _period_snapshot(row)
        row.state = "open"
        row.reopened_at = utcnow()
        row.reopened_by = principal.user_id
        row.reopen_reason = data.reason
        await repo.flush()
        await TimecardRepository(session).set_locked(
            row.period_start, row.period_end, row.subject_id or None, locked=False
        )
        await audit_service.record(
            session,
            principal,
            entity_type="attendance_period",
            entity_id=row.id,
            action="reopen",
            before=before,
            after=_period_snapshot(row),
        )
        return _period_read(row)

    # --- 36協定 limits and site settings ----------------------------------------------------

    async def list_agreements(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        site_id: int | None,
        request: PageRequest,
    ) -> PageResult[AgreementRead]:
        keys = (
            SortKey(OvertimeAgreement.period_start, "desc"),
            SortKey(OvertimeAgreement.id, "desc"),
        )
        result = await AttendanceRepository(session).page_agreements(site_id, keys, request)
        return result.with_items([AgreementRead.model_validate(a) for a in result.items])

    async def create_agreement(
        self, session: AsyncSession, principal: Principal, *, data: AgreementCreate
    ) -> AgreementRead:
        await _site_exists(session, data.site_id)
        repo = AttendanceRepository(session)
        if await repo.agreement_exists(data.site_id, data.period_start):
            raise AgreementExistsError()
        row = OvertimeAgreement(**data.model_dump())
        try:
            resolve_limits(_limits(row))
        except ValueError as error:
            raise ValidationFailedError(
                details=[{"loc": ["body"], "code": "value_error", "message": str(error)}]
            ) from error
        repo.add(row)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="overtime_agreement",
            entity_id=row.id,
            action="create",
            after=data.model_dump(),
        )
        return AgreementRead.model_validate(row)

    async def site_settings(
        self, session: AsyncSession, principal: Principal, *, site_id: int
    ) -> SiteSettingsRead:
        if principal.role is Role.SITE_MANAGER and site_id not in principal.site_ids:
            raise NotFoundError()
        settings, shifts = await AttendanceRepository(session).site_settings(site_id)
        return SiteSettingsRead(
            site_id=site_id,
            timezone=settings.timezone if settings else DEFAULT_TIMEZONE,
            day_change=settings.day_change if settings else DEFAULT_DAY_CHANGE,
            shifts=[ShiftRead.model_validate(s) for s in shifts],
            version=settings.version if settings else None,
        )

    async def replace_site_settings(
        self, session: AsyncSession, principal: Principal, *, site_id: int, data: SiteSettingsUpdate
    ) -> SiteSettingsRead:
        try:
            ZoneInfo(data.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationFailedError(
                details=[
                    {
                        "loc": ["body", "timezone"],
                        "code": "value_error",
                        "message": "unknown time zone",
                    }
                ]
            ) from error
        await _site_exists(session, site_id)
        repo = AttendanceRepository(session)
        settings, shifts = await repo.site_settings(site_id)
        before = _settings_snapshot(settings, shifts) if settings else None
        if settings is None:
            settings = SiteSettings(site_id=site_id)
            repo.add(settings)
        settings.timezone = data.timezone
        settings.day_change = data.day_change
        await repo.replace_shifts(
            site_id,
            [
                ShiftPattern(site_id=site_id, **shift.model_dump())
                for shift in {s.code: s for s in data.shifts}.values()
            ],
        )
        await repo.flush()
        _, shifts = await repo.site_settings(site_id)
        await audit_service.record(
            session,
            principal,
            entity_type="attendance_site",
            entity_id=site_id,
            action="update",
            before=before,
            after=_settings_snapshot(settings, shifts),
        )
        return await self.site_settings(session, principal, site_id=site_id)

    # --- the classification the UI uses ------------------------------------------------------

    @staticmethod
    def premiums(data: PremiumsRequest) -> PremiumsRead:
        """The same function as ``haken calc premiums``, over the cards given."""
        try:
            settings = WorkSettings(
                rest_day=data.rest_day,
                week_start=data.week_start,
                day_change=data.day_change,
                scheduled_minutes=data.scheduled_minutes,
                month_start_day=data.month_start_day,
            )
            cards = [
                PremiumCard(
                    start=c.start.replace(tzinfo=None),
                    end=c.end.replace(tzinfo=None),
                    break_minutes=c.break_minutes,
                    scheduled_minutes=c.scheduled_minutes,
                )
                for c in data.timecards
            ]
            period = (
                (data.period_start, data.period_end)
                if data.period_start is not None and data.period_end is not None
                else None
            )
            result = calculate_premiums(cards, settings, period=period)
        except ValueError as error:
            raise ValidationFailedError(
                details=[
                    {"loc": ["body", "timecards"], "code": "value_error", "message": str(error)}
                ]
            ) from error
        return PremiumsRead(
            summary=result.minutes.summary(),
            days=[
                {"working_day": d.working_day.isoformat(), **d.minutes.summary()}
                for d in result.days
            ],
        )

    # --- for the billing area ---------------------------------------------------------------

    async def billing_days(
        self, session: AsyncSession, *, contract_id: int, start: dt.date, end: dt.date
    ) -> dict[tuple[int, int], list[dict[str, int]]]:
        """A contract's billing period per placement, from the approved cards the ledger's
        billing row counts: ``(assignment id, employee id)`` → each working day's classified
        minutes (``PremiumMinutes.summary()``); unscoped (billing scopes its own rows). The
        billing area rounds billable minutes per day, so it needs the days, not the totals."""
        found = await self.billing_days_of_contracts(
            session, contract_ids=[contract_id], start=start, end=end
        )
        return found.get(contract_id, {})

    async def last_closed_billing_end(
        self, session: AsyncSession, *, contract_ids: Sequence[int]
    ) -> dt.date | None:
        """The last day of the contracts' latest closed billing period (one statement)."""
        return await AttendanceRepository(session).last_closed_billing_end(contract_ids)

    async def regroup_billing(
        self,
        session: AsyncSession,
        *,
        calendars: dict[int, closing.ChangedCutoff],
        since: dt.date | None,
    ) -> int:
        """A changed billing cut-off (the billing area's closing-day change, in its
        transaction): the contracts' billing ledger rows ending on or after ``since`` (all:
        None) are replaced by the rows of their counted cards from ``since`` on, grouped by
        each contract's ``calendars`` entry; the rows before stay (their periods were invoiced
        or closed). Four statements whatever the number of cards and periods: the delete, the
        cards (from the week before ``since``, for the weekly 40 h), their sites' day change,
        one multi-row insert. Returns the rows written."""
        ids = sorted(calendars)
        repo = AttendanceRepository(session)
        await repo.delete_billing_rows(ids, since)
        first = None if since is None else _week_before(closing.ClosingPeriod(since, since))
        rows = await TimecardRepository(session).counted_of_contracts(ids, first)
        if not rows:
            return 0
        sites = await repo.settings_of_sites(sorted({card.site_id for card in rows}))
        of_contract: dict[int, list[Timecard]] = defaultdict(list)
        for card in rows:
            of_contract[card.contract_id].append(card)
        values: list[dict[str, Any]] = []
        for contract_id, cards in sorted(of_contract.items()):
            calendar = calendars[contract_id]
            periods = {
                calendar.period_containing(card.work_date)
                for card in cards
                if since is None or card.work_date >= since
            }
            for period in sorted(periods, key=lambda p: p.start):
                window = [c for c in cards if _week_before(period) <= c.work_date <= period.end]
                by_worker: dict[int, list[Timecard]] = defaultdict(list)
                for card in window:
                    by_worker[card.employee_id].append(card)
                total = PremiumMinutes()
                for worker_rows in by_worker.values():
                    site = sites.get(worker_rows[0].site_id)
                    day_change = site.day_change if site is not None else DEFAULT_DAY_CHANGE
                    total = total + classify_period(worker_rows, period, day_change)
                values.append(
                    {
                        "kind": PeriodKind.BILLING.value,
                        "subject_id": contract_id,
                        "period_start": period.start,
                        "period_end": period.end,
                        **ledger_values(total, window, period),
                    }
                )
        await repo.insert_ledger_rows(values)
        return len(values)

    async def unclosed_billing_periods(
        self, session: AsyncSession, *, contract_ids: Sequence[int], first: dt.date, last: dt.date
    ) -> list[tuple[int, dt.date, dt.date]]:
        """(contract id, start, end) of the contracts' billing periods overlapping
        [first, last] that count work but are not closed (billing refuses to invoice a
        month until they are): one statement."""
        return await AttendanceRepository(session).unclosed_billing_periods(
            contract_ids, first, last
        )

    async def billing_days_of_contracts(
        self, session: AsyncSession, *, contract_ids: Sequence[int], start: dt.date, end: dt.date
    ) -> BillingDays:
        """``billing_days`` of many contracts at once, by contract id (contracts with nothing
        counted are absent): two statements whatever the number of contracts and workers
        (the cards, then their sites' settings). Invoicing a period batches through this."""
        period = closing.ClosingPeriod(start, end)
        rows = await TimecardRepository(session).counted_for_contracts(
            contract_ids, _week_before(period), period.end
        )
        if not rows:
            return {}
        settings = await AttendanceRepository(session).settings_of_sites(
            sorted({card.site_id for card in rows})
        )
        day_changes = {site_id: site.day_change for site_id, site in settings.items()}
        return billing_days_from_rows(rows, day_changes, period)

    # --- the daily 資格外活動 check ------------------------------------------------------------

    async def daily_hours_check(self, session: AsyncSession, *, today: dt.date) -> dict[str, int]:
        """Recheck the last 14 days' submitted and approved cards of workers with an hour
        limit (a card entered late, at another site, moves every window it falls in)."""
        cards = TimecardRepository(session)
        first = today - dt.timedelta(days=13)
        pairs = await cards.recent_employee_assignments(first, today)
        terms = await assignments_service.attendance_terms(session, [a for _, a in pairs])
        limited = {a: t for a, t in terms.items() if t.weekly_hours_limit is not None}
        if not limited:
            return {"checked": 0, "warned": 0}
        briefs = await employees_service.get_briefs(
            session, sorted({t.employee_id for t in limited.values()})
        )
        employee_ids = {t.employee_id for t in limited.values()}
        all_assignments = [a for e, a in pairs if e in employee_ids]
        rows = await cards.recent_for_limited(
            all_assignments, first - dt.timedelta(days=HOURS_WINDOW_DAYS), today
        )
        by_employee: dict[int, list[Timecard]] = defaultdict(list)
        for row in rows:
            by_employee[row.employee_id].append(row)
        checked = warned = 0
        for employee_id, worker_rows in by_employee.items():
            brief = briefs.get(employee_id)
            worker_terms = [t for t in limited.values() if t.employee_id == employee_id]
            if brief is None or brief.residence_status is None or not worker_terms:
                continue
            limit = worker_terms[0]
            minutes: dict[dt.date, int] = defaultdict(int)
            for row in worker_rows:
                if row.state != "draft":
                    minutes[row.work_date] += worked_minutes(row)
            found = find_hours_violations(
                minutes,
                weekly_hours_limit=limit.weekly_hours_limit or 28,
                long_vacation_daily_hours_limit=limit.vacation_daily_hours_limit,
                long_vacations=[DateRange(s, e) for s, e in brief.long_vacations],
            )
            for row in worker_rows:
                if row.work_date < first or row.state == "draft":
                    continue
                checked += 1
                mine = [v for v in found if v.start <= row.work_date <= v.end]
                warnings = [
                    HoursWarning(
                        kind=v.kind.value,
                        start=v.start,
                        end=v.end,
                        worked_minutes=v.worked_minutes,
                        limit_minutes=v.limit_minutes,
                    ).model_dump(mode="json")
                    for v in mine
                ] or None
                if warnings != row.hours_warnings:
                    row.hours_warnings, row.warned = warnings, bool(mine)
                warned += bool(mine)
        await cards.flush()
        return {"checked": checked, "warned": warned}

    # --- the pages' reads ---------------------------------------------------------------------

    async def site_month(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        site_id: int,
        month: str,
        request: PageRequest | None = None,
        assignment_id: int | None = None,
    ) -> SiteMonthRead:
        """One page of a site's month grid, by the workers' kana (``request``: keyset, 50 rows
        by default; ``assignment_id``: that row only, for a cell). Three statements whatever
        the page: the rows (the assignments area's placements joined to the employees area's
        names, both as SQL fragments their services expose: docs/architecture.md), the page's
        cards of the month, the site's shifts; a page without rows reads the site's labels
        instead of the cards."""
        if principal.role is Role.SITE_MANAGER and site_id not in principal.site_ids:
            raise NotFoundError()
        year, number = (int(p) for p in month.split("-"))
        first = dt.date(year, number, 1)
        last = dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1)
        page = await TimecardRepository(session).page_roster(
            assignments_service.site_placements_statement(
                session, site_id=site_id, first=first, last=last
            ),
            employees_service.names_statement(session),
            request or PageRequest(),
            assignment_id=assignment_id,
        )
        placements = page.items
        cards: dict[int, dict[dt.date, TimecardRead]] = defaultdict(dict)
        if placements:
            site_name, client_name = placements[0].site_name, placements[0].client_name
            for row in await TimecardRepository(session).at_site(
                site_id, first, last, [p.assignment_id for p in placements]
            ):
                cards[row.assignment_id][row.work_date] = to_read(row)
        else:
            label = (await clients_service.get_site_labels(session, [site_id])).get(site_id)
            if label is None:
                raise NotFoundError()
            site_name, client_name = label.site_name, label.client_name
        shifts = await AttendanceRepository(session).shifts(site_id)
        rows = [
            GridRow(
                assignment_id=placement.assignment_id,
                employee_id=placement.employee_id,
                employee_name=placement.name_kanji or placement.name_kana or "",
                employee_kana=placement.name_kana or "",
                employee_number=placement.employee_number,
                start_date=placement.start_date,
                end_date=placement.end_date,
                cards=cards.get(placement.assignment_id, {}),
            )
            for placement in placements
        ]
        return SiteMonthRead(
            site_id=site_id,
            site_name=site_name,
            client_name=client_name,
            month=month,
            days=[first + dt.timedelta(days=n) for n in range((last - first).days + 1)],
            rows=rows,
            shifts=[ShiftRead.model_validate(s) for s in shifts],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
        )

    async def approval_queue(
        self, session: AsyncSession, principal: Principal, *, request: PageRequest
    ) -> PageResult[QueueItem]:
        """The submitted cards in scope (a site manager: their sites'), oldest day first, with
        the workers' and sites' names joined in the same statement (the employees' and
        clients' SQL fragments), the 資格外活動 warnings kept on each card and the 36協定
        findings of the worker's agreement year (the sites' agreements, and only when there
        are any the ledger: at most three statements a page)."""
        result = await TimecardRepository(session).page_queue(
            principal,
            TIMECARD_SORTING.keys("work_date"),
            request,
            employees_service.names_statement(session),
            clients_service.site_labels_statement(session),
        )
        rows = result.items
        if not rows:
            return result.with_items([])
        findings = await self._queue_findings(
            AttendanceRepository(session), [row.card for row in rows]
        )
        items = [
            QueueItem(
                card=to_read(row.card),
                employee_name=row.employee_name,
                employee_number=row.employee_number,
                site_name=row.site_name,
                client_name=row.client_name,
                agreement_findings=findings.get(row.card.id, []),
            )
            for row in rows
        ]
        return result.with_items(items)

    @staticmethod
    def classify_month(data: MonthRead) -> dict[dt.date, dict[str, int]]:
        """Each business day of a worker's month with its classified minutes (every card with
        times, drafts included: what the day would count once approved; the ledger's totals
        count approved cards only). No I/O: labor.premiums over the cards read."""
        cards = [
            PremiumCard(
                start=_local(c.start_at, c.timezone),
                end=_local(c.end_at, c.timezone),
                break_minutes=c.break_minutes,
            )
            for c in data.timecards
            if c.start_at is not None and c.end_at is not None
        ]
        if not cards:
            return {}
        period = closing.ClosingPeriod(data.period_start, data.period_end)
        try:
            result = calculate_premiums(
                cards,
                _work_settings(period, DEFAULT_DAY_CHANGE),
                period=(period.start, period.end),
            )
        except ValueError:
            return {}
        return {d.working_day: d.minutes.summary() for d in result.days}

    async def get_period(
        self, session: AsyncSession, principal: Principal, *, period_id: int
    ) -> PeriodRead:
        row = await AttendanceRepository(session).period_by_id(period_id)
        if row is None:
            raise NotFoundError()
        return _period_read(row)

    @staticmethod
    async def _queue_findings(
        repo: AttendanceRepository, rows: Sequence[Timecard]
    ) -> dict[int, list[AgreementFinding]]:
        """36協定 findings per card: the agreements of the cards' sites (one query) and, when
        any, the payroll ledger of the workers over those agreement years (one more)."""
        first = min(r.work_date for r in rows)
        last = max(r.work_date for r in rows)
        agreements = await repo.agreements_of_sites(sorted({r.site_id for r in rows}), first, last)
        if not agreements:
            return {}
        earliest = min(a.period_start for a in agreements) - dt.timedelta(days=190)
        entries = await repo.ledger_of_many(
            PeriodKind.PAYROLL.value, sorted({r.employee_id for r in rows}), earliest, last
        )
        months: dict[int, dict[dt.date, MonthFigures]] = defaultdict(dict)
        for entry in entries:
            key = entry.period_end.replace(day=1)
            months[entry.subject_id][key] = MonthFigures(key, entry.overtime, entry.rest_day)
        found: dict[int, list[AgreementFinding]] = {}
        done: dict[tuple[int, int], list[AgreementFinding]] = {}
        for row in rows:
            candidates = [
                a
                for a in agreements
                if a.site_id == row.site_id
                and a.period_start <= row.work_date
                and a.period_start > row.work_date - dt.timedelta(days=366)
            ]
            if not candidates:
                continue
            agreement = max(candidates, key=lambda a: a.period_start)
            key = (row.employee_id, agreement.id)
            if key not in done:
                done[key] = [
                    AgreementFinding(
                        check=f.check.value,
                        level=f.level.value,
                        month=f.month,
                        minutes=f.minutes,
                        limit=f.limit,
                        window_months=f.window_months,
                    )
                    for f in check_agreement(months[row.employee_id].values(), _limits(agreement))
                ]
            if done[key]:
                found[row.id] = done[key]
        return found

    # --- for the leave area: the 80 % attendance rule --------------------------------------

    async def attendance_days(
        self, session: AsyncSession, spans: Sequence[tuple[int, dt.date, dt.date]]
    ) -> dict[tuple[int, dt.date, dt.date], dict[DayKind, int]]:
        """For each (employee, first, last): the approved days of the span by what they were
        for the 80 % rule of 労基法39条, in one read. A date with work on any card is worked
        (a half day or hours of leave included); else whole-day paid leave; else an absence
        (欠勤, against the worker). Days of work injury, maternity, childcare and family-care
        leave count as attended (労基法39条10項); days closed for the employer's reasons are in
        neither count (平成25年7月10日 基発0710第3号), nor are 特別休暇 and 振替休日/代休. Days
        without an approved card are not known and not counted: an empty mapping means
        nothing is recorded for the span."""
        if not spans:
            return {}
        rows = await TimecardRepository(session).day_markers(
            [employee for employee, _, _ in spans],
            min(first for _, first, _ in spans),
            max(last for _, _, last in spans),
        )
        by_day: dict[tuple[int, dt.date], DayKind] = {}
        for row in rows:
            kind = _day_kind(row.marker, bool(row.worked))
            key = (row.employee_id, row.work_date)
            held = by_day.get(key)
            if held is None or _DAY_KIND_RANK[kind] < _DAY_KIND_RANK[held]:
                by_day[key] = kind
        of_employee: dict[int, list[tuple[dt.date, DayKind]]] = defaultdict(list)
        for (who, day), kind in by_day.items():
            of_employee[who].append((day, kind))
        found: dict[tuple[int, dt.date, dt.date], dict[DayKind, int]] = {}
        for employee, first, last in spans:
            counts: dict[DayKind, int] = defaultdict(int)
            for day, kind in of_employee.get(employee, ()):
                if first <= day <= last:
                    counts[kind] += 1
            found[(employee, first, last)] = dict(counts)
        return found

    # --- for the requests area: approved paid leave on the timecards -----------------------

    async def mark_leave(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int,
        days: Sequence[dt.date],
        marker: Marker,
    ) -> None:
        """Mark approved paid leave on the worker's cards, in the caller's transaction.

        ``marker`` PAID_LEAVE (a whole day) goes on a day without a card — a new approved card
        (source ``leave``, no times) on the placement covering the day — or on an 欠勤 card;
        HALF_LEAVE / HOURLY_LEAVE on a day without a card (the same new card, the worked
        part's times entered later) or on a card without a mark. Anything else on the day is
        ``ATTENDANCE_LEAVE_DAY_TAKEN``; a closed period ``ATTENDANCE_PERIOD_CLOSED``. A day
        with no placement is left to the leave ledger. The ledger rows of the touched periods
        are recomputed. Unscoped: the requests area has checked the approver. A half day on
        a card that has the other half (no times: the worker is off all day) makes it a whole
        day of paid leave (the leave ledger holds the morning and the afternoon)."""
        allowed = {Marker.ABSENCE} if marker is Marker.PAID_LEAVE else {Marker.NONE}
        if marker is Marker.HALF_LEAVE:
            allowed.add(Marker.HALF_LEAVE)
        await self._leave_marks(session, principal, employee_id, days, marker, allowed)

    async def clear_leave(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int,
        days: Sequence[dt.date],
        marker: Marker,
    ) -> None:
        """Undo :meth:`mark_leave` (a withdrawn request): a card it created is deleted (kept,
        unmarked, once the worked part's times were entered on it), a card it marked gets its
        mark back (欠勤 under a whole day, none under a part); a card whose mark was changed
        since is left alone; a half day off a whole day made of two halves leaves the other
        half. Same checks and ledger recompute."""
        await self._leave_marks(session, principal, employee_id, days, marker, None)

    async def _leave_marks(
        self,
        session: AsyncSession,
        principal: Principal,
        employee_id: int,
        days: Sequence[dt.date],
        marker: Marker,
        allowed: set[Marker] | None,
    ) -> None:
        if not days:
            return
        first, last = min(days), max(days)
        cards = TimecardRepository(session)
        repo = AttendanceRepository(session)
        existing: dict[dt.date, list[Timecard]] = defaultdict(list)
        for card in await cards.for_employee(employee_id, first, last, counted_only=False):
            existing[card.work_date].append(card)
        placements = await assignments_service.placements_of(
            session, employee_id=employee_id, first=first, last=last
        )
        terms_of = {t.assignment_id: t for t in placements}
        touched: dict[int, set[dt.date]] = defaultdict(set)
        to_create: list[tuple[dt.date, AttendanceTerms]] = []
        for day in sorted(set(days)):
            if allowed is None:
                halves = marker is Marker.HALF_LEAVE
                rows = [
                    c
                    for c in existing[day]
                    if c.marker == marker.value
                    or (halves and c.marker == Marker.PAID_LEAVE.value and c.start_at is None)
                ]
                for row in rows:
                    await self._check_open(repo, [day], row.contract_id)
                    before = _snapshot(row)
                    if row.state in COUNTED_STATES:
                        touched[row.assignment_id].add(day)
                    if halves and row.marker == Marker.PAID_LEAVE.value:
                        row.marker = Marker.HALF_LEAVE.value  # the other half stays
                        action, after = "update", _snapshot(row)
                    elif row.source == "leave" and row.start_at is None:
                        await cards.remove(row)  # nothing but the leave on it
                        action, after = "delete", None
                    else:
                        row.marker = (
                            Marker.ABSENCE.value
                            if marker is Marker.PAID_LEAVE
                            else Marker.NONE.value
                        )
                        action, after = "update", _snapshot(row)
                    await cards.flush()
                    await audit_service.record(
                        session,
                        principal,
                        entity_type="timecard",
                        entity_id=row.id,
                        action=action,
                        before=before,
                        after=after,
                    )
                continue
            if existing[day]:
                for row in existing[day]:
                    if Marker(row.marker) not in allowed or (
                        row.marker == marker.value and row.start_at is not None
                    ):
                        raise LeaveDayTakenError(day=day, unit=marker.value)
                    await self._check_open(repo, [day], row.contract_id)
                for row in existing[day]:
                    before = _snapshot(row)
                    row.marker = (
                        Marker.PAID_LEAVE.value  # the other half: off all day
                        if row.marker == marker.value
                        else marker.value
                    )
                    if row.state in COUNTED_STATES:
                        touched[row.assignment_id].add(day)
                    await cards.flush()
                    await audit_service.record(
                        session,
                        principal,
                        entity_type="timecard",
                        entity_id=row.id,
                        action="update",
                        before=before,
                        after=_snapshot(row),
                    )
                continue
            terms = next(
                (
                    t
                    for t in placements
                    if t.status != "cancelled" and t.start_date <= day <= t.end_date
                ),
                None,
            )
            if terms is not None:
                to_create.append((day, terms))
        # The new leave cards in one go: one closed-period check per contract, one site
        # settings read per site, one flush (the cost of an approval does not grow per day).
        zones: dict[int, tuple[str, dt.time]] = {}
        if to_create:
            by_contract: dict[int, list[dt.date]] = defaultdict(list)
            for day, terms in to_create:
                by_contract[terms.contract_id].append(day)
            for contract_id, contract_days in sorted(by_contract.items()):
                await self._check_open(repo, contract_days, contract_id)
            created: list[Timecard] = []
            for day, terms in to_create:
                if terms.site_id not in zones:
                    zones[terms.site_id] = await self._site(repo, terms.site_id)
                row = Timecard(
                    employee_id=employee_id,
                    assignment_id=terms.assignment_id,
                    contract_id=terms.contract_id,
                    site_id=terms.site_id,
                    work_date=day,
                    timezone=zones[terms.site_id][0],
                    marker=marker.value,
                    note="",
                    state="approved",
                    source="leave",
                    approved_at=utcnow(),
                    approved_by=principal.user_id,
                    break_minutes=0,
                    warned=False,
                )
                cards.add(row)
                created.append(row)
                touched[terms.assignment_id].add(day)
            await cards.flush()
            for row in created:
                await audit_service.record(
                    session,
                    principal,
                    entity_type="timecard",
                    entity_id=row.id,
                    action="create",
                    after=_snapshot(row),
                )
        if not touched:
            return
        missing = [a for a in touched if a not in terms_of]
        if missing:
            terms_of.update(await assignments_service.attendance_terms(session, missing))
        for assignment_id, marked in sorted(touched.items()):
            terms = terms_of[assignment_id]
            anchor = Timecard(
                employee_id=employee_id, contract_id=terms.contract_id, site_id=terms.site_id
            )
            await self._recompute(
                session, anchor, terms, days=sorted(marked), site=zones.get(terms.site_id)
            )


async def _site_exists(session: AsyncSession, site_id: int) -> None:
    if site_id not in await clients_service.get_site_labels(session, [site_id]):
        raise NotFoundError()


def _may_enter(principal: Principal, employee_id: int, site_id: int) -> bool:
    if principal.is_at_least(Role.COORDINATOR):
        return True
    if principal.role is Role.SITE_MANAGER:
        return site_id in principal.site_ids
    return principal.employee_id == employee_id


def _may_read_employee(principal: Principal, brief: EmployeeBrief) -> bool:
    if principal.is_at_least(Role.COORDINATOR):
        return True
    if principal.role is Role.SITE_MANAGER:
        return brief.current_site_id in principal.site_ids
    return principal.employee_id == brief.id


def _limits(row: OvertimeAgreement) -> AgreementLimits:
    return AgreementLimits(
        period_start=row.period_start,
        monthly_limit_minutes=row.monthly_limit_minutes,
        yearly_limit_minutes=row.yearly_limit_minutes,
        variable_hours_1y=row.variable_hours_1y,
        special_clause=row.special_clause,
        special_monthly_limit_minutes=row.special_monthly_limit_minutes,
        special_yearly_limit_minutes=row.special_yearly_limit_minutes,
        special_months_max=row.special_months_max,
    )


def _period_read(row: Period) -> PeriodRead:
    read = PeriodRead.model_validate(row)
    read.subject_id = row.subject_id or None
    return read


def _period_snapshot(row: Period) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "subject_id": row.subject_id,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "state": row.state,
        "reopen_reason": row.reopen_reason,
    }


def _settings_snapshot(settings: SiteSettings, shifts: Sequence[ShiftPattern]) -> dict[str, Any]:
    return {
        "timezone": settings.timezone,
        "day_change": settings.day_change.isoformat(timespec="minutes"),
        "shifts": [
            f"{s.code} {s.start_time:%H:%M}-{s.end_time:%H:%M} ({s.break_minutes})" for s in shifts
        ],
    }


_DAY_KIND_RANK = {
    DayKind.WORKED: 0,
    DayKind.PAID_LEAVE: 1,
    DayKind.WORK_INJURY: 2,
    DayKind.MATERNITY_LEAVE: 2,
    DayKind.CHILDCARE_LEAVE: 2,
    DayKind.FAMILY_CARE_LEAVE: 2,
    DayKind.ABSENT: 3,
    DayKind.EMPLOYER_CLOSURE: 4,
    DayKind.SPECIAL_LEAVE: 5,
    DayKind.DAY_OFF: 6,
}
"""When one date has several cards (two placements), the kind that says most about it wins."""


def _day_kind(marker: str, worked: bool) -> DayKind:
    """What one card makes of its day for the 80 % rule."""
    if worked:
        return DayKind.WORKED
    return {
        Marker.PAID_LEAVE.value: DayKind.PAID_LEAVE,
        Marker.ABSENCE.value: DayKind.ABSENT,
        Marker.SPECIAL_LEAVE.value: DayKind.SPECIAL_LEAVE,
        Marker.WORK_INJURY.value: DayKind.WORK_INJURY,
        Marker.MATERNITY.value: DayKind.MATERNITY_LEAVE,
        Marker.CHILDCARE.value: DayKind.CHILDCARE_LEAVE,
        Marker.FAMILY_CARE.value: DayKind.FAMILY_CARE_LEAVE,
        Marker.EMPLOYER_CLOSURE.value: DayKind.EMPLOYER_CLOSURE,
    }.get(marker, DayKind.DAY_OFF)


attendance_service = AttendanceService()

__all__ = ["AttendanceService", "attendance_service", "classify_period", "worked_minutes"]
