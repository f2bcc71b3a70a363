"""HTTP API of the employees area: parse, call one service method, return the envelope."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Response

from haken.modules.employees.auth import (
    EmployeesOverview,
    EmployeesRead,
    EmployeesWrite,
    NumbersReveal,
)
from haken.modules.employees.schemas import (
    ContractPeriodsReplace,
    DependantsReplace,
    EmployeeCreate,
    EmployeeDetail,
    EmployeeFilter,
    EmployeeRead,
    EmployeeUpdate,
    Headcount,
    ResidenceExpiryRead,
    RevealedNumbers,
    RevealRequest,
    VersionBody,
)
from haken.modules.employees.service import employees_service
from haken.modules.employees.sorting import EMPLOYEE_SORTING, EmployeeSort
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.edge import edge_cached
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import AdminRateLimit, default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

router = APIRouter(
    prefix="/api/employees", tags=["employees"], dependencies=[Depends(default_limit)]
)
EmployeeId = Annotated[int, Path(ge=1)]


@router.get("", response_model=PageEnvelope[EmployeeRead])
@edge_cached(employees_service.list)
async def list_employees(
    principal: EmployeesRead,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[EmployeeFilter, Query()],
    sort: EmployeeSort = EmployeeSort(EMPLOYEE_SORTING.default),  # type: ignore[valid-type]
) -> Any:
    """Employees in the caller's scope (a site manager: their sites; an employee: themself).
    Those who left (退職) only with ``include_left=true`` or ``status=left``;
    ``sort=field`` ascending, ``sort=-field`` descending."""
    result = await employees_service.list(
        session, principal, filters=filters, sort=sort.value, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.get("/residence-expiring", response_model=PageEnvelope[ResidenceExpiryRead])
async def residence_expiring(
    principal: EmployeesOverview,
    session: SessionDep,
    settings: SettingsDep,
    paging: PageQuery,
    days: Annotated[int, Query(ge=0, le=730, description="window in days from today")] = 90,
) -> Any:
    """Employees whose period of stay ends within ``days`` (with the 特例期間 of a pending
    renewal), soonest first; ended ones are included so nobody drops off the list."""
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    result = await employees_service.residence_expiring(
        session, principal, days=days, today=today, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.get("/headcount", response_model=Envelope[Headcount])
async def headcount(principal: EmployeesOverview, session: SessionDep) -> Any:
    """Active employees by client and site (a site manager: their sites only)."""
    return ok(await employees_service.headcount(session, principal))


@router.post("", response_model=Envelope[EmployeeDetail], status_code=201)
async def create_employee(
    body: EmployeeCreate, principal: EmployeesWrite, session: SessionDep
) -> Any:
    """Register an employee directly (hires from candidates use the candidate's hire)."""
    return ok(await employees_service.create(session, principal, body))


@router.get("/{employee_id:int}", response_model=Envelope[EmployeeDetail])
async def get_employee(
    principal: EmployeesRead, session: SessionDep, employee_id: EmployeeId
) -> Any:
    return ok(await employees_service.get(session, principal, employee_id))


@router.patch("/{employee_id:int}", response_model=Envelope[EmployeeDetail])
async def update_employee(
    body: EmployeeUpdate,
    principal: EmployeesWrite,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    return ok(await employees_service.update(session, principal, employee_id, body))


@router.put("/{employee_id:int}/contract-periods", response_model=Envelope[EmployeeDetail])
async def replace_contract_periods(
    body: ContractPeriodsReplace,
    principal: EmployeesWrite,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    """Replace the fixed-term contract history; returns the new 無期転換 date."""
    return ok(
        await employees_service.replace_contract_periods(session, principal, employee_id, body)
    )


@router.put("/{employee_id:int}/dependants", response_model=Envelope[EmployeeDetail])
async def replace_dependants(
    body: DependantsReplace,
    principal: EmployeesWrite,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    return ok(await employees_service.replace_dependants(session, principal, employee_id, body))


@router.delete("/{employee_id:int}", response_model=Envelope[EmployeeDetail])
async def archive_employee(
    principal: EmployeesWrite,
    session: SessionDep,
    employee_id: EmployeeId,
    version: Annotated[int, Query(ge=1)],
) -> Any:
    """Archive: the record stays (payroll, timecards and ledgers refer to it)."""
    return ok(
        await employees_service.set_archived(
            session, principal, employee_id, version=version, archived=True
        )
    )


@router.post("/{employee_id:int}/restore", response_model=Envelope[EmployeeDetail])
async def restore_employee(
    body: VersionBody,
    principal: EmployeesWrite,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    return ok(
        await employees_service.set_archived(
            session, principal, employee_id, version=body.version, archived=False
        )
    )


@router.post("/{employee_id:int}/reveal", response_model=Envelope[RevealedNumbers])
async def reveal_numbers(
    body: RevealRequest,
    response: Response,
    principal: NumbersReveal,
    _limit: AdminRateLimit,
    session: SessionDep,
    employee_id: EmployeeId,
) -> Any:
    """My Number, residence-card and bank account numbers in full: admins only, audited
    (field names and purpose, never the values), never cached."""
    response.headers["Cache-Control"] = "no-store"
    return ok(await employees_service.reveal(session, principal, employee_id, body))
