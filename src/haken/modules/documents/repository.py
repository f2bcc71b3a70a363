from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import defer

from haken.modules.documents.models import GeneratedDocument as D
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
    ) -> Sequence[D]:
        """Versions, newest first, without the PDF bytes loaded (deferred)."""
        statement = select(D).options(defer(D.pdf), defer(D.snapshot))
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
