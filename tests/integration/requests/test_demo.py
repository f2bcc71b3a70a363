"""The demo seed's requests (SQLite and PostgreSQL): requests in every state, the approved
leave marked on timecards, and the office's inbox filled by the 5-day duty alert."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from haken.modules.demo.generator import generate
from haken.modules.demo.leave import seed_leave
from haken.modules.demo.requests import seed_requests
from haken.platform.db import session_scope


async def test_the_demo_seed_fills_the_requests_and_the_inbox(
    client: httpx.AsyncClient, app: Any, make_user: Any, login: Any
) -> None:
    day = dt.datetime.now(ZoneInfo(app.state.settings.timezone)).date()
    admin = await make_user("admin")
    headers = {"Authorization": (await login(admin["email"]))["Authorization"]}
    async with app.state.database.engine.begin() as connection:
        await generate(connection, employees=60, today=day)
    async with session_scope(app.state.database, write=True) as session:
        await seed_leave(session, today=day, user_id=admin["id"])
    async with session_scope(app.state.database, write=True) as session:
        counts = await seed_requests(session, today=day, user_id=admin["id"])
    assert counts["requests"] == 8 and counts["duty_alerts"] >= 1
    listed = (await client.get("/api/requests", headers=headers)).json()["data"]
    states = {r["state"] for r in listed}
    assert states == {
        "submitted",
        "approved_by_site",
        "approved",
        "withdrawn",
        "rejected",
        "cancelled",
    }
    approved = next(r for r in listed if r["state"] == "approved" and r["type"] == "paid_leave")
    cards = (
        await client.get(
            "/api/attendance/timecards",
            headers=headers,
            params={"employee_id": approved["employee_id"], "state": "approved", "limit": 100},
        )
    ).json()["data"]
    marked = {c["work_date"] for c in cards if c["marker"] == "paid_leave"}
    assert set(approved["payload"]["dates"]) <= marked
    inbox = (await client.get("/api/notifications", headers=headers)).json()["data"]
    assert any(n["kind"] == "leave_duty_alert" for n in inbox)
