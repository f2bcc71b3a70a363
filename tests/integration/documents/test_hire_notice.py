"""Issue 20: the 労働条件通知書 at hire, without an assignment (労基法15条1項: the conditions in
writing at the conclusion of the contract; a 常用型 / 無期雇用派遣 worker is hired before any
placement). The record's terms (無期, the monthly salary of the pay settings, the scheduled time,
the insurances), the office's statements (the agency's office with 変更の範囲 派遣先の事業所),
refusals naming each empty item (the same catalog as C26), versions and hash, the worker's
download on /me, the employee page, the audit; and the bulk job's 労働条件通知書 kind."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.modules.documents.bulk import bulk_service
from haken.modules.documents.bulk_routes import BULK_KINDS
from haken.platform.db import session_scope
from tests.integration.assignments.factories import assign, make_employee
from tests.integration.documents.test_bulk import ON, _finished
from tests.integration.documents.test_documents_more import FUTURE, _contract_ready, _rate
from tests.integration.documents.test_labour_notice import STATED, _text

AT_HIRE = {
    "work_place": "当社 東京本社（東京都千代田区丸の内1-1-1）",
    "place_change_range": "会社の定める派遣先の事業所及び当社の事業所",
    "duties": "派遣就業までの待機及び研修",
    "duties_change_range": "会社の定める派遣先における製造・物流・事務の業務",
    "hours": "9:00〜18:00（休憩60分）",
    "overtime": "有（時間外労働・休日労働に関する協定の範囲内）",
    "days_off": "土曜日、日曜日、国民の祝日、年末年始",
    "retirement": "定年60歳。自己都合退職は14日以上前に届け出ること。解雇の事由は就業規則第30条による。",
    "wage_raise": "有（毎年4月、勤務成績による）",
    "retirement_allowance": "なし",
    "bonus": "有（年2回、業績による）",
    "consultation_contact": "派遣元責任者（人事部） 03-0000-0000",
    "agreement_coverage": "対象（協定の有効期間の終期: 2027年3月31日）",
    "dispatch_fee": "当社事業所の平均 1時間当たり 2,500円（2025年度）",
}
MONTHLY = {
    "pay_type": "monthly",
    "monthly_salary": 260000,
    "allowance": 10000,
    "average_monthly_minutes": 173 * 60 + 20,  # the 40-hour week: full-time
    "scheduled_days": 20,
}


async def _indefinite(
    client: httpx.AsyncClient, office: dict[str, str], admin: dict[str, str]
) -> dict[str, Any]:
    """A 常用型 dispatch worker hired on 2027-04-01, monthly paid, not placed anywhere."""
    worker = await make_employee(
        client, office, term_type="indefinite", hire_date="2027-04-01", name_kanji="常用 花子"
    )
    put = await client.put(
        f"/api/payroll/employees/{worker['id']}/profile", headers=admin, json=MONTHLY
    )
    assert put.status_code == 200, put.text
    return worker


async def test_at_hire_without_an_assignment_refused_then_versioned_and_downloaded(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    worker = await _indefinite(client, office, admin)
    url = f"/api/documents/employees/{worker['id']}/hire-notice"

    # Nothing stated: every item the record lacks is named, none invented. The record gives
    # the term (無期: no period, renewal or cap) and the wage (the monthly salary).
    refused = await client.post(url, headers=office, json={})
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "DOCUMENT_INCOMPLETE"
    assert error["details"]["items"] == [
        "就業の場所（雇入れ直後）",
        "就業の場所の変更の範囲",
        "従事すべき業務の内容（雇入れ直後）",
        "従事すべき業務の変更の範囲",
        "始業・終業の時刻、休憩時間",
        "休日",
        "退職に関する事項（解雇の事由を含む）",
        "所定時間外労働の有無",
        "昇給の有無",
        "退職手当の有無",
        "賞与の有無",
        "労使協定の対象となる派遣労働者であるか否か",
        "相談窓口",
        "派遣料金額（派遣法第34条の2）",
    ]
    assert "就業の場所の変更の範囲" in error["message"]
    # One item short: only that one is named.
    short = await client.post(url, headers=office, json=AT_HIRE | {"place_change_range": " "})
    assert short.json()["error"]["details"]["items"] == ["就業の場所の変更の範囲"]

    issued = await client.post(url, headers=office, json=AT_HIRE)
    assert issued.status_code == 200, issued.text
    document = issued.json()["data"]
    assert (document["kind"], document["version"]) == ("hire_notice", 1)
    assert (document["subject_type"], document["subject_id"]) == ("employee", worker["id"])
    assert (document["employee_id"], document["contract_id"]) == (worker["id"], None)
    assert len(document["content_hash"]) == 64
    detail = (await client.get(f"/api/documents/{document['id']}", headers=office)).json()["data"]
    labour = detail["snapshot"]["labour"]
    assert labour["fixed_term"] is False and labour["dispatch"] is True
    assert labour["wage"] == "月給 260,000円、諸手当 月額 10,000円"
    assert labour["schedule"] == "月平均所定労働時間 173時間20分、所定労働日数 月20日"
    # Full-time and 無期: the pay-rise, retirement-pay, bonus and contact items are required
    # above as a dispatch worker's at hire (派遣法31条の2第2項), not as a part-timer's.
    assert labour["part_time_or_fixed"] is False
    assert labour["premiums"].startswith("割増賃金率（法定）: 法定時間外 25")
    text = _text((await client.get(f"/api/documents/{document['id']}/pdf", headers=office)).content)
    assert "労働条件通知書" in text and "兼就業条件明示書" not in text
    assert "派遣労働者・期間の定めなし（雇入れ日2027年4月1日）" in text
    assert "（雇入れ直後）当社東京本社" in text
    assert "（変更の範囲）会社の定める派遣先の事業所及び当社の事業所" in text
    assert "月給260,000円" in text
    assert "派遣料金額（第34条の2）当社事業所の平均1時間当たり2,500円" in text
    assert "テスト派遣株式会社" in text

    # The same data: the same version; an item left empty is carried from the last notice.
    again = await client.post(url, headers=office, json={})
    assert again.json()["data"]["id"] == document["id"]
    # A stated item changes → version 2; the record's pay changes → version 3.
    changed = await client.post(url, headers=office, json={"bonus": "なし"})
    assert changed.json()["data"]["version"] == 2
    raised = await client.put(
        f"/api/payroll/employees/{worker['id']}/profile",
        headers=admin,
        json=MONTHLY | {"monthly_salary": 270000},
    )
    assert raised.status_code == 200, raised.text
    third = await client.post(url, headers=office, json={})
    assert third.json()["data"]["version"] == 3
    listed = await client.get(f"/api/documents?employee_id={worker['id']}", headers=office)
    assert [(d["kind"], d["version"]) for d in listed.json()["data"]] == [
        ("hire_notice", 3),
        ("hire_notice", 2),
        ("hire_notice", 1),
    ]

    # The worker downloads their own (audited); another worker does not see it.
    own = await auth_headers("employee", employee_id=worker["id"])
    mine = await client.get("/api/documents/mine", headers=own)
    assert [d["version"] for d in mine.json()["data"]] == [3, 2, 1]
    got = await client.get(f"/api/documents/mine/{document['id']}/pdf", headers=own)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    other = await make_employee(client, office)
    stranger = await auth_headers("employee", employee_id=other["id"])
    hidden = await client.get(f"/api/documents/mine/{document['id']}/pdf", headers=stranger)
    assert hidden.status_code == 404
    async with session_scope(app.state.database) as session:
        actions = (
            await session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.entity_type == "document",
                    AuditEntry.entity_id == str(document["id"]),
                )
            )
        ).all()
    assert sorted(actions) == ["download", "download", "issue"]

    # Not the office: refused; an unknown employee: 404.
    manager = await auth_headers("site_manager")
    assert (await client.post(url, headers=manager, json=AT_HIRE)).status_code == 403
    missing = "/api/documents/employees/999999/hire-notice"
    assert (await client.post(missing, headers=office, json=AT_HIRE)).status_code == 404


async def test_fixed_term_and_hourly_at_hire_name_the_record_items_missing(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    # A fixed-term hourly worker with no period on record and no pay settings: the period
    # and the wage are named (the form may state the wage; the period must be recorded).
    start = dt.date(dt.date.today().year + 1, 4, 1)  # hired next April, whatever today is
    end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    worker = await make_employee(client, office, term_type="fixed", hire_date=start.isoformat())
    url = f"/api/documents/employees/{worker['id']}/hire-notice"
    stated = AT_HIRE | {"renewal": "may_renew", "renewal_criteria": "業務量により判断"}
    refused = await client.post(url, headers=office, json=stated)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["items"] == [
        "労働契約の期間（有期労働契約の期間）",
        "更新上限の有無と内容（通算契約期間又は更新回数）",
        "賃金の決定・計算の方法",
    ]
    periods = await client.put(
        f"/api/employees/{worker['id']}/contract-periods",
        headers=office,
        json={
            "version": worker["version"],
            "periods": [{"start_date": start.isoformat(), "end_date": end.isoformat()}],
        },
    )
    assert periods.status_code == 200, periods.text
    issued = await client.post(
        url,
        headers=office,
        json=stated | {"renewal_cap": "通算4年", "wage": "時間給 1,400円（派遣先により変更）"},
    )
    assert issued.status_code == 200, issued.text
    detail = await client.get(f"/api/documents/{issued.json()['data']['id']}", headers=office)
    labour = detail.json()["data"]["snapshot"]["labour"]
    assert (labour["contract_start"], labour["contract_end"]) == (
        start.isoformat(),
        end.isoformat(),
    )
    assert labour["wage"] == "時間給 1,400円（派遣先により変更）"
    text = _text(
        (
            await client.get(f"/api/documents/{issued.json()['data']['id']}/pdf", headers=office)
        ).content
    )
    assert f"期間の定めあり（{start.year}年4月1日〜{end.year}年3月31日）" in text
    assert "更新上限の有無:通算4年" in text
    assert "無期転換" not in text  # no right yet


async def test_c27_a_notice_without_an_assignment_states_the_conversion_chance(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    # Back-to-back 1-year contracts from Y-5 to Y+1 (Y: this year), the worker on the books
    # between placements: the right arose on Y-01-01 (the contract passing 5 years), so the
    # notice for this year's contract states the chance and the post-conversion terms (C27).
    year = dt.date.today().year
    periods = [
        {"start_date": f"{y}-01-01", "end_date": f"{y}-12-31"} for y in range(year - 5, year + 2)
    ]
    worker = await make_employee(
        client, office, term_type="fixed", hire_date=f"{year - 5}-01-01", contract_periods=periods
    )
    stated = AT_HIRE | {
        "renewal": "may_renew",
        "renewal_criteria": "業務量により判断",
        "renewal_cap": "なし",
        "wage": "時間給 1,400円",
    }
    issued = await client.post(
        f"/api/documents/employees/{worker['id']}/hire-notice",
        headers=office,
        json=stated
        | {"post_conversion_conditions": "無期転換後も本通知書と同一の労働条件とする。"},
    )
    assert issued.status_code == 200, issued.text
    detail = await client.get(f"/api/documents/{issued.json()['data']['id']}", headers=office)
    labour = detail.json()["data"]["snapshot"]["labour"]
    # Today falls in this year's contract: the one in force is notified, not the next.
    assert (labour["contract_start"], labour["contract_end"]) == (
        f"{year}-01-01",
        f"{year}-12-31",
    )
    assert labour["conversion_due"] is True
    assert f"（{year + 1}年1月1日）から無期労働契約に転換" in labour["conversion_words"]
    assert labour["conversion_terms"] == "無期転換後も本通知書と同一の労働条件とする。"


async def test_the_page_issues_it_lists_it_on_the_employee_and_the_worker_downloads(
    client: httpx.AsyncClient, make_user: Any, page_login: Any, auth_headers: Any
) -> None:
    from tests.integration.web.conftest import csrf_token

    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    worker = await _indefinite(client, office, admin)
    user = await make_user("coordinator")
    await page_login(user["email"])
    page = await client.get(f"/documents?employee_id={worker['id']}")
    action = f"/documents/employees/{worker['id']}/hire-notice"
    assert action in page.text
    token = csrf_token(page.text)
    refused = await client.post(action, data={"csrf_token": token, "duties": "待機"})
    assert refused.status_code == 422
    assert "就業の場所の変更の範囲" in refused.text
    assert 'value="待機"' in refused.text  # what was typed stays in the form
    issued = await client.post(action, data={"csrf_token": token} | AT_HIRE)
    assert issued.status_code == 303, issued.text
    assert issued.headers["location"] == f"/documents?employee_id={worker['id']}"
    listed = await client.get(f"/documents?employee_id={worker['id']}")
    assert "労働条件通知書（雇入れ時）" in listed.text
    assert 'value="派遣就業までの待機及び研修"' in listed.text  # the form starts as issued
    record = await client.get(f"/employees/{worker['id']}")
    assert record.status_code == 200
    assert "労働条件通知書（雇入れ時）" in record.text

    client.cookies.clear()
    account = await make_user("employee", employee_id=worker["id"])
    await page_login(account["email"])
    portal = await client.get("/me")
    mine = (await client.get("/api/documents/mine")).json()["data"]
    assert [d["kind"] for d in mine] == ["hire_notice"]
    assert f"/me/documents/{mine[0]['id']}/pdf" in portal.text
    got = await client.get(f"/me/documents/{mine[0]['id']}/pdf")
    assert got.status_code == 200 and got.content.startswith(b"%PDF")


async def test_bulk_labour_notices_carry_the_stated_items_and_name_the_zip(
    client: httpx.AsyncClient, auth_headers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_service, "batch_size", 2)
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    _place, contract = await _contract_ready(client, office)
    await _rate(client, admin, contract["id"], "2026-04-01", "1800")
    # Three placed indefinite workers: one with a per-assignment notice, one with a notice at
    # hire only (its stated items carry into the per-assignment one), one with neither.
    noticed = await make_employee(client, office, term_type="indefinite")
    hired = await _indefinite(client, office, admin)
    bare = await make_employee(client, office, term_type="indefinite")
    first = await assign(client, office, contract["id"], noticed["id"], **FUTURE)
    second = await assign(client, office, contract["id"], hired["id"], **FUTURE)
    third = await assign(client, office, contract["id"], bare["id"], **FUTURE)
    before = await client.post(
        f"/api/documents/assignments/{first['id']}/labour-notice", headers=office, json=STATED
    )
    assert before.status_code == 200, before.text
    at_hire = await client.post(
        f"/api/documents/employees/{hired['id']}/hire-notice", headers=office, json=AT_HIRE
    )
    assert at_hire.status_code == 200, at_hire.text

    assert "labour_notice" in BULK_KINDS  # the page's kind list offers it
    started = await client.post(
        "/api/documents/bulk",
        headers=office,
        json={"kind": "labour_notice", "on_date": ON, "client_id": contract["client_id"]},
    )
    assert started.status_code == 202, started.text
    done = await _finished(client, office, started.json()["data"]["id"])
    assert (done["kind"], done["total"], done["issued"]) == ("labour_notice", 3, 2)
    assert [(s["subject_id"], s["code"]) for s in done["skipped"]] == [
        (third["id"], "DOCUMENT_INCOMPLETE")
    ]
    assert "就業の場所の変更の範囲" in done["skipped"][0]["reason"]
    got = await client.get(f"/api/documents/bulk/{done['id']}/zip", headers=office)
    names = sorted(zipfile.ZipFile(io.BytesIO(got.content)).namelist())
    # Named <kind>-<assignment>-v<version>.pdf: the first worker's newest version (the run's
    # day is later than the API issue's: the snapshot's reference day moves), the second's v1.
    newest = await client.get(f"/api/documents?employee_id={noticed['id']}", headers=office)
    version = newest.json()["data"][0]["version"]
    assert names == sorted(
        [f"labour_notice-{first['id']}-v{version}.pdf", f"labour_notice-{second['id']}-v1.pdf"]
    )
    listed = await client.get(f"/api/documents?employee_id={hired['id']}", headers=office)
    kinds = [d["kind"] for d in listed.json()["data"]]
    assert kinds == ["labour_notice", "hire_notice"]
    carried = next(d for d in listed.json()["data"] if d["kind"] == "labour_notice")
    detail = await client.get(f"/api/documents/{carried['id']}", headers=office)
    stated = detail.json()["data"]["snapshot"]["stated"]
    assert stated["place_change_range"] == AT_HIRE["place_change_range"]
    assert stated["retirement"] == AT_HIRE["retirement"]
