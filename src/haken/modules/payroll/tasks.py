"""Background jobs of the payroll area (idempotent: a batch that already ran is skipped)."""

from __future__ import annotations

from typing import Any

from haken.modules.payroll.service import RUN_JOB, payroll_service
from haken.platform.jobs import JobContext, job


@job(RUN_JOB)
async def run_batch(ctx: JobContext, *, run_id: int, attempt: int, cursor: int) -> dict[str, Any]:
    """One batch of a payroll run; enqueues the next in the same transaction."""
    return await payroll_service.run_batch(
        ctx.session, run_id=run_id, attempt=attempt, cursor=cursor
    )
