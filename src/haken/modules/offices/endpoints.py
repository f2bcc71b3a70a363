"""HTTP API of the agency's offices (派遣元事業所): /api/offices/…

Coordinators and above read them (a contract names its office); admins create and edit
them, move the default and archive (rate policy ``admin``, audited).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from haken.modules.offices.auth import OfficesRead, OfficesWrite
from haken.modules.offices.schemas import OfficeCreate, OfficeFilter, OfficeRead, OfficeUpdate
from haken.modules.offices.service import offices_service
from haken.platform.deps import SessionDep
from haken.platform.ratelimit import admin_limit, default_limit
from haken.platform.responses import Envelope, ok

router = APIRouter(prefix="/api/offices", tags=["offices"])
OfficeId = Annotated[int, Path(ge=1)]


@router.get("", response_model=Envelope[list[OfficeRead]], dependencies=[Depends(default_limit)])
async def list_offices(
    _principal: OfficesRead, session: SessionDep, filters: Annotated[OfficeFilter, Depends()]
) -> Any:
    """The agency's offices, the default first (one statement)."""
    return ok(await offices_service.list_offices(session, filters=filters))


@router.get(
    "/{office_id:int}",
    response_model=Envelope[OfficeRead],
    dependencies=[Depends(default_limit)],
)
async def get_office(_principal: OfficesRead, session: SessionDep, office_id: OfficeId) -> Any:
    return ok(await offices_service.get_office(session, office_id=office_id))


@router.post(
    "", response_model=Envelope[OfficeRead], status_code=201, dependencies=[Depends(admin_limit)]
)
async def create_office(body: OfficeCreate, principal: OfficesWrite, session: SessionDep) -> Any:
    """A new office; ``is_default`` makes it the default (the old default stops being it)."""
    return ok(await offices_service.create_office(session, principal, data=body))


@router.patch(
    "/{office_id:int}", response_model=Envelope[OfficeRead], dependencies=[Depends(admin_limit)]
)
async def update_office(
    body: OfficeUpdate, principal: OfficesWrite, session: SessionDep, office_id: OfficeId
) -> Any:
    """Edit, make the default, archive or restore (never the default office)."""
    return ok(
        await offices_service.update_office(session, principal, office_id=office_id, data=body)
    )
