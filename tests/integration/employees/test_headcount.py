"""Headcount by client and site: API, scope, query count, home page panel."""

from __future__ import annotations

from typing import Any

import httpx

from haken.modules.employees.service import employees_service
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.assignments.factories import make_employee, make_unit


async def test_headcount_by_site_and_scope(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    north = await make_unit(client, coordinator)
    south = await make_unit(client, coordinator)
    placed_north = [await make_employee(client, coordinator) for _ in range(3)]
    placed_south = [await make_employee(client, coordinator)]
    unplaced = await make_employee(client, coordinator)
    async with session_scope(app.state.database, write=True) as session:
        for employee in placed_north:
            await employees_service.set_current_placement(
                session,
                employee_id=employee["id"],
                client_id=north["client_id"],
                site_id=north["site_id"],
            )
        await employees_service.set_current_placement(
            session,
            employee_id=placed_south[0]["id"],
            client_id=south["client_id"],
            site_id=south["site_id"],
        )
    assert unplaced["id"] not in {e["id"] for e in placed_north}

    # principal + counts + site labels
    with cache_bypass(), assert_num_queries(3):
        response = await client.get("/api/employees/headcount", headers=coordinator)
    data = response.json()["data"]
    assert data["total"] == 5
    assert data["unplaced"] == 1
    assert data["placed"] == 4
    assert data["not_dispatched"] == 0
    assert data["total"] == data["placed"] + data["unplaced"] + data["not_dispatched"]
    assert sum(row["headcount"] for row in data["by_site"]) == data["placed"]
    assert [(row["site_id"], row["headcount"]) for row in data["by_site"]] == [
        (north["site_id"], 3),
        (south["site_id"], 1),
    ]
    assert data["by_site"][0]["client_id"] == north["client_id"]
    assert data["by_site"][0]["site_name"].startswith("第")

    manager = await make_user("site_manager", site_ids=[south["site_id"]])
    manager_headers = {"Authorization": (await login(manager["email"]))["Authorization"]}
    scoped = (await client.get("/api/employees/headcount", headers=manager_headers)).json()["data"]
    assert scoped == {
        "total": 1,
        "placed": 1,
        "unplaced": 0,
        "not_dispatched": 0,
        "by_site": [
            {
                "client_id": south["client_id"],
                "client_name": data["by_site"][1]["client_name"],
                "site_id": south["site_id"],
                "site_name": data["by_site"][1]["site_name"],
                "headcount": 1,
            }
        ],
    }
    employee = await auth_headers("employee")
    assert (await client.get("/api/employees/headcount", headers=employee)).status_code == 403

    home = await client.get("/", headers=coordinator)
    assert home.status_code == 200
    assert "派遣先・事業所別の人数" in home.text
    assert data["by_site"][0]["site_name"] in home.text
