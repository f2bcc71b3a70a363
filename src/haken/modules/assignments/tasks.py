"""Background jobs of the assignments area (idempotent: running one twice changes nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from haken.modules.assignments.service import MINIMUM_WAGE_WINDOW_DAYS, assignments_service
from haken.modules.minimum_wages.service import minimum_wages_service
from haken.platform.jobs import JobContext, job
from haken.platform.logging import get_logger

log = get_logger(__name__)

REFRESH_SCHEDULE = "5 0 * * *"
"""Five past midnight at the agency: the day has turned, so placements change today."""
MINIMUM_WAGE_SCHEDULE = "20 0 * * *"


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


@job("assignments.minimum_wage_check", schedule=lambda settings: MINIMUM_WAGE_SCHEDULE)
async def minimum_wage_check(ctx: JobContext) -> dict[str, Any]:
    """Daily: running placements paying below the minimum wage of their site's prefecture,
    already or from an amount taking effect within 60 days, and whether the current fiscal
    year's amounts are missing after October 1. There is no notification inbox yet: the
    result is one structured warning log line and the counts kept in the job run record;
    the same list is on the coordinators' home page."""
    today = dt.datetime.now(ZoneInfo(ctx.settings.timezone)).date()
    warnings = await assignments_service.minimum_wage_warnings(
        ctx.session, today=today, within_days=MINIMUM_WAGE_WINDOW_DAYS
    )
    missing = await minimum_wages_service.missing_current_year(ctx.session, today=today)
    result = {
        "below_now": sum(1 for w in warnings if w.already),
        "below_ahead": sum(1 for w in warnings if not w.already),
        "assignment_ids": [w.assignment_id for w in warnings][:100],
        "missing_fiscal_year": missing,
    }
    if warnings or missing is not None:
        log.warning("minimum_wage_check", **result)
    return result
