"""Payroll delivery: the payslip PDF (its text read back with pdftotext), the employee's own download only with their consent to electronic delivery (所得税法231条2項),
and the 全銀 transfer file of a closed run (admins, audited, refused while open or with
employees missing an account)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.modules.payroll.delivery import delivery_service
from haken.modules.payroll.transfer import AgencyBank
from haken.platform.access import Principal, Role
from haken.platform.db import count_queries, session_scope
from tests.integration.payroll.factories import ledger, payslips, placed, run

ACCOUNT = {
    "bank_code": "0001",
    "branch_code": "001",
    "account_type": "ordinary",
    "account_number": "1234567",
    "holder_kana": "ﾔﾏﾀﾞ ﾀﾛｳ",
}
AGENCY = {
    "transfer_requester_code": "1234567890",
    "transfer_requester_name": "ﾊｹﾝ(ｶ",
    "transfer_bank_code": "0001",
    "transfer_branch_code": "001",
    "transfer_account_number": "7654321",
}
# Worked 20 days, 160 h regular + 10 h overtime, 1 day of paid leave.
MINUTES = {"regular": 160 * 60, "overtime": 10 * 60, "worked_days": 20, "paid_leave_days": 1}


def _text(pdf: bytes) -> str:
    # A missing tool fails the test rather than skipping it: scripts/test-services.sh installs
    # poppler-utils, so the PDF's text is always read.
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the PDF"
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def _pages(pdf: bytes) -> int:
    return _text(pdf).count("\f")


async def _worker(
    http: httpx.AsyncClient, app: Any, admin: dict[str, str], *, bank: bool = True
) -> dict[str, Any]:
    place = await placed(http, admin)
    employee = place["employee"]
    if bank:
        current = (await http.get(f"/api/employees/{employee['id']}", headers=admin)).json()
        response = await http.patch(
            f"/api/employees/{employee['id']}",
            headers=admin,
            json={"version": current["data"]["version"], "bank_account": ACCOUNT},
        )
        assert response.status_code == 200, response.text
        employee = response.json()["data"]
    await ledger(app, employee["id"], **MINUTES)
    return dict(employee)


async def _closed(http: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    done = await run(http, admin)
    closed = await http.post(
        f"/api/payroll/runs/{done['id']}/close", headers=admin, json={"version": done["version"]}
    )
    assert closed.status_code == 200, closed.text
    return dict(closed.json()["data"])


async def test_the_payslip_pdf_carries_the_employee_the_attendance_and_every_line(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    worker = await _worker(client, app, admin)
    done = await run(client, admin)
    slip_id = (await payslips(client, admin, done["id"]))[0]["id"]
    slip = (await client.get(f"/api/payroll/payslips/{slip_id}", headers=admin)).json()["data"]
    assert slip["employee_number"] == worker["employee_number"]
    assert slip["attendance"]["worked_days"] == 20
    assert slip["attendance"]["overtime"] == 600

    response = await client.get(f"/api/payroll/payslips/{slip_id}/pdf", headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert "給与明細書" in text
    assert worker["employee_number"] in text
    assert "山田 太郎" in text
    assert "20日" in text  # days worked
    assert "170:00" in text  # hours worked: 160 h + 10 h
    assert "10:00" in text  # the overtime class
    assert "1日" in text  # paid leave taken
    assert f"{slip['net']:,}円" in text
    assert f"{slip['gross']:,}円" in text
    # Every line of the payslip is on the PDF with its amount and its basis.
    for line in slip["lines"]:
        assert f"{line['amount']:,}円" in text, line
    assert "健康保険" in text and "所得税" in text


async def test_an_employee_downloads_their_own_payslip_only_with_consent(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    mine = await _worker(client, app, admin)
    other = await _worker(client, app, admin)
    user = await make_user("employee", employee_id=mine["id"])
    me = {"Authorization": (await login(user["email"]))["Authorization"]}
    done = await run(client, admin)
    slips = {p["employee_id"]: p["id"] for p in await payslips(client, admin, done["id"])}

    # Before the close: not even one's own (404, as for the payslip itself).
    early = await client.get(f"/api/payroll/payslips/{slips[mine['id']]}/pdf", headers=me)
    assert early.status_code == 404
    await _closed(client, admin)
    paper = await client.get(f"/api/payroll/payslips/{slips[mine['id']]}/pdf", headers=me)
    assert paper.status_code == 409
    assert paper.json()["error"]["code"] == "PAYROLL_PAYSLIP_PAPER_DELIVERY"

    profile_url = f"/api/payroll/employees/{mine['id']}/profile"
    consented = await client.put(
        profile_url, headers=admin, json={"payslip_e_delivery_consent": True}
    )
    assert consented.status_code == 200, consented.text
    given_on = consented.json()["data"]["payslip_e_delivery_consent_on"]
    assert given_on is not None
    own = await client.get(f"/api/payroll/payslips/{slips[mine['id']]}/pdf", headers=me)
    assert own.status_code == 200, own.text
    assert own.content.startswith(b"%PDF")
    assert mine["employee_number"] in _text(own.content)
    theirs = await client.get(f"/api/payroll/payslips/{slips[other['id']]}/pdf", headers=me)
    assert theirs.status_code == 404

    # Withdrawn: paper again, and the day is cleared; both changes are in the audit log.
    withdrawn = await client.put(profile_url, headers=admin, json={})
    assert withdrawn.json()["data"]["payslip_e_delivery_consent_on"] is None
    again = await client.get(f"/api/payroll/payslips/{slips[mine['id']]}/pdf", headers=me)
    assert again.status_code == 409
    async with session_scope(app.state.database) as session:
        rows = (
            await session.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.entity_type == "payroll_profile",
                    AuditEntry.entity_id == str(mine["id"]),
                )
                .order_by(AuditEntry.id)
            )
        ).all()
    consent = [r.changes.get("payslip_e_delivery_consent") for r in rows]
    assert consent == [[None, True], [True, False]]  # created with the consent, then withdrawn


async def test_the_transfer_file_of_a_closed_run_is_audited_with_its_hash(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    for name, value in AGENCY.items():
        monkeypatch.setattr(app.state.settings, name, value)
    admin = await auth_headers("admin")
    workers = [await _worker(client, app, admin) for _ in range(2)]
    done = await run(client, admin)
    url = f"/api/payroll/runs/{done['id']}/transfer-file"
    still_open = await client.get(url, headers=admin)
    assert still_open.status_code == 409
    assert still_open.json()["error"]["code"] == "PAYROLL_TRANSFER_RUN_OPEN"
    await _closed(client, admin)
    coordinator = await auth_headers("coordinator")
    assert (await client.get(url, headers=coordinator)).status_code == 403

    response = await client.get(url, headers=admin)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    records = response.content.split(b"\r\n")
    body = [r for r in records if r]
    assert all(len(r) == 120 for r in body)
    assert [r[:1] for r in body] == [b"1", b"2", b"2", b"8", b"9"]
    slips = await payslips(client, admin, done["id"])
    total = sum(p["net"] for p in slips)
    assert body[3][1:7] == b"000002" and int(body[3][7:19]) == total
    # 預金種目 (byte 43) 1 = 普通, 口座番号 (bytes 44–50), decrypted from the employee record.
    assert all(r[42:50] == b"11234567" for r in body[1:3])

    async with session_scope(app.state.database) as session:
        row = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "payroll_run",
                    AuditEntry.action == "transfer_file",
                )
            )
        ).one()
    assert row.entity_id == str(done["id"])
    assert row.changes["count"] == [None, 2] and row.changes["total"] == [None, total]
    assert row.changes["sha256"] == [None, hashlib.sha256(response.content).hexdigest()]
    assert row.user_id is not None
    assert len(workers) == 2


async def test_the_transfer_file_lists_every_employee_without_an_account(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    for name, value in AGENCY.items():
        monkeypatch.setattr(app.state.settings, name, value)
    admin = await auth_headers("admin")
    await _worker(client, app, admin)
    lacking = [await _worker(client, app, admin, bank=False) for _ in range(2)]
    done = await _closed(client, admin)
    response = await client.get(f"/api/payroll/runs/{done['id']}/transfer-file", headers=admin)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "PAYROLL_TRANSFER_BANK_MISSING"
    assert sorted(error["details"]["employee_ids"]) == sorted(w["id"] for w in lacking)
    for worker in lacking:
        assert worker["employee_number"] in error["message"]
    async with session_scope(app.state.database) as session:
        audited = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "transfer_file"))
        ).all()
    assert audited == []


async def test_the_transfer_files_statements_grow_with_batches_not_employees(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    from haken.modules.payroll import delivery

    admin = await auth_headers("admin")
    for _ in range(4):
        await _worker(client, app, admin)
    done = await _closed(client, admin)
    agency = AgencyBank(
        requester_code="1234567890",
        requester_name="ﾊｹﾝ(ｶ",
        bank_code="0001",
        branch_code="001",
        account_type="ordinary",
        account_number="7654321",
    )
    principal = Principal(user_id=1, role=Role.ADMIN, email="admin@test.example")

    async def statements(batch: int) -> int:
        monkeypatch.setattr(delivery, "TRANSFER_BATCH", batch)
        async with session_scope(app.state.database, write=True) as session:
            with count_queries() as counter:
                made = await delivery_service.transfer_file(
                    session, principal, run_id=done["id"], agency=agency
                )
                await session.flush()
            assert made.count == 4
        return counter.count

    # run, then per batch: payslips + accounts; the audit row's insert.
    assert await statements(10) == 1 + 2 + 1
    # A full batch reads one more (empty) batch of payslips.
    assert await statements(4) == 1 + 2 + 1 + 1
    assert await statements(2) == 1 + 2 * 2 + 1 + 1


def test_the_transfer_downloads_audit_row_is_labelled() -> None:
    from haken.modules.payroll.labels import register_labels
    from haken.web.registry import registry

    register_labels()
    assert registry.actions.get("transfer_file") == "Transfer file downloaded"
    for name in ("pay_date", "count", "total", "sha256"):
        assert registry.field_label("payroll_run", name), name
    for name in ("payslip_e_delivery_consent", "payslip_e_delivery_consent_on"):
        assert registry.field_label("payroll_profile", name), name


@pytest.mark.usefixtures("built_assets")
async def test_the_pages_offer_the_downloads_and_record_the_consent(
    client: httpx.AsyncClient, app: Any, make_user: Any, login: Any, page_login: Any
) -> None:
    from tests.integration.web.conftest import csrf_token

    office = await make_user("admin", locale="en")
    api = {"Authorization": (await login(office["email"]))["Authorization"]}
    worker = await _worker(client, app, api, bank=False)
    done = await _closed(client, api)
    slip_id = (await payslips(client, api, done["id"]))[0]["id"]

    await page_login(office["email"])
    run_page = await client.get(f"/payroll/runs/{done['id']}")
    # The bulk PDF is a job started from the page (test_bonus_delivery.py follows it).
    assert f'action="/payroll/runs/{done["id"]}/pdf"' in run_page.text
    assert f"/api/payroll/runs/{done['id']}/transfer-file" in run_page.text
    slip_page = await client.get(f"/payroll/payslips/{slip_id}")
    assert f"/api/payroll/payslips/{slip_id}/pdf" in slip_page.text
    assert "Days worked" in slip_page.text and "170:00" in slip_page.text
    employee_page = await client.get(f"/employees/{worker['id']}")
    assert employee_page.status_code == 200
    assert "On paper: the employee has not agreed" in employee_page.text
    saved = await client.post(
        f"/payroll/employees/{worker['id']}/delivery",
        data={"csrf_token": csrf_token(employee_page.text), "consent": "yes"},
    )
    assert saved.status_code == 303, saved.text
    employee_page = await client.get(f"/employees/{worker['id']}")
    assert "Electronic: the employee agreed on" in employee_page.text

    person = await make_user("employee", employee_id=worker["id"], locale="en")
    client.cookies.clear()
    await page_login(person["email"])
    mine = await client.get("/me/payslips")
    assert f"/api/payroll/payslips/{slip_id}/pdf" in mine.text
    assert "handed over on paper" not in mine.text
    own = await client.get(f"/api/payroll/payslips/{slip_id}/pdf")
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
