"""HTTP API of the inbox: /api/notifications/… (the caller's own rows only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from haken.modules.notifications.auth import InboxAccess
from haken.modules.notifications.schemas import MarkedAll, NotificationRead, UnreadCount
from haken.modules.notifications.service import notifications_service
from haken.platform.deps import SessionDep
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

router = APIRouter(
    prefix="/api/notifications", tags=["notifications"], dependencies=[Depends(default_limit)]
)


@router.get("", response_model=PageEnvelope[NotificationRead])
async def list_notifications(principal: InboxAccess, session: SessionDep, paging: PageQuery) -> Any:
    """The caller's notifications, newest first (keyset)."""
    found = await notifications_service.inbox(session, principal, paging)
    return page(found.items, found.pagination(paging.limit))


@router.get("/unread-count", response_model=Envelope[UnreadCount])
async def unread_count(principal: InboxAccess, session: SessionDep) -> Any:
    """How many of the caller's notifications are unread."""
    return ok(await notifications_service.unread_count(session, principal))


@router.post("/{notification_id:int}/read", response_model=Envelope[NotificationRead])
async def mark_read(notification_id: int, principal: InboxAccess, session: SessionDep) -> Any:
    """Mark one of the caller's notifications read (idempotent; another's: 404)."""
    return ok(await notifications_service.mark_read(session, principal, notification_id))


@router.post("/read-all", response_model=Envelope[MarkedAll])
async def mark_all_read(principal: InboxAccess, session: SessionDep) -> Any:
    """Mark every unread notification of the caller read."""
    return ok(await notifications_service.mark_all_read(session, principal))
