"""The assignments area's rows of the route walk (tests/integration/test_policies.py):
the policy each route must have and a scenario per write that must leave an audit row."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.assignments.factories import (
    assign,
    make_contract,
    make_employee,
    make_unit,
)

A, R, C = "authenticated", "role>=site_manager", "role>=coordinator"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/contracts"): R,
    ("POST", "/api/contracts"): C,
    ("GET", "/api/contracts/{contract_id}"): R,
    ("PATCH", "/api/contracts/{contract_id}"): C,
    ("DELETE", "/api/contracts/{contract_id}"): C,
    ("GET", "/api/assignments"): R,
    ("POST", "/api/assignments"): C,
    ("GET", "/api/assignments/me"): A,
    ("GET", "/api/assignments/conflicts"): R,
    ("GET", "/api/assignments/{assignment_id}"): R,
    ("PATCH", "/api/assignments/{assignment_id}"): C,
    ("DELETE", "/api/assignments/{assignment_id}"): C,
    ("POST", "/api/assignments/{assignment_id}/end"): C,
    ("GET", "/api/assignments/{assignment_id}/rates"): C,
    ("POST", "/api/assignments/{assignment_id}/rates"): C,
    ("GET", "/api/assignments/{assignment_id}/conflict-dates"): R,
    ("GET", "/api/assignments/prior-periods"): R,
    ("POST", "/api/assignments/prior-periods"): C,
    ("DELETE", "/api/assignments/prior-periods/{period_id}"): C,
}


async def _contract(http: httpx.AsyncClient, ctx: dict[str, Any]) -> Any:
    place = await make_unit(http, ctx["admin_headers"])
    return await make_contract(http, ctx["admin_headers"], place["unit_id"])


async def _assignment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> Any:
    contract = await _contract(http, ctx)
    worker = await make_employee(http, ctx["admin_headers"])
    return await assign(http, ctx["admin_headers"], contract["id"], worker["id"])


async def _create_contract(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await make_unit(http, ctx["admin_headers"])
    return await http.post(
        "/api/contracts",
        headers=ctx["admin_headers"],
        json={
            "contract_number": "AUDIT-1", "unit_id": place["unit_id"], "status": "active",
            "period_start": "2026-04-01", "period_end": "2027-03-31", "work_content": "組立",
        },
    )  # fmt: skip


async def _update_contract(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    contract = await _contract(http, ctx)
    return await http.patch(
        f"/api/contracts/{contract['id']}",
        headers=ctx["admin_headers"],
        json={"version": contract["version"], "notes": "更新"},
    )


async def _delete_contract(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    contract = await _contract(http, ctx)
    return await http.delete(
        f"/api/contracts/{contract['id']}",
        headers=ctx["admin_headers"],
        params={"version": contract["version"]},
    )


async def _create_assignment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    contract = await _contract(http, ctx)
    worker = await make_employee(http, ctx["admin_headers"])
    return await http.post(
        "/api/assignments",
        headers=ctx["admin_headers"],
        json={
            "contract_id": contract["id"], "employee_id": worker["id"],
            "start_date": "2026-04-01", "end_date": "2027-03-31",
            "rate": {"hourly_pay": "1300"},
        },
    )  # fmt: skip


async def _update_assignment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _assignment(http, ctx)
    return await http.patch(
        f"/api/assignments/{row['id']}",
        headers=ctx["admin_headers"],
        json={"version": row["version"], "notes": "メモ"},
    )


async def _cancel_assignment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _assignment(http, ctx)
    return await http.delete(
        f"/api/assignments/{row['id']}",
        headers=ctx["admin_headers"],
        params={"version": row["version"]},
    )


async def _end_assignment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _assignment(http, ctx)
    return await http.post(
        f"/api/assignments/{row['id']}/end",
        headers=ctx["admin_headers"],
        json={"version": row["version"], "end_date": "2026-06-30", "reason": "契約終了"},
    )


async def _change_rate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _assignment(http, ctx)
    return await http.post(
        f"/api/assignments/{row['id']}/rates",
        headers=ctx["admin_headers"],
        json={"version": row["version"], "effective_from": "2026-07-01", "hourly_pay": "1400"},
    )


async def _prior_period(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await make_unit(http, ctx["admin_headers"])
    worker = await make_employee(http, ctx["admin_headers"])
    return await http.post(
        "/api/assignments/prior-periods",
        headers=ctx["admin_headers"],
        json={
            "employee_id": worker["id"], "unit_id": place["unit_id"],
            "start_date": "2024-04-01", "end_date": "2026-03-31", "source_note": "他社派遣",
        },
    )  # fmt: skip


async def _delete_prior_period(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    created = await _prior_period(http, ctx)
    assert created.status_code == 201, created.text
    period_id = created.json()["data"]["id"]
    return await http.delete(
        f"/api/assignments/prior-periods/{period_id}", headers=ctx["admin_headers"]
    )


AUDIT = {
    ("POST", "/api/contracts"): _create_contract,
    ("PATCH", "/api/contracts/{contract_id}"): _update_contract,
    ("DELETE", "/api/contracts/{contract_id}"): _delete_contract,
    ("POST", "/api/assignments"): _create_assignment,
    ("PATCH", "/api/assignments/{assignment_id}"): _update_assignment,
    ("DELETE", "/api/assignments/{assignment_id}"): _cancel_assignment,
    ("POST", "/api/assignments/{assignment_id}/end"): _end_assignment,
    ("POST", "/api/assignments/{assignment_id}/rates"): _change_rate,
}
AUDIT[("POST", "/api/assignments/prior-periods")] = _prior_period
AUDIT[("DELETE", "/api/assignments/prior-periods/{period_id}")] = _delete_prior_period

EXPECTED_AUDIT = {
    ("POST", "/api/assignments/prior-periods"): [("prior_dispatch_period", "create")],
    ("DELETE", "/api/assignments/prior-periods/{period_id}"): [("prior_dispatch_period", "delete")],
}
