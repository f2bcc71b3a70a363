"""Background jobs of the assignments area (idempotent: running one twice changes nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from haken.modules.assignments.service import assignments_service
from haken.platform.jobs import JobContext, job

REFRESH_SCHEDULE = "5 0 * * *"
"""Five past midnight at the agency: the day has turned, so placements change today."""


@job("assignments.refresh", schedule=lambda settings: REFRESH_SCHEDULE)
async def refresh(ctx: JobContext) -> dict[str, Any]:
    """Nightly: recompute the stored 抵触日 of running assignments (a client's extension
    moves the site date) and the current placement of employees whose assignment starts
    today or ended yesterday (site managers' row scope over employees)."""
    today = dt.datetime.now(ZoneInfo(ctx.settings.timezone)).date()
    return await assignments_service.refresh_all(ctx.session, today=today)


@job("assignments.refresh_site")
async def refresh_site(ctx: JobContext, *, site_id: int) -> dict[str, Any]:
    """On demand, right after a client's site 抵触日 moved (an extension was recorded,
    or the date dispatch began was corrected): the running assignments at that site
    take the new date now instead of at the nightly pass. Idempotent."""
    today = dt.datetime.now(ZoneInfo(ctx.settings.timezone)).date()
    changed = await assignments_service.refresh_site(ctx.session, site_id=site_id, today=today)
    return {"site_id": site_id, "changed": changed}
