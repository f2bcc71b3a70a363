"""Background jobs of the dashboard area (idempotent: a second run tells nobody twice)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from haken.modules.dashboard.alerts import daily_alerts as run_daily_alerts
from haken.platform.jobs import JobContext, job
from haken.platform.logging import get_logger

log = get_logger(__name__)

DAILY_ALERTS_SCHEDULE = "40 0 * * *"  # after the leave grants (00:10) and duty alerts (00:30)


@job("dashboard.daily_alerts", schedule=lambda settings: DAILY_ALERTS_SCHEDULE)
async def daily_alerts(ctx: JobContext) -> dict[str, Any]:
    """Daily: residence cards, 抵触日 (with the 意見聴取 deadline), 36協定 overtime, contracts
    ending without a renewal and minimum wages ahead, each alert once per subject and event
    (haken.modules.dashboard.alerts)."""
    today = dt.datetime.now(ZoneInfo(ctx.settings.timezone)).date()
    result = await run_daily_alerts(ctx.session, today=today)
    log.info("dashboard_daily_alerts", **result)
    return result
