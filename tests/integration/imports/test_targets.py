"""Clients, sites, units and assignments from files (issue 19 item 6): the same check →
mapping → commit flow as employees; parents named by 法人番号 or name; each assignment
through the assignments service, so its refusals (the minimum wage, an overlapping
placement) are the row's problems with their catalog codes, and nothing is half-written.
Runs on SQLite and PostgreSQL (``backend``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.assignments.factories import make_contract, make_employee
from tests.integration.imports.factories import csv_bytes, put_mapping, upload
from tests.integration.web.conftest import PageLogin

# 国税庁's own 法人番号 (published on its 法人番号公表サイト): check digit 7.
NTA_NUMBER = "7000012050002"

CLIENT_COLUMNS = {"name": "派遣先名", "corporate_number": "法人番号", "prefecture": "都道府県"}
SITE_COLUMNS = {
    "client": "派遣先",
    "name": "事業所名",
    "prefecture": "都道府県",
    "city": "市区町村",
    "address_line1": "住所",
    "dispatch_started_on": "派遣開始日",
}
UNIT_COLUMNS = {"client": "派遣先", "site": "事業所", "name": "組織単位", "head_title": "役職"}
ASSIGNMENT_COLUMNS = {
    "employee_number": "社員番号",
    "contract_number": "契約番号",
    "unit": "組織単位",
    "start_date": "開始日",
    "end_date": "終了日",
    "hourly_pay": "時給",
}


async def _import(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    target: str,
    columns: dict[str, str],
    header: list[str],
    rows: list[list[Any]],
) -> dict[str, Any]:
    mapped = await put_mapping(http, headers, target=target, source="台帳", columns=columns)
    assert mapped.status_code == 200, mapped.text
    response = await upload(
        http, headers, csv_bytes(header, rows), target=target, source="台帳", name=f"{target}.csv"
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def _commit(http: httpx.AsyncClient, headers: dict[str, str], data: dict[str, Any]) -> Any:
    assert data["error_count"] == 0, data["problems"]
    done = await http.post(f"/api/imports/{data['id']}/commit", headers=headers)
    assert done.status_code == 200, done.text
    return done.json()["data"]


def _codes(data: dict[str, Any]) -> list[tuple[int, str | None, str | None, str]]:
    return [(p["line"], p["column"], p["field"], p["code"]) for p in data["problems"]]


async def _master_data(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    """Two clients, their sites and units imported from three files; the ids by name."""
    clients = await _import(
        http,
        headers,
        "clients",
        CLIENT_COLUMNS,
        ["派遣先名", "法人番号", "都道府県"],
        [["国税庁", NTA_NUMBER, "13"], ["株式会社中部製作所", "", "23"]],
    )
    assert (await _commit(http, headers, clients))["imported_count"] == 2
    sites = await _import(
        http,
        headers,
        "sites",
        SITE_COLUMNS,
        ["派遣先", "事業所名", "都道府県", "市区町村", "住所", "派遣開始日"],
        [
            # the client by its 法人番号 (typed with hyphens), then by its name
            ["7-0000-1205-0002", "本庁舎", "13", "千代田区", "霞が関3-1-1", "2025/04/01"],
            ["株式会社中部製作所", "第1工場", "愛知県", "豊田市", "トヨタ町1番地", ""],
        ],
    )
    assert (await _commit(http, headers, sites))["imported_count"] == 2
    units = await _import(
        http,
        headers,
        "units",
        UNIT_COLUMNS,
        ["派遣先", "事業所", "組織単位", "役職"],
        [["株式会社中部製作所", "第1工場", "製造1課", "課長"], ["", "本庁舎", "総務課", "課長"]],
    )
    assert (await _commit(http, headers, units))["imported_count"] == 2
    listed = (await http.get("/api/units", headers=headers)).json()["data"]
    return {u["name"]: u for u in listed}


async def test_clients_sites_and_units_are_imported_naming_their_parents(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    units = await _master_data(client, headers)
    assert set(units) == {"製造1課", "総務課"}
    sites = {s["name"]: s for s in (await client.get("/api/sites", headers=headers)).json()["data"]}
    assert sites["第1工場"]["prefecture"] == "23"  # 愛知県 read as its code
    assert sites["本庁舎"]["dispatch_started_on"] == "2025-04-01"
    assert units["製造1課"]["site_id"] == sites["第1工場"]["id"]

    # Parents that are not there, or not told apart, are the rows' problems.
    refused = await _import(
        client,
        headers,
        "units",
        UNIT_COLUMNS,
        ["派遣先", "事業所", "組織単位", "役職"],
        [["株式会社なし", "第1工場", "検査課", ""], ["", "第9工場", "検査課", ""]],
    )
    assert _codes(refused) == [
        (2, "A", "client", "IMPORTS_REFERENCE_NOT_FOUND"),
        (3, "B", "site", "IMPORTS_REFERENCE_NOT_FOUND"),
    ]
    assert (
        "派遣先" in refused["problems"][0]["message"]
        or "client" in (refused["problems"][0]["message"])
    )


async def test_assignments_go_through_the_assignments_rules_row_by_row(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    units = await _master_data(client, headers)
    contract = await make_contract(client, headers, units["製造1課"]["id"])
    first = await make_employee(client, headers)
    second = await make_employee(client, headers)
    header = ["社員番号", "契約番号", "組織単位", "開始日", "終了日", "時給"]
    number = contract["contract_number"]
    refused = await _import(
        client,
        headers,
        "assignments",
        ASSIGNMENT_COLUMNS,
        header,
        [
            [first["employee_number"], number, "製造1課", "2026/04/01", "2026/09/30", "1300"],
            # 愛知県 FY2025: 1,140 yen (MHLW 全国一覧, 令和7年度): 900 is refused
            [second["employee_number"], number, "製造1課", "2026/04/01", "2026/09/30", "900"],
            # the first worker again over the same months
            [first["employee_number"], number, "製造1課", "2026/05/01", "2026/06/30", "1300"],
            ["E999999", number, "製造1課", "2026/04/01", "2026/09/30", "1300"],
            [second["employee_number"], number, "総務課", "2026/04/01", "2026/09/30", "1300"],
        ],
    )
    assert _codes(refused) == [
        (3, None, None, "ASSIGNMENT_BELOW_MINIMUM_WAGE"),
        (4, None, None, "ASSIGNMENT_OVERLAP"),
        (5, "A", "employee_number", "IMPORTS_REFERENCE_NOT_FOUND"),
        (6, "C", "unit", "IMPORTS_UNIT_MISMATCH"),
    ]
    commit = await client.post(f"/api/imports/{refused['id']}/commit", headers=headers)
    assert (commit.status_code, commit.json()["error"]["code"]) == (422, "IMPORTS_HAS_ERRORS")
    assert (await client.get("/api/assignments", headers=headers)).json()["data"] == []

    clean = await _import(
        client,
        headers,
        "assignments",
        ASSIGNMENT_COLUMNS,
        header,
        [
            [first["employee_number"], number, "製造1課", "2026/04/01", "2026/09/30", "1300"],
            [second["employee_number"], number, "", "2026/04/01", "2026/09/30", "1140"],
        ],
    )
    assert (await _commit(client, headers, clean))["imported_count"] == 2
    placed = (await client.get("/api/assignments", headers=headers)).json()["data"]
    assert sorted(a["employee_id"] for a in placed) == sorted([first["id"], second["id"]])


@pytest.mark.parametrize(
    ("locale", "words", "header"),
    [
        ("ja", ("派遣先", "事業所", "組織単位", "配置"), "派遣先（法人番号または名称）,事業所名"),
        ("en", ("Clients", "Client sites", "Units", "Assignments"), "Client (corporate number"),
    ],
)
async def test_the_upload_form_offers_every_kind_and_its_empty_file(
    client: httpx.AsyncClient,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
    header: str,
) -> None:
    user = await make_user("coordinator", locale=locale)
    await page_login(user["email"])
    page = await client.get("/imports/new")
    assert page.status_code == 200, page.text
    for word in words:
        assert word in page.text
    for target in ("clients", "sites", "units", "assignments"):
        assert f'<option value="{target}"' in page.text
        assert f'href="/imports/templates/{target}"' in page.text
    empty = await client.get("/imports/templates/sites")
    assert empty.status_code == 200
    assert empty.headers["content-type"].startswith("text/csv")
    text = empty.content.decode("utf-8")
    assert text.startswith("\ufeff" + header), text
    assert (await client.get("/imports/templates/nothing")).status_code == 422
