"""Background jobs of the billing area (idempotent: a batch that already ran is skipped)."""

from __future__ import annotations

from typing import Any

from haken.modules.billing.batches import BATCH_JOB, batch_service
from haken.platform.jobs import JobContext, job


@job(BATCH_JOB)
async def draft_batch(
    ctx: JobContext, *, batch_id: int, attempt: int, cursor: int
) -> dict[str, Any]:
    """One batch of a month's invoicing; enqueues the next in the same transaction."""
    return await batch_service.run_batch(
        ctx.session, batch_id=batch_id, attempt=attempt, cursor=cursor
    )
