"""Client timesheet import (issue 15 item 4): mapping per client, the dry-run report with
catalog codes and positions, all-or-nothing commit, idempotent re-upload, CSV and XLSX,
access. Runs on SQLite and PostgreSQL (the ``backend`` fixture)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import httpx
from openpyxl import Workbook
from sqlalchemy import func, select

from haken.modules.attendance.models import ImportFile, Timecard
from haken.modules.audit.models import AuditEntry
from haken.platform.cache import cache_bypass
from haken.platform.db import count_queries, session_scope
from tests.integration.assignments.factories import assign, make_contract, make_employee
from tests.integration.attendance.factories import PART_TIME, enter, placement

HEADER = ["社員番号", "氏名", "日付", "出勤", "退勤", "休憩(分)", "備考"]
MAPPING = {
    "columns": {
        "employee": "社員番号",
        "date": "日付",
        "start": "出勤",
        "end": "退勤",
        "break_minutes": "休憩(分)",
        "note": "G",  # by letter
    },
    "employee_key": "number",
}


def _csv(rows: list[list[Any]], *, encoding: str = "utf-8") -> bytes:
    lines = [",".join(str(c) for c in row) for row in [HEADER, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _upload(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    client_id: int,
    content: bytes,
    name: str = "timesheet.csv",
) -> httpx.Response:
    return await http.post(
        "/api/attendance/imports",
        headers=headers,
        data={"client_id": str(client_id)},
        files={"file": (name, content, "application/octet-stream")},
    )


async def _map(
    http: httpx.AsyncClient, headers: dict[str, str], client_id: int, **changes: Any
) -> httpx.Response:
    return await http.put(
        f"/api/attendance/imports/mappings/{client_id}",
        headers=headers,
        json={**MAPPING, **changes},
    )


async def _cards(app: Any) -> list[Timecard]:
    async with session_scope(app.state.database) as session:
        return list((await session.scalars(select(Timecard).order_by(Timecard.id))).all())


async def _setup(http: httpx.AsyncClient, office: dict[str, str]) -> dict[str, Any]:
    placed = await placement(http, office)
    mapped = await _map(http, office, placed["client_id"])
    assert mapped.status_code == 200, mapped.text
    return placed


def _codes(data: dict[str, Any]) -> list[tuple[int, str | None, str]]:
    return [(p["line"], p["column"], p["code"]) for p in data["problems"]]


async def test_dry_run_reports_each_problem_with_line_column_and_code(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await _setup(client, office)
    number = placed["employee"]["employee_number"]
    aid = placed["assignment"]["id"]
    # A card already entered on 4/7 through the form.
    assert (await enter(client, office, aid, "2026-04-07")).status_code == 201
    # Another worker of the same client, placed from 2026-05-01 only.
    later = await make_employee(client, office)
    contract = await make_contract(client, office, placed["unit_id"])
    await assign(client, office, contract["id"], later["id"], start_date="2026-05-01")
    rows = [
        [number, "", "2026-04-06", "8:00", "17:00", 60, "ok"],  # line 2: fine
        ["X-999", "", "2026-04-06", "8:00", "17:00", 60, ""],  # 3: unknown employee
        [number, "", "2026-13-01", "8:00", "17:00", 60, ""],  # 4: bad date
        [number, "", "2026-04-08", "8時間", "17:00", 60, ""],  # 5: bad time
        [number, "", "2026-04-09", "8:00", "17:00", "一時間", ""],  # 6: bad break
        [number, "", "2026-04-06", "9:00", "18:00", 60, ""],  # 7: duplicate of line 2
        [number, "", "2026-04-07", "8:00", "17:00", 60, ""],  # 8: day taken
        [later["employee_number"], "", "2026-04-10", "8:00", "17:00", 60, ""],  # 9: no placement
        [number, "", "2026-10-01", "8:00", "17:00", 60, ""],  # 10: no placement (after end)
        [number, "", "2026-04-13", "8:00", "9:00", 90, ""],  # 11: break ≥ time
    ]
    response = await _upload(client, office, placed["client_id"], _csv(rows))
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["state"] == "checked" and data["row_count"] == 10
    assert _codes(data) == [
        (3, "A", "ATTENDANCE_IMPORT_UNKNOWN_EMPLOYEE"),
        (4, "C", "ATTENDANCE_IMPORT_BAD_DATE"),
        (5, "D", "ATTENDANCE_IMPORT_BAD_TIME"),
        (6, "F", "ATTENDANCE_IMPORT_BAD_NUMBER"),
        (7, "C", "ATTENDANCE_IMPORT_DUPLICATE_ROW"),
        (8, "C", "ATTENDANCE_DAY_TAKEN"),
        (9, "A", "ATTENDANCE_IMPORT_NO_ASSIGNMENT"),
        (10, "A", "ATTENDANCE_IMPORT_NO_ASSIGNMENT"),
        (11, "D", "ATTENDANCE_TIMES_REQUIRED"),
    ]
    assert data["error_count"] == 9
    duplicate = data["problems"][4]
    assert "2行目" in duplicate["message"]  # default locale ja: names the first line
    user = await make_user("coordinator", locale="en")
    english = {"Authorization": (await login(user["email"]))["Authorization"]}
    again = await client.get(f"/api/attendance/imports/{data['id']}", headers=english)
    assert "(line 2)" in again.json()["data"]["problems"][4]["message"]
    # A dry run writes the file only: the card entered through the form is all there is.
    assert len(await _cards(app)) == 1


async def test_closed_period_and_residence_permission_are_refused_like_the_form(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    placed = await placement(
        client,
        office,
        contract_fields={**PART_TIME, "break_minutes": 0},
        foreign=(
            "STUDENT",
            {"extra_activity_permission": "BLANKET", "residence_card_expiry": "2026-06-30"},
        ),
    )
    assert (await _map(client, office, placed["client_id"])).status_code == 200
    number = placed["employee"]["employee_number"]
    closed = await client.post(
        "/api/attendance/periods/close",
        headers=admin,
        json={"kind": "payroll", "day": "2026-04-10"},
    )
    assert closed.status_code == 200, closed.text
    rows = [
        [number, "", "2026-04-10", "17:00", "21:00", 0, ""],  # closed period
        [number, "", "2026-05-11", "17:00", "21:00", 0, ""],  # fine
        [number, "", "2026-07-01", "17:00", "21:00", 0, ""],  # after the permission
    ]
    data = (await _upload(client, office, placed["client_id"], _csv(rows))).json()["data"]
    assert _codes(data) == [
        (2, "C", "ATTENDANCE_PERIOD_CLOSED"),
        (4, "C", "ATTENDANCE_WORK_NOT_PERMITTED"),
    ]
    refused = await client.post(f"/api/attendance/imports/{data['id']}/commit", headers=office)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "ATTENDANCE_IMPORT_HAS_ERRORS"
    assert await _cards(app) == []


async def test_one_bad_row_writes_nothing_then_the_fixed_file_commits_whole(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await _setup(client, office)
    number = placed["employee"]["employee_number"]
    good = [[number, "", f"2026-04-{d:02d}", "8:00", "17:00", 60, ""] for d in range(6, 11)]
    bad = await _upload(client, office, placed["client_id"], _csv([*good, [number, "", "x"]]))
    assert bad.json()["data"]["error_count"] == 1
    refused = await client.post(
        f"/api/attendance/imports/{bad.json()['data']['id']}/commit", headers=office
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["details"][0]["code"] == "ATTENDANCE_IMPORT_BAD_DATE"
    assert await _cards(app) == []
    async with session_scope(app.state.database) as session:
        stored = await session.get(ImportFile, bad.json()["data"]["id"])
        assert stored is not None and stored.state == "checked" and stored.imported_count == 0

    fixed = await _upload(client, office, placed["client_id"], _csv(good))
    data = fixed.json()["data"]
    assert data["error_count"] == 0 and data["id"] != bad.json()["data"]["id"]
    committed = await client.post(f"/api/attendance/imports/{data['id']}/commit", headers=office)
    assert committed.status_code == 200, committed.text
    assert committed.json()["data"]["state"] == "committed"
    assert committed.json()["data"]["imported_count"] == 5
    cards = await _cards(app)
    assert [c.work_date for c in cards] == [dt.date(2026, 4, d) for d in range(6, 11)]
    assert {(c.state, c.source, c.import_file_id) for c in cards} == {
        ("submitted", "import", data["id"])
    }
    # 8:00 JST is 23:00 UTC the day before; 8 h worked after the hour's break.
    assert cards[0].start_at == dt.datetime(2026, 4, 5, 23, 0, tzinfo=dt.UTC)
    assert cards[0].break_minutes == 60
    listed = await client.get(
        "/api/attendance/timecards", headers=office, params={"month": "2026-04"}
    )
    assert {row["worked_minutes"] for row in listed.json()["data"]} == {480}
    assert {row["source"] for row in listed.json()["data"]} == {"import"}


async def test_same_file_again_returns_the_first_result_and_writes_nothing(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await _setup(client, office)
    number = placed["employee"]["employee_number"]
    content = _csv([[number, "", "2026-04-06", "8:00", "17:00", 60, ""]])
    first = (await _upload(client, office, placed["client_id"], content)).json()["data"]
    done = await client.post(f"/api/attendance/imports/{first['id']}/commit", headers=office)
    assert done.status_code == 200, done.text

    again = await _upload(client, office, placed["client_id"], content, name="copy.csv")
    assert again.status_code == 200, again.text
    assert again.json()["data"]["id"] == first["id"]
    assert again.json()["data"]["state"] == "committed"
    assert again.json()["data"]["problems"] == []  # not re-checked against its own cards
    recommit = await client.post(f"/api/attendance/imports/{first['id']}/commit", headers=office)
    assert recommit.status_code == 200
    assert recommit.json()["data"] == done.json()["data"]
    assert len(await _cards(app)) == 1
    async with session_scope(app.state.database) as session:
        files = await session.scalar(select(func.count()).select_from(ImportFile))
        audits = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.entity_type == "timesheet_import")
            )
        ).all()
    assert files == 1
    assert sorted(audits) == ["commit", "upload"]


async def test_xlsx_by_name_with_excel_dates_and_times(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    mapping = {
        **MAPPING["columns"],  # type: ignore[dict-item]
        "employee": "氏名",
    }
    saved = await _map(client, office, placed["client_id"], columns=mapping, employee_key="name")
    assert saved.status_code == 200, saved.text
    name = placed["employee"]["name_romaji"].upper()  # case and spacing do not matter
    rows = [
        ["", name, dt.datetime(2026, 4, 6), dt.time(22, 0), dt.time(7, 0), 60, "夜勤"],
        ["", "山田 次郎", dt.date(2026, 4, 7), dt.time(8, 0), dt.time(17, 0), 60, ""],
    ]
    data = (
        await _upload(client, office, placed["client_id"], _xlsx(rows), name="勤怠.xlsx")
    ).json()["data"]
    assert data["file_format"] == "xlsx" and data["filename"] == "勤怠.xlsx"
    assert _codes(data) == [(3, "B", "ATTENDANCE_IMPORT_UNKNOWN_EMPLOYEE")]

    fixed = (
        await _upload(client, office, placed["client_id"], _xlsx(rows[:1]), name="勤怠.xlsx")
    ).json()["data"]
    assert fixed["error_count"] == 0
    done = await client.post(f"/api/attendance/imports/{fixed['id']}/commit", headers=office)
    assert done.status_code == 200, done.text
    (card,) = await _cards(app)
    # A night shift: 22:00 JST on 4/6 to 07:00 JST on 4/7, 8 h after the break.
    assert card.start_at == dt.datetime(2026, 4, 6, 13, 0, tzinfo=dt.UTC)
    assert card.end_at == dt.datetime(2026, 4, 6, 22, 0, tzinfo=dt.UTC)
    assert card.note == "夜勤" and card.work_date == dt.date(2026, 4, 6)


async def test_shift_jis_csv_and_an_ambiguous_name(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    twin = await make_employee(client, office)  # also 山田 太郎 (the factory's kanji name)
    contract = await make_contract(client, office, placed["unit_id"])
    await assign(client, office, contract["id"], twin["id"])
    columns = {**MAPPING["columns"], "employee": "氏名"}  # type: ignore[dict-item]
    assert (
        await _map(client, office, placed["client_id"], columns=columns, employee_key="name")
    ).status_code == 200
    rows = [["", "山田　太郎", "2026/4/6", "8:00", "17:00", 60, ""]]
    data = (
        await _upload(client, office, placed["client_id"], _csv(rows, encoding="cp932"))
    ).json()["data"]
    assert _codes(data) == [(2, "B", "ATTENDANCE_IMPORT_AMBIGUOUS_EMPLOYEE")]


async def test_mapping_is_saved_per_client_and_checked(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    one = await placement(client, office)
    two = await placement(client, office)
    assert (await _map(client, office, one["client_id"])).status_code == 200
    other = {"employee": "B", "date": "A", "shift_code": "シフト"}
    saved = await _map(client, office, two["client_id"], columns=other, header_row=2)
    assert saved.status_code == 200, saved.text

    first = await client.get(f"/api/attendance/imports/mappings/{one['client_id']}", headers=office)
    second = await client.get(
        f"/api/attendance/imports/mappings/{two['client_id']}", headers=office
    )
    assert first.json()["data"]["columns"] == MAPPING["columns"]
    assert second.json()["data"]["columns"] == other and second.json()["data"]["header_row"] == 2
    listed = await client.get("/api/attendance/imports/mappings", headers=office)
    assert [m["client_id"] for m in listed.json()["data"]] == sorted(
        [one["client_id"], two["client_id"]]
    )

    stale = await _map(client, office, one["client_id"], version=99)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "VERSION_CONFLICT"
    incomplete = await _map(client, office, one["client_id"], columns={"employee": "A"})
    assert incomplete.status_code == 422
    missing = await client.get("/api/attendance/imports/mappings/999999", headers=office)
    assert missing.status_code == 404
    no_client = await _map(client, office, 999999)
    assert no_client.status_code == 404

    # A file without a mapped column is refused whole; a client without a mapping too.
    refused = await _upload(client, office, one["client_id"], b"a,b\r\n1,2\r\n")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "ATTENDANCE_IMPORT_COLUMN_MISSING"
    third = await placement(client, office)
    unmapped = await _upload(client, office, third["client_id"], _csv([]))
    assert unmapped.status_code == 409
    assert unmapped.json()["error"]["code"] == "ATTENDANCE_IMPORT_NO_MAPPING"
    empty = await _upload(client, office, one["client_id"], _csv([]))
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "ATTENDANCE_IMPORT_EMPTY"
    garbage = await _upload(client, office, one["client_id"], b"PK\x03\x04broken")
    assert garbage.status_code == 422
    assert garbage.json()["error"]["code"] == "ATTENDANCE_IMPORT_UNREADABLE"


async def test_coordinators_import_employees_and_site_managers_do_not(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await _setup(client, office)
    number = placed["employee"]["employee_number"]
    content = _csv([[number, "", "2026-04-06", "8:00", "17:00", 60, ""]])
    data = (await _upload(client, office, placed["client_id"], content)).json()["data"]
    worker = await make_user("employee", employee_id=placed["employee"]["id"])
    employee = {"Authorization": (await login(worker["email"]))["Authorization"]}
    manager_user = await make_user("site_manager", site_ids=[placed["site_id"]])
    manager = {"Authorization": (await login(manager_user["email"]))["Authorization"]}
    for headers in (employee, manager):
        for response in (
            await _upload(client, headers, placed["client_id"], content + b"\r\n"),
            await client.post(f"/api/attendance/imports/{data['id']}/commit", headers=headers),
            await client.get(f"/api/attendance/imports/{data['id']}", headers=headers),
            await client.get("/api/attendance/imports/mappings", headers=headers),
            await _map(client, headers, placed["client_id"]),
        ):
            assert response.status_code == 403, response.text
    done = await client.post(f"/api/attendance/imports/{data['id']}/commit", headers=office)
    assert done.status_code == 200 and done.json()["data"]["imported_count"] == 1


async def test_upload_with_an_idempotency_key_and_a_malformed_form(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    """The access dependency hashes the raw body for an Idempotency-Key: the multipart body
    must still be readable by the endpoint afterwards (it was a 500 "Stream consumed" when
    FastAPI parsed the form first), and the replay answers the first result."""
    office = await auth_headers("coordinator")
    placed = await _setup(client, office)
    number = placed["employee"]["employee_number"]
    content = _csv([[number, "", "2026-04-06", "8:00", "17:00", 60, ""]])
    boundary = "haken-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="client_id"\r\n\r\n'
            f"{placed['client_id']}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="t.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    keyed = {
        **office,
        "Idempotency-Key": "import-2026-04-first-upload",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    first = await client.post("/api/attendance/imports", headers=keyed, content=body)
    assert first.status_code == 200, first.text
    assert first.json()["data"]["row_count"] == 1
    replay = await client.post("/api/attendance/imports", headers=keyed, content=body)
    assert replay.status_code == 200 and replay.json()["data"] == first.json()["data"]

    no_file = await client.post(
        "/api/attendance/imports", headers=office, data={"client_id": str(placed["client_id"])}
    )
    assert no_file.status_code == 422
    assert no_file.json()["error"]["code"] == "VALIDATION_FAILED"
    assert [d["loc"] for d in no_file.json()["error"]["details"]] == [["body", "file"]]
    bad_id = await _upload(client, office, 0, content)
    assert bad_id.status_code == 422
    assert bad_id.json()["error"]["details"][0]["loc"] == ["body", "client_id"]
    json_body = await client.post("/api/attendance/imports", headers=office, json={"a": 1})
    assert json_body.status_code == 422


async def test_imported_week_carries_the_forms_hours_warnings_and_a_taken_day_is_refused(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    """The bulk path (COPY on PostgreSQL, batched INSERTs on SQLite) stores what the form
    stores: the 資格外活動 finding of the fifth evening (29 h in 7 days against 28 h) as the
    form's test reads it, ``warned`` set; a card already on a day is a unique violation that
    reaches the caller as the INSERT's IntegrityError (nothing written)."""
    office = await auth_headers("coordinator")
    placed = await placement(
        client,
        office,
        contract_fields={**PART_TIME, "break_minutes": 0},
        foreign=("STUDENT", {"extra_activity_permission": "BLANKET"}),
    )
    mapped = await _map(client, office, placed["client_id"])
    assert mapped.status_code == 200, mapped.text
    number = placed["employee"]["employee_number"]
    week = [[number, "", f"2026-04-{d:02d}", "14:00", "21:00", 0, ""] for d in range(6, 10)]
    week.append([number, "", "2026-04-10", "17:00", "18:00", 0, "延長"])
    uploaded = await _upload(client, office, placed["client_id"], _csv(week))
    assert uploaded.json()["data"]["error_count"] == 0, uploaded.text
    done = await client.post(
        f"/api/attendance/imports/{uploaded.json()['data']['id']}/commit", headers=office
    )
    assert done.status_code == 200, done.text
    cards = await _cards(app)
    # every day of the file inside the offending 7 days carries the finding (the shared
    # day_hours_warnings helper), as stored JSON, read back the same on both databases
    assert [c.warned for c in cards] == [True] * 5
    for card in cards:
        found = card.hours_warnings or []
        assert {(w["kind"], w["limit_minutes"]) for w in found} == {("WEEKLY", 28 * 60)}
        assert max(w["worked_minutes"] for w in found) == 29 * 60
        assert all(dt.date.fromisoformat(w["start"]) <= card.work_date for w in found)
    assert cards[4].note == "延長" and cards[4].start_at is not None
    assert cards[4].start_at.tzinfo is not None
    listed = await client.get(
        "/api/attendance/timecards", headers=office, params={"warned": "true"}
    )
    assert sorted(row["id"] for row in listed.json()["data"]) == [c.id for c in cards]

    from sqlalchemy.exc import IntegrityError

    from haken.modules.attendance.imports import _Card, _insert_values
    from haken.modules.attendance.repository import ImportRepository
    from haken.platform.db import utcnow

    again = _Card(
        employee_id=cards[0].employee_id,
        assignment_id=cards[0].assignment_id,
        contract_id=cards[0].contract_id,
        site_id=cards[0].site_id,
        work_date=cards[0].work_date,
        timezone=cards[0].timezone,
        marker="none",
        note="",
    )
    refused = False
    async with session_scope(app.state.database, write=True) as session:
        try:
            await ImportRepository(session).insert_timecards(
                [_insert_values(again, uploaded.json()["data"]["id"], utcnow())]
            )
        except IntegrityError:
            refused = True
            await session.rollback()
    assert refused
    assert len(await _cards(app)) == 5


# --- the commit reuses a clean dry run's verdict (issue 15: rows validated once) -------------


async def _clean_dry_run(
    http: httpx.AsyncClient, office: dict[str, str], days: range = range(6, 11)
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A placement, its client's mapping and a clean dry run of one card a day in April."""
    placed = await _setup(http, office)
    number = placed["employee"]["employee_number"]
    rows = [[number, "", f"2026-04-{d:02d}", "8:00", "17:00", 60, ""] for d in days]
    uploaded = await _upload(http, office, placed["client_id"], _csv(rows))
    assert uploaded.status_code == 200, uploaded.text
    data = uploaded.json()["data"]
    assert data["error_count"] == 0, data["problems"]
    return placed, data


async def _commit(
    http: httpx.AsyncClient, office: dict[str, str], import_id: int
) -> httpx.Response:
    return await http.post(f"/api/attendance/imports/{import_id}/commit", headers=office)


async def _spoil_the_stored_file(app: Any, import_id: int) -> None:
    """Replace the stored upload with bytes no reader accepts: a commit that reads the file
    again is refused as unreadable, one that starts from the verdict is not."""
    async with session_scope(app.state.database, write=True) as session:
        stored = await session.get(ImportFile, import_id)
        assert stored is not None
        stored.content = b"PK\x03\x04not a workbook"


def _refused_codes(response: httpx.Response) -> list[tuple[int, str | None, str]]:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "ATTENDANCE_IMPORT_HAS_ERRORS"
    return [(d["line"], d["column"], d["code"]) for d in error["details"]]


async def _still_checked(app: Any, import_id: int) -> None:
    async with session_scope(app.state.database) as session:
        stored = await session.get(ImportFile, import_id)
        assert stored is not None
        assert (stored.state, stored.imported_count, stored.committed_at) == ("checked", 0, None)


async def test_a_clean_dry_run_commits_from_its_verdict_in_a_fixed_number_of_statements(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, backend: str
) -> None:
    """The commit does not read the file or check its rows again: with the stored upload
    made unreadable it still writes the dry run's cards, with the form's times. The
    statements do not depend on the number of rows (bench/attendance_bench.py: 20,000)."""
    office = await auth_headers("coordinator")
    placed = await _setup(client, office)
    number = placed["employee"]["employee_number"]
    rows = [[number, "", f"2026-04-{d:02d}", "8:00", "17:00", 60, ""] for d in range(6, 11)]
    with cache_bypass(), count_queries() as dry:
        uploaded = await _upload(client, office, placed["client_id"], _csv(rows))
    data = uploaded.json()["data"]
    assert data["error_count"] == 0, data["problems"]
    await _spoil_the_stored_file(app, data["id"])
    with cache_bypass(), count_queries() as committing:
        done = await _commit(client, office, data["id"])
    assert done.status_code == 200, done.text
    assert done.json()["data"]["imported_count"] == 5
    cards = await _cards(app)
    assert [c.work_date for c in cards] == [dt.date(2026, 4, d) for d in range(6, 11)]
    assert cards[0].start_at == dt.datetime(2026, 4, 5, 23, 0, tzinfo=dt.UTC)
    assert cards[0].end_at == dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)
    assert {(c.break_minutes, c.timezone, c.import_file_id) for c in cards} == {
        (60, "Asia/Tokyo", data["id"])
    }
    assert {c.employee_id for c in cards} == {placed["employee"]["id"]}
    assert {c.contract_id for c in cards} == {placed["contract"]["id"]}
    # The dry run: the caller, client, mapping, file by hash, the four looked-up sets
    # (placements, workers, site settings, shifts), closed periods, carded days, the file
    # and the audit row. The commit: the caller, the file (locked), the mapping, the four
    # looked-up sets again (their digest), the two re-checks, the cards (SQLite: one
    # INSERT; PostgreSQL: one COPY, which does not pass through the counter), the file and
    # the audit row.
    assert dry.count == 12, dry.statements
    assert committing.count == (11 if backend == "postgres" else 12), committing.statements


async def test_a_mapping_changed_after_the_dry_run_makes_the_commit_read_the_file_again(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed, data = await _clean_dry_run(client, office)
    # The same columns, the note now read from the header instead of the letter.
    columns = {**MAPPING["columns"], "note": "備考"}  # type: ignore[dict-item]
    assert (await _map(client, office, placed["client_id"], columns=columns)).status_code == 200
    await _spoil_the_stored_file(app, data["id"])
    refused = await _commit(client, office, data["id"])
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "ATTENDANCE_IMPORT_UNREADABLE"
    assert await _cards(app) == []
    await _still_checked(app, data["id"])


async def test_a_period_closed_after_the_dry_run_refuses_the_whole_commit(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    placed, data = await _clean_dry_run(client, office)
    closed = await client.post(
        "/api/attendance/periods/close",
        headers=admin,
        json={"kind": "billing", "day": "2026-04-08", "contract_id": placed["contract"]["id"]},
    )
    assert closed.status_code == 200, closed.text
    period = closed.json()["data"]
    start, end = (dt.date.fromisoformat(period[k]) for k in ("period_start", "period_end"))
    inside = [d for d in range(6, 11) if start <= dt.date(2026, 4, d) <= end]
    assert inside  # the contract's billing period holds some of the file's days
    refused = await _commit(client, office, data["id"])
    assert _refused_codes(refused) == [
        (d - 4, "C", "ATTENDANCE_PERIOD_CLOSED") for d in inside
    ]  # line 2 is the 6th
    assert await _cards(app) == []
    await _still_checked(app, data["id"])


async def test_a_card_entered_after_the_dry_run_refuses_the_whole_commit(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed, data = await _clean_dry_run(client, office)
    entered = await enter(client, office, placed["assignment"]["id"], "2026-04-08")
    assert entered.status_code == 201, entered.text
    refused = await _commit(client, office, data["id"])
    assert _refused_codes(refused) == [(4, "C", "ATTENDANCE_DAY_TAKEN")]
    cards = await _cards(app)
    assert [(c.work_date, c.source) for c in cards] == [(dt.date(2026, 4, 8), "manual")]
    await _still_checked(app, data["id"])


async def test_a_placement_ended_after_the_dry_run_refuses_the_rows_after_its_end(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed, data = await _clean_dry_run(client, office)
    assignment = placed["assignment"]
    ended = await client.post(
        f"/api/assignments/{assignment['id']}/end",
        headers=office,
        json={"version": assignment["version"], "end_date": "2026-04-08"},
    )
    assert ended.status_code == 200, ended.text
    refused = await _commit(client, office, data["id"])
    assert _refused_codes(refused) == [
        (5, "A", "ATTENDANCE_IMPORT_NO_ASSIGNMENT"),
        (6, "A", "ATTENDANCE_IMPORT_NO_ASSIGNMENT"),
    ]
    assert await _cards(app) == []
    await _still_checked(app, data["id"])
