"""Every query of the requests area.

Row scope: the service passes the employee ids a principal may read (``None``: every
employee, coordinators and above); a site manager's come from the employees service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from haken.modules.requests.models import Request, RequestEvent, RequestExit
from haken.modules.requests.schemas import RequestFilter
from haken.platform.pagination import PageRequest, PageResult, SortKey
from haken.platform.repository import Repository

REQUEST_SORT = (SortKey(Request.id, "desc"),)

Scope = Sequence[int] | Select[Any] | None
"""The employees a principal may read: ids, a ``SELECT id`` to fold in, or None (all)."""


class RequestRepository(Repository):
    async def get(self, request_id: int) -> Request | None:
        return await self.session.get(Request, request_id)

    async def page_of(
        self,
        scope_ids: Scope,
        filters: RequestFilter,
        approvers: Sequence[str] | None,
        request: PageRequest,
        sort: Sequence[SortKey] = REQUEST_SORT,
    ) -> PageResult[Request]:
        """``approvers``: only requests waiting on one of these steps (the queue)."""
        statement = select(Request)
        if scope_ids is not None:
            statement = statement.where(Request.employee_id.in_(scope_ids))
        if filters.state is not None:
            statement = statement.where(Request.state == filters.state.value)
        if filters.type is not None:
            statement = statement.where(Request.type == filters.type.value)
        if filters.employee_id is not None:
            statement = statement.where(Request.employee_id == filters.employee_id)
        if approvers is not None:
            statement = statement.where(Request.approver.in_(approvers))
        return await self.page(statement, tuple(sort), request)

    async def events_of(self, request_id: int) -> Sequence[RequestEvent]:
        statement = (
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.id)
        )
        return (await self.session.scalars(statement)).all()

    async def open_of_type(self, employee_id: int, type_: str, states: Sequence[str]) -> int:
        statement = select(Request.id).where(
            Request.employee_id == employee_id, Request.type == type_, Request.state.in_(states)
        )
        return len((await self.session.scalars(statement.limit(1))).all())

    async def exit_of_request(self, request_id: int) -> RequestExit | None:
        statement = select(RequestExit).where(
            RequestExit.request_id == request_id, RequestExit.cancelled_at.is_(None)
        )
        return (await self.session.scalars(statement)).first()

    async def exits_of(self, employee_ids: Sequence[int]) -> Sequence[RequestExit]:
        statement = (
            select(RequestExit)
            .where(RequestExit.employee_id.in_(employee_ids), RequestExit.cancelled_at.is_(None))
            .order_by(RequestExit.employee_id, RequestExit.id)
        )
        return (await self.session.scalars(statement)).all()

    async def exits_between(self, start: dt.date, end: dt.date) -> Sequence[RequestExit]:
        statement = (
            select(RequestExit)
            .where(
                RequestExit.last_working_day >= start,
                RequestExit.last_working_day <= end,
                RequestExit.cancelled_at.is_(None),
            )
            .order_by(RequestExit.last_working_day, RequestExit.id)
        )
        return (await self.session.scalars(statement)).all()
