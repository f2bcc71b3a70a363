"""Use cases of the leave area: the ledger (年次有給休暇管理簿), the grants, balances,
the employer's designations (時季指定, 計画的付与) and the leave taken.

The rules are ``haken.labor.paid_leave`` (pure); this service feeds them from the tables:

* **Continuous service** (継続勤務, Art. 39(1)) starts at the hire date. A worker employed
  without a fixed term (無期雇用) stays continuously employed between assignments. For a
  fixed-term (registered) worker, employment follows the assignments: a gap between one
  assignment's end and the next one's start of at most ``continuity_gap_days`` (setting
  ``HAKEN_LEAVE_CONTINUITY_GAP_DAYS``, default 30; docs/operations.md) keeps the service
  continuous; a longer gap restarts the service clock at the next assignment's start.
* **The schedule** (所定労働) in force on a grant date is the contract's of the placement in
  force then (working days × daily hours, ``labor.schedule``). Without a readable contract
  schedule the full-time default (5 days, 40 hours) is used and recorded as such
  (``schedule_source = "default"``).
* **80 % attendance**: the attendance area does not yet expose attended and working days per
  period, so attendance is assumed met and recorded as assumed (``attendance_rate`` null,
  ``attendance_basis = "assumed"``).
* **Running figures**: every write that changes an employee's takings recomputes, from all of
  that employee's grants and active takings, the days drawn from each grant (oldest grant
  first) and the days counted toward each grant's 5-day duty, and stores them on the grant
  rows, so the lists read one grouped statement and never a taking.

Never commits; every write records an audit row (record type ``leave_ledger``, id = the
employee) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor import paid_leave as pl
from haken.labor.schedule import daily_hours, days_per_week
from haken.modules.assignments.schemas import EmploymentPeriod
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.service import attendance_service
from haken.modules.audit.service import audit_service
from haken.modules.employees.schemas import EmployeeBrief
from haken.modules.employees.service import employees_service
from haken.modules.leave.errors import (
    LeaveHalfDayTakenError,
    LeaveHourlyCapError,
    LeaveInsufficientError,
    LeaveInvalidError,
    LeaveTakingNotFoundError,
)
from haken.modules.leave.models import LeaveGrant, LeaveTaking
from haken.modules.leave.repository import LeaveRepository, Scope
from haken.modules.leave.schemas import (
    AtRiskRow,
    BalanceRow,
    ConsumeOutcome,
    DesignationCreate,
    DutyRead,
    GrantKind,
    GrantRead,
    GrantRun,
    HalfDay,
    LeaveFilter,
    LeaveSummary,
    LedgerRead,
    OverviewRow,
    PayMethod,
    TakingKind,
    TakingRead,
    TakingUnit,
    WithheldGrant,
)
from haken.modules.notifications.service import Audience, notifications_service
from haken.platform.access import Principal, Role
from haken.platform.db import utcnow
from haken.platform.errors import NotFoundError
from haken.platform.pagination import PageRequest, PageResult, SortKey

FULL_TIME_DEFAULT = pl.Schedule(
    hours_per_week=Decimal(40), days_per_week=Decimal(5), effective_from=dt.date.min
)
DEFAULT_DAILY_HOURS = Decimal(8)
DUTY_DAYS = Decimal(5)
DUTY_ALERT = "leave_duty_alert"
"""The notification kind of the daily 5-day duty alert."""
JOB_BATCH = 500


def _dec(value: Fraction, places: str = "0.001") -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class _Schedule:
    schedule: pl.Schedule
    daily_hours: Decimal
    source: str


def service_start(
    brief: EmployeeBrief, periods: Sequence[EmploymentPeriod], *, gap_days: int, on: dt.date
) -> tuple[dt.date, dt.date | None]:
    """(start of the continuous service, last day employed when not employed on ``on``).

    Indefinite employment: the hire date, employed throughout (until the leave date).
    Fixed-term: runs of assignments whose gaps are at most ``gap_days``; the run that
    contains ``on`` (or the last one before it) decides.
    """
    hired = brief.hire_date or dt.date.min
    left = brief.leave_date
    if brief.is_indefinite or not periods:
        return hired, left if left is not None and left < on else None
    start = hired
    end = hired - dt.timedelta(days=1)
    for period in sorted(periods, key=lambda p: p.start_date):
        if period.start_date > on:
            break
        if (period.start_date - end).days - 1 > gap_days:
            start = max(period.start_date, hired)
        end = max(end, period.end_date)
    last = end
    if left is not None:
        last = min(last, left)
    if (on - last).days - 1 > gap_days:
        # Out of work longer than the gap: the service has ended (a later placement starts
        # a new clock); grants stop at the last day employed.
        return start, last
    return start, last if last < on else None


def schedules(periods: Sequence[EmploymentPeriod]) -> list[_Schedule]:
    """The contract schedules, by start; the first applies from the start of service."""
    found: list[_Schedule] = []
    for period in sorted(periods, key=lambda p: p.start_date):
        days = days_per_week(period.working_days)
        if days is None or period.start_time is None or period.end_time is None:
            continue
        hours = daily_hours(period.start_time, period.end_time, period.break_minutes)
        if hours <= 0:
            continue
        start = dt.date.min if not found else period.start_date
        found.append(
            _Schedule(
                pl.Schedule(
                    hours_per_week=min(hours * days, Decimal(168)),
                    days_per_week=Decimal(days),
                    effective_from=start,
                ),
                hours,
                "contract",
            )
        )
    return found or [_Schedule(FULL_TIME_DEFAULT, DEFAULT_DAILY_HOURS, "default")]


def _in_force(found: Sequence[_Schedule], day: dt.date) -> _Schedule:
    return max(
        (s for s in found if s.schedule.effective_from <= day),
        key=lambda s: s.schedule.effective_from,
        default=found[0],
    )


CoordinatorLookup = Callable[[AsyncSession, Sequence[int]], Awaitable[Mapping[int, int]]]
"""Client ids → the user id of the coordinator responsible for each (billing's setting;
passed in by the job: billing sits above this area)."""


def _taken(row: LeaveTaking) -> pl.LeaveTaken:
    return pl.LeaveTaken(
        day=row.day,
        unit=pl.LeaveUnit(row.unit),
        hours=row.hours,
        planned=row.kind == TakingKind.PLANNED.value,
    )


def _grant(row: LeaveGrant) -> pl.LeaveGrant:
    return pl.LeaveGrant(row.grant_date, int(row.days), row.expires_on)


class LeaveService:
    def __init__(self) -> None:
        self.continuity_gap_days = 30
        self.hourly_cap_days = 0
        self.pay_method = PayMethod.ORDINARY
        self.risk_window_days = 90

    def configure(
        self,
        *,
        continuity_gap_days: int,
        hourly_cap_days: int,
        pay_method: str,
        risk_window_days: int,
    ) -> None:
        self.continuity_gap_days = continuity_gap_days
        self.hourly_cap_days = hourly_cap_days
        self.pay_method = PayMethod(pay_method)
        self.risk_window_days = risk_window_days

    # --- scope -------------------------------------------------------------------------

    @staticmethod
    def _may_read(principal: Principal, brief: EmployeeBrief) -> bool:
        if principal.is_at_least(Role.COORDINATOR):
            return True
        if principal.role is Role.SITE_MANAGER:
            return brief.current_site_id is not None and brief.current_site_id in principal.site_ids
        return principal.employee_id == brief.id

    async def _readable_brief(
        self, session: AsyncSession, principal: Principal, employee_id: int
    ) -> EmployeeBrief:
        """The employee if ``principal`` may read their leave; NOT_FOUND otherwise."""
        if not principal.is_at_least(Role.SITE_MANAGER) and principal.employee_id != employee_id:
            raise NotFoundError()
        briefs = await employees_service.get_briefs(session, [employee_id])
        brief = briefs.get(employee_id)
        if brief is None or not self._may_read(principal, brief):
            raise NotFoundError()
        return brief

    async def _scope_ids(self, session: AsyncSession, principal: Principal) -> Scope:
        """None for every employee (coordinators and above); the caller's own id; a site
        manager's workers as the employees service's ``SELECT id``, folded into the list's
        statement (no round trip of its own)."""
        if principal.is_at_least(Role.COORDINATOR):
            return None
        if principal.role is Role.EMPLOYEE:
            return [principal.employee_id] if principal.employee_id is not None else []
        return employees_service.readable_ids_statement(session, principal)

    def _options(self, periods: Sequence[EmploymentPeriod], on: dt.date) -> pl.LedgerOptions:
        return pl.LedgerOptions(
            daily_hours=_in_force(schedules(periods), on).daily_hours,
            hourly_cap_days=self.hourly_cap_days,
        )

    # --- the running figures -------------------------------------------------------------

    def _refresh(
        self,
        grants: Sequence[LeaveGrant],
        takings: Sequence[LeaveTaking],
        options: pl.LedgerOptions,
        today: dt.date,
    ) -> pl.LeaveBalance:
        """Apply every active taking (future dates too: leave already fixed) oldest grant
        first; store what is drawn from each grant and each duty's count. Raises the
        labour-rule errors (the caller maps them)."""
        active = [t for t in takings if t.cancelled_at is None]
        book = [_grant(g) for g in grants]
        last = max([today, *(t.day for t in active)])
        by_row = {id(t): _taken(t) for t in active}
        balance = pl.leave_balance(book, by_row.values(), on=last, options=options)
        used: dict[dt.date, Fraction] = {}
        first_grant: dict[int, dt.date] = {}
        for draw in balance.draws:
            used[draw.grant_date] = used.get(draw.grant_date, Fraction(0)) + draw.days
            if draw.taken is not None:
                first_grant.setdefault(id(draw.taken), draw.grant_date)
        duties = {d.grant_date: d for d in pl.designation_duties(book, by_row.values())}
        by_date = {g.grant_date: g for g in grants}
        for grant in grants:
            grant.used_days = _dec(used.get(grant.grant_date, Fraction(0)))
            duty = duties.get(grant.grant_date)
            grant.duty_deadline = duty.deadline if duty else None
            grant.duty_counted = _dec(duty.counted, "0.1") if duty else Decimal(0)
        for row in active:
            day = first_grant.get(id(by_row[id(row)]))
            row.grant_id = by_date[day].id if day is not None else None
        return balance

    @staticmethod
    def _rule_error(error: pl.PaidLeaveError) -> Exception:
        if isinstance(error, pl.InsufficientLeave):
            return LeaveInsufficientError(detail=str(error))
        if isinstance(error, pl.HourlyCapExceeded):
            return LeaveHourlyCapError(detail=str(error))
        return LeaveInvalidError(detail=str(error))

    # --- writes --------------------------------------------------------------------------

    async def consume(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int,
        dates: Sequence[dt.date],
        unit: TakingUnit = TakingUnit.DAY,
        hours: int = 0,
        kind: TakingKind = TakingKind.REQUEST,
        reason: str = "",
        request_id: int | None = None,
        today: dt.date,
        brief: EmployeeBrief | None = None,
        half: HalfDay | None = None,
    ) -> ConsumeOutcome:
        """Record leave on ``dates`` (the requests area calls this in its approval
        transaction; designations come through :meth:`designate`). Oldest grant first;
        refused (nothing written) beyond the balance, beyond the hourly cap, or more than a
        day on one date. ``brief``: the employee as the caller already read and checked it
        (the approval: the approver may read the worker), saving the read. ``half``: which
        half a half day is (the morning when not given); a morning and an afternoon on one
        date make one whole day, the same half twice is ``LEAVE_HALF_DAY_TAKEN``."""
        if brief is None or brief.id != employee_id or not self._may_read(principal, brief):
            brief = await self._readable_brief(session, principal, employee_id)
        if not dates or len(set(dates)) != len(dates):
            raise LeaveInvalidError(detail="give each date once")
        repo = LeaveRepository(session)
        grants = await repo.grants_of([employee_id], for_update=True)
        takings = list(await repo.takings_of([employee_id]))
        periods = (await assignments_service.employment_periods(session, [employee_id])).get(
            employee_id, []
        )
        now = utcnow()
        new = [
            LeaveTaking(
                employee_id=employee_id,
                day=day,
                unit=unit.value,
                hours=hours if unit is TakingUnit.HOURS else 0,
                kind=kind.value,
                request_id=request_id,
                reason=reason,
                created_at=now,
                created_by=principal.user_id,
            )
            for day in sorted(dates)
        ]
        if unit is TakingUnit.HALF_DAY:
            half = half or HalfDay.AM
            for row in new:
                row.half = half.value
            _check_halves(takings, new)
        if brief.hire_date is not None and min(dates) < brief.hire_date:
            raise LeaveInvalidError(detail="a date before the hire date")
        try:
            for row in new:
                _taken(row)  # validates unit and hours
            balance = self._refresh(
                grants, [*takings, *new], self._options(periods, max(dates)), today
            )
        except pl.PaidLeaveError as error:
            raise self._rule_error(error) from error
        repo.add_all(new)
        await repo.flush()
        action = "take" if kind is TakingKind.REQUEST else "designate"
        await audit_service.record(
            session,
            principal,
            entity_type="leave_ledger",
            entity_id=employee_id,
            action=action,
            after={
                "kind": kind.value,
                "unit": unit.value,
                "hours": hours,
                "dates": ", ".join(d.isoformat() for d in sorted(dates)),
                "request_id": request_id,
                "reason": reason,
            },
        )
        return ConsumeOutcome(
            employee_id=employee_id,
            taking_ids=[row.id for row in new],
            remaining=_dec(_remaining_on(balance, grants, today)),
        )

    async def designate(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int,
        data: DesignationCreate,
        today: dt.date,
    ) -> ConsumeOutcome:
        """The employer's 時季指定 (Art. 39(7)) or 計画的付与 (Art. 39(6)): recorded as
        takings of that kind, counted toward the 5 days."""
        return await self.consume(
            session,
            principal,
            employee_id=employee_id,
            dates=data.dates,
            unit=data.unit,
            kind=data.kind,
            reason=data.reason,
            today=today,
            half=data.half,
        )

    async def restore(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int,
        taking_ids: Sequence[int] = (),
        request_id: int | None = None,
        reason: str = "",
        today: dt.date,
    ) -> ConsumeOutcome:
        """Cancel recorded leave (by ids, or every day of a request): the days return to
        their grants (an expired grant's days lapse with it)."""
        await self._readable_brief(session, principal, employee_id)
        repo = LeaveRepository(session)
        grants = await repo.grants_of([employee_id], for_update=True)
        if request_id is not None:
            found = [
                t
                for t in await repo.active_takings_of_request(request_id)
                if t.employee_id == employee_id
            ]
        else:
            found = list(await repo.active_takings_by_ids(employee_id, taking_ids))
            if len(found) != len(set(taking_ids)):
                raise LeaveTakingNotFoundError()
        if not found:
            raise LeaveTakingNotFoundError()
        now = utcnow()
        for row in found:
            row.cancelled_at = now
            row.cancelled_by = principal.user_id
        takings = await repo.takings_of([employee_id])
        periods = (await assignments_service.employment_periods(session, [employee_id])).get(
            employee_id, []
        )
        try:
            balance = self._refresh(grants, takings, self._options(periods, today), today)
        except pl.PaidLeaveError as error:  # pragma: no cover - removing leave cannot overdraw
            raise self._rule_error(error) from error
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="leave_ledger",
            entity_id=employee_id,
            action="cancel",
            before={
                "dates": ", ".join(t.day.isoformat() for t in sorted(found, key=lambda t: t.day)),
                "kind": ", ".join(sorted({t.kind for t in found})),
            },
            after={"reason": reason, "request_id": request_id},
        )
        return ConsumeOutcome(
            employee_id=employee_id,
            taking_ids=[t.id for t in found],
            remaining=_dec(_remaining_on(balance, grants, today)),
        )

    # --- the daily 5-day duty alert ----------------------------------------------------------

    async def duty_alerts(
        self,
        session: AsyncSession,
        *,
        today: dt.date,
        coordinators: CoordinatorLookup | None = None,
    ) -> dict[str, int]:
        """Tell the worker's coordinator of each worker at risk of missing the employer's
        5-day duty — a grant whose deadline is within the risk window (or passed within the
        year) with fewer than 5 days taken or designated — once per grant: the
        notification's link names the grant, and a grant already told is skipped. The
        coordinator of a worker is the one responsible for the client of their current
        placement (``coordinators``: the billing settings' coordinator of record); a worker
        without one (not placed, no coordinator set, or the account inactive) falls back
        to the administrators. Each alert goes to its own audience: a coordinator hears only
        of their clients' workers. Mail follows the notifications' own setting."""
        grants = await LeaveRepository(session).duty_at_risk(
            since=today - dt.timedelta(days=365),
            until=today + dt.timedelta(days=self.risk_window_days),
            required=DUTY_DAYS,
        )
        links = {g.id: f"/employees/{g.employee_id}/leave?grant={g.id}" for g in grants}
        told = await notifications_service.already_told(session, DUTY_ALERT, list(links.values()))
        fresh = [g for g in grants if links[g.id] not in told]
        briefs = await employees_service.get_briefs(session, [g.employee_id for g in fresh])
        clients = sorted({b.current_client_id for b in briefs.values() if b.current_client_id})
        coordinator_of = (
            await coordinators(session, clients) if coordinators is not None and clients else {}
        )
        sent = 0
        for g in fresh:
            brief = briefs.get(g.employee_id)
            if brief is None or g.duty_deadline is None:
                continue
            if brief.leave_date is not None and brief.leave_date < today:
                continue  # left the agency: nobody can designate days any more
            missing = max(DUTY_DAYS - g.duty_counted, Decimal(0)).quantize(Decimal("0.1"))
            coordinator = (
                coordinator_of.get(brief.current_client_id) if brief.current_client_id else None
            )
            audience = (
                Audience(user_ids=(coordinator,), fallback_admins=True)
                if coordinator is not None
                else Audience(admins=True)
            )
            notifications_service.notify_after_commit(
                session,
                audience,
                DUTY_ALERT,
                {
                    "employee": brief.display_name,
                    "employee_id": g.employee_id,
                    "grant_id": g.id,
                    "deadline": g.duty_deadline.isoformat(),
                    "missing": f"{missing.normalize():f}",
                },
                links[g.id],
            )
            sent += 1
        return {"at_risk": len(grants), "already_told": len(told), "told": sent}

    # --- the daily grants ----------------------------------------------------------------

    async def grant_due(
        self,
        session: AsyncSession,
        *,
        today: dt.date,
        employee_ids: Sequence[int] | None = None,
        principal: Principal | None = None,
    ) -> GrantRun:
        """Grant every statutory grant due on or before ``today`` not granted yet (unique per
        employee and date: a second run grants nothing; a missed day catches up)."""
        if employee_ids is None:
            since = today - dt.timedelta(days=self.continuity_gap_days + 400)
            employee_ids = await employees_service.employed_ids(session, on=today, left_since=since)
        granted = 0
        dates: list[dt.date] = []
        withheld: list[tuple[int, dt.date]] = []
        ids = list(employee_ids)
        for offset in range(0, len(ids), JOB_BATCH):
            batch = ids[offset : offset + JOB_BATCH]
            made = await self._grant_batch(session, batch, today, principal, withheld)
            granted += len(made)
            dates.extend(g.grant_date for g in made)
        return GrantRun(
            employees=len(ids),
            granted=granted,
            dates=sorted(set(dates))[:50],
            withheld=[WithheldGrant(employee_id=e, grant_date=d) for e, d in withheld[:50]],
        )

    async def _grant_batch(
        self,
        session: AsyncSession,
        ids: Sequence[int],
        today: dt.date,
        principal: Principal | None,
        withheld: list[tuple[int, dt.date]],
    ) -> list[LeaveGrant]:
        """Grant the due grants of a batch of employees; a grant whose period's recorded
        attendance is under 80 % is not made and goes onto ``withheld`` (employee, date)."""
        briefs = await employees_service.get_briefs(session, ids)
        periods = await assignments_service.employment_periods(session, ids)
        repo = LeaveRepository(session)
        existing = await repo.existing_grant_dates(ids)
        made: list[LeaveGrant] = []
        due: list[tuple[int, dt.date, pl.StatutoryGrant, _Schedule, tuple[dt.date, dt.date]]] = []
        now = utcnow()
        for employee_id in ids:
            brief = briefs.get(employee_id)
            if brief is None or brief.hire_date is None:
                continue
            mine = periods.get(employee_id, [])
            start, last = service_start(brief, mine, gap_days=self.continuity_gap_days, on=today)
            until = min(today, last) if last is not None else today
            if until < start:
                continue
            found = schedules(mine)
            try:
                statutory = pl.grant_schedule(start, [s.schedule for s in found], on=until)
            except pl.PaidLeaveError:
                continue
            have = existing.get(employee_id, set())
            for g in statutory:
                if not g.days or g.grant_date in have:
                    continue
                span = pl.attendance_period(start, g.service_index)
                due.append((employee_id, start, g, _in_force(found, g.grant_date), span))
        # The 80 % rule (労基法39条1項・2項) from the approved timecards of each grant's period;
        # a period with nothing recorded in haken (hired before it was used) is assumed met.
        attendance = await attendance_service.attendance_days(
            session, [(employee_id, *span) for employee_id, _, _, _, span in due]
        )
        for employee_id, start, g, used, span in due:
            counts = attendance.get((employee_id, *span), {})
            rate: Decimal | None = None
            if counts:
                recorded = pl.Attendance.of_days(counts)
                if not recorded.met():
                    withheld.append((employee_id, g.grant_date))
                    continue
                ratio = recorded.rate
                if ratio is not None:
                    rate = (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(
                        Decimal("0.0001"), rounding=ROUND_HALF_UP
                    )
            made.append(
                LeaveGrant(
                    employee_id=employee_id,
                    grant_date=g.grant_date,
                    days=Decimal(g.days),
                    expires_on=g.expires_on,
                    kind=GrantKind.STATUTORY.value,
                    table=g.table.value,
                    service_index=g.service_index,
                    service_start=start,
                    weekly_days=used.schedule.days_per_week,
                    weekly_hours=used.schedule.hours_per_week,
                    schedule_source=used.source,
                    attendance_rate=rate,
                    attendance_basis="recorded" if counts else "assumed",
                    used_days=Decimal(0),
                    duty_deadline=None,
                    duty_counted=Decimal(0),
                    note="",
                    created_at=now,
                    created_by=principal.user_id if principal else None,
                )
            )
        if not made:
            return made
        repo.add_all(made)
        await repo.flush()
        touched = sorted({g.employee_id for g in made})
        grants = await repo.grants_of(touched, for_update=True)
        takings = await repo.takings_of(touched)
        for employee_id in touched:
            mine_grants = [g for g in grants if g.employee_id == employee_id]
            mine_takings = [t for t in takings if t.employee_id == employee_id]
            options = self._options(periods.get(employee_id, []), today)
            try:
                self._refresh(mine_grants, mine_takings, options, today)
            except pl.PaidLeaveError:  # pragma: no cover - more leave never overdraws
                continue
        for grant in made:
            await audit_service.record(
                session,
                principal,
                entity_type="leave_ledger",
                entity_id=grant.employee_id,
                action="grant",
                after={
                    "grant_date": grant.grant_date.isoformat(),
                    "days": str(grant.days),
                    "expires_on": grant.expires_on.isoformat(),
                    "table": grant.table,
                },
            )
        await repo.flush()
        return made

    # --- reads ---------------------------------------------------------------------------

    async def ledger(
        self, session: AsyncSession, principal: Principal, *, employee_id: int, on: dt.date
    ) -> LedgerRead:
        """年次有給休暇管理簿 of one employee: grants with what is used, left and lapsed on
        ``on``, every date of leave (cancelled ones marked), the 5-day duties."""
        brief = await self._readable_brief(session, principal, employee_id)
        return (await self._ledgers(session, [brief], on=on))[0]

    async def ledgers(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_ids: Sequence[int],
        on: dt.date,
    ) -> list[LedgerRead]:
        """Several ledgers in four statements (coordinators and above; the demo seed reads
        every worker's grants this way). Unknown ids are left out."""
        if not principal.is_at_least(Role.COORDINATOR):
            raise NotFoundError()
        found = await employees_service.get_briefs(session, employee_ids)
        briefs = [found[i] for i in employee_ids if i in found]
        return await self._ledgers(session, briefs, on=on) if briefs else []

    async def _ledgers(
        self, session: AsyncSession, briefs: Sequence[EmployeeBrief], *, on: dt.date
    ) -> list[LedgerRead]:
        ids = [b.id for b in briefs]
        repo = LeaveRepository(session)
        all_grants = await repo.grants_of(ids)
        all_takings = await repo.takings_of(ids, include_cancelled=True)
        periods = await assignments_service.employment_periods(session, ids)
        found = []
        for brief in briefs:
            grants = [g for g in all_grants if g.employee_id == brief.id]
            takings = [t for t in all_takings if t.employee_id == brief.id]
            found.append(self._ledger(brief, grants, takings, periods.get(brief.id, []), on))
        return found

    def _ledger(
        self,
        brief: EmployeeBrief,
        grants: Sequence[LeaveGrant],
        takings: Sequence[LeaveTaking],
        periods: Sequence[EmploymentPeriod],
        on: dt.date,
    ) -> LedgerRead:
        active = [t for t in takings if t.cancelled_at is None]
        options = self._options(periods, on)
        book = [_grant(g) for g in grants]
        taken = [_taken(t) for t in active]
        balance = pl.leave_balance(book, taken, on=on, options=options)
        # Leave already fixed for later dates (designations, approved requests) is drawn
        # too: "used" and "remaining" are after it, as on the lists.
        last = max([on, *(t.day for t in active)])
        fixed = pl.leave_balance(book, taken, on=last, options=options)
        per_day = balance.hours_per_day
        by_date = {b.grant_date: b for b in fixed.grants}
        grant_reads = []
        left = Fraction(0)
        for g in grants:
            b = by_date[g.grant_date]
            rest = b.granted - b.used
            valid = g.grant_date <= on <= g.expires_on
            left += rest if valid else 0
            grant_reads.append(
                GrantRead(
                    id=g.id,
                    grant_date=g.grant_date,
                    expires_on=g.expires_on,
                    days=g.days,
                    kind=g.kind,
                    table=g.table,
                    service_index=g.service_index,
                    service_start=g.service_start,
                    weekly_days=g.weekly_days,
                    weekly_hours=g.weekly_hours,
                    schedule_source=g.schedule_source,
                    attendance_rate=g.attendance_rate,
                    attendance_basis=g.attendance_basis,
                    used=_dec(b.used),
                    remaining=_dec(rest if valid else Fraction(0)),
                    lapsed=_dec(rest if on > g.expires_on else Fraction(0)),
                    expired=on > g.expires_on,
                )
            )
        duties = [
            DutyRead(
                grant_date=d.grant_date,
                deadline=d.deadline,
                required=_dec(d.required, "0.1"),
                counted=_dec(d.counted, "0.1"),
                to_designate=_dec(d.to_designate, "0.1"),
                overdue=d.overdue(on),
            )
            for d in pl.designation_duties(book, [_taken(t) for t in active])
        ]
        return LedgerRead(
            employee_id=brief.id,
            employee_name=brief.display_name,
            employee_number=brief.employee_number,
            on=on,
            remaining=_dec(left - fixed.advanced),
            grants=grant_reads,
            takings=[
                TakingRead(
                    id=t.id,
                    day=t.day,
                    unit=t.unit,
                    hours=t.hours,
                    half=_half_of(t),
                    days=_dec(_taken(t).days_of(per_day)),
                    kind=t.kind,
                    request_id=t.request_id,
                    grant_id=t.grant_id,
                    reason=t.reason,
                    cancelled=t.cancelled_at is not None,
                )
                for t in takings
            ],
            duties=duties,
            hours_per_day=per_day,
            hourly_hours_used=balance.hourly_hours_used,
            hourly_hours_cap=balance.hourly_hours_cap,
            pay_method=self.pay_method,
        )

    async def balances(
        self, session: AsyncSession, principal: Principal, *, on: dt.date, page: PageRequest
    ) -> PageResult[BalanceRow]:
        """Every readable employee with grants: days left on ``on`` (after the leave already
        fixed), next expiry. At most 3 statements (scope ids, the page, the names)."""
        scope = await self._scope_ids(session, principal)
        found = await LeaveRepository(session).page_balances(scope, on, page)
        briefs = await employees_service.get_briefs(session, [r.employee_id for r in found.items])
        rows = []
        for r in found.items:
            brief = briefs.get(r.employee_id)
            rows.append(
                BalanceRow(
                    employee_id=r.employee_id,
                    employee_name=brief.display_name if brief else "",
                    employee_number=brief.employee_number if brief else None,
                    remaining=Decimal(r.remaining).quantize(Decimal("0.001")),
                    next_expiry=r.next_expiry,
                    latest_grant=r.latest_grant,
                )
            )
        return found.with_items(rows)

    async def at_risk(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        on: dt.date,
        page: PageRequest,
        window_days: int | None = None,
    ) -> PageResult[AtRiskRow]:
        """Workers at risk of missing the 5-day duty: a grant's deadline within the window
        (or passed in the last year) with fewer than 5 days taken or designated.
        At most 3 statements."""
        window = window_days if window_days is not None else self.risk_window_days
        scope = await self._scope_ids(session, principal)
        found = await LeaveRepository(session).page_at_risk(
            scope,
            since=on - dt.timedelta(days=365),
            until=on + dt.timedelta(days=window),
            required=DUTY_DAYS,
            request=page,
        )
        briefs = await employees_service.get_briefs(session, [g.employee_id for g in found.items])
        rows = []
        for g in found.items:
            brief = briefs.get(g.employee_id)
            assert g.duty_deadline is not None
            rows.append(
                AtRiskRow(
                    employee_id=g.employee_id,
                    employee_name=brief.display_name if brief else "",
                    employee_number=brief.employee_number if brief else None,
                    grant_id=g.id,
                    grant_date=g.grant_date,
                    deadline=g.duty_deadline,
                    counted=g.duty_counted,
                    to_designate=max(DUTY_DAYS - g.duty_counted, Decimal(0)),
                    overdue=g.duty_deadline < on,
                )
            )
        return found.with_items(rows)

    async def overview(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        on: dt.date,
        filters: LeaveFilter,
        sort: Sequence[SortKey],
        page: PageRequest,
    ) -> tuple[PageResult[OverviewRow], int]:
        """The leave list (``/leave``): every readable employee with grants — days left, next
        expiry, the 5-day duty (days counted, the open duty's deadline, at risk when it falls
        within the window or has passed) — and how many are at risk. Statements: the page
        (with both counts) and the names; a site manager +1 for the ids of their sites."""
        window = filters.window_days or self.risk_window_days
        scope = await self._scope_ids(session, principal)
        found, at_risk = await LeaveRepository(session).page_overview(
            scope,
            on=on,
            since=on - dt.timedelta(days=365),
            until=on + dt.timedelta(days=window),
            required=DUTY_DAYS,
            at_risk_only=filters.at_risk,
            sort=sort,
            request=page,
        )
        briefs = await employees_service.get_briefs(session, [r.employee_id for r in found.items])
        rows = []
        until = on + dt.timedelta(days=window)
        for r in found.items:
            brief = briefs.get(r.employee_id)
            open_counted = Decimal(r.open_counted) if r.open_counted is not None else None
            rows.append(
                OverviewRow(
                    employee_id=r.employee_id,
                    employee_name=brief.display_name if brief else "",
                    name_kanji=brief.name_kanji if brief else None,
                    name_kana=brief.name_kana if brief else "",
                    name_romaji=brief.name_romaji if brief else "",
                    employee_number=brief.employee_number if brief else None,
                    remaining=Decimal(r.remaining).quantize(Decimal("0.001")),
                    next_expiry=r.next_expiry,
                    duty_counted=(
                        Decimal(r.duty_counted).quantize(Decimal("0.1"))
                        if r.duty_counted is not None
                        else None
                    ),
                    duty_deadline=r.duty_deadline,
                    to_designate=(
                        max(DUTY_DAYS - open_counted, Decimal(0)).quantize(Decimal("0.1"))
                        if open_counted is not None
                        else Decimal("0.0")
                    ),
                    at_risk=r.duty_deadline is not None and r.duty_deadline <= until,
                    overdue=r.duty_deadline is not None and r.duty_deadline < on,
                )
            )
        return found.with_items(rows), at_risk

    async def summary(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int,
        current_site_id: int | None,
        on: dt.date,
    ) -> LeaveSummary:
        """The balance in brief, from the grants alone (one statement): the employee page
        passes the worker it already read (and its site, for a site manager's scope), the
        portal the caller's own id."""
        if not principal.is_at_least(Role.COORDINATOR):
            mine = principal.employee_id == employee_id
            managed = (
                principal.role is Role.SITE_MANAGER
                and current_site_id is not None
                and current_site_id in principal.site_ids
            )
            if not (mine or managed):
                raise NotFoundError()
        grants = await LeaveRepository(session).grants_of([employee_id])
        valid = [g for g in grants if g.grant_date <= on <= g.expires_on]
        remaining = sum((g.days - g.used_days for g in valid), Decimal(0))
        next_expiry = min((g.expires_on for g in valid), default=None)
        expiring = sum(
            (g.days - g.used_days for g in valid if g.expires_on == next_expiry), Decimal(0)
        )
        since = on - dt.timedelta(days=365)
        open_duties = [
            g
            for g in grants
            if g.duty_deadline is not None
            and g.duty_deadline >= since
            and g.duty_counted < DUTY_DAYS
        ]
        running = [
            g
            for g in grants
            if g.duty_deadline is not None and g.grant_date <= on <= g.duty_deadline
        ]
        duty = min(open_duties, key=lambda g: g.duty_deadline or on, default=None)
        if duty is None and running:
            duty = max(running, key=lambda g: g.duty_counted)
        deadline = duty.duty_deadline if duty is not None else None
        counted = duty.duty_counted if duty is not None else Decimal(0)
        late = deadline is not None and counted < DUTY_DAYS
        return LeaveSummary(
            employee_id=employee_id,
            has_grants=bool(grants),
            remaining=remaining.quantize(Decimal("0.001")),
            next_expiry=next_expiry,
            expiring_days=expiring.quantize(Decimal("0.001")),
            duty_deadline=deadline,
            duty_counted=Decimal(counted).quantize(Decimal("0.1")),
            to_designate=max(DUTY_DAYS - counted, Decimal(0)).quantize(Decimal("0.1")),
            at_risk=late
            and deadline is not None
            and deadline <= on + dt.timedelta(days=self.risk_window_days),
            overdue=late and deadline is not None and deadline < on,
        )

    async def export_ledgers(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        on: dt.date,
        employee_id: int | None = None,
    ) -> list[LedgerRead]:
        """The ledgers to export (one employee, or every readable employee with grants),
        audited as an export."""
        if employee_id is not None:
            briefs = [await self._readable_brief(session, principal, employee_id)]
        else:
            scope = await self._scope_ids(session, principal)
            ids = await LeaveRepository(session).employees_with_grants(scope)
            found = await employees_service.get_briefs(session, ids)
            briefs = [found[i] for i in ids if i in found]
        await audit_service.record(
            session,
            principal,
            entity_type="leave_ledger",
            entity_id=employee_id if employee_id is not None else "list",
            action="export",
            after={"format": "xlsx", "on": on.isoformat()},
        )
        return await self._ledgers(session, briefs, on=on) if briefs else []

    def settings(self) -> dict[str, Any]:
        return {
            "continuity_gap_days": self.continuity_gap_days,
            "hourly_cap_days": self.hourly_cap_days,
            "pay_method": self.pay_method.value,
            "risk_window_days": self.risk_window_days,
        }


def _half_of(row: LeaveTaking) -> HalfDay | None:
    """A half day's half (rows from before the column read as the morning)."""
    if row.unit != TakingUnit.HALF_DAY.value:
        return None
    return HalfDay(row.half) if row.half else HalfDay.AM


_HALF_WORDS = {HalfDay.AM: ("morning", "午前"), HalfDay.PM: ("afternoon", "午後")}


def _check_halves(takings: Sequence[LeaveTaking], new: Sequence[LeaveTaking]) -> None:
    """The same half of a date twice (active takings and the new ones) is refused; a
    morning and an afternoon are one whole day (the pure ledger sums them to 1)."""
    seen = {
        (t.day, _half_of(t))
        for t in takings
        if t.cancelled_at is None and t.unit == TakingUnit.HALF_DAY.value
    }
    for row in new:
        half = _half_of(row)
        if half is not None and (row.day, half) in seen:
            en, ja = _HALF_WORDS[half]
            raise LeaveHalfDayTakenError(day=row.day.isoformat(), half=en, half_ja=ja)


def _remaining_on(
    balance: pl.LeaveBalance, grants: Iterable[LeaveGrant], today: dt.date
) -> Fraction:
    """Days left on ``today`` after every recorded taking (future dates included)."""
    left = Fraction(0)
    for g in balance.grants:
        if g.grant_date <= today <= g.expires_on:
            left += g.granted - g.used
    return left - balance.advanced


leave_service = LeaveService()

__all__ = ["LeaveService", "leave_service", "schedules", "service_start"]
