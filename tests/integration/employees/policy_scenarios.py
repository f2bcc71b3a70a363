"""The employees' and candidates' entries of the route walk (tests/integration/test_policies.py):
the policy each route must have, and one audited scenario per write route."""

from __future__ import annotations

from typing import Any

import httpx

from tests.images import png
from tests.integration.employees.factories import candidate_body, employee_body

PNG = png()

PEOPLE_ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/employees"): "authenticated",
    ("POST", "/api/employees"): "role>=coordinator",
    ("GET", "/api/employees/residence-expiring"): "role>=site_manager",
    ("GET", "/api/employees/headcount"): "role>=site_manager",
    ("GET", "/api/employees/{employee_id}"): "authenticated",
    ("PATCH", "/api/employees/{employee_id}"): "role>=coordinator",
    ("DELETE", "/api/employees/{employee_id}"): "role>=coordinator",
    ("PUT", "/api/employees/{employee_id}/contract-periods"): "role>=coordinator",
    ("PUT", "/api/employees/{employee_id}/dependants"): "role>=coordinator",
    ("POST", "/api/employees/{employee_id}/restore"): "role>=coordinator",
    ("POST", "/api/employees/{employee_id}/reveal"): "role>=admin",
    ("GET", "/api/candidates"): "role>=coordinator",
    ("POST", "/api/candidates"): "role>=coordinator",
    ("GET", "/api/candidates/residence-expiring"): "role>=coordinator",
    ("GET", "/api/candidates/{candidate_id}"): "role>=coordinator",
    ("PATCH", "/api/candidates/{candidate_id}"): "role>=coordinator",
    ("DELETE", "/api/candidates/{candidate_id}"): "role>=coordinator",
    ("POST", "/api/candidates/{candidate_id}/status"): "role>=coordinator",
    ("POST", "/api/candidates/{candidate_id}/hire"): "role>=coordinator",
    ("PUT", "/api/candidates/{candidate_id}/photo"): "role>=coordinator",
    ("GET", "/api/candidates/{candidate_id}/photo"): "role>=coordinator",
    ("POST", "/api/candidates/{candidate_id}/reveal"): "role>=admin",
}


async def _employee(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    response = await http.post("/api/employees", headers=ctx["admin_headers"], json=employee_body())
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


async def _candidate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(
        "/api/candidates", headers=ctx["admin_headers"], json=candidate_body()
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


async def _create_employee(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post("/api/employees", headers=ctx["admin_headers"], json=employee_body())


async def _update_employee(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _employee(http, ctx)
    return await http.patch(
        f"/api/employees/{row['id']}",
        headers=ctx["admin_headers"],
        json={"version": row["version"], "city": "豊田市"},
    )


async def _archive_employee(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _employee(http, ctx)
    return await http.delete(
        f"/api/employees/{row['id']}?version={row['version']}", headers=ctx["admin_headers"]
    )


async def _restore_employee(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _employee(http, ctx)
    archived = await http.delete(
        f"/api/employees/{row['id']}?version={row['version']}", headers=ctx["admin_headers"]
    )
    return await http.post(
        f"/api/employees/{row['id']}/restore",
        headers=ctx["admin_headers"],
        json={"version": archived.json()["data"]["version"]},
    )


async def _periods(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _employee(http, ctx)
    return await http.put(
        f"/api/employees/{row['id']}/contract-periods",
        headers=ctx["admin_headers"],
        json={
            "version": row["version"],
            "periods": [{"start_date": "2024-04-01", "end_date": "2025-03-31"}],
        },
    )


async def _dependants(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _employee(http, ctx)
    return await http.put(
        f"/api/employees/{row['id']}/dependants",
        headers=ctx["admin_headers"],
        json={
            "version": row["version"],
            "dependants": [
                {"name": "阮 氏花", "relationship": "spouse", "birth_date": "1996-01-02"}
            ],
        },
    )


async def _reveal_employee(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _employee(http, ctx)
    return await http.post(
        f"/api/employees/{row['id']}/reveal",
        headers=ctx["admin_headers"],
        json={"fields": ["my_number"], "purpose": "源泉徴収票の作成"},
    )


async def _create_candidate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post("/api/candidates", headers=ctx["admin_headers"], json=candidate_body())


async def _update_candidate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _candidate(http, ctx)
    return await http.patch(
        f"/api/candidates/{row['id']}",
        headers=ctx["admin_headers"],
        json={"version": row["version"], "jlpt_level": "N2"},
    )


async def _status(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _candidate(http, ctx)
    return await http.post(
        f"/api/candidates/{row['id']}/status",
        headers=ctx["admin_headers"],
        json={"version": row["version"], "status": "screening"},
    )


async def _hire(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _candidate(http, ctx)
    for step in ("screening", "interview", "offered"):
        response = await http.post(
            f"/api/candidates/{row['id']}/status",
            headers=ctx["admin_headers"],
            json={"version": row["version"], "status": step},
        )
        row = response.json()["data"]
    return await http.post(
        f"/api/candidates/{row['id']}/hire",
        headers=ctx["admin_headers"],
        json={
            "version": row["version"],
            "employment_type": "dispatch",
            "hire_date": "2026-12-01",
        },
    )


async def _delete_candidate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _candidate(http, ctx)
    return await http.delete(
        f"/api/candidates/{row['id']}?version={row['version']}", headers=ctx["admin_headers"]
    )


async def _photo(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _candidate(http, ctx)
    return await http.put(
        f"/api/candidates/{row['id']}/photo",
        headers=ctx["admin_headers"],
        files={"file": ("face.png", PNG, "image/png")},
        data={"version": str(row["version"])},
    )


async def _reveal_candidate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _candidate(http, ctx)
    return await http.post(
        f"/api/candidates/{row['id']}/reveal",
        headers=ctx["admin_headers"],
        json={"fields": ["residence_card_number"], "purpose": "在留カード確認"},
    )


PEOPLE_SCENARIOS: dict[tuple[str, str], Any] = {
    ("POST", "/api/employees"): _create_employee,
    ("PATCH", "/api/employees/{employee_id}"): _update_employee,
    ("DELETE", "/api/employees/{employee_id}"): _archive_employee,
    ("POST", "/api/employees/{employee_id}/restore"): _restore_employee,
    ("PUT", "/api/employees/{employee_id}/contract-periods"): _periods,
    ("PUT", "/api/employees/{employee_id}/dependants"): _dependants,
    ("POST", "/api/employees/{employee_id}/reveal"): _reveal_employee,
    ("POST", "/api/candidates"): _create_candidate,
    ("PATCH", "/api/candidates/{candidate_id}"): _update_candidate,
    ("POST", "/api/candidates/{candidate_id}/status"): _status,
    ("POST", "/api/candidates/{candidate_id}/hire"): _hire,
    ("DELETE", "/api/candidates/{candidate_id}"): _delete_candidate,
    ("PUT", "/api/candidates/{candidate_id}/photo"): _photo,
    ("POST", "/api/candidates/{candidate_id}/reveal"): _reveal_candidate,
}
