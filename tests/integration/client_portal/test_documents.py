"""Documents (issue 20 items 2, 4) and the 派遣先への通知 (35条): refused naming the missing
items (sex; a concrete reason for an unfiled insurance, A2), the age words (A1), a new version
only when the data changed, the old version still downloadable, audit rows for issue and
download, and the client supervisor's download in the portal (its client only)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from tests.integration.assignments.factories import assign, make_contract, make_employee, make_unit
from tests.integration.client_portal.factories import invite_supervisor

FUTURE = {"start_date": "2027-01-04", "end_date": "2027-03-31"}


async def test_client_notice_versions_refusals_and_portal_download(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    place = await make_unit(client, office)
    contract = await make_contract(client, office, place["unit_id"])
    older = await make_employee(client, office, gender="male", birth_date="1980-01-01")  # 47
    minor = await make_employee(client, office, gender="unspecified", birth_date="2009-06-01")
    await assign(client, office, contract["id"], older["id"], **FUTURE)
    await assign(client, office, contract["id"], minor["id"], **FUTURE)
    profile = await client.put(
        f"/api/payroll/employees/{minor['id']}/profile",
        headers=admin,
        json={"employment_insured": False, "social_insured": False},
    )
    assert profile.status_code == 200, profile.text

    url = f"/api/documents/contracts/{contract['id']}/client-notice"
    refused = await client.post(url, headers=office, json={})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "DOCUMENT_INCOMPLETE"
    items = error["details"]["items"]
    assert any(item.endswith("性別") for item in items)
    assert any("雇用保険の未加入理由" in item for item in items)
    assert "性別" in error["message"]

    vague = {
        "reasons": [
            {
                "employee_id": minor["id"],
                "health": "適用基準を満たしていないため",
                "pension": "適用基準を満たしていないため",
                "employment": "適用基準を満たしていないため",
            }
        ]
    }
    patched = await client.patch(
        f"/api/employees/{minor['id']}",
        headers=office,
        json={"gender": "female", "version": minor["version"]},
    )
    assert patched.status_code == 200, patched.text
    insufficient = await client.post(url, headers=office, json=vague)
    assert insufficient.status_code == 422
    assert any("具体的な理由" in i for i in insufficient.json()["error"]["details"]["items"])

    concrete = {
        "reasons": [
            {
                "employee_id": minor["id"],
                "health": "1週間の所定労働時間が15時間であるため",
                "pension": "1週間の所定労働時間が15時間であるため",
                "employment": "1週間の所定労働時間が15時間であるため",
            }
        ]
    }
    first = await client.post(url, headers=office, json=concrete)
    assert first.status_code == 200, first.text
    assert first.json()["data"]["version"] == 1
    detail = (
        await client.get(f"/api/documents/{first.json()['data']['id']}", headers=office)
    ).json()
    workers = {w["employee_id"]: w for w in detail["data"]["snapshot"]["workers"]}
    assert workers[older["id"]]["age_words"] == "45歳以上" and workers[older["id"]]["sex"] == "男"
    assert workers[minor["id"]]["age_words"] == f"{17}歳"  # 17 on 2027-01-04
    assert workers[older["id"]]["over_60"] is False

    # The same data: the same version. Reasons carry over from the last version.
    again = await client.post(url, headers=office, json={})
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    # A change of the data: version 2; version 1 stays downloadable.
    restored = await client.put(
        f"/api/payroll/employees/{minor['id']}/profile",
        headers=admin,
        json={"employment_insured": True, "social_insured": True},
    )
    assert restored.status_code == 200
    second = await client.post(url, headers=office, json={})
    assert second.json()["data"]["version"] == 2
    old_pdf = await client.get(f"/api/documents/{first.json()['data']['id']}/pdf", headers=office)
    assert old_pdf.status_code == 200 and old_pdf.content.startswith(b"%PDF")
    listed = await client.get(f"/api/documents?contract_id={contract['id']}", headers=office)
    assert [d["version"] for d in listed.json()["data"]] == [2, 1]

    # The client supervisor sees its client's notices only, and downloads them.
    supervisor = await invite_supervisor(
        client, app, office, client_id=place["client_id"], site_ids=[place["site_id"]]
    )
    mine = await client.get("/api/client/documents", headers=supervisor["headers"])
    assert [d["version"] for d in mine.json()["data"]] == [2, 1]
    got = await client.get(
        f"/api/client/documents/{second.json()['data']['id']}/pdf", headers=supervisor["headers"]
    )
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    other_place = await make_unit(client, office)
    other_contract = await make_contract(client, office, other_place["unit_id"])
    other_worker = await make_employee(client, office, gender="female")
    await assign(client, office, other_contract["id"], other_worker["id"], **FUTURE)
    theirs = await client.post(
        f"/api/documents/contracts/{other_contract['id']}/client-notice", headers=office, json={}
    )
    assert theirs.status_code == 200, theirs.text
    hidden = await client.get(
        f"/api/client/documents/{theirs.json()['data']['id']}/pdf", headers=supervisor["headers"]
    )
    assert hidden.status_code == 404
    # Employees and site managers never read documents.
    manager = await auth_headers("site_manager", site_ids=[place["site_id"]])
    assert (await client.get("/api/documents", headers=manager)).status_code == 403


async def test_issue_and_download_are_audited(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    from haken.platform.db import session_scope

    office = await auth_headers("coordinator")
    place = await make_unit(client, office)
    contract = await make_contract(client, office, place["unit_id"])
    worker = await make_employee(client, office, gender="male")
    await assign(client, office, contract["id"], worker["id"], **FUTURE)
    issued = await client.post(
        f"/api/documents/contracts/{contract['id']}/client-notice", headers=office, json={}
    )
    assert issued.status_code == 200, issued.text
    await client.get(f"/api/documents/{issued.json()['data']['id']}/pdf", headers=office)
    async with session_scope(app.state.database) as session:
        actions = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.entity_type == "document")
            )
        ).all()
    assert sorted(actions) == ["download", "issue"]


CLAUSES = {
    "safety": "派遣先は労働安全衛生法に定める措置を講じる。",
    "complaints": "派遣元・派遣先の苦情処理担当者が連携して遅滞なく処理する。",
    "cancellation_measures": "30日前に予告し、新たな就業機会の確保を図る。",
    "welfare": "食堂、更衣室を派遣先の社員と同様に利用できる。",
}


async def test_individual_contract_a5_a6(client: httpx.AsyncClient, auth_headers: Any) -> None:
    office = await auth_headers("coordinator")
    place = await make_unit(client, office)
    contract = await make_contract(client, office, place["unit_id"])
    url = f"/api/documents/contracts/{contract['id']}/individual-contract"
    # No 紛争防止措置: refused, whatever the workers' contracts (A5).
    missing = await client.post(url, headers=office, json=CLAUSES)
    assert missing.status_code == 422
    assert missing.json()["error"]["details"]["items"] == ["業務に伴う責任の程度", "紛争防止措置"]
    edited = await client.patch(
        f"/api/contracts/{contract['id']}",
        headers=office,
        json={
            "responsibility_level": "役職なし（指示を受けて業務を行う）",
            "version": contract["version"],
        },
    )
    assert edited.status_code == 200, edited.text
    banned = await client.post(
        url,
        headers=office,
        json={**CLAUSES, "dispute_prevention": "派遣先は派遣労働者を雇用してはならない。"},
    )
    assert banned.status_code == 422
    assert any("33条2項" in i for i in banned.json()["error"]["details"]["items"])
    fair = "派遣先が雇用する場合は事前に派遣元へ通知し、職業紹介により行う。"
    issued = await client.post(url, headers=office, json={**CLAUSES, "dispute_prevention": fair})
    assert issued.status_code == 200, issued.text
    detail = await client.get(f"/api/documents/{issued.json()['data']['id']}", headers=office)
    snapshot = detail.json()["data"]["snapshot"]["contract"]
    assert snapshot["limitation"] == "限定しない"  # A6: not limited to 無期/60+
    again = await client.post(url, headers=office, json={})  # clauses carried over
    assert again.json()["data"]["id"] == issued.json()["data"]["id"]
    pdf = await client.get(f"/api/documents/{issued.json()['data']['id']}/pdf", headers=office)
    assert pdf.content.startswith(b"%PDF")
