"""Web pages of the audit log: search by entity, user and period (administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request

from haken.modules.audit.schemas import AuditFilter
from haken.modules.audit.service import audit_service
from haken.platform.access import AdminPrincipal, Role
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.pagination import PageRequest
from haken.platform.ratelimit import default_limit
from haken.web.i18n import N_
from haken.web.registry import NavItem, registry
from haken.web.render import render

router = APIRouter(prefix="/audit", include_in_schema=False, dependencies=[Depends(default_limit)])


def _day_start(day: dt.date | None, zone: str) -> dt.datetime | None:
    """A calendar day in the agency's zone → the aware instant it starts."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(zone))


@router.get("")
async def audit_log(
    request: Request,
    _principal: AdminPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> Any:
    """Newest first; ``until`` is inclusive (the whole day)."""
    until_exclusive = until + dt.timedelta(days=1) if until else None
    filters = AuditFilter(
        entity_type=entity_type or None,
        entity_id=entity_id or None,
        user_id=user_id,
        since=_day_start(since, settings.timezone),
        until=_day_start(until_exclusive, settings.timezone),
    )
    result = await audit_service.list(session, filters, PageRequest(limit=50, cursor=cursor))
    shown = {
        "entity_type": entity_type or "",
        "entity_id": entity_id or "",
        "user_id": user_id or "",
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "cursor": cursor or "",
    }
    return render(request, "audit/list.html", {"result": result, "filters": shown}, block="results")


def register_web() -> None:
    registry.add_nav(NavItem("audit", N_("Audit log"), "/audit", minimum=Role.ADMIN, order=90))
