"""The demo generator on both databases: counts, every assignment inside its contract and
without overlap, rates that start with the assignment, no room above capacity, personal
numbers only as ciphertext at rest — and the API reads what it wrote."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import select

from haken.labor.minimum_wage import MinimumWageTable, shipped_amounts
from haken.modules.assignments.service import assignments_service
from haken.modules.demo.generator import generate, has_employees
from haken.modules.models import metadata
from haken.platform.db import session_scope
from haken.platform.security import field_cipher

TODAY = dt.date(2026, 11, 28)
N = 120


async def _all(app: Any, table: str) -> list[Any]:
    async with app.state.database.engine.connect() as connection:
        return list((await connection.execute(select(metadata.tables[table]))).mappings())


async def test_seed_keeps_every_invariant(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    async with app.state.database.engine.begin() as connection:
        assert not await has_employees(connection)
        counts = await generate(connection, employees=N, today=TODAY)
    assert counts["employees"] == N
    assert counts["candidates"] == N // 5
    assert counts["client_sites"] == N // 25
    assert counts["client_units"] == 2 * counts["client_sites"]
    assert counts["assignments"] > N // 2

    employees = {row["id"]: row for row in await _all(app, "employees")}
    contracts = {row["id"]: row for row in await _all(app, "dispatch_contracts")}
    assignments = await _all(app, "assignments")
    assert len(employees) == N and len(assignments) == counts["assignments"]
    by_employee: dict[int, list[Any]] = {}
    for row in assignments:
        contract = contracts[row["contract_id"]]
        assert contract["period_start"] <= row["start_date"] <= row["end_date"]
        assert row["end_date"] <= contract["period_end"]
        assert (row["unit_id"], row["site_id"]) == (contract["unit_id"], contract["site_id"])
        assert employees[row["employee_id"]]["employment_type"] == "dispatch"
        by_employee.setdefault(row["employee_id"], []).append(row)
        if row["exemption"] is None:  # both clocks run (the binding one may be pre-empted
            # by a 60th birthday, which leaves conflict_date empty)
            assert row["individual_conflict_date"] is not None
            assert row["site_conflict_date"] is not None
        else:
            assert row["conflict_date"] is None
    for rows in by_employee.values():
        rows.sort(key=lambda r: r["start_date"])
        for earlier, later in itertools.pairwise(rows):
            assert earlier["end_date"] < later["start_date"]
    first_rates = {}
    for rate in await _all(app, "assignment_rates"):
        first_rates[rate["assignment_id"]] = min(
            first_rates.get(rate["assignment_id"], rate["effective_from"]), rate["effective_from"]
        )
        assert rate["hourly_pay"] <= rate["hourly_bill"]
    # Every rate meets the minimum wage of its site's prefecture (最低賃金法13条) on its first
    # day, and no running placement is below an amount already in force today.
    sites = {row["id"]: row["prefecture"] for row in await _all(app, "client_sites")}
    site_of = {a["id"]: a["site_id"] for a in assignments}
    wages = MinimumWageTable(shipped_amounts())
    for rate in await _all(app, "assignment_rates"):
        prefecture = sites[site_of[rate["assignment_id"]]]
        amount = wages.in_force(prefecture, rate["effective_from"])
        assert amount is not None and rate["hourly_pay"] >= amount.hourly_yen
    async with session_scope(app.state.database, write=True) as session:
        warnings = await assignments_service.minimum_wage_warnings(
            session, today=TODAY, within_days=60
        )
    assert [w for w in warnings if w.already] == []
    assert {a["id"]: a["start_date"] for a in assignments} == first_rates

    rooms = {row["id"]: row["capacity"] for row in await _all(app, "housing_rooms")}
    occupancies = await _all(app, "housing_occupancies")
    assert occupancies
    open_stays = Counter(row["room_id"] for row in occupancies if row["move_out"] is None)
    assert all(count <= rooms[room] for room, count in open_stays.items())
    assert len({row["employee_id"] for row in occupancies}) == len(occupancies)

    # Personal numbers: ciphertext only, and it opens with the owning module's context.
    sealed = [e for e in employees.values() if e["my_number_enc"]]
    assert sealed
    for row in sealed[:10]:
        plain = field_cipher().decrypt(row["my_number_enc"], context="employees.my_number")
        assert len(plain) == 12 and plain.endswith(row["my_number_last4"])
        assert plain not in row["my_number_enc"]
    cards = [e for e in employees.values() if e["residence_status"]]
    assert cards and all(e["residence_card_number_enc"] for e in cards)
    card = field_cipher().decrypt(
        cards[0]["residence_card_number_enc"], context="employees.residence_card_number"
    )
    assert card.endswith(cards[0]["residence_card_last4"])

    # The API reads the generated rows like its own.
    headers = await auth_headers("admin")
    listed = await client.get("/api/assignments", headers=headers, params={"limit": 5})
    assert listed.status_code == 200, listed.text
    assert len(listed.json()["data"]) == 5
    one = listed.json()["data"][0]
    detail = await client.get(f"/api/assignments/{one['id']}/conflict-dates", headers=headers)
    assert detail.status_code == 200, detail.text
    assert detail.json()["data"]["conflict_date"] == one["conflict_date"]
    people = await client.get("/api/employees", headers=headers, params={"limit": 3})
    assert people.status_code == 200, people.text
    # A second run adds nothing to a database that has people.
    async with app.state.database.engine.begin() as connection:
        assert await has_employees(connection)
