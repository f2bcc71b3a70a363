"""The offices area's rows of the route walk (tests/integration/test_policies.py)."""

from __future__ import annotations

from typing import Any

import httpx

C = "role>=coordinator"
A = "role>=admin"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/offices"): C,
    ("GET", "/api/offices/{office_id}"): C,
    ("POST", "/api/offices"): A,
    ("PATCH", "/api/offices/{office_id}"): A,
}
PAGES: dict[tuple[str, str], str] = {
    ("GET", "/admin/offices"): A,
    ("GET", "/admin/offices/new"): A,
    ("POST", "/admin/offices"): A,
    ("GET", "/admin/offices/{office_id}/edit"): A,
    ("POST", "/admin/offices/{office_id}"): A,
}
BRANCH = {
    "name": "豊田営業所",
    "address": "愛知県豊田市西町1-200",
    "phone": "0565-00-2222",
    "manager_name": "鈴木 真理子",
}


async def create_office(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post("/api/offices", headers=ctx["admin_headers"], json=BRANCH)


async def update_office(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    head = await http.post(
        "/api/offices", headers=ctx["admin_headers"], json={**BRANCH, "name": "名古屋本社"}
    )
    assert head.status_code == 201, head.text  # the first office: the default
    created = await create_office(http, ctx)
    assert created.status_code == 201, created.text
    office = created.json()["data"]
    return await http.patch(
        f"/api/offices/{office['id']}",
        headers=ctx["admin_headers"],
        json={"version": office["version"], "manager_name": "佐藤 花子", "archived": True},
    )


AUDIT: dict[tuple[str, str], Any] = {
    ("POST", "/api/offices"): create_office,
    ("PATCH", "/api/offices/{office_id}"): update_office,
}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/offices"): [("office", "create")],
    ("PATCH", "/api/offices/{office_id}"): [("office", "update")],
}
