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
