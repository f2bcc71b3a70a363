"""Requests and the inbox for the demo: a few workers' requests in every state (waiting at
the site, waiting for the office, approved — the leave marked on their timecards —,
withdrawn, rejected, cancelled), and the 5-day duty alert, so /requests, a request's page
and /inbox show real rows after ``make run``.

Everything goes through ``requests_service`` and ``leave_service`` (history, audit rows,
ledger, timecards); the notifications they send are written once the seed's transaction
commits. The workers act through a principal of their own employee record; the office's
decisions are the demo administrator's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.billing.service import billing_service
from haken.modules.leave.schemas import LeaveFilter
from haken.modules.leave.service import leave_service
from haken.modules.leave.sorting import LEAVE_SORTING
from haken.modules.requests.schemas import RequestCreate
from haken.modules.requests.service import requests_service
from haken.platform.access import Principal, Role
from haken.platform.errors import HakenError
from haken.platform.pagination import PageRequest

WORKERS = 8


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


async def seed_requests(session: AsyncSession, *, today: dt.date, user_id: int) -> dict[str, int]:
    """Submit and decide the demo's requests; returns counts for the seed's summary."""
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    page, _ = await leave_service.overview(
        session,
        office,
        on=today,
        filters=LeaveFilter(),
        sort=LEAVE_SORTING.keys(LEAVE_SORTING.default),
        page=PageRequest(limit=50),
    )
    workers = [r.employee_id for r in page.items if r.remaining >= Decimal(3)][:WORKERS]
    first, second = _weekday(today + dt.timedelta(days=10)), _weekday(today + dt.timedelta(days=17))
    plans: list[tuple[dict[str, Any], list[str]]] = [
        ({"type": "paid_leave", "dates": [first], "reason": "通院"}, []),
        ({"type": "paid_leave", "dates": [first, second], "reason": "帰省"}, ["approve"]),
        ({"type": "paid_leave", "unit": "half_day", "dates": [second]}, ["approve", "withdraw"]),
        (
            {
                "type": "home_leave",
                "start": today + dt.timedelta(days=40),
                "end": today + dt.timedelta(days=54),
                "destination": "ハノイ",
                "contact": "+84 90 000 0000",
            },
            ["approve"],
        ),
        ({"type": "absence", "dates": [first], "reason": "家族の用事"}, ["reject"]),
        ({"type": "other", "subject": "制服のサイズ交換", "detail": "Lサイズ"}, ["cancel"]),
        (
            {
                "type": "address_change",
                "effective_on": today + dt.timedelta(days=20),
                "postal_code": "460-0008",
                "address": "名古屋市中区栄1-2-3",
            },
            [],
        ),
        ({"type": "other", "subject": "寮の鍵をなくしました"}, []),
    ]
    counts = {"requests": 0, "requests_decided": 0}
    for employee_id, (payload, steps) in zip(workers, plans, strict=False):
        worker = Principal(
            user_id=user_id, role=Role.EMPLOYEE, email="demo@haken.example", employee_id=employee_id
        )
        try:
            async with session.begin_nested():
                found = await requests_service.submit(
                    session, worker, RequestCreate.model_validate({"payload": payload}), today=today
                )
                counts["requests"] += 1
                for step in steps:
                    if step == "approve":
                        found = await requests_service.approve(
                            session, office, found.id, version=found.version, today=today
                        )
                    elif step == "reject":
                        found = await requests_service.reject(
                            session, office, found.id, version=found.version, comment="繁忙期のため"
                        )
                    elif step == "withdraw":
                        found = await requests_service.withdraw(
                            session, worker, found.id, version=found.version, today=today
                        )
                    else:
                        found = await requests_service.cancel(
                            session, worker, found.id, version=found.version
                        )
                    counts["requests_decided"] += 1
        except HakenError:  # a worker whose balance or placement does not fit: skip them
            continue
    alerts = await leave_service.duty_alerts(
        session, today=today, coordinators=billing_service.coordinators_of_clients
    )
    counts["duty_alerts"] = alerts["told"]
    return counts


__all__ = ["seed_requests"]
