"""Payroll on days of 休業 (issues 15–17): 休業手当 (労基法26条) at 60 % of the 平均賃金 of
the three periods before, for an hourly worker, as wages (in the insured and taxed pay);
statutory leave paying nothing from the employer; the next period's 平均賃金 leaving those
days and the 休業手当 out (12条3項). The figures are worked by hand in each comment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tests.integration.payroll.factories import ledger, payslips, placed, run
from tests.integration.web.conftest import PageLogin


def _period(month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(2026, month, 1)
    return start, dt.date(2026, month + 1, 1) - dt.timedelta(days=1)


async def _slip(http: httpx.AsyncClient, headers: dict[str, str], run_id: int) -> Any:
    (row,) = await payslips(http, headers, run_id)
    response = await http.get(f"/api/payroll/payslips/{row['id']}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _lines(slip: Any) -> dict[str, Any]:
    return {line["code"]: line for line in slip["lines"]}


@pytest.mark.usefixtures("built_assets")
async def test_closure_pays_the_shutdown_allowance_and_leave_days_leave_the_average(
    client: httpx.AsyncClient, app: Any, make_user: Any, login: Any, page_login: PageLogin
) -> None:
    # ¥1,500 × 160 h = ¥240,000 in each of April, May, June (30 + 31 + 30 = 91 days, 60 days
    # worked): 平均賃金 720,000 ÷ 91 = ¥7,912.08 (minimum 720,000 ÷ 60 × 60 % = 7,200).
    # July: 17 days of 8 h = 136 h × 1,500 = ¥204,000; 2 days closed → 休業手当
    # 7,912.08 × 60 % × 2 = 9,494.496 → ¥9,495 (rounded up); 2 days of 育児休業 → ¥0 from the
    # agency. Gross 213,495, and the 休業手当 is in the employment-insurance base.
    office = await make_user("admin", locale="ja")
    admin = {"Authorization": (await login(office["email"]))["Authorization"]}
    place = await placed(client, admin)
    worker = int(place["employee"]["id"])
    for month in (4, 5, 6):
        await ledger(app, worker, _period(month), regular=160 * 60, worked_days=20)
        await run(client, admin, day=f"2026-{month:02d}-15")
    await ledger(
        app,
        worker,
        _period(7),
        regular=136 * 60,
        worked_days=17,
        closure_days=2,
        childcare_days=2,
    )
    july = await run(client, admin, day="2026-07-15")
    slip = await _slip(client, admin, july["id"])
    lines = _lines(slip)
    shutdown = lines["shutdown_allowance"]
    assert shutdown["amount"] == 9_495 and shutdown["section"] == "earning"
    assert shutdown["basis"]["daily"] == "7912.08" and shutdown["basis"]["days"] == 2
    assert shutdown["basis"]["calendar_days"] == 91
    assert lines["regular"]["amount"] == 204_000
    assert lines["leave_unpaid"]["amount"] == 0
    assert lines["leave_unpaid"]["basis"]["kinds"] == {"childcare": 2, "closure": 2}
    assert "absence" not in lines
    assert slip["gross"] == 213_495
    assert lines["employment_insurance"]["basis"]["wages"] == 213_495
    assert slip["attendance"]["closure_days"] == 2 and slip["attendance"]["childcare_days"] == 2

    # August, one more day closed: 平均賃金 of May–July with July's 4 days of 休業 and its
    # ¥9,495 left out (12条3項): (240,000 + 240,000 + 204,000) ÷ (31 + 30 + 31 − 4 = 88) =
    # 684,000 ÷ 88 = ¥7,772.72 (minimum 684,000 ÷ 57 days worked × 60 % = 7,200) → 1 day:
    # 7,772.72 × 60 % = 4,663.632 → ¥4,664. Counting them in would give 693,495 ÷ 92 = 7,537.98.
    await ledger(app, worker, _period(8), regular=160 * 60, worked_days=20, closure_days=1)
    august = await run(client, admin, day="2026-08-15")
    shutdown = _lines(await _slip(client, admin, august["id"]))["shutdown_allowance"]
    assert shutdown["basis"]["daily"] == "7772.72"
    assert shutdown["basis"]["calendar_days"] == 88 and shutdown["basis"]["wages"] == 684_000
    assert shutdown["amount"] == 4_664

    # The payslip page names both lines in Japanese, with their basis.
    await page_login(office["email"])
    (row,) = await payslips(client, admin, july["id"])
    page = await client.get(f"/payroll/payslips/{row['id']}")
    assert page.status_code == 200, page.text
    assert "休業手当（使用者の責による休業）" in page.text
    assert "平均賃金 ¥7,912.08（¥720,000 ÷ 91日） × 60% × 2日" in page.text
    assert "育児休業給付は雇用保険から" in page.text
    assert "育児休業の日数" in page.text
