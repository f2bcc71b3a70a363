"""HTTP API of paid leave: /api/leave/…

Reads: an employee their own ledger only (another's is 404), a site manager the workers of
their sites, coordinators and above everyone. Writes (coordinators and above, audited): the
employer's designations (時季指定, 計画的付与) and cancelling recorded leave.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Response

from haken.modules.leave.export import ledger_xlsx
from haken.modules.leave.schemas import (
    AtRiskRow,
    BalanceRow,
    ConsumeOutcome,
    DesignationCreate,
    GrantRun,
    GrantRunCreate,
    LedgerRead,
    TakingCancel,
)
from haken.modules.leave.service import leave_service
from haken.platform.access import (
    AdminPrincipal,
    CoordinatorPrincipal,
    CurrentPrincipal,
    SiteManagerPrincipal,
)
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.errors import NotFoundError
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

router = APIRouter(prefix="/api/leave", tags=["leave"], dependencies=[Depends(default_limit)])


def today_in(settings: Any) -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


@router.get("/balances", response_model=PageEnvelope[BalanceRow])
async def list_balances(
    principal: SiteManagerPrincipal, session: SessionDep, settings: SettingsDep, paging: PageQuery
) -> Any:
    """Days left per employee today (after the leave already fixed) and the next expiry."""
    found = await leave_service.balances(session, principal, on=today_in(settings), page=paging)
    return page(found.items, found.pagination(paging.limit))


@router.get("/at-risk", response_model=PageEnvelope[AtRiskRow])
async def list_at_risk(
    principal: SiteManagerPrincipal, session: SessionDep, settings: SettingsDep, paging: PageQuery
) -> Any:
    """Workers whose 5-day deadline (Art. 39(7)) is near or passed with days still to
    designate, by deadline."""
    found = await leave_service.at_risk(session, principal, on=today_in(settings), page=paging)
    return page(found.items, found.pagination(paging.limit))


@router.get("/me", response_model=Envelope[LedgerRead])
async def my_ledger(principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep) -> Any:
    """The caller's own ledger (an account without an employee record: 404)."""
    if principal.employee_id is None:
        raise NotFoundError()
    return ok(
        await leave_service.ledger(
            session, principal, employee_id=principal.employee_id, on=today_in(settings)
        )
    )


@router.get("/employees/{employee_id:int}", response_model=Envelope[LedgerRead])
async def employee_ledger(
    employee_id: int, principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> Any:
    """年次有給休暇管理簿 of one employee (grants, dates taken, balance, expiry, 5-day duty)."""
    return ok(
        await leave_service.ledger(
            session, principal, employee_id=employee_id, on=today_in(settings)
        )
    )


@router.post(
    "/employees/{employee_id:int}/designations",
    response_model=Envelope[ConsumeOutcome],
    status_code=201,
)
async def designate(
    employee_id: int,
    body: DesignationCreate,
    principal: CoordinatorPrincipal,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Record the employer's 時季指定 or 計画的付与 dates (counted toward the 5 days)."""
    return ok(
        await leave_service.designate(
            session, principal, employee_id=employee_id, data=body, today=today_in(settings)
        )
    )


@router.post("/employees/{employee_id:int}/cancellations", response_model=Envelope[ConsumeOutcome])
async def cancel(
    employee_id: int,
    body: TakingCancel,
    principal: CoordinatorPrincipal,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Cancel recorded leave: the days return to their grants."""
    return ok(
        await leave_service.restore(
            session,
            principal,
            employee_id=employee_id,
            taking_ids=body.taking_ids,
            reason=body.reason,
            today=today_in(settings),
        )
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An Excel body, declared as such (not the JSON envelope) in the OpenAPI.
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The ledger as an Excel workbook.",
        "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "/employees/{employee_id:int}/ledger.xlsx", response_class=Response, responses=XLSX_RESPONSE
)
async def export_employee(
    employee_id: int, principal: SiteManagerPrincipal, session: SessionDep, settings: SettingsDep
) -> Any:
    """The employee's 年次有給休暇管理簿 as Excel (audited)."""
    today = today_in(settings)
    ledgers = await leave_service.export_ledgers(
        session, principal, on=today, employee_id=employee_id
    )
    return await ledger_xlsx(ledgers, today, f"leave-ledger-{employee_id}")


@router.get("/ledger.xlsx", response_class=Response, responses=XLSX_RESPONSE)
async def export_all(
    principal: CoordinatorPrincipal, session: SessionDep, settings: SettingsDep
) -> Any:
    """Every employee's 年次有給休暇管理簿 as Excel (audited)."""
    today = today_in(settings)
    ledgers = await leave_service.export_ledgers(session, principal, on=today)
    return await ledger_xlsx(ledgers, today, "leave-ledger")


@router.post("/grants/run", response_model=Envelope[GrantRun])
async def run_grants(
    body: GrantRunCreate, principal: AdminPrincipal, session: SessionDep, settings: SettingsDep
) -> Any:
    """Run the daily grant job now (what ``leave.grant_due`` does every night): every
    grant due on or before today that is not in the ledger yet."""
    ids = [body.employee_id] if body.employee_id is not None else None
    return ok(
        await leave_service.grant_due(
            session, today=today_in(settings), employee_ids=ids, principal=principal
        )
    )


@router.get("/settings", response_model=Envelope[dict[str, Any]])
async def leave_settings(_principal: CoordinatorPrincipal) -> Any:
    """The agency's leave settings: continuity gap, hourly cap, leave pay method."""
    return ok(leave_service.settings())
