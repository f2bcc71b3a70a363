"""Recording and reading the audit log.

Every write use case calls :meth:`AuditService.record` in the same session as
the write, so the change and its audit row commit (or roll back) together.
Diffs hold only the fields that changed; personal data is masked before it is
stored (the audit log must not become a second copy of the PII).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.audit.models import AuditEntry
from haken.modules.audit.repository import AuditRepository
from haken.modules.audit.schemas import AuditFilter, AuditRead
from haken.modules.audit.sorting import AUDIT_SORTING
from haken.platform.access import Principal
from haken.platform.context import request_id
from haken.platform.logging import REDACTED, is_sensitive_key
from haken.platform.pagination import PageRequest, PageResult

MASKED = "***"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def _mask(key: str, value: Any) -> Any:
    if value is None:
        return None
    if is_sensitive_key(key):
        return MASKED
    return _plain(value)


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{field: [old, new]}`` for the fields that changed, PII masked."""
    if not before:  # a creation: the fields given, nothing to compare (one pass)
        after = after or {}
        return {
            key: [None, _mask(key, after[key])] for key in sorted(after) if after[key] is not None
        }
    before = before or {}
    after = after or {}
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if _plain(old) == _plain(new):
            continue
        changes[key] = [_mask(key, old), _mask(key, new)]
    return changes


@dataclass(frozen=True)
class AuditItem:
    """One audit row of :meth:`AuditService.record_many`."""

    entity_type: str
    entity_id: object
    action: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    request_id: str | None = None


class AuditService:
    async def record(
        self,
        session: AsyncSession,
        principal: Principal | None,
        *,
        entity_type: str,
        entity_id: object,
        action: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        user_id: int | None = None,
    ) -> None:
        AuditRepository(session).add(
            AuditEntry(
                user_id=principal.user_id if principal is not None else user_id,
                request_id=request_id(),
                entity_type=entity_type,
                entity_id=str(entity_id),
                action=action,
                changes=diff(before, after),
            )
        )

    async def record_many(
        self,
        session: AsyncSession,
        principal: Principal | None,
        entries: Sequence[AuditItem],
    ) -> None:
        """:meth:`record` for many records at once (a batched create), written in one
        statement; each entry may carry its own request id (an import's file and line)."""
        now = dt.datetime.now(dt.UTC)
        current = request_id()
        await AuditRepository(session).insert_many(
            [
                {
                    "occurred_at": now,
                    "user_id": principal.user_id if principal is not None else None,
                    "request_id": entry.request_id or current,
                    "entity_type": entry.entity_type,
                    "entity_id": str(entry.entity_id),
                    "action": entry.action,
                    "changes": diff(entry.before, entry.after),
                }
                for entry in entries
            ]
        )

    async def record_export(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        entity_type: str,
        filters: BaseModel,
        sort: str,
        file_format: str,
    ) -> None:
        """The audit row of a list export (data leaving the system): who, when, which
        filters, sort and format; never the rows themselves."""
        await self.record(
            session,
            principal,
            entity_type=entity_type,
            entity_id="list",
            action="export",
            after={
                "format": file_format,
                "filters": filters.model_dump(mode="json", exclude_defaults=True),
                "sort": sort,
            },
        )

    async def list(
        self,
        session: AsyncSession,
        filters: AuditFilter,
        request: PageRequest,
        sort: str = AUDIT_SORTING.default,
    ) -> PageResult[AuditRead]:
        page = await AuditRepository(session).page_entries(filters, request, sort)
        return page.with_items([AuditRead.model_validate(row) for row in page.items])

    async def purge_older_than(self, session: AsyncSession, days: int) -> int:
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        return await AuditRepository(session).purge_before(cutoff)


audit_service = AuditService()

__all__ = ["REDACTED", "AuditService", "audit_service", "diff"]
