"""Every query of the audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.models import AuditEntry
from haken.modules.audit.schemas import AuditFilter
from haken.platform.pagination import PageRequest, PageResult, SortKey, apply_keyset, build_page

# Newest first; id breaks ties so the order is total.
AUDIT_SORT = (SortKey(AuditEntry.occurred_at, "desc"), SortKey(AuditEntry.id, "desc"))


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    async def page(self, filters: AuditFilter, request: PageRequest) -> PageResult[AuditEntry]:
        statement = select(AuditEntry)
        if filters.entity_type:
            statement = statement.where(AuditEntry.entity_type == filters.entity_type)
        if filters.entity_id:
            statement = statement.where(AuditEntry.entity_id == filters.entity_id)
        if filters.user_id is not None:
            statement = statement.where(AuditEntry.user_id == filters.user_id)
        if filters.since is not None:
            statement = statement.where(AuditEntry.occurred_at >= filters.since)
        if filters.until is not None:
            statement = statement.where(AuditEntry.occurred_at < filters.until)
        rows = (await self.session.scalars(apply_keyset(statement, AUDIT_SORT, request))).all()
        return build_page(rows, AUDIT_SORT, request)

    async def purge_before(self, cutoff: dt.datetime) -> int:
        result = await self.session.execute(
            delete(AuditEntry).where(AuditEntry.occurred_at < cutoff)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
