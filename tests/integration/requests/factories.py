"""Building blocks of the requests tests: a placed worker with paid leave granted, their own
account, the site manager of their site and an admin, each signed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from tests.integration.leave.factories import granted_employee, today


async def people(
    http: httpx.AsyncClient, make_user: Any, login: Any, *, months: int = 7
) -> dict[str, Any]:
    admin = await make_user("admin")
    admin_headers = {"Authorization": (await login(admin["email"]))["Authorization"]}
    made = await granted_employee(http, admin_headers, months=months)
    worker = await make_user("employee", employee_id=made["employee"]["id"])
    manager = await make_user("site_manager", site_ids=[made["site_id"]])
    other_manager = await make_user("site_manager", site_ids=[made["site_id"] + 999])
    out: dict[str, Any] = {
        **made,
        "employee_id": made["employee"]["id"],
        "admin": admin,
        "worker": worker,
        "manager": manager,
        "other_manager": other_manager,
        "admin_headers": admin_headers,
    }
    for name in ("worker", "manager", "other_manager"):
        tokens = await login(out[name]["email"])
        out[f"{name}_headers"] = {"Authorization": tokens["Authorization"]}
    return out


def soon(days: int = 14) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


async def submit(
    http: httpx.AsyncClient, headers: dict[str, str], payload: dict[str, Any], **body: Any
) -> dict[str, Any]:
    response = await http.post("/api/requests", headers=headers, json={"payload": payload, **body})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def act(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    request: dict[str, Any],
    action: str,
    comment: str = "",
) -> httpx.Response:
    return await http.post(
        f"/api/requests/{request['id']}/{action}",
        headers=headers,
        json={"version": request["version"], "comment": comment},
    )
