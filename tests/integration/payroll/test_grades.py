"""Payroll calculations from the pay history: the 定時決定 from the April–June pay and the
随時改定 after a fixed-pay change (proposed, recorded with its first month, audited, used by
later runs), and paid-leave pay at the 平均賃金 from the three periods before.

Grades from JP_LABOR.md §4.2 (case 30's table): ¥240,000 is health grade 19 / pension 16;
¥300,000 grade 22 / 19; ¥360,000 grade 25 / 22. Tokyo FY2026 health 9.85 % (case 25)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.modules.leave.schemas import PayMethod
from haken.modules.leave.service import leave_service
from haken.platform.db import count_queries, session_scope
from tests.integration.attendance.factories import placement
from tests.integration.payroll.factories import ledger, payslips, placed, run
from tests.integration.web.conftest import PageLogin, csrf_token


def _period(month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(2026, month, 1)
    return start, dt.date(2026, month + 1, 1) - dt.timedelta(days=1)


async def _monthly_worker(
    http: httpx.AsyncClient, headers: dict[str, str], salary: int, standard: int = 300_000
) -> int:
    place = await placed(http, headers)
    employee_id = int(place["employee"]["id"])
    await _salary(http, headers, employee_id, salary, standard)
    return employee_id


async def _salary(
    http: httpx.AsyncClient, headers: dict[str, str], employee_id: int, salary: int, standard: int
) -> None:
    response = await http.put(
        f"/api/payroll/employees/{employee_id}/profile",
        headers=headers,
        json={
            "pay_type": "monthly",
            "monthly_salary": salary,
            "average_monthly_minutes": 160 * 60,
            "scheduled_days": 20,
            "standard_remuneration": standard,
        },
    )
    assert response.status_code == 200, response.text


async def _month(
    app: Any, http: httpx.AsyncClient, headers: dict[str, str], ids: list[int], month: int
) -> dict[str, Any]:
    for employee_id in ids:
        await ledger(app, employee_id, _period(month), regular=160 * 60, worked_days=20)
    return await run(http, headers, day=f"2026-{month:02d}-15")


async def _proposals(
    http: httpx.AsyncClient, headers: dict[str, str], kind: str, year: int = 2026
) -> list[dict[str, Any]]:
    response = await http.get(
        "/api/payroll/grade-proposals", headers=headers, params={"year": year, "kind": kind}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def test_the_annual_decision_is_proposed_recorded_and_used_from_september(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    worker = await _monthly_worker(client, admin, 240_000)
    # Periods March–May are paid in April–June (末日締め翌月25日払い).
    for month in (3, 4, 5):
        await _month(app, client, admin, [worker], month)

    async with session_scope(app.state.database) as session:
        from haken.modules.payroll.service import payroll_service

        with count_queries() as counter:
            await payroll_service.grade_proposals(
                session, _admin_principal(), year=2026, kind=_regular()
            )
    assert counter.count == 4  # pay history with settings, retroactive pay, grades, names

    (proposal,) = [
        p for p in await _proposals(client, admin, "regular") if p["employee_id"] == worker
    ]
    assert proposal["months"] == ["2026-04", "2026-05", "2026-06"]
    assert proposal["base_days"] == [31, 30, 31]  # monthly pay: calendar days
    assert proposal["average"] == 240_000
    assert (proposal["current_grade"], proposal["health_grade"]) == (22, 19)
    assert (proposal["pension_grade"], proposal["pension_standard"]) == (16, 240_000)
    assert proposal["effective_from"] == "2026-09-01" and proposal["change"] == -3

    body = {k: proposal[k] for k in ("employee_id", "effective_from", "kind", "average", "months")}
    recorded = await client.post("/api/payroll/grades", headers=admin, json=body)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["data"]["health_standard"] == 240_000
    again = await client.post("/api/payroll/grades", headers=admin, json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "PAYROLL_GRADE_EXISTS"
    wrong = await client.post(
        "/api/payroll/grades", headers=admin, json={**body, "effective_from": "2026-10-02"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "PAYROLL_GRADE_MONTH_INVALID"
    assert not [p for p in await _proposals(client, admin, "regular") if p["employee_id"] == worker]
    async with session_scope(app.state.database) as session:
        audit = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.entity_type == "payroll_grade")
            )
        ).all()
    assert [(a.action, a.entity_id) for a in audit] == [
        ("create", str(recorded.json()["data"]["id"]))
    ]
    assert "health_grade" in str(audit[0].changes) and "19" in str(audit[0].changes)

    # August (premium month 2026-08) keeps the stored ¥300,000; September uses grade 19.
    for month, grade, health in ((8, 22, 14_775), (9, 19, 11_820)):
        done = await _month(app, client, admin, [worker], month)
        (row,) = [
            p for p in await payslips(client, admin, done["id"]) if p["employee_id"] == worker
        ]
        slip = (await client.get(f"/api/payroll/payslips/{row['id']}", headers=admin)).json()
        line = next(x for x in slip["data"]["lines"] if x["code"] == "health")
        assert (line["basis"]["grade"], line["amount"]) == (grade, health)


async def test_a_fixed_pay_rise_of_three_grades_is_proposed_as_a_revision(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    riser = await _monthly_worker(client, admin, 300_000)
    small = await _monthly_worker(client, admin, 300_000)
    await _month(app, client, admin, [riser, small], 4)  # paid in May: ¥300,000
    await _salary(client, admin, riser, 360_000, 300_000)  # grade 22 → 25 from June's pay
    await _salary(client, admin, small, 320_000, 300_000)  # grade 22 → 23: one grade only
    for month in (5, 6, 7):
        await _month(app, client, admin, [riser, small], month)

    found = {p["employee_id"]: p for p in await _proposals(client, admin, "occasional")}
    assert small not in found
    proposal = found[riser]
    assert proposal["months"] == ["2026-06", "2026-07", "2026-08"]
    assert proposal["effective_from"] == "2026-09-01"  # the 4th month
    assert (proposal["current_grade"], proposal["health_grade"], proposal["change"]) == (22, 25, 3)
    assert proposal["average"] == 360_000
    assert (await _proposals(client, admin, "occasional", year=2025)) == []


async def test_paid_leave_at_the_average_wage_of_the_three_periods_before(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    # ¥1,500 × 160 h = 240,000 in each of April, May, June (91 days, 60 days worked):
    # 720,000 ÷ 91 = 7,912.08 (minimum 720,000 ÷ 60 × 60 % = 7,200) → 1 day of leave 7,912.
    monkeypatch.setattr(leave_service, "pay_method", PayMethod.AVERAGE)
    admin = await auth_headers("admin")
    place = await placed(client, admin)
    worker = int(place["employee"]["id"])
    for month in (4, 5, 6):
        await ledger(app, worker, _period(month), regular=160 * 60, worked_days=20)
        await run(client, admin, day=f"2026-{month:02d}-15")
    await ledger(app, worker, _period(7), regular=152 * 60, worked_days=19, paid_leave_days=1)
    done = await run(client, admin, day="2026-07-15")
    (row,) = await payslips(client, admin, done["id"])
    slip = (await client.get(f"/api/payroll/payslips/{row['id']}", headers=admin)).json()["data"]
    line = next(x for x in slip["lines"] if x["code"] == "paid_leave")
    assert line["amount"] == 7_912
    assert line["basis"]["method"] == "average"
    assert line["basis"]["daily"] == "7912.08"
    assert line["basis"]["calendar_days"] == 91 and line["basis"]["worked_days"] == 60
    assert line["basis"]["periods"][0] == "2026-04-01/2026-04-30"


def _admin_principal() -> Any:
    from haken.platform.access import Principal, Role

    return Principal(user_id=1, role=Role.ADMIN, email="admin@example.com")


def _regular() -> Any:
    from haken.modules.payroll.schemas import ProposalKind

    return ProposalKind.REGULAR


@pytest.mark.usefixtures("built_assets")
async def test_the_grades_page_lists_a_proposal_and_records_it(
    client: httpx.AsyncClient,
    app: Any,
    make_user: Any,
    login: Any,
    page_login: PageLogin,
) -> None:
    office = await make_user("admin", locale="en")
    api = {"Authorization": (await login(office["email"]))["Authorization"]}
    worker = await _monthly_worker(client, api, 240_000)
    for month in (3, 4, 5):
        await _month(app, client, api, [worker], month)
    await page_login(office["email"])
    page = await client.get("/payroll/grades?year=2026&kind=regular")
    assert page.status_code == 200, page.text
    assert "Proposed grades" in page.text and f'name="employee_id" value="{worker}"' in page.text
    assert "¥240,000" in page.text
    posted = await client.post(
        "/payroll/grades?year=2026&kind=regular",
        data={
            "csrf_token": csrf_token(page.text),
            "employee_id": str(worker),
            "effective_from": "2026-09-01",
            "kind": "regular",
            "average": "240000",
            "months": ["2026-04", "2026-05", "2026-06"],
        },
    )
    assert posted.status_code == 303, posted.text
    assert posted.headers["location"] == "/payroll/grades?year=2026&kind=regular"
    after = await client.get("/payroll/grades?year=2026&kind=regular")
    # No longer proposed (no form for it); listed among the recorded grades instead.
    assert f'name="employee_id" value="{worker}"' not in after.text
    assert "Recently recorded grades" in after.text and f"/employees/{worker}" in after.text
    again = await client.post(
        "/payroll/grades?year=2026&kind=regular",
        data={
            "csrf_token": csrf_token(after.text),
            "employee_id": str(worker),
            "effective_from": "2026-09-01",
            "kind": "regular",
            "average": "240000",
        },
    )
    assert again.status_code == 422
    assert "already recorded" in again.text


async def test_the_placements_contract_premium_is_paid_with_its_basis(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    # The rate states overtime 30 % (statute 25 %): ¥1,500 × 1.30 = 1,950 an hour (A.3 gives
    # the statutory 1,875); late night stays at the statute's 25 % (1.25: ¥1,875 an hour).
    admin = await auth_headers("admin")
    place = await placement(client, admin, rate={"hourly_pay": "1500.00", "overtime_pay_pct": "30"})
    worker = int(place["employee"]["id"])
    await ledger(app, worker, regular=160 * 60, night=60, overtime=10 * 60, worked_days=20)
    done = await run(client, admin)
    (row,) = await payslips(client, admin, done["id"])
    slip = (await client.get(f"/api/payroll/payslips/{row['id']}", headers=admin)).json()["data"]
    lines = {x["code"]: x for x in slip["lines"]}
    assert lines["overtime"]["amount"] == 19_500
    assert lines["overtime"]["basis"]["contract"] is True
    assert lines["overtime"]["basis"]["statutory_multiplier"] == "1.25"
    assert lines["regular_night"]["amount"] == 1_875
    assert "contract" not in lines["regular_night"]["basis"]
    refused = await client.post(
        f"/api/assignments/{place['assignment']['id']}/rates",
        headers=admin,
        json={
            "version": place["assignment"]["version"],
            "effective_from": "2026-06-01",
            "hourly_pay": "1500.00",
            "overtime_pay_pct": "20",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "ASSIGNMENT_PREMIUM_BELOW_MINIMUM"
