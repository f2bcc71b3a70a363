"""HTTP API of the regional minimum wages: /api/minimum-wages/…

Coordinators and above read the amounts (they set pay rates); admins enter a new fiscal
year's amounts, or remove an entered year to enter it again (rate policy ``admin``,
audited). The years shipped with haken can be neither entered nor removed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from haken.modules.minimum_wages.auth import MinimumWagesRead, MinimumWagesWrite
from haken.modules.minimum_wages.schemas import (
    DeleteOutcome,
    FiscalYearCreate,
    FiscalYearRead,
    FiscalYearSummary,
)
from haken.modules.minimum_wages.service import minimum_wages_service
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import admin_limit, default_limit
from haken.platform.responses import Envelope, ok

router = APIRouter(prefix="/api/minimum-wages", tags=["minimum wages"])

FiscalYearPath = Annotated[int, Path(ge=2000, le=2100)]


@router.get(
    "",
    response_model=Envelope[list[FiscalYearSummary]],
    dependencies=[Depends(default_limit)],
)
async def list_years(_principal: MinimumWagesRead, session: SessionDep) -> Any:
    """Every fiscal year known (shipped and entered), newest first."""
    return ok(await minimum_wages_service.list_years(session))


@router.get(
    "/{fiscal_year:int}",
    response_model=Envelope[FiscalYearRead],
    dependencies=[Depends(default_limit)],
)
async def get_year(
    _principal: MinimumWagesRead, session: SessionDep, fiscal_year: FiscalYearPath
) -> Any:
    """One fiscal year's amounts by prefecture, with their effective dates."""
    return ok(await minimum_wages_service.get_year(session, fiscal_year=fiscal_year))


@router.post(
    "",
    response_model=Envelope[FiscalYearRead],
    status_code=201,
    dependencies=[Depends(admin_limit)],
)
async def add_year(
    body: FiscalYearCreate, principal: MinimumWagesWrite, session: SessionDep
) -> Any:
    """Enter a fiscal year's amounts: all 47 prefectures, each with its effective date."""
    return ok(await minimum_wages_service.add_year(session, principal, data=body))


@router.delete(
    "/{fiscal_year:int}",
    response_model=Envelope[DeleteOutcome],
    dependencies=[Depends(admin_limit)],
)
async def delete_year(
    principal: MinimumWagesWrite, session: SessionDep, fiscal_year: FiscalYearPath
) -> Any:
    """Remove an entered year whole (to enter it again corrected)."""
    return ok(await minimum_wages_service.delete_year(session, principal, fiscal_year=fiscal_year))
