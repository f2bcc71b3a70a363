"""The demo seed's paid leave (SQLite and PostgreSQL): grants through the leave service for
everyone hired six months ago or more, leave taken in every past grant year, one or two
workers left at risk of the 5-day duty, and nobody else overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from haken.modules.demo.generator import generate
from haken.modules.demo.leave import AT_RISK_WORKERS, seed_leave
from haken.platform.db import session_scope


async def test_the_demo_seed_grants_takes_and_leaves_a_few_at_risk(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    day = dt.datetime.now(ZoneInfo(app.state.settings.timezone)).date()  # the app's today
    async with app.state.database.engine.begin() as connection:
        await generate(connection, employees=60, today=day)
    async with session_scope(app.state.database, write=True) as session:
        counts = await seed_leave(session, today=day, user_id=0)
    assert counts["leave_grants"] > 0 and counts["leave_days_taken"] > 0
    headers = await auth_headers("admin")
    balances = await client.get("/api/leave/balances", headers=headers, params={"limit": 200})
    rows = balances.json()["data"]
    assert len(rows) > 0
    at_risk = await client.get("/api/leave/at-risk", headers=headers, params={"limit": 200})
    risky = at_risk.json()["data"]
    assert 1 <= len(risky) <= AT_RISK_WORKERS
    assert not any(r["overdue"] for r in risky)
    # Every ledger: takings drawn oldest grant first, so a used later grant means the earlier
    # valid ones are used up or expired; the kinds include the employer's.
    kinds: set[str] = set()
    for row in rows[:15]:
        ledger = (
            await client.get(f"/api/leave/employees/{row['employee_id']}", headers=headers)
        ).json()["data"]
        kinds |= {t["kind"] for t in ledger["takings"]}
        assert Decimal(ledger["remaining"]) >= 0
    assert "request" in kinds
