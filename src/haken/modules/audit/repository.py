"""Every query of the audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select

from haken.modules.audit.models import AuditEntry
from haken.modules.audit.schemas import AuditFilter
from haken.modules.audit.sorting import AUDIT_SORTING
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.repository import Repository


class AuditRepository(Repository):
    async def page_entries(
        self, filters: AuditFilter, request: PageRequest, sort: str = AUDIT_SORTING.default
    ) -> PageResult[AuditEntry]:
        """One page, newest first by default (``AUDIT_SORTING``); with ``count`` the total
        rides in the same statement."""
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
        return await self.page(statement, AUDIT_SORTING.keys(sort), request)

    async def insert_many(self, rows: list[dict[str, object]]) -> None:
        """Many audit rows in one statement (no ids read back): the batched creates."""
        if rows:
            await self.session.execute(insert(AuditEntry), rows)

    async def purge_before(self, cutoff: dt.datetime) -> int:
        result = await self.session.execute(
            delete(AuditEntry).where(AuditEntry.occurred_at < cutoff)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
