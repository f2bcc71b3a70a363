"""Every list of the clients area, with each filter and sort, reads its large tables
through an index: a few thousand rows, ANALYZE, then the plan of every statement the
request ran (PostgreSQL: no ``Seq Scan``; SQLite: no bare ``SCAN``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import insert

from haken.modules.clients.models import Client, ClientContact, ClientSite, ClientUnit
from haken.platform.jptext import search_key
from tests.helpers_explain import analyze, assert_no_full_scan, capture_statements

N = 3000
LARGE = {"clients", "client_sites", "client_units", "client_contacts"}
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


async def _fill(app: Any) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    clients, sites, units, contacts = [], [], [], []
    for i in range(1, N + 1):
        kana = KANA[i % len(KANA)] + KANA[(i * 7) % len(KANA)] + f"{i}"
        name = f"株式会社{kana}工業"
        archived = i % 20 == 0
        prefecture = f"{i % 47 + 1:02d}"
        stamp = base + dt.timedelta(minutes=i)
        clients.append(
            {
                "id": i,
                "name": name,
                "name_kana": kana,
                "entity_kind": "corporation",
                "notes": "",
                "name_key": search_key(name),
                "kana_key": search_key(kana),
                "sort_key": search_key(kana),
                "city": "",
                "address_line1": "",
                "address_line2": "",
                "prefecture": prefecture,
                "archived_at": stamp if archived else None,
                "created_at": stamp,
                "updated_at": stamp,
                "version": 1,
            }
        )
        sites.append(
            {
                "id": i,
                "client_id": i,
                "name": f"{kana}工場",
                "name_key": search_key(f"{kana}工場"),
                "city": "",
                "address_line1": "1",
                "address_line2": "",
                "prefecture": prefecture,
                "manager_name": "",
                "manager_department": "",
                "manager_title": "",
                "complaint_name": "",
                "complaint_department": "",
                "complaint_title": "",
                "dispatch_started_on": dt.date(2024, 1, 1) + dt.timedelta(days=i % 700),
                "conflict_date": dt.date(2027, 1, 1) + dt.timedelta(days=i % 700),
                "archived_at": stamp if archived else None,
                "created_at": stamp,
                "updated_at": stamp,
                "version": 1,
            }
        )
        units.append(
            {
                "id": i,
                "site_id": i,
                "client_id": i,
                "name": f"製造{i}課",
                "name_key": search_key(f"製造{i}課"),
                "head_title": "",
                "supervisor_name": "",
                "supervisor_department": "",
                "supervisor_title": "",
                "notes": "",
                "archived_at": stamp if archived else None,
                "created_at": stamp,
                "updated_at": stamp,
                "version": 1,
            }
        )
        contacts.append(
            {
                "id": i,
                "client_id": (i % 1000) + 1,
                "name": f"担当{i}",
                "name_key": search_key(f"担当{i}"),
                "department": "",
                "title": "",
                "role": "other",
                "is_primary": False,
                "notes": "",
                "created_at": stamp,
                "updated_at": stamp,
                "version": 1,
            }
        )
    async with app.state.database.engine.begin() as connection:
        for model, rows in (
            (Client, clients),
            (ClientSite, sites),
            (ClientUnit, units),
            (ClientContact, contacts),
        ):
            await connection.execute(insert(model.__table__), rows)
        if app.state.database.dialect == "postgresql":
            for table in ("clients", "client_sites", "client_units", "client_contacts"):
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {N + 1})"
                )
    await analyze(app)


async def _check(
    app: Any, http: httpx.AsyncClient, headers: dict[str, str], path: str, params: dict[str, Any]
) -> None:
    with capture_statements(app) as captured:
        response = await http.get(path, headers=headers, params=params)
        assert response.status_code == 200, response.text
        cursor = response.json()["pagination"]["next_cursor"]
        if cursor:  # the second page runs the keyset condition too
            second = await http.get(path, headers=headers, params={**params, "cursor": cursor})
            assert second.status_code == 200, second.text
    # The principal's own lookups (users, sessions) are small tables: not checked.
    ours = [(s, p) for s, p in captured if any(t in s for t in LARGE)]
    await assert_no_full_scan(app, ours, LARGE)


async def test_every_list_uses_an_index(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    await _fill(app)
    admin = await auth_headers("admin")
    manager = await make_user("site_manager", site_ids=[5, 6, 7])
    manager_headers = {"Authorization": (await login(manager["email"]))["Authorization"]}
    name_sorts = ["name", "-name", "created", "-created"]
    for status in ("active", "archived"):
        for sort in name_sorts:
            for extra in ({}, {"q": "ｱｲ"}, {"prefecture": "23"}, {"q": "あ", "prefecture": "13"}):
                params = {"limit": 20, "status": status, "sort": sort, **extra}
                await _check(app, client, admin, "/api/clients", params)
            for extra in ({}, {"site_id": 10}, {"client_id": 11}, {"q": "製造1"}):
                params = {"limit": 20, "status": status, "sort": sort, **extra}
                await _check(app, client, admin, "/api/units", params)
        for sort in [*name_sorts, "conflict_date", "-conflict_date"]:
            for extra in ({}, {"client_id": 12}, {"prefecture": "23"}, {"q": "ｶ"}):
                params = {"limit": 20, "status": status, "sort": sort, **extra}
                await _check(app, client, admin, "/api/sites", params)
    for sort in name_sorts:
        for extra in ({}, {"q": "担当1"}):
            await _check(app, client, admin, "/api/clients/5/contacts", {"sort": sort, **extra})
    # Totals of a filtered list. (An unfiltered total counts most of the table by nature;
    # it is opt-in, ``?count=true``, and the planner rightly reads the heap for it.)
    await _check(app, client, admin, "/api/clients", {"limit": 20, "count": "true", "q": "ｱ"})
    # The site manager's scope.
    await _check(app, client, admin, "/api/sites", {"limit": 20, "count": "true", "q": "ｱ"})
    for path in ("/api/clients", "/api/sites", "/api/units", "/api/clients/5/contacts"):
        await _check(app, client, manager_headers, path, {"limit": 2})
