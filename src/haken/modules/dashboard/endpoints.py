"""HTTP API of the agency dashboard: ``GET /api/dashboard``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends

from haken.modules.dashboard.auth import DashboardRead
from haken.modules.dashboard.schemas import AgencyDashboard
from haken.modules.dashboard.service import dashboard_service
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.edge import edge_cached
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, ok

router = APIRouter(
    prefix="/api/dashboard", tags=["dashboard"], dependencies=[Depends(default_limit)]
)


@router.get("", response_model=Envelope[AgencyDashboard])
@edge_cached(dashboard_service.agency)
async def agency_dashboard(
    principal: DashboardRead, session: SessionDep, settings: SettingsDep
) -> Any:
    """Headcount (by employment type, client, site; hires and leavers this month; 12-month
    trend), fill rate, timecards and requests awaiting, residence cards and 抵触日 within 90
    days, the 5-day leave duty at risk, 36協定 warnings, overtime by site; coordinators and up
    also margin by client (last month) and housing occupancy. A site manager's figures cover
    their sites. Each number carries the link to the list it counts. Cached (``dashboard``
    strategy, fresh after every write of the tables it reads): two statements cold with the
    caller, none warm; served from the edge's stored bytes when warm (keyed by the day)."""
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    return ok(await dashboard_service.agency(session, principal, today=today))
