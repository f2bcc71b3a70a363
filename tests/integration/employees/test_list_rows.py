"""The employee list builds its DTOs from column rows in one validation (issue 21 item 2):
the JSON must be byte for byte what the per-entity path (``to_read``, the detail's) gives,
for every principal that sees a different shape (bank details and My Number mask)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from haken.modules.employees.models import Employee
from haken.modules.employees.repository import EmployeeRepository
from haken.modules.employees.schemas import EmployeeFilter, EmployeeRead
from haken.modules.employees.service import to_read, to_reads
from haken.platform.access import Principal, Role
from haken.platform.cache import cache_bypass
from haken.platform.db import session_scope
from haken.platform.pagination import PageRequest
from tests.integration.employees.factories import create_employee


async def _employees(client: httpx.AsyncClient, headers: dict[str, str]) -> list[int]:
    full = await create_employee(client, headers)  # bank, My Number, residence card
    bare = await create_employee(
        client,
        headers,
        name_kanji=None,
        name_romaji="Silva Ana",
        residence_status=None,
        residence_card_number=None,
        residence_card_expiry=None,
        my_number=None,
        bank_account=None,
        term_type="indefinite",
        email=None,
    )
    student = await create_employee(
        client,
        headers,
        name_romaji="Tran Thi Mai",
        residence_status="STUDENT",
        extra_activity_permission="BLANKET",
        extra_activity_weekly_hours=28,
        long_vacations=[{"start": "2025-08-01", "end": "2025-09-15"}],
    )
    archived = await create_employee(client, headers, name_romaji="Kato Ken")
    response = await client.delete(
        f"/api/employees/{archived['id']}?version={archived['version']}", headers=headers
    )
    assert response.status_code == 200, response.text
    return [full["id"], bare["id"], student["id"], archived["id"]]


async def test_list_rows_give_the_json_of_the_entity_path(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    ids = await _employees(client, coordinator)
    office = Principal(user_id=1, role=Role.COORDINATOR, email="c@test.example")
    principals = [
        office,
        Principal(user_id=2, role=Role.EMPLOYEE, email="e@test.example", employee_id=ids[0]),
        Principal(user_id=3, role=Role.SITE_MANAGER, email="s@test.example", site_ids=frozenset()),
        None,
    ]
    async with session_scope(app.state.database) as session:
        page = await EmployeeRepository(session).page_list(
            office,
            EmployeeFilter(include_archived=True),
            "created",
            PageRequest(limit=50),
        )
        rows = page.items
        entities = {
            e.id: e for e in (await session.scalars(select(Employee).where(Employee.id.in_(ids))))
        }
        assert sorted(row.id for row in rows) == sorted(ids)
        for principal in principals:
            fast = to_reads(rows, principal)
            slow = [to_read(entities[row.id], principal) for row in rows]
            assert [r.model_dump_json() for r in fast] == [r.model_dump_json() for r in slow]
            assert all(type(r) is EmployeeRead for r in fast)
        shown = {r.id: r for r in to_reads(rows, office)}
        assert shown[ids[0]].bank_account is not None and shown[ids[0]].my_number_masked
        assert shown[ids[1]].bank_account is None and shown[ids[1]].my_number_masked is None
        assert len(shown[ids[2]].long_vacations) == 1
        assert shown[ids[3]].archived_at is not None
        hidden = {r.id: r for r in to_reads(rows, principals[2])}
        assert hidden[ids[0]].bank_account is None and hidden[ids[0]].my_number_masked is None
    # Through the API: the list's rows are the detail's fields, value for value.
    with cache_bypass():
        listed = await client.get(
            "/api/employees?include_archived=true&sort=created&limit=50", headers=coordinator
        )
        assert listed.status_code == 200, listed.text
        for item in listed.json()["data"]:
            detail = (await client.get(f"/api/employees/{item['id']}", headers=coordinator)).json()
            assert {k: detail["data"][k] for k in item} == item
