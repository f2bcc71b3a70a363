"""The import pages (SQLite and PostgreSQL): upload a file of a new source, map its columns
from the file's headers, read the report in Japanese and English, import through the
confirmation page; the list's statements."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from haken.platform.db import assert_num_queries
from tests.integration.imports.factories import (
    EMPLOYEE_COLUMNS,
    EMPLOYEE_HEADER,
    csv_bytes,
    employee_row,
    employees_csv,
    put_mapping,
    upload,
)
from tests.integration.web.conftest import PageLogin, csrf_token


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("列の対応付け", "全角カタカナで入力してください", "取り込み済み")),
        ("en", ("Column mapping", "Enter the name in full-width katakana", "imported")),
    ],
)
async def test_upload_map_report_and_commit_through_the_pages(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, str, str],
) -> None:
    office = await auth_headers("admin")
    user = await make_user("coordinator", locale=locale)
    await page_login(user["email"])
    page = await client.get("/imports/new")
    assert page.status_code == 200, page.text
    bad = csv_bytes(EMPLOYEE_HEADER, [employee_row(1), employee_row(2, kana="Yamada")])
    uploaded = await client.post(
        "/imports",
        data={"csrf_token": csrf_token(page.text), "target": "employees", "source": "旧システム"},
        files={"file": ("staff.csv", bad, "text/csv")},
    )
    assert uploaded.status_code == 303, uploaded.text
    assert uploaded.headers["location"].endswith("/mapping")  # a new source: map it first
    page = await client.get(uploaded.headers["location"])
    assert page.status_code == 200
    assert words[0] in page.text
    import_id = uploaded.headers["location"].split("/")[2]
    form = {f"col_{name}": EMPLOYEE_COLUMNS[name] for name in EMPLOYEE_COLUMNS}
    form["col_email"] = "メール"  # the page offers header texts
    mapped = await client.post(
        f"/imports/{import_id}/mapping",
        data={"csrf_token": csrf_token(page.text), "header_row": "1", **form},
    )
    assert mapped.status_code == 303, mapped.text
    report = await client.get(f"/imports/{import_id}")
    assert report.status_code == 200
    assert words[1] in report.text and "IMPORTS_INVALID_VALUE" in report.text
    assert f"/imports/{import_id}/commit" not in report.text  # no import while a row fails
    refused = await client.post(
        f"/imports/{import_id}/commit", data={"csrf_token": csrf_token(report.text)}
    )
    assert refused.status_code == 422
    assert (await client.get("/api/employees", headers=office)).json()["data"] == []

    good = csv_bytes(EMPLOYEE_HEADER, [employee_row(1), employee_row(2)])
    uploaded = await client.post(
        "/imports",
        data={"csrf_token": csrf_token(report.text), "target": "employees", "source": "旧システム"},
        files={"file": ("staff2.csv", good, "text/csv")},
    )
    assert uploaded.status_code == 303, uploaded.text
    location = uploaded.headers["location"]
    assert not location.endswith("/mapping")  # the saved mapping checked it at once
    report = await client.get(location)
    confirm = await client.get(f"{location}/commit")
    assert confirm.status_code == 200
    done = await client.post(f"{location}/commit", data={"csrf_token": csrf_token(confirm.text)})
    assert done.status_code == 303, done.text
    report = await client.get(location)
    assert words[2] in report.text
    assert len((await client.get("/api/employees", headers=office)).json()["data"]) == 2
    listed = await client.get("/imports")
    assert "staff2.csv" in listed.text and "staff.csv" in listed.text


async def test_the_list_is_one_statement_whatever_it_holds(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("admin")
    user = await make_user("coordinator")
    await page_login(user["email"])
    assert (await client.get("/imports")).status_code == 200  # warm the caller's cache
    # The caller comes from the session cache; the page is one statement (no content,
    # no report), empty or not.
    with assert_num_queries(1):
        assert (await client.get("/imports")).status_code == 200
    assert (await put_mapping(client, office)).status_code == 200
    for start in (1, 10, 20):
        assert (await upload(client, office, employees_csv(2, start=start))).status_code == 200
    with assert_num_queries(1):
        page = await client.get("/imports")
    assert page.text.count('href="/imports/') >= 4  # three imports and "new"
    with assert_num_queries(1):
        assert (await client.get("/api/imports", headers=office)).status_code == 200
