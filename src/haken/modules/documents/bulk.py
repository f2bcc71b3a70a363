"""Bulk generation (issue 20 item 4): one document kind issued for every current assignment
of a client (or of all clients) by a background job, then one ZIP of the PDFs to download.

Starting a run plans it: the assignments running on the day (the 就業条件明示書 and the
派遣元管理台帳 are per assignment), or their sites (the 派遣先管理台帳 data, for the day's
month). The 労働条件通知書兼就業条件明示書 is per assignment too, with the items only the
office states carried from each worker's last notice. The job (``documents.bulk``) issues
the next ``batch_size`` subjects after ``cursor`` through the same service calls as one
issue (a new version only when the data changed; each issue audited), records the progress
and the subjects refused with the catalog error's words (a required item empty: the rest
still go on), moves the cursor and enqueues the next batch in the same transaction. The
last batch writes the ZIP. A stale job (a moved cursor, a finished run) does nothing, so a
redelivered batch is harmless.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.service import audit_service
from haken.modules.documents.errors import DocumentBulkExpiredError
from haken.modules.documents.labour_notice import LabourNoticeIssue, labour_notices
from haken.modules.documents.models import BulkRun
from haken.modules.documents.repository import DocumentsRepository
from haken.modules.documents.schemas import AgencyLedgerIssue, ClientLedgerIssue
from haken.modules.documents.service import (
    AGENCY_LEDGER,
    CLIENT_LEDGER,
    LABOUR_NOTICE,
    TERMS_NOTICE,
    documents_service,
)
from haken.platform.access import Principal, Role
from haken.platform.db import utcnow
from haken.platform.errors import HakenError, NotFoundError
from haken.platform.jobs import enqueue_job
from haken.platform.schemas import InputModel

BULK_JOB = "documents.bulk"
ENTITY = "document_bulk"
PLAN_LIMIT = 2000
"""At most this many subjects in one run (a larger agency runs it per client)."""
BulkKind = Literal["terms_notice", "labour_notice", "agency_ledger", "client_ledger"]


class BulkCreate(InputModel):
    kind: BulkKind = Field(description="the document kind to issue")
    client_id: int | None = Field(default=None, ge=1, description="one client; empty: all")
    on_date: dt.date | None = Field(
        default=None, description="the assignments running on this day (default: today)"
    )


class BulkSkip(BaseModel):
    subject_id: int = Field(description="the assignment (or site) refused")
    code: str
    reason: str


class BulkRead(BaseModel):
    id: int
    kind: str
    client_id: int | None
    on_date: dt.date
    status: str
    total: int
    processed: int
    issued: int = Field(description="documents in the ZIP so far")
    skipped: list[BulkSkip]
    ready: bool = Field(description="the ZIP can be downloaded")
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _read(row: BulkRun) -> BulkRead:
    return BulkRead(
        id=row.id,
        kind=row.kind,
        client_id=row.client_id,
        on_date=row.on_date,
        status=row.status,
        total=row.total,
        processed=row.processed,
        issued=len(row.document_ids or []),
        skipped=[BulkSkip.model_validate(s) for s in row.skipped or []],
        ready=row.status == "done",
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def zip_name(kind: str, subject_id: int, version: int) -> str:
    """A PDF's name in the ZIP: ``<kind>-<subject id>-v<version>.pdf``, the single download's
    name (``labour_notice-12-v2.pdf``: assignment 12's notice, version 2; a site's number for
    the 派遣先管理台帳 data)."""
    return f"{kind}-{subject_id}-v{version}.pdf"


def zip_of(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


class BulkService:
    def __init__(self) -> None:
        self.batch_size = 25
        """Subjects per job batch."""

    async def start(
        self, session: AsyncSession, principal: Principal, *, data: BulkCreate, today: dt.date
    ) -> BulkRead:
        """Plan the run (one statement) and enqueue its first batch; audited."""
        repo = DocumentsRepository(session)
        on = data.on_date or today
        rows = await repo.current_assignments(on, data.client_id, PLAN_LIMIT)
        if data.kind == CLIENT_LEDGER:
            plan = sorted({int(r.site_id) for r in rows})
        else:
            plan = [int(r.id) for r in rows]
        run = BulkRun(
            kind=data.kind,
            client_id=data.client_id,
            on_date=on,
            status="running" if plan else "done",
            plan=plan,
            cursor=0,
            total=len(plan),
            processed=0,
            document_ids=[],
            skipped=[],
            archive=None if plan else zip_of([]),
            started_by=principal.user_id,
            started_role=principal.role.value,
            finished_at=None if plan else utcnow(),
        )
        repo.add(run)
        await repo.flush()
        if plan:
            enqueue_job(session, BULK_JOB, run_id=run.id, cursor=0)
        await audit_service.record(
            session,
            principal,
            entity_type=ENTITY,
            entity_id=run.id,
            action="create",
            after={"kind": run.kind, "client_id": run.client_id, "total": run.total},
        )
        return _read(run)

    async def get(self, session: AsyncSession, principal: Principal, *, run_id: int) -> BulkRead:
        row = await DocumentsRepository(session).bulk_run(run_id)
        if row is None:
            raise NotFoundError()
        return _read(row)

    async def expire_archives(self, session: AsyncSession, *, retention_days: int) -> int:
        """Nightly: the ZIPs older than ``retention_days`` dropped (their documents stay)."""
        cutoff = utcnow() - dt.timedelta(days=retention_days)
        return await DocumentsRepository(session).expire_bulk_archives(cutoff)

    async def archive(
        self, session: AsyncSession, principal: Principal, *, run_id: int, retention_days: int
    ) -> tuple[bytes, str]:
        """The finished run's ZIP (404 while it runs); the download is audited."""
        repo = DocumentsRepository(session)
        row = await repo.bulk_run(run_id)
        if row is not None and row.status == "expired":
            raise DocumentBulkExpiredError(days=retention_days)
        content = await repo.bulk_archive(run_id) if row is not None else None
        if row is None or row.status != "done" or content is None:
            raise NotFoundError()
        await audit_service.record(
            session,
            principal,
            entity_type=ENTITY,
            entity_id=row.id,
            action="download",
            after={"kind": row.kind, "total": row.total},
        )
        return content, f"{row.kind}-{row.on_date.isoformat()}-{row.id}.zip"

    async def _issue(
        self, session: AsyncSession, principal: Principal, row: BulkRun, subject_id: int
    ) -> int:
        if row.kind == TERMS_NOTICE:
            found = await documents_service.issue_terms_notice(
                session, principal, assignment_id=subject_id, today=row.on_date
            )
        elif row.kind == LABOUR_NOTICE:
            # The items only the office states are carried from each worker's last notice;
            # a worker without one is refused naming them (listed as not issued).
            found = await labour_notices.issue(
                session,
                principal,
                assignment_id=subject_id,
                data=LabourNoticeIssue(),
                today=row.on_date,
            )
        elif row.kind == AGENCY_LEDGER:
            found = await documents_service.issue_agency_ledger(
                session,
                principal,
                assignment_id=subject_id,
                data=AgencyLedgerIssue(),
                today=row.on_date,
            )
        else:
            found = await documents_service.issue_client_ledger(
                session,
                principal,
                site_id=subject_id,
                data=ClientLedgerIssue(month=f"{row.on_date:%Y-%m}"),
                today=row.on_date,
            )
        return found.id

    async def run_batch(self, session: AsyncSession, *, run_id: int, cursor: int) -> dict[str, Any]:
        """One batch (the job's body); the next is enqueued in the same transaction, the
        last writes the ZIP. A stale batch does nothing."""
        repo = DocumentsRepository(session)
        row = await repo.bulk_run(run_id, locked=True)
        if row is None or row.status != "running" or row.cursor != cursor:
            return {"skipped": True}
        principal = Principal(
            user_id=row.started_by or 0, role=Role(row.started_role), email="documents-bulk@job"
        )
        chunk = [int(s) for s in row.plan[cursor : cursor + self.batch_size]]
        issued: list[int] = []
        skips: list[dict[str, Any]] = []
        for subject_id in chunk:
            try:
                async with session.begin_nested():
                    issued.append(await self._issue(session, principal, row, subject_id))
            except HakenError as error:
                skips.append(
                    {"subject_id": subject_id, "code": error.code, "reason": error.message("ja")}
                )
        row.cursor = cursor + len(chunk)
        row.processed = row.cursor
        row.document_ids = [*(row.document_ids or []), *issued]
        row.skipped = [*(row.skipped or []), *skips]
        done = row.cursor >= len(row.plan)
        if done:
            files = [
                (zip_name(kind, subject, version), bytes(pdf))
                for _, kind, subject, version, pdf in await repo.pdfs(row.document_ids)
            ]
            row.archive = zip_of(files)
            row.status = "done"
            row.finished_at = utcnow()
        await repo.flush()
        if not done:
            enqueue_job(session, BULK_JOB, run_id=row.id, cursor=row.cursor)
        return {"subjects": len(chunk), "issued": len(issued), "skipped": len(skips), "done": done}


bulk_service = BulkService()

__all__ = [
    "BULK_JOB",
    "BulkCreate",
    "BulkRead",
    "BulkService",
    "bulk_service",
    "zip_name",
    "zip_of",
]
