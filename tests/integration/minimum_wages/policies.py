"""The minimum-wage area's rows of the route walk (tests/integration/test_policies.py)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.minimum_wages.factories import year_body

C = "role>=coordinator"
A = "role>=admin"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/minimum-wages"): C,
    ("GET", "/api/minimum-wages/{fiscal_year}"): C,
    ("POST", "/api/minimum-wages"): A,
    ("DELETE", "/api/minimum-wages/{fiscal_year}"): A,
}
PAGES: dict[tuple[str, str], str] = {
    ("GET", "/minimum-wages"): C,
    ("GET", "/minimum-wages/new"): A,
    ("POST", "/minimum-wages"): A,
    ("GET", "/minimum-wages/{fiscal_year}/delete"): A,
    ("POST", "/minimum-wages/{fiscal_year}/delete"): A,
}


async def add_year(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post("/api/minimum-wages", headers=ctx["admin_headers"], json=year_body(2030))


async def delete_year(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    added = await add_year(http, ctx)
    assert added.status_code == 201, added.text
    return await http.delete("/api/minimum-wages/2030", headers=ctx["admin_headers"])


AUDIT: dict[tuple[str, str], Any] = {
    ("POST", "/api/minimum-wages"): add_year,
    ("DELETE", "/api/minimum-wages/{fiscal_year}"): delete_year,
}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/minimum-wages"): [("minimum_wage_year", "create")],
    ("DELETE", "/api/minimum-wages/{fiscal_year}"): [("minimum_wage_year", "delete")],
}
