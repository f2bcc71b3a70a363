"""Use cases of the payroll area: start (or resume) a period's run, the run's batches (the
job's body), results with the previous month's differences, payslips, close, adjustments.

A run reads the attendance ledger (never the timecards), the pay rate of the placement,
the employee's payroll facts and pay settings, and housing charges where a 賃金控除協定 is
recorded; ``haken.labor.payslip`` computes every line with its basis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.average_wage import LeavePayMethod, WagePeriod
from haken.labor.insurance import (
    FixedPay,
    InsuranceError,
    InsuredKind,
    MonthPay,
    StandardAmounts,
    add_months,
    annual_average_check,
    fixed_pay_changes,
    grades_apart,
    in_regular_decision,
    month_of,
    occasional_revision,
    regular_decision,
    standard_amounts,
)
from haken.labor.margin import NO_COST, LabourCost, labour_cost
from haken.labor.payslip import (
    LedgerMinutes,
    PayFacts,
    PayslipError,
    calculate,
    fixed_pay,
    resident_tax_for,
    wage_period,
)
from haken.labor.withholding import NoWithholdingRules
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.service import attendance_service
from haken.modules.audit.service import audit_service
from haken.modules.employees.schemas import EmployeeBrief
from haken.modules.employees.service import employees_service
from haken.modules.housing.service import housing_service
from haken.modules.leave.service import leave_service
from haken.modules.payroll.errors import (
    PayrollAnnualAverageNotApplicableError,
    PayrollBonusAdjustmentError,
    PayrollGradeExistsError,
    PayrollGradeMonthInvalidError,
    PayrollPeriodClosedError,
    PayrollPeriodNotFoundError,
    PayrollPeriodOpenError,
    PayrollRunHasErrorsError,
    PayrollRunInProgressError,
)
from haken.modules.payroll.models import (
    PayrollAdjustment,
    PayrollBonus,
    PayrollGrade,
    PayrollProfile,
    PayrollRun,
    Payslip,
)
from haken.modules.payroll.repository import PayrollRepository
from haken.modules.payroll.schemas import (
    AdjustmentCreate,
    AdjustmentRead,
    GradeCreate,
    GradeKind,
    GradeMethod,
    GradeProposal,
    GradeRead,
    PayslipAttendance,
    PayslipLine,
    PayslipRead,
    PayslipSummary,
    ProfileRead,
    ProfileWrite,
    ProposalKind,
    RunRead,
    RunStart,
    RunState,
)
from haken.platform.access import Principal, Role
from haken.platform.db import utcnow
from haken.platform.editing import check_version
from haken.platform.errors import NotFoundError
from haken.platform.jobs import enqueue_job
from haken.platform.pagination import PageRequest, PageResult

RUN_JOB = "payroll.run_batch"
TOKYO = ZoneInfo("Asia/Tokyo")
HIGHLIGHT_YEN = 10_000
"""A net pay that moved more than this from the previous month is highlighted."""


LABOUR_COLUMNS = (
    "commuting_pay",
    "paid_leave_pay",
    "employer_social_insurance",
    "employer_employment_insurance",
)


def labour_columns(gross: int, lines: Any, wage_date: dt.date) -> dict[str, int]:
    """The labour cost's parts a computed payslip keeps (:data:`LABOUR_COLUMNS`), from its
    lines (labor.margin.labour_cost; ``wage_date``: the period's end, a bonus's pay date)."""
    cost = labour_cost(gross, lines, wage_date)
    return {
        "commuting_pay": cost.commuting,
        "paid_leave_pay": cost.paid_leave,
        "employer_social_insurance": cost.employer_social,
        "employer_employment_insurance": cost.employer_employment,
    }


def payslip_amounts(row: Payslip) -> dict[str, Any]:
    """A stored payslip's money as :class:`PayslipRead` fields: the page, the API and the
    PDFs read them alike."""
    return {
        "gross": row.gross,
        "social_insurance": row.social_insurance,
        "employment_insurance": row.employment_insurance,
        "income_tax": row.income_tax,
        "resident_tax": row.resident_tax,
        "deductions": row.deductions,
        "net": row.net,
        "lines": [PayslipLine.model_validate(line) for line in row.lines],
    }


def bonus_payslip_read(
    row: Payslip, bonus: PayrollBonus, brief: EmployeeBrief | None
) -> PayslipRead:
    """A bonus payslip (賞与明細書) as read by the API, the page and the bulk PDF: its period
    is the pay date; it has no attendance."""
    return PayslipRead(
        id=row.id,
        kind="bonus",
        run_id=None,
        bonus_id=bonus.id,
        employee_id=row.employee_id,
        employee_name=brief.display_name if brief else str(row.employee_id),
        employee_number=brief.employee_number if brief else None,
        attendance=None,
        period_start=row.pay_date,
        period_end=row.pay_date,
        pay_date=row.pay_date,
        state=RunState.CLOSED if bonus.state == "closed" else RunState.OPEN,
        status=row.status,
        error_code=row.error_code,
        error_detail=row.error_detail,
        **payslip_amounts(row),
    )


def _run_snapshot(row: PayrollRun) -> dict[str, Any]:
    return {
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "pay_date": row.pay_date.isoformat(),
        "state": row.state,
        "attempt": row.attempt,
    }


def _profile_snapshot(row: PayrollProfile) -> dict[str, Any]:
    return ProfileWrite.model_validate(row, from_attributes=True).model_dump(mode="json")


def _ledger(entry: Any) -> LedgerMinutes:
    return LedgerMinutes(
        **{name: getattr(entry, name) for name in LedgerMinutes.__dataclass_fields__}
    )


class PayrollService:
    def __init__(self) -> None:
        self.prefecture = "13"
        self.withholding_method = "table"
        self.deduction_agreement = False
        self.batch_size = 200

    def configure(
        self,
        *,
        prefecture: str,
        withholding_method: str,
        deduction_agreement: bool,
        batch_size: int,
    ) -> None:
        self.prefecture = prefecture
        self.withholding_method = withholding_method
        self.deduction_agreement = deduction_agreement
        self.batch_size = batch_size

    # --- runs -----------------------------------------------------------------------------

    async def list_runs(
        self, session: AsyncSession, principal: Principal, *, request: PageRequest
    ) -> PageResult[RunRead]:
        result = await PayrollRepository(session).page_runs(request)
        return result.with_items([RunRead.model_validate(r) for r in result.items])

    async def get_run(self, session: AsyncSession, principal: Principal, *, run_id: int) -> RunRead:
        row = await PayrollRepository(session).run(run_id)
        if row is None:
            raise NotFoundError()
        return RunRead.model_validate(row)

    async def start_run(
        self, session: AsyncSession, principal: Principal, *, data: RunStart
    ) -> RunRead:
        """Start the payroll of the period containing ``data.day``, or run an open period
        again (every payslip recomputed; one per employee and run, so nothing doubles). A
        run still in progress is resumed from its cursor; a closed period is refused."""
        repo = PayrollRepository(session)
        period = attendance_service.payroll_period(data.day)
        found = await repo.run_for(period.start)
        row = await repo.run_locked(found.id) if found is not None else None
        before = _run_snapshot(row) if row else None
        if row is not None and row.state == "closed":
            raise PayrollPeriodClosedError(start=row.period_start, end=row.period_end)
        total = await attendance_service.payroll_ledger_count(session, period_start=period.start)
        if row is None:
            row = PayrollRun(
                period_start=period.start,
                period_end=period.end,
                pay_date=attendance_service.pay_date(period),
                state="open",
                attempt=0,
            )
            repo.add(row)
        if row.status != "running":
            row.attempt += 1
            row.cursor = 0
            row.processed = 0
            row.failed = 0
            row.finished_at = None
        row.status = "running"
        row.total = total
        row.started_by = principal.user_id
        await repo.flush()
        self._enqueue(session, row.id, row.attempt, row.cursor)
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_run",
            entity_id=row.id,
            action="run",
            before=before,
            after=_run_snapshot(row),
        )
        return RunRead.model_validate(row)

    async def run_inline(
        self, session: AsyncSession, principal: Principal, *, day: dt.date
    ) -> RunRead:
        """Start a run and compute every batch in this transaction (the demo seed; the job
        queued by the start finds its batch done and skips)."""
        started = await self.start_run(session, principal, data=RunStart(day=day))
        repo = PayrollRepository(session)
        while True:
            row = await repo.run_fresh(started.id)
            assert row is not None
            if row.status == "done":
                return RunRead.model_validate(row)
            await self.run_batch(session, run_id=row.id, attempt=row.attempt, cursor=row.cursor)

    @staticmethod
    def _enqueue(session: AsyncSession, run_id: int, attempt: int, cursor: int) -> None:
        enqueue_job(
            session,
            RUN_JOB,
            key=f"{RUN_JOB}:{run_id}:{attempt}:{cursor}",
            run_id=run_id,
            attempt=attempt,
            cursor=cursor,
        )

    async def run_batch(
        self, session: AsyncSession, *, run_id: int, attempt: int, cursor: int
    ) -> dict[str, Any]:
        """One batch of a run (the job's body): the next ``batch_size`` employees of the
        ledger after ``cursor``; their payslips written or rewritten, then the cursor
        moved and the next batch enqueued in the same transaction. An employee whose pay
        cannot be computed gets an error payslip (listed; the run goes on). A stale batch
        (a newer attempt, a moved cursor, a closed period) does nothing."""
        repo = PayrollRepository(session)
        run = await repo.run_locked(run_id)
        if run is None or run.state != "open" or run.attempt != attempt or run.cursor != cursor:
            return {"skipped": True}
        ledger = await attendance_service.payroll_ledger(
            session, period_start=run.period_start, after=cursor, limit=self.batch_size
        )
        ids = [entry.subject_id for entry in ledger]
        made = await self._payslips(session, repo, run, ledger, ids)
        failed = sum(1 for p in made if p["status"] == "error")
        done = len(ledger) < self.batch_size
        last = ids[-1] if ids else cursor
        await repo.advance(run.id, cursor=last, processed=len(made), failed=failed, done=done)
        if not done:
            self._enqueue(session, run.id, attempt, last)
        return {"employees": len(made), "failed": failed, "done": done}

    async def _payslips(
        self,
        session: AsyncSession,
        repo: PayrollRepository,
        run: PayrollRun,
        ledger: Sequence[Any],
        ids: list[int],
    ) -> list[dict[str, Any]]:
        """The batch's payslips computed and written (the rows written, as column values)."""
        if not ids:
            return []
        year = run.pay_date.year
        facts = await employees_service.payroll_facts(session, ids, year=year)
        terms = await assignments_service.pay_terms(
            session, ids, first=run.period_start, last=run.period_end
        )
        profiles = {p.employee_id: p for p in await repo.profiles(ids)}
        adjustments: dict[int, list[tuple[str, int]]] = {}
        for adjustment in await repo.adjustments(run.period_start, ids):
            adjustments.setdefault(adjustment.employee_id, []).append(
                (adjustment.reason, adjustment.amount)
            )
        housing: dict[int, int] = {}
        if self.deduction_agreement:
            month = run.period_end
            for charge in await housing_service.monthly_deductions(
                session, month.year, month.month
            ):
                if charge.employee_id in facts:
                    housing[charge.employee_id] = (
                        housing.get(charge.employee_id, 0) + charge.rent + charge.utilities
                    )
        grades = await repo.grades_until(ids, month_of(run.period_end))
        periods = await self._wage_periods(repo, run, ledger)
        made: list[dict[str, Any]] = []
        for entry in ledger:
            employee_id = entry.subject_id
            row: dict[str, Any] = {
                "run_id": run.id,
                "employee_id": employee_id,
                "period_start": run.period_start,
                "pay_date": run.pay_date,
                "computed_at": utcnow(),
            }
            try:
                pay_facts = self._facts(
                    run,
                    entry,
                    facts.get(employee_id),
                    terms.get(employee_id),
                    profiles.get(employee_id),
                    adjustments.get(employee_id, []),
                    housing.get(employee_id, 0),
                    grades.get(employee_id),
                    periods.get(employee_id, ()),
                )
                slip = calculate(pay_facts)
            except PayslipError as error:
                self._failed(row, error.code, str(error))
            except (InsuranceError, NoWithholdingRules, ValueError) as error:
                self._failed(row, "calculation", str(error))
            else:
                row["status"] = "ok"
                row["error_code"] = None
                row["error_detail"] = None
                for name, value in slip.amounts().items():
                    if name != "taxable":
                        row[name] = value
                row["base_days"] = slip.base_days
                row["worked_days"] = slip.worked_days
                row["lines"] = [dict(line) for line in slip.lines]
                row.update(labour_columns(slip.gross, slip.lines, run.period_end))
            made.append(row)
        # One multi-row upsert for the batch (no ORM objects, no read of the payslips a
        # rerun replaces: the unique (run, employee) key finds them).
        await repo.upsert_payslips(made)
        return made

    @staticmethod
    async def _wage_periods(
        repo: PayrollRepository, run: PayrollRun, ledger: Sequence[Any]
    ) -> dict[int, tuple[WagePeriod, ...]]:
        """The earlier wage periods (three runs) of the batch's employees who took paid leave,
        when the agency pays leave at the 平均賃金, and of those owed 休業手当 for days closed
        for the employer's reasons (労基法26条; two statements; none otherwise)."""
        average = leave_service.pay_method.value == LeavePayMethod.AVERAGE
        takers = [
            e.subject_id
            for e in ledger
            if (average and (e.paid_leave_days or e.half_leave_days)) or e.closure_days
        ]
        if not takers:
            return {}
        runs = {r.id: r for r in await repo.runs_before(run.period_start, 3)}
        slips = {
            (s.employee_id, s.run_id): s for s in await repo.payslips_of_runs(list(runs), takers)
        }
        found: dict[int, tuple[WagePeriod, ...]] = {}
        for employee_id in takers:
            if not any((employee_id, run_id) in slips for run_id in runs):
                continue  # no pay history in haken: the payslip falls back to 通常の賃金
            periods = []
            for run_id, earlier in runs.items():
                slip = slips.get((employee_id, run_id))
                # A period without pay still counts its calendar days (with no wages);
                # the days before hiring are cut by three_periods_before (12条6項).
                periods.append(
                    wage_period(
                        earlier.period_start,
                        earlier.period_end,
                        slip.lines if slip is not None else [],
                        worked_days=slip.worked_days if slip is not None else 0,
                    )
                )
            found[employee_id] = tuple(sorted(periods, key=lambda p: p.start))
        return found

    @staticmethod
    def _failed(row: dict[str, Any], code: str, detail: str) -> None:
        """An error payslip: no amounts, no lines (an existing payslip keeps its days)."""
        row["status"] = "error"
        row["error_code"] = code
        row["error_detail"] = detail[:500]
        row["base_days"] = 0
        row["worked_days"] = 0
        for name in (
            "gross",
            "social_insurance",
            "employment_insurance",
            *LABOUR_COLUMNS,
            "income_tax",
            "resident_tax",
            "deductions",
            "net",
        ):
            row[name] = 0
        row["lines"] = []

    def _facts(
        self,
        run: PayrollRun,
        entry: Any,
        facts: Any,
        terms: Any,
        profile: PayrollProfile | None,
        adjustments: list[tuple[str, int]],
        housing: int,
        grade: PayrollGrade | None = None,
        wage_periods: tuple[WagePeriod, ...] = (),
    ) -> PayFacts:
        if facts is None:
            raise PayslipError("no_employee", "the employee record is missing")
        pay_type = profile.pay_type if profile else "hourly"
        if pay_type == "hourly" and terms is None:
            raise PayslipError("no_rate", "no placement with a pay rate in the period")
        return PayFacts(
            period_start=run.period_start,
            period_end=run.period_end,
            pay_date=run.pay_date,
            birth_date=facts.birth_date,
            prefecture=self.prefecture,
            ledger=_ledger(entry),
            pay_type=pay_type,
            hourly_rate=terms.hourly_pay if terms is not None else None,
            monthly_salary=profile.monthly_salary if profile else None,
            average_monthly_minutes=profile.average_monthly_minutes if profile else None,
            scheduled_days=profile.scheduled_days if profile else None,
            scheduled_daily_minutes=(terms.scheduled_minutes if terms else None) or 480,
            leave_method=leave_service.pay_method.value,
            allowance=profile.allowance if profile else 0,
            commuting=profile.commuting if profile else 0,
            standard_remuneration=(
                grade.health_standard
                if grade is not None
                else (profile.standard_remuneration if profile else None)
            ),
            standard_basis=grade.basis if grade is not None else "",
            social_insured=profile.social_insured if profile else True,
            employment_insured=profile.employment_insured if profile else True,
            otsu=facts.otsu,
            dependents=0 if facts.otsu else facts.dependents,
            withholding_method=self.withholding_method,
            resident_tax=resident_tax_for(profile.resident_tax if profile else None, run.pay_date),
            housing=housing,
            other_deductions=profile.other_deductions if profile else 0,
            adjustments=tuple(adjustments),
            wage_periods=wage_periods,
            hired_on=facts.hire_date,
            overtime_pct=terms.overtime_pay_pct if terms is not None else None,
            night_pct=terms.late_night_pay_pct if terms is not None else None,
            rest_day_pct=terms.holiday_pay_pct if terms is not None else None,
        )

    async def close_run(
        self, session: AsyncSession, principal: Principal, *, run_id: int, version: int | None
    ) -> RunRead:
        """Lock the period: its payslips never change again (corrections are adjustments)."""
        repo = PayrollRepository(session)
        row = await repo.run_locked(run_id)
        if row is None:
            raise NotFoundError()
        if row.state == "closed":
            raise PayrollPeriodClosedError(start=row.period_start, end=row.period_end)
        if version is not None:
            check_version(row, version)
        if row.status != "done":
            raise PayrollRunInProgressError(processed=row.processed, total=row.total)
        errors = await repo.count_errors(row.id)
        if errors:
            raise PayrollRunHasErrorsError(
                count=errors, details={"count": errors, "run_id": row.id}
            )
        before = _run_snapshot(row)
        row.state = "closed"
        row.closed_at = utcnow()
        row.closed_by = principal.user_id
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_run",
            entity_id=row.id,
            action="close",
            before=before,
            after=_run_snapshot(row),
        )
        return RunRead.model_validate(row)

    # --- results and payslips -------------------------------------------------------------

    async def run_results(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        run_id: int,
        errors_only: bool,
        request: PageRequest,
    ) -> PageResult[PayslipSummary]:
        repo = PayrollRepository(session)
        run = await repo.run(run_id)
        if run is None:
            raise NotFoundError()
        result = await repo.page_payslips(run.id, errors_only, request)
        ids = [p.employee_id for p in result.items]
        previous_run = await repo.run_before(run.period_start)
        previous = (
            {p.employee_id: p for p in await repo.payslips_of(previous_run.id, ids)}
            if previous_run
            else {}
        )
        briefs = await employees_service.get_briefs(session, ids)
        items = []
        for row in result.items:
            before = previous.get(row.employee_id)
            previous_net = before.net if before is not None and before.status == "ok" else None
            difference = row.net - previous_net if previous_net is not None else None
            brief = briefs.get(row.employee_id)
            items.append(
                PayslipSummary(
                    id=row.id,
                    employee_id=row.employee_id,
                    employee_name=brief.display_name if brief else str(row.employee_id),
                    pay_date=row.pay_date,
                    status=row.status,
                    error_code=row.error_code,
                    error_detail=row.error_detail,
                    gross=row.gross,
                    deductions=row.deductions,
                    net=row.net,
                    previous_net=previous_net,
                    difference=difference,
                    highlighted=difference is not None and abs(difference) > HIGHLIGHT_YEN,
                )
            )
        return result.with_items(items)

    async def get_payslip(
        self, session: AsyncSession, principal: Principal, *, payslip_id: int
    ) -> PayslipRead:
        """Admins read every payslip; an employee only their own of a closed period
        (anything else is 404, like a record outside one's scope)."""
        repo = PayrollRepository(session)
        row = await repo.payslip(payslip_id)
        if row is None:
            raise NotFoundError()
        if row.run_id is None:
            return await self._bonus_payslip(session, principal, repo, row)
        run = await repo.run(row.run_id)
        assert run is not None
        if not principal.is_at_least(Role.ADMIN) and (
            principal.employee_id != row.employee_id or run.state != "closed"
        ):
            raise NotFoundError()
        brief = await employees_service.get_brief(session, row.employee_id)
        return PayslipRead(
            id=row.id,
            run_id=row.run_id,
            employee_id=row.employee_id,
            employee_name=brief.display_name,
            employee_number=brief.employee_number,
            attendance=await self.attendance(session, row.employee_id, run.period_start),
            period_start=run.period_start,
            period_end=run.period_end,
            pay_date=row.pay_date,
            state=run.state,
            status=row.status,
            error_code=row.error_code,
            error_detail=row.error_detail,
            **payslip_amounts(row),
        )

    @staticmethod
    async def _bonus_payslip(
        session: AsyncSession, principal: Principal, repo: PayrollRepository, row: Payslip
    ) -> PayslipRead:
        """A bonus payslip (賞与明細書): admins any; an employee their own of a closed bonus
        payment. Its period is the pay date; it has no attendance."""
        bonus = await repo.bonus(row.bonus_id) if row.bonus_id is not None else None
        if bonus is None:
            raise NotFoundError()
        if not principal.is_at_least(Role.ADMIN) and (
            principal.employee_id != row.employee_id or bonus.state != "closed"
        ):
            raise NotFoundError()
        brief = await employees_service.get_brief(session, row.employee_id)
        return bonus_payslip_read(row, bonus, brief)

    @staticmethod
    async def attendance(
        session: AsyncSession, employee_id: int, period_start: dt.date
    ) -> PayslipAttendance | None:
        """The attendance ledger's payroll row of one employee and period (one query)."""
        found = await attendance_service.payroll_ledger(
            session, period_start=period_start, after=employee_id - 1, limit=1
        )
        if not found or found[0].subject_id != employee_id:
            return None
        return PayslipAttendance.model_validate(found[0])

    async def my_payslips(
        self, session: AsyncSession, principal: Principal, *, request: PageRequest
    ) -> PageResult[PayslipSummary]:
        """The caller's own payslips of closed periods, newest first."""
        # A user without an employee record owns no payslips; the query still runs (id 0 is
        # never an employee) so a forged cursor is refused here like on every other list.
        own = principal.employee_id if principal.employee_id is not None else 0
        result = await PayrollRepository(session).page_own(own, request)
        return result.with_items(
            [
                PayslipSummary(
                    id=row.id,
                    kind=row.kind,
                    employee_id=row.employee_id,
                    employee_name="",
                    pay_date=row.pay_date,
                    status=row.status,
                    error_code=None,
                    error_detail=None,
                    gross=row.gross,
                    deductions=row.deductions,
                    net=row.net,
                    previous_net=None,
                    difference=None,
                    highlighted=False,
                )
                for row in result.items
            ]
        )

    # --- settings and adjustments ---------------------------------------------------------

    async def get_profile(
        self, session: AsyncSession, principal: Principal, *, employee_id: int
    ) -> ProfileRead:
        await employees_service.get_brief(session, employee_id)  # 404 when absent
        row = await PayrollRepository(session).profile(employee_id)
        if row is None:
            return ProfileRead(employee_id=employee_id, version=0)
        return ProfileRead.model_validate(row)

    async def insured_flags(
        self, session: AsyncSession, ids: Sequence[int]
    ) -> dict[int, tuple[bool, bool]]:
        """(social insured, employment insured) of the employees among ``ids`` (one query,
        unscoped: the documents area's 外国人雇用状況届出 list); an employee without a
        profile is insured for both, as the profile's defaults say."""
        rows = await PayrollRepository(session).profiles(ids)
        found = {r.employee_id: (bool(r.social_insured), bool(r.employment_insured)) for r in rows}
        return {i: found.get(i, (True, True)) for i in ids}

    async def put_profile(
        self, session: AsyncSession, principal: Principal, *, employee_id: int, data: ProfileWrite
    ) -> ProfileRead:
        await employees_service.get_brief(session, employee_id)  # 404 when absent
        repo = PayrollRepository(session)
        row = await repo.profile(employee_id)
        before = _profile_snapshot(row) if row else None
        if row is None:
            row = PayrollProfile(employee_id=employee_id)
            repo.add(row)
        for name, value in data.model_dump().items():
            setattr(row, name, value)
        if not row.payslip_e_delivery_consent:
            row.payslip_e_delivery_consent_on = None
        elif row.payslip_e_delivery_consent_on is None:
            row.payslip_e_delivery_consent_on = dt.datetime.now(TOKYO).date()
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_profile",
            entity_id=employee_id,
            action="update" if before else "create",
            before=before,
            after=_profile_snapshot(row),
        )
        return ProfileRead.model_validate(row)

    async def add_adjustment(
        self, session: AsyncSession, principal: Principal, *, data: AdjustmentCreate
    ) -> AdjustmentRead:
        """A correction of a closed payslip: a line of the first period after it that is not
        closed (never an edit of the closed payslip)."""
        repo = PayrollRepository(session)
        source = await repo.payslip(data.payslip_id)
        if source is None:
            raise NotFoundError()
        if source.run_id is None:
            raise PayrollBonusAdjustmentError()
        run = await repo.run(source.run_id)
        assert run is not None
        if run.state != "closed":
            raise PayrollPeriodOpenError()
        target = attendance_service.payroll_period(run.period_end + dt.timedelta(days=1))
        for _ in range(24):
            later = await repo.run_for(target.start)
            if later is None or later.state != "closed":
                break
            target = attendance_service.payroll_period(target.end + dt.timedelta(days=1))
        else:
            raise PayrollPeriodNotFoundError(start=run.period_start)
        row = PayrollAdjustment(
            employee_id=source.employee_id,
            period_start=target.start,
            amount=data.amount,
            reason=data.reason,
            source_payslip_id=source.id,
            created_by=principal.user_id,
        )
        repo.add(row)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_adjustment",
            entity_id=row.id,
            action="create",
            after=AdjustmentRead.model_validate(row).model_dump(mode="json"),
        )
        return AdjustmentRead.model_validate(row)

    async def labour_costs(
        self,
        session: AsyncSession,
        *,
        first: dt.date,
        last: dt.date,
        employee_ids: Sequence[int] | None = None,
    ) -> dict[int, LabourCost]:
        """What each worker cost the agency in the closed payroll periods ending between
        ``first`` and ``last``: gross pay (commuting and paid-leave pay shown apart) and the
        employer's insurance shares (labor.margin). One statement; for other areas'
        reports (billing's margins), which check their caller's access themselves."""
        rows = await PayrollRepository(session).closed_payslips_between(first, last, employee_ids)
        costs: dict[int, LabourCost] = {}
        for employee_id, *parts in rows:
            costs[employee_id] = costs.get(employee_id, NO_COST) + LabourCost(*parts)
        return costs

    # --- standard monthly remuneration (定時決定 / 随時改定) --------------------------------

    async def grade_proposals(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        year: int,
        kind: ProposalKind,
    ) -> list[GradeProposal]:
        """The grades the pay history calls for and not yet recorded (four statements: the
        pay history with the pay settings, the retroactive pay, the recorded grades, the
        names). ``regular``: the 定時決定 of ``year`` from the pay of April–June, effective
        September, for whoever is in it (``in_regular_decision``: not acquired on or after
        1 June, no revision from July–September), with the 保険者算定 by the annual average
        (July of the year before to June) set beside it; ``occasional``: the 随時改定 after
        each change of fixed pay paid in ``year`` (2 grades over 3 months). Adjustments of
        earlier months' pay (遡及支払) are left out of the averages."""
        repo = PayrollRepository(session)
        if kind is ProposalKind.REGULAR:
            first, last = dt.date(year - 1, 7, 1), dt.date(year, 6, 30)
        else:
            first, last = dt.date(year - 1, 12, 1), dt.date(year + 1, 2, 28)
        history: dict[int, list[tuple[MonthPay, FixedPay]]] = {}
        profiles: dict[int, PayrollProfile | None] = {}
        for employee_id, pay_date, gross, days, lines, profile in await repo.pay_history(
            first, last
        ):
            if profile is not None and not profile.social_insured:
                continue
            profiles[employee_id] = profile
            month = month_of(pay_date)
            history.setdefault(employee_id, []).append(
                (MonthPay(month, gross, days), fixed_pay(month, lines))
            )
        retro: dict[int, list[tuple[dt.date, int, dt.date]]] = {}
        for employee_id, pay_date, amount, source_date in await repo.retroactive_pay(first, last):
            retro.setdefault(employee_id, []).append(
                (month_of(pay_date), amount, month_of(source_date))
            )
        recorded: dict[int, list[PayrollGrade]] = {}
        for grade in await repo.grades_of(list(history)):
            recorded.setdefault(grade.employee_id, []).append(grade)
        found: list[tuple[int, _Proposed]] = []
        for employee_id, months in history.items():
            profile = profiles.get(employee_id)
            insured = InsuredKind(profile.insured_kind if profile else "regular")
            grades = recorded.get(employee_id, [])
            late = retro.get(employee_id, [])
            proposed = (
                _regular(year, months, insured, grades, profile, late)
                if kind is ProposalKind.REGULAR
                else _occasional(year, months, insured, grades, profile, late)
            )
            found.extend((employee_id, p) for p in proposed)
        briefs = await employees_service.get_briefs(session, [e for e, _ in found])
        result = []
        for employee_id, p in found:
            brief = briefs.get(employee_id)
            current = p.current
            result.append(
                GradeProposal(
                    employee_id=employee_id,
                    employee_name=brief.display_name if brief else str(employee_id),
                    kind=kind,
                    effective_from=p.effective_from,
                    average=p.average,
                    months=[f"{m.month:%Y-%m}" for m in p.months],
                    base_days=[m.base_days for m in p.months],
                    current_grade=current.health.grade if current else None,
                    current_standard=current.health.standard if current else None,
                    health_grade=p.new.health.grade,
                    health_standard=p.new.health.standard,
                    pension_grade=p.new.pension.grade,
                    pension_standard=p.new.pension.standard,
                    change=p.new.health.grade - current.health.grade if current else None,
                    retroactive_excluded=p.retroactive,
                    annual_average=p.annual.average if p.annual else None,
                    annual_months=[f"{m:%Y-%m}" for m in p.annual.months] if p.annual else [],
                    annual_health_grade=p.annual.new.health.grade if p.annual else None,
                    annual_health_standard=p.annual.new.health.standard if p.annual else None,
                    grades_apart=p.annual.apart if p.annual else None,
                    annual_average_applicable=bool(p.annual and abs(p.annual.apart) >= 2),
                    basis=grade_basis(
                        GradeKind(kind.value),
                        GradeMethod.USUAL,
                        [f"{m.month:%Y-%m}" for m in p.months],
                        p.average,
                        p.retroactive,
                    ),
                )
            )
        return result

    async def gross_of_period(
        self, session: AsyncSession, period_start: dt.date, employee_ids: Sequence[int]
    ) -> dict[int, int]:
        """Each employee's computed gross pay of the run of ``period_start`` (two statements)."""
        repo = PayrollRepository(session)
        run = await repo.run_for(period_start)
        if run is None:
            return {}
        return {
            p.employee_id: p.gross
            for p in await repo.payslips_of(run.id, employee_ids)
            if p.status == "ok"
        }

    async def recent_grades(
        self, session: AsyncSession, principal: Principal, *, limit: int = 20
    ) -> list[tuple[GradeRead, str]]:
        """The latest recorded grades with the employees' names (two statements)."""
        rows = await PayrollRepository(session).recent_grades(limit)
        briefs = await employees_service.get_briefs(session, [r.employee_id for r in rows])
        return [
            (
                GradeRead.model_validate(r),
                briefs[r.employee_id].display_name if r.employee_id in briefs else "",
            )
            for r in rows
        ]

    async def record_grade(
        self, session: AsyncSession, principal: Principal, *, data: GradeCreate
    ) -> GradeRead:
        """Record a decided 標準報酬月額 from its first premium month (audited); later runs take
        the latest recorded grade in force in their premium month."""
        if data.effective_from.day != 1:
            raise PayrollGradeMonthInvalidError()
        await employees_service.get_brief(session, data.employee_id)  # 404 when absent
        repo = PayrollRepository(session)
        if await repo.grade_at(data.employee_id, data.effective_from) is not None:
            raise PayrollGradeExistsError(month=f"{data.effective_from:%Y-%m}")
        average, months, method, apart = data.average, list(data.months), GradeMethod.USUAL, None
        try:
            if data.annual_average_consent:
                # 保険者算定 (年間平均): only for a 定時決定, 2 grades or more from April–June.
                if data.kind is not GradeKind.REGULAR or data.annual_average is None:
                    raise PayrollAnnualAverageNotApplicableError()
                apart = grades_apart(data.average, data.annual_average, data.effective_from)
                if abs(apart) < 2:
                    raise PayrollAnnualAverageNotApplicableError()
                average, months = data.annual_average, list(data.annual_months)
                method = GradeMethod.ANNUAL_AVERAGE
            standard = standard_amounts(average, data.effective_from)
        except InsuranceError as error:
            raise PayrollGradeMonthInvalidError() from error
        row = PayrollGrade(
            employee_id=data.employee_id,
            effective_from=data.effective_from,
            kind=data.kind.value,
            health_grade=standard.health.grade,
            health_standard=standard.health.standard,
            pension_grade=standard.pension.grade,
            pension_standard=standard.pension.standard,
            average=average,
            months=months,
            method=method.value,
            consent=method is GradeMethod.ANNUAL_AVERAGE,
            retroactive_excluded=data.retroactive_excluded,
            basis=grade_basis(
                data.kind,
                method,
                months,
                average,
                data.retroactive_excluded,
                usual_average=data.average if apart is not None else None,
                apart=apart,
            ),
            created_by=principal.user_id,
            created_at=utcnow(),
        )
        repo.add(row)
        await repo.flush()
        read = GradeRead.model_validate(row)
        await audit_service.record(
            session,
            principal,
            entity_type="payroll_grade",
            entity_id=row.id,
            action="create",
            after=read.model_dump(mode="json", exclude={"id", "created_at", "valid_until"}),
        )
        return read


@dataclass(frozen=True, slots=True)
class _Annual:
    """The 保険者算定 by the annual average set beside a 定時決定 proposal."""

    average: int
    months: tuple[dt.date, ...]
    new: StandardAmounts
    apart: int


@dataclass(frozen=True, slots=True)
class _Proposed:
    effective_from: dt.date
    average: int
    months: tuple[MonthPay, ...]
    current: StandardAmounts | None
    new: StandardAmounts
    retroactive: int = 0
    annual: _Annual | None = None


_DECIDED_BY = {
    GradeKind.ACQUISITION: "資格取得時決定",
    GradeKind.REGULAR: "定時決定",
    GradeKind.OCCASIONAL: "随時改定",
    GradeKind.ENTERED: "事務所入力",
}


def grade_basis(
    kind: GradeKind,
    method: GradeMethod,
    months: Sequence[str],
    average: int,
    retroactive: int = 0,
    *,
    usual_average: int | None = None,
    apart: int | None = None,
) -> str:
    """The grade's basis line: how it was decided, from which months, and the average (the
    method says whether the 保険者算定 by the annual average was used)."""
    head = _DECIDED_BY[kind]
    if method is GradeMethod.ANNUAL_AVERAGE:
        head = f"{head}（保険者算定・年間平均、本人同意）"
    if months:
        text = f"{head}: {months[0]}〜{months[-1]} の{len(months)}か月の平均 ¥{average:,}"
    else:  # at acquisition (the expected pay) or entered
        text = f"{head}: 報酬月額 ¥{average:,}"
    if retroactive:
        text += f"（遡及支払 ¥{retroactive:,} を除く）"
    if usual_average is not None and apart is not None:
        text += f"; 4〜6月の平均 ¥{usual_average:,} と{abs(apart)}等級差"
    return text[:400]


def _late_pay(
    months: list[MonthPay], late: list[tuple[dt.date, int, dt.date]], before: dt.date
) -> list[MonthPay]:
    """``months`` with :attr:`MonthPay.retroactive` set: the adjustments paid in each month
    for pay months before ``before`` (遅配分, retroactive 差額)."""
    result = []
    for m in months:
        amount = sum(a for paid, a, source in late if paid == m.month and source < before)
        result.append(MonthPay(m.month, m.pay, m.base_days, amount) if amount else m)
    return result


def _current(
    grades: list[PayrollGrade], profile: PayrollProfile | None, month: dt.date
) -> StandardAmounts | None:
    """The grade in force in ``month``: the latest recorded one, else the pay settings'."""
    in_force = [g for g in grades if g.effective_from <= month]
    amount = (
        in_force[-1].health_standard
        if in_force
        else (profile.standard_remuneration if profile else None)
    )
    return standard_amounts(amount, month) if amount else None


def _regular(
    year: int,
    months: list[tuple[MonthPay, FixedPay]],
    insured: InsuredKind,
    grades: list[PayrollGrade],
    profile: PayrollProfile | None,
    late: list[tuple[dt.date, int, dt.date]],
) -> list[_Proposed]:
    """定時決定 of ``year``; none when already recorded, for whoever is outside it
    (``in_regular_decision``: acquired on or after 1 June — the 資格取得時決定 lasts to the
    next August — or revised from July–September; 健保法41条3項), or when no month counts.
    The acquisition is the latest recorded 資格取得時決定 up to September."""
    september = dt.date(year, 9, 1)
    if any(g.effective_from == september for g in grades):
        return []
    acquired = [
        g.effective_from
        for g in grades
        if g.kind == GradeKind.ACQUISITION.value and g.effective_from <= september
    ]
    revised = [
        g.effective_from
        for g in grades
        if g.kind in (GradeKind.OCCASIONAL.value, GradeKind.ENTERED.value)
    ]
    if not in_regular_decision(
        year, acquired_on=acquired[-1] if acquired else None, revised_from=revised
    ):
        return []
    current = _current(grades, profile, dt.date(year, 8, 1))
    april = dt.date(year, 4, 1)
    pay = [m for m, _ in months]
    spring = _late_pay([m for m in pay if m.month >= april], late, april)
    twelve = _late_pay(pay, late, dt.date(year - 1, 7, 1))
    annual: _Annual | None = None
    try:
        decision = regular_decision(year, spring, kind=insured, current=current)
    except InsuranceError:
        return []
    if decision.average is None:
        return []
    try:
        check = annual_average_check(
            year, twelve, april_to_june=spring, kind=insured, current=current
        )
    except InsuranceError:  # a month paid twice: no annual average offered
        check = None
    if check is not None and check.annual is not None and check.annual.average is not None:
        annual = _Annual(
            check.annual.average,
            check.annual.months_used,
            check.annual.standard,
            check.grades_apart,
        )
    used = tuple(m for m in spring if m.month in decision.months_used)
    return [
        _Proposed(
            september,
            decision.average,
            used,
            current,
            decision.standard,
            decision.retroactive_excluded,
            annual,
        )
    ]


def _occasional(
    year: int,
    months: list[tuple[MonthPay, FixedPay]],
    insured: InsuredKind,
    grades: list[PayrollGrade],
    profile: PayrollProfile | None,
    late: list[tuple[dt.date, int, dt.date]],
) -> list[_Proposed]:
    """随時改定 after each change of fixed pay first paid in ``year``: the change month and
    the next two (each with enough 支払基礎日数), 2 grades away in the change's direction;
    adjustments paid in them for months before the change are left out of the average."""
    by_month = {m.month: m for m, _ in months}
    found = []
    for changed, direction in fixed_pay_changes([f for _, f in months]):
        if changed.year != year:
            continue
        three = [by_month.get(add_months(changed, i)) for i in range(3)]
        if any(m is None for m in three):
            continue
        pay = _late_pay([m for m in three if m is not None], late, changed)
        start = add_months(changed, 3)
        current = _current(grades, profile, changed)
        if current is None or any(g.effective_from == start for g in grades):
            continue
        revision = occasional_revision(pay, current=current, direction=direction, kind=insured)
        if revision is None:
            continue
        new = standard_amounts(revision.average, start)
        retroactive = sum(m.retroactive for m in pay)
        found.append(_Proposed(start, revision.average, tuple(pay), current, new, retroactive))
    return found


payroll_service = PayrollService()

__all__ = ["PayrollService", "payroll_service"]
