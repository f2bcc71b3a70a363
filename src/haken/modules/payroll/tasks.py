"""Background jobs of the payroll area (idempotent: a batch that already ran is skipped)."""

from __future__ import annotations

from typing import Any

from haken.modules.payroll.pdf_exports import PDF_JOB, pdf_export_service
from haken.modules.payroll.service import RUN_JOB, payroll_service
from haken.platform.jobs import JobContext, job


@job(RUN_JOB)
async def run_batch(ctx: JobContext, *, run_id: int, attempt: int, cursor: int) -> dict[str, Any]:
    """One batch of a payroll run; enqueues the next in the same transaction."""
    return await payroll_service.run_batch(
        ctx.session, run_id=run_id, attempt=attempt, cursor=cursor
    )


@job("payroll.purge_pdf_exports", schedule=lambda settings: settings.purge_schedule)
async def purge_pdf_exports(ctx: JobContext) -> dict[str, Any]:
    """Nightly: delete bulk payslip PDFs older than ``export_retention_days``."""
    days = ctx.settings.export_retention_days
    expired = await pdf_export_service.purge_expired(
        ctx.session, data_dir=ctx.settings.data_dir, retention_days=days
    )
    return {"expired": expired, "retention_days": days}


@job(PDF_JOB)
async def pdf_batch(ctx: JobContext, *, export_id: int, cursor: int) -> dict[str, Any]:
    """One batch of a bulk payslip PDF; enqueues the next, or joins the file."""
    return await pdf_export_service.run_batch(
        ctx.session, export_id=export_id, cursor=cursor, data_dir=ctx.settings.data_dir
    )
