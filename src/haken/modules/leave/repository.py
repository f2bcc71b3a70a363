"""Every query of the leave area.

Row scope: the callers pass the employee ids a principal may read (``None``: every
employee, coordinators and above); the ids come from the employees service in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select

from haken.modules.leave.models import LeaveGrant, LeaveTaking
from haken.platform.pagination import PageRequest, PageResult, SortKey, apply_keyset, build_page
from haken.platform.repository import Repository

BALANCE_SORT = (SortKey(LeaveGrant.employee_id),)
AT_RISK_SORT = (SortKey(LeaveGrant.duty_deadline), SortKey(LeaveGrant.id))


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
        self, employee_ids: Sequence[int] | None, on: dt.date, request: PageRequest
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
            statement = statement.where(LeaveGrant.employee_id.in_(sorted(set(employee_ids))))
        paged = apply_keyset(statement, BALANCE_SORT, request)
        return build_page((await self.session.execute(paged)).all(), BALANCE_SORT, request)

    async def page_at_risk(
        self,
        employee_ids: Sequence[int] | None,
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
            statement = statement.where(LeaveGrant.employee_id.in_(sorted(set(employee_ids))))
        return await self.page(statement, AT_RISK_SORT, request)

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

    async def employees_with_grants(self, employee_ids: Sequence[int] | None) -> list[int]:
        statement = select(LeaveGrant.employee_id).distinct().order_by(LeaveGrant.employee_id)
        if employee_ids is not None:
            statement = statement.where(LeaveGrant.employee_id.in_(sorted(set(employee_ids))))
        return list((await self.session.scalars(statement)).all())
