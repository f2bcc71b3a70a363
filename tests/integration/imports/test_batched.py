"""The employees' batched create under the import (issue 19 item 7): a commit's statements
grow with its chunks, never with its rows; the batch keeps the single create's rules
(duplicate person and taken 社員番号, in the database and within the batch), numbering,
sealing and one audit row per record. Runs on SQLite and PostgreSQL (``backend``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.modules.employees import service as employees_module
from haken.modules.employees.errors import EmployeeDuplicateError, EmployeeNumberTakenError
from haken.modules.employees.models import Employee
from haken.modules.employees.schemas import EmployeeCreate
from haken.modules.employees.service import employees_service, unseal
from haken.modules.imports import service as service_module
from haken.modules.imports.service import imports_service
from haken.platform.access import Principal, Role
from haken.platform.db import count_queries, session_scope
from tests.integration.imports.factories import checked, employees_csv

OFFICE = Principal(user_id=1, role=Role.COORDINATOR, email="office@test.example")

# A commit: the file (locked) and its mapping; per chunk the duplicates, the taken numbers,
# one INSERT of the employees and one of their audit rows; then the file's state and its
# audit row.
BEFORE, PER_CHUNK, AFTER = 2, 4, 2


@pytest.mark.parametrize(("rows", "chunks"), [(8, 2), (9, 3), (12, 3)])
async def test_a_commit_costs_a_fixed_number_of_statements_per_chunk(
    client: httpx.AsyncClient,
    app: Any,
    auth_headers: Any,
    monkeypatch: Any,
    rows: int,
    chunks: int,
) -> None:
    monkeypatch.setattr(service_module, "CHUNK", 4)
    monkeypatch.setattr(employees_module, "CREATE_CHUNK", 4)
    headers = await auth_headers("coordinator")
    data = await checked(client, headers, employees_csv(rows))
    assert (data["state"], data["error_count"]) == ("checked", 0), data["problems"]
    with count_queries() as counter:
        async with session_scope(app.state.database, write=True) as session:
            done = await imports_service.commit(session, OFFICE, import_id=data["id"])
    assert done.imported_count == rows
    assert counter.count == BEFORE + PER_CHUNK * chunks + AFTER, "\n".join(
        s[:90] for s in counter.statements
    )
    async with session_scope(app.state.database) as session:
        numbers = (await session.scalars(select(Employee.employee_number))).all()
        audits = (
            await session.scalars(
                select(AuditEntry.request_id).where(
                    AuditEntry.entity_type == "employee", AuditEntry.action == "create"
                )
            )
        ).all()
    assert sorted(n or "" for n in numbers) == [f"K{n:05d}" for n in range(1, rows + 1)]
    assert sorted(audits) == sorted(f"import-{data['id']}-line-{n}" for n in range(2, rows + 2))


def _person(n: int, **changes: Any) -> EmployeeCreate:
    values: dict[str, Any] = {
        "name_kana": "ヤマダ タロウ",
        "name_romaji": f"Yamada Taro{chr(65 + n)}",
        "birth_date": dt.date(1990, 4, 1),
        "gender": "male",
        "employment_type": "dispatch",
        "hire_date": dt.date(2025, 4, 1),
    }
    values.update(changes)
    return EmployeeCreate.model_validate(values)


async def test_the_batch_refuses_what_the_single_create_refuses_and_numbers_the_rest(
    client: httpx.AsyncClient,  # empties the database after the test
    app: Any,
) -> None:
    async with session_scope(app.state.database, write=True) as session:
        first = await employees_service.create_returning_id(session, OFFICE, _person(0))
        results = await employees_service.create_many(
            session,
            OFFICE,
            [
                _person(0),  # the same person as the one registered
                _person(1, my_number="123456789018"),
                _person(1),  # the same person twice in the batch
                _person(2, employee_number="X1"),
                _person(3, employee_number="X1"),  # a number twice in the batch
            ],
        )
    assert isinstance(results[0], EmployeeDuplicateError)
    assert results[0].details == {"employee_id": first}
    assert isinstance(results[1], int)
    assert isinstance(results[2], EmployeeDuplicateError)
    assert isinstance(results[3], int)
    assert isinstance(results[4], EmployeeNumberTakenError)
    async with session_scope(app.state.database) as session:
        rows = {
            r.id: r for r in (await session.scalars(select(Employee).order_by(Employee.id))).all()
        }
    assert len(rows) == 3
    sealed = rows[results[1]]
    assert sealed.my_number_last4 == "9018"
    assert sealed.my_number_enc is not None and "123456789018" not in sealed.my_number_enc
    assert unseal(sealed, employees_module.RevealField.MY_NUMBER, "employees") == "123456789018"
    # The number of the batch follows the single create's (the counter advanced once).
    assert rows[first].employee_number == "E000001"
    assert sealed.employee_number == "E000002"
    assert rows[results[3]].employee_number == "X1"
