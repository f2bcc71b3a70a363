"""Background jobs of the documents area (a stale batch of a bulk run does nothing)."""

from __future__ import annotations

from typing import Any

from haken.modules.documents.bulk import BULK_JOB, bulk_service
from haken.platform.jobs import JobContext, job


@job("documents.expire_bulk_archives", schedule=lambda settings: settings.purge_schedule)
async def expire_bulk_archives(ctx: JobContext) -> dict[str, Any]:
    """Nightly: drop bulk ZIPs older than ``export_retention_days`` (the documents stay)."""
    days = ctx.settings.export_retention_days
    expired = await bulk_service.expire_archives(ctx.session, retention_days=days)
    return {"expired": expired, "retention_days": days}


@job(BULK_JOB)
async def bulk_batch(ctx: JobContext, *, run_id: int, cursor: int) -> dict[str, Any]:
    """One batch of a bulk generation; enqueues the next in the same transaction."""
    return await bulk_service.run_batch(ctx.session, run_id=run_id, cursor=cursor)
