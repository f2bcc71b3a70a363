"""HTTP API of attendance: /api/attendance/…

Timecards: employees enter and submit their own (portal), site managers see and approve
those of their sites, coordinators and above every one. Periods are closed and reopened by
admins; the ledger and the 36協定 limits are the office's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from haken.modules.attendance.schemas import (
    AgreementCreate,
    AgreementFilter,
    AgreementRead,
    LedgerFilter,
    LedgerRead,
    MonthRead,
    PeriodClose,
    PeriodFilter,
    PeriodRead,
    PeriodReopen,
    PremiumsRead,
    PremiumsRequest,
    RejectBody,
    SiteSettingsRead,
    SiteSettingsUpdate,
    TimecardCreate,
    TimecardFilter,
    TimecardRead,
    TimecardUpdate,
    VersionBody,
)
from haken.modules.attendance.service import attendance_service
from haken.modules.attendance.sorting import TIMECARD_SORTING
from haken.platform.access import (
    AdminPrincipal,
    CoordinatorPrincipal,
    CurrentPrincipal,
    SiteManagerPrincipal,
)
from haken.platform.deps import SessionDep
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page
from haken.platform.types import YearMonth

router = APIRouter(
    prefix="/api/attendance", tags=["attendance"], dependencies=[Depends(default_limit)]
)

Id = Annotated[int, Path(ge=1)]
TimecardSort = Annotated[TIMECARD_SORTING.param | None, Query()]  # type: ignore[name-defined]


@router.get("/timecards", response_model=PageEnvelope[TimecardRead])
async def list_timecards(
    principal: CurrentPrincipal,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[TimecardFilter, Query()],
    sort: TimecardSort = None,
) -> Any:
    """Timecards in scope (own, own sites', or all), newest day first by default."""
    result = await attendance_service.list_timecards(
        session, principal, filters=filters, sort=sort, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/timecards", response_model=Envelope[TimecardRead], status_code=201)
async def create_timecard(
    body: TimecardCreate, principal: CurrentPrincipal, session: SessionDep
) -> Any:
    return ok(await attendance_service.create_timecard(session, principal, data=body))


@router.get("/timecards/{timecard_id:int}", response_model=Envelope[TimecardRead])
async def get_timecard(principal: CurrentPrincipal, session: SessionDep, timecard_id: Id) -> Any:
    return ok(await attendance_service.get_timecard(session, principal, timecard_id=timecard_id))


@router.patch("/timecards/{timecard_id:int}", response_model=Envelope[TimecardRead])
async def update_timecard(
    body: TimecardUpdate, principal: CurrentPrincipal, session: SessionDep, timecard_id: Id
) -> Any:
    """An edit of an approved card returns it to submitted; a locked one is refused."""
    return ok(
        await attendance_service.update_timecard(
            session, principal, timecard_id=timecard_id, data=body
        )
    )


@router.post("/timecards/{timecard_id:int}/submit", response_model=Envelope[TimecardRead])
async def submit_timecard(
    body: VersionBody, principal: CurrentPrincipal, session: SessionDep, timecard_id: Id
) -> Any:
    return ok(
        await attendance_service.submit_timecard(
            session, principal, timecard_id=timecard_id, version=body.version
        )
    )


@router.post("/timecards/{timecard_id:int}/approve", response_model=Envelope[TimecardRead])
async def approve_timecard(
    body: VersionBody, principal: SiteManagerPrincipal, session: SessionDep, timecard_id: Id
) -> Any:
    """Approve a submitted card (the site manager of its site, or the office); the
    response carries the 資格外活動 warnings of the worker's week."""
    return ok(
        await attendance_service.approve_timecard(
            session, principal, timecard_id=timecard_id, version=body.version
        )
    )


@router.post("/timecards/{timecard_id:int}/reject", response_model=Envelope[TimecardRead])
async def reject_timecard(
    body: RejectBody, principal: SiteManagerPrincipal, session: SessionDep, timecard_id: Id
) -> Any:
    return ok(
        await attendance_service.reject_timecard(
            session, principal, timecard_id=timecard_id, data=body
        )
    )


@router.get("/periods", response_model=PageEnvelope[PeriodRead])
async def list_periods(
    principal: CoordinatorPrincipal,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[PeriodFilter, Query()],
) -> Any:
    result = await attendance_service.list_periods(
        session, principal, filters=filters, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/periods/close", response_model=Envelope[PeriodRead])
async def close_period(body: PeriodClose, principal: AdminPrincipal, session: SessionDep) -> Any:
    """Close the payroll period (every employee) or a contract's billing period containing
    ``day``: its cards are locked; refused while any is unapproved."""
    return ok(await attendance_service.close_period(session, principal, data=body))


@router.post("/periods/{period_id:int}/reopen", response_model=Envelope[PeriodRead])
async def reopen_period(
    body: PeriodReopen, principal: AdminPrincipal, session: SessionDep, period_id: Id
) -> Any:
    return ok(
        await attendance_service.reopen_period(session, principal, period_id=period_id, data=body)
    )


@router.get("/ledger", response_model=PageEnvelope[LedgerRead])
async def list_ledger(
    principal: CoordinatorPrincipal,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[LedgerFilter, Query()],
) -> Any:
    """Classified minutes per employee per payroll period, or per contract per billing
    period (what payslips, invoices and reports read)."""
    result = await attendance_service.list_ledger(
        session, principal, filters=filters, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.get("/employees/{employee_id:int}/months/{month}", response_model=Envelope[MonthRead])
async def employee_month(
    principal: CurrentPrincipal,
    session: SessionDep,
    employee_id: Id,
    month: Annotated[YearMonth, Path()],
) -> Any:
    """A worker's payroll period named by the month of its cut-off: cards, classified
    minutes and the 36協定 status."""
    return ok(
        await attendance_service.employee_month(
            session, principal, employee_id=employee_id, month=month
        )
    )


@router.post("/premiums", response_model=Envelope[PremiumsRead])
async def premiums(body: PremiumsRequest, principal: CurrentPrincipal) -> Any:
    """Classify the cards given (``haken calc premiums``); nothing is stored."""
    return ok(attendance_service.premiums(body))


@router.get("/agreements", response_model=PageEnvelope[AgreementRead])
async def list_agreements(
    principal: CoordinatorPrincipal,
    session: SessionDep,
    paging: PageQuery,
    filters: Annotated[AgreementFilter, Query()],
) -> Any:
    result = await attendance_service.list_agreements(
        session, principal, site_id=filters.site_id, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post("/agreements", response_model=Envelope[AgreementRead], status_code=201)
async def create_agreement(
    body: AgreementCreate, principal: CoordinatorPrincipal, session: SessionDep
) -> Any:
    """A 36協定's own limits for a site and agreement year (statutory caps when absent)."""
    return ok(await attendance_service.create_agreement(session, principal, data=body))


@router.get("/sites/{site_id:int}/settings", response_model=Envelope[SiteSettingsRead])
async def site_settings(principal: SiteManagerPrincipal, session: SessionDep, site_id: Id) -> Any:
    return ok(await attendance_service.site_settings(session, principal, site_id=site_id))


@router.put("/sites/{site_id:int}/settings", response_model=Envelope[SiteSettingsRead])
async def replace_site_settings(
    body: SiteSettingsUpdate, principal: CoordinatorPrincipal, session: SessionDep, site_id: Id
) -> Any:
    """The site's time zone, day change (営業日分岐) and shifts (replaced whole)."""
    return ok(
        await attendance_service.replace_site_settings(
            session, principal, site_id=site_id, data=body
        )
    )
