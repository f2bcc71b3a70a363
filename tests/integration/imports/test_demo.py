"""The demo's imports (``haken demo seed``): a past file of every kind, so the import
history page shows each; the organisation files and the placement committed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.modules.demo.generator import generate
from haken.modules.demo.master_imports import seed_master_imports
from haken.platform.db import session_scope

TODAY = dt.date(2026, 11, 28)


async def test_the_demo_has_a_past_import_of_every_kind(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    async with app.state.database.engine.begin() as connection:
        await generate(connection, employees=40, today=TODAY)
    async with session_scope(app.state.database, write=True) as session:
        counts = await seed_master_imports(session, today=TODAY, user_id=1)
    assert counts["master_imports"] == 6
    headers = await auth_headers("coordinator")
    listed = (await client.get("/api/imports", headers=headers)).json()["data"]
    states = {item["target"]: item["state"] for item in listed}
    assert states == {
        "employees": "committed",
        "candidates": "checked",  # left with its problem, as a report to read
        "clients": "committed",
        "sites": "committed",
        "units": "committed",
        "assignments": "committed",
    }
    # 5 employees, 1 client, 1 site, 2 units, 1 placement
    assert counts["master_import_rows"] == 10
