"""Issue 13 item 8: a user's links fit the role and point at rows that exist."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.clients.test_endpoints import make_client, make_site
from tests.integration.employees.factories import create_employee


def code_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def _user(email: str, role: str, **links: Any) -> dict[str, Any]:
    return {"email": email, "password": "long-enough-password", "role": role, **links}


async def test_only_an_employee_links_to_an_employee_record(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    employee = await create_employee(client, admin)
    coordinator = await client.post(
        "/api/users",
        headers=admin,
        json=_user("coord@test.example", "coordinator", employee_id=employee["id"]),
    )
    assert coordinator.status_code == 422
    assert code_of(coordinator) == "USER_EMPLOYEE_LINK_ROLE"
    # The refusal used nothing up: the employee's own account can still be linked.
    own = await client.post(
        "/api/users",
        headers=admin,
        json=_user("self@test.example", "employee", employee_id=employee["id"]),
    )
    assert own.status_code == 201, own.text
    assert own.json()["data"]["employee_id"] == employee["id"]
    # One account per employee record: a second account cannot claim the same record.
    claimed = await client.post(
        "/api/users",
        headers=admin,
        json=_user("second@test.example", "employee", employee_id=employee["id"]),
    )
    assert claimed.status_code == 422
    assert code_of(claimed) == "USER_EMPLOYEE_INVALID"
    missing = await client.post(
        "/api/users",
        headers=admin,
        json=_user("ghost@test.example", "employee", employee_id=999999),
    )
    assert code_of(missing) == "USER_EMPLOYEE_INVALID"


async def test_only_site_managers_have_sites_and_the_sites_exist(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    site = await make_site(client, admin, (await make_client(client, admin))["id"])
    unknown = await client.post(
        "/api/users",
        headers=admin,
        json=_user("sm@test.example", "site_manager", site_ids=[site["id"], 999999]),
    )
    assert unknown.status_code == 422
    assert code_of(unknown) == "USER_SITE_INVALID"
    assert "999999" in unknown.json()["error"]["message"]
    wrong_role = await client.post(
        "/api/users",
        headers=admin,
        json=_user("co@test.example", "coordinator", site_ids=[site["id"]]),
    )
    assert code_of(wrong_role) == "USER_SITES_ROLE"
    listing = await client.get("/api/users", headers=admin)
    assert [u["role"] for u in listing.json()["data"]] == ["admin"]  # nothing half-written
    created = await client.post(
        "/api/users",
        headers=admin,
        json=_user("sm@test.example", "site_manager", site_ids=[site["id"]]),
    )
    assert created.status_code == 201, created.text
    user = created.json()["data"]
    moved = await client.put(
        f"/api/users/{user['id']}/role",
        headers=admin,
        json={"role": "site_manager", "version": user["version"], "site_ids": [999999]},
    )
    assert code_of(moved) == "USER_SITE_INVALID"


async def test_leaving_the_employee_role_drops_the_employee_link(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    employee = await create_employee(client, admin)
    created = await client.post(
        "/api/users",
        headers=admin,
        json=_user("self@test.example", "employee", employee_id=employee["id"]),
    )
    user = created.json()["data"]
    promoted = await client.put(
        f"/api/users/{user['id']}/role",
        headers=admin,
        json={"role": "coordinator", "version": user["version"]},
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["data"]["employee_id"] is None
