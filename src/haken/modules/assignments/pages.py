"""Web pages of dispatch contracts (個別契約) and assignments (placements with pay and bill rates).

The same service as ``endpoints.py``. A contract belongs to a client unit; an
assignment puts an employee on an active contract with an hourly pay rate
(時給) and bill rate (請求単価), and shows the binding 抵触日. An employee
sees their own assignments (with their own pay rate) in the portal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.dispatch import Exemption
from haken.labor.residence import SpecifiedSkilledField, placement_questions
from haken.labor.schedule import HoursCheck
from haken.modules.assignments.auth import AssignmentsExport, AssignmentsRead, AssignmentsWrite
from haken.modules.assignments.labels import register_labels
from haken.modules.assignments.schemas import (
    BILLING_CUTOFF_LAST_DAY,
    BILLING_CUTOFF_MONTH_END,
    BILLING_CUTOFF_OF_CLIENT,
    AssignmentCreate,
    AssignmentDetail,
    AssignmentEnd,
    AssignmentFilter,
    AssignmentPhase,
    AssignmentRead,
    AssignmentStatus,
    ContractCreate,
    ContractFilter,
    ContractRead,
    ContractStatus,
    ContractUpdate,
    RateChange,
    RateTerms,
)
from haken.modules.assignments.service import MINIMUM_WAGE_WINDOW_DAYS, assignments_service
from haken.modules.assignments.sorting import (
    ASSIGNMENT_SORTING,
    CONTRACT_SORTING,
    AssignmentSortField,
    ContractSortField,
)
from haken.modules.audit.service import audit_service
from haken.modules.clients.service import clients_service
from haken.modules.employees.labels import EXTRA_ACTIVITY, residence_label
from haken.modules.employees.service import employees_service
from haken.modules.offices.schemas import OfficeFilter
from haken.modules.offices.service import offices_service
from haken.platform import context
from haken.platform.access import Principal, Role
from haken.platform.deps import DatabaseDep, SessionDep
from haken.platform.errors import HakenError
from haken.platform.jptext import PREFECTURES
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.ratelimit import ExpensiveRateLimit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.lists import (
    Column,
    ListState,
    export_response,
)
from haken.web.params import record_id
from haken.web.registry import NavItem, Panel, RecordSection, registry
from haken.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(default_limit)])
Id = Annotated[int, Path(ge=1)]
CONTRACT_STATUS = {
    ContractStatus.DRAFT: N_("Draft"),
    ContractStatus.ACTIVE: N_("In force"),
    ContractStatus.ENDED: N_("Ended"),
}
# Why an assignment has no 抵触日 (labor.dispatch.Exemption): shown instead of a bare "—".
EXEMPTION = {
    Exemption.INDEFINITE_CONTRACT: N_("Exempt: indefinite contract (無期雇用)"),
    Exemption.AGED_60_OR_OVER: N_("Exempt: aged 60 or over"),
    Exemption.FIXED_PERIOD_PROJECT: N_("Exempt: fixed-period project (有期プロジェクト)"),
    Exemption.LIMITED_DAYS: N_("Exempt: work on few days (日数限定業務)"),
    Exemption.LEAVE_COVER: N_("Exempt: cover for childcare or family-care leave"),
}
ASSIGNMENT_STATUS = {
    AssignmentStatus.ACTIVE: N_("Working"),
    AssignmentStatus.ENDED: N_("Ended"),
    AssignmentStatus.CANCELLED: N_("Cancelled"),
}
# What a list shows: an active placement before its first day is scheduled (予定).
ASSIGNMENT_PHASE = {
    AssignmentPhase.SCHEDULED: N_("Scheduled"),
    AssignmentPhase.RUNNING: N_("Working"),
    AssignmentPhase.ENDED: N_("Ended"),
    AssignmentPhase.CANCELLED: N_("Cancelled"),
}
RATE_FIELDS = ("hourly_pay", "hourly_bill")
PREMIUM_FIELDS = (
    "overtime_pay_pct",
    "late_night_pay_pct",
    "holiday_pay_pct",
    "overtime_bill_pct",
    "late_night_bill_pct",
    "holiday_bill_pct",
)


HOURS_WARNINGS = frozenset({HoursCheck.CLOSE, HoursCheck.UNKNOWN})


def _field_label(field: SpecifiedSkilledField) -> str:
    """特定技能の分野: the Japanese name in Japanese, the English name otherwise."""
    if context.locale() == "ja":
        return field.ja
    return field.value.replace("_", " ").capitalize()


def _hours_warning(placed: AssignmentDetail) -> str:
    """The 28-hour warning (docs/architecture.md, "Foreign workers")."""
    limit = placed.weekly_hours_limit
    if placed.weekly_hours_check == HoursCheck.UNKNOWN:
        return gettext_(
            "The contract's weekly hours could not be computed from its working days and "
            "times: check that the worker stays within %(limit)s hours a week with all jobs.",
            limit=limit,
        )
    hours = placed.scheduled_weekly_hours or Decimal(0)
    return gettext_(
        "The contract schedules %(hours)s hours a week, close to the %(limit)s-hour limit of "
        "the worker's permission: any other job or overtime may exceed it.",
        hours=format(hours.normalize(), "f"),
        limit=limit,
    )


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def _labels() -> dict[str, Any]:
    return {
        "contract_status_labels": {k.value: gettext_(v) for k, v in CONTRACT_STATUS.items()},
        "assignment_status_labels": {k.value: gettext_(v) for k, v in ASSIGNMENT_STATUS.items()},
        "assignment_phase_labels": {k.value: gettext_(v) for k, v in ASSIGNMENT_PHASE.items()},
        "contract_status_options": [(k.value, gettext_(v)) for k, v in CONTRACT_STATUS.items()],
        "exemption_labels": {k.value: gettext_(v) for k, v in EXEMPTION.items()},
        "billing_cutoff_options": billing_cutoff_options(),
    }


def billing_cutoff_options() -> list[tuple[str, str]]:
    """The contract's 請求締め日: the client's closing day (stored 0), days 1–27, 末日 (31)."""
    return [
        (str(BILLING_CUTOFF_OF_CLIENT), gettext_("The client's closing day")),
        *((str(day), str(day)) for day in range(1, BILLING_CUTOFF_LAST_DAY + 1)),
        (str(BILLING_CUTOFF_MONTH_END), gettext_("Month end")),
    ]


# --- contracts -------------------------------------------------------------------------------


LIST_PAGE_SIZE = 50


def _contract_columns() -> tuple[Column[ContractRead], ...]:
    """The contract list's columns: the screen's headers and the export's header row."""
    status = {key.value: gettext_(label) for key, label in CONTRACT_STATUS.items()}
    return (
        Column(
            "contract_number",
            N_("Contract number"),
            lambda c: c.contract_number,
            sort=ContractSortField.NUMBER,
        ),
        Column("client", N_("Client"), lambda c: c.client_name),
        Column("site", N_("Site"), lambda c: c.site_name),
        Column("unit", N_("Unit"), lambda c: c.unit_name),
        Column(
            "period_start",
            N_("Start date"),
            lambda c: c.period_start,
            sort=ContractSortField.PERIOD_START,
        ),
        Column(
            "period_end", N_("End date"), lambda c: c.period_end, sort=ContractSortField.PERIOD_END
        ),
        Column("status", N_("Status"), lambda c: status[c.status.value]),
    )


@router.get("/contracts")
async def contracts(request: Request, principal: AssignmentsRead, session: SessionDep) -> Any:
    """Contracts by status, archived or not; filters, sort and cursor live in the URL."""
    state = ListState.from_query(ContractFilter, CONTRACT_SORTING, request.query_params)
    result = await assignments_service.list_contracts(
        session,
        principal,
        filters=state.filters,
        sort=state.sort,
        request=state.page_request(LIST_PAGE_SIZE),
    )
    return render(
        request,
        "assignments/contracts.html",
        {
            "result": result,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _contract_columns(),
            "can_export": principal.is_at_least(Role.COORDINATOR),
            **_labels(),
        },
        block="results",
    )


@router.get("/contracts/export.{file_format}")
async def export_contracts(
    request: Request,
    principal: AssignmentsExport,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The filtered contract list as CSV or Excel with the screen's labels (coordinators and
    above; rate policy ``expensive``; one audit row per export)."""
    state = ListState.from_query(ContractFilter, CONTRACT_SORTING, request.query_params)
    await audit_service.record_export(
        session,
        principal,
        entity_type="dispatch_contract",
        filters=state.filters,
        sort=state.sort,
        file_format=file_format,
    )

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[ContractRead]:
        return await assignments_service.list_contracts(
            session, principal, filters=state.filters, sort=state.sort, request=page
        )

    return await export_response(
        file_format,
        database=database,
        columns=_contract_columns(),
        fetch=fetch,
        stem="contracts",
        today=_today(request),
        sheet_title=gettext_("Contracts"),
    )


async def _contract_form(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    unit_id: int,
    state: FormState[Any],
    status_code: int = 200,
) -> Any:
    unit = await clients_service.get_unit(session, principal, unit_id=unit_id)
    site = await clients_service.get_site(session, principal, site_id=unit.site_id)
    return render(
        request,
        "assignments/contract_form.html",
        {
            "form": state,
            "unit": unit,
            "site": site,
            "office_options": await _office_options(session),
            **_labels(),
        },
        status_code=status_code,
    )


async def _office_options(session: AsyncSession) -> list[tuple[str, str]]:
    """The contract form's 派遣元事業所 choices: the default (empty), then every current office."""
    offices = await offices_service.list_offices(session, filters=OfficeFilter())
    default = next((o.name for o in offices if o.is_default), "")
    return [
        ("", gettext_("Default office (%(name)s)", name=default)),
        *((str(o.id), o.name) for o in offices),
    ]


@router.get("/contracts/new")
async def new_contract(
    request: Request,
    principal: AssignmentsWrite,
    session: SessionDep,
    unit: Annotated[str | None, Query(alias="unit_id", max_length=20)] = None,
) -> Any:
    """A contract belongs to a unit: without one (a bare link), go where it is chosen."""
    unit_id = record_id(unit)
    if unit_id is None:
        flash(
            request,
            "info",
            gettext_(
                "Choose the unit of the new contract: open a client's site and use "
                "“New contract” at the unit."
            ),
        )
        return redirect(request, "/clients")
    today = _today(request)
    values = {
        "period_start": today.isoformat(),
        "period_end": (today + dt.timedelta(days=364)).isoformat(),
        "status": "active",
        "break_minutes": "60",
        "headcount": "1",
    }
    return await _contract_form(request, session, principal, unit_id, FormState(values=values))


@router.post("/contracts")
async def create_contract(
    request: Request, principal: AssignmentsWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    state = parse_form(ContractCreate, form)
    if state.data is not None:
        try:
            contract = await assignments_service.create_contract(
                session, principal, data=state.data
            )
        except HakenError as error:
            state.add_error(error, {"CONTRACT_NUMBER_TAKEN": "contract_number"})
    if not state.ok:
        raw = form.get("unit_id")
        unit_id = int(raw) if isinstance(raw, str) and raw.isdigit() else 0
        raise FormRejected(
            await _contract_form(request, session, principal, unit_id, state, status_code=422)
        )
    flash(request, "success", gettext_("The contract was registered."))
    return redirect(request, f"/contracts/{contract.id}")


@router.get("/contracts/{contract_id:int}")
async def contract_detail(
    request: Request, principal: AssignmentsRead, session: SessionDep, contract_id: Id
) -> Any:
    contract = await assignments_service.get_contract(session, principal, contract_id=contract_id)
    office = await offices_service.resolve(session, contract.office_id)
    placed = await assignments_service.list_assignments(
        session,
        principal,
        filters=AssignmentFilter(contract_id=contract_id),
        request=PageRequest(limit=200),
        today=_today(request),
    )
    return render(
        request,
        "assignments/contract_detail.html",
        {
            "contract": contract,
            "office": office,
            "assignments": placed,
            "today": _today(request),
            "can_edit": principal.is_at_least(Role.COORDINATOR),
            **_labels(),
        },
    )


def _contract_current(contract: ContractRead) -> dict[str, Any]:
    """The form's starting values; times as HH:MM, which is what a time input posts back."""
    values = {k: ("" if v is None else v) for k, v in contract.model_dump(mode="json").items()}
    for key in ("start_time", "end_time"):
        value = getattr(contract, key)
        values[key] = value.strftime("%H:%M") if value is not None else ""
    return values


def _contract_edit_form(
    request: Request,
    state: FormState[Any],
    contract: ContractRead,
    status_code: int = 200,
    offices: Sequence[tuple[str, str]] = (),
) -> Any:
    return render(
        request,
        "assignments/contract_edit.html",
        {"form": state, "contract": contract, "office_options": offices, **_labels()},
        status_code=status_code,
    )


@router.get("/contracts/{contract_id:int}/edit")
async def edit_contract(
    request: Request, principal: AssignmentsWrite, session: SessionDep, contract_id: Id
) -> Any:
    contract = await assignments_service.get_contract(session, principal, contract_id=contract_id)
    return _contract_edit_form(
        request,
        FormState(values=_contract_current(contract)),
        contract,
        offices=await _office_options(session),
    )


@router.post("/contracts/{contract_id:int}")
async def update_contract(
    request: Request,
    principal: AssignmentsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    contract_id: Id,
) -> Any:
    contract = await assignments_service.get_contract(session, principal, contract_id=contract_id)
    state = parse_form(ContractUpdate, await request.form(), current=_contract_current(contract))
    await save_form(
        state,
        lambda data: assignments_service.update_contract(
            session, principal, contract_id=contract_id, data=data
        ),
    )
    if not state.ok:
        offices = await _office_options(session)
        raise FormRejected(
            _contract_edit_form(request, state, contract, status_code=422, offices=offices)
        )
    flash(request, "success", gettext_("The changes were saved."))
    return redirect(request, f"/contracts/{contract_id}")


# --- assignments -----------------------------------------------------------------------------


def _assignment_columns() -> tuple[Column[AssignmentRead], ...]:
    """The assignment list's columns: the screen's headers and the export's header row."""
    phase = {key.value: gettext_(label) for key, label in ASSIGNMENT_PHASE.items()}
    return (
        Column(
            "employee",
            N_("Employee"),
            lambda a: (a.employee.name_kanji or a.employee.name_kana) if a.employee else None,
        ),
        Column(
            "employee_kana",
            N_("Name in kana"),
            lambda a: a.employee.name_kana if a.employee else None,
        ),
        Column("client", N_("Client"), lambda a: a.client_name),
        Column("site", N_("Site"), lambda a: a.site_name),
        Column("unit", N_("Unit"), lambda a: a.unit_name),
        Column(
            "start_date",
            N_("Start date"),
            lambda a: a.start_date,
            sort=AssignmentSortField.START_DATE,
        ),
        Column("end_date", N_("End date"), lambda a: a.end_date, sort=AssignmentSortField.END_DATE),
        Column(
            "conflict_date",
            N_("Conflict date (抵触日)"),
            lambda a: a.conflict_date,
            sort=AssignmentSortField.CONFLICT_DATE,
        ),
        Column("status", N_("Status"), lambda a: phase[a.phase.value]),
    )


@router.get("/assignments")
async def assignments(request: Request, principal: AssignmentsRead, session: SessionDep) -> Any:
    """Assignments by status; filters, sort and cursor live in the URL (``web.lists``)."""
    state = ListState.from_query(AssignmentFilter, ASSIGNMENT_SORTING, request.query_params)
    result = await assignments_service.list_assignments(
        session,
        principal,
        filters=state.filters,
        sort=state.sort,
        request=state.page_request(LIST_PAGE_SIZE),
        today=_today(request),
    )
    return render(
        request,
        "assignments/assignments.html",
        {
            "result": result,
            "state": state,
            "filters": state.url(),
            "values": state.values(),
            "columns": _assignment_columns(),
            "can_export": principal.is_at_least(Role.COORDINATOR),
            "today": _today(request),
            **_labels(),
        },
        block="results",
    )


@router.get("/assignments/export.{file_format}")
async def export_assignments(
    request: Request,
    principal: AssignmentsExport,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    database: DatabaseDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The filtered assignment list as CSV or Excel with the screen's labels (coordinators
    and above; rate policy ``expensive``; one audit row per export)."""
    state = ListState.from_query(AssignmentFilter, ASSIGNMENT_SORTING, request.query_params)
    await audit_service.record_export(
        session,
        principal,
        entity_type="assignment",
        filters=state.filters,
        sort=state.sort,
        file_format=file_format,
    )
    today = _today(request)

    async def fetch(session: AsyncSession, page: PageRequest) -> PageResult[AssignmentRead]:
        return await assignments_service.list_assignments(
            session, principal, filters=state.filters, sort=state.sort, request=page, today=today
        )

    return await export_response(
        file_format,
        database=database,
        columns=_assignment_columns(),
        fetch=fetch,
        stem="assignments",
        today=today,
        sheet_title=gettext_("Assignments"),
    )


async def _placement_form(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    employee_id: int,
    state: FormState[Any],
    status_code: int = 200,
) -> Any:
    employee = await employees_service.get(session, principal, employee_id)
    questions = {q.value for q in placement_questions(employee.residence_status)}
    active = await assignments_service.list_contracts(
        session,
        principal,
        filters=ContractFilter(status=ContractStatus.ACTIVE),
        request=PageRequest(limit=200),
    )
    options = [
        (str(c.id), f"{c.contract_number} — {c.client_name} {c.site_name} {c.unit_name}")
        for c in active.items
    ]
    return render(
        request,
        "assignments/placement_form.html",
        {
            "form": state,
            "employee": employee,
            "contracts": options,
            "questions": questions,
            "residence": residence_label(employee.residence_status),
            "extra_activity": gettext_(EXTRA_ACTIVITY[employee.extra_activity_permission]),
            "field_options": [("", "—")]
            + [(f.value, _field_label(f)) for f in SpecifiedSkilledField],
        },
        status_code=status_code,
    )


@router.get("/assignments/new/{employee_id:int}")
async def new_assignment(
    request: Request, principal: AssignmentsWrite, session: SessionDep, employee_id: Id
) -> Any:
    values = {"start_date": _today(request).isoformat(), "student_enrolled": "true"}
    state = FormState(values=values)
    return await _placement_form(request, session, principal, employee_id, state)


@router.post("/assignments/new/{employee_id:int}")
async def create_assignment(
    request: Request,
    principal: AssignmentsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: Id,
) -> Any:
    """Place the employee: the rates are part of the placement (validated together)."""
    form = await request.form()
    rate = parse_form(RateTerms, form)
    state = parse_form(
        AssignmentCreate,
        form,
        extra={
            "employee_id": employee_id,
            "rate": rate.data.model_dump() if rate.data is not None else {},
        },
    )
    state.values.update(rate.values)
    state.errors.pop("rate", None)
    state.errors.update(rate.errors)
    placed = await save_form(
        state,
        lambda data: assignments_service.create_assignment(
            session, principal, data=data, today=_today(request)
        ),
    )
    if not state.ok:
        raise FormRejected(
            await _placement_form(request, session, principal, employee_id, state, status_code=422)
        )
    flash(request, "success", gettext_("The employee was placed."))
    if placed is not None and placed.weekly_hours_check in HOURS_WARNINGS:
        flash(request, "warning", _hours_warning(placed))
    return redirect(request, f"/contracts/{placed.contract_id}")


# --- ending a placement and changing its rates ----------------------------------------------------


async def _assignment(
    request: Request, session: AsyncSession, principal: Principal, assignment_id: int
) -> AssignmentDetail:
    return await assignments_service.get_assignment(
        session, principal, assignment_id=assignment_id, today=_today(request)
    )


def _assignment_form(
    request: Request,
    template: str,
    state: FormState[Any],
    assignment: AssignmentDetail,
    status_code: int = 200,
) -> Any:
    return render(
        request,
        f"assignments/{template}",
        {"form": state, "assignment": assignment, **_labels()},
        status_code=status_code,
    )


@router.get("/assignments/{assignment_id:int}/end")
async def end_assignment_form(
    request: Request, principal: AssignmentsWrite, session: SessionDep, assignment_id: Id
) -> Any:
    assignment = await _assignment(request, session, principal, assignment_id)
    state = FormState(values={"end_date": _today(request).isoformat()})
    return _assignment_form(request, "end_form.html", state, assignment)


@router.post("/assignments/{assignment_id:int}/end")
async def end_assignment(
    request: Request,
    principal: AssignmentsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    assignment_id: Id,
) -> Any:
    """The last day worked (the planned end at the latest) and why; the 抵触日 follow."""
    state = parse_form(AssignmentEnd, await request.form())
    ended = await save_form(
        state,
        lambda data: assignments_service.end_assignment(
            session, principal, assignment_id=assignment_id, data=data, today=_today(request)
        ),
    )
    if not state.ok:
        assignment = await _assignment(request, session, principal, assignment_id)
        raise FormRejected(
            _assignment_form(request, "end_form.html", state, assignment, status_code=422)
        )
    flash(request, "success", gettext_("The placement was ended."))
    return redirect(request, f"/contracts/{ended.contract_id}")


@router.get("/assignments/{assignment_id:int}/rates/new")
async def rate_form(
    request: Request, principal: AssignmentsWrite, session: SessionDep, assignment_id: Id
) -> Any:
    assignment = await _assignment(request, session, principal, assignment_id)
    values: dict[str, Any] = {"effective_from": _today(request).isoformat()}
    if assignment.rate is not None:
        values.update(
            {k: str(getattr(assignment.rate, k)) for k in (*RATE_FIELDS, *PREMIUM_FIELDS)}
        )
    return _assignment_form(request, "rate_form.html", FormState(values=values), assignment)


@router.post("/assignments/{assignment_id:int}/rates")
async def change_rate(
    request: Request,
    principal: AssignmentsWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    assignment_id: Id,
) -> Any:
    """A new rate from a date: a row is added, the earlier rates stay as history."""
    state = parse_form(RateChange, await request.form())
    changed = await save_form(
        state,
        lambda data: assignments_service.change_rate(
            session, principal, assignment_id=assignment_id, data=data, today=_today(request)
        ),
    )
    if not state.ok:
        assignment = await _assignment(request, session, principal, assignment_id)
        raise FormRejected(
            _assignment_form(request, "rate_form.html", state, assignment, status_code=422)
        )
    flash(request, "success", gettext_("The new rate was saved."))
    return redirect(request, f"/contracts/{changed.contract_id}")


# --- the portal: where I work ------------------------------------------------------------------


async def _own_assignments(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    if principal.employee_id is None:
        return None
    own = await assignments_service.list_own(
        session, principal, request=PageRequest(limit=20), today=_today(request)
    )
    return {"assignments": own.items, **_labels()}


# --- the employee page: current and past placements with rates and 抵触日 -------------------


async def _employee_placements(
    request: Request, session: AsyncSession, principal: Principal, employee: Any
) -> dict[str, Any] | None:
    """Two statements: the employee's placements (newest first) and, for the office, the
    rates in force today."""
    today = _today(request)
    placements = await assignments_service.list_assignments(
        session,
        principal,
        filters=AssignmentFilter(employee_id=employee.id),
        sort="-start_date",
        request=PageRequest(limit=50),
        today=today,
        names=False,
    )
    running = [a for a in placements.items if a.status == AssignmentStatus.ACTIVE]
    past = [a for a in placements.items if a.status != AssignmentStatus.ACTIVE]
    return {
        "running": running,
        "past": past,
        "more": placements.has_more,
        "today": today,
        "employee_id": employee.id,
        "sees_money": principal.is_at_least(Role.COORDINATOR),
        **_labels(),
    }


# --- the home page: placements below a minimum wage, now or within 60 days ----------------------


async def _minimum_wage_panel(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    warnings = await assignments_service.minimum_wage_warnings(
        session, today=_today(request), within_days=MINIMUM_WAGE_WINDOW_DAYS
    )
    if not warnings:
        return None
    return {
        "warnings": warnings[:20],
        "total": len(warnings),
        "window": MINIMUM_WAGE_WINDOW_DAYS,
        "prefectures": PREFECTURES,
    }


def register_web() -> None:
    register_labels()
    registry.add_nav(
        NavItem("contracts", N_("Contracts"), "/contracts", minimum=Role.SITE_MANAGER, order=32)
    )
    registry.add_nav(
        NavItem(
            "assignments", N_("Assignments"), "/assignments", minimum=Role.SITE_MANAGER, order=34
        )
    )
    registry.add_portal_section(
        Panel("assignments", "assignments/_portal_assignments.html", _own_assignments, order=30)
    )
    registry.add_record_section(
        "employee",
        RecordSection(
            "placements",
            "assignments/_employee_placements.html",
            _employee_placements,
            minimum=Role.SITE_MANAGER,
            order=20,
        ),
    )
    registry.add_home_panel(
        Panel(
            "minimum_wage_ahead",
            "assignments/_home_minimum_wage.html",
            _minimum_wage_panel,
            minimum=Role.COORDINATOR,
            order=34,
        )
    )
