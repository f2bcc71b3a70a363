"""The timesheet import pages (SQLite and PostgreSQL): save a client's mapping, upload a file,
read the report in Japanese and English, a refused commit shown on the page, then import."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.attendance.factories import placement
from tests.integration.web.conftest import PageLogin, csrf_token


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("列の対応付け", "日付として読めません", "取り込み済み")),
        ("en", ("Column mapping", "is not a date", "imported")),
    ],
)
async def test_mapping_upload_report_and_commit_through_the_pages(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, str, str],
) -> None:
    office = await auth_headers("admin")
    placed = await placement(client, office)
    user = await make_user("coordinator", locale=locale)
    await page_login(user["email"])
    page = await client.get(f"/attendance/imports?client_id={placed['client_id']}")
    assert page.status_code == 200, page.text
    assert words[0] in page.text
    saved = await client.post(
        "/attendance/imports/mapping",
        data={
            "csrf_token": csrf_token(page.text),
            "client_id": str(placed["client_id"]),
            "col_employee": "A",
            "col_date": "B",
            "col_start": "C",
            "col_end": "D",
            "employee_key": "number",
            "header_row": "1",
        },
    )
    assert saved.status_code == 303, saved.text
    page = await client.get(saved.headers["location"])
    assert 'value="A"' in page.text  # the saved mapping is shown

    number = placed["employee"]["employee_number"]
    bad = f"no,day,in,out\r\n{number},2026-04-06,8:00,17:00\r\n{number},x,8:00,17:00\r\n"
    uploaded = await client.post(
        "/attendance/imports",
        data={"csrf_token": csrf_token(page.text), "client_id": str(placed["client_id"])},
        files={"file": ("sheet.csv", bad.encode(), "text/csv")},
    )
    assert uploaded.status_code == 303, uploaded.text
    report = await client.get(uploaded.headers["location"])
    assert report.status_code == 200
    assert words[1] in report.text and "ATTENDANCE_IMPORT_BAD_DATE" in report.text
    assert "/commit" not in report.text  # no import button while a row has a problem
    import_id = uploaded.headers["location"].rsplit("/", 1)[1]
    refused = await client.post(
        f"/attendance/imports/{import_id}/commit", data={"csrf_token": csrf_token(report.text)}
    )
    assert refused.status_code == 422
    listed = await client.get("/api/attendance/timecards", headers=office)
    assert listed.json()["data"] == []

    good = bad.rsplit(f"{number},x", 1)[0]
    uploaded = await client.post(
        "/attendance/imports",
        data={"csrf_token": csrf_token(report.text), "client_id": str(placed["client_id"])},
        files={"file": ("sheet.csv", good.encode(), "text/csv")},
    )
    report = await client.get(uploaded.headers["location"])
    assert f"/attendance/imports/{uploaded.headers['location'].rsplit('/', 1)[1]}/commit" in (
        report.text
    )
    done = await client.post(
        f"{uploaded.headers['location']}/commit", data={"csrf_token": csrf_token(report.text)}
    )
    assert done.status_code == 303, done.text
    after = await client.get(done.headers["location"])
    assert words[2] in after.text
    listed = await client.get("/api/attendance/timecards", headers=office)
    assert [c["source"] for c in listed.json()["data"]] == ["import"]


async def test_an_upload_without_a_mapping_is_shown_on_the_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("admin")
    placed = await placement(client, office)
    user = await make_user("coordinator", locale="en")
    await page_login(user["email"])
    page = await client.get(f"/attendance/imports?client_id={placed['client_id']}")
    refused = await client.post(
        "/attendance/imports",
        data={"csrf_token": csrf_token(page.text), "client_id": str(placed["client_id"])},
        files={"file": ("sheet.csv", b"a,b\r\n1,2\r\n", "text/csv")},
    )
    assert refused.status_code == 422
    assert "has no column mapping yet" in refused.text
