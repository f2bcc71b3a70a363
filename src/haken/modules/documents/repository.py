from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import defer

from haken.modules.documents.models import GeneratedDocument as D
from haken.modules.documents.models import LedgerEntry
from haken.platform.repository import Repository

LIST_LIMIT = 500


class DocumentsRepository(Repository):
    async def latest(self, kind: str, subject_type: str, subject_id: int) -> D | None:
        statement = (
            select(D)
            .where(D.kind == kind, D.subject_type == subject_type, D.subject_id == subject_id)
            .order_by(D.version.desc())
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
