"""HTTP API of the client portal: /api/client/… (client supervisors) and the agency's
invitation /api/client-supervisors (coordinators and above)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from haken.modules.client_portal.auth import ClientSupervisor, SupervisorsInvite
from haken.modules.client_portal.schemas import (
    PortalTimecard,
    PortalWeek,
    PortalWorker,
    SupervisorInvite,
    SupervisorInvited,
    TimecardConfirm,
    TimecardDispute,
)
from haken.modules.client_portal.service import client_portal_service
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok

router = APIRouter(prefix="/api/client", tags=["client portal"])
invite_router = APIRouter(prefix="/api/client-supervisors", tags=["client portal"])


@invite_router.post(
    "", response_model=Envelope[SupervisorInvited], dependencies=[Depends(default_limit)]
)
async def invite_supervisor(
    payload: SupervisorInvite,
    principal: SupervisorsInvite,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Invite a client supervisor: a one-time link (72 hours) is mailed; the outbox shows
    only its metadata."""
    return ok(await client_portal_service.invite(session, settings, principal, payload))


@router.get(
    "/workers", response_model=Envelope[list[PortalWorker]], dependencies=[Depends(default_limit)]
)
async def workers(principal: ClientSupervisor, session: SessionDep) -> Any:
    """The workers placed with the client at the supervisor's sites (no pay, no IDs)."""
    return ok(await client_portal_service.workers(session, principal, today=dt.date.today()))


@router.get(
    "/timecards", response_model=Envelope[PortalWeek], dependencies=[Depends(default_limit)]
)
async def week(
    principal: ClientSupervisor,
    session: SessionDep,
    day: Annotated[dt.date | None, Query(description="any day of the week")] = None,
) -> Any:
    """The week's timecards (Monday–Sunday) at the supervisor's sites."""
    return ok(await client_portal_service.week(session, principal, day=day or dt.date.today()))


@router.post(
    "/timecards/{timecard_id:int}/confirm",
    response_model=Envelope[PortalTimecard],
    dependencies=[Depends(default_limit)],
)
async def confirm(
    timecard_id: int, payload: TimecardConfirm, principal: ClientSupervisor, session: SessionDep
) -> Any:
    """Confirm a submitted timecard: the site's approval for billing."""
    return ok(
        await client_portal_service.confirm(
            session, principal, timecard_id=timecard_id, version=payload.version
        )
    )


@router.post(
    "/timecards/{timecard_id:int}/dispute",
    response_model=Envelope[PortalTimecard],
    dependencies=[Depends(default_limit)],
)
async def dispute(
    timecard_id: int, payload: TimecardDispute, principal: ClientSupervisor, session: SessionDep
) -> Any:
    """Dispute a submitted timecard: back to the office with the comment."""
    return ok(
        await client_portal_service.dispute(
            session,
            principal,
            timecard_id=timecard_id,
            version=payload.version,
            comment=payload.comment,
        )
    )


__all__ = ["invite_router", "router"]
