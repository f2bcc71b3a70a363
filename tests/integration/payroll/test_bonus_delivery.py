"""Bonus payments, the rest of issue 17: the withholding the law computes from the 月額表
(no pay in the previous month, a bonus over ten times it), the rate the office must enter
otherwise, the 全銀 賞与振込 file (種別 12) of a closed bonus payment, and the bulk payslip
PDF built by a background job (a run's and a bonus payment's)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.modules.payroll.models import PayrollPdfExport, Payslip
from haken.platform.db import session_scope, utcnow
from tests.integration.payroll.factories import placed, run
from tests.integration.payroll.test_bonuses import _paid, _slips, paid_before
from tests.integration.payroll.test_delivery import ACCOUNT, AGENCY, _pages, _text, _worker
from tests.waiting import poll

# Tokyo FY2026, born 1990 (no nursing care), bonus ¥1,200,000 on 2026-07-10: health + child
# support 1,200,000 × 10.08 % ÷ 2 = 60,480 (health 59,100, child support 1,380); pension
# 1,200,000 × 18.3 % ÷ 2 = 109,800; employment 1,200,000 × 5/1000 = 6,000: insurance
# 176,280, the bonus after insurance 1,023,720; 甲欄, no dependants.
# - No pay in June: 1,023,720 ÷ 6 = 170,620 → 月額表 row 169,000–171,000: 3,270; the tax on
#   0 is 0 → 3,270 × 6 = 19,620.
# - June's pay 50,000 (1,023,720 > 500,000): 50,000 + 170,620 = 220,620 → row
#   219,000–221,000: 5,050; 50,000 → below 105,000: 0 → 5,050 × 6 = 30,300.
# - June's pay 300,000 (1,023,720 ≤ 3,000,000): the 算出率の表 applies; no rate → refused.
BONUS = 1_200_000


async def test_the_monthly_table_cases_need_no_rate_and_others_do(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    none = (await placed(client, admin))["employee"]["id"]
    small = (await placed(client, admin))["employee"]["id"]
    usual = (await placed(client, admin))["employee"]["id"]
    await paid_before(app, small, "2026-06-25", 50_000)
    await paid_before(app, usual, "2026-06-25", 300_000)
    await paid_before(app, usual, "2026-05-25", 1)  # May is not the previous month

    refused = await client.post(
        "/api/payroll/bonuses",
        headers=admin,
        json={
            "pay_date": "2026-07-10",
            "title": "夏季賞与",
            "entries": [{"employee_id": usual, "amount": BONUS}],
        },
    )
    bonus = refused.json()["data"]
    calc = await client.post(
        f"/api/payroll/bonuses/{bonus['id']}/calculate",
        headers=admin,
        json={"version": bonus["version"]},
    )
    assert calc.status_code == 422
    assert calc.json()["error"]["code"] == "PAYROLL_BONUS_RATE_REQUIRED"

    done = await _paid(
        client,
        admin,
        "2026-07-10",
        [
            {"employee_id": none, "amount": BONUS},
            {"employee_id": small, "amount": BONUS, "rate_pct": "10.21"},  # not used
            {"employee_id": usual, "amount": BONUS, "rate_pct": "10.21"},
        ],
        close=False,
    )
    taxes = {}
    for row in await _slips(client, admin, done["id"]):
        slip = (await client.get(f"/api/payroll/payslips/{row['id']}", headers=admin)).json()
        lines = {line["code"]: line for line in slip["data"]["lines"]}
        taxes[row["employee_id"]] = lines["income_tax"]
        assert slip["data"]["social_insurance"] + slip["data"]["employment_insurance"] == 176_280
        # The employer's shares kept for the margins: health group 1,200,000 × 10.08 % =
        # 120,960 less the worker's 59,100 + 1,380; pension 219,600 less 109,800;
        # employment 1,200,000 × 13.5 ‰ = 16,200 less 6,000.
        async with session_scope(app.state.database) as session:
            stored = await session.get(Payslip, row["id"])
            assert stored is not None
            assert (stored.employer_social_insurance, stored.employer_employment_insurance) == (
                60_480 + 109_800,
                10_200,
            )
    assert taxes[none]["amount"] == 19_620
    assert taxes[none]["basis"]["reason"] == "no_previous_pay"
    assert taxes[none]["basis"]["rate_source"] == "monthly_table"
    assert "169,000円以上171,000円未満" in taxes[none]["basis"]["row_with_share"]
    assert taxes[small]["amount"] == 30_300
    assert taxes[small]["basis"]["reason"] == "over_ten_times"
    assert taxes[small]["basis"]["previous_pay"] == 50_000
    assert "× 6 = 30,300円" in taxes[small]["text"]
    # 1,023,720 × 10.21 % = 104,521.812 → 104,521 (the office's rate; June's pay recorded).
    assert taxes[usual]["amount"] == 104_521
    assert taxes[usual]["basis"]["rate_source"] == "entered"
    assert taxes[usual]["basis"]["previous_pay"] == 300_000


async def test_the_bonus_transfer_file_is_kind_12_byte_by_byte_and_audited(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    for name, value in AGENCY.items():
        monkeypatch.setattr(app.state.settings, name, value)
    admin = await auth_headers("admin")
    workers = [await _worker(client, app, admin) for _ in range(2)]
    bonus = await _paid(
        client,
        admin,
        "2026-07-10",
        [
            {"employee_id": w["id"], "amount": 300_000 + n, "rate_pct": "4.084"}
            for n, w in enumerate(workers)
        ],
        close=False,
    )
    url = f"/api/payroll/bonuses/{bonus['id']}/transfer-file"
    still_open = await client.get(url, headers=admin)
    assert still_open.status_code == 409
    assert still_open.json()["error"]["code"] == "PAYROLL_BONUS_TRANSFER_OPEN"
    closed = await client.post(
        f"/api/payroll/bonuses/{bonus['id']}/close",
        headers=admin,
        json={"version": bonus["version"]},
    )
    assert closed.status_code == 200, closed.text
    coordinator = await auth_headers("coordinator")
    assert (await client.get(url, headers=coordinator)).status_code == 403
    assert (
        await client.get("/api/payroll/bonuses/999999/transfer-file", headers=admin)
    ).status_code == 404

    response = await client.get(url, headers=admin)
    assert response.status_code == 200, response.text
    assert 'filename="bonus_transfer_20260710.txt"' in response.headers["content-disposition"]
    records = [r for r in response.content.split(b"\r\n") if r]
    assert all(len(r) == 120 for r in records)
    assert [r[:1] for r in records] == [b"1", b"2", b"2", b"8", b"9"]
    header = records[0]
    # データ区分 1, 種別コード 12 (賞与振込), コード区分 0, 依頼人コード, 依頼人名 (40), 取組日.
    assert header[:4] == b"1120"
    assert header[4:14] == b"1234567890"
    assert header[14:54] == "ﾊｹﾝ(ｶ".encode("shift_jis").ljust(40)
    assert header[54:58] == b"0710"
    assert header[58:62] == b"0001" and header[77:80] == b"001"
    assert header[95:96] == b"1" and header[96:103] == b"7654321"
    assert header[103:] == b" " * 17
    slips = {p["employee_id"]: p for p in await _slips(client, admin, bonus["id"])}
    for record, worker in zip(records[1:3], workers, strict=True):
        # 銀行 0001, 支店 001, 預金種目 1, 口座 1234567, 受取人名, 金額 (10), 新規 0, 顧客番号1.
        assert record[1:5] == b"0001" and record[20:23] == b"001"
        assert record[42:50] == b"11234567"
        assert record[50:80] == ACCOUNT["holder_kana"].encode("shift_jis").ljust(30)
        assert int(record[80:90]) == slips[worker["id"]]["net"]
        assert record[90:91] == b"0"
        assert record[91:101] == worker["employee_number"].encode().ljust(10)
        assert record[111:112] == b"7"
    total = sum(p["net"] for p in slips.values())
    assert records[3] == b"8" + b"000002" + b"%012d" % total + b" " * 101
    assert records[4] == b"9" + b" " * 119

    async with session_scope(app.state.database) as session:
        row = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "payroll_bonus",
                    AuditEntry.action == "transfer_file",
                )
            )
        ).one()
    assert row.entity_id == str(bonus["id"])
    assert row.changes["count"] == [None, 2] and row.changes["total"] == [None, total]


async def test_the_bulk_pdf_of_a_run_is_a_job_joined_from_batches(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    from haken.modules.payroll import pdf_exports

    monkeypatch.setattr(pdf_exports, "PDF_BATCH", 2)  # three employees: two parts joined
    admin = await auth_headers("admin")
    workers = [await _worker(client, app, admin, bank=False) for _ in range(3)]
    done = await run(client, admin)
    started = await client.post(f"/api/payroll/runs/{done['id']}/pdf-exports", headers=admin)
    assert started.status_code == 202, started.text
    export = started.json()["data"]
    assert export["total"] == 3
    answer = await poll(
        lambda: client.get(f"/api/payroll/pdf-exports/{export['id']}", headers=admin),
        lambda got: got.json()["data"]["status"] == "done",
        f"bulk PDF {export['id']}",
    )
    ready = answer.json()["data"]
    assert (ready["processed"], ready["pages"]) == (3, 3)
    response = await client.get(ready["download"], headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert _pages(response.content) == 3
    text = _text(response.content)
    for worker in workers:
        assert worker["employee_number"] in text
    coordinator = await auth_headers("coordinator")
    assert (await client.get(ready["download"], headers=coordinator)).status_code == 403
    missing = await client.post("/api/payroll/runs/999999/pdf-exports", headers=admin)
    assert missing.status_code == 404


async def test_the_bulk_pdf_of_a_bonus_payment_and_one_not_ready(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    worker = (await placed(client, admin))["employee"]
    bonus = await _paid(
        client, admin, "2026-07-10", [{"employee_id": worker["id"], "amount": 400_000}]
    )
    started = await client.post(f"/api/payroll/bonuses/{bonus['id']}/pdf-exports", headers=admin)
    assert started.status_code == 202, started.text
    export = started.json()["data"]
    answer = await poll(
        lambda: client.get(f"/api/payroll/pdf-exports/{export['id']}", headers=admin),
        lambda got: got.json()["data"]["status"] == "done",
        f"bulk PDF {export['id']}",
    )
    response = await client.get(answer.json()["data"]["download"], headers=admin)
    text = _text(response.content)
    assert _pages(response.content) == 1
    assert "賞与明細書" in text and worker["employee_number"] in text

    async with session_scope(app.state.database, write=True) as session:
        pending = PayrollPdfExport(
            bonus_id=bonus["id"],
            status="running",
            total=5,
            processed=2,
            pages=0,
            cursor=0,
            parts=1,
            filename="x.pdf",
            created_at=utcnow(),
        )
        session.add(pending)
        await session.flush()
        pending_id = pending.id
    early = await client.get(f"/api/payroll/pdf-exports/{pending_id}/file", headers=admin)
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "PAYROLL_PDF_NOT_READY"


def test_the_new_audit_rows_are_labelled() -> None:
    from haken.modules.payroll.labels import register_labels
    from haken.web.registry import registry

    register_labels()
    for name in ("pay_date", "count", "total", "sha256"):
        assert registry.field_label("payroll_bonus", name), name
    for name in ("run_id", "bonus_id", "total"):
        assert registry.field_label("payroll_pdf_export", name), name


@pytest.mark.usefixtures("built_assets")
async def test_the_pages_start_the_pdf_job_and_offer_the_bonus_transfer_file(
    client: httpx.AsyncClient, make_user: Any, login: Any, page_login: Any
) -> None:
    from tests.integration.web.conftest import csrf_token

    office = await make_user("admin", locale="en")
    api = {"Authorization": (await login(office["email"]))["Authorization"]}
    worker = (await placed(client, api))["employee"]
    bonus = await _paid(client, api, "2026-07-10", [{"employee_id": worker["id"], "amount": 1}])
    await page_login(office["email"])
    page = await client.get(f"/payroll/bonuses/{bonus['id']}")
    assert f"/api/payroll/bonuses/{bonus['id']}/transfer-file" in page.text
    assert "Monthly table if the law applies it" in page.text  # no rate entered
    started = await client.post(
        f"/payroll/bonuses/{bonus['id']}/pdf", data={"csrf_token": csrf_token(page.text)}
    )
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    assert url.startswith("/payroll/pdf-exports/")
    answer = await poll(
        lambda: client.get(url),
        lambda got: "Ready: 1 pages." in got.text,
        "the bulk PDF page",
    )
    assert "/file" in answer.text and "Back to the bonus payment" in answer.text


async def test_a_pdf_batch_takes_a_fixed_number_of_statements(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    from haken.modules.payroll import pdf_exports
    from haken.modules.payroll.pdf_exports import pdf_export_service
    from haken.platform.db import count_queries

    admin = await auth_headers("admin")
    ids = [(await placed(client, admin))["employee"]["id"] for _ in range(5)]
    bonus = await _paid(
        client, admin, "2026-07-10", [{"employee_id": i, "amount": 100_000} for i in ids]
    )
    monkeypatch.setattr(pdf_exports, "PDF_BATCH", 2)  # 5 payslips: batches of 2, 2, 1
    started = await client.post(f"/api/payroll/bonuses/{bonus['id']}/pdf-exports", headers=admin)
    export_id = started.json()["data"]["id"]
    await poll(  # the job's own batches first, so none runs beside the counted ones
        lambda: client.get(f"/api/payroll/pdf-exports/{export_id}", headers=admin),
        lambda got: got.json()["data"]["status"] == "done",
        f"bulk PDF {export_id}",
    )
    counts = []
    for step, (cursor, processed) in enumerate(((0, 0), (ids[1], 2), (ids[3], 4))):
        async with session_scope(app.state.database, write=True) as session:
            row = await session.get(PayrollPdfExport, export_id)
            assert row is not None
            row.status, row.cursor, row.processed, row.parts = "running", cursor, processed, step
            await session.flush()
            with count_queries() as counter:
                await pdf_export_service.run_batch(
                    session, export_id=export_id, cursor=cursor, data_dir=tmp_path
                )
                await session.flush()
            counts.append(counter.count)
    # The export locked, the bonus payment, a batch of payslips, their employees; then the
    # progress written with the next batch's job (outbox) — the last batch joins instead.
    assert counts == [4 + 2, 4 + 2, 4 + 1]
    async with session_scope(app.state.database) as session:
        done = await session.get(PayrollPdfExport, export_id)
    assert done is not None and (done.status, done.processed, done.pages) == ("done", 5, 5)
    assert (tmp_path / "exports" / "payslips" / f"{export_id}.pdf").stat().st_mode & 0o077 == 0
    assert not (tmp_path / "exports" / "payslips" / f"{export_id}.parts").exists()
