"""The bulk payslip PDF as a background job: every computed payslip of a run (or of a bonus
payment) in one PDF file, a page each, downloadable when done.

Starting one records a ``payroll_pdf_exports`` row (audited) and enqueues the first batch
(``payroll.pdf``, in the caller's transaction). Each batch draws the next ``PDF_BATCH``
payslips into a part file of its own (``PayslipWriter``), records the progress and the
cursor, and enqueues the next batch in the same transaction; the last one joins the parts
into the one file (``pdf_parts.join_parts``: a part in memory at a time) and deletes them.
Memory is bounded by a batch, not the run; a redelivered batch finds the cursor moved and
does nothing (the row is locked while a batch runs). The files live in the private data
directory (``exports/payslips/<id>.pdf``, 0700 directories) and are served to admins only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.payroll.delivery import delivery_service
from haken.modules.payroll.errors import PayrollPdfExpiredError, PayrollPdfNotReadyError
from haken.modules.payroll.models import PayrollPdfExport
from haken.modules.payroll.payslip_pdf import PayslipWriter
from haken.modules.payroll.pdf_parts import join_parts
from haken.modules.payroll.repository import PayrollRepository
from haken.modules.payroll.schemas import PdfExportRead
from haken.platform.access import Principal
from haken.platform.db import utcnow
from haken.platform.errors import NotFoundError
from haken.platform.files import PRIVATE_FILE_MODE, make_private_dir
from haken.platform.jobs import enqueue_job

PDF_JOB = "payroll.pdf"
PDF_BATCH = 200
"""Payslips drawn per batch (one part file; three statements a batch)."""
ENTITY = "payroll_pdf_export"


def export_dir(data_dir: Path) -> Path:
    return data_dir / "exports" / "payslips"


def file_of(data_dir: Path, export_id: int) -> Path:
    return export_dir(data_dir) / f"{export_id}.pdf"


def _parts_dir(data_dir: Path, export_id: int) -> Path:
    return export_dir(data_dir) / f"{export_id}.parts"


def _read(row: PayrollPdfExport) -> PdfExportRead:
    return PdfExportRead(
        id=row.id,
        run_id=row.run_id,
        bonus_id=row.bonus_id,
        status=row.status,
        total=row.total,
        processed=row.processed,
        pages=row.pages,
        filename=row.filename,
        download=(f"/api/payroll/pdf-exports/{row.id}/file" if row.status == "done" else None),
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


class PdfExportService:
    async def start(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        run_id: int | None = None,
        bonus_id: int | None = None,
    ) -> PdfExportRead:
        """Record a bulk PDF of a run or a bonus payment and enqueue its first batch."""
        repo = PayrollRepository(session)
        if run_id is not None:
            run = await repo.run(run_id)
            if run is None:
                raise NotFoundError()
            filename = f"payslips_{run.pay_date:%Y%m%d}.pdf"
        else:
            bonus = await repo.bonus(bonus_id) if bonus_id is not None else None
            if bonus is None:
                raise NotFoundError()
            filename = f"bonus_payslips_{bonus.pay_date:%Y%m%d}.pdf"
        total = await repo.count_ok_payslips(run_id=run_id, bonus_id=bonus_id)
        row = PayrollPdfExport(
            run_id=run_id,
            bonus_id=bonus_id,
            status="running",
            total=total,
            processed=0,
            pages=0,
            cursor=0,
            parts=0,
            filename=filename,
            requested_by=principal.user_id,
            created_at=utcnow(),
        )
        repo.add(row)
        await repo.flush()
        await audit_service.record(
            session,
            principal,
            entity_type=ENTITY,
            entity_id=row.id,
            action="create",
            after={"run_id": run_id, "bonus_id": bonus_id, "total": total},
        )
        self._enqueue(session, row.id, 0)
        return _read(row)

    @staticmethod
    def _enqueue(session: AsyncSession, export_id: int, cursor: int) -> None:
        enqueue_job(
            session,
            PDF_JOB,
            key=f"{PDF_JOB}:{export_id}:{cursor}",
            export_id=export_id,
            cursor=cursor,
        )

    async def get(
        self, session: AsyncSession, principal: Principal, *, export_id: int
    ) -> PdfExportRead:
        row = await PayrollRepository(session).pdf_export(export_id)
        if row is None:
            raise NotFoundError()
        return _read(row)

    async def file(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        export_id: int,
        data_dir: Path,
        retention_days: int,
    ) -> tuple[Path, str]:
        """The finished file's path and download name (not done yet: refused with the
        progress)."""
        row = await PayrollRepository(session).pdf_export(export_id)
        if row is None:
            raise NotFoundError()
        path = file_of(data_dir, row.id)
        if row.status == "expired":
            raise PayrollPdfExpiredError(days=retention_days)
        if row.status != "done":
            raise PayrollPdfNotReadyError(processed=row.processed, total=row.total)
        if not path.is_file():
            raise NotFoundError()
        return path, row.filename

    async def run_batch(
        self, session: AsyncSession, *, export_id: int, cursor: int, data_dir: Path
    ) -> dict[str, Any]:
        """One batch (the job's body): the next payslips after ``cursor`` drawn into a part
        file; the next batch enqueued, or the parts joined into the file."""
        repo = PayrollRepository(session)
        row = await repo.pdf_export_locked(export_id)
        if row is None or row.status != "running" or row.cursor != cursor:
            return {"skipped": True}
        parts = _parts_dir(data_dir, row.id)
        make_private_dir(export_dir(data_dir).parent)
        make_private_dir(export_dir(data_dir))
        make_private_dir(parts)
        if row.run_id is not None:
            run = await repo.run(row.run_id)
            if run is None:
                raise NotFoundError()
            documents, following = await delivery_service.run_documents(
                session, run, cursor, PDF_BATCH
            )
        else:
            bonus = await repo.bonus(row.bonus_id) if row.bonus_id is not None else None
            if bonus is None:
                raise NotFoundError()
            documents, following = await delivery_service.bonus_documents(
                session, bonus, cursor, PDF_BATCH
            )
        if documents:
            part = parts / f"{row.parts + 1:06d}.pdf"
            with part.open("wb") as out:
                writer = PayslipWriter(out)
                for made in documents:
                    writer.add(made)
                writer.close()
            row.parts += 1
            row.processed += len(documents)
        if following is not None:
            row.cursor = following
            await repo.flush()
            self._enqueue(session, row.id, following)
            return {"processed": row.processed}
        target = file_of(data_dir, row.id)
        temporary = target.with_suffix(".pdf.tmp")
        with temporary.open("wb") as out:
            if row.parts:
                row.pages = join_parts(sorted(parts.glob("*.pdf")), out)
            else:  # nothing computed: the page saying so
                row.pages = 0
                PayslipWriter(out).close()
        temporary.chmod(PRIVATE_FILE_MODE)
        temporary.replace(target)
        with contextlib.suppress(OSError):
            shutil.rmtree(parts)
        row.status = "done"
        row.finished_at = utcnow()
        await repo.flush()
        return {"processed": row.processed, "pages": row.pages}

    async def purge_expired(
        self, session: AsyncSession, *, data_dir: Path, retention_days: int
    ) -> int:
        """Delete the files of bulk PDFs older than ``retention_days`` (and the parts of one
        whose job gave up); the rows stay, marked ``expired``, so the page and the download
        say what happened instead of a bare 404. The rows are marked before the files go: a
        rollback leaves a row "done" whose file is missing (a 404), never the reverse."""
        cutoff = utcnow() - dt.timedelta(days=retention_days)
        rows = await PayrollRepository(session).pdf_exports_finished_before(cutoff)
        for row in rows:
            row.status = "expired"
        await session.flush()
        for row in rows:
            file_of(data_dir, row.id).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                shutil.rmtree(_parts_dir(data_dir, row.id))
        return len(rows)

    async def run_inline(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        data_dir: Path,
        run_id: int | None = None,
        bonus_id: int | None = None,
    ) -> PdfExportRead:
        """Start a bulk PDF and draw every batch in this transaction (the demo seed; the
        jobs queued on the way find their batch done and skip)."""
        export = await self.start(session, principal, run_id=run_id, bonus_id=bonus_id)
        repo = PayrollRepository(session)
        for _ in range(export.total // PDF_BATCH + 2):
            row = await repo.pdf_export(export.id)
            if row is None or row.status != "running":
                break
            await self.run_batch(session, export_id=export.id, cursor=row.cursor, data_dir=data_dir)
        return await self.get(session, principal, export_id=export.id)


pdf_export_service = PdfExportService()

__all__ = ["PDF_JOB", "PdfExportService", "file_of", "pdf_export_service"]
