"""The employee list page built on the shared list helper (web.lists): 派遣先/事業所 columns and
filters, those who left hidden by default, romaji in either order, count, sort headers,
filters kept in the links, CSV/Excel exports of every filtered row, fixed query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tracemalloc
from typing import Any

import httpx
from openpyxl import load_workbook

from haken.modules.demo.generator import generate
from haken.modules.employees.service import employees_service
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.employees.factories import employee_body
from tests.integration.web.conftest import PageLogin


async def _placed_site(
    client: httpx.AsyncClient, headers: dict[str, str], name: str
) -> dict[str, Any]:
    owner = (await client.post("/api/clients", headers=headers, json={"name": name})).json()["data"]
    site = await client.post(
        "/api/sites",
        headers=headers,
        json={
            "client_id": owner["id"],
            "name": f"{name}工場",
            "prefecture": "23",
            "address_line1": "1",
        },
    )
    assert site.status_code == 201, site.text
    return site.json()["data"]


async def _employee(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    created = await client.post("/api/employees", headers=headers, json=employee_body(**fields))
    assert created.status_code == 201, created.text
    return created.json()["data"]


async def _setup(client: httpx.AsyncClient, app: Any, auth_headers: Any) -> dict[str, Any]:
    office = await auth_headers("coordinator")
    north = await _placed_site(client, office, "北商事")
    south = await _placed_site(client, office, "南物産")
    maria = await _employee(
        client,
        office,
        name_kanji=None,
        name_kana="サントス マリア",
        name_romaji="Maria Santos",
        nationality="BR",
        birth_date="1990-01-01",
    )
    nguyen = await _employee(
        client,
        office,
        name_kanji="阮 文安",
        name_kana="グエン ヴァン アン",
        name_romaji="NGUYEN VAN AN",
        birth_date="1991-01-01",
    )
    hacker = await _employee(
        client,
        office,
        name_kanji=None,
        name_kana="イコール",
        name_romaji="Equal Sign",
        client_worker_id="=HYPERLINK(1)",
        birth_date="1992-01-01",
    )
    left = await _employee(
        client,
        office,
        name_kanji="退職 太郎",
        name_kana="タイショク タロウ",
        name_romaji="Taishoku Taro",
        birth_date="1993-01-01",
    )
    done = await client.patch(
        f"/api/employees/{left['id']}",
        headers=office,
        json={"version": left["version"], "status": "left", "leave_date": "2025-03-31"},
    )
    assert done.status_code == 200, done.text
    async with session_scope(app.state.database, write=True) as session:
        await employees_service.set_current_placement(
            session, employee_id=maria["id"], client_id=north["client_id"], site_id=north["id"]
        )
        await employees_service.set_current_placement(
            session, employee_id=nguyen["id"], client_id=south["client_id"], site_id=south["id"]
        )
    return {
        "north": north,
        "south": south,
        "maria": maria,
        "nguyen": nguyen,
        "hacker": hacker,
        "left": left,
    }


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/employees/(\d+)">', html)]


async def test_columns_filters_left_toggle_and_romaji_in_either_order(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    rows = await _setup(client, app, auth_headers)
    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    html = (await client.get("/employees")).text
    # 派遣先/事業所 columns with the placement's names; those who left are hidden.
    assert '<th scope="col">派遣先</th><th scope="col">事業所</th>' in html.replace("\n", "")
    assert "北商事</td>" in html and "北商事工場</td>" in html
    assert rows["left"]["id"] not in _ids(html)
    assert "3 件" in html  # the result count
    shown = (await client.get("/employees?include_left=true")).text
    assert rows["left"]["id"] in _ids(shown) and "4 件" in shown
    assert _ids(await _text(client, "/employees?status=left")) == [rows["left"]["id"]]
    # Client and site filters (their options list the sites).
    assert f'<option value="{rows["south"]["id"]}">南物産 / 南物産工場</option>' in html
    by_client = await _text(client, f"/employees?client_id={rows['north']['client_id']}")
    assert _ids(by_client) == [rows["maria"]["id"]]
    assert _ids(await _text(client, f"/employees?site_id={rows['south']['id']}")) == [
        rows["nguyen"]["id"]
    ]
    # Romaji in either order, the last word partial.
    for q in (
        "Maria Santos",
        "Santos Maria",
        "santos mar",
        "NGUYEN VAN AN",
        "An Nguyen",
        "van an nguy",
    ):
        found = _ids(await _text(client, f"/employees?q={q}"))
        expected = (
            rows["maria"]["id"] if "a" in q.lower() and "s" in q.lower() else rows["nguyen"]["id"]
        )
        assert found == [expected], q
    # An unknown sort or filter value is ignored on the page (the API refuses it).
    assert (await client.get("/employees?sort=bogus&status=bogus")).status_code == 200
    api = await client.get("/api/employees?sort=bogus", headers=await auth_headers("coordinator"))
    assert api.status_code == 422


async def _text(client: httpx.AsyncClient, url: str) -> str:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.text


async def test_sort_headers_keep_filters_and_flip_direction(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    rows = await _setup(client, app, auth_headers)
    user = await make_user("coordinator", locale="en")
    await page_login(user["email"])
    html = await _text(client, "/employees?nationality=BR&include_left=true")
    # Sorted by kana ascending (the default): its header says so and links to descending.
    assert (
        '<th scope="col" aria-sort="ascending"><a class="sort" href="?nationality=BR&amp;include_left=true&amp;sort=-kana"'
        in html
    )
    assert 'href="?nationality=BR&amp;include_left=true&amp;sort=romaji"' in html
    assert 'href="?nationality=BR&amp;include_left=true&amp;sort=hire_date"' in html
    assert '<th scope="col">Nationality</th>' in html  # not an indexed sort: no link
    descending = await _text(client, "/employees?include_left=true&sort=-kana")
    assert 'aria-sort="descending"' in descending
    assert _ids(descending) == list(
        reversed(_ids(await _text(client, "/employees?include_left=true")))
    )
    assert '<input type="hidden" name="sort" value="-kana" form="employee-filters">' in descending
    # Export links carry the filters and the sort.
    assert 'href="/employees/export.csv?include_left=true&amp;sort=-kana"' in descending
    assert rows["maria"]["id"] in _ids(html)


async def test_page_query_count_is_exact_on_every_page(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """Principal cached; the page (with its count) 1, placement names 1, site options 1."""
    office = await auth_headers("coordinator")
    site = await _placed_site(client, office, "東工業")
    created = [
        await _employee(
            client,
            office,
            name_romaji=f"Worker {chr(65 + i // 26)}{chr(65 + i % 26)}",
            birth_date=(dt.date(1990, 1, 1) + dt.timedelta(days=i)).isoformat(),
        )
        for i in range(55)
    ]
    async with session_scope(app.state.database, write=True) as session:
        for row in created:
            await employees_service.set_current_placement(
                session, employee_id=row["id"], client_id=site["client_id"], site_id=site["id"]
            )
    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    await client.get("/employees")  # warm the principal
    with cache_bypass(), assert_num_queries(3):
        first = await _text(client, "/employees")
    cursor = re.search(r'href="\?cursor=([^"&]+)"', first)
    assert cursor is not None
    with cache_bypass(), assert_num_queries(3):
        second = await _text(client, f"/employees?cursor={cursor.group(1)}")
    assert len(_ids(first)) == 50 and len(_ids(second)) == 5
    assert "東工業工場</td>" in second


async def test_csv_and_xlsx_exports_carry_the_screen_labels_and_neutralise_formulas(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    rows = await _setup(client, app, auth_headers)
    async with session_scope(app.state.database, write=True) as session:
        await employees_service.set_current_placement(
            session, employee_id=rows["hacker"]["id"], client_id=None, site_id=None
        )
    for locale, headers in (
        (
            "ja",
            [
                "社員番号",
                "氏名",
                "ローマ字",
                "国籍",
                "雇用形態",
                "状態",
                "派遣先",
                "事業所",
                "入社日",
            ],
        ),
        (
            "en",
            [
                "Employee number",
                "Name",
                "Romaji",
                "Nationality",
                "Employment type",
                "Status",
                "Client",
                "Site",
                "Hire date",
            ],
        ),
    ):
        client.cookies.clear()
        user = await make_user("coordinator", locale=locale)
        await page_login(user["email"])
        page = await _text(client, "/employees")
        for label in headers:
            assert f">{label}<" in page, label
        response = await client.get("/employees/export.csv?sort=romaji")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["cache-control"] == "no-store"
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert table[0][: len(headers)] == headers
        romaji = [row[2] for row in table[1:]]
        assert romaji == ["Equal Sign", "Maria Santos", "NGUYEN VAN AN"]  # no one who left
        maria = table[2]
        assert maria[6] == "北商事" and maria[7] == "北商事工場"
        xlsx = await client.get("/employees/export.xlsx?include_left=true")
        assert xlsx.status_code == 200
        sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert values[0][: len(headers)] == headers
        assert len(values) == 5
    # A name that looks like a formula is written as text.
    hostile = await client.patch(
        f"/api/employees/{rows['hacker']['id']}",
        headers=await auth_headers("coordinator"),
        json={
            "version": rows["hacker"]["version"],
            "name_kana": "イコール",
            "name_romaji": "Equal Sign",
        },
    )
    assert hostile.status_code == 200
    response = await client.get("/employees/export.csv?q=-")
    assert response.status_code == 200
    # Every export is audited, with its filters; site managers cannot export.
    audit = await client.get(
        "/api/audit?entity_type=employee&action=export", headers=await auth_headers("admin")
    )
    entries = [e for e in audit.json()["data"] if e["action"] == "export"]
    assert len(entries) >= 4
    client.cookies.clear()
    manager = await make_user("site_manager", site_ids=[rows["north"]["id"]])
    await page_login(manager["email"])
    assert (await client.get("/employees/export.csv")).status_code == 403


async def test_a_formula_cell_is_neutralised_in_both_formats(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    await _employee(
        client, office, name_kanji="=1+2", name_kana="イコール", name_romaji="Equal Sign"
    )
    user = await make_user("coordinator", locale="en")
    await page_login(user["email"])
    table = list(
        csv.reader(
            io.StringIO((await client.get("/employees/export.csv")).content.decode("utf-8-sig"))
        )
    )
    assert table[1][1] == "'=1+2"
    sheet = load_workbook(io.BytesIO((await client.get("/employees/export.xlsx")).content)).active
    assert sheet.cell(row=2, column=2).value == "'=1+2"
    assert sheet.cell(row=2, column=2).data_type == "s"


async def test_export_of_2000_rows_stays_bounded_in_memory(
    client: httpx.AsyncClient, app: Any, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    async with app.state.database.engine.begin() as connection:
        await generate(connection, employees=2000, today=dt.date(2026, 4, 1))
    user = await make_user("coordinator", locale="en")
    await page_login(user["email"])
    counted = await client.get(
        "/api/employees?include_left=true&count=true&limit=1", headers=await auth_headers("admin")
    )
    total = counted.json()["pagination"]["total"]
    assert total >= 2000
    tracemalloc.start()
    try:
        response = await client.get("/employees/export.csv?include_left=true")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == total + 1
    # Pages of 200 rows are written and dropped; the response body itself (about 0.3 MB)
    # is held by the test client. Holding every row's ORM object and DTO would be several
    # times this bound.
    assert peak < 16 * 1024 * 1024, peak
