"""The leave area's rows of the route walk (tests/integration/test_policies.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.labor.civil_periods import add_months
from tests.integration.assignments.factories import make_employee
from tests.integration.leave.factories import granted_employee, today

A, M, C, AD = "authenticated", "role>=site_manager", "role>=coordinator", "role>=admin"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/leave/balances"): M,
    ("GET", "/api/leave/at-risk"): M,
    ("GET", "/api/leave/me"): A,
    ("GET", "/api/leave/employees/{employee_id}"): A,
    ("POST", "/api/leave/employees/{employee_id}/designations"): C,
    ("POST", "/api/leave/employees/{employee_id}/cancellations"): C,
    ("GET", "/api/leave/employees/{employee_id}/ledger.xlsx"): M,
    ("GET", "/api/leave/ledger.xlsx"): C,
    ("POST", "/api/leave/grants/run"): AD,
    ("GET", "/api/leave/settings"): C,
}

PAGES: dict[tuple[str, str], str] = {
    ("GET", "/leave"): M,
    ("GET", "/employees/{employee_id}/leave"): M,
    ("POST", "/employees/{employee_id}/leave/designations"): C,
    ("GET", "/employees/{employee_id}/leave/takings/{taking_id}/cancel"): C,
    ("POST", "/employees/{employee_id}/leave/takings/{taking_id}/cancel"): C,
}


def _soon() -> str:
    return (today() + dt.timedelta(days=14)).isoformat()


async def run(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    hired = add_months(today(), -7)
    worker = await make_employee(
        http, ctx["admin_headers"], hire_date=hired.isoformat(), term_type="indefinite"
    )
    return await http.post(
        "/api/leave/grants/run", headers=ctx["admin_headers"], json={"employee_id": worker["id"]}
    )


async def designate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    made = await granted_employee(http, ctx["admin_headers"])
    return await http.post(
        f"/api/leave/employees/{made['employee']['id']}/designations",
        headers=ctx["admin_headers"],
        json={"kind": "designation", "dates": [_soon()]},
    )


async def cancel(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    made = await granted_employee(http, ctx["admin_headers"])
    employee_id = made["employee"]["id"]
    done = await http.post(
        f"/api/leave/employees/{employee_id}/designations",
        headers=ctx["admin_headers"],
        json={"kind": "planned", "dates": [_soon()]},
    )
    assert done.status_code == 201, done.text
    return await http.post(
        f"/api/leave/employees/{employee_id}/cancellations",
        headers=ctx["admin_headers"],
        json={"taking_ids": done.json()["data"]["taking_ids"]},
    )


AUDIT: dict[tuple[str, str], Any] = {
    ("POST", "/api/leave/grants/run"): run,
    ("POST", "/api/leave/employees/{employee_id}/designations"): designate,
    ("POST", "/api/leave/employees/{employee_id}/cancellations"): cancel,
}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/leave/grants/run"): [("leave_ledger", "grant")],
    ("POST", "/api/leave/employees/{employee_id}/designations"): [("leave_ledger", "designate")],
    ("POST", "/api/leave/employees/{employee_id}/cancellations"): [("leave_ledger", "cancel")],
}
__all__ = ["ACCESS", "AUDIT", "EXPECTED_AUDIT", "PAGES"]
