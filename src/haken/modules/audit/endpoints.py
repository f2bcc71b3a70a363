from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from haken.modules.audit.auth import AuditLogRead
from haken.modules.audit.schemas import AuditFilter, AuditRead
from haken.modules.audit.service import audit_service
from haken.platform.deps import SessionDep
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import PageEnvelope, page
from haken.platform.schemas import Instant

router = APIRouter(prefix="/api/audit", tags=["audit"], dependencies=[Depends(default_limit)])


@router.get("", response_model=PageEnvelope[AuditRead])
async def list_audit(
    _principal: AuditLogRead,
    session: SessionDep,
    paging: PageQuery,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    since: Instant | None = None,
    until: Instant | None = None,
) -> Any:
    """The audit log, newest first, filtered by entity, user and time range."""
    filters = AuditFilter(
        entity_type=entity_type, entity_id=entity_id, user_id=user_id, since=since, until=until
    )
    result = await audit_service.list(session, filters, paging)
    return page(result.items, result.pagination(paging.limit))
