"""The annual 事業報告書 figures and the マージン率 disclosure per 事業所 (JP_DISPATCH A7, A8),
and the Excel of the tabular documents (派遣元管理台帳, 派遣先管理台帳 data, 外国人雇用状況届出):
the same figures as /billing/margin-rate, formula prefixes neutralised, every export audited."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.platform.db import session_scope
from tests.integration.assignments.factories import assign, make_employee
from tests.integration.billing.factories import registered
from tests.integration.billing.test_margins import PAYSLIP_LINES, _issued, _payslips
from tests.integration.documents.test_documents_more import FUTURE, _contract_ready
from tests.integration.offices.test_offices import _default
from tests.integration.web.conftest import PageLogin


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


def _cells(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def _audited(app: Any, entity_type: str) -> list[tuple[str, dict[str, Any]]]:
    async with session_scope(app.state.database) as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.changes)
            .where(AuditEntry.entity_type == entity_type)
            .order_by(AuditEntry.id)
        )
        return [
            (action, {key: pair[1] for key, pair in changes.items()})
            for action, changes in rows.all()
        ]


async def test_disclosure_per_office_matches_the_billing_margin_rate(
    app: Any,
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
) -> None:
    admin = await auth_headers("admin")
    head = await _default(client, admin)  # the one office: the default
    placed = await _issued(client, admin)  # April 2026: business year 2026
    await _payslips(app, [(placed["employee"]["id"], 30000, PAYSLIP_LINES)])
    found = await client.get("/api/documents/annual?year=2026", headers=admin)
    assert found.status_code == 200, found.text
    report = found.json()["data"]
    assert (report["first"], report["last"]) == ("2026-04-01", "2027-03-31")
    # A8: the year ends 2027-03-31 → 様式11号 and 12号 both due 2027-06-30.
    assert (report["form11_due"], report["form12_due"]) == ("2027-06-30", "2027-06-30")
    assert report["status_on"] == "2027-06-01"
    (office,) = report["offices"]
    # The billing's figures for the year's 12 months: 48,742 ÷ 3.03125 → 16,079; 30,000 ÷
    # 3.03125 → 9,896; (16,079 − 9,896) ÷ 16,079 → 38.5 % (weighted, A7's method).
    billing = await client.get(
        "/api/billing/margin-rate?month=2026-04&until=2027-03", headers=admin
    )
    (same,) = billing.json()["data"]["offices"]
    for key in ("workers", "clients", "worker_days", "average_fee", "average_wage"):
        assert office[key] == same[key], key
    assert (office["average_fee"], office["average_wage"]) == (16079, 9896)
    assert office["margin_rate_pct"] == same["margin_rate_pct"] == "38.5"
    assert (office["workers"], office["clients"], office["agreement_workers"]) == (1, 1, 0)
    assert report["in_year"]["total"] == 1 and report["in_year"]["clients"] == 1
    assert report["in_year"]["indefinite"] + report["in_year"]["fixed"] == 1
    # The year before has nothing billed: no rate, no invented figure.
    empty = (await client.get("/api/documents/annual?year=2025", headers=admin)).json()["data"]
    assert empty["offices"][0]["margin_rate_pct"] is None
    assert empty["in_year"]["total"] == 0

    # The last year whose March is a month the billing reads; the next is refused, not a 500.
    last = await client.get("/api/documents/annual?year=2099", headers=admin)
    assert last.status_code == 200, last.text
    beyond = await client.get("/api/documents/annual?year=2100", headers=admin)
    assert beyond.status_code == 422, beyond.text

    coordinator = await auth_headers("coordinator")
    refused = await client.get("/api/documents/annual?year=2026", headers=coordinator)
    assert refused.status_code == 403

    user = await make_user("admin")
    await page_login(user["email"])
    page = await client.get("/documents/annual?year=2026")
    assert page.status_code == 200
    assert "38.5%" in page.text and "16,079" in page.text
    sheet = await client.get("/documents/annual?year=2026&format=xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    rows = {row[0]: row[1] for row in _cells(sheet.content)[1:]}
    assert rows["マージン率"] == "38.5%"
    assert rows["派遣料金の平均額（1人1日8時間当たり）"] == 16079
    assert await _audited(app, "annual_report") == [
        (
            "export",
            {"format": "xlsx", "year": 2026, "kind": "annual_report", "office_id": head["id"]},
        )
    ]


async def test_ledger_excel_neutralises_formulas_and_is_audited(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    _place, contract = await _contract_ready(client, office)
    edited = await client.patch(
        f"/api/contracts/{contract['id']}",
        headers=office,
        json={"responsibility_level": "=1+2", "version": contract["version"] + 1},
    )
    assert edited.status_code == 200, edited.text
    worker = await make_employee(client, office, gender="male")
    placed = await assign(client, office, contract["id"], worker["id"], **FUTURE)
    issued = await client.post(
        f"/api/documents/assignments/{placed['id']}/agency-ledger", headers=office, json={}
    )
    assert issued.status_code == 200, issued.text
    document = issued.json()["data"]
    sheet = await client.get(f"/api/documents/{document['id']}/xlsx", headers=office)
    assert sheet.status_code == 200, sheet.text
    cells = _cells(sheet.content)
    assert cells[0] == ["項目", "内容"] or cells[0] == ["Item", "Content"]
    items = {row[0]: row[1] for row in cells}
    assert items["11. 業務に伴う責任の程度"] == "'=1+2"  # text, never a formula
    assert items["3. 無期雇用か有期雇用か"] == "有期雇用"
    downloads = [a for a in await _audited(app, "document") if a[0] == "download"]
    assert downloads == [("download", {"kind": "agency_ledger", "version": 1, "format": "xlsx"})]
    # The 個別契約書 is not a table: no Excel of it.
    listed = await client.get(f"/api/documents?contract_id={contract['id']}", headers=office)
    contract_doc = next(d for d in listed.json()["data"] if d["kind"] == "individual_contract")
    missing = await client.get(f"/api/documents/{contract_doc['id']}/xlsx", headers=office)
    assert missing.status_code == 404
    assert (await client.get("/api/documents/999999/xlsx", headers=office)).status_code == 404
