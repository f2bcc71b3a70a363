"""Master-data imports (issue 19 item 6): the dry-run report with catalog codes, lines and
columns; all or nothing; idempotent re-upload; every created record audited with its file
and line; Shift_JIS and Excel; candidates; a large file through the background job. Runs on
SQLite and PostgreSQL (the ``backend`` fixture)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from haken.modules.audit.models import AuditEntry
from haken.modules.candidates.models import Candidate
from haken.modules.employees.models import Employee
from haken.modules.imports import service as service_module
from haken.modules.imports.service import imports_service
from haken.platform.db import session_scope
from tests.integration.imports.factories import (
    EMPLOYEE_HEADER,
    checked,
    csv_bytes,
    employee_row,
    employees_csv,
    put_mapping,
    upload,
    xlsx_bytes,
)
from tests.waiting import poll


async def _count(app: Any, model: Any) -> int:
    async with session_scope(app.state.database) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _audit(app: Any, entity_type: str) -> list[AuditEntry]:
    async with session_scope(app.state.database) as session:
        statement = (
            select(AuditEntry).where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id)
        )
        return list((await session.scalars(statement)).all())


def _codes(data: dict[str, Any]) -> list[tuple[int, str | None, str | None, str]]:
    return [(p["line"], p["column"], p["field"], p["code"]) for p in data["problems"]]


async def test_a_clean_file_is_checked_then_committed_and_each_record_names_its_file(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    data = await checked(client, headers, employees_csv(3))
    assert (data["state"], data["row_count"], data["error_count"]) == ("checked", 3, 0)
    assert data["problems"] == []
    assert await _count(app, Employee) == 0  # the dry run wrote no employee

    done = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert done.status_code == 200, done.text
    result = done.json()["data"]
    assert (result["state"], result["imported_count"]) == ("committed", 3)

    async with session_scope(app.state.database) as session:
        rows = (await session.scalars(select(Employee).order_by(Employee.id))).all()
    assert [r.employee_number for r in rows] == ["K00001", "K00002", "K00003"]
    assert rows[0].name_kana == "ヤマダ タロウ"
    assert str(rows[0].birth_date) == "1990-04-02"  # 1990/04/02 read as a date
    assert (rows[0].gender, rows[0].employment_type) == ("male", "dispatch")  # 男性, 派遣
    assert rows[2].email == "taro3@test.example"  # mapped by the letter I
    created = [a for a in await _audit(app, "employee") if a.action == "create"]
    assert sorted(a.request_id for a in created) == [
        f"import-{data['id']}-line-{line}" for line in (2, 3, 4)
    ]
    assert [a.action for a in await _audit(app, "master_import")] == ["upload", "commit"]

    # The same file again: the first import, committed; nothing doubles.
    again = await upload(client, headers, employees_csv(3))
    assert again.status_code == 200, again.text
    assert again.json()["data"]["id"] == data["id"]
    assert again.json()["data"]["state"] == "committed"
    recommit = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert recommit.json()["data"]["imported_count"] == 3
    assert await _count(app, Employee) == 3


async def test_the_report_names_line_column_field_and_code_and_nothing_is_committed(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    first = await client.post(
        "/api/employees",
        headers=headers,
        json={
            "name_kana": "スズキ ハナコ",
            "name_romaji": "Suzuki Hanako",
            "birth_date": "1985-01-01",
            "employment_type": "dispatch",
            "hire_date": "2024-04-01",
            "employee_number": "K00009",
        },
    )
    assert first.status_code == 201, first.text
    rows = [
        employee_row(1),
        employee_row(2, kana="Yamada"),  # not kana: line 3, column C
        employee_row(3, birth="1990-13-45"),  # no such date: line 4, column E
        employee_row(4, number="K00001"),  # the number of line 2 again
        employee_row(5, email="taro1@test.example"),  # the e-mail of line 2 again
        employee_row(9),  # K00009 is taken by the employee above
        employee_row(6, type="アルバイト"),  # not an employment type: line 8, column G
    ]
    data = await checked(client, headers, csv_bytes(EMPLOYEE_HEADER, rows))
    assert data["error_count"] == 6
    assert _codes(data) == [
        (3, "C", "name_kana", "IMPORTS_INVALID_VALUE"),
        (4, "E", "birth_date", "IMPORTS_INVALID_VALUE"),
        (5, "A", "employee_number", "IMPORTS_DUPLICATE_IN_FILE"),
        (6, "I", "email", "IMPORTS_DUPLICATE_IN_FILE"),
        (7, "A", "employee_number", "EMPLOYEE_NUMBER_TAKEN"),
        (8, "G", "employment_type", "IMPORTS_INVALID_VALUE"),
    ]
    assert "2" in data["problems"][2]["message"]  # names the first line

    refused = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "IMPORTS_HAS_ERRORS"
    assert await _count(app, Employee) == 1  # only the one entered through the API


async def test_a_row_refused_only_at_commit_rolls_every_row_back(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    """All or nothing: the file was clean when checked; an employee entered meanwhile takes
    the number of its last row, so the commit meets the refusal and writes none of them."""
    headers = await auth_headers("coordinator")
    data = await checked(client, headers, employees_csv(3))
    assert data["error_count"] == 0
    taken = await client.post(
        "/api/employees",
        headers=headers,
        json={
            "name_kana": "スズキ ハナコ",
            "name_romaji": "Suzuki Hanako",
            "birth_date": "1985-01-01",
            "employment_type": "dispatch",
            "hire_date": "2024-04-01",
            "employee_number": "K00003",
        },
    )
    assert taken.status_code == 201, taken.text
    refused = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "IMPORTS_HAS_ERRORS"
    assert [(d["line"], d["code"]) for d in error["details"]] == [(4, "EMPLOYEE_NUMBER_TAKEN")]
    assert await _count(app, Employee) == 1
    assert [a.action for a in await _audit(app, "employee")] == ["create"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
async def test_csv_in_utf8_with_or_without_bom_and_shift_jis(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, encoding: str
) -> None:
    headers = await auth_headers("coordinator")
    data = await checked(client, headers, employees_csv(2, encoding=encoding))
    assert (data["header"][:3], data["error_count"]) == (["社員番号", "氏名", "フリガナ"], 0)
    done = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert done.json()["data"]["imported_count"] == 2
    async with session_scope(app.state.database) as session:
        names = (await session.scalars(select(Employee.name_kanji).order_by(Employee.id))).all()
    assert names == ["山田 太郎1", "山田 太郎2"]


async def test_an_excel_file_with_date_cells(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    import datetime as dt

    headers = await auth_headers("coordinator")
    row = employee_row(1, birth=dt.datetime(1990, 4, 2), hire=dt.datetime(2024, 4, 1))
    data = await checked(client, headers, xlsx_bytes(EMPLOYEE_HEADER, [row]), name="e.xlsx")
    assert (data["file_format"], data["error_count"]) == ("xlsx", 0)
    done = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert done.json()["data"]["imported_count"] == 1
    async with session_scope(app.state.database) as session:
        hired = await session.scalar(select(Employee.hire_date))
    assert str(hired) == "2024-04-01"


async def test_a_file_without_mapping_waits_then_is_checked_by_the_saved_mapping(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    stored = await upload(client, headers, employees_csv(2), source="人事システム")
    assert stored.status_code == 200, stored.text
    data = stored.json()["data"]
    assert data["state"] == "unmapped"
    assert data["header"] == EMPLOYEE_HEADER
    refused = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert refused.json()["error"]["code"] == "IMPORTS_NOT_CHECKED"
    incomplete = await put_mapping(
        client, headers, source="人事システム", columns={"name_kana": "フリガナ"}
    )
    assert incomplete.status_code == 422
    assert incomplete.json()["error"]["code"] == "IMPORTS_MAPPING_INVALID"
    assert (await put_mapping(client, headers, source="人事システム")).status_code == 200
    again = await upload(client, headers, employees_csv(2), source="人事システム")
    assert (again.json()["data"]["id"], again.json()["data"]["state"]) == (data["id"], "checked")


async def test_unreadable_and_empty_files_are_refused_with_their_codes(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    assert (await put_mapping(client, headers)).status_code == 200
    bad = await upload(client, headers, b"PK\x03\x04 not a workbook")
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "IMPORTS_UNREADABLE")
    empty = await upload(client, headers, csv_bytes(EMPLOYEE_HEADER, []))
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "IMPORTS_EMPTY")
    other = await upload(client, headers, csv_bytes(["a", "b"], [["1", "2"]]))
    assert other.json()["error"]["code"] == "IMPORTS_COLUMN_MISSING"


CANDIDATE_HEADER = ["カナ", "ローマ字", "生年月日", "性別", "国籍", "メール"]


async def test_candidates_are_imported_through_the_candidate_form_rules(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    mapped = await put_mapping(
        client,
        headers,
        target="candidates",
        source="求人サイト",
        columns={
            "name_kana": "カナ",
            "name_romaji": "ローマ字",
            "birth_date": "生年月日",
            "gender": "性別",
            "nationality": "国籍",
            "email": "メール",
        },
    )
    assert mapped.status_code == 200, mapped.text
    existing = await client.post(
        "/api/candidates",
        headers=headers,
        json={
            "name_kana": "サントス マリア",
            "name_romaji": "Santos Maria",
            "birth_date": "1998-09-30",
        },
    )
    assert existing.status_code == 201, existing.text
    rows = [
        ["シルバ ジョアン", "Silva Joao", "1999-01-02", "男", "BR", "joao@test.example"],
        ["サントス マリア", "Santos Maria", "1998/9/30", "女", "BR", ""],  # likely duplicate
        ["ペレス アナ", "Perez Ana", "2000-05-06", "女", "Peru", ""],  # not a country code
    ]
    content = csv_bytes(CANDIDATE_HEADER, rows)
    response = await upload(client, headers, content, target="candidates", source="求人サイト")
    data = response.json()["data"]
    assert _codes(data) == [
        (3, "B", "name_romaji", "CANDIDATE_LIKELY_DUPLICATE"),
        (4, "E", "nationality", "IMPORTS_INVALID_VALUE"),
    ]
    fixed = csv_bytes(CANDIDATE_HEADER, [rows[0], [*rows[2][:4], "PE", ""]])
    response = await upload(client, headers, fixed, target="candidates", source="求人サイト")
    data = response.json()["data"]
    assert data["error_count"] == 0, data
    done = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert done.json()["data"]["imported_count"] == 2
    assert await _count(app, Candidate) == 3


async def _wait(
    http: httpx.AsyncClient, headers: dict[str, str], import_id: int, state: str
) -> Any:
    answer = await poll(
        lambda: http.get(f"/api/imports/{import_id}", headers=headers),
        lambda got: got.json()["data"]["state"] == state,
        f"import {import_id} to reach {state}",
    )
    return answer.json()["data"]


async def test_a_large_file_is_checked_and_committed_by_the_background_job(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(imports_service, "inline_limit", 3)
    monkeypatch.setattr(service_module, "PROGRESS_EVERY", 2)  # progress written twice a run
    headers = await auth_headers("coordinator")
    assert (await put_mapping(client, headers)).status_code == 200
    response = await upload(client, headers, employees_csv(5))
    assert response.json()["data"]["state"] == "checking"
    data = await _wait(client, headers, response.json()["data"]["id"], "checked")
    assert (data["error_count"], data["processed"]) == (0, 5)
    assert await _count(app, Employee) == 0
    queued = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert queued.json()["data"]["state"] == "committing"
    busy = await client.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert busy.status_code in (200, 409)  # busy, or already done by the job
    done = await _wait(client, headers, data["id"], "committed")
    assert (done["imported_count"], done["processed"]) == (5, 5)
    assert await _count(app, Employee) == 5
    creates = [a for a in await _audit(app, "employee") if a.action == "create"]
    assert len({a.request_id for a in creates}) == 5


async def test_only_coordinators_and_above_import(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    for role, status in (("employee", 403), ("site_manager", 403), ("coordinator", 200)):
        headers = await auth_headers(role)
        assert (await client.get("/api/imports", headers=headers)).status_code == status
