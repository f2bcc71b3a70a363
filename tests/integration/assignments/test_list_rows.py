"""The assignment list validates its page once and reads the employees' names as three
columns (issue 21 item 2): the JSON must be byte for byte what the per-row path gave
(``AssignmentRead.model_validate`` per row, names from the employees' briefs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.modules.assignments.repository import AssignmentsRepository
from haken.modules.assignments.schemas import AssignmentFilter, AssignmentRead, EmployeeNames
from haken.modules.assignments.service import _phase, _rate_read, assignments_service
from haken.modules.employees.service import employees_service
from haken.platform.access import Principal, Role
from haken.platform.db import session_scope
from haken.platform.pagination import PageRequest
from tests.integration.assignments.factories import assign, make_contract, make_employee, make_unit


async def _per_row(
    session: Any, principal: Principal, today: dt.date, names: bool
) -> list[AssignmentRead]:
    """The list as it was built before: a dict per row through the instrumented attributes,
    one validation per row, whole employees read for their names."""
    result, rates = await AssignmentsRepository(session).page_assignments(
        principal,
        AssignmentFilter(),
        "-start_date",
        PageRequest(limit=50),
        rates_on=today if principal.is_at_least(Role.COORDINATOR) else None,
    )
    briefs = await employees_service.get_briefs(session, [r.employee_id for r in result.items])
    reads = []
    for row in result.items:
        data = {column.key: getattr(row, column.key) for column in row.__table__.columns}
        rate = rates.get(row.id)
        data["rate"] = _rate_read(rate) if rate is not None else None
        data["phase"] = _phase(row, today)
        read = AssignmentRead.model_validate(data)
        brief = briefs.get(row.employee_id)
        if names and brief is not None:
            read.employee = EmployeeNames(
                name_kanji=brief.name_kanji,
                name_kana=brief.name_kana,
                name_romaji=brief.name_romaji,
            )
        reads.append(read)
    return reads


async def test_the_list_gives_the_json_of_the_per_row_path(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    admin = await auth_headers("admin")
    unit = await make_unit(client, admin)
    contract = await make_contract(client, admin, unit["unit_id"])
    first = await make_employee(client, admin)
    second = await make_employee(client, admin, name_kanji=None)
    await assign(client, admin, contract["id"], first["id"])
    await assign(
        client,
        admin,
        contract["id"],
        second["id"],
        start_date="2029-04-01",
        end_date="2029-09-30",
        rate={"hourly_pay": "1350.50"},
        notes="来年度から",
    )
    today = dt.date(2026, 6, 1)
    office = Principal(user_id=1, role=Role.COORDINATOR, email="c@test.example")
    manager = Principal(
        user_id=2,
        role=Role.SITE_MANAGER,
        email="s@test.example",
        site_ids=frozenset({unit["site_id"]}),
    )
    async with session_scope(app.state.database) as session:
        for principal in (office, manager):
            for names in (True, False):
                page = await assignments_service.list_assignments(
                    session,
                    principal,
                    filters=AssignmentFilter(),
                    sort="-start_date",
                    request=PageRequest(limit=50),
                    today=today,
                    names=names,
                )
                expected = await _per_row(session, principal, today, names)
                assert len(page.items) == 2
                assert [r.model_dump_json() for r in page.items] == [
                    r.model_dump_json() for r in expected
                ]
        shown = page.items
        assert {r.employee_id for r in shown} == {first["id"], second["id"]}
    listed = await client.get("/api/assignments?limit=50", headers=admin)
    assert listed.status_code == 200, listed.text
    rows = {row["employee_id"]: row for row in listed.json()["data"]}
    assert rows[second["id"]]["employee"] == {
        "name_kanji": None,
        "name_kana": second["name_kana"],
        "name_romaji": second["name_romaji"],
    }
    assert rows[second["id"]]["rate"]["hourly_pay"] == "1350.50"
