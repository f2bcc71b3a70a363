"""HTTP API of the client portal: /api/client/… (client supervisors) and the agency's
invitation /api/client-supervisors (coordinators and above)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from haken.modules.client_portal.auth import ClientSupervisor, SupervisorsInvite
from haken.modules.client_portal.schemas import (
    PortalAlert,
    PortalTimecard,
    PortalWeek,
    PortalWorker,
    SupervisorInvite,
    SupervisorInvited,
    SupervisorUnitsChange,
    TimecardConfirm,
    TimecardDispute,
)
from haken.modules.client_portal.service import client_portal_service
from haken.modules.identity.schemas import ClientUserRead
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


@invite_router.get(
    "",
    response_model=Envelope[list[ClientUserRead]],
    dependencies=[Depends(default_limit)],
    responses={404: {"description": "NOT_FOUND: no such client"}},
)
async def supervisors(
    principal: SupervisorsInvite,
    session: SessionDep,
    client_id: Annotated[int, Query(ge=1, description="the client whose supervisors")],
) -> Any:
    """A client's supervisors with the sites and 組織単位 each sees (no paging: at most 200)."""
    return ok(await client_portal_service.supervisors(session, principal, client_id=client_id))


@invite_router.get(
    "/{user_id:int}",
    response_model=Envelope[ClientUserRead],
    dependencies=[Depends(default_limit)],
)
async def supervisor(user_id: int, principal: SupervisorsInvite, session: SessionDep) -> Any:
    """One client supervisor with the sites and 組織単位 it sees."""
    return ok(await client_portal_service.supervisor(session, principal, user_id=user_id))


@invite_router.put(
    "/{user_id:int}/units",
    response_model=Envelope[ClientUserRead],
    dependencies=[Depends(default_limit)],
)
async def change_units(
    user_id: int, payload: SupervisorUnitsChange, principal: SupervisorsInvite, session: SessionDep
) -> Any:
    """Change the 組織単位 (and optionally the sites) a supervisor sees: from its next
    request on. An administrator or the client's coordinator in charge; audited."""
    return ok(
        await client_portal_service.change_units(session, principal, user_id=user_id, data=payload)
    )


@router.get(
    "/alerts", response_model=Envelope[list[PortalAlert]], dependencies=[Depends(default_limit)]
)
async def alerts(principal: ClientSupervisor, session: SessionDep) -> Any:
    """The 抵触日 within 90 days that concern the supervisor: its sites' (with the 意見聴取
    deadline) and its workers' in its 組織単位."""
    return ok(await client_portal_service.alerts(session, principal, today=dt.date.today()))


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
