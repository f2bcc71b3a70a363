"""Every housing list, with each filter and sort, reads its large tables through an index:
a few thousand rows, ANALYZE, then the plan of every statement the request ran."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import insert

from haken.modules.housing.models import Apartment, Occupancy, Room
from haken.platform.jptext import search_key
from tests.helpers_explain import analyze, assert_no_full_scan, capture_statements
from tests.integration.housing.test_endpoints import employee

APARTMENTS = 2000
ROOMS_PER = 4  # 8,000 rooms
WORKERS = 16
STAYS_PER = 400  # 6,400 stays
LARGE = {"housing_apartments", "housing_rooms", "housing_occupancies"}
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


async def _fill(app: Any, employee_ids: list[int]) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    apartments, rooms, stays = [], [], []
    for i in range(1, APARTMENTS + 1):
        name = f"{KANA[i % len(KANA)]}{KANA[(i * 7) % len(KANA)]}荘{i}"
        stamp = base + dt.timedelta(minutes=i)
        apartments.append(
            {
                "id": i,
                "name": name,
                "name_key": search_key(name),
                "prefecture": f"{i % 47 + 1:02d}",
                "city": "",
                "address_line1": "1",
                "address_line2": "",
                "landlord_name": "",
                "utilities_policy": "included",
                "utilities_flat_monthly": 0,
                "parking_spaces": 0,
                "parking_fee_monthly": 0,
                "notes": "",
                "archived_at": stamp if i % 20 == 0 else None,
                "created_at": stamp,
                "updated_at": stamp,
                "version": 1,
            }
        )
        for r in range(ROOMS_PER):
            room_id = (i - 1) * ROOMS_PER + r + 1
            rooms.append(
                {
                    "id": room_id,
                    "apartment_id": i,
                    "name": f"{r + 1}01",
                    "capacity": 2,
                    "rent_per_occupant": 30_000,
                    "notes": "",
                    "created_at": stamp,
                    "updated_at": stamp,
                    "version": 1,
                }
            )
    stay_id = 0
    for w, employee_id in enumerate(employee_ids):
        for s in range(STAYS_PER):
            stay_id += 1
            start = dt.date(2018, 1, 1) + dt.timedelta(days=10 * s)
            last = s == STAYS_PER - 1
            room_id = (stay_id * 7) % (APARTMENTS * ROOMS_PER) + 1
            stays.append(
                {
                    "id": stay_id,
                    "employee_id": employee_id,
                    "room_id": room_id,
                    "apartment_id": (room_id - 1) // ROOMS_PER + 1,
                    "move_in": start,
                    "move_out": None if last else start + dt.timedelta(days=9 - w % 3),
                    "occupied_until": (
                        dt.date(9999, 12, 31) if last else start + dt.timedelta(days=9 - w % 3)
                    ),
                    "monthly_rent": 30_000,
                    "utilities_monthly": 0,
                    "parking": False,
                    "parking_fee_monthly": 0,
                    "notes": "",
                    "created_at": base,
                    "updated_at": base,
                    "version": 1,
                }
            )
    async with app.state.database.engine.begin() as connection:
        for model, rows in ((Apartment, apartments), (Room, rooms), (Occupancy, stays)):
            await connection.execute(insert(model.__table__), rows)
    await analyze(app)


async def _check(
    app: Any, http: httpx.AsyncClient, headers: dict[str, str], path: str, params: dict[str, Any]
) -> None:
    with capture_statements(app) as captured:
        response = await http.get(path, headers=headers, params=params)
        assert response.status_code == 200, response.text
        cursor = response.json()["pagination"]["next_cursor"]
        if cursor:
            second = await http.get(path, headers=headers, params={**params, "cursor": cursor})
            assert second.status_code == 200, second.text
    ours = [(s, p) for s, p in captured if any(t in s for t in LARGE)]
    await assert_no_full_scan(app, ours, LARGE)


async def test_every_housing_list_uses_an_index(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    employee_ids = [await employee(client, admin, 100 + n) for n in range(WORKERS)]
    await _fill(app, employee_ids)
    sorts = ["name", "-name", "created", "-created"]
    for sort in sorts:
        for extra in ({}, {"q": "ｱｲ"}, {"prefecture": "23"}):
            await _check(
                app,
                client,
                admin,
                "/api/housing/occupancy",
                {"limit": 20, "on": "2024-06-01", "sort": sort, **extra},
            )
            for status in ("active", "archived"):
                await _check(
                    app,
                    client,
                    admin,
                    "/api/housing/apartments",
                    {"limit": 20, "status": status, "sort": sort, **extra},
                )
    for status in ("active", "archived"):
        await _check(
            app,
            client,
            admin,
            "/api/housing/rooms",
            {"apartment_id": 7, "status": status, "limit": 2},
        )
    for sort in ("move_in", "-move_in"):
        for extra in (
            {},
            {"apartment_id": 8},
            {"room_id": 22},
            {"employee_id": employee_ids[3]},
            {"current_on": "2020-03-01"},
        ):
            await _check(
                app, client, admin, "/api/housing/occupancies", {"limit": 20, "sort": sort, **extra}
            )
    # Months some stays touch. (The first month of the data, which every stay ends after,
    # is answered best by reading the table in id order, and SQLite rightly does so.)
    for year, month in ((2020, 2), (2024, 6), (2026, 4)):
        await _check(
            app,
            client,
            admin,
            "/api/housing/deductions",
            {"year": year, "month": month, "limit": 5},
        )
    user = await make_user("employee", employee_id=employee_ids[0])
    own = {"Authorization": (await login(user["email"]))["Authorization"]}
    await _check(app, client, own, "/api/housing/me", {"limit": 5})
