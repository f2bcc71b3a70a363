"""Paid leave for the demo: the statutory grants as of today (the leave service's own daily
job), leave taken in each past grant year (drawn oldest grant first by the service), a few
planned days (計画的付与) and employer designations (時季指定), and one or two workers left at
risk of missing the 5-day duty, so /leave, the ledgers and the portal show real figures.

Everything goes through ``leave_service`` (grants, takings, the running figures, audit rows);
only the choice of dates is made here, from a seeded random generator (the same data each
run). Takings are recorded for at most ``MAX_WORKERS`` workers to keep a large seed fast.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.civil_periods import add_months
from haken.modules.leave.schemas import DesignationCreate, LeaveFilter, TakingKind
from haken.modules.leave.service import leave_service
from haken.modules.leave.sorting import LEAVE_SORTING
from haken.platform.access import Principal, Role
from haken.platform.pagination import MAX_LIMIT, PageRequest

MAX_WORKERS = 200
AT_RISK_WORKERS = 2
WINDOW_DAYS = 90


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = (end - start).days + 1
    found = (start + dt.timedelta(days=i) for i in range(max(days, 0)))
    return [d for d in found if d.weekday() < 5]


async def seed_leave(
    session: AsyncSession, *, today: dt.date, user_id: int, seed: int = 20260401
) -> dict[str, int]:
    """Grant, take and designate; returns counts for the seed's summary."""
    rng = random.Random(seed)  # noqa: S311 (repeatable demo data, not a secret)
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    run = await leave_service.grant_due(session, today=today, principal=None)
    workers: list[int] = []
    cursor: str | None = None
    while len(workers) < MAX_WORKERS:
        page, _ = await leave_service.overview(
            session,
            office,
            on=today,
            filters=LeaveFilter(),
            sort=LEAVE_SORTING.keys(LEAVE_SORTING.default),
            page=PageRequest(limit=MAX_LIMIT, cursor=cursor),
        )
        workers.extend(row.employee_id for row in page.items)
        if not page.has_more:
            break
        cursor = page.next_cursor
    taken = 0
    designated = 0
    left_at_risk = 0
    ledgers = await leave_service.ledgers(
        session, office, employee_ids=sorted(workers[:MAX_WORKERS]), on=today
    )
    for ledger in ledgers:
        employee_id = ledger.employee_id
        requested: list[dt.date] = []
        planned: list[dt.date] = []
        ahead: list[dt.date] = []
        for grant in ledger.grants:
            # The grant year (the 5-day duty's period for a grant of 10 days or more).
            deadline = add_months(grant.grant_date, 12) - dt.timedelta(days=1)
            within = today <= deadline <= today + dt.timedelta(days=WINDOW_DAYS)
            if within and grant.days >= 10 and left_at_risk < AT_RISK_WORKERS:
                count = rng.randint(0, 2)  # left at risk: the list shows them
                left_at_risk += 1
            elif deadline < today or within:
                count = rng.randint(5, 8)
            else:
                count = rng.randint(0, 4)
            days = _weekdays(grant.grant_date, min(deadline, today - dt.timedelta(days=1)))
            chosen = sorted(rng.sample(days, min(count, len(days), int(grant.days))))
            coming = _weekdays(today + dt.timedelta(days=7), deadline)
            if within and count >= 5 and len(chosen) >= 5 and coming and rng.random() < 0.5:
                # The last day is the employer's 時季指定 on a coming weekday.
                chosen.pop()
                ahead.append(rng.choice(coming))
            if chosen and rng.random() < 0.25:
                planned.append(chosen.pop())  # a 計画的付与 day (summer or year-end closure)
            requested.extend(chosen)
        if requested:
            await leave_service.consume(
                session,
                office,
                employee_id=employee_id,
                dates=sorted(set(requested)),
                kind=TakingKind.REQUEST,
                today=today,
            )
            taken += len(set(requested))
        for kind, dates in ((TakingKind.PLANNED, planned), (TakingKind.DESIGNATION, ahead)):
            if dates:
                await leave_service.designate(
                    session,
                    office,
                    employee_id=employee_id,
                    data=DesignationCreate(kind=kind, dates=sorted(set(dates))),
                    today=today,
                )
                designated += len(set(dates))
    return {
        "leave_grants": run.granted,
        "leave_days_taken": taken,
        "leave_days_designated": designated,
    }


__all__ = ["seed_leave"]
