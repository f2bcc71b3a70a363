from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import defer

from haken.modules.assignments.models import Assignment, DispatchContract
from haken.modules.documents.models import BulkRun, LedgerEntry
from haken.modules.documents.models import GeneratedDocument as D
from haken.modules.employees.models import Employee
from haken.platform.repository import Repository

LIST_LIMIT = 500
OfficeKey = tuple[int, bool]
"""(office id, whether it is the default office): a contract naming no office is the default's."""


def _of_office(office: OfficeKey) -> Any:
    office_id, is_default = office
    if is_default:
        return or_(DispatchContract.office_id == office_id, DispatchContract.office_id.is_(None))
    return DispatchContract.office_id == office_id


class DocumentsRepository(Repository):
    async def latest(self, kind: str, subject_type: str, subject_id: int) -> D | None:
        statement = (
            select(D)
            .where(D.kind == kind, D.subject_type == subject_type, D.subject_id == subject_id)
            .order_by(D.version.desc())
            .limit(1)
        )
        return (await self.session.scalars(statement)).first()

    async def latest_addressed(self, kinds: Sequence[str], employee_id: int) -> D | None:
        """The newest version of any of ``kinds`` addressed to a worker (the notices whose
        office-stated items a new notice carries)."""
        statement = (
            select(D)
            .where(D.kind.in_(list(kinds)), D.employee_id == employee_id)
            .order_by(D.issued_at.desc(), D.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(statement)).first()

    async def by_id(self, document_id: int) -> D | None:
        return await self.session.get(D, document_id)

    async def listed(
        self,
        *,
        client_id: int | None = None,
        contract_id: int | None = None,
        employee_id: int | None = None,
        kinds: Sequence[str] | None = None,
        site_kinds: tuple[Sequence[str], Collection[int]] | None = None,
    ) -> Sequence[D]:
        """Versions, newest first, without the PDF bytes loaded (deferred). ``site_kinds``
        (kinds, site ids): those kinds (written per site) only for the given sites."""
        statement = select(D).options(defer(D.pdf), defer(D.snapshot))
        if site_kinds is not None:
            per_site, site_ids = site_kinds
            statement = statement.where(
                or_(
                    D.kind.not_in(list(per_site)),
                    and_(D.subject_type == "site", D.subject_id.in_(sorted(site_ids))),
                )
            )
        if client_id is not None:
            statement = statement.where(D.client_id == client_id)
        if contract_id is not None:
            statement = statement.where(D.contract_id == contract_id)
        if employee_id is not None:
            statement = statement.where(D.employee_id == employee_id)
        if kinds is not None:
            statement = statement.where(D.kind.in_(list(kinds)))
        statement = statement.order_by(D.issued_at.desc(), D.id.desc()).limit(LIST_LIMIT)
        return (await self.session.scalars(statement)).all()

    async def ledger_entries(self, assignment_id: int) -> Sequence[LedgerEntry]:
        statement = (
            select(LedgerEntry)
            .where(LedgerEntry.assignment_id == assignment_id)
            .order_by(LedgerEntry.occurred_on, LedgerEntry.id)
        )
        return (await self.session.scalars(statement)).all()

    # --- the annual report and the disclosure (documents/annual.py) ------------------------

    async def dispatched_between(
        self, first: dt.date, last: dt.date, office: OfficeKey | None = None
    ) -> Sequence[Any]:
        """Every live assignment overlapping [first, last] with its worker's 無期/有期 and
        whether its contract is limited to 協定対象 workers (of one office's contracts with
        ``office``): one statement."""
        statement = (
            select(
                Assignment.employee_id,
                Assignment.client_id,
                Assignment.start_date,
                Assignment.end_date,
                Employee.term_type,
                DispatchContract.limited_to_agreement_workers.label("agreement"),
            )
            .join(Employee, Employee.id == Assignment.employee_id)
            .join(DispatchContract, DispatchContract.id == Assignment.contract_id)
            .where(
                Assignment.status != "cancelled",
                Assignment.start_date <= last,
                Assignment.end_date >= first,
            )
            .order_by(Assignment.employee_id, Assignment.start_date, Assignment.id)
        )
        if office is not None:
            statement = statement.where(_of_office(office))
        return (await self.session.execute(statement)).all()

    async def ledger_counts(
        self, kind: str, first: dt.date, last: dt.date, office: OfficeKey | None = None
    ) -> tuple[int, int]:
        """(entries, workers) of a 派遣元管理台帳 entry kind in [first, last] (of one office's
        contracts with ``office``): one statement."""
        statement = select(
            func.count(LedgerEntry.id), func.count(func.distinct(LedgerEntry.employee_id))
        ).where(
            LedgerEntry.kind == kind,
            LedgerEntry.occurred_on >= first,
            LedgerEntry.occurred_on <= last,
        )
        if office is not None:
            statement = (
                statement.join(Assignment, Assignment.id == LedgerEntry.assignment_id)
                .join(DispatchContract, DispatchContract.id == Assignment.contract_id)
                .where(_of_office(office))
            )
        row = (await self.session.execute(statement)).one()
        return int(row[0]), int(row[1])

    async def office_contract_ids(self, office: OfficeKey) -> frozenset[int]:
        """The ids of one office's contracts (archived ones included): one statement."""
        statement = select(DispatchContract.id).where(_of_office(office))
        return frozenset((await self.session.scalars(statement)).all())

    async def current_assignments(
        self, today: dt.date, client_id: int | None, limit: int
    ) -> Sequence[Any]:
        """(assignment id, contract id, client id, site id) of the assignments running on
        ``today``, of one client or all, in id order, at most ``limit``: one statement."""
        statement = select(
            Assignment.id, Assignment.contract_id, Assignment.client_id, Assignment.site_id
        ).where(
            Assignment.status == "active",
            Assignment.start_date <= today,
            Assignment.end_date >= today,
        )
        if client_id is not None:
            statement = statement.where(Assignment.client_id == client_id)
        statement = statement.order_by(Assignment.id).limit(limit)
        return (await self.session.execute(statement)).all()

    # --- bulk runs (documents/bulk.py) -------------------------------------------------------

    async def bulk_run(self, run_id: int, *, locked: bool = False) -> BulkRun | None:
        """A bulk run without its ZIP loaded (the ZIP: :meth:`bulk_archive`)."""
        statement = select(BulkRun).options(defer(BulkRun.archive)).where(BulkRun.id == run_id)
        if locked:
            statement = statement.with_for_update()
        return (await self.session.scalars(statement)).first()

    async def expire_bulk_archives(self, cutoff: dt.datetime) -> int:
        """Drop the ZIP of every bulk run finished (or started and never finished) before
        ``cutoff`` and mark it ``expired``: one statement."""
        statement = (
            update(BulkRun)
            .where(
                BulkRun.status != "expired",
                func.coalesce(BulkRun.finished_at, BulkRun.created_at) < cutoff,
            )
            .values(status="expired", archive=None)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)

    async def bulk_archive(self, run_id: int) -> bytes | None:
        return await self.session.scalar(select(BulkRun.archive).where(BulkRun.id == run_id))

    async def pdfs(self, document_ids: Sequence[int]) -> Sequence[Any]:
        """(id, kind, subject id, version, pdf) of the documents, in id order: one statement."""
        statement = (
            select(D.id, D.kind, D.subject_id, D.version, D.pdf)
            .where(D.id.in_(sorted(document_ids)))
            .order_by(D.id)
        )
        return (await self.session.execute(statement)).all()
