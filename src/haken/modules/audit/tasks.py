"""Background jobs of the audit area (idempotent: running one twice changes nothing)."""

from __future__ import annotations

from typing import Any

from haken.modules.audit.service import audit_service
from haken.platform.jobs import JobContext, job


@job("audit.purge_retention", schedule=lambda settings: settings.purge_schedule)
async def purge_retention(ctx: JobContext) -> dict[str, Any]:
    """Nightly: drop audit rows older than ``audit_retention_days`` (the agency's policy)."""
    days = ctx.settings.audit_retention_days
    deleted = await audit_service.purge_older_than(ctx.session, days)
    return {"audit_log": deleted, "retention_days": days}
