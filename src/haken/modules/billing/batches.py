"""Invoicing a month from one button (issue 18): a background job drafts every client's
invoices of the month in batches of clients (``BillingService.create_drafts``).

Starting a batch plans it: the clients with a contract in the month, each with the billing
cut-offs its contracts fall under (the contract's own 締め日, else the client's closing day;
``service.effective_cutoff``). A month whose billing periods still count unclosed work is
refused, the contracts named (``BILLING_PERIODS_OPEN``). The job (``billing.batch``) drafts
the next ``batch_size`` clients after ``cursor``, records the progress and the clients
skipped with the reason (already invoiced, nothing to bill, a missing bill rate), moves the
cursor and enqueues the next batch in the same transaction: resumable from the cursor, and
idempotent (a client with an open invoice of the period is skipped, never drafted twice:
a database key holds it even against a concurrent batch, ``uq_billing_invoices_open``).
Starting the same month and clients while a batch runs resumes it (a new attempt).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor import closing
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.service import attendance_service
from haken.modules.audit.service import audit_service
from haken.modules.billing.errors import BillingPeriodsOpenError, BillingRateMissingError
from haken.modules.billing.models import BillingBatch
from haken.modules.billing.repository import BillingRepository
from haken.modules.billing.schemas import BatchCreate, BatchDetail, BatchRead, BatchSkip
from haken.modules.billing.service import billing_service, effective_cutoff
from haken.modules.clients.service import clients_service
from haken.platform.access import Principal, Role
from haken.platform.db import utcnow
from haken.platform.errors import NotFoundError
from haken.platform.jobs import enqueue_job
from haken.platform.pagination import PageRequest, PageResult

BATCH_JOB = "billing.batch"
ENTITY = "billing_batch"
SHOWN_CONTRACTS = 10
"""How many unclosed contracts the refusal names (the rest: "…", all in ``details``)."""


def _read(row: BillingBatch) -> BatchRead:
    return BatchRead(
        id=row.id,
        month=row.month,
        client_filter=row.client_filter,
        status=row.status,
        total=row.total,
        processed=row.processed,
        drafted=row.drafted,
        lines=row.lines,
        skipped_count=len(row.skipped or []),
        attempt=row.attempt,
        started_by=row.started_by,
        finished_at=row.finished_at,
        created_at=row.created_at,
        version=row.version,
    )


def _snapshot(row: BillingBatch) -> dict[str, Any]:
    return {
        "month": row.month,
        "client_filter": row.client_filter,
        "status": row.status,
        "total": row.total,
        "attempt": row.attempt,
    }


def month_window(month: str) -> tuple[int, int, dt.date, dt.date]:
    """The year, month and the days any billing period ending in the month can cover: from
    the start of the 1日締め period (the 2nd of the month before) to the month's last day."""
    year, number = (int(p) for p in month.split("-"))
    first = closing.period_ending_in(year, number, 1).start
    last = closing.period_ending_in(year, number, closing.MONTH_END).end
    return year, number, first, last


class BatchService:
    def __init__(self) -> None:
        self.batch_size = 100
        """Clients per job batch (``create_drafts``: a constant number of statements each)."""

    # --- reads ------------------------------------------------------------------------------

    async def list_batches(
        self, session: AsyncSession, principal: Principal, *, request: PageRequest
    ) -> PageResult[BatchRead]:
        result = await BillingRepository(session).page_batches(request)
        return result.with_items([_read(r) for r in result.items])

    async def get_batch(
        self, session: AsyncSession, principal: Principal, *, batch_id: int
    ) -> BatchDetail:
        row = await BillingRepository(session).batch(batch_id)
        if row is None:
            raise NotFoundError()
        return BatchDetail(
            **_read(row).model_dump(),
            skipped=[BatchSkip.model_validate(s) for s in row.skipped or []],
        )

    # --- start ------------------------------------------------------------------------------

    async def start_batch(
        self, session: AsyncSession, principal: Principal, *, data: BatchCreate
    ) -> BatchRead:
        """Plan and start the month's invoicing (a job), or resume the batch of the same
        month and clients that is still running."""
        repo = BillingRepository(session)
        wanted = sorted(set(data.client_ids)) if data.client_ids is not None else None
        for found in await repo.unfinished_batches(data.month):
            if found.client_filter == wanted:
                row = await repo.batch_locked(found.id)
                assert row is not None
                before = _snapshot(row)
                row.attempt += 1
                row.started_by = principal.user_id
                await repo.flush()
                self._enqueue(session, row.id, row.attempt, row.cursor)
                await audit_service.record(
                    session, principal, entity_type=ENTITY, entity_id=row.id,
                    action="resume_month", before=before, after=_snapshot(row),
                )  # fmt: skip
                return _read(row)
        plan = await self._plan(session, principal, repo, data.month, wanted)
        row = BillingBatch(
            month=data.month,
            client_filter=wanted,
            plan=plan,
            status="running" if plan else "done",
            total=len(plan),
            processed=0,
            drafted=0,
            lines=0,
            skipped=[],
            cursor=0,
            attempt=1,
            started_by=principal.user_id,
            finished_at=None if plan else utcnow(),
        )
        repo.add(row)
        await repo.flush()
        if plan:
            self._enqueue(session, row.id, row.attempt, row.cursor)
        await audit_service.record(
            session, principal, entity_type=ENTITY, entity_id=row.id, action="draft_month",
            after=_snapshot(row),
        )  # fmt: skip
        return _read(row)

    async def _plan(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: BillingRepository,
        month: str,
        wanted: Sequence[int] | None,
    ) -> list[list[Any]]:
        """``[[client id, [cut-off days]], …]``: the clients with a contract in one of the
        month's billing periods; refused while such a period counts unclosed work. Four
        statements whatever the number of clients."""
        year, number, first, last = month_window(month)
        clients = await assignments_service.contract_clients(
            session, start=first, end=last, client_ids=wanted
        )
        if not clients:
            return []
        settings = await repo.client_settings_of(clients)
        contracts = await assignments_service.billing_contracts(
            session, principal, client_ids=clients, cutoff_day=None, start=first, end=last
        )
        cutoffs: dict[int, set[int]] = {}
        billed: list[tuple[int, str, closing.ClosingPeriod]] = []
        for contract in contracts:
            cutoff = effective_cutoff(contract.billing_cutoff_day, settings.get(contract.client_id))
            period = closing.period_ending_in(year, number, cutoff)
            if contract.period_start <= period.end and contract.period_end >= period.start:
                cutoffs.setdefault(contract.client_id, set()).add(cutoff)
                billed.append((contract.id, contract.contract_number, period))
        unclosed: dict[int, list[tuple[dt.date, dt.date]]] = {}
        for contract_id, start, end in await attendance_service.unclosed_billing_periods(
            session, contract_ids=[c for c, _, _ in billed], first=first, last=last
        ):
            unclosed.setdefault(contract_id, []).append((start, end))
        refused = [
            (contract_id, contract_number)
            for contract_id, contract_number, period in billed
            if any(s <= period.end and e >= period.start for s, e in unclosed.get(contract_id, []))
        ]
        if refused:
            names = ", ".join(n for _, n in refused[:SHOWN_CONTRACTS])
            if len(refused) > SHOWN_CONTRACTS:
                names += f" … (+{len(refused) - SHOWN_CONTRACTS})"
            raise BillingPeriodsOpenError(
                contracts=names,
                details=[{"contract_id": c, "contract_number": n} for c, n in refused],
            )
        return [[client, sorted(days)] for client, days in sorted(cutoffs.items())]

    @staticmethod
    def _enqueue(session: AsyncSession, batch_id: int, attempt: int, cursor: int) -> None:
        enqueue_job(
            session,
            BATCH_JOB,
            key=f"{BATCH_JOB}:{batch_id}:{attempt}:{cursor}",
            batch_id=batch_id,
            attempt=attempt,
            cursor=cursor,
        )

    # --- the job ----------------------------------------------------------------------------

    async def run_batch(
        self, session: AsyncSession, *, batch_id: int, attempt: int, cursor: int
    ) -> dict[str, Any]:
        """One batch (the job's body): the drafts of the next ``batch_size`` clients of the
        plan, the progress recorded, the cursor moved and the next batch enqueued in the
        same transaction. A stale batch (a newer attempt, a moved cursor, done) does nothing."""
        repo = BillingRepository(session)
        row = await repo.batch_locked(batch_id)
        if row is None or row.status != "running" or row.attempt != attempt:
            return {"skipped": True}
        if row.cursor != cursor:
            return {"skipped": True}
        chunk = row.plan[cursor : cursor + self.batch_size]
        by_cutoff: dict[int, list[int]] = {}
        for client_id, cutoffs in chunk:
            for cutoff in cutoffs:
                by_cutoff.setdefault(int(cutoff), []).append(int(client_id))
        principal = Principal(
            user_id=row.started_by or 0, role=Role.ADMIN, email="billing-batch@job"
        )
        drafted = lines = 0
        skips: list[dict[str, Any]] = []
        for cutoff, client_ids in sorted(by_cutoff.items()):
            made, count, skipped = await self._draft(session, principal, client_ids, row, cutoff)
            drafted, lines = drafted + made, lines + count
            skips.extend(skipped)
        if skips:
            names = await clients_service.client_names(session, [s["client_id"] for s in skips])
            for skip in skips:
                skip["client_name"] = names.get(skip["client_id"], "")
        row.cursor = cursor + len(chunk)
        row.processed = row.cursor
        row.drafted += drafted
        row.lines += lines
        row.skipped = [*(row.skipped or []), *skips]
        done = row.cursor >= len(row.plan)
        if done:
            row.status = "done"
            row.finished_at = utcnow()
        await repo.flush()
        if not done:
            self._enqueue(session, row.id, attempt, row.cursor)
        return {"clients": len(chunk), "drafted": drafted, "skipped": len(skips), "done": done}

    @staticmethod
    async def _draft(
        session: AsyncSession,
        principal: Principal,
        client_ids: list[int],
        row: BillingBatch,
        cutoff: int,
    ) -> tuple[int, int, list[dict[str, Any]]]:
        """The drafts of one cut-off's clients: all at once; when a bill rate is missing
        (refused before anything is written), client by client, the failing ones skipped."""
        skips: list[dict[str, Any]] = []
        made = lines = 0
        try:
            outcomes = [
                await billing_service.create_drafts(
                    session, principal, client_ids=client_ids, month=row.month, cutoff_day=cutoff
                )
            ]
        except BillingRateMissingError:
            outcomes = []
            for client_id in client_ids:
                try:
                    outcomes.append(
                        await billing_service.create_drafts(
                            session,
                            principal,
                            client_ids=[client_id],
                            month=row.month,
                            cutoff_day=cutoff,
                        )
                    )
                except BillingRateMissingError as error:
                    skips.append(
                        {"client_id": client_id, "cutoff_day": cutoff, "reason": "rate_missing",
                         "detail": str(error.params.get("contract_number", ""))}
                    )  # fmt: skip
        for outcome in outcomes:
            made += len(outcome.invoices)
            lines += outcome.lines
            for client_id in outcome.existing:
                skips.append(
                    {"client_id": client_id, "cutoff_day": cutoff, "reason": "already_invoiced"}
                )
            for client_id in outcome.nothing_to_bill:
                skips.append(
                    {"client_id": client_id, "cutoff_day": cutoff, "reason": "nothing_to_bill"}
                )
        return made, lines, skips

    async def run_inline(
        self, session: AsyncSession, principal: Principal, *, data: BatchCreate
    ) -> BatchRead:
        """Start a batch and run every job batch in this transaction (the demo seed and the
        tests; the jobs the start queued find their batch done and skip)."""
        started = await self.start_batch(session, principal, data=data)
        repo = BillingRepository(session)
        for _ in range(started.total + 1):
            row = await repo.batch_locked(started.id)
            assert row is not None
            if row.status != "running":
                return _read(row)
            await self.run_batch(session, batch_id=row.id, attempt=row.attempt, cursor=row.cursor)
        row = await repo.batch_locked(started.id)
        assert row is not None
        return _read(row)


batch_service = BatchService()
