"""Every query of the leave area.

Row scope: the callers pass the employee ids a principal may read (``None``: every
employee, coordinators and above): a list, or the employees service's unexecuted
``SELECT id`` of a site manager's workers, which the list's statement takes as
``IN (subquery)`` (no round trip of its own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Date, Numeric, Select, bindparam, case, func, literal, select

from haken.modules.leave.models import LeaveGrant, LeaveTaking
from haken.platform.pagination import PageRequest, PageResult, SortKey, apply_keyset, build_page
from haken.platform.repository import Repository

Scope = Sequence[int] | Select[Any] | None
"""The employees a principal may read: ids, a ``SELECT id`` to fold in, or None (all)."""


def _in_scope(column: Any, employee_ids: Sequence[int] | Select[Any]) -> ColumnElement[bool]:
    if isinstance(employee_ids, Select):
        return column.in_(employee_ids)  # type: ignore[no-any-return]
    return column.in_(sorted(set(employee_ids)))  # type: ignore[no-any-return]


BALANCE_SORT = (SortKey(LeaveGrant.employee_id),)
AT_RISK_SORT = (SortKey(LeaveGrant.duty_deadline), SortKey(LeaveGrant.id))

# --- the leave list (/leave): one grouped subquery of the grants per employee ---------------
# Bound at execution: the day (leave_on), the start of the year of overdue duties
# (leave_since) and the days of the duty (leave_required).
_ON = bindparam("leave_on", type_=Date)
_SINCE = bindparam("leave_since", type_=Date)
_REQUIRED = bindparam("leave_required", type_=Numeric(4, 1))
FAR_DATE = dt.date(9999, 12, 31)
_FAR = literal(FAR_DATE, Date)
_VALID = (LeaveGrant.grant_date <= _ON) & (LeaveGrant.expires_on >= _ON)
_OPEN = (
    LeaveGrant.duty_deadline.is_not(None)
    & (LeaveGrant.duty_deadline >= _SINCE)
    & (LeaveGrant.duty_counted < _REQUIRED)
)
_RUNNING = (
    LeaveGrant.duty_deadline.is_not(None)
    & (LeaveGrant.grant_date <= _ON)
    & (LeaveGrant.duty_deadline >= _ON)
)
_NEXT_EXPIRY = func.min(case((_VALID, LeaveGrant.expires_on), else_=None))
_OPEN_DEADLINE = func.min(case((_OPEN, LeaveGrant.duty_deadline), else_=None))
OVERVIEW = (
    select(
        LeaveGrant.employee_id.label("employee_id"),
        func.coalesce(
            func.sum(case((_VALID, LeaveGrant.days - LeaveGrant.used_days), else_=Decimal(0))),
            Decimal(0),
        ).label("remaining"),
        _NEXT_EXPIRY.label("next_expiry"),
        func.coalesce(_NEXT_EXPIRY, _FAR).label("expiry_key"),
        _OPEN_DEADLINE.label("duty_deadline"),
        func.coalesce(_OPEN_DEADLINE, _FAR).label("deadline_key"),
        func.min(case((_OPEN, LeaveGrant.duty_counted), else_=None)).label("open_counted"),
        func.max(case((_RUNNING, LeaveGrant.duty_counted), else_=None)).label("duty_counted"),
    )
    .group_by(LeaveGrant.employee_id)
    .subquery("leave_overview")
)


class LeaveRepository(Repository):
    async def grants_of(
        self, employee_ids: Sequence[int], *, for_update: bool = False
    ) -> Sequence[LeaveGrant]:
        if not employee_ids:
            return []
        statement = (
            select(LeaveGrant)
            .where(LeaveGrant.employee_id.in_(sorted(set(employee_ids))))
            .order_by(LeaveGrant.employee_id, LeaveGrant.grant_date, LeaveGrant.id)
        )
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.scalars(statement)).all()

    async def takings_of(
        self, employee_ids: Sequence[int], *, include_cancelled: bool = False
    ) -> Sequence[LeaveTaking]:
        if not employee_ids:
            return []
        statement = select(LeaveTaking).where(
            LeaveTaking.employee_id.in_(sorted(set(employee_ids)))
        )
        if not include_cancelled:
            statement = statement.where(LeaveTaking.cancelled_at.is_(None))
        statement = statement.order_by(LeaveTaking.employee_id, LeaveTaking.day, LeaveTaking.id)
        return (await self.session.scalars(statement)).all()

    async def active_takings_by_ids(
        self, employee_id: int, taking_ids: Sequence[int]
    ) -> Sequence[LeaveTaking]:
        statement = select(LeaveTaking).where(
            LeaveTaking.employee_id == employee_id,
            LeaveTaking.id.in_(sorted(set(taking_ids))),
            LeaveTaking.cancelled_at.is_(None),
        )
        return (await self.session.scalars(statement)).all()

    async def active_takings_of_request(self, request_id: int) -> Sequence[LeaveTaking]:
        statement = select(LeaveTaking).where(
            LeaveTaking.request_id == request_id, LeaveTaking.cancelled_at.is_(None)
        )
        return (await self.session.scalars(statement)).all()

    async def page_balances(
        self, employee_ids: Scope, on: dt.date, request: PageRequest
    ) -> PageResult[Any]:
        """Per employee: the days left on ``on`` (grants valid that day, less what is drawn
        from them), the next expiry and the latest grant; one grouped statement."""
        valid = (LeaveGrant.grant_date <= on) & (LeaveGrant.expires_on >= on)
        left = case((valid, LeaveGrant.days - LeaveGrant.used_days), else_=Decimal(0))
        statement = select(
            LeaveGrant.employee_id.label("employee_id"),
            func.coalesce(func.sum(left), Decimal(0)).label("remaining"),
            func.min(case((valid, LeaveGrant.expires_on), else_=None)).label("next_expiry"),
            func.max(LeaveGrant.grant_date).label("latest_grant"),
        ).group_by(LeaveGrant.employee_id)
        if employee_ids is not None:
            statement = statement.where(_in_scope(LeaveGrant.employee_id, employee_ids))
        paged = apply_keyset(statement, BALANCE_SORT, request)
        return build_page((await self.session.execute(paged)).all(), BALANCE_SORT, request)

    async def page_overview(
        self,
        employee_ids: Scope,
        *,
        on: dt.date,
        since: dt.date,
        until: dt.date,
        required: Decimal,
        at_risk_only: bool,
        sort: Sequence[SortKey],
        request: PageRequest,
    ) -> tuple[PageResult[Any], int]:
        """The leave list: per employee with grants, the days left on ``on``, the next
        expiry, the open 5-day duty (deadline since ``since``, fewer than ``required`` days)
        and the running duty's count. One statement: the page, its total and the number at
        risk (deadline by ``until``) as scalar subqueries. Returns (page, at-risk total)."""
        base = select(OVERVIEW)
        if employee_ids is not None:
            base = base.where(_in_scope(OVERVIEW.c.employee_id, employee_ids))
        risky = OVERVIEW.c.duty_deadline <= until
        listed = base.where(risky) if at_risk_only else base
        total = select(func.count()).select_from(listed.subquery()).scalar_subquery()
        at_risk = select(func.count()).select_from(base.where(risky).subquery()).scalar_subquery()
        paged = apply_keyset(listed, sort, request).add_columns(
            total.label("total"), at_risk.label("at_risk_total")
        )
        params = {"leave_on": on, "leave_since": since, "leave_required": required}
        rows = (await self.session.execute(paged, params)).all()
        if rows:
            return build_page(rows, sort, request, int(rows[0].total)), int(rows[0].at_risk_total)
        counted = select(total.label("total"), at_risk.label("at_risk_total"))
        found = (await self.session.execute(counted, params)).one()
        return build_page([], sort, request, int(found.total)), int(found.at_risk_total)

    async def page_at_risk(
        self,
        employee_ids: Scope,
        *,
        since: dt.date,
        until: dt.date,
        required: Decimal,
        request: PageRequest,
    ) -> PageResult[Any]:
        """Grants whose 5-day deadline falls between ``since`` and ``until`` with fewer than
        ``required`` days counted; by deadline (the stored figures: no taking is read)."""
        statement = select(LeaveGrant).where(
            LeaveGrant.duty_deadline.is_not(None),
            LeaveGrant.duty_deadline >= since,
            LeaveGrant.duty_deadline <= until,
            LeaveGrant.duty_counted < required,
        )
        if employee_ids is not None:
            statement = statement.where(_in_scope(LeaveGrant.employee_id, employee_ids))
        return await self.page(statement, AT_RISK_SORT, request)

    async def duty_at_risk(
        self, *, since: dt.date, until: dt.date, required: Decimal
    ) -> Sequence[LeaveGrant]:
        """Every grant whose 5-day deadline falls between ``since`` and ``until`` with fewer
        than ``required`` days counted (the daily alert job; unscoped, the stored figures)."""
        statement = select(LeaveGrant).where(
            LeaveGrant.duty_deadline.is_not(None),
            LeaveGrant.duty_deadline >= since,
            LeaveGrant.duty_deadline <= until,
            LeaveGrant.duty_counted < required,
        )
        return (await self.session.scalars(statement.order_by(LeaveGrant.id))).all()

    async def existing_grant_dates(self, employee_ids: Sequence[int]) -> dict[int, set[dt.date]]:
        found: dict[int, set[dt.date]] = {}
        if not employee_ids:
            return found
        statement = select(LeaveGrant.employee_id, LeaveGrant.grant_date).where(
            LeaveGrant.employee_id.in_(sorted(set(employee_ids)))
        )
        for employee_id, day in (await self.session.execute(statement)).all():
            found.setdefault(employee_id, set()).add(day)
        return found

    async def employees_with_grants(self, employee_ids: Scope) -> list[int]:
        statement = select(LeaveGrant.employee_id).distinct().order_by(LeaveGrant.employee_id)
        if employee_ids is not None:
            statement = statement.where(_in_scope(LeaveGrant.employee_id, employee_ids))
        return list((await self.session.scalars(statement)).all())
