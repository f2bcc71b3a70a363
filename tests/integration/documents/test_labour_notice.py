"""Issue 20: the 労働条件通知書兼就業条件明示書 (労基法15条, 労基則5条, パート有期法6条, 派遣法34条)
— C26 (a fixed-term renewal must state the range of changes to place and duties and the
renewal cap, "通算4年" written on the notice), C27 (once the 無期転換 right has arisen, every
fixed-term renewal's notice states the chance to apply and the post-conversion conditions),
versions and hash, the worker's own download (audited), and the refusal without the agency's
name (派遣元事業主の名称; DOCUMENT_AGENCY_NAME_MISSING naming the setting)."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.modules.documents.service import documents_service
from haken.platform.db import session_scope
from tests.integration.assignments.factories import assign, make_employee
from tests.integration.documents.test_documents_more import FUTURE, _contract_ready, _rate

STATED = {
    "renewal": "may_renew",
    "renewal_criteria": "契約期間満了時の業務量、勤務成績・態度、能力により判断する。",
    "renewal_cap": "通算4年",
    "place_change_range": "会社の定める派遣先の事業所及び当社の事業所",
    "duties_change_range": "会社の定める製造・軽作業の業務",
    "retirement": "自己都合退職は退職する14日以上前に届け出ること。解雇の事由は就業規則第30条による。",
    "wage_raise": "なし",
    "retirement_allowance": "なし",
    "bonus": "なし",
    "consultation_contact": "人事部 相談窓口 03-0000-0000",
}


def _text(pdf: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the PDF"
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8").replace(" ", "")


async def _placed(
    client: httpx.AsyncClient, office: dict[str, str], admin: dict[str, str], **worker: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    _place, contract = await _contract_ready(client, office)
    await _rate(client, admin, contract["id"], "2026-04-01", "1800")
    employee = await make_employee(client, office, gender="female", **worker)
    placed = await assign(client, office, contract["id"], employee["id"], **FUTURE)
    return employee, placed


async def test_c26_renewal_needs_the_change_ranges_and_the_cap_written(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    # A fixed-term worker renewed on 2027-01-01 (the assignment falls in the renewal).
    worker, placed = await _placed(
        client,
        office,
        admin,
        term_type="fixed",
        contract_periods=[
            {"start_date": "2026-01-01", "end_date": "2026-12-31"},
            {"start_date": "2027-01-01", "end_date": "2027-12-31"},
        ],
    )
    url = f"/api/documents/assignments/{placed['id']}/labour-notice"
    without = {k: v for k, v in STATED.items() if not k.endswith("change_range")}
    refused = await client.post(url, headers=office, json=without | {"renewal_cap": ""})
    assert refused.status_code == 422, refused.text
    items = refused.json()["error"]["details"]["items"]
    assert "就業の場所の変更の範囲" in items
    assert "従事すべき業務の変更の範囲" in items
    assert "更新上限の有無と内容（通算契約期間又は更新回数）" in items
    assert "労働契約の期間（有期労働契約の期間）" not in items  # the renewal is on record

    issued = await client.post(url, headers=office, json=STATED)
    assert issued.status_code == 200, issued.text
    document = issued.json()["data"]
    assert (document["kind"], document["version"]) == ("labour_notice", 1)
    assert document["employee_id"] == worker["id"]
    detail = (await client.get(f"/api/documents/{document['id']}", headers=office)).json()["data"]
    labour = detail["snapshot"]["labour"]
    assert (labour["contract_start"], labour["contract_end"]) == ("2027-01-01", "2027-12-31")
    assert labour["fixed_term"] is True and labour["conversion_due"] is False
    assert detail["snapshot"]["stated"]["renewal_cap"] == "通算4年"
    assert detail["snapshot"]["dispatch"]["fees"] == [{"from": "2027-01-04", "hourly": "1,800"}]
    pdf = await client.get(f"/api/documents/{document['id']}/pdf", headers=office)
    text = _text(pdf.content)
    assert "労働条件通知書兼就業条件明示書" in text
    assert "更新上限の有無:通算4年" in text
    assert "（変更の範囲）会社の定める派遣先の事業所及び当社の事業所" in text
    assert "2027年1月1日〜2027年12月31日" in text
    assert "テスト派遣株式会社" in text
    assert "無期転換" not in text  # no right yet: not stated

    # The stated items are carried: an empty issue is the same version.
    again = await client.post(url, headers=office, json={})
    assert again.json()["data"]["id"] == document["id"]
    # A stated item changes → a new version, the old one kept.
    changed = await client.post(url, headers=office, json={"renewal_cap": "更新3回まで"})
    assert changed.json()["data"]["version"] == 2
    listed = await client.get(f"/api/documents?employee_id={worker['id']}", headers=office)
    assert [d["version"] for d in listed.json()["data"]] == [2, 1]

    # The worker downloads their own (audited); another worker gets nothing.
    own = await auth_headers("employee", employee_id=worker["id"])
    mine = await client.get("/api/documents/mine", headers=own)
    assert [(d["kind"], d["version"]) for d in mine.json()["data"]] == [
        ("labour_notice", 2),
        ("labour_notice", 1),
    ]
    got = await client.get(f"/api/documents/mine/{document['id']}/pdf", headers=own)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    other = await make_employee(client, office)
    stranger = await auth_headers("employee", employee_id=other["id"])
    hidden = await client.get(f"/api/documents/mine/{document['id']}/pdf", headers=stranger)
    assert hidden.status_code == 404
    async with session_scope(app.state.database) as session:
        rows = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "document",
                    AuditEntry.entity_id == str(document["id"]),
                )
            )
        ).all()
    assert sorted(r.action for r in rows) == ["download", "download", "issue"]


async def test_c27_conversion_right_stated_at_every_later_renewal(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    # 1-year contracts from 2021-01-01: the 2026 contract takes the total past 5 years, so the
    # right arises on 2026-01-01 (JP_DISPATCH.md §4); the 2027 renewal is a later one.
    periods = [
        {"start_date": f"{year}-01-01", "end_date": f"{year}-12-31"} for year in range(2021, 2028)
    ]
    worker, placed = await _placed(
        client, office, admin, term_type="fixed", hire_date="2021-01-01", contract_periods=periods
    )
    shown = await client.get(f"/api/employees/{worker['id']}", headers=office)
    assert shown.json()["data"]["indefinite_conversion_date"] == "2026-01-01"
    url = f"/api/documents/assignments/{placed['id']}/labour-notice"
    issued = await client.post(url, headers=office, json=STATED)
    assert issued.status_code == 200, issued.text
    detail = await client.get(f"/api/documents/{issued.json()['data']['id']}", headers=office)
    labour = detail.json()["data"]["snapshot"]["labour"]
    assert labour["conversion_due"] is True
    assert "（2028年1月1日）から無期労働契約に転換することができる" in labour["conversion_words"]
    assert labour["conversion_terms"].startswith("契約期間の定めがなくなるほかは")
    text = _text(
        (
            await client.get(f"/api/documents/{issued.json()['data']['id']}/pdf", headers=office)
        ).content
    )
    assert "無期転換申込機会" in text
    assert "無期転換後の労働条件" in text
    # The office states other post-conversion terms: a new version carrying them.
    other = await client.post(
        url, headers=office, json={"post_conversion_conditions": "無期転換後は月給制とする。"}
    )
    assert other.json()["data"]["version"] == 2
    again = await client.get(f"/api/documents/{other.json()['data']['id']}", headers=office)
    assert (
        again.json()["data"]["snapshot"]["labour"]["conversion_terms"]
        == "無期転換後は月給制とする。"
    )


async def test_indefinite_worker_needs_no_term_items_and_fixed_without_period_is_refused(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    _worker, placed = await _placed(client, office, admin, term_type="indefinite")
    body = {k: STATED[k] for k in ("place_change_range", "duties_change_range", "retirement")}
    issued = await client.post(
        f"/api/documents/assignments/{placed['id']}/labour-notice", headers=office, json=body
    )
    assert issued.status_code == 200, issued.text
    detail = await client.get(f"/api/documents/{issued.json()['data']['id']}", headers=office)
    assert detail.json()["data"]["snapshot"]["labour"]["fixed_term"] is False

    _worker, bare = await _placed(client, office, admin, term_type="fixed")
    refused = await client.post(
        f"/api/documents/assignments/{bare['id']}/labour-notice", headers=office, json=STATED
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["items"] == ["労働契約の期間（有期労働契約の期間）"]


async def test_no_statutory_document_without_the_agency_name(
    client: httpx.AsyncClient, auth_headers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    _worker, placed = await _placed(client, office, admin, term_type="indefinite")
    monkeypatch.setattr(documents_service, "agency_name", "")
    for path, body in (
        (f"/api/documents/assignments/{placed['id']}/labour-notice", STATED),
        (f"/api/documents/assignments/{placed['id']}/terms-notice", None),
    ):
        refused = await client.post(path, headers=office, json=body)
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert error["code"] == "DOCUMENT_AGENCY_NAME_MISSING"
        assert "HAKEN_BILLING_AGENCY_NAME" in error["message"]


async def test_page_issues_the_notice_and_names_missing_items(
    client: httpx.AsyncClient, make_user: Any, page_login: Any, auth_headers: Any
) -> None:
    from tests.integration.web.conftest import csrf_token

    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    worker, placed = await _placed(
        client,
        office,
        admin,
        term_type="fixed",
        contract_periods=[{"start_date": "2026-07-01", "end_date": "2027-06-30"}],
    )
    user = await make_user("coordinator")
    await page_login(user["email"])
    page = await client.get(f"/documents?contract_id={placed['contract_id']}")
    action = f"/documents/assignments/{placed['id']}/labour-notice"
    assert action in page.text
    token = csrf_token(page.text)
    base = {"csrf_token": token, "contract_id": str(placed["contract_id"])}
    refused = await client.post(action, data=base | {"renewal": "may_renew"})
    assert refused.status_code == 422
    assert "就業の場所の変更の範囲" in refused.text
    issued = await client.post(action, data=base | STATED)
    assert issued.status_code == 303, issued.text
    assert issued.headers["location"] == f"/documents?contract_id={placed['contract_id']}"
    listed = await client.get(f"/documents?employee_id={worker['id']}")
    assert "労働条件通知書兼就業条件明示書" in listed.text
    # The worker's portal lists it with its own label and serves its PDF.
    client.cookies.clear()
    account = await make_user("employee", employee_id=worker["id"])
    await page_login(account["email"])
    portal = await client.get("/me")
    assert portal.status_code == 200
    mine = (await client.get("/api/documents/mine")).json()["data"]
    assert f"/me/documents/{mine[0]['id']}/pdf" in portal.text
    got = await client.get(f"/me/documents/{mine[0]['id']}/pdf")
    assert got.status_code == 200 and got.content.startswith(b"%PDF")


async def test_a_refused_client_notice_page_shows_the_refusal(
    client: httpx.AsyncClient,
    make_user: Any,
    page_login: Any,
    auth_headers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The notice to the client's page form, refused (here: no agency name), answers the list
    page with the catalog message; it answered 500 (its own thin render of the list page
    lacked what the page's labour-notice column needs)."""
    from tests.integration.web.conftest import csrf_token

    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    _worker, placed = await _placed(client, office, admin, term_type="indefinite")
    user = await make_user("coordinator")
    await page_login(user["email"])
    page = await client.get(f"/documents?contract_id={placed['contract_id']}")
    monkeypatch.setattr(documents_service, "agency_name", "")
    refused = await client.post(
        f"/documents/contracts/{placed['contract_id']}/client-notice",
        data={"csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 422, refused.text
    assert "HAKEN_BILLING_AGENCY_NAME" in refused.text
