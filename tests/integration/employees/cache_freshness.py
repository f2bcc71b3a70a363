"""Freshness scenarios for every write route of the employees area (cached: the list).

Driven by tests/integration/cache/test_write_freshness.py. The employee list is
invalidated by any write to the employees table (``invalidate_on_write``), so
the hire from the candidates area and a placement from the assignments area are
proved here too, although those areas have no cached reads of their own.
"""

from __future__ import annotations

from typing import Any

from tests.integration.cache.freshness import FreshnessContext, scenario
from tests.integration.employees.factories import candidate_body, create_employee, employee_body

LIST = "/api/employees?limit=50"


async def _office(ctx: FreshnessContext) -> dict[str, str]:
    return await ctx.auth_headers("admin")


async def _primed_employee(ctx: FreshnessContext) -> tuple[dict[str, str], dict[str, Any]]:
    admin = await _office(ctx)
    row = await create_employee(ctx.client, admin)
    await ctx.prime(admin, LIST, f"{LIST}&q=Nguyen")
    return admin, row


@scenario("POST", "/api/employees", also=[("POST", "/employees")])
async def create(ctx: FreshnessContext) -> None:
    admin = await _office(ctx)
    await ctx.prime(admin, LIST)
    response = await ctx.client.post("/api/employees", headers=admin, json=employee_body())
    assert response.status_code == 201, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)


@scenario("PATCH", "/api/employees/{employee_id}", also=[("POST", "/employees/{employee_id}")])
async def update(ctx: FreshnessContext) -> None:
    admin, row = await _primed_employee(ctx)
    response = await ctx.client.patch(
        f"/api/employees/{row['id']}",
        headers=admin,
        json={"version": row["version"], "city": "豊田市"},
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, f"{LIST}&q=Nguyen", changed=True)


@scenario("DELETE", "/api/employees/{employee_id}")
async def archive(ctx: FreshnessContext) -> None:
    admin, row = await _primed_employee(ctx)
    response = await ctx.client.delete(
        f"/api/employees/{row['id']}?version={row['version']}", headers=admin
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)


@scenario("POST", "/api/employees/{employee_id}/restore")
async def restore(ctx: FreshnessContext) -> None:
    admin = await _office(ctx)
    row = await create_employee(ctx.client, admin)
    archived = await ctx.client.delete(
        f"/api/employees/{row['id']}?version={row['version']}", headers=admin
    )
    assert archived.status_code == 200, archived.text
    await ctx.prime(admin, LIST)
    response = await ctx.client.post(
        f"/api/employees/{row['id']}/restore",
        headers=admin,
        json={"version": archived.json()["data"]["version"]},
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)


@scenario("PUT", "/api/employees/{employee_id}/contract-periods")
async def contract_periods(ctx: FreshnessContext) -> None:
    admin, row = await _primed_employee(ctx)
    response = await ctx.client.put(
        f"/api/employees/{row['id']}/contract-periods",
        headers=admin,
        json={
            "version": row["version"],
            "periods": [
                {"start_date": "2020-04-01", "end_date": "2023-03-31"},
                {"start_date": "2023-04-01", "end_date": "2026-03-31"},
            ],
        },
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)  # the 無期転換 date and the version


@scenario(
    "PUT",
    "/api/employees/{employee_id}/dependants",
    also=[("POST", "/employees/{employee_id}/dependants")],
)
async def dependants(ctx: FreshnessContext) -> None:
    admin, row = await _primed_employee(ctx)
    response = await ctx.client.put(
        f"/api/employees/{row['id']}/dependants",
        headers=admin,
        json={
            "version": row["version"],
            "dependants": [
                {"name": "阮 氏花", "relationship": "spouse", "birth_date": "1996-01-02"}
            ],
        },
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)  # the row's version


@scenario(
    "POST",
    "/api/employees/{employee_id}/reveal",
    also=[("POST", "/employees/{employee_id}/reveal")],
)
async def reveal(ctx: FreshnessContext) -> None:
    admin, row = await _primed_employee(ctx)
    response = await ctx.client.post(
        f"/api/employees/{row['id']}/reveal",
        headers=admin,
        json={"fields": ["my_number"], "purpose": "源泉徴収票の作成"},
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=False)  # only an audit row is written


@scenario(
    "POST",
    "/api/candidates/{candidate_id}/hire",
    also=[("POST", "/candidates/{candidate_id}/hire")],
)
async def hire_from_another_area(ctx: FreshnessContext) -> None:
    admin = await _office(ctx)
    created = await ctx.client.post("/api/candidates", headers=admin, json=candidate_body())
    assert created.status_code == 201, created.text
    candidate = created.json()["data"]
    for step in ("screening", "interview", "offered"):
        moved = await ctx.client.post(
            f"/api/candidates/{candidate['id']}/status",
            headers=admin,
            json={"version": candidate["version"], "status": step},
        )
        assert moved.status_code == 200, moved.text
        candidate = moved.json()["data"]
    await ctx.prime(admin, LIST)
    hired = await ctx.client.post(
        f"/api/candidates/{candidate['id']}/hire",
        headers=admin,
        json={
            "version": candidate["version"],
            "employment_type": "dispatch",
            "hire_date": "2026-12-01",
        },
    )
    assert hired.status_code == 201, hired.text
    await ctx.assert_fresh(admin, LIST, changed=True)
