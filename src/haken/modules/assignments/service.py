"""Use cases of the assignments area: dispatch contracts, assignments, rates, 抵触日.

Never commits (the request or job boundary does); every write records an audit row in the
same transaction, and every refusal is raised before anything is added to the session.

Other areas are reached only through their services: ``employees_service`` (the worker's
brief: birth date, residence status, 無期; and the current placement, which decides a site
manager's row scope over employees) and ``clients_service`` (where a unit sits and the
site 抵触日 the client stated). The 3-year limits come from ``haken.labor.dispatch`` and the
residence rules from ``haken.labor.residence`` (see ``clocks.py`` for the glue).

Derived 抵触日 columns of the other assignments at a site are rewritten with a plain UPDATE
that leaves their ``version`` alone: a recomputation is not an edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.dispatch import (
    ConflictResult,
    Exemption,
    days_until_conflict,
    hearing_deadline,
    individual_conflict_date,
)
from haken.labor.minimum_wage import (
    MinimumWage,
    MinimumWageTable,
    RatePeriod,
    Shortfall,
    is_below,
    shortfalls,
)
from haken.labor.residence import (
    ExtraActivityPermission,
    ResidenceStatus,
    check_dispatch_permitted,
)
from haken.labor.schedule import HoursCheck, check_weekly_hours, scheduled_weekly_hours
from haken.modules.assignments.clocks import Clocks, StoredPeriod, compute_clocks
from haken.modules.assignments.errors import (
    RESIDENCE_REFUSALS,
    AssignmentBelowMinimumWageError,
    AssignmentBeyondIndividualLimitError,
    AssignmentConflictDateReachedError,
    AssignmentEmployeeNotActiveError,
    AssignmentEmployeeNotFoundError,
    AssignmentEndDateInvalidError,
    AssignmentNegativeMarginError,
    AssignmentNotDispatchWorkerError,
    AssignmentNotEditableError,
    AssignmentOutsideContractError,
    AssignmentOverlapError,
    AssignmentPeriodInvalidError,
    AssignmentPremiumBelowMinimumError,
    AssignmentRateDateInvalidError,
    AssignmentRateExistsError,
    AssignmentSitePrefectureUnknownError,
    AssignmentStayExpiredError,
    AssignmentWeeklyHoursOverLimitError,
    ContractNotActiveError,
    ContractNumberTakenError,
    ContractPeriodExcludesAssignmentsError,
    ContractPeriodInvalidError,
    ContractUnitArchivedError,
    ContractUnitNotFoundError,
    PriorPeriodInvalidError,
)
from haken.modules.assignments.models import (
    Assignment,
    AssignmentRate,
    DispatchContract,
    PriorDispatchPeriod,
)
from haken.modules.assignments.repository import DERIVED, AssignmentsRepository
from haken.modules.assignments.schemas import (
    STATUTORY_MIN_PREMIUMS,
    AssignmentCreate,
    AssignmentDetail,
    AssignmentEnd,
    AssignmentFilter,
    AssignmentPhase,
    AssignmentRead,
    AssignmentStatus,
    AssignmentUpdate,
    AttendanceTerms,
    ClientPlacement,
    ClockRead,
    ConflictDatesRead,
    ConflictRead,
    ContractCreate,
    ContractFilter,
    ContractRead,
    ContractStatus,
    ContractUpdate,
    DeleteOutcome,
    EmployeeNames,
    EmploymentPeriod,
    MinimumWageWarning,
    OwnAssignmentRead,
    OwnRateRead,
    PayTerms,
    PriorPeriodCreate,
    PriorPeriodRead,
    RateChange,
    RateRead,
    RateTerms,
    SitePlacement,
)
from haken.modules.assignments.sorting import ASSIGNMENT_SORTING, CONTRACT_SORTING
from haken.modules.audit.service import audit_service
from haken.modules.clients.service import clients_service
from haken.modules.employees.service import employees_service
from haken.modules.minimum_wages.service import minimum_wages_service
from haken.modules.offices.service import offices_service
from haken.platform.access import Principal, Role
from haken.platform.db import utcnow
from haken.platform.editing import check_not_null, check_version, flush_or_conflict, snapshot
from haken.platform.errors import (
    FieldError,
    InvalidCursorError,
    NotFoundError,
    ValidationFailedError,
    check_override,
)
from haken.platform.formatting import format_day
from haken.platform.jptext import PREFECTURES
from haken.platform.pagination import PageRequest, PageResult

if TYPE_CHECKING:
    from haken.modules.clients.schemas import UnitPlacement
    from haken.modules.employees.schemas import EmployeeBrief

_NOT_AUDITED = {"created_at", "updated_at"}
MINIMUM_WAGE_WINDOW_DAYS = 60
"""Placements paying below an amount that takes effect within this many days are warned of."""
_PREMIUM_NAMES = {
    "overtime_pay_pct": "時間外",
    "late_night_pay_pct": "深夜",
    "holiday_pay_pct": "法定休日",
}


def _audit_value(value: Any) -> Any:
    """The audit diff knows dates and decimals; a time of day goes in as text."""
    return value.isoformat() if isinstance(value, dt.time) else value


def _snapshot(row: Any) -> dict[str, Any]:
    return snapshot(row, _NOT_AUDITED, convert=_audit_value)


async def _flush(repo: AssignmentsRepository) -> None:
    await flush_or_conflict(repo.flush)


def _sees_money(principal: Principal) -> bool:
    return principal.is_at_least(Role.COORDINATOR)


# --- reads -----------------------------------------------------------------------------------


def _contract_read(row: DispatchContract, principal: Principal) -> ContractRead:
    read = ContractRead.model_validate(row)
    if not _sees_money(principal):
        read.default_hourly_bill = None
    return read


def _rate_read(rate: AssignmentRate) -> RateRead:
    return RateRead(
        id=rate.id,
        effective_from=rate.effective_from,
        hourly_pay=rate.hourly_pay,
        hourly_bill=rate.hourly_bill,
        margin=rate.hourly_bill - rate.hourly_pay,
        overtime_pay_pct=rate.overtime_pay_pct,
        late_night_pay_pct=rate.late_night_pay_pct,
        holiday_pay_pct=rate.holiday_pay_pct,
        overtime_bill_pct=rate.overtime_bill_pct,
        late_night_bill_pct=rate.late_night_bill_pct,
        holiday_bill_pct=rate.holiday_bill_pct,
        note=rate.note,
        created_at=rate.created_at,
    )


def _phase(row: Assignment, today: dt.date) -> AssignmentPhase:
    """Scheduled before the first day, running through the last, ended after (or ended)."""
    if row.status == AssignmentStatus.CANCELLED:
        return AssignmentPhase.CANCELLED
    if row.status == AssignmentStatus.ENDED or row.end_date < today:
        return AssignmentPhase.ENDED
    if row.start_date > today:
        return AssignmentPhase.SCHEDULED
    return AssignmentPhase.RUNNING


def _rate_day(row: Assignment, today: dt.date) -> dt.date:
    """The day whose rate a list shows: today, or the first day of one not started yet."""
    return max(today, row.start_date)


def _names(brief: EmployeeBrief | None) -> EmployeeNames | None:
    if brief is None:
        return None
    return EmployeeNames(
        name_kanji=brief.name_kanji, name_kana=brief.name_kana, name_romaji=brief.name_romaji
    )


_ASSIGNMENT_KEYS = tuple(column.key for column in Assignment.__table__.columns)
_ASSIGNMENT_READS: TypeAdapter[list[AssignmentRead]] = TypeAdapter(list[AssignmentRead])


def _assignment_read(
    row: Assignment, rate: AssignmentRate | None, today: dt.date
) -> dict[str, Any]:
    # The loaded values straight from the instance's dict (an expired one through the
    # attribute): the instrumented getattr per column was a fifth of a cold list's CPU.
    loaded = row.__dict__
    data = {key: loaded[key] if key in loaded else getattr(row, key) for key in _ASSIGNMENT_KEYS}
    data["rate"] = _rate_read(rate) if rate is not None else None
    data["phase"] = _phase(row, today)
    return data


def _check_weekly_hours(contract: DispatchContract, limit: int | None) -> HoursCheck | None:
    """A worker under a 資格外活動許可: refuse a contract scheduling more than the weekly
    limit (a certain violation whatever their other jobs); CLOSE and UNKNOWN are warnings."""
    if limit is None:
        return None
    scheduled = scheduled_weekly_hours(
        contract.working_days, contract.start_time, contract.end_time, contract.break_minutes
    )
    result = check_weekly_hours(scheduled, limit)
    if result.check is HoursCheck.OVER:
        assert scheduled is not None
        raise AssignmentWeeklyHoursOverLimitError(
            hours=f"{scheduled.normalize():f}",
            limit=limit,
            details={"scheduled_weekly_hours": str(scheduled), "weekly_hours_limit": limit},
        )
    return result.check


def _rate_in_force(rates: Sequence[AssignmentRate], day: dt.date) -> AssignmentRate | None:
    in_force = [r for r in rates if r.effective_from <= day]
    return max(in_force, key=lambda r: r.effective_from) if in_force else None


# --- checks ------------------------------------------------------------------------------------


def _invalid(loc: str, message: str) -> ValidationFailedError:
    return ValidationFailedError(details=[FieldError(loc, "value_error", message).as_dict()])


def _check_premiums(terms: RateTerms) -> None:
    for field, minimum in STATUTORY_MIN_PREMIUMS.items():
        if getattr(terms, field) < minimum:
            raise AssignmentPremiumBelowMinimumError(
                premium=_PREMIUM_NAMES[field], minimum=str(minimum), details={"field": field}
            )


def _rate_row(
    terms: RateTerms,
    *,
    bill: Decimal,
    effective_from: dt.date,
    allow_negative_margin: bool,
    override_reason: str = "",
    principal: Principal,
) -> AssignmentRate:
    """The rate row; pay above the bill is an overridable refusal that needs a reason."""
    _check_premiums(terms)
    if terms.hourly_pay > bill:
        check_override(
            AssignmentNegativeMarginError,
            allowed=allow_negative_margin,
            reason=override_reason,
            details={"hourly_pay": str(terms.hourly_pay), "hourly_bill": str(bill)},
        )
    return AssignmentRate(
        effective_from=effective_from,
        hourly_pay=terms.hourly_pay,
        hourly_bill=bill,
        overtime_pay_pct=terms.overtime_pay_pct,
        late_night_pay_pct=terms.late_night_pay_pct,
        holiday_pay_pct=terms.holiday_pay_pct,
        overtime_bill_pct=terms.overtime_bill_pct,
        late_night_bill_pct=terms.late_night_bill_pct,
        holiday_bill_pct=terms.holiday_bill_pct,
        note=terms.note,
        created_at=utcnow(),
        created_by=principal.user_id,
    )


def _effective_text(amount: MinimumWage) -> tuple[str, str]:
    """The effective date for the messages (en, ja); FY2024's dates are not in the source."""
    if amount.effective_from is None:
        return f"FY{amount.fiscal_year}", f"{amount.fiscal_year}年度"
    day = amount.effective_from
    return format_day(day, locale="en"), format_day(day, locale="ja")


async def _check_minimum_wage(
    session: AsyncSession, prefecture: str | None, hourly_pay: Decimal, day: dt.date
) -> None:
    """Refuse an hourly pay below the minimum wage of the client site's prefecture in force
    on ``day`` (the rate's first day; 最低賃金法13条). Amounts taking effect later are
    warned about ahead (home panel, nightly job), not refused."""
    if prefecture is None:
        raise AssignmentSitePrefectureUnknownError()
    table = await minimum_wages_service.table(session)
    amount = table.in_force(prefecture, day)
    if amount is None or not is_below(hourly_pay, amount):
        return
    effective_en, effective_ja = _effective_text(amount)
    raise AssignmentBelowMinimumWageError(
        pay=str(hourly_pay),
        prefecture=PREFECTURES.get(prefecture, prefecture),
        amount=amount.hourly_yen,
        effective_en=effective_en,
        effective_ja=effective_ja,
        details={
            "field": "hourly_pay",
            "prefecture": prefecture,
            "minimum_wage": amount.hourly_yen,
            "fiscal_year": amount.fiscal_year,
            "effective_from": amount.effective_from.isoformat() if amount.effective_from else None,
        },
    )


def _check_employee(brief: EmployeeBrief) -> None:
    if brief.archived or brief.status != "active":
        raise AssignmentEmployeeNotActiveError(details={"status": str(brief.status)})
    if brief.employment_type != "dispatch":
        raise AssignmentNotDispatchWorkerError()


def _check_residence(
    brief: EmployeeBrief, data: AssignmentCreate, start: dt.date
) -> dict[str, Any]:
    """Refuse a status that may not be dispatched to this work (JP_DISPATCH §2.1–2.2);
    return the 資格外活動 limits the attendance checks must enforce."""
    limits: dict[str, Any] = {
        "weekly_hours_limit": None,
        "vacation_daily_hours_limit": None,
        "permit_document_check": False,
    }
    if brief.residence_status is None:  # a Japanese national: nothing to check
        return limits
    status = ResidenceStatus(brief.residence_status)
    decision = check_dispatch_permitted(
        status,
        specified_skilled_field=data.specified_skilled_field,
        agency_qualified_for_field=data.agency_qualified_for_field,
        work_matches_status=data.work_matches_status,
        extra_activity_permission=ExtraActivityPermission(brief.extra_activity_permission),
        enrolled=data.student_enrolled,
        adult_entertainment=data.adult_entertainment,
        designation_permits_work=data.designation_permits_work,
        supervised_dispatch_type=data.supervised_dispatch_type,
    )
    if not decision.allowed:
        assert decision.refusal is not None
        raise RESIDENCE_REFUSALS[decision.refusal](
            details={"residence_status": status.value, "reason": decision.refusal.value}
        )
    if brief.work_permitted_until is not None and brief.work_permitted_until < start:
        raise AssignmentStayExpiredError(until=brief.work_permitted_until)
    weekly = decision.weekly_hours_limit  # 28 under a blanket permission
    if decision.permit_document_check:
        # An individual permit states its own limit; the employee record holds it.
        weekly = brief.extra_activity_weekly_hours
    limits.update(
        weekly_hours_limit=weekly,
        vacation_daily_hours_limit=decision.long_vacation_daily_hours_limit,
        permit_document_check=decision.permit_document_check,
    )
    return limits


def _check_within_contract(contract: DispatchContract, start: dt.date, end: dt.date) -> None:
    if end < start:
        raise AssignmentPeriodInvalidError()
    if start < contract.period_start or end > contract.period_end:
        raise AssignmentOutsideContractError(start=contract.period_start, end=contract.period_end)


def _check_clocks(clocks: Clocks, start: dt.date, end: dt.date) -> None:
    """Refuse a dispatch at or past a binding 抵触日 (the individual one is never extended)."""
    if clocks.conflict_date is not None and start >= clocks.conflict_date:
        kind = clocks.conflict_kind or "site"
        raise AssignmentConflictDateReachedError(
            kind=kind,
            kind_ja="個人単位" if kind == "individual" else "事業所単位",
            date=clocks.conflict_date,
            details={"kind": kind, "conflict_date": clocks.conflict_date.isoformat()},
        )
    individual = clocks.individual
    if (
        clocks.exemption is None
        and individual.binding
        and individual.conflict_date is not None
        and end >= individual.conflict_date
    ):
        last_day = individual.conflict_date - dt.timedelta(days=1)
        raise AssignmentBeyondIndividualLimitError(
            date=individual.conflict_date,
            last_day=last_day,
            details={"conflict_date": individual.conflict_date.isoformat()},
        )


# --- clocks over a site ---------------------------------------------------------------------------


def _exemption_of(row: Assignment, brief: EmployeeBrief | None) -> Exemption | None:
    """The exemption that applies on the assignment's first day (worker's or work's)."""
    result = individual_conflict_date(
        [],
        reference_date=row.start_date,
        birth_date=brief.birth_date if brief else None,
        indefinite_contract=bool(brief and brief.is_indefinite),
        work_exemption=Exemption(row.work_exemption) if row.work_exemption else None,
    )
    return result.exemption


def _prior_by_worker_unit(
    periods: Iterable[PriorDispatchPeriod],
) -> dict[tuple[int, int], list[StoredPeriod]]:
    """Declared periods through other agencies, by (employee, unit): counted, never exempt
    (a worker exempt by age or 無期 is exempt now too, which lifts the limit anyway)."""
    found: dict[tuple[int, int], list[StoredPeriod]] = {}
    for p in periods:
        found.setdefault((p.employee_id, p.unit_id), []).append(
            StoredPeriod(p.start_date, p.end_date, exempt=False)
        )
    return found


async def _prior_for(
    repo: AssignmentsRepository, rows: Sequence[Assignment]
) -> dict[tuple[int, int], list[StoredPeriod]]:
    """The declared prior periods of the workers and units of ``rows`` (one query)."""
    periods = await repo.prior_periods(
        sorted({r.employee_id for r in rows}), sorted({r.unit_id for r in rows})
    )
    return _prior_by_worker_unit(periods)


def _plan(
    rows: Sequence[Assignment],
    briefs: Mapping[int, EmployeeBrief],
    client_site_date: dt.date | None,
    targets: Iterable[Assignment],
    prior: Mapping[tuple[int, int], Sequence[StoredPeriod]],
) -> dict[Assignment, Clocks]:
    """Both clocks of each target, from every live assignment at its site and the periods
    declared through other agencies (``prior``, by employee and unit: individual clock)."""
    live = [r for r in rows if r.status != AssignmentStatus.CANCELLED]
    exemptions = {r: _exemption_of(r, briefs.get(r.employee_id)) for r in live}
    site_periods = [StoredPeriod(r.start_date, r.end_date, exemptions[r] is not None) for r in live]
    plans: dict[Assignment, Clocks] = {}
    for target in targets:
        brief = briefs.get(target.employee_id)
        unit_periods = [
            StoredPeriod(r.start_date, r.end_date, exemptions[r] is not None)
            for r in live
            if r.employee_id == target.employee_id and r.unit_id == target.unit_id
        ]
        unit_periods += prior.get((target.employee_id, target.unit_id), [])
        plans[target] = compute_clocks(
            start=target.start_date,
            unit_periods=unit_periods,
            site_periods=site_periods,
            client_site_date=client_site_date,
            birth_date=brief.birth_date if brief else None,
            indefinite_contract=bool(brief and brief.is_indefinite),
            work_exemption=Exemption(target.work_exemption) if target.work_exemption else None,
        )
    return plans


def _derived(clocks: Clocks) -> dict[str, Any]:
    return {
        "exemption": clocks.exemption.value if clocks.exemption else None,
        "site_conflict_date": clocks.site.conflict_date,
        "individual_conflict_date": clocks.individual.conflict_date,
        "conflict_date": clocks.conflict_date,
        "conflict_kind": clocks.conflict_kind,
    }


def _clock_read(result: ConflictResult, *, binding: bool, source: Any) -> ClockRead:
    return ClockRead(
        conflict_date=result.conflict_date,
        clock_start=result.clock_start,
        binding=binding,
        exemption=result.exemption,
        age_exemption_from=result.age_exemption_from,
        source=source,
        hearing_deadline=(
            hearing_deadline(result.conflict_date)
            if source != "worker" and result.conflict_date is not None
            else None
        ),
    )


class AssignmentsService:
    # --- contracts ------------------------------------------------------------------------

    async def contract_numbers(self, session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
        """Contract numbers by id, one query, unscoped (the audit log names its records)."""
        return await AssignmentsRepository(session).contract_numbers(ids)

    async def list_contracts(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: ContractFilter,
        sort: str = CONTRACT_SORTING.default,
        request: PageRequest,
    ) -> PageResult[ContractRead]:
        """One page of contracts; ``sort`` is a value of ``CONTRACT_SORTING``."""
        result = await AssignmentsRepository(session).page_contracts(
            principal, filters, sort, request
        )
        return result.with_items([_contract_read(row, principal) for row in result.items])

    async def billing_contracts(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        client_ids: Sequence[int],
        cutoff_day: int | Sequence[int] | None,
        start: dt.date,
        end: dt.date,
    ) -> list[ContractRead]:
        """The contracts the principal reads (archived too) of many clients with the billing
        cut-off (one, any of several, any: ``None``), overlapping the period: one statement
        (invoicing a period in batches)."""
        rows = await AssignmentsRepository(session).billing_contracts(
            principal, client_ids, cutoff_day, start, end
        )
        return [_contract_read(row, principal) for row in rows]

    async def contract_clients(
        self,
        session: AsyncSession,
        *,
        start: dt.date,
        end: dt.date,
        client_ids: Sequence[int] | None = None,
    ) -> list[int]:
        """The clients with a contract overlapping [start, end] (among ``client_ids``):
        one statement, unscoped (billing's batches: admins)."""
        return await AssignmentsRepository(session).contract_clients(start, end, client_ids)

    async def get_contract(
        self, session: AsyncSession, principal: Principal, *, contract_id: int
    ) -> ContractRead:
        row = await AssignmentsRepository(session).readable_contract(principal, contract_id)
        if row is None:
            raise NotFoundError()
        return _contract_read(row, principal)

    async def create_contract(
        self, session: AsyncSession, principal: Principal, *, data: ContractCreate
    ) -> ContractRead:
        repo = AssignmentsRepository(session)
        if data.period_end < data.period_start:
            raise ContractPeriodInvalidError()
        try:
            placement = await clients_service.get_unit_placement(session, data.unit_id)
        except NotFoundError as error:
            raise ContractUnitNotFoundError() from error
        if placement.archived:
            raise ContractUnitArchivedError()
        if await repo.contract_number_taken(data.contract_number, None):
            raise ContractNumberTakenError()
        office_id: int | None = data.office_id
        if office_id is not None:
            await offices_service.check_usable(session, office_id)
        else:  # the default office of the day: moving the default later moves no contract
            default = await offices_service.resolve(session, None)
            office_id = default.id if default is not None else None
        values = data.model_dump()
        values["office_id"] = office_id
        values["work_exemption"] = data.work_exemption.value if data.work_exemption else None
        contract = DispatchContract(
            **values,
            client_id=placement.client_id,
            site_id=placement.site_id,
            client_name=placement.client_name,
            site_name=placement.site_name,
            unit_name=placement.unit_name,
        )
        repo.add(contract)
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="dispatch_contract",
            entity_id=contract.id,
            action="create",
            after=_snapshot(contract),
        )
        return _contract_read(contract, principal)

    async def update_contract(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        contract_id: int,
        data: ContractUpdate,
    ) -> ContractRead:
        repo = AssignmentsRepository(session)
        contract = await repo.readable_contract(principal, contract_id)
        if contract is None:
            raise NotFoundError()
        check_version(contract, data.version)
        before = _snapshot(contract)
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        check_not_null(contract, changes)
        start = changes.get("period_start") or contract.period_start
        end = changes.get("period_end") or contract.period_end
        if end < start:
            raise ContractPeriodInvalidError()
        if (start, end) != (contract.period_start, contract.period_end) and (
            await repo.assignments_outside(contract.id, start, end)
        ):
            raise ContractPeriodExcludesAssignmentsError()
        number = changes.get("contract_number")
        if number and await repo.contract_number_taken(number, contract.id):
            raise ContractNumberTakenError()
        office = changes.get("office_id")
        if office is not None and office != contract.office_id:
            await offices_service.check_usable(session, office)
        for key, value in changes.items():
            setattr(contract, key, value.value if hasattr(value, "value") else value)
        if number and number != before["contract_number"]:
            await repo.rename_contract(contract.id, number)
        await _flush(repo)
        if contract.billing_cutoff_day != before["billing_cutoff_day"]:
            # A changed 請求締め日 regroups the contract's billing periods not yet invoiced
            # (billing imports this module, so it is asked at call time).
            from haken.modules.billing.service import billing_service

            contract.billing_cutoff_from = await billing_service.contract_cutoff_changed(
                session,
                contract_id=contract.id,
                client_id=contract.client_id,
                old_day=before["billing_cutoff_day"],
                new_day=contract.billing_cutoff_day,
                since=contract.billing_cutoff_from,
            )
            await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="dispatch_contract",
            entity_id=contract.id,
            action="update",
            before=before,
            after=_snapshot(contract),
        )
        return _contract_read(contract, principal)

    async def delete_contract(
        self, session: AsyncSession, principal: Principal, *, contract_id: int, version: int
    ) -> DeleteOutcome:
        """Deleted when nothing refers to it; archived (kept for the ledgers) otherwise."""
        repo = AssignmentsRepository(session)
        contract = await repo.readable_contract(principal, contract_id)
        if contract is None:
            raise NotFoundError()
        check_version(contract, version)
        before = _snapshot(contract)
        if await repo.delete_contract_if_unreferenced(contract.id):
            await audit_service.record(
                session,
                principal,
                entity_type="dispatch_contract",
                entity_id=contract_id,
                action="delete",
                before=before,
            )
            return DeleteOutcome(id=contract_id, outcome="deleted")
        if contract.archived_at is None:
            contract.archived_at = utcnow()
            await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="dispatch_contract",
            entity_id=contract.id,
            action="archive",
            before=before,
            after=_snapshot(contract),
        )
        return DeleteOutcome(id=contract.id, outcome="archived")

    # --- assignment reads -------------------------------------------------------------------

    async def list_assignments(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: AssignmentFilter,
        sort: str = ASSIGNMENT_SORTING.default,
        request: PageRequest,
        today: dt.date,
        names: bool = True,
    ) -> PageResult[AssignmentRead]:
        """One statement for the page, with the office's rates in force joined in (a
        scheduled placement's first rate); with ``names`` one more for the employees' names
        (left out where the page is the employee's own)."""
        repo = AssignmentsRepository(session)
        result, rates = await repo.page_assignments(
            principal, filters, sort, request, rates_on=today if _sees_money(principal) else None
        )
        names_by_id: Mapping[int, dict[str, Any]] = {}
        if names and result.items:  # three columns, not whole employees
            names_by_id = await employees_service.name_forms(
                session, sorted({row.employee_id for row in result.items})
            )
        data = []
        for row in result.items:
            item = _assignment_read(row, rates.get(row.id), today)
            item["employee"] = names_by_id.get(row.employee_id)
            data.append(item)
        return result.with_items(_ASSIGNMENT_READS.validate_python(data))  # once for the page

    async def list_own(
        self, session: AsyncSession, principal: Principal, *, request: PageRequest, today: dt.date
    ) -> PageResult[OwnAssignmentRead]:
        """The caller's own assignments (an account not linked to an employee has none)."""
        if principal.employee_id is None:
            if request.cursor:  # an always-empty list issues no cursor: this one is not ours
                raise InvalidCursorError()
            return PageResult(items=[], next_cursor=None, has_more=False, total=0)
        repo = AssignmentsRepository(session)
        result = await repo.page_own(principal.employee_id, request)
        rates = await repo.rates_in_force({r.id: _rate_day(r, today) for r in result.items})
        items = []
        for row in result.items:
            rate = rates.get(row.id)
            items.append(
                OwnAssignmentRead(
                    id=row.id,
                    client_name=row.client_name,
                    site_name=row.site_name,
                    unit_name=row.unit_name,
                    start_date=row.start_date,
                    end_date=row.end_date,
                    status=AssignmentStatus(row.status),
                    phase=_phase(row, today),
                    conflict_date=row.conflict_date,
                    conflict_kind=row.conflict_kind,
                    weekly_hours_limit=row.weekly_hours_limit,
                    rate=OwnRateRead.model_validate(rate, from_attributes=True) if rate else None,
                )
            )
        return result.with_items(items)

    async def get_assignment(
        self, session: AsyncSession, principal: Principal, *, assignment_id: int, today: dt.date
    ) -> AssignmentDetail:
        repo = AssignmentsRepository(session)
        found = await repo.readable_assignment(principal, assignment_id)
        if found is None:
            raise NotFoundError()
        assignment, contract = found
        return await self._detail(session, repo, principal, assignment, contract, today)

    async def _detail(
        self,
        session: AsyncSession,
        repo: AssignmentsRepository,
        principal: Principal,
        assignment: Assignment,
        contract: DispatchContract,
        today: dt.date,
    ) -> AssignmentDetail:
        rates: Sequence[AssignmentRate] = []
        if _sees_money(principal):
            rates = await repo.rates(assignment.id)
        rate = _rate_in_force(rates, _rate_day(assignment, today)) if rates else None
        detail = AssignmentDetail.model_validate(_assignment_read(assignment, rate, today))
        briefs = await employees_service.get_briefs(session, [assignment.employee_id])
        detail.employee = _names(briefs.get(assignment.employee_id))
        detail.scheduled_weekly_hours = scheduled_weekly_hours(
            contract.working_days, contract.start_time, contract.end_time, contract.break_minutes
        )
        if assignment.weekly_hours_limit is not None:
            detail.weekly_hours_check = check_weekly_hours(
                detail.scheduled_weekly_hours, assignment.weekly_hours_limit
            ).check
        if _sees_money(principal):
            detail.rates = [_rate_read(r) for r in rates]
        return detail

    async def list_rates(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        assignment_id: int,
        request: PageRequest,
    ) -> PageResult[RateRead]:
        result = await AssignmentsRepository(session).page_rates(principal, assignment_id, request)
        if result is None:
            raise NotFoundError()
        return result.with_items([_rate_read(r) for r in result.items])

    async def conflicts(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        days: int,
        today: dt.date,
        request: PageRequest,
    ) -> PageResult[ConflictRead]:
        """Running assignments whose binding 抵触日 falls within ``days`` of ``today``
        (one already passed included: the most urgent case); exempt ones have none."""
        until = today + dt.timedelta(days=days)
        result = await AssignmentsRepository(session).page_conflicts(
            principal, today=today, until=until, request=request
        )
        items = []
        for row in result.items:
            assert row.conflict_date is not None and row.conflict_kind is not None
            remaining = days_until_conflict(ConflictResult(row.conflict_date), today=today)
            items.append(
                ConflictRead(
                    assignment_id=row.id,
                    employee_id=row.employee_id,
                    client_id=row.client_id,
                    site_id=row.site_id,
                    unit_id=row.unit_id,
                    client_name=row.client_name,
                    site_name=row.site_name,
                    unit_name=row.unit_name,
                    start_date=row.start_date,
                    end_date=row.end_date,
                    conflict_date=row.conflict_date,
                    conflict_kind=row.conflict_kind,
                    days_remaining=remaining if remaining is not None else 0,
                )
            )
        return result.with_items(items)

    async def conflict_dates(
        self, session: AsyncSession, principal: Principal, *, assignment_id: int, today: dt.date
    ) -> ConflictDatesRead:
        """Both clocks of one assignment, computed now from the current inputs."""
        repo = AssignmentsRepository(session)
        found = await repo.readable_assignment(principal, assignment_id)
        if found is None:
            raise NotFoundError()
        assignment, _ = found
        rows = await repo.at_site(assignment.site_id)
        if assignment not in rows:
            rows = [*rows, assignment]
        briefs = await employees_service.get_briefs(session, sorted({r.employee_id for r in rows}))
        placement = await clients_service.get_unit_placement(session, assignment.unit_id)
        prior = await _prior_for(repo, [assignment])
        clocks = _plan(rows, briefs, placement.site_conflict_date, [assignment], prior)[assignment]
        remaining = (
            (clocks.conflict_date - today).days if clocks.conflict_date is not None else None
        )
        return ConflictDatesRead(
            assignment_id=assignment.id,
            reference_date=assignment.start_date,
            site=_clock_read(clocks.site, binding=clocks.site_binding, source=clocks.site_source),
            individual=_clock_read(
                clocks.individual,
                binding=clocks.exemption is None and clocks.individual.binding,
                source="assignment_history",
            ),
            conflict_date=clocks.conflict_date,
            conflict_kind=clocks.conflict_kind,
            exemption=clocks.exemption,
            days_remaining=remaining,
        )

    # --- assignment writes ------------------------------------------------------------------

    async def create_assignment(
        self, session: AsyncSession, principal: Principal, *, data: AssignmentCreate, today: dt.date
    ) -> AssignmentDetail:
        repo = AssignmentsRepository(session)
        contract = await repo.readable_contract(principal, data.contract_id)
        if contract is None:
            raise NotFoundError()
        if contract.is_archived or contract.status != ContractStatus.ACTIVE:
            raise ContractNotActiveError()
        end = data.end_date or contract.period_end
        _check_within_contract(contract, data.start_date, end)
        try:
            brief = await employees_service.get_brief(session, data.employee_id)
        except NotFoundError as error:
            raise AssignmentEmployeeNotFoundError() from error
        _check_employee(brief)
        limits = _check_residence(brief, data, data.start_date)
        _check_weekly_hours(contract, limits["weekly_hours_limit"])
        other = await repo.overlapping(data.employee_id, data.start_date, end)
        if other is not None:
            raise AssignmentOverlapError(details={"assignment_id": other})
        bill = data.rate.hourly_bill or contract.default_hourly_bill
        if bill is None:
            raise _invalid("body.rate.hourly_bill", "required: the contract has no default bill")
        rate = _rate_row(
            data.rate,
            bill=bill,
            effective_from=data.start_date,
            allow_negative_margin=data.allow_negative_margin,
            override_reason=data.override_reason,
            principal=principal,
        )
        placement = await clients_service.get_unit_placement(session, contract.unit_id)
        await _check_minimum_wage(
            session, placement.site_prefecture, rate.hourly_pay, data.start_date
        )
        work_exemption = data.work_exemption.value if data.work_exemption else None
        assignment = Assignment(
            contract_id=contract.id,
            employee_id=data.employee_id,
            client_id=contract.client_id,
            site_id=contract.site_id,
            unit_id=contract.unit_id,
            contract_number=contract.contract_number,
            client_name=contract.client_name,
            site_name=contract.site_name,
            unit_name=contract.unit_name,
            start_date=data.start_date,
            end_date=end,
            status=AssignmentStatus.ACTIVE.value,
            end_reason="",
            work_exemption=work_exemption or contract.work_exemption,
            exemption_note=data.exemption_note
            or (contract.exemption_note if not work_exemption else ""),
            specified_skilled_field=(
                data.specified_skilled_field.value if data.specified_skilled_field else None
            ),
            agency_qualified_for_field=data.agency_qualified_for_field,
            work_matches_status=data.work_matches_status,
            designation_permits_work=data.designation_permits_work,
            supervised_dispatch_type=data.supervised_dispatch_type,
            student_enrolled=data.student_enrolled,
            allow_negative_margin=data.allow_negative_margin,
            notes=data.notes,
            **limits,
        )
        site_rows = list(await repo.at_site(contract.site_id))
        await self._apply_clocks(
            session,
            repo,
            assignment,
            [*site_rows, assignment],
            today=today,
            new=True,
            placement=placement,
        )
        repo.add(assignment)
        await _flush(repo)
        rate.assignment_id = assignment.id
        repo.add(rate)
        await _flush(repo)
        await self._place(session, repo, assignment.employee_id, today)
        await audit_service.record(
            session,
            principal,
            entity_type="assignment",
            entity_id=assignment.id,
            action="create",
            after={**_snapshot(assignment), **_rate_audit(rate), **_override_audit(data)},
        )
        return await self._detail(session, repo, principal, assignment, contract, today)

    async def _apply_clocks(
        self,
        session: AsyncSession,
        repo: AssignmentsRepository,
        target: Assignment,
        rows: Sequence[Assignment],
        *,
        today: dt.date,
        new: bool = False,
        placement: UnitPlacement | None = None,
    ) -> None:
        """Check the target against both limits, store its dates and refresh the running
        assignments at the site whose clocks the change may have moved."""
        briefs = await employees_service.get_briefs(session, sorted({r.employee_id for r in rows}))
        if placement is None:
            placement = await clients_service.get_unit_placement(session, target.unit_id)
        others = [
            r
            for r in rows
            if r is not target and r.status == AssignmentStatus.ACTIVE and r.end_date >= today
        ]
        prior = await _prior_for(repo, rows)
        plans = _plan(rows, briefs, placement.site_conflict_date, [target, *others], prior)
        clocks = plans[target]
        if target.status != AssignmentStatus.CANCELLED:
            _check_clocks(clocks, target.start_date, target.end_date)
        for key, value in _derived(clocks).items():
            if getattr(target, key) != value or new:
                setattr(target, key, value)
        changes = []
        for row in others:
            values = _derived(plans[row])
            if any(getattr(row, key) != values[key] for key in DERIVED):
                changes.append({"row_id": row.id, **values})
        await repo.write_derived(changes)

    async def _place(
        self, session: AsyncSession, repo: AssignmentsRepository, employee_id: int, today: dt.date
    ) -> None:
        """Keep the employee's current placement (site managers' row scope) in step."""
        current = await repo.placement_of(employee_id, today)
        await employees_service.set_current_placement(
            session,
            employee_id=employee_id,
            client_id=current.client_id if current else None,
            site_id=current.site_id if current else None,
        )

    async def _editable(
        self, repo: AssignmentsRepository, principal: Principal, assignment_id: int, version: int
    ) -> tuple[Assignment, DispatchContract]:
        found = await repo.readable_assignment(principal, assignment_id)
        if found is None:
            raise NotFoundError()
        assignment, contract = found
        check_version(assignment, version)
        if assignment.status == AssignmentStatus.CANCELLED:
            raise AssignmentNotEditableError()
        return assignment, contract

    async def update_assignment(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        assignment_id: int,
        data: AssignmentUpdate,
        today: dt.date,
    ) -> AssignmentDetail:
        repo = AssignmentsRepository(session)
        assignment, contract = await self._editable(repo, principal, assignment_id, data.version)
        before = _snapshot(assignment)
        with repo.no_autoflush():
            await self._edit(session, repo, assignment, contract, data, today)
        await _flush(repo)
        await self._place(session, repo, assignment.employee_id, today)
        await audit_service.record(
            session,
            principal,
            entity_type="assignment",
            entity_id=assignment.id,
            action="update",
            before=before,
            after=_snapshot(assignment),
        )
        return await self._detail(session, repo, principal, assignment, contract, today)

    async def _edit(
        self,
        session: AsyncSession,
        repo: AssignmentsRepository,
        assignment: Assignment,
        contract: DispatchContract,
        data: AssignmentUpdate,
        today: dt.date,
    ) -> None:
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        if "end_date" in changes and changes["end_date"] is not None:
            end = changes["end_date"]
            _check_within_contract(contract, assignment.start_date, end)
            other = await repo.overlapping(
                assignment.employee_id, assignment.start_date, end, assignment.id
            )
            if other is not None:
                raise AssignmentOverlapError(details={"assignment_id": other})
            assignment.end_date = end
        if "work_exemption" in changes:
            value = changes["work_exemption"]
            assignment.work_exemption = value.value if value else None
        for key in ("exemption_note", "notes"):
            if changes.get(key) is not None:
                setattr(assignment, key, changes[key])
        rows = list(await repo.at_site(assignment.site_id))
        await self._apply_clocks(session, repo, assignment, rows, today=today)

    async def end_assignment(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        assignment_id: int,
        data: AssignmentEnd,
        today: dt.date,
    ) -> AssignmentDetail:
        """End early (or confirm the planned end): the last day worked, and why."""
        repo = AssignmentsRepository(session)
        assignment, contract = await self._editable(repo, principal, assignment_id, data.version)
        if not assignment.start_date <= data.end_date <= assignment.end_date:
            raise AssignmentEndDateInvalidError()
        before = _snapshot(assignment)
        with repo.no_autoflush():
            assignment.end_date = data.end_date
            assignment.status = AssignmentStatus.ENDED.value
            assignment.end_reason = data.reason
            rows = list(await repo.at_site(assignment.site_id))
            await self._apply_clocks(session, repo, assignment, rows, today=today)
        await _flush(repo)
        await self._place(session, repo, assignment.employee_id, today)
        await audit_service.record(
            session,
            principal,
            entity_type="assignment",
            entity_id=assignment.id,
            action="end",
            before=before,
            after=_snapshot(assignment),
        )
        return await self._detail(session, repo, principal, assignment, contract, today)

    async def cancel_assignment(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        assignment_id: int,
        version: int,
        today: dt.date,
    ) -> DeleteOutcome:
        """Deletion is archival: the row stays (cancelled) with its rates, for the ledgers,
        and stops counting towards either 3-year clock."""
        repo = AssignmentsRepository(session)
        assignment, _ = await self._editable(repo, principal, assignment_id, version)
        before = _snapshot(assignment)
        with repo.no_autoflush():
            assignment.status = AssignmentStatus.CANCELLED.value
            assignment.archived_at = utcnow()
            rows = list(await repo.at_site(assignment.site_id))
            await self._apply_clocks(session, repo, assignment, rows, today=today)
        await _flush(repo)
        await self._place(session, repo, assignment.employee_id, today)
        await audit_service.record(
            session,
            principal,
            entity_type="assignment",
            entity_id=assignment.id,
            action="cancel",
            before=before,
            after=_snapshot(assignment),
        )
        return DeleteOutcome(id=assignment.id, outcome="cancelled")

    async def change_rate(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        assignment_id: int,
        data: RateChange,
        today: dt.date,
    ) -> AssignmentDetail:
        """A new rate from ``effective_from``: inserted, never overwriting the history."""
        repo = AssignmentsRepository(session)
        assignment, contract = await self._editable(repo, principal, assignment_id, data.version)
        if not assignment.start_date <= data.effective_from <= assignment.end_date:
            raise AssignmentRateDateInvalidError()
        if await repo.rate_exists(assignment.id, data.effective_from):
            raise AssignmentRateExistsError()
        bill = data.hourly_bill or contract.default_hourly_bill
        if bill is None:
            raise _invalid("body.hourly_bill", "required: the contract has no default bill")
        rate = _rate_row(
            data,
            bill=bill,
            effective_from=data.effective_from,
            allow_negative_margin=data.allow_negative_margin or assignment.allow_negative_margin,
            # An override made at placement (with its reason) carries over to later rates.
            override_reason=data.override_reason
            or ("-" if assignment.allow_negative_margin else ""),
            principal=principal,
        )
        placement = await clients_service.get_unit_placement(session, assignment.unit_id)
        await _check_minimum_wage(
            session, placement.site_prefecture, rate.hourly_pay, data.effective_from
        )
        rate.assignment_id = assignment.id
        repo.add(rate)
        assignment.updated_at = utcnow()  # bumps the version: the rates others saw changed
        await _flush(repo)
        await audit_service.record(
            session,
            principal,
            entity_type="assignment",
            entity_id=assignment.id,
            action="change_rate",
            after={"rate_id": rate.id, **_rate_audit(rate), **_override_audit(data)},
        )
        return await self._detail(session, repo, principal, assignment, contract, today)

    # --- minimum wages ahead ---------------------------------------------------------------------

    async def minimum_wage_warnings(
        self, session: AsyncSession, *, today: dt.date, within_days: int
    ) -> list[MinimumWageWarning]:
        """Running placements whose pay is below the minimum wage of their site's prefecture:
        already today, or from an amount taking effect within ``within_days`` (a rate change
        already scheduled for that day counts). Unscoped: for coordinators and the nightly job.

        Two statements besides the amounts: the candidate rows (running, with a rate under
        the highest amount in force or coming at their site) and their rate histories.
        """
        table = await minimum_wages_service.table(session)
        repo = AssignmentsRepository(session)
        until = today + dt.timedelta(days=within_days)
        site_ids = await repo.running_site_ids(today)
        labels = await clients_service.get_site_labels(session, site_ids)
        thresholds: dict[int, list[int]] = {}
        for site_id, label in labels.items():
            if label.prefecture is None:
                continue
            highest = _highest_amount(table, label.prefecture, today, until)
            if highest is not None:
                thresholds.setdefault(highest, []).append(site_id)
        candidates = await repo.running_below(thresholds, today=today, until=until)
        if not candidates:
            return []
        histories = await repo.rate_histories([row.id for row in candidates])
        warnings = []
        for row in candidates:
            prefecture = labels[row.site_id].prefecture
            assert prefecture is not None
            found = shortfalls(
                table,
                prefecture,
                [RatePeriod(r.effective_from, r.hourly_pay) for r in histories.get(row.id, [])],
                start=row.start_date,
                end=row.end_date,
                today=today,
                within_days=within_days,
            )
            if found:
                warnings.append(_warning(row, prefecture, min(found, key=lambda f: f.day)))
        warnings.sort(key=lambda w: (w.day, w.assignment_id))
        return warnings

    # --- for jobs and other modules ---------------------------------------------------------------

    async def attendance_terms(
        self, session: AsyncSession, assignment_ids: Sequence[int]
    ) -> dict[int, AttendanceTerms]:
        """The placements' terms the attendance area reads, by assignment id (one query;
        unscoped: the caller has already scoped its own rows)."""
        found = await AssignmentsRepository(session).with_contracts(assignment_ids)
        return {a.id: _attendance_terms(a, c) for a, c in found}

    async def placements_of(
        self, session: AsyncSession, *, employee_id: int, first: dt.date, last: dt.date
    ) -> list[AttendanceTerms]:
        """An employee's placements (not cancelled) overlapping ``first``–``last``, by start,
        in one query; unscoped (the attendance area marking approved leave on timecards)."""
        found = await AssignmentsRepository(session).employment_periods([employee_id])
        return [
            _attendance_terms(a, c)
            for a, c in found
            if a.start_date <= last and a.end_date >= first
        ]

    async def site_placements(
        self, session: AsyncSession, *, site_id: int, first: dt.date, last: dt.date
    ) -> list[SitePlacement]:
        """The placements at a site overlapping ``first``–``last`` (not cancelled), by start,
        in one query; unscoped (the attendance month grid has scoped the site)."""
        found = await AssignmentsRepository(session).placed_at_site(site_id, first, last)
        return [
            SitePlacement(
                **_attendance_terms(a, c).model_dump(),
                client_name=a.client_name,
                site_name=a.site_name,
            )
            for a, c in found
        ]

    def site_placements_statement(
        self, session: AsyncSession, *, site_id: int, first: dt.date, last: dt.date
    ) -> Any:
        """The placements of :meth:`site_placements` as an unexecuted ``SELECT`` of
        ``assignment_id, employee_id, start_date, end_date, client_name, site_name`` (no I/O,
        unscoped): the attendance grid joins it to the workers' names and pages it by name."""
        return AssignmentsRepository(session).site_placements_statement(site_id, first, last)

    def placed_on_statement(self, session: AsyncSession, *, on: dt.date) -> Any:
        """Each worker's placement running on ``on`` (``employee_id, client_id, site_id,
        client_name, site_name``) as an unexecuted ``SELECT`` (a provider fragment: the
        reports' headcount by client and site)."""
        return AssignmentsRepository(session).placed_on_statement(on)

    def individual_conflicts_statement(self, session: AsyncSession, *, today: dt.date) -> Any:
        """The individual 抵触日 of running and coming placements (``assignment_id,
        employee_id, client_id, site_id, client_name, site_name, unit_name, conflict_date``)
        as an unexecuted ``SELECT`` (a provider fragment: the 抵触日 schedule)."""
        return AssignmentsRepository(session).individual_conflicts_statement(today)

    async def client_placements(
        self, session: AsyncSession, *, client_id: int, first: dt.date, last: dt.date
    ) -> list[AttendanceTerms]:
        """The placements at a client overlapping ``first``–``last`` (not cancelled), in one
        query; unscoped (the attendance timesheet import is the office's)."""
        found = await AssignmentsRepository(session).at_client(client_id, first, last)
        return [_attendance_terms(a, c) for a, c in found]

    async def contract_placements(
        self, session: AsyncSession, *, contract_id: int
    ) -> list[ClientPlacement]:
        """A contract's placements (not cancelled), by start; unscoped (the caller has read
        the contract with its principal): the documents written per contract."""
        found = await AssignmentsRepository(session).of_contract(contract_id)
        return [
            ClientPlacement(
                assignment_id=a.id,
                contract_id=a.contract_id,
                contract_number=a.contract_number,
                employee_id=a.employee_id,
                site_id=a.site_id,
                site_name=a.site_name,
                unit_name=a.unit_name,
                start_date=a.start_date,
                end_date=a.end_date,
                status=a.status,
                work_content="",  # the contract's, which the caller has read
            )
            for a in found
        ]

    async def client_portal_placements(
        self,
        session: AsyncSession,
        *,
        client_id: int,
        site_ids: Sequence[int],
        first: dt.date,
        last: dt.date,
    ) -> list[ClientPlacement]:
        """The client's placements at ``site_ids`` overlapping ``first``–``last`` (one query;
        the client portal's scope is the caller's): names of places, periods, work content."""
        wanted = set(site_ids)
        found = await AssignmentsRepository(session).at_client(client_id, first, last)
        return [
            ClientPlacement(
                assignment_id=a.id,
                contract_id=c.id,
                contract_number=c.contract_number,
                employee_id=a.employee_id,
                site_id=a.site_id,
                site_name=a.site_name,
                unit_name=a.unit_name,
                start_date=a.start_date,
                end_date=a.end_date,
                status=a.status,
                work_content=c.work_content,
                unit_id=a.unit_id,
                individual_conflict_date=a.individual_conflict_date,
            )
            for a, c in found
            if a.site_id in wanted
        ]

    async def employment_periods(
        self, session: AsyncSession, employee_ids: Sequence[int]
    ) -> dict[int, list[EmploymentPeriod]]:
        """Each employee's placements (not cancelled) by start date with the contract's
        schedule, in one query; unscoped (jobs and the leave area's own scoped reads)."""
        found: dict[int, list[EmploymentPeriod]] = {}
        for a, c in await AssignmentsRepository(session).employment_periods(employee_ids):
            found.setdefault(a.employee_id, []).append(
                EmploymentPeriod(
                    employee_id=a.employee_id,
                    start_date=a.start_date,
                    end_date=a.end_date,
                    working_days=c.working_days,
                    start_time=c.start_time,
                    end_time=c.end_time,
                    break_minutes=c.break_minutes,
                )
            )
        return found

    async def pay_terms(
        self, session: AsyncSession, employee_ids: Sequence[int], *, first: dt.date, last: dt.date
    ) -> dict[int, PayTerms]:
        """Each employee's pay rate for the payroll period ``first``–``last`` (two queries;
        unscoped, for the payroll job): the latest placement overlapping the period and its
        rate in force on the period's last day (or the placement's last day)."""
        repo = AssignmentsRepository(session)
        latest: dict[int, tuple[Assignment, DispatchContract]] = {}
        for a, c in await repo.employment_periods(employee_ids):
            if a.start_date <= last and a.end_date >= first:
                latest[a.employee_id] = (a, c)  # by start: the last one wins
        days = {a.id: min(last, a.end_date) for a, _ in latest.values()}
        rates = await repo.rates_in_force(days)
        found: dict[int, PayTerms] = {}
        for employee_id, (a, c) in latest.items():
            rate = rates.get(a.id)
            if rate is None:
                continue
            found[employee_id] = PayTerms(
                employee_id=employee_id,
                assignment_id=a.id,
                hourly_pay=rate.hourly_pay,
                scheduled_minutes=_attendance_terms(a, c).scheduled_minutes,
                overtime_pay_pct=rate.overtime_pay_pct,
                late_night_pay_pct=rate.late_night_pay_pct,
                holiday_pay_pct=rate.holiday_pay_pct,
            )
        return found

    async def billing_cutoff_day(
        self, session: AsyncSession, *, contract_id: int
    ) -> tuple[int, int]:
        """The contract's client and its own 請求締め日 as stored (``BILLING_CUTOFF_OF_CLIENT``:
        none, the client's applies; ``BILLING_CUTOFF_MONTH_END``: 末日): the billing area
        resolves it (``billing_service.contract_cutoff``). NOT_FOUND for an unknown contract."""
        found = await AssignmentsRepository(session).billing_cutoff_terms(contract_id)
        if found is None:
            raise NotFoundError()
        return found[0], found[1]

    async def billing_cutoff_terms(
        self, session: AsyncSession, *, contract_id: int
    ) -> tuple[int, int, dt.date | None]:
        """``billing_cutoff_day`` and the first day it groups (``billing_cutoff_from``):
        ``(client id, stored day, from)``. NOT_FOUND for an unknown contract."""
        found = await AssignmentsRepository(session).billing_cutoff_terms(contract_id)
        if found is None:
            raise NotFoundError()
        return found

    async def contracts_following_client(
        self, session: AsyncSession, *, client_id: int
    ) -> list[tuple[int, dt.date | None]]:
        """``(contract id, billing_cutoff_from)`` of the client's contracts without a cut-off
        of their own (archived too: their work is billed): one statement, unscoped (billing
        regroups their billing periods when the client's closing day changes)."""
        return await AssignmentsRepository(session).contracts_following_client(client_id)

    # --- prior dispatch periods (through other agencies) ----------------------------------------

    async def list_prior_periods(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        employee_id: int | None,
        unit_id: int | None,
        request: PageRequest,
    ) -> PageResult[PriorPeriodRead]:
        """Declared periods through other agencies, newest first (site managers: their sites)."""
        result = await AssignmentsRepository(session).page_prior_periods(
            principal, employee_id=employee_id, unit_id=unit_id, request=request
        )
        return result.with_items([PriorPeriodRead.model_validate(r) for r in result.items])

    async def create_prior_period(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        data: PriorPeriodCreate,
        today: dt.date,
    ) -> PriorPeriodRead:
        """Declare a period the worker spent in the unit through another agency; the stored
        抵触日 of the worker's running assignments are recomputed with it."""
        if data.end_date < data.start_date:
            raise PriorPeriodInvalidError()
        try:
            await employees_service.get_brief(session, data.employee_id)
        except NotFoundError as error:
            raise AssignmentEmployeeNotFoundError(fields=["employee_id"]) from error
        try:
            placement = await clients_service.get_unit_placement(session, data.unit_id)
        except NotFoundError as error:
            raise ContractUnitNotFoundError(fields=["unit_id"]) from error
        repo = AssignmentsRepository(session)
        row = PriorDispatchPeriod(
            employee_id=data.employee_id,
            client_id=placement.client_id,
            site_id=placement.site_id,
            unit_id=data.unit_id,
            start_date=data.start_date,
            end_date=data.end_date,
            source=data.source.value,
            source_note=data.source_note,
            entered_by=principal.user_id,
            created_at=utcnow(),
        )
        repo.add(row)
        await _flush(repo)
        await self.refresh_employee(session, employee_id=data.employee_id, today=today)
        await audit_service.record(
            session,
            principal,
            entity_type="prior_dispatch_period",
            entity_id=row.id,
            action="create",
            after=_snapshot(row),
        )
        return PriorPeriodRead.model_validate(row)

    async def delete_prior_period(
        self, session: AsyncSession, principal: Principal, *, period_id: int, today: dt.date
    ) -> DeleteOutcome:
        """Remove a declared period (entered by mistake); the worker's dates are recomputed."""
        repo = AssignmentsRepository(session)
        row = await repo.readable_prior_period(principal, period_id)
        if row is None:
            raise NotFoundError()
        before = _snapshot(row)
        employee_id = row.employee_id
        await repo.delete(row)
        await self.refresh_employee(session, employee_id=employee_id, today=today)
        await audit_service.record(
            session,
            principal,
            entity_type="prior_dispatch_period",
            entity_id=period_id,
            action="delete",
            before=before,
        )
        return DeleteOutcome(id=period_id, outcome="deleted")

    async def refresh_employee(
        self, session: AsyncSession, *, employee_id: int, today: dt.date
    ) -> int:
        """Recompute the stored 抵触日 at every site where the worker has a running assignment
        (after their declared prior periods changed); returns how many changed. Idempotent."""
        repo = AssignmentsRepository(session)
        changed = 0
        for site_id in await repo.running_site_ids_of(employee_id, today):
            changed += await self.refresh_site(session, site_id=site_id, today=today)
        return changed

    async def refresh_site(self, session: AsyncSession, *, site_id: int, today: dt.date) -> int:
        """Recompute the stored 抵触日 of the running assignments at a site (e.g. after the
        client recorded an extension); returns how many changed. Idempotent."""
        repo = AssignmentsRepository(session)
        rows = list(await repo.at_site(site_id))
        running = [r for r in rows if r.status == AssignmentStatus.ACTIVE and r.end_date >= today]
        if not running:
            return 0
        briefs = await employees_service.get_briefs(session, sorted({r.employee_id for r in rows}))
        placement = await clients_service.get_unit_placement(session, running[0].unit_id)
        prior = await _prior_for(repo, running)
        plans = _plan(rows, briefs, placement.site_conflict_date, running, prior)
        changes = []
        for row in running:
            values = _derived(plans[row])
            if any(getattr(row, key) != values[key] for key in DERIVED):
                changes.append({"row_id": row.id, **values})
        await repo.write_derived(changes)
        return len(changes)

    async def refresh_all(self, session: AsyncSession, *, today: dt.date) -> dict[str, int]:
        """The nightly pass: every running site's dates, and the placements of employees
        whose assignment starts today or ended yesterday."""
        repo = AssignmentsRepository(session)
        changed = 0
        site_ids = await repo.running_site_ids(today)
        for site_id in site_ids:
            changed += await self.refresh_site(session, site_id=site_id, today=today)
        employees = await repo.employees_changing_on(today)
        for employee_id in employees:
            await self._place(session, repo, employee_id, today)
        return {"sites": len(site_ids), "dates_changed": changed, "placements": len(employees)}

    async def contract_ref_by_number(
        self, session: AsyncSession, contract_number: str
    ) -> tuple[int, int] | None:
        """The contract a file names by its 契約番号 (the master-data import): its id and
        its 組織単位's id, or None."""
        return await AssignmentsRepository(session).contract_ref_by_number(contract_number)


def _highest_amount(
    table: MinimumWageTable, prefecture: str, today: dt.date, until: dt.date
) -> int | None:
    amounts = [a for a in [table.in_force(prefecture, today)] if a is not None]
    amounts += table.taking_effect(prefecture, today, until)
    return max((a.hourly_yen for a in amounts), default=None)


def _warning(row: Assignment, prefecture: str, shortfall: Shortfall) -> MinimumWageWarning:
    amount = shortfall.amount
    return MinimumWageWarning(
        assignment_id=row.id,
        employee_id=row.employee_id,
        client_name=row.client_name,
        site_name=row.site_name,
        unit_name=row.unit_name,
        prefecture=prefecture,
        hourly_pay=shortfall.hourly_pay,
        minimum_wage=amount.hourly_yen,
        fiscal_year=amount.fiscal_year,
        effective_from=amount.effective_from,
        day=shortfall.day,
        already=shortfall.in_force_now,
    )


def _override_audit(data: AssignmentCreate | RateChange) -> dict[str, Any]:
    """The reason given for overriding a refusal, kept in the audit row of the write."""
    reason = data.override_reason.strip()
    return {"override_reason": reason} if data.allow_negative_margin and reason else {}


def _rate_audit(rate: AssignmentRate) -> dict[str, Any]:
    return {
        f"rate_{key}": getattr(rate, key)
        for key in (
            "effective_from",
            "hourly_pay",
            "hourly_bill",
            "overtime_pay_pct",
            "late_night_pay_pct",
            "holiday_pay_pct",
            "overtime_bill_pct",
            "late_night_bill_pct",
            "holiday_bill_pct",
        )
    }


def _attendance_terms(assignment: Assignment, contract: DispatchContract) -> AttendanceTerms:
    scheduled = None
    if contract.start_time is not None and contract.end_time is not None:
        start = contract.start_time.hour * 60 + contract.start_time.minute
        end = contract.end_time.hour * 60 + contract.end_time.minute
        span = end - start if end > start else end + 24 * 60 - start
        scheduled = max(0, span - contract.break_minutes)
    return AttendanceTerms(
        assignment_id=assignment.id,
        employee_id=assignment.employee_id,
        contract_id=assignment.contract_id,
        client_id=assignment.client_id,
        site_id=assignment.site_id,
        start_date=assignment.start_date,
        end_date=assignment.end_date,
        status=assignment.status,
        billing_cutoff_day=contract.billing_cutoff_day,
        billing_cutoff_from=contract.billing_cutoff_from,
        scheduled_minutes=scheduled,
        weekly_hours_limit=assignment.weekly_hours_limit,
        vacation_daily_hours_limit=assignment.vacation_daily_hours_limit,
    )


assignments_service = AssignmentsService()

__all__ = ["MINIMUM_WAGE_WINDOW_DAYS", "AssignmentsService", "assignments_service"]
