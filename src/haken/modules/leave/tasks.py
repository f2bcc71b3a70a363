"""Background jobs of the leave area (idempotent: running one twice changes nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from haken.modules.billing.service import billing_service
from haken.modules.leave.service import leave_service
from haken.platform.jobs import JobContext, job
from haken.platform.logging import get_logger

log = get_logger(__name__)

GRANT_SCHEDULE = "10 0 * * *"
DUTY_ALERT_SCHEDULE = "30 0 * * *"


@job("leave.grant_due", schedule=lambda settings: GRANT_SCHEDULE)
async def grant_due(ctx: JobContext) -> dict[str, Any]:
    """Daily: every statutory grant due on or before today that is not in the ledger yet
    (one row per employee and grant date: a second run grants nothing, a missed day is
    caught up the next run)."""
    today = dt.datetime.now(ZoneInfo(ctx.settings.timezone)).date()
    result = await leave_service.grant_due(ctx.session, today=today)
    log.info("leave_grants", employees=result.employees, granted=result.granted)
    return result.model_dump(mode="json")


@job("leave.duty_alerts", schedule=lambda settings: DUTY_ALERT_SCHEDULE)
async def duty_alerts(ctx: JobContext) -> dict[str, Any]:
    """Daily, after the grants: each worker's coordinator (the client's coordinator of
    record; else the administrators) is told of the worker at risk of missing the 5-day
    duty, once per grant (a second run tells nobody; mail when notifications mail is on)."""
    today = dt.datetime.now(ZoneInfo(ctx.settings.timezone)).date()
    result = await leave_service.duty_alerts(
        ctx.session, today=today, coordinators=billing_service.coordinators_of_clients
    )
    log.info("leave_duty_alerts", **result)
    return result
