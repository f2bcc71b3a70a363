"""The list pattern on the other lists (issue 14): sortable headers only for indexed sorts,
filters kept in the links, the result count, CSV/Excel exports with the screen's labels
(audited, coordinators and above), and a fixed number of queries on every page."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
from openpyxl import load_workbook

from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries
from tests.integration.assignments.factories import (
    assign,
    make_contract,
    make_employee,
    make_unit,
    post,
)
from tests.integration.employees.factories import candidate_body
from tests.integration.web.conftest import PageLogin


async def _text(client: httpx.AsyncClient, url: str) -> str:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.text


def _csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def _exports_audited(client: httpx.AsyncClient, auth_headers: Any, entity: str) -> int:
    audit = await client.get(
        f"/api/audit?entity_type={entity}&action=export", headers=await auth_headers("admin")
    )
    return len([e for e in audit.json()["data"] if e["action"] == "export"])


async def _cursor_pages(client: httpx.AsyncClient, path: str, queries: int) -> tuple[str, str]:
    """Page 1 and page 2 of ``path`` (principal warm, caches bypassed), each in ``queries``."""
    await client.get(path)  # warm the principal
    with cache_bypass(), assert_num_queries(queries):
        first = await _text(client, path)
    cursor = re.search(r'href="\?(?:[^"]*&amp;)?cursor=([^"&]+)"', first)
    assert cursor is not None, "no next-page link"
    separator = "&" if "?" in path else "?"
    with cache_bypass(), assert_num_queries(queries):
        second = await _text(client, f"{path}{separator}cursor={cursor.group(1)}")
    return first, second


# --- clients ---------------------------------------------------------------------------------

CLIENT_LABELS = {
    "ja": ["会社名", "会社名（かな）", "区分", "都道府県", "電話番号", "登録日時"],
    "en": ["Company name", "Company name in kana", "Kind", "Prefecture", "Phone", "Registered"],
}


def _client_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/clients/(\d+)">', html)]


async def test_client_list_sorts_filters_and_exports(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    made = {}
    for name, kana, prefecture in (
        ("愛知部品", "アイチブヒン", "23"),
        ("=HYPERLINK(1)", "イコール", "13"),
        ("浦安物流", "ウラヤスブツリュウ", "12"),
    ):
        created = await client.post(
            "/api/clients",
            headers=office,
            json={"name": name, "name_kana": kana, "prefecture": prefecture},
        )
        assert created.status_code == 201, created.text
        made[kana] = created.json()["data"]["id"]
    # The API keeps its sort values (name, -name, created, -created); unknown is a 422.
    api = await client.get("/api/clients?sort=-name", headers=office)
    assert [c["id"] for c in api.json()["data"]] == [
        made["ウラヤスブツリュウ"],
        made["イコール"],
        made["アイチブヒン"],
    ]
    assert (await client.get("/api/clients?sort=bogus", headers=office)).status_code == 422
    before = await _exports_audited(client, auth_headers, "client")
    for locale, labels in CLIENT_LABELS.items():
        client.cookies.clear()
        user = await make_user("coordinator", locale=locale)
        await page_login(user["email"])
        html = await _text(client, "/clients?prefecture=23")
        assert _client_ids(html) == [made["アイチブヒン"]]
        # Sort headers keep the filter; only indexed sorts link; the count is shown.
        assert (
            '<th scope="col" aria-sort="ascending"><a class="sort" '
            'href="?prefecture=23&amp;sort=-name"'
        ) in html
        assert 'href="?prefecture=23&amp;sort=created"' in html
        assert f'<th scope="col">{labels[3]}</th>' in html  # prefecture: not a sort
        assert 'href="/clients/export.csv?prefecture=23"' in html
        assert ("1 件" if locale == "ja" else "Results: 1") in html
        descending = await _text(client, "/clients?sort=-name")
        assert 'aria-sort="descending"' in descending
        assert _client_ids(descending) == list(
            reversed(_client_ids(await _text(client, "/clients")))
        )
        assert (await client.get("/clients?sort=bogus&prefecture=xx")).status_code == 200
        table = _csv(await client.get("/clients/export.csv?sort=-name"))
        assert table[0] == labels
        assert [row[1] for row in table[1:]] == ["ウラヤスブツリュウ", "イコール", "アイチブヒン"]
        assert table[2][0] == "'=HYPERLINK(1)"  # a formula is written as text
        sheet = _xlsx(await client.get("/clients/export.xlsx?prefecture=12"))
        assert sheet[0] == labels
        assert [row[0] for row in sheet[1:]] == ["浦安物流"]
    assert await _exports_audited(client, auth_headers, "client") == before + 4
    client.cookies.clear()
    manager = await make_user("site_manager")
    await page_login(manager["email"])
    assert (await client.get("/clients/export.csv")).status_code == 403


async def test_client_list_query_count_is_exact_on_every_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    for i in range(55):
        created = await client.post(
            "/api/clients", headers=office, json={"name": f"会社{i:02d}", "prefecture": "23"}
        )
        assert created.status_code == 201
    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    first, second = await _cursor_pages(client, "/clients?prefecture=23", 2)
    assert len(_client_ids(first)) == 50 and len(_client_ids(second)) == 5
    assert "55 件" in second


# --- candidates ------------------------------------------------------------------------------

CANDIDATE_LABELS = {
    "ja": ["氏名", "ローマ字", "生年月日", "国籍", "在留資格", "選考段階", "受付日", "登録日時"],
    "en": [
        "Name",
        "Romaji",
        "Birth date",
        "Nationality",
        "Residence status",
        "Stage",
        "Received",
        "Registered",
    ],
}


def _candidate_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/candidates/(\d+)">', html)]


async def _candidate(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> int:
    body = candidate_body(**fields)
    created = await client.post("/api/candidates", headers=headers, json=body)
    assert created.status_code == 201, created.text
    return int(created.json()["data"]["id"])


async def test_candidate_list_sorts_filters_and_exports(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    maria = await _candidate(client, office)
    taro = await _candidate(
        client,
        office,
        name_kanji="鈴木 太郎",
        name_kana="スズキ タロウ",
        name_romaji="Suzuki Taro",
        nationality="JP",
        residence_status=None,
        residence_card_number=None,
        residence_card_expiry=None,
        email="taro@test.example",
    )
    before = await _exports_audited(client, auth_headers, "candidate")
    for locale, labels in CANDIDATE_LABELS.items():
        client.cookies.clear()
        user = await make_user("coordinator", locale=locale)
        await page_login(user["email"])
        html = await _text(client, "/candidates?nationality=JP")
        assert _candidate_ids(html) == [taro]
        # Newest first by default: the "registered on" header says so and links to ascending.
        assert (
            '<th scope="col" aria-sort="descending"><a class="sort" '
            'href="?nationality=JP&amp;sort=created"'
        ) in html
        assert 'href="?nationality=JP&amp;sort=kana"' in html
        assert 'href="?nationality=JP&amp;sort=romaji"' in html
        assert f'<th scope="col">{labels[2]}</th>' in html  # birth date: not a sort
        assert 'href="/candidates/export.csv?nationality=JP"' in html
        assert ("1 件" if locale == "ja" else "Results: 1") in html
        assert _candidate_ids(await _text(client, "/candidates")) == [taro, maria]
        assert _candidate_ids(await _text(client, "/candidates?sort=kana")) == [maria, taro]
        assert (await client.get("/candidates?sort=newest&status=bogus")).status_code == 200
        table = _csv(await client.get("/candidates/export.csv?sort=romaji"))
        assert table[0] == labels
        assert [row[1] for row in table[1:]] == ["Santos Maria", "Suzuki Taro"]
        assert table[1][3] == ("ブラジル" if locale == "ja" else "Brazil")
        sheet = _xlsx(await client.get("/candidates/export.xlsx?nationality=BR"))
        assert sheet[0] == labels
        assert [row[1] for row in sheet[1:]] == ["Santos Maria"]
    assert await _exports_audited(client, auth_headers, "candidate") == before + 4
    client.cookies.clear()
    manager = await make_user("site_manager")
    await page_login(manager["email"])
    assert (await client.get("/candidates/export.csv")).status_code == 403


async def test_candidate_list_query_count_is_exact_on_every_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    for i in range(55):
        await _candidate(
            client,
            office,
            name_kana=f"テスト {chr(0x30A2 + i)}",
            name_romaji=f"Test {chr(65 + i // 26)}{chr(65 + i % 26)}",
            email=f"t{i}@test.example",
        )
    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    first, second = await _cursor_pages(client, "/candidates?sort=romaji", 2)
    assert len(_candidate_ids(first)) == 50 and len(_candidate_ids(second)) == 5


# --- contracts and assignments ---------------------------------------------------------------

CONTRACT_LABELS = {
    "ja": ["契約番号", "派遣先", "事業所", "組織単位", "開始日", "終了日", "状態"],
    "en": ["Contract number", "Client", "Site", "Unit", "Start date", "End date", "Status"],
}
ASSIGNMENT_LABELS = {
    "ja": [
        "社員",
        "氏名（かな）",
        "派遣先",
        "事業所",
        "組織単位",
        "開始日",
        "終了日",
        "抵触日",
        "状態",
    ],
    "en": [
        "Employee",
        "Name in kana",
        "Client",
        "Site",
        "Unit",
        "Start date",
        "End date",
        "Conflict date (抵触日)",
        "Status",
    ],
}


def _contract_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/contracts/(\d+)">', html)]


async def test_contract_list_sorts_filters_and_exports(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    unit = await make_unit(client, office)
    early = await make_contract(
        client, office, unit["unit_id"], start="2026-04-01", end="2026-09-30", contract_number="B-1"
    )
    late = await make_contract(
        client, office, unit["unit_id"], start="2026-10-01", end="2027-03-31", contract_number="A-1"
    )
    draft = await make_contract(
        client,
        office,
        unit["unit_id"],
        start="2027-04-01",
        end="2027-09-30",
        contract_number="C-1",
        status="draft",
    )
    # The API keeps its values and gains the descending ones.
    api = await client.get("/api/contracts?sort=number", headers=office)
    assert [c["contract_number"] for c in api.json()["data"]] == ["A-1", "B-1", "C-1"]
    api = await client.get("/api/contracts?sort=-number", headers=office)
    assert [c["contract_number"] for c in api.json()["data"]] == ["C-1", "B-1", "A-1"]
    before = await _exports_audited(client, auth_headers, "dispatch_contract")
    for locale, labels in CONTRACT_LABELS.items():
        client.cookies.clear()
        user = await make_user("coordinator", locale=locale)
        await page_login(user["email"])
        html = await _text(client, "/contracts?status=active")
        assert _contract_ids(html) == [late["id"], early["id"]]  # -period_start by default
        assert (
            '<th scope="col" aria-sort="descending"><a class="sort" '
            'href="?status=active&amp;sort=period_start"'
        ) in html
        assert 'href="?status=active&amp;sort=number"' in html
        assert 'href="?status=active&amp;sort=period_end"' in html
        assert f'<th scope="col">{labels[1]}</th>' in html  # client: not a sort
        assert 'href="/contracts/export.csv?status=active"' in html
        assert ("2 件" if locale == "ja" else "Results: 2") in html
        by_number = await _text(client, "/contracts?sort=number")
        assert _contract_ids(by_number) == [late["id"], early["id"], draft["id"]]
        assert '<input type="hidden" name="sort" value="number" form="contract-filters">' in (
            by_number
        )
        table = _csv(await client.get("/contracts/export.csv?sort=number"))
        assert table[0] == labels
        assert [row[0] for row in table[1:]] == ["A-1", "B-1", "C-1"]
        assert table[1][4:6] == ["2026-10-01", "2027-03-31"]
        assert table[3][6] == ("下書き" if locale == "ja" else "Draft")
        sheet = _xlsx(await client.get("/contracts/export.xlsx?status=draft"))
        assert sheet[0] == labels
        assert [row[0] for row in sheet[1:]] == ["C-1"]
    assert await _exports_audited(client, auth_headers, "dispatch_contract") == before + 4
    client.cookies.clear()
    manager = await make_user("site_manager", site_ids=[unit["site_id"]])
    await page_login(manager["email"])
    assert _contract_ids(await _text(client, "/contracts")) == [
        draft["id"],
        late["id"],
        early["id"],
    ]
    assert (await client.get("/contracts/export.csv")).status_code == 403


async def test_contract_list_query_count_is_exact_on_every_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    unit = await make_unit(client, office)
    for i in range(51):
        await make_contract(client, office, unit["unit_id"], contract_number=f"N-{i:03d}")
    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    first, second = await _cursor_pages(client, "/contracts?sort=number", 2)
    assert len(_contract_ids(first)) == 50 and _contract_ids(second)
    assert "51 件" in second


def _assignment_rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<a href="/employees/(\d+)">', html)]


async def test_assignment_list_sorts_filters_and_exports(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    unit = await make_unit(client, office)
    contract = await make_contract(client, office, unit["unit_id"])
    first = await make_employee(client, office, name_kanji="=1+1", name_kana="イチ タロウ")
    second = await make_employee(
        client, office, name_kanji="二宮 花子", name_kana="ニノミヤ ハナコ"
    )
    await assign(
        client, office, contract["id"], first["id"], start_date="2026-04-01", end_date="2026-06-30"
    )
    await assign(
        client, office, contract["id"], second["id"], start_date="2026-05-01", end_date="2026-12-31"
    )
    before = await _exports_audited(client, auth_headers, "assignment")
    for locale, labels in ASSIGNMENT_LABELS.items():
        client.cookies.clear()
        user = await make_user("coordinator", locale=locale)
        await page_login(user["email"])
        html = await _text(client, "/assignments?status=active")
        assert _assignment_rows(html) == [second["id"], first["id"]]  # -start_date
        assert 'href="?status=active&amp;sort=start_date"' in html
        assert 'href="?status=active&amp;sort=end_date"' in html
        assert 'href="?status=active&amp;sort=conflict_date"' in html
        assert f'<th scope="col">{labels[0]}</th>' in html  # employee: not a sort
        assert 'href="/assignments/export.csv?status=active"' in html
        assert ("2 件" if locale == "ja" else "Results: 2") in html
        ascending = await _text(client, "/assignments?sort=start_date")
        assert _assignment_rows(ascending) == [first["id"], second["id"]]
        table = _csv(await client.get("/assignments/export.csv?sort=end_date&status=active"))
        assert table[0] == labels
        assert [row[1] for row in table[1:]] == ["イチ タロウ", "ニノミヤ ハナコ"]
        assert table[1][0] == "'=1+1"
        assert table[1][5:7] == ["2026-04-01", "2026-06-30"]
        sheet = _xlsx(await client.get("/assignments/export.xlsx?sort=-end_date"))
        assert sheet[0] == labels
        assert [row[0] for row in sheet[1:]] == ["二宮 花子", "'=1+1"]
    assert await _exports_audited(client, auth_headers, "assignment") == before + 4
    client.cookies.clear()
    manager = await make_user("site_manager", site_ids=[unit["site_id"]])
    await page_login(manager["email"])
    assert (await client.get("/assignments/export.xlsx")).status_code == 403


async def test_assignment_list_query_count_is_exact_on_every_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """3 on every page, office and site manager alike: the caller (with a site manager's
    sites, one statement), the page (its count and the office's rates in force joined in),
    the employees' names. Before issue 14's leftovers: 4 for both."""
    office = await auth_headers("coordinator")
    unit = await make_unit(client, office)
    contract = await make_contract(client, office, unit["unit_id"])
    for _ in range(51):
        employee = await make_employee(client, office)
        await assign(client, office, contract["id"], employee["id"])
    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    first, second = await _cursor_pages(client, "/assignments?sort=created", 3)
    assert len(_assignment_rows(first)) == 50 and len(_assignment_rows(second)) == 1
    client.cookies.clear()
    manager = await make_user("site_manager", locale="ja", site_ids=[unit["site_id"]])
    await page_login(manager["email"])
    first, second = await _cursor_pages(client, "/assignments?sort=created", 3)
    assert len(_assignment_rows(first)) == 50 and len(_assignment_rows(second)) == 1


# --- housing ---------------------------------------------------------------------------------

HOUSING_LABELS = {
    "ja": ["社宅", "都道府県", "定員", "入居", "空き"],
    "en": ["Apartment", "Prefecture", "Beds", "Occupied", "Vacant"],
}


def _apartment_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/housing/(\d+)">', html)]


async def test_housing_list_sorts_filters_and_exports(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    made = {}
    for name, prefecture, beds in (("あおば荘", "23", 2), ("=cmd", "13", 3), ("さくら寮", "23", 4)):
        apartment = await post(
            client,
            "/api/housing/apartments",
            office,
            name=name,
            prefecture=prefecture,
            address_line1="1-1",
        )
        await post(
            client,
            "/api/housing/rooms",
            office,
            apartment_id=apartment["id"],
            name="101",
            capacity=beds,
            rent_per_occupant=30_000,
        )
        made[name] = apartment["id"]
    api = await client.get("/api/housing/apartments?sort=-name", headers=office)
    assert [a["name"] for a in api.json()["data"]] == ["さくら寮", "あおば荘", "=cmd"]
    before = await _exports_audited(client, auth_headers, "housing_apartment")
    for locale, labels in HOUSING_LABELS.items():
        client.cookies.clear()
        user = await make_user("coordinator", locale=locale)
        await page_login(user["email"])
        html = await _text(client, "/housing?prefecture=23")
        assert _apartment_ids(html) == [made["あおば荘"], made["さくら寮"]]
        assert (
            '<th scope="col" aria-sort="ascending"><a class="sort" '
            'href="?prefecture=23&amp;sort=-name"'
        ) in html
        assert f'<th scope="col" class="num">{labels[2]}</th>' in html  # beds: not a sort
        assert 'href="/housing/export.csv?prefecture=23"' in html
        assert ("2 件" if locale == "ja" else "Results: 2") in html
        descending = await _text(client, "/housing?prefecture=23&sort=-name")
        assert _apartment_ids(descending) == [made["さくら寮"], made["あおば荘"]]
        table = _csv(await client.get("/housing/export.csv?sort=-name"))
        assert table[0] == labels
        assert table[1:] == [
            ["さくら寮", "愛知県", "4", "0", "4"],
            ["あおば荘", "愛知県", "2", "0", "2"],
            ["'=cmd", "東京都", "3", "0", "3"],
        ]
        sheet = _xlsx(await client.get("/housing/export.xlsx?prefecture=13"))
        assert sheet == [labels, ["'=cmd", "東京都", 3, 0, 3]]
    assert await _exports_audited(client, auth_headers, "housing_apartment") == before + 4


async def test_housing_list_query_count_is_exact_on_every_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """Caller, the apartments (with their count), their rooms with occupants."""
    office = await auth_headers("coordinator")
    for i in range(51):
        apartment = await post(
            client,
            "/api/housing/apartments",
            office,
            name=f"寮{i:02d}",
            prefecture="23",
            address_line1="1-1",
        )
        await post(
            client,
            "/api/housing/rooms",
            office,
            apartment_id=apartment["id"],
            name="101",
            capacity=2,
            rent_per_occupant=30_000,
        )
    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    first, second = await _cursor_pages(client, "/housing?sort=created", 3)
    assert len(_apartment_ids(first)) == 50 and len(_apartment_ids(second)) == 1


# --- users and the audit log -----------------------------------------------------------------

USER_LABELS = {
    "ja": ["メールアドレス", "氏名", "権限", "状態", "最終ログイン", "登録日時"],
    "en": ["E-mail address", "Name", "Role", "Status", "Last sign-in", "Registered"],
}
AUDIT_LABELS = {
    "ja": ["日時", "ユーザー", "対象", "操作", "変更内容", "リクエストID"],
    "en": ["When", "User", "Record", "Action", "Changes", "Request ID"],
}


def _user_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/admin/users/(\d+)">', html)]


async def test_user_list_sorts_filters_and_exports(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    zed = await make_user("coordinator", email="zed@test.example", display_name="Zed")
    amy = await make_user("coordinator", email="amy@test.example", display_name="=Amy")
    await make_user("site_manager", email="sam@test.example")
    admin_headers = await auth_headers("admin")
    api = await client.get("/api/users?sort=email&role=coordinator", headers=admin_headers)
    assert [u["email"] for u in api.json()["data"]] == ["amy@test.example", "zed@test.example"]
    before = await _exports_audited(client, auth_headers, "user")
    for locale, labels in USER_LABELS.items():
        client.cookies.clear()
        admin = await make_user("admin", locale=locale)
        await page_login(admin["email"])
        html = await _text(client, "/admin/users?role=coordinator")
        assert _user_ids(html) == [zed["id"], amy["id"]]  # registration order
        assert (
            '<th scope="col" aria-sort="ascending"><a class="sort" '
            'href="?role=coordinator&amp;sort=-registered"'
        ) in html
        assert 'href="?role=coordinator&amp;sort=email"' in html
        assert f'<th scope="col">{labels[1]}</th>' in html  # name: not a sort
        assert 'href="/admin/users/export.csv?role=coordinator"' in html
        assert ("2 件" if locale == "ja" else "Results: 2") in html
        by_email = await _text(client, "/admin/users?role=coordinator&sort=email")
        assert _user_ids(by_email) == [amy["id"], zed["id"]]
        table = _csv(await client.get("/admin/users/export.csv?role=coordinator&sort=-email"))
        assert table[0] == labels
        assert [row[0] for row in table[1:]] == ["zed@test.example", "amy@test.example"]
        assert table[2][1] == "'=Amy"
        assert table[1][2] == ("営業・コーディネーター" if locale == "ja" else "Coordinator")
        sheet = _xlsx(await client.get("/admin/users/export.xlsx?q=sam"))
        assert sheet[0] == labels
        assert [row[0] for row in sheet[1:]] == ["sam@test.example"]
    assert await _exports_audited(client, auth_headers, "user") == before + 4
    client.cookies.clear()
    coordinator = await make_user("coordinator")
    await page_login(coordinator["email"])
    assert (await client.get("/admin/users/export.csv")).status_code == 403


async def test_user_list_query_count_is_exact_on_every_page(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    """Caller and the page with its count (no site managers on the page: no sites read)."""
    for i in range(51):
        await make_user("coordinator", email=f"c{i:02d}@test.example")
    admin = await make_user("admin", locale="ja")
    await page_login(admin["email"])
    first, second = await _cursor_pages(client, "/admin/users?role=coordinator&sort=email", 2)
    assert len(_user_ids(first)) == 50 and len(_user_ids(second)) == 1
    assert "51 件" in second


async def test_audit_list_sorts_filters_and_exports(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    office = await auth_headers("coordinator")
    for name in ("一社", "二社"):
        created = await client.post("/api/clients", headers=office, json={"name": name})
        assert created.status_code == 201
    for locale, labels in AUDIT_LABELS.items():
        client.cookies.clear()
        admin = await make_user("admin", locale=locale)
        await page_login(admin["email"])
        html = await _text(client, "/audit?entity_type=client&since=2020-01-01")
        assert (
            '<th scope="col" aria-sort="descending"><a class="sort" '
            'href="?entity_type=client&amp;since=2020-01-01&amp;sort=occurred"'
        ) in html
        assert f'<th scope="col">{labels[1]}</th>' in html  # user: not a sort
        assert 'href="/audit/export.csv?entity_type=client&amp;since=2020-01-01"' in html
        assert ("2 件" if locale == "ja" else "Results: 2") in html
        assert "件" not in (await _text(client, "/audit")).split("list-head")[1][:200]
        table = _csv(await client.get("/audit/export.csv?entity_type=client&sort=occurred"))
        assert table[0] == labels
        assert [row[2].split(" ")[0] for row in table[1:]] == [
            "派遣先" if locale == "ja" else "Client"
        ] * 2
        assert "一社" in table[1][4] and "二社" in table[2][4]
        assert table[1][2].endswith(" 一社") and table[2][2].endswith(" 二社")  # the names
        assert table[1][3] == ("登録" if locale == "ja" else "Record added")
        sheet = _xlsx(await client.get("/audit/export.xlsx?entity_type=client"))
        assert sheet[0] == labels and "二社" in sheet[1][4]
    exports = await client.get("/audit/export.csv?entity_type=audit")
    # Every export of the log is in the log, this one included (committed before the rows).
    assert len(_csv(exports)) == 1 + 5
    client.cookies.clear()
    coordinator = await make_user("coordinator")
    await page_login(coordinator["email"])
    assert (await client.get("/audit/export.csv")).status_code == 403


async def test_audit_list_query_count_is_exact_on_every_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """Caller, the page (with its count when filtered), the authors' names, the records'
    names (one statement for the page's clients, however many)."""
    office = await auth_headers("coordinator")
    made = {}
    for i in range(51):
        created = await client.post("/api/clients", headers=office, json={"name": f"社{i:02d}"})
        assert created.status_code == 201
        made[f"社{i:02d}"] = created.json()["data"]["id"]
    admin = await make_user("admin", locale="ja")
    await page_login(admin["email"])
    first, second = await _cursor_pages(client, "/audit?entity_type=client", 4)
    assert first.count("<tr>") == 51 and second.count("<tr>") == 2
    assert "51 件" in second
    # Each row names its record and links to it (newest first: 社50 … 社01, then 社00).
    assert f'<a href="/clients/{made["社50"]}">派遣先 社50</a>' in first
    assert f'<a href="/clients/{made["社00"]}">派遣先 社00</a>' in second


NAMED_TYPES = {
    "client",
    "client_site",
    "dispatch_contract",
    "employee",
    "candidate",
    "housing_apartment",
    "user",
}


async def test_audit_log_names_records_of_every_type_in_one_statement_per_type(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """A page mixing record types: caller, page, authors, plus one per named type present."""
    office = await auth_headers("coordinator")
    unit = await make_unit(client, office)
    contract = await make_contract(client, office, unit["unit_id"])
    workers = [await make_employee(client, office, name_kanji=f"鈴木 {n}") for n in "一二"]
    apartment = await post(
        client,
        "/api/housing/apartments",
        office,
        name="けやき荘",
        prefecture="23",
        address_line1="1-1",
    )
    admin_headers = await auth_headers("admin")
    logged = (await client.get("/api/audit?limit=50", headers=admin_headers)).json()["data"]
    present = {e["entity_type"] for e in logged} & NAMED_TYPES
    assert {"client", "client_site", "dispatch_contract", "employee"} <= present
    assert "housing_apartment" in present
    admin = await make_user("admin", locale="ja")
    await page_login(admin["email"])
    await client.get("/audit")  # warm the principal
    with cache_bypass(), assert_num_queries(3 + len(present)):
        html = await _text(client, "/audit")
    assert (
        f'<a href="/contracts/{contract["id"]}">個別契約 {contract["contract_number"]}</a>' in html
    )
    assert f'<a href="/sites/{unit["site_id"]}">事業所 ' in html
    for worker, name in zip(workers, ("鈴木 一", "鈴木 二"), strict=True):
        assert f'<a href="/employees/{worker["id"]}">社員 {name}</a>' in html
    assert f'<a href="/housing/{apartment["id"]}">社宅 けやき荘</a>' in html
    # A record gone since is shown by its id.
    gone = await client.delete(
        f"/api/housing/apartments/{apartment['id']}", headers=office, params={"version": 1}
    )
    assert gone.status_code == 200, gone.text
    html = await _text(client, f"/audit?entity_type=housing_apartment&entity_id={apartment['id']}")
    assert f'<a href="/housing/{apartment["id"]}">社宅 {apartment["id"]}</a>' in html
