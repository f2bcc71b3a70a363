"""The agency dashboard and the daily alerts in the demo: two foreign workers' residence
cards due within 90 days (through the employees service: audited, the cache told), then one
run of the daily alerts, so the home page's figures and /inbox show them after ``make run``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.dashboard.alerts import daily_alerts
from haken.modules.employees.schemas import EmployeeUpdate
from haken.modules.employees.service import employees_service
from haken.platform.access import Principal, Role

DUE_IN_DAYS = (40, 75)
SCAN = 400  # the first employee ids looked at for foreign workers


async def seed_dashboard(session: AsyncSession, *, today: dt.date, user_id: int) -> dict[str, int]:
    admin = Principal(user_id=user_id, role=Role.ADMIN, email="demo@haken.example")
    briefs = await employees_service.get_briefs(session, list(range(1, SCAN + 1)))
    foreign = [b.id for b in sorted(briefs.values(), key=lambda b: b.id) if b.residence_status]
    changed = 0
    for employee_id, days in zip(foreign, DUE_IN_DAYS, strict=False):
        employee = await employees_service.get(session, admin, employee_id)
        await employees_service.update(
            session,
            admin,
            employee_id,
            EmployeeUpdate(
                version=employee.version, residence_card_expiry=today + dt.timedelta(days=days)
            ),
        )
        changed += 1
    alerts = await daily_alerts(session, today=today)
    return {"residence_due_soon": changed, "daily_alerts": alerts["told"]}
