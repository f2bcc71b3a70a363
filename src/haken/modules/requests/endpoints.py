"""HTTP API of requests: /api/requests/…

Reads: an employee their own requests (another's: 404), a site manager those of their
sites' workers, coordinators and above all. Writes (each audited): submit, cancel, withdraw
and comment by the requester; approve and reject by the current step's approver.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query

from haken.modules.requests.auth import RequestsDecide, RequestsRead, RequestsSubmit
from haken.modules.requests.schemas import (
    RequestCommentCreate,
    RequestCreate,
    RequestDecision,
    RequestDetail,
    RequestFilter,
    RequestRead,
    RequestRejection,
)
from haken.modules.requests.service import requests_service
from haken.platform.deps import SessionDep, SettingsDep
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

router = APIRouter(prefix="/api/requests", tags=["requests"], dependencies=[Depends(default_limit)])


def today_in(settings: Any) -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


@router.get("", response_model=PageEnvelope[RequestRead])
async def list_requests(
    principal: RequestsRead,
    session: SessionDep,
    filters: Annotated[RequestFilter, Query()],
    paging: PageQuery,
) -> Any:
    """Requests the caller may read, newest first; ``actionable=true``: the approval queue."""
    found = await requests_service.list(session, principal, filters, paging)
    return page(found.items, found.pagination(paging.limit))


@router.post("", response_model=Envelope[RequestDetail], status_code=201)
async def submit_request(
    data: RequestCreate, principal: RequestsSubmit, session: SessionDep, settings: SettingsDep
) -> Any:
    """A request of the caller's own (an account linked to an employee record)."""
    return ok(await requests_service.submit(session, principal, data, today=today_in(settings)))


@router.get("/{request_id:int}", response_model=Envelope[RequestDetail])
async def get_request(request_id: int, principal: RequestsRead, session: SessionDep) -> Any:
    """One request with its history."""
    return ok(await requests_service.get(session, principal, request_id))


@router.post("/{request_id:int}/approve", response_model=Envelope[RequestDetail])
async def approve_request(
    request_id: int,
    data: RequestDecision,
    principal: RequestsDecide,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """Approve the current step; the last step applies the request (paid leave drawn from the
    ledger, a resignation's exit facts) in the same transaction."""
    return ok(
        await requests_service.approve(
            session,
            principal,
            request_id,
            version=data.version,
            comment=data.comment,
            today=today_in(settings),
        )
    )


@router.post("/{request_id:int}/reject", response_model=Envelope[RequestDetail])
async def reject_request(
    request_id: int, data: RequestRejection, principal: RequestsDecide, session: SessionDep
) -> Any:
    """Reject at the current step (a comment says why)."""
    return ok(
        await requests_service.reject(
            session, principal, request_id, version=data.version, comment=data.comment
        )
    )


@router.post("/{request_id:int}/cancel", response_model=Envelope[RequestDetail])
async def cancel_request(
    request_id: int, data: RequestDecision, principal: RequestsSubmit, session: SessionDep
) -> Any:
    """The requester cancels a request not decided yet."""
    return ok(
        await requests_service.cancel(
            session, principal, request_id, version=data.version, comment=data.comment
        )
    )


@router.post("/{request_id:int}/withdraw", response_model=Envelope[RequestDetail])
async def withdraw_request(
    request_id: int,
    data: RequestDecision,
    principal: RequestsSubmit,
    session: SessionDep,
    settings: SettingsDep,
) -> Any:
    """The requester withdraws an approved request; what it consumed is restored."""
    return ok(
        await requests_service.withdraw(
            session,
            principal,
            request_id,
            version=data.version,
            comment=data.comment,
            today=today_in(settings),
        )
    )


@router.post("/{request_id:int}/comments", response_model=Envelope[RequestDetail], status_code=201)
async def comment_request(
    request_id: int, data: RequestCommentCreate, principal: RequestsRead, session: SessionDep
) -> Any:
    """A comment in the request's history."""
    return ok(await requests_service.comment(session, principal, request_id, comment=data.comment))
