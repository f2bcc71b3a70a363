"""The agency's offices (派遣元事業所; issue 20 item 3): admins keep them, a contract names one
(the default office when it names none; an archived office is refused), the annual report and
the マージン率 disclosure are made per office over its contracts (worked by hand), and the
就業条件明示書 and 派遣元管理台帳 print the contract's office and its 派遣元責任者."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import update

from haken.modules.assignments.models import DispatchContract
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.assignments.factories import assign, make_contract, make_employee, make_unit
from tests.integration.billing.factories import registered
from tests.integration.billing.test_margins import PAYSLIP_LINES, _issued, _payslips
from tests.integration.documents.test_documents_more import FUTURE, _contract_ready, _rate
from tests.integration.offices.policies import BRANCH
from tests.integration.web.conftest import PageLogin, csrf_token


async def _office(client: httpx.AsyncClient, admin: dict[str, str], **fields: Any) -> Any:
    created = await client.post("/api/offices", headers=admin, json={**BRANCH, **fields})
    assert created.status_code == 201, created.text
    return created.json()["data"]


async def _default(client: httpx.AsyncClient, admin: dict[str, str]) -> Any:
    """The default office: the migration makes it from the settings; the tests' truncated
    tables have none, and the agency's first office becomes the default."""
    listed = (await client.get("/api/offices", headers=admin)).json()["data"]
    found = next((o for o in listed if o["is_default"]), None)
    if found is None:
        found = await _office(client, admin, name="名古屋本社", manager_name="山本 健一")
        assert found["is_default"] is True
    return found


async def test_offices_default_archive_and_the_contracts_office(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    coordinator = await auth_headers("coordinator")
    head = await _default(client, admin)
    branch = await _office(client, admin)
    assert branch["is_default"] is False and branch["manager_name"] == "鈴木 真理子"
    await client.get("/api/offices", headers=coordinator)  # warm the principal
    with cache_bypass(), assert_num_queries(2):  # the caller, then the offices: one statement
        listed = await client.get("/api/offices", headers=coordinator)
    assert [o["id"] for o in listed.json()["data"]] == [head["id"], branch["id"]]  # default first

    # A contract naming no office is made from the default office of the day.
    place = await make_unit(client, coordinator)
    plain = await make_contract(client, coordinator, place["unit_id"])
    assert plain["office_id"] == head["id"]
    named = await make_contract(client, coordinator, place["unit_id"], office_id=branch["id"])
    assert named["office_id"] == branch["id"]

    # The default office can be neither archived nor un-defaulted; moving the default does.
    refused = await client.patch(
        f"/api/offices/{head['id']}",
        headers=admin,
        json={"version": head["version"], "archived": True},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "OFFICE_DEFAULT_REQUIRED"
    moved = await client.patch(
        f"/api/offices/{branch['id']}",
        headers=admin,
        json={"version": branch["version"], "is_default": True},
    )
    assert moved.status_code == 200, moved.text
    listed = (await client.get("/api/offices", headers=coordinator)).json()["data"]
    assert [(o["id"], o["is_default"]) for o in listed] == [
        (branch["id"], True),
        (head["id"], False),
    ]
    # The old contract stays with the office it was made from.
    kept = await client.get(f"/api/contracts/{plain['id']}", headers=coordinator)
    assert kept.json()["data"]["office_id"] == head["id"]

    # An archived office is refused on a new contract and on an edit, by the catalog.
    head = next(o for o in listed if o["id"] == head["id"])
    archived = await client.patch(
        f"/api/offices/{head['id']}",
        headers=admin,
        json={"version": head["version"], "archived": True},
    )
    assert archived.status_code == 200, archived.text
    assert archived.json()["data"]["archived_at"] is not None
    gone = await client.post(
        "/api/contracts",
        headers=coordinator,
        json={
            "contract_number": "K-ARCHIVED",
            "unit_id": place["unit_id"],
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
            "work_content": "検査業務",
            "office_id": head["id"],
        },
    )
    assert gone.status_code == 409, gone.text
    assert gone.json()["error"]["code"] == "OFFICE_ARCHIVED"
    assert head["name"] in gone.json()["error"]["message"]
    edit = await client.patch(
        f"/api/contracts/{named['id']}",
        headers=coordinator,
        json={"version": named["version"], "office_id": head["id"]},
    )
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "OFFICE_ARCHIVED"
    unknown = await client.patch(
        f"/api/contracts/{named['id']}",
        headers=coordinator,
        json={"version": named["version"], "office_id": 999999},
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "OFFICE_NOT_FOUND"
    # The contract made from it keeps it (archiving moves no contract); the list hides it.
    kept = await client.get(f"/api/contracts/{plain['id']}", headers=coordinator)
    assert kept.json()["data"]["office_id"] == head["id"]
    current = (await client.get("/api/offices", headers=coordinator)).json()["data"]
    assert [o["id"] for o in current] == [branch["id"]]
    old = (await client.get("/api/offices?archived=true", headers=coordinator)).json()["data"]
    assert [o["id"] for o in old] == [head["id"]]
    # Writes are the admins'.
    denied = await client.post("/api/offices", headers=coordinator, json=BRANCH)
    assert denied.status_code == 403
    assert (await client.get("/api/offices/999999", headers=coordinator)).status_code == 404


async def test_annual_report_per_office_worked_by_hand(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """Two clients billed alike in April 2026 (each: 48,742 yen for 1,455 minutes, 3.03125
    8-hour days), one contract per office; the workers' gross pay 30,000 and 15,000.

    名古屋 (default): fee 48,742 ÷ 3.03125 = 16,079.8 → 16,079; wage 30,000 ÷ 3.03125 =
    9,896.9 → 9,896; (16,079 − 9,896) ÷ 16,079 = 38.45 % → 38.5 %.
    豊田: fee 16,079; wage 15,000 ÷ 3.03125 = 4,948.4 → 4,948; 11,131 ÷ 16,079 = 69.23 % → 69.2 %.
    Both together (the billing's agency-wide figure): 97,484 and 45,000 over 6.0625 days →
    16,079 and 7,422 → 53.8 %: neither office's, so the per-office split is not the total."""
    registered()
    admin = await auth_headers("admin")
    nagoya = await _default(client, admin)
    toyota = await _office(client, admin)
    first = await _issued(client, admin)
    second = await _issued(client, admin, contract_fields={"office_id": toyota["id"]})
    assert first["contract"]["office_id"] == nagoya["id"]
    assert second["contract"]["office_id"] == toyota["id"]
    await _payslips(
        app,
        [(first["employee"]["id"], 30000, PAYSLIP_LINES), (second["employee"]["id"], 15000, [])],
    )
    figures = {}
    for office in (nagoya, toyota):
        found = await client.get(
            f"/api/documents/annual?year=2026&office_id={office['id']}", headers=admin
        )
        assert found.status_code == 200, found.text
        (row,) = found.json()["data"]["offices"]
        figures[office["id"]] = found.json()["data"], row
    report, row = figures[nagoya["id"]]
    assert (row["office_id"], row["office"]) == (nagoya["id"], nagoya["name"])
    assert (row["workers"], row["clients"], row["fees"], row["wages"]) == (1, 1, 48742, 30000)
    assert (row["average_fee"], row["average_wage"], row["margin_rate_pct"]) == (
        16079,
        9896,
        "38.5",
    )
    assert report["in_year"]["total"] == 1 and report["in_year"]["clients"] == 1
    report, row = figures[toyota["id"]]
    assert (row["office"], row["manager_name"], row["address"]) == (
        "豊田営業所",
        "鈴木 真理子",
        BRANCH["address"],
    )
    assert (row["workers"], row["clients"], row["fees"], row["wages"]) == (1, 1, 48742, 15000)
    assert (row["average_fee"], row["average_wage"], row["margin_rate_pct"]) == (
        16079,
        4948,
        "69.2",
    )
    assert report["in_year"]["total"] == 1
    # Without office_id: the default office's figures.
    plain = (await client.get("/api/documents/annual?year=2026", headers=admin)).json()["data"]
    assert plain["offices"][0]["office_id"] == nagoya["id"]
    assert plain["offices"][0]["margin_rate_pct"] == "38.5"
    total = await client.get("/api/billing/margin-rate?month=2026-04&until=2027-03", headers=admin)
    assert total.json()["data"]["offices"][0]["margin_rate_pct"] == "53.8"
    missing = await client.get("/api/documents/annual?year=2026&office_id=999999", headers=admin)
    assert missing.status_code == 404

    # A contract stored without an office (made before offices) counts as the default's.
    async with session_scope(app.state.database, write=True) as session:
        await session.execute(
            update(DispatchContract)
            .where(DispatchContract.id == first["contract"]["id"])
            .values(office_id=None)
        )
    again = await client.get(
        f"/api/documents/annual?year=2026&office_id={nagoya['id']}", headers=admin
    )
    assert again.json()["data"]["offices"][0]["margin_rate_pct"] == "38.5"

    # The page: the office chosen in a select, the Excel of that office, audited.
    user = await make_user("admin")
    await page_login(user["email"])
    page = await client.get(f"/documents/annual?year=2026&office_id={toyota['id']}")
    assert page.status_code == 200
    assert "69.2%" in page.text and "豊田営業所" in page.text
    assert f'<option value="{toyota["id"]}" selected>' in page.text
    sheet = await client.get(f"/documents/annual?year=2026&office_id={toyota['id']}&format=xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert f"office-{toyota['id']}" in sheet.headers["content-disposition"]


async def test_statutory_documents_print_the_contracts_office_and_its_manager(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    toyota = await _office(client, admin)
    _place, contract = await _contract_ready(client, office)
    # The contract names no 派遣元責任者 of its own: the office's is printed.
    moved = await client.patch(
        f"/api/contracts/{contract['id']}",
        headers=office,
        json={
            "version": contract["version"] + 1,
            "office_id": toyota["id"],
            "agency_manager_name": "",
        },
    )
    assert moved.status_code == 200, moved.text
    await _rate(client, admin, contract["id"], "2026-04-01", "1800")
    worker = await make_employee(client, office, gender="female")
    placed = await assign(client, office, contract["id"], worker["id"], **FUTURE)
    printed = "豊田営業所 愛知県豊田市西町1-200 TEL 0565-00-2222"
    notice = await client.post(
        f"/api/documents/assignments/{placed['id']}/terms-notice", headers=office
    )
    assert notice.status_code == 200, notice.text
    detail = await client.get(f"/api/documents/{notice.json()['data']['id']}", headers=office)
    snapshot = detail.json()["data"]["snapshot"]["notice"]
    assert snapshot["agency_office"] == printed
    assert snapshot["agency_manager"] == "鈴木 真理子"
    ledger = await client.post(
        f"/api/documents/assignments/{placed['id']}/agency-ledger", headers=office, json={}
    )
    assert ledger.status_code == 200, ledger.text
    detail = await client.get(f"/api/documents/{ledger.json()['data']['id']}", headers=office)
    snapshot = detail.json()["data"]["snapshot"]["ledger"]
    assert (snapshot["agency_office"], snapshot["agency_manager"]) == (printed, "鈴木 真理子")
    sheet = await client.get(f"/api/documents/{ledger.json()['data']['id']}/xlsx", headers=office)
    assert sheet.status_code == 200
    # The 個別契約書 and the 派遣先管理台帳 data print the office's 派遣元責任者 too (the
    # contract's own is empty), where before they refused the contract or printed a blank.
    contract_doc = await client.post(
        f"/api/documents/contracts/{contract['id']}/individual-contract", headers=office, json={}
    )
    assert contract_doc.status_code == 200, contract_doc.text
    detail = await client.get(f"/api/documents/{contract_doc.json()['data']['id']}", headers=office)
    assert detail.json()["data"]["snapshot"]["contract"]["agency_manager_name"] == "鈴木 真理子"
    client_ledger = await client.post(
        f"/api/documents/sites/{_place['site_id']}/client-ledger",
        headers=office,
        json={"month": "2027-01"},
    )
    assert client_ledger.status_code == 200, client_ledger.text
    detail = await client.get(
        f"/api/documents/{client_ledger.json()['data']['id']}", headers=office
    )
    workers = detail.json()["data"]["snapshot"]["workers"]
    assert [w["agency_manager"] for w in workers] == ["鈴木 真理子"]


@pytest.mark.parametrize(("locale", "heading"), [("ja", "派遣元事業所"), ("en", "Agency offices")])
async def test_office_pages_add_edit_and_archive(
    client: httpx.AsyncClient,
    make_user: Any,
    page_login: PageLogin,
    auth_headers: Any,
    locale: str,
    heading: str,
) -> None:
    admin = await auth_headers("admin")
    head = await _default(client, admin)
    user = await make_user("admin", locale=locale)
    await page_login(user["email"], **{"Accept-Language": locale})
    lang = {"Accept-Language": locale}
    form = await client.get("/admin/offices/new", headers=lang)
    assert form.status_code == 200
    added = await client.post(
        "/admin/offices",
        headers=lang,
        data={**BRANCH, "is_default": "false", "csrf_token": csrf_token(form.text)},
    )
    assert added.status_code == 303, added.text
    listed = await client.get("/admin/offices", headers=lang)
    assert listed.status_code == 200
    assert heading in listed.text
    if locale == "ja":
        assert "Agency offices" not in listed.text and "派遣元事業所を追加" in listed.text
    assert "豊田営業所" in listed.text and "鈴木 真理子" in listed.text
    offices = (await client.get("/api/offices", headers=admin)).json()["data"]
    branch = next(o for o in offices if o["name"] == "豊田営業所")
    # The default office's form refuses its archive on the field, in the page's language.
    edit = await client.get(f"/admin/offices/{head['id']}/edit", headers=lang)
    refused = await client.post(
        f"/admin/offices/{head['id']}",
        headers=lang,
        data={
            "version": str(head["version"]),
            "name": head["name"],
            "archived": "true",
            "is_default": "true",
            "csrf_token": csrf_token(edit.text),
        },
    )
    assert refused.status_code == 422
    message = "既定の派遣元事業所" if locale == "ja" else "The default office cannot"
    assert message in refused.text
    edit = await client.get(f"/admin/offices/{branch['id']}/edit", headers=lang)
    saved = await client.post(
        f"/admin/offices/{branch['id']}",
        headers=lang,
        data={
            "version": str(branch["version"]),
            "name": "豊田営業所",
            "manager_name": "佐藤 花子",
            "archived": "true",
            "csrf_token": csrf_token(edit.text),
        },
    )
    assert saved.status_code == 303, saved.text
    archived = (await client.get("/api/offices?archived=true", headers=admin)).json()["data"]
    assert [(o["id"], o["manager_name"]) for o in archived] == [(branch["id"], "佐藤 花子")]
