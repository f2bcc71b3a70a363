"""HTTP API of the assignments area: /api/contracts and /api/assignments.

Reads: site manager and above, within their sites (an employee reads their own assignments
through ``GET /api/assignments/me``). Writes: coordinator and above. Money is shown to
coordinators and above (and to the worker for their own rate); see schemas.py.
Literal paths (``/me``, ``/conflicts``) are declared before ``/{assignment_id}``, whose
parameter is an int anyway, so no literal segment can be captured by an id.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query

from haken.modules.assignments.auth import (
    AssignmentsRead,
    AssignmentsWrite,
    OwnAssignments,
    PayRead,
)
from haken.modules.assignments.schemas import (
    AssignmentCreate,
    AssignmentDetail,
    AssignmentEnd,
    AssignmentFilter,
    AssignmentRead,
    AssignmentStatus,
    AssignmentUpdate,
    ConflictDatesRead,
    ConflictRead,
    ContractCreate,
    ContractFilter,
    ContractRead,
    ContractStatus,
    ContractUpdate,
    DeleteOutcome,
    OwnAssignmentRead,
    PriorPeriodCreate,
    PriorPeriodRead,
    RateChange,
    RateRead,
)
from haken.modules.assignments.service import assignments_service
from haken.modules.assignments.sorting import (
    ASSIGNMENT_SORTING,
    CONTRACT_SORTING,
    AssignmentSort,
    ContractSort,
)
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page
from haken.platform.schemas import Day

contracts_router = APIRouter(
    prefix="/api/contracts", tags=["assignments"], dependencies=[Depends(default_limit)]
)
assignments_router = APIRouter(
    prefix="/api/assignments", tags=["assignments"], dependencies=[Depends(default_limit)]
)

Id = Annotated[int, Path(ge=1)]
RefId = Annotated[int | None, Query(ge=1)]
Version = Annotated[int, Query(ge=1, description="the version the deletion is based on")]


def _today(settings: Any) -> dt.date:
    """The calendar date at the agency (Asia/Tokyo by default): rates and clocks use it."""
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


# --- contracts -------------------------------------------------------------------------------


@contracts_router.get("", response_model=PageEnvelope[ContractRead])
async def list_contracts(
    principal: AssignmentsRead,
    session: SessionDep,
    paging: PageQuery,
    client_id: RefId = None,
    site_id: RefId = None,
    unit_id: RefId = None,
    status: ContractStatus | None = None,
    archived: bool = False,
    active_on: Annotated[Day | None, Query(description="period covers this day")] = None,
    sort: ContractSort = ContractSort(CONTRACT_SORTING.default),  # type: ignore[valid-type]
) -> Any:
    filters = ContractFilter(
        client_id=client_id,
        site_id=site_id,
        unit_id=unit_id,
        status=status,
        archived=archived,
        active_on=active_on,
    )
    result = await assignments_service.list_contracts(
        session, principal, filters=filters, sort=sort.value, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@contracts_router.post("", response_model=Envelope[ContractRead], status_code=201)
async def create_contract(
    body: ContractCreate, principal: AssignmentsWrite, session: SessionDep
) -> Any:
    """A contract on one 組織単位; its client and site follow from the unit."""
    return ok(await assignments_service.create_contract(session, principal, data=body))


@contracts_router.get("/{contract_id:int}", response_model=Envelope[ContractRead])
async def get_contract(principal: AssignmentsRead, session: SessionDep, contract_id: Id) -> Any:
    return ok(await assignments_service.get_contract(session, principal, contract_id=contract_id))


@contracts_router.patch("/{contract_id:int}", response_model=Envelope[ContractRead])
async def update_contract(
    body: ContractUpdate, principal: AssignmentsWrite, session: SessionDep, contract_id: Id
) -> Any:
    return ok(
        await assignments_service.update_contract(
            session, principal, contract_id=contract_id, data=body
        )
    )


@contracts_router.delete("/{contract_id:int}", response_model=Envelope[DeleteOutcome])
async def delete_contract(
    principal: AssignmentsWrite, session: SessionDep, contract_id: Id, version: Version
) -> Any:
    """Deleted when nothing refers to it; archived once workers were assigned under it."""
    return ok(
        await assignments_service.delete_contract(
            session, principal, contract_id=contract_id, version=version
        )
    )


# --- assignments -----------------------------------------------------------------------------


@assignments_router.get("", response_model=PageEnvelope[AssignmentRead])
async def list_assignments(
    principal: AssignmentsRead,
    session: SessionDep,
    settings: SettingsDep,
    paging: PageQuery,
    client_id: RefId = None,
    site_id: RefId = None,
    unit_id: RefId = None,
    employee_id: RefId = None,
    contract_id: RefId = None,
    status: AssignmentStatus | None = None,
    active_on: Annotated[Day | None, Query(description="assignments running that day")] = None,
    sort: AssignmentSort = AssignmentSort(ASSIGNMENT_SORTING.default),  # type: ignore[valid-type]
) -> Any:
    filters = AssignmentFilter(
        client_id=client_id,
        site_id=site_id,
        unit_id=unit_id,
        employee_id=employee_id,
        contract_id=contract_id,
        status=status,
        active_on=active_on,
    )
    result = await assignments_service.list_assignments(
        session,
        principal,
        filters=filters,
        sort=sort.value,
        request=paging,
        today=_today(settings),
    )
    return page(result.items, result.pagination(paging.limit))


@assignments_router.get("/me", response_model=PageEnvelope[OwnAssignmentRead])
async def list_own_assignments(
    principal: OwnAssignments, session: SessionDep, settings: SettingsDep, paging: PageQuery
) -> Any:
    """The caller's own assignments, newest first, with their own wage and dispatch fee."""
    result = await assignments_service.list_own(
        session, principal, request=paging, today=_today(settings)
    )
    return page(result.items, result.pagination(paging.limit))


@assignments_router.get("/conflicts", response_model=PageEnvelope[ConflictRead])
async def list_conflicts(
    principal: AssignmentsRead,
    session: SessionDep,
    settings: SettingsDep,
    paging: PageQuery,
    days: Annotated[int, Query(ge=0, le=1095, description="window in days")] = 90,
    as_of: Annotated[Day | None, Query(description="default: today (Asia/Tokyo)")] = None,
) -> Any:
    """Running assignments whose binding 抵触日 (site or individual) falls within ``days``,
    soonest first; dates already passed come first. Exempt assignments have none."""
    result = await assignments_service.conflicts(
        session, principal, days=days, today=as_of or _today(settings), request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@assignments_router.post("", response_model=Envelope[AssignmentDetail], status_code=201)
async def create_assignment(
    body: AssignmentCreate,
    principal: AssignmentsWrite,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Assign an employee under a contract; refused with a catalog code when the residence
    status, an overlap, the contract period, the margin or a 抵触日 forbids it."""
    return ok(
        await assignments_service.create_assignment(
            session, principal, data=body, today=_today(settings)
        )
    )


@assignments_router.get("/{assignment_id:int}", response_model=Envelope[AssignmentDetail])
async def get_assignment(
    principal: AssignmentsRead, session: SessionDep, settings: SettingsDep, assignment_id: Id
) -> Any:
    return ok(
        await assignments_service.get_assignment(
            session, principal, assignment_id=assignment_id, today=_today(settings)
        )
    )


@assignments_router.patch("/{assignment_id:int}", response_model=Envelope[AssignmentDetail])
async def update_assignment(
    body: AssignmentUpdate,
    principal: AssignmentsWrite,
    session: SessionDep,
    settings: SettingsDep,
    assignment_id: Id,
) -> Any:
    """Change the planned end, the work exemption or notes (send ``version``)."""
    return ok(
        await assignments_service.update_assignment(
            session, principal, assignment_id=assignment_id, data=body, today=_today(settings)
        )
    )


@assignments_router.delete("/{assignment_id:int}", response_model=Envelope[DeleteOutcome])
async def cancel_assignment(
    principal: AssignmentsWrite,
    session: SessionDep,
    settings: SettingsDep,
    assignment_id: Id,
    version: Version,
) -> Any:
    """Cancel (archival: the row and its rates stay, it no longer counts anywhere)."""
    return ok(
        await assignments_service.cancel_assignment(
            session,
            principal,
            assignment_id=assignment_id,
            version=version,
            today=_today(settings),
        )
    )


@assignments_router.post("/{assignment_id:int}/end", response_model=Envelope[AssignmentDetail])
async def end_assignment(
    body: AssignmentEnd,
    principal: AssignmentsWrite,
    session: SessionDep,
    settings: SettingsDep,
    assignment_id: Id,
) -> Any:
    return ok(
        await assignments_service.end_assignment(
            session, principal, assignment_id=assignment_id, data=body, today=_today(settings)
        )
    )


@assignments_router.get("/{assignment_id:int}/rates", response_model=PageEnvelope[RateRead])
async def list_rates(
    principal: PayRead, session: SessionDep, paging: PageQuery, assignment_id: Id
) -> Any:
    """The rate history, newest first (each row in force until the next one's date)."""
    result = await assignments_service.list_rates(
        session, principal, assignment_id=assignment_id, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@assignments_router.post(
    "/{assignment_id:int}/rates", response_model=Envelope[AssignmentDetail], status_code=201
)
async def change_rate(
    body: RateChange,
    principal: AssignmentsWrite,
    session: SessionDep,
    settings: SettingsDep,
    assignment_id: Id,
) -> Any:
    """A new rate from ``effective_from`` (history kept); send the assignment's ``version``."""
    return ok(
        await assignments_service.change_rate(
            session, principal, assignment_id=assignment_id, data=body, today=_today(settings)
        )
    )


@assignments_router.get(
    "/{assignment_id:int}/conflict-dates", response_model=Envelope[ConflictDatesRead]
)
async def conflict_dates(
    principal: AssignmentsRead, session: SessionDep, settings: SettingsDep, assignment_id: Id
) -> Any:
    """Both 3-year clocks of the assignment, recomputed now, with the 意見聴取 deadline."""
    return ok(
        await assignments_service.conflict_dates(
            session, principal, assignment_id=assignment_id, today=_today(settings)
        )
    )


# --- prior dispatch periods (through other agencies) ------------------------------------------


@assignments_router.get("/prior-periods", response_model=PageEnvelope[PriorPeriodRead])
async def list_prior_periods(
    principal: AssignmentsRead,
    session: SessionDep,
    paging: PageQuery,
    employee_id: RefId = None,
    unit_id: RefId = None,
) -> Any:
    """Periods workers spent in client units through other agencies, newest first: the
    individual 抵触日 counts them (派遣法40条の3)."""
    result = await assignments_service.list_prior_periods(
        session, principal, employee_id=employee_id, unit_id=unit_id, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@assignments_router.post(
    "/prior-periods", response_model=Envelope[PriorPeriodRead], status_code=201
)
async def create_prior_period(
    body: PriorPeriodCreate,
    principal: AssignmentsWrite,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Declare a period through another agency (with its source); the worker's running
    assignments take the recomputed individual 抵触日 at once."""
    return ok(
        await assignments_service.create_prior_period(
            session, principal, data=body, today=_today(settings)
        )
    )


@assignments_router.delete("/prior-periods/{period_id:int}", response_model=Envelope[DeleteOutcome])
async def delete_prior_period(
    principal: AssignmentsWrite, session: SessionDep, settings: SettingsDep, period_id: Id
) -> Any:
    """Remove a declared period; the worker's running assignments are recomputed."""
    return ok(
        await assignments_service.delete_prior_period(
            session, principal, period_id=period_id, today=_today(settings)
        )
    )
