"""The clients area's rows of the route walk (tests/integration/test_policies.py):
the policy each route must have and a scenario per write that must leave an audit row."""

from __future__ import annotations

from typing import Any

import httpx

R, C = "role>=site_manager", "role>=coordinator"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/clients"): R,
    ("POST", "/api/clients"): C,
    ("GET", "/api/clients/{client_id}"): R,
    ("PATCH", "/api/clients/{client_id}"): C,
    ("DELETE", "/api/clients/{client_id}"): C,
    ("GET", "/api/clients/{client_id}/contacts"): R,
    ("POST", "/api/clients/{client_id}/contacts"): C,
    ("PATCH", "/api/clients/{client_id}/contacts/{contact_id}"): C,
    ("DELETE", "/api/clients/{client_id}/contacts/{contact_id}"): C,
    ("GET", "/api/sites"): R,
    ("POST", "/api/sites"): C,
    ("GET", "/api/sites/{site_id}"): R,
    ("PATCH", "/api/sites/{site_id}"): C,
    ("DELETE", "/api/sites/{site_id}"): C,
    ("POST", "/api/sites/{site_id}/extensions"): C,
    ("GET", "/api/units"): R,
    ("POST", "/api/units"): C,
    ("GET", "/api/units/{unit_id}"): R,
    ("PATCH", "/api/units/{unit_id}"): C,
    ("DELETE", "/api/units/{unit_id}"): C,
}


async def _created(http: httpx.AsyncClient, path: str, headers: dict[str, str], **body: Any) -> Any:
    response = await http.post(path, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def _client(http: httpx.AsyncClient, ctx: dict[str, Any]) -> Any:
    return await _created(http, "/api/clients", ctx["admin_headers"], name="監査株式会社")


async def _site(http: httpx.AsyncClient, ctx: dict[str, Any], **fields: Any) -> Any:
    owner = await _client(http, ctx)
    body = {"client_id": owner["id"], "name": "工場", "prefecture": "23", "address_line1": "1"}
    return await _created(http, "/api/sites", ctx["admin_headers"], **{**body, **fields})


async def _unit(http: httpx.AsyncClient, ctx: dict[str, Any]) -> Any:
    site = await _site(http, ctx)
    return await _created(http, "/api/units", ctx["admin_headers"], site_id=site["id"], name="1課")


async def _contact(http: httpx.AsyncClient, ctx: dict[str, Any]) -> Any:
    owner = await _client(http, ctx)
    return await _created(
        http,
        f"/api/clients/{owner['id']}/contacts",
        ctx["admin_headers"],
        name="経理 担当",
        email="billing@test.example",
    )


async def create_client(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post("/api/clients", headers=ctx["admin_headers"], json={"name": "新規"})


async def update_client(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _client(http, ctx)
    return await http.patch(
        f"/api/clients/{row['id']}", headers=ctx["admin_headers"], json={"version": 1, "notes": "x"}
    )


async def delete_client(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _client(http, ctx)
    return await http.delete(
        f"/api/clients/{row['id']}", headers=ctx["admin_headers"], params={"version": 1}
    )


async def create_contact(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _client(http, ctx)
    return await http.post(
        f"/api/clients/{row['id']}/contacts",
        headers=ctx["admin_headers"],
        json={"name": "営業 担当", "email": "sales@test.example"},
    )


async def update_contact(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _contact(http, ctx)
    return await http.patch(
        f"/api/clients/{row['client_id']}/contacts/{row['id']}",
        headers=ctx["admin_headers"],
        json={"version": 1, "email": "other@test.example"},
    )


async def delete_contact(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _contact(http, ctx)
    return await http.delete(
        f"/api/clients/{row['client_id']}/contacts/{row['id']}",
        headers=ctx["admin_headers"],
        params={"version": 1},
    )


async def create_site(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    owner = await _client(http, ctx)
    return await http.post(
        "/api/sites",
        headers=ctx["admin_headers"],
        json={"client_id": owner["id"], "name": "工場", "prefecture": "23", "address_line1": "1"},
    )


async def update_site(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _site(http, ctx)
    return await http.patch(
        f"/api/sites/{row['id']}",
        headers=ctx["admin_headers"],
        json={"version": 1, "manager_name": "田中"},
    )


async def delete_site(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _site(http, ctx)
    return await http.delete(
        f"/api/sites/{row['id']}", headers=ctx["admin_headers"], params={"version": 1}
    )


async def extend_site(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _site(http, ctx, dispatch_started_on="2026-04-01")
    return await http.post(
        f"/api/sites/{row['id']}/extensions",
        headers=ctx["admin_headers"],
        json={"version": 1, "hearing_date": "2029-01-15", "heard_party": "過半数代表者"},
    )


async def create_unit(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    site = await _site(http, ctx)
    return await http.post(
        "/api/units", headers=ctx["admin_headers"], json={"site_id": site["id"], "name": "2課"}
    )


async def update_unit(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _unit(http, ctx)
    return await http.patch(
        f"/api/units/{row['id']}",
        headers=ctx["admin_headers"],
        json={"version": 1, "supervisor_name": "鈴木"},
    )


async def delete_unit(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    row = await _unit(http, ctx)
    return await http.delete(
        f"/api/units/{row['id']}", headers=ctx["admin_headers"], params={"version": 1}
    )


AUDIT: dict[tuple[str, str], Any] = {
    ("POST", "/api/clients"): create_client,
    ("PATCH", "/api/clients/{client_id}"): update_client,
    ("DELETE", "/api/clients/{client_id}"): delete_client,
    ("POST", "/api/clients/{client_id}/contacts"): create_contact,
    ("PATCH", "/api/clients/{client_id}/contacts/{contact_id}"): update_contact,
    ("DELETE", "/api/clients/{client_id}/contacts/{contact_id}"): delete_contact,
    ("POST", "/api/sites"): create_site,
    ("PATCH", "/api/sites/{site_id}"): update_site,
    ("DELETE", "/api/sites/{site_id}"): delete_site,
    ("POST", "/api/sites/{site_id}/extensions"): extend_site,
    ("POST", "/api/units"): create_unit,
    ("PATCH", "/api/units/{unit_id}"): update_unit,
    ("DELETE", "/api/units/{unit_id}"): delete_unit,
}
