"""Issue 20: the 就業条件明示書 (34条, 34条の2; A9), the 派遣元管理台帳 (37条, 則31条; A4),
the 派遣先管理台帳 data offered to the client (42条, 則35–38条; A3, A4) and the
外国人雇用状況届出 list (B20): refusals naming the missing items, versions, scope (a worker
sees only their own notice, a client supervisor only its sites' ledger data), audit rows and
the list's statement count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.assignments.factories import (
    assign,
    foreign_employee,
    make_contract,
    make_employee,
    make_unit,
)
from tests.integration.client_portal.factories import invite_supervisor

FUTURE = {"start_date": "2027-01-04", "end_date": "2027-03-31"}
CLAUSES = {
    "safety": "派遣先は労働安全衛生法に定める措置を講じる。",
    "complaints": "派遣元・派遣先の苦情処理担当者が連携して遅滞なく処理する。",
    "cancellation_measures": "30日前に予告し、新たな就業機会の確保を図る。",
    "welfare": "食堂、更衣室を派遣先の社員と同様に利用できる。",
    "dispute_prevention": "派遣先が雇用する場合は事前に派遣元へ通知し、職業紹介により行う。",
}


async def _contract_ready(
    client: httpx.AsyncClient, office: dict[str, str], **site: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A unit at a site whose dispatch started (a site 抵触日), a contract with its 個別契約書."""
    place = await make_unit(client, office, dispatch_started_on="2026-04-01", **site)
    contract = await make_contract(client, office, place["unit_id"])
    edited = await client.patch(
        f"/api/contracts/{contract['id']}",
        headers=office,
        json={"responsibility_level": "役職なし", "version": contract["version"]},
    )
    assert edited.status_code == 200, edited.text
    issued = await client.post(
        f"/api/documents/contracts/{contract['id']}/individual-contract",
        headers=office,
        json=CLAUSES,
    )
    assert issued.status_code == 200, issued.text
    return place, contract


async def _rate(
    client: httpx.AsyncClient, admin: dict[str, str], contract_id: int, day: str, amount: str
) -> None:
    created = await client.post(
        "/api/billing/rates",
        headers=admin,
        json={"contract_id": contract_id, "effective_from": day, "base_rate": amount},
    )
    assert created.status_code == 201, created.text


async def test_terms_notice_items_fee_change_a9_and_own_download(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    place = await make_unit(client, office)
    bare = await make_contract(client, office, place["unit_id"])
    worker = await make_employee(client, office, gender="male")
    placed = await assign(client, office, bare["id"], worker["id"], **FUTURE)
    url = f"/api/documents/assignments/{placed['id']}/terms-notice"
    refused = await client.post(url, headers=office)
    assert refused.status_code == 422
    items = refused.json()["error"]["details"]["items"]
    assert "業務に伴う責任の程度" in items
    assert "安全及び衛生（個別契約書）" in items  # no 個別契約書 issued yet
    assert "派遣料金額（請求単価）" in items  # no bill rate in billing

    place, contract = await _contract_ready(client, office)
    worker = await make_employee(client, office, gender="female")
    placed = await assign(client, office, contract["id"], worker["id"], **FUTURE)
    url = f"/api/documents/assignments/{placed['id']}/terms-notice"
    await _rate(client, admin, contract["id"], "2026-04-01", "1800")
    first = await client.post(url, headers=office)
    assert first.status_code == 200, first.text
    assert first.json()["data"]["version"] == 1
    assert first.json()["data"]["employee_id"] == worker["id"]
    detail = await client.get(f"/api/documents/{first.json()['data']['id']}", headers=office)
    notice = detail.json()["data"]["snapshot"]["notice"]
    assert notice["fees"] == [{"from": "2027-01-04", "hourly": "1,800"}]
    assert notice["site_conflict_date"] == "2029-04-01"
    assert notice["individual_conflict_date"]
    assert notice["safety"] == CLAUSES["safety"]
    assert notice["exempt"] is False
    same = await client.post(url, headers=office)
    assert same.json()["data"]["id"] == first.json()["data"]["id"]

    # A9: the fee changes mid-contract → a new version whose snapshot differs.
    await _rate(client, admin, contract["id"], "2027-02-01", "1900")
    second = await client.post(url, headers=office)
    assert second.json()["data"]["version"] == 2
    assert second.json()["data"]["content_hash"] != first.json()["data"]["content_hash"]
    changed = await client.get(f"/api/documents/{second.json()['data']['id']}", headers=office)
    assert changed.json()["data"]["snapshot"]["notice"]["fees"] == [
        {"from": "2027-01-04", "hourly": "1,800"},
        {"from": "2027-02-01", "hourly": "1,900"},
    ]
    pdf = await client.get(f"/api/documents/{second.json()['data']['id']}/pdf", headers=office)
    assert pdf.content.startswith(b"%PDF")
    by_worker = await client.get(f"/api/documents?employee_id={worker['id']}", headers=office)
    assert [d["version"] for d in by_worker.json()["data"]] == [2, 1]
    by_contract = await client.get(f"/api/documents?contract_id={contract['id']}", headers=office)
    kinds = {d["kind"] for d in by_contract.json()["data"]}
    assert kinds == {"terms_notice", "individual_contract"}

    # The worker downloads their own; another employee gets nothing.
    own = await auth_headers("employee", employee_id=worker["id"])
    mine = await client.get("/api/documents/mine", headers=own)
    assert [d["version"] for d in mine.json()["data"]] == [2, 1]
    got = await client.get(f"/api/documents/mine/{second.json()['data']['id']}/pdf", headers=own)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    other = await make_employee(client, office)
    stranger = await auth_headers("employee", employee_id=other["id"])
    assert (await client.get("/api/documents/mine", headers=stranger)).json()["data"] == []
    hidden = await client.get(
        f"/api/documents/mine/{second.json()['data']['id']}/pdf", headers=stranger
    )
    assert hidden.status_code == 404
    # The client supervisor never sees the worker's notice.
    supervisor = await invite_supervisor(
        client, app, office, client_id=place["client_id"], site_ids=[place["site_id"]]
    )
    portal = await client.get("/api/client/documents", headers=supervisor["headers"])
    assert "terms_notice" not in {d["kind"] for d in portal.json()["data"]}


async def test_terms_notice_exempt_dispatch_states_no_conflict_dates(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    _place, contract = await _contract_ready(client, office)
    await _rate(client, admin, contract["id"], "2026-04-01", "2000")
    elder = await make_employee(client, office, gender="male", birth_date="1960-01-01")
    placed = await assign(client, office, contract["id"], elder["id"], **FUTURE)
    issued = await client.post(
        f"/api/documents/assignments/{placed['id']}/terms-notice", headers=office
    )
    assert issued.status_code == 200, issued.text
    detail = await client.get(f"/api/documents/{issued.json()['data']['id']}", headers=office)
    notice = detail.json()["data"]["snapshot"]["notice"]
    assert notice["exempt"] is True
    assert notice["site_conflict_date"] == "" and notice["individual_conflict_date"] == ""
    assert notice["exemption"] == "60歳以上の者"


async def test_agency_ledger_items_entries_and_retention_a4(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    _place, contract = await _contract_ready(client, office)
    worker = await make_employee(client, office, gender="male")
    placed = await assign(client, office, contract["id"], worker["id"], **FUTURE)
    url = f"/api/documents/assignments/{placed['id']}/agency-ledger"
    body = {
        "entries": [
            {
                "kind": "stability_wish",
                "occurred_on": "2027-01-10",
                "measure": "direct_hire_request",
            },
            {
                "kind": "stability_measure",
                "occurred_on": "2027-02-01",
                "measure": "direct_hire_request",
                "method": "書面",
                "response_on": "2027-02-15",
                "response": "派遣先は検討中と回答",
            },
            {"kind": "training", "occurred_on": "2027-01-20", "content": "安全衛生教育 2時間"},
        ]
    }
    first = await client.post(url, headers=office, json=body)
    assert first.status_code == 200, first.text
    detail = await client.get(f"/api/documents/{first.json()['data']['id']}", headers=office)
    ledger = detail.json()["data"]["snapshot"]["ledger"]
    assert ledger["retention_until"] == "2030-03-31"  # ends 2027-03-31: 3 years
    assert [e["kind"] for e in ledger["entries"]] == [
        "stability_wish",
        "training",
        "stability_measure",
    ]
    assert ledger["over_60"] is False and ledger["indefinite"] is False
    assert ledger["responsibility_level"] == "役職なし"
    assert ledger["client_name"] and ledger["site_address"]
    # No new rows, same data: the same version. A new row: version 2 (append-only).
    again = await client.post(url, headers=office, json={})
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    more = await client.post(
        url,
        headers=office,
        json={"entries": [{"kind": "career_consultation", "occurred_on": "2027-03-01"}]},
    )
    assert more.json()["data"]["version"] == 2
    async with session_scope(app.state.database) as session:
        audited = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.entity_type == "ledger_entry")
            )
        ).all()
    assert audited == ["create"] * 4
    # The worker never sees the agency's ledger.
    own = await auth_headers("employee", employee_id=worker["id"])
    assert (await client.get("/api/documents/mine", headers=own)).json()["data"] == []
    hidden = await client.get(f"/api/documents/mine/{first.json()['data']['id']}/pdf", headers=own)
    assert hidden.status_code == 404


async def test_client_ledger_need_a3_and_supervisor_scope(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    place, contract = await _contract_ready(client, office, own_employees=2)
    for _ in range(3):
        worker = await make_employee(client, office, gender="male")
        await assign(client, office, contract["id"], worker["id"], **FUTURE)
    url = f"/api/documents/sites/{place['site_id']}/client-ledger"
    first = await client.post(url, headers=office, json={"month": "2027-01"})
    assert first.status_code == 200, first.text
    snapshot = (
        await client.get(f"/api/documents/{first.json()['data']['id']}", headers=office)
    ).json()["data"]["snapshot"]
    assert snapshot["need"]["required"] is False and snapshot["need"]["total"] == 5  # A3
    assert {w["retention_until"] for w in snapshot["workers"]} == {"2030-03-31"}
    fourth = await make_employee(client, office, gender="female")
    await assign(client, office, contract["id"], fourth["id"], **FUTURE)
    second = await client.post(url, headers=office, json={"month": "2027-01"})
    assert second.json()["data"]["version"] == 2
    snapshot = (
        await client.get(f"/api/documents/{second.json()['data']['id']}", headers=office)
    ).json()["data"]["snapshot"]
    assert snapshot["need"]["required"] is True and snapshot["need"]["total"] == 6  # A3

    # Unknown own headcount: required, and the document says so.
    other_place, other_contract = await _contract_ready(client, office)
    worker = await make_employee(client, office, gender="male")
    await assign(client, office, other_contract["id"], worker["id"], **FUTURE)
    unknown = await client.post(
        f"/api/documents/sites/{other_place['site_id']}/client-ledger",
        headers=office,
        json={"month": "2027-01"},
    )
    assert unknown.status_code == 200, unknown.text
    words = (
        await client.get(f"/api/documents/{unknown.json()['data']['id']}", headers=office)
    ).json()["data"]["snapshot"]["need"]
    assert words["required"] is True and words["total"] is None and "未登録" in words["words"]

    # The supervisor of the first site downloads its ledger data, not another site's of the
    # same client.
    second_site = await client.post(
        "/api/sites",
        headers=office,
        json={
            "client_id": place["client_id"],
            "name": "第二倉庫",
            "prefecture": "23",
            "city": "豊田市",
            "address_line1": "本町1番地",
            "dispatch_started_on": "2026-04-01",
        },
    )
    assert second_site.status_code == 201, second_site.text
    unit = await client.post(
        "/api/units",
        headers=office,
        json={"site_id": second_site.json()["data"]["id"], "name": "倉庫課"},
    )
    contract_b = await make_contract(
        client, office, unit.json()["data"]["id"], responsibility_level="役職なし"
    )
    worker_b = await make_employee(client, office, gender="male")
    await assign(client, office, contract_b["id"], worker_b["id"], **FUTURE)
    theirs = await client.post(
        f"/api/documents/sites/{second_site.json()['data']['id']}/client-ledger",
        headers=office,
        json={"month": "2027-01"},
    )
    assert theirs.status_code == 200, theirs.text
    supervisor = await invite_supervisor(
        client, app, office, client_id=place["client_id"], site_ids=[place["site_id"]]
    )
    listed = await client.get("/api/client/documents", headers=supervisor["headers"])
    ids = {d["id"] for d in listed.json()["data"] if d["kind"] == "client_ledger"}
    assert ids == {first.json()["data"]["id"], second.json()["data"]["id"]}
    got = await client.get(
        f"/api/client/documents/{second.json()['data']['id']}/pdf", headers=supervisor["headers"]
    )
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    hidden = await client.get(
        f"/api/client/documents/{theirs.json()['data']['id']}/pdf", headers=supervisor["headers"]
    )
    assert hidden.status_code == 404


async def test_foreign_worker_reports_b20_list_csv_and_statements(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    insured = await foreign_employee(
        client, office, "ENGINEER_HUMANITIES_INTERNATIONAL", hire_date="2026-04-15"
    )
    special = await make_employee(
        client,
        office,
        nationality="KR",
        residence_status="SPECIAL_PERMANENT_RESIDENT",
        hire_date="2026-04-20",
    )
    student = await foreign_employee(
        client,
        office,
        "STUDENT",
        hire_date="2026-10-01",
        extra_activity_permission="BLANKET",
        extra_activity_weekly_hours=28,
        name_kanji="=cmd|' /C calc'!A0",
    )
    unset = await client.put(
        f"/api/payroll/employees/{student['id']}/profile",
        headers=admin,
        json={"employment_insured": False, "social_insured": False},
    )
    assert unset.status_code == 200, unset.text
    left = await client.patch(
        f"/api/employees/{insured['id']}",
        headers=office,
        json={"leave_date": "2026-06-20", "version": insured["version"]},
    )
    assert left.status_code == 200, left.text

    april = (
        await client.get("/api/documents/foreign-worker-reports?month=2026-04", headers=office)
    ).json()["data"]
    by_id = {r["employee_id"]: r for r in april}
    assert by_id[insured["id"]]["due"] == "2026-05-10"
    assert by_id[special["id"]]["due"] is None and by_id[special["id"]]["form"] == "届出不要"
    june = (
        await client.get("/api/documents/foreign-worker-reports?month=2026-06", headers=office)
    ).json()["data"]
    assert [(r["event"], r["due"]) for r in june] == [("separation", "2026-06-30")]
    assert june[0]["overdue"] is True  # today is after 2026-06-30
    october = (
        await client.get("/api/documents/foreign-worker-reports?month=2026-10", headers=office)
    ).json()["data"]
    assert [(r["employee_id"], r["due"], r["form"]) for r in october] == [
        (student["id"], "2026-11-30", "様式第3号")
    ]

    page = await client.get("/documents/foreign-worker-reports?month=2026-06", headers=office)
    assert page.status_code == 200
    csv = await client.get(
        "/documents/foreign-worker-reports?month=2026-10&format=csv", headers=office
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "'=cmd" in text and "2026-11-30" in text

    from haken.modules.documents.service import documents_service

    async with session_scope(app.state.database) as session:
        with assert_num_queries(2):  # the employees, their insurance flags
            rows = await documents_service.foreign_worker_reports(
                session, month=dt.date(2026, 4, 1), today=dt.date(2026, 12, 1)
            )
    assert len(rows) >= 2
    async with session_scope(app.state.database) as session:
        exported = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.entity_type == "foreign_worker_report")
            )
        ).all()
    assert exported == ["export"]
    # Office only.
    manager = await auth_headers("site_manager", site_ids=[1])
    denied = await client.get("/api/documents/foreign-worker-reports", headers=manager)
    assert denied.status_code == 403


async def test_pages_issue_from_the_contract_and_the_worker_downloads_in_the_portal(
    client: httpx.AsyncClient, make_user: Any, page_login: Any, auth_headers: Any
) -> None:
    from tests.integration.web.conftest import csrf_token

    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    place, contract = await _contract_ready(client, office)
    await _rate(client, admin, contract["id"], "2026-04-01", "1800")
    worker = await make_employee(client, office, gender="male")
    placed = await assign(client, office, contract["id"], worker["id"], **FUTURE)
    user = await make_user("coordinator")
    await page_login(user["email"])
    page = await client.get(f"/documents?contract_id={contract['id']}")
    assert page.status_code == 200
    assert f"/documents/assignments/{placed['id']}/terms-notice" in page.text
    assert f"/documents/sites/{place['site_id']}/client-ledger" in page.text
    token = csrf_token(page.text)
    issued = await client.post(
        f"/documents/assignments/{placed['id']}/terms-notice",
        data={"csrf_token": token, "contract_id": str(contract["id"])},
    )
    assert issued.status_code == 303, issued.text
    assert issued.headers["location"] == f"/documents?contract_id={contract['id']}"
    ledger = await client.post(
        f"/documents/assignments/{placed['id']}/agency-ledger",
        data={
            "csrf_token": token,
            "contract_id": str(contract["id"]),
            "entry_kind": "complaint",
            "entry_date": "2027-01-12",
            "entry_content": "休憩室が狭い",
            "entry_response": "派遣先と協議し改善",
        },
    )
    assert ledger.status_code == 303, ledger.text
    bad_month = await client.post(
        f"/documents/sites/{place['site_id']}/client-ledger",
        data={"csrf_token": token, "contract_id": str(contract["id"]), "month": "2027-13"},
    )
    assert bad_month.status_code == 422
    listed = await client.get(f"/documents?contract_id={contract['id']}")
    assert "就業条件明示書" in listed.text and "派遣元管理台帳" in listed.text
    reports = await client.get("/documents/foreign-worker-reports?month=2026-04")
    assert reports.status_code == 200
    # The worker's portal lists the notice and serves its PDF.
    client.cookies.clear()
    own = await auth_headers("employee", employee_id=worker["id"])
    mine = (await client.get("/api/documents/mine", headers=own)).json()["data"]
    portal = await client.get("/me", headers=own)
    assert f"/me/documents/{mine[0]['id']}/pdf" in portal.text
    pdf = await client.get(f"/me/documents/{mine[0]['id']}/pdf", headers=own)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
