"""Background jobs of the attendance area (idempotent: running one twice changes nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from haken.modules.attendance.service import attendance_service
from haken.platform.jobs import JobContext, job
from haken.platform.logging import get_logger

log = get_logger(__name__)

HOURS_CHECK_SCHEDULE = "40 0 * * *"


@job("attendance.hours_check", schedule=lambda settings: HOURS_CHECK_SCHEDULE)
async def hours_check(ctx: JobContext) -> dict[str, Any]:
    """Daily: the 資格外活動 hour limits over the last 14 days' submitted and approved cards
    (a card entered late moves every 7-day window it falls in). The findings are kept on the
    cards (``?warned=true`` in the approval queue); a warning log line counts them."""
    today = dt.datetime.now(ZoneInfo(ctx.settings.timezone)).date()
    result = await attendance_service.daily_hours_check(ctx.session, today=today)
    if result["warned"]:
        log.warning("attendance_hours_check", **result)
    return result
