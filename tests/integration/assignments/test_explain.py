"""Every list of the assignments area, with each filter and sort, reads its large tables
through an index: a few thousand rows, ANALYZE, then the plan of every statement the
request ran (PostgreSQL: no ``Seq Scan``; SQLite: no bare ``SCAN``).

Totals (``count=true``) are checked with a filter: the total of an unfiltered list is a count
of the whole table by definition, which PostgreSQL rightly reads sequentially.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import insert

from haken.modules.models import metadata
from tests.helpers_explain import analyze, assert_no_full_scan, capture_statements

N = 3000
SITES = 60
LARGE = {"assignments", "dispatch_contracts", "assignment_rates"}


def _rows(now: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """Clients, sites, units and employees (the other areas' tables, as plain rows) and this
    area's contracts, assignments and rates."""
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    rows: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "clients",
            "client_sites",
            "client_units",
            "employees",
            "dispatch_contracts",
            "assignments",
            "assignment_rates",
        )
    }
    for s in range(1, SITES + 1):
        rows["clients"].append(
            {
                "id": s,
                "name": f"会社{s}",
                "entity_kind": "corporation",
                "notes": "",
                "name_key": f"k{s}",
                "sort_key": f"k{s}",
                "city": "",
                "address_line1": "",
                "address_line2": "",
                **stamp,
            }
        )
        rows["client_sites"].append(
            {
                "id": s,
                "client_id": s,
                "name": f"工場{s}",
                "name_key": f"s{s}",
                "city": "",
                "address_line1": "",
                "address_line2": "",
                "manager_name": "",
                "manager_department": "",
                "manager_title": "",
                "complaint_name": "",
                "complaint_department": "",
                "complaint_title": "",
                **stamp,
            }
        )
        rows["client_units"].append(
            {
                "id": s,
                "site_id": s,
                "client_id": s,
                "name": f"課{s}",
                "name_key": f"u{s}",
                "head_title": "",
                "supervisor_name": "",
                "supervisor_department": "",
                "supervisor_title": "",
                "notes": "",
                **stamp,
            }
        )
    base = dt.date(2024, 1, 1)
    for i in range(1, N + 1):
        s = i % SITES + 1
        start = base + dt.timedelta(days=i % 900)
        rows["employees"].append(
            {
                "id": i,
                "name_kana": f"カナ{i}",
                "name_romaji": f"Romaji {i}",
                "kana_key": f"k{i}",
                "romaji_key": f"r{i}",
                "birth_date": dt.date(1990, 1, 1),
                "gender": "male",
                "nationality": "JP",
                "extra_activity_permission": "NONE",
                "employment_type": "dispatch",
                "term_type": "fixed",
                "hire_date": base,
                "status": "active",
                "withholding_column": "kou",
                "conversion_exempt": False,
                "notes": "",
                **stamp,
            }
        )
        rows["dispatch_contracts"].append(
            {
                "id": i,
                "contract_number": f"K{i:06d}",
                "client_id": s,
                "site_id": s,
                "unit_id": s,
                "client_name": f"会社{s}",
                "site_name": f"工場{s}",
                "unit_name": f"課{s}",
                "status": ("draft", "active", "ended")[i % 3],
                "period_start": start,
                "period_end": start + dt.timedelta(days=365),
                "working_days": "",
                "break_minutes": 60,
                "work_content": "組立",
                "responsibility_level": "",
                "work_place": "",
                "headcount": 1,
                "supervisor_name": "",
                "supervisor_department": "",
                "supervisor_title": "",
                "client_manager_name": "",
                "agency_manager_name": "",
                "limited_to_exempt_workers": False,
                "limited_to_agreement_workers": False,
                "exemption_note": "",
                "notes": "",
                "archived_at": stamp["created_at"] if i % 25 == 0 else None,
                **stamp,
            }
        )
        rows["assignments"].append(
            {
                "id": i,
                "contract_id": i,
                "employee_id": i,
                "client_id": s,
                "site_id": s,
                "unit_id": s,
                "contract_number": f"K{i:06d}",
                "client_name": f"会社{s}",
                "site_name": f"工場{s}",
                "unit_name": f"課{s}",
                "start_date": start,
                "end_date": start + dt.timedelta(days=300),
                "status": ("active", "ended", "cancelled")[i % 3],
                "end_reason": "",
                "exemption_note": "",
                "conflict_date": start + dt.timedelta(days=1096),
                "conflict_kind": "site",
                "agency_qualified_for_field": False,
                "work_matches_status": False,
                "designation_permits_work": False,
                "supervised_dispatch_type": False,
                "student_enrolled": True,
                "permit_document_check": False,
                "allow_negative_margin": False,
                "notes": "",
                **stamp,
            }
        )
        for k in range(2):
            rows["assignment_rates"].append(
                {
                    "assignment_id": i,
                    "effective_from": start + dt.timedelta(days=100 * k),
                    "hourly_pay": Decimal("1200.00"),
                    "hourly_bill": Decimal("1700.00"),
                    "overtime_pay_pct": Decimal(25),
                    "late_night_pay_pct": Decimal(25),
                    "holiday_pay_pct": Decimal(35),
                    "overtime_bill_pct": Decimal(25),
                    "late_night_bill_pct": Decimal(25),
                    "holiday_bill_pct": Decimal(35),
                    "note": "",
                    "created_at": now,
                }
            )
    return rows


async def _fill(app: Any) -> None:
    rows = _rows(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    async with app.state.database.engine.begin() as connection:
        for name, values in rows.items():
            await connection.execute(insert(metadata.tables[name]), values)
        if app.state.database.dialect == "postgresql":
            for name in rows:
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {N * 3})"
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
    ours = [(s, p) for s, p in captured if any(t in s for t in LARGE)]
    await assert_no_full_scan(app, ours, LARGE)


async def test_every_list_uses_an_index(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    await _fill(app)
    admin = await auth_headers("admin")
    manager = await make_user("site_manager", site_ids=[5, 6, 7])
    manager_headers = {"Authorization": (await login(manager["email"]))["Authorization"]}
    employee = await make_user("employee", employee_id=42)
    employee_headers = {"Authorization": (await login(employee["email"]))["Authorization"]}

    contract_filters: list[dict[str, Any]] = [
        {},
        {"client_id": 3},
        {"site_id": 4},
        {"unit_id": 5},
        {"status": "active"},
        {"active_on": "2025-06-01"},
        {"archived": "true"},
        {"count": "true", "client_id": 3},
    ]
    for sort in (
        "period_start",
        "-period_start",
        "period_end",
        "-period_end",
        "created",
        "-created",
        "number",
    ):
        for extra in contract_filters:
            await _check(app, client, admin, "/api/contracts", {"limit": 20, "sort": sort, **extra})
    assignment_filters: list[dict[str, Any]] = [
        {},
        {"client_id": 3},
        {"site_id": 4},
        {"unit_id": 5},
        {"employee_id": 9},
        {"contract_id": 10},
        {"status": "ended"},
        {"active_on": "2025-06-01"},
        {"count": "true", "site_id": 4},
        {"count": "true", "employee_id": 9},
    ]
    for sort in (
        "start_date",
        "-start_date",
        "end_date",
        "-end_date",
        "created",
        "-created",
        "conflict_date",
    ):
        for extra in assignment_filters:
            params = {"limit": 20, "sort": sort, **extra}
            await _check(app, client, admin, "/api/assignments", params)
    for params in ({"days": 90, "as_of": "2027-03-01"}, {"days": 30, "as_of": "2026-06-01"}):
        await _check(app, client, admin, "/api/assignments/conflicts", {"limit": 20, **params})
        await _check(
            app, client, manager_headers, "/api/assignments/conflicts", {"limit": 5, **params}
        )
    await _check(app, client, admin, "/api/assignments/77/rates", {"limit": 1})
    for path in ("/api/contracts", "/api/assignments"):
        await _check(app, client, manager_headers, path, {"limit": 5})
    await _check(app, client, employee_headers, "/api/assignments/me", {"limit": 5})
