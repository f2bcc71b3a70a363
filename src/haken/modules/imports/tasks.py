"""Background jobs of the master-data imports (idempotent: a file no longer in the state the
job expects is skipped)."""

from __future__ import annotations

from typing import Any

from haken.modules.imports.service import RUN_JOB, imports_service
from haken.platform.jobs import JobContext, job


@job(RUN_JOB)
async def run(
    ctx: JobContext, *, import_id: int, write: bool, user_id: int, role: str, email: str
) -> dict[str, Any]:
    """The dry run or the commit of a large file, in the job's one transaction."""
    return await imports_service.run_job(
        ctx.session, import_id=import_id, write=write, user_id=user_id, role=role, email=email
    )
