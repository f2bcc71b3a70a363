"""The housing area's rows of the route walk (tests/integration/test_policies.py)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.employees.factories import create_employee

C = "role>=coordinator"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/housing/apartments"): C,
    ("POST", "/api/housing/apartments"): C,
    ("GET", "/api/housing/apartments/{apartment_id}"): C,
    ("PATCH", "/api/housing/apartments/{apartment_id}"): C,
    ("DELETE", "/api/housing/apartments/{apartment_id}"): C,
    ("GET", "/api/housing/rooms"): C,
    ("POST", "/api/housing/rooms"): C,
    ("PATCH", "/api/housing/rooms/{room_id}"): C,
    ("DELETE", "/api/housing/rooms/{room_id}"): C,
    ("GET", "/api/housing/occupancies"): C,
    ("POST", "/api/housing/occupancies"): C,
    ("PATCH", "/api/housing/occupancies/{occupancy_id}"): C,
    ("DELETE", "/api/housing/occupancies/{occupancy_id}"): C,
    ("POST", "/api/housing/occupancies/{occupancy_id}/move-out"): C,
    ("GET", "/api/housing/occupancy"): C,
    ("GET", "/api/housing/deductions"): C,
    ("GET", "/api/housing/me"): "authenticated",
}


async def _created(http: httpx.AsyncClient, path: str, headers: dict[str, str], **body: Any) -> Any:
    response = await http.post(path, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def _apartment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> Any:
    return await _created(
        http,
        "/api/housing/apartments",
        ctx["admin_headers"],
        name="社宅",
        prefecture="23",
        address_line1="1",
    )


async def _room(http: httpx.AsyncClient, ctx: dict[str, Any]) -> Any:
    flat = await _apartment(http, ctx)
    return await _created(
        http,
        "/api/housing/rooms",
        ctx["admin_headers"],
        apartment_id=flat["id"],
        name="101",
        capacity=1,
        rent_per_occupant=30_000,
    )


async def _stay(http: httpx.AsyncClient, ctx: dict[str, Any]) -> Any:
    bed = await _room(http, ctx)
    worker = await create_employee(http, ctx["admin_headers"])
    return await _created(
        http,
        "/api/housing/occupancies",
        ctx["admin_headers"],
        employee_id=worker["id"],
        room_id=bed["id"],
        move_in="2026-04-01",
    )


async def create_apartment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/housing/apartments",
        headers=ctx["admin_headers"],
        json={"name": "社宅", "prefecture": "23", "address_line1": "1"},
    )


async def update_apartment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    flat = await _apartment(http, ctx)
    return await http.patch(
        f"/api/housing/apartments/{flat['id']}",
        headers=ctx["admin_headers"],
        json={"version": 1, "parking_spaces": 3},
    )


async def delete_apartment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    flat = await _apartment(http, ctx)
    return await http.delete(
        f"/api/housing/apartments/{flat['id']}",
        headers=ctx["admin_headers"],
        params={"version": 1},
    )


async def create_room(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    flat = await _apartment(http, ctx)
    return await http.post(
        "/api/housing/rooms",
        headers=ctx["admin_headers"],
        json={"apartment_id": flat["id"], "name": "102", "capacity": 2, "rent_per_occupant": 1},
    )


async def update_room(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    bed = await _room(http, ctx)
    return await http.patch(
        f"/api/housing/rooms/{bed['id']}",
        headers=ctx["admin_headers"],
        json={"version": 1, "capacity": 3},
    )


async def delete_room(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    bed = await _room(http, ctx)
    return await http.delete(
        f"/api/housing/rooms/{bed['id']}", headers=ctx["admin_headers"], params={"version": 1}
    )


async def move_in(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    bed = await _room(http, ctx)
    worker = await create_employee(http, ctx["admin_headers"])
    return await http.post(
        "/api/housing/occupancies",
        headers=ctx["admin_headers"],
        json={"employee_id": worker["id"], "room_id": bed["id"], "move_in": "2026-04-01"},
    )


async def update_stay(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    stay = await _stay(http, ctx)
    return await http.patch(
        f"/api/housing/occupancies/{stay['id']}",
        headers=ctx["admin_headers"],
        json={"version": 1, "monthly_rent": 28_000},
    )


async def delete_stay(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    stay = await _stay(http, ctx)
    return await http.delete(
        f"/api/housing/occupancies/{stay['id']}",
        headers=ctx["admin_headers"],
        params={"version": 1},
    )


async def move_out(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    stay = await _stay(http, ctx)
    return await http.post(
        f"/api/housing/occupancies/{stay['id']}/move-out",
        headers=ctx["admin_headers"],
        json={"version": 1, "move_out": "2026-04-30"},
    )


AUDIT: dict[tuple[str, str], Any] = {
    ("POST", "/api/housing/apartments"): create_apartment,
    ("PATCH", "/api/housing/apartments/{apartment_id}"): update_apartment,
    ("DELETE", "/api/housing/apartments/{apartment_id}"): delete_apartment,
    ("POST", "/api/housing/rooms"): create_room,
    ("PATCH", "/api/housing/rooms/{room_id}"): update_room,
    ("DELETE", "/api/housing/rooms/{room_id}"): delete_room,
    ("POST", "/api/housing/occupancies"): move_in,
    ("PATCH", "/api/housing/occupancies/{occupancy_id}"): update_stay,
    ("DELETE", "/api/housing/occupancies/{occupancy_id}"): delete_stay,
    ("POST", "/api/housing/occupancies/{occupancy_id}/move-out"): move_out,
}
