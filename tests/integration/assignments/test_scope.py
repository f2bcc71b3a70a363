"""Who sees what (site managers within their sites, employees only their own, money only to
the office), versions, archival, and the exact number of SQL statements per list page."""

from __future__ import annotations

from typing import Any

import httpx

from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries
from tests.integration.assignments.factories import (
    assign,
    make_contract,
    make_employee,
    make_unit,
)


async def _headers(make_user: Any, login: Any, role: str, **fields: Any) -> dict[str, str]:
    user = await make_user(role, **fields)
    return {"Authorization": (await login(user["email"]))["Authorization"]}


async def test_scope_of_site_managers_and_employees(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    office = await auth_headers("coordinator")
    mine, theirs = await make_unit(client, office), await make_unit(client, office)
    contract_mine = await make_contract(client, office, mine["unit_id"])
    contract_theirs = await make_contract(client, office, theirs["unit_id"])
    alice, bob = await make_employee(client, office), await make_employee(client, office)
    a = await assign(client, office, contract_mine["id"], alice["id"])
    b = await assign(client, office, contract_theirs["id"], bob["id"])

    manager = await _headers(make_user, login, "site_manager", site_ids=[mine["site_id"]])
    listed = (await client.get("/api/assignments", headers=manager)).json()["data"]
    assert [row["id"] for row in listed] == [a["id"]]
    assert listed[0]["rate"] is None  # a site manager approves hours; no money
    assert (await client.get(f"/api/assignments/{b['id']}", headers=manager)).status_code == 404
    assert (
        await client.get(f"/api/assignments/{b['id']}/conflict-dates", headers=manager)
    ).status_code == 404
    assert (
        await client.get(f"/api/contracts/{contract_theirs['id']}", headers=manager)
    ).status_code == 404
    own_contract = (
        await client.get(f"/api/contracts/{contract_mine['id']}", headers=manager)
    ).json()
    assert own_contract["data"]["default_hourly_bill"] is None
    detail = (await client.get(f"/api/assignments/{a['id']}", headers=manager)).json()["data"]
    assert detail["rates"] is None and detail["rate"] is None
    # Reading is not writing; the rates history is the office's.
    assert (
        await client.post(
            f"/api/assignments/{a['id']}/end",
            headers=manager,
            json={"version": a["version"], "end_date": "2026-05-01"},
        )
    ).status_code == 403
    assert (
        await client.get(f"/api/assignments/{a['id']}/rates", headers=manager)
    ).status_code == 403

    # An employee: only their own, through /me, with their wage and dispatch fee.
    employee = await _headers(make_user, login, "employee", employee_id=alice["id"])
    own = (await client.get("/api/assignments/me", headers=employee)).json()["data"]
    assert [row["id"] for row in own] == [a["id"]]
    assert own[0]["rate"]["hourly_pay"] == "1300.00"
    assert own[0]["rate"]["hourly_bill"] == "1800.00"
    assert "margin" not in own[0]["rate"]
    assert (await client.get("/api/assignments", headers=employee)).status_code == 403
    assert (await client.get(f"/api/assignments/{a['id']}", headers=employee)).status_code == 403
    unlinked = await _headers(make_user, login, "employee")
    assert (await client.get("/api/assignments/me", headers=unlinked)).json()["data"] == []


async def test_own_list_of_an_account_without_employee_refuses_any_cursor(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Found by schemathesis: the always-empty list answered 200 to a forged cursor."""
    admin = await auth_headers("admin")  # not linked to an employee
    assert (await client.get("/api/assignments/me", headers=admin)).status_code == 200
    for cursor in ("AAA", "bm9wZQ.bm9wZQ"):
        forged = await client.get("/api/assignments/me", headers=admin, params={"cursor": cursor})
        assert forged.status_code == 400, forged.text
        assert forged.json()["error"]["code"] == "INVALID_CURSOR"
    first = await client.get("/api/assignments/me", headers=admin, params={"cursor": ""})
    assert first.status_code == 200 and first.json()["data"] == []


async def test_versions_and_archival(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    unused = await make_contract(client, headers, place["unit_id"])
    used = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2027-03-31")
    worker = await make_employee(client, headers)
    created = await assign(client, headers, used["id"], worker["id"])

    # A stale version is refused, nothing changes.
    stale = await client.patch(
        f"/api/assignments/{created['id']}",
        headers=headers,
        json={"version": created["version"] + 1, "notes": "x"},
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "VERSION_CONFLICT"
    edited = await client.patch(
        f"/api/assignments/{created['id']}",
        headers=headers,
        json={"version": created["version"], "end_date": "2027-03-31", "notes": "延長"},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["end_date"] == "2027-03-31"
    again = await client.patch(
        f"/api/assignments/{created['id']}",
        headers=headers,
        json={"version": created["version"], "notes": "y"},
    )
    assert again.status_code == 409

    # The contract period cannot shrink below its assignments; a stale contract edit fails.
    shrink = await client.patch(
        f"/api/contracts/{used['id']}",
        headers=headers,
        json={"version": used["version"], "period_end": "2026-12-31"},
    )
    assert shrink.json()["error"]["code"] == "CONTRACT_PERIOD_EXCLUDES_ASSIGNMENTS"
    # Deleting: an unreferenced contract goes, a referenced one is archived (ledgers).
    gone = await client.delete(
        f"/api/contracts/{unused['id']}", headers=headers, params={"version": unused["version"]}
    )
    assert gone.json()["data"] == {"id": unused["id"], "outcome": "deleted"}
    kept = await client.delete(
        f"/api/contracts/{used['id']}", headers=headers, params={"version": used["version"]}
    )
    assert kept.json()["data"] == {"id": used["id"], "outcome": "archived"}
    assert (await client.get("/api/contracts", headers=headers)).json()["data"] == []
    archived = await client.get("/api/contracts", headers=headers, params={"archived": "true"})
    assert [row["id"] for row in archived.json()["data"]] == [used["id"]]
    # An archived contract takes nobody new.
    other = await make_employee(client, headers)
    response = await client.post(
        "/api/assignments",
        headers=headers,
        json={
            "contract_id": used["id"],
            "employee_id": other["id"],
            "start_date": "2026-04-01",
            "rate": {"hourly_pay": "1200"},
        },
    )
    assert response.json()["error"]["code"] == "CONTRACT_NOT_ACTIVE"
    # A cancelled assignment is kept but frozen.
    current = (await client.get(f"/api/assignments/{created['id']}", headers=headers)).json()
    version = current["data"]["version"]
    cancel = await client.delete(
        f"/api/assignments/{created['id']}", headers=headers, params={"version": version}
    )
    assert cancel.json()["data"]["outcome"] == "cancelled"
    frozen = await client.patch(
        f"/api/assignments/{created['id']}",
        headers=headers,
        json={"version": version + 1, "notes": "z"},
    )
    assert frozen.json()["error"]["code"] == "ASSIGNMENT_NOT_EDITABLE"


async def _walk(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], queries: int, **params: Any
) -> list[Any]:
    """Every page of a list, asserting the exact statement count of each page."""
    rows: list[Any] = []
    cursor = None
    pages = 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        with cache_bypass(), assert_num_queries(queries):
            response = await http.get(path, headers=headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["data"])
        pages += 1
        cursor = body["pagination"]["next_cursor"]
        if not body["pagination"]["has_more"]:
            assert cursor is None
            assert pages > 1, "the walk must reach a page after a cursor"
            return rows


async def test_list_queries_are_constant_per_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    place = await make_unit(client, admin, dispatch_started_on="2026-01-01")
    contracts = [
        await make_contract(client, admin, place["unit_id"], "2026-04-01", "2028-12-31")
        for _ in range(3)
    ]
    workers = [await make_employee(client, admin) for _ in range(5)]
    made = []
    for i, worker in enumerate(workers):
        made.append(
            await assign(
                client,
                admin,
                contracts[i % 3]["id"],
                worker["id"],
                start_date=f"2026-0{4 + i}-01",
                end_date="2028-12-31",
            )
        )
    first = made[0]
    for day in ("2026-06-01", "2026-08-01", "2026-10-01"):
        current = (await client.get(f"/api/assignments/{first['id']}", headers=admin)).json()
        response = await client.post(
            f"/api/assignments/{first['id']}/rates",
            headers=admin,
            json={
                "version": current["data"]["version"],
                "effective_from": day,
                "hourly_pay": "1350",
            },
        )
        assert response.status_code == 201, response.text

    # Admin: 1 statement resolves the caller, 1 reads the page (the total and, on the
    # assignments list, the rates in force ride along in the same statement); the
    # assignments list adds 1 for the employees' names (one batched read, never one per row).
    assert len(await _walk(client, "/api/contracts", admin, 2, limit=2)) == 3
    assert len(await _walk(client, "/api/contracts", admin, 2, limit=1, count="true")) == 3
    rows = await _walk(client, "/api/assignments", admin, 3, limit=2)
    assert [r["id"] for r in rows] == [m["id"] for m in reversed(made)]  # newest start first
    assert all(r["rate"] is not None for r in rows)
    names = {w["id"]: w["name_kana"] for w in workers}
    assert [r["employee"]["name_kana"] for r in rows] == [names[r["employee_id"]] for r in rows]
    by_date = await _walk(
        client,
        "/api/assignments",
        admin,
        3,
        limit=2,
        count="true",
        site_id=place["site_id"],
        sort="conflict_date",
    )
    assert len(by_date) == 5
    # Site 抵触日 2029-01-01 (stated start 2026-01-01): all five within 60 days of 2028-11-05.
    soon = await _walk(
        client, "/api/assignments/conflicts", admin, 2, limit=2, as_of="2028-11-05", days=60
    )
    assert [r["conflict_date"] for r in soon] == ["2029-01-01"] * 5
    assert len(await _walk(client, f"/api/assignments/{first['id']}/rates", admin, 2, limit=1)) == 4
    # Site manager: 1 statement resolves the caller with their sites, 1 reads the page
    # (+1 for the employees' names on the assignments list).
    manager = await _headers(make_user, login, "site_manager", site_ids=[place["site_id"]])
    assert len(await _walk(client, "/api/contracts", manager, 2, limit=2)) == 3
    assert (
        len(await _walk(client, "/api/assignments", manager, 3, limit=2, active_on="2026-09-15"))
        == 5
    )
    assert (
        len(
            await _walk(
                client,
                "/api/assignments/conflicts",
                manager,
                2,
                limit=3,
                as_of="2028-11-05",
                days=60,
            )
        )
        == 5
    )
    # Employee: 1 resolves the caller, 1 reads their page, 1 their rates in force.
    worker_headers = await _headers(make_user, login, "employee", employee_id=workers[0]["id"])
    with cache_bypass(), assert_num_queries(3):
        own = await client.get("/api/assignments/me", headers=worker_headers)
    assert [r["id"] for r in own.json()["data"]] == [first["id"]]
    assert own.json()["data"][0]["rate"]["hourly_pay"] == "1350.00"
