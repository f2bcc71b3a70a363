"""The grade proposals follow labor.insurance's rules: an acquisition on or after 1 June is
outside that year's 定時決定 (its grade applies to the next August; JP_LABOR.md §4.1), the
保険者算定 by the annual average is offered 2 grades apart and recorded only with the office's
consent flag, and pay for earlier months paid late (遡及支払) is left out of the average.

Figures from the grade table of JP_LABOR.md §4.2: ¥240,000 grade 19; ¥250,000–270,000 grade 20
(¥260,000); ¥270,000–290,000 grade 21; ¥290,000–310,000 grade 22 (¥300,000); ¥310,000–330,000
grade 23 (¥320,000). The pay history (closed runs paid on the 25th, their payslips and one
adjustment) is written straight to the database: the rules read only the payslips."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from haken.modules.payroll.models import PayrollAdjustment, PayrollRun, Payslip
from haken.platform.db import count_queries, session_scope
from tests.integration.assignments.factories import make_employee
from tests.integration.web.conftest import PageLogin, csrf_token

D = dt.date
YEAR = [D(2025 + (6 + i) // 12, (6 + i) % 12 + 1, 1) for i in range(12)]  # 2025-07 … 2026-06


async def _history(app: Any, pays: dict[int, dict[dt.date, int]]) -> dict[tuple[int, dt.date], int]:
    """Closed runs paid on the 25th of each month of ``YEAR`` (period: the month before) and
    each employee's payslip of ``pays`` {employee: {pay month: gross}} (31 base days).
    Returns the payslip ids by (employee, pay month)."""
    ids: dict[tuple[int, dt.date], int] = {}
    async with session_scope(app.state.database, write=True) as session:
        runs = {}
        for month in YEAR:
            start = (month - dt.timedelta(days=1)).replace(day=1)
            row = PayrollRun(
                period_start=start,
                period_end=month - dt.timedelta(days=1),
                pay_date=month.replace(day=25),
                state="closed",
                status="done",
            )
            session.add(row)
            runs[month] = row
        await session.flush()
        slips = []
        for employee_id, months in pays.items():
            for month, gross in months.items():
                run = runs[month]
                slip = Payslip(
                    run_id=run.id,
                    employee_id=employee_id,
                    period_start=run.period_start,
                    pay_date=run.pay_date,
                    status="ok",
                    gross=gross,
                    net=gross,
                    lines=[{"section": "earning", "code": "base_salary", "amount": gross}],
                    base_days=31,
                    worked_days=20,
                )
                session.add(slip)
                slips.append((employee_id, month, slip))
        await session.flush()
        ids = {(e, m): s.id for e, m, s in slips}
    return ids


async def _employee(http: httpx.AsyncClient, headers: dict[str, str]) -> int:
    return int((await make_employee(http, headers))["id"])


async def _proposals(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[int, Any]:
    response = await http.get(
        "/api/payroll/grade-proposals", headers=headers, params={"year": 2026, "kind": "regular"}
    )
    assert response.status_code == 200, response.text
    return {p["employee_id"]: p for p in response.json()["data"]}


async def _record(http: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await http.post("/api/payroll/grades", headers=headers, json=body)


async def test_a_june_acquisition_is_outside_that_years_annual_decision(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    june, january = await _employee(client, admin), await _employee(client, admin)
    spring = dict.fromkeys(YEAR[-3:], 240000)
    await _history(app, {june: {YEAR[-1]: 240_000}, january: spring})
    for worker, first in ((june, "2026-06-01"), (january, "2026-01-01")):
        answer = await _record(
            client,
            admin,
            employee_id=worker,
            effective_from=first,
            kind="acquisition",
            average=240_000,
        )
        assert answer.status_code == 201, answer.text
        data = answer.json()["data"]
        assert (data["health_grade"], data["health_standard"]) == (19, 240_000)
        # Acquired in June: to the next August; in January: to that August.
        assert data["valid_until"] == ("2027-08-01" if worker == june else "2026-08-01")
        assert data["basis"] == "資格取得時決定: 報酬月額 ¥240,000"

    found = await _proposals(client, admin)
    assert june not in found  # 取得 on or after 1 June: not in the 2026 算定基礎届
    assert found[january]["average"] == 240_000 and found[january]["health_grade"] == 19
    assert found[january]["months"] == ["2026-04", "2026-05", "2026-06"]


async def test_the_annual_average_is_offered_two_grades_apart_and_recorded_with_consent(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    seasonal, steadier = await _employee(client, admin), await _employee(client, admin)
    # July–March ¥250,000; April–June ¥300,000 (seasonal) or ¥280,000 (one grade only).
    await _history(
        app,
        {
            seasonal: {m: 300_000 if m >= D(2026, 4, 1) else 250_000 for m in YEAR},
            steadier: {m: 280_000 if m >= D(2026, 4, 1) else 250_000 for m in YEAR},
        },
    )
    from haken.modules.payroll.schemas import ProposalKind
    from haken.modules.payroll.service import payroll_service
    from haken.platform.access import Principal, Role

    async with session_scope(app.state.database) as session:
        with count_queries() as counter:
            await payroll_service.grade_proposals(
                session,
                Principal(user_id=1, role=Role.ADMIN, email="admin@example.com"),
                year=2026,
                kind=ProposalKind.REGULAR,
            )
    assert counter.count == 4  # pay history with settings, retroactive pay, grades, names

    found = await _proposals(client, admin)
    one = found[seasonal]
    assert (one["average"], one["health_grade"]) == (300_000, 22)
    # (9 × 250,000 + 3 × 300,000) ÷ 12 = 262,500 → grade 20 (¥260,000): 2 grades apart.
    assert (one["annual_average"], one["annual_health_grade"]) == (262_500, 20)
    assert one["annual_health_standard"] == 260_000
    assert one["grades_apart"] == -2 and one["annual_average_applicable"] is True
    assert one["annual_months"] == [f"{m:%Y-%m}" for m in YEAR]
    assert one["basis"] == "定時決定: 2026-04〜2026-06 の3か月の平均 ¥300,000"
    other = found[steadier]
    # (9 × 250,000 + 3 × 280,000) ÷ 12 = 257,500 → grade 20 against 21: one grade, no.
    assert (other["annual_average"], other["grades_apart"]) == (257_500, -1)
    assert other["annual_average_applicable"] is False

    def body(p: dict[str, Any], consent: bool) -> dict[str, Any]:
        keys = ("employee_id", "effective_from", "kind", "average", "months", "annual_average")
        return {
            **{k: p[k] for k in keys},
            "annual_months": p["annual_months"],
            "annual_average_consent": consent,
        }

    refused = await _record(client, admin, **body(other, True))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "PAYROLL_ANNUAL_AVERAGE_NOT_APPLICABLE"
    recorded = await _record(client, admin, **body(one, True))
    assert recorded.status_code == 201, recorded.text
    data = recorded.json()["data"]
    assert (data["average"], data["health_grade"], data["health_standard"]) == (
        262_500,
        20,
        260_000,
    )
    assert (data["pension_grade"], data["method"], data["consent"]) == (17, "annual_average", True)
    assert data["months"] == one["annual_months"] and data["valid_until"] == "2027-08-01"
    assert data["basis"] == (
        "定時決定（保険者算定・年間平均、本人同意）: 2025-07〜2026-06 の12か月の平均 ¥262,500"
        "; 4〜6月の平均 ¥300,000 と2等級差"
    )
    # Without the consent flag the April–June average is recorded.
    usual = await _record(client, admin, **body(other, False))
    assert usual.status_code == 201, usual.text
    assert (usual.json()["data"]["average"], usual.json()["data"]["method"]) == (280_000, "usual")


async def test_a_retroactive_raise_paid_in_april_is_left_out(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    worker = await _employee(client, admin)
    # ¥300,000 until March; raised to ¥305,000 from January but decided late: April pays
    # ¥305,000 + the January–March differences (3 × ¥5,000) as an adjustment line.
    pays = dict.fromkeys(YEAR[:-3], 300000) | {
        YEAR[-3]: 320_000,
        YEAR[-2]: 305_000,
        YEAR[-1]: 305_000,
    }
    ids = await _history(app, {worker: pays})
    async with session_scope(app.state.database, write=True) as session:
        session.add(
            PayrollAdjustment(
                employee_id=worker,
                period_start=D(2026, 3, 1),  # the run paid 2026-04-25
                amount=15_000,
                reason="1〜3月の昇給差額",
                source_payslip_id=ids[(worker, D(2026, 3, 1))],
            )
        )
    proposal = (await _proposals(client, admin))[worker]
    # 915,000 ÷ 3 = 305,000 → grade 22 (¥300,000); with it, 930,000 ÷ 3 = 310,000 → grade 23.
    assert (proposal["average"], proposal["health_grade"]) == (305_000, 22)
    assert proposal["retroactive_excluded"] == 15_000
    assert proposal["basis"].endswith("（遡及支払 ¥15,000 を除く）")
    # The annual window (July–June) holds January–March: the differences stay in it.
    # (6 × 300,000 + 3 × 300,000 + 320,000 + 2 × 305,000) ÷ 12 = 3,630,000 ÷ 12 = 302,500.
    assert proposal["annual_average"] == 302_500 and proposal["grades_apart"] == 0
    body = {
        k: proposal[k]
        for k in (
            "employee_id",
            "effective_from",
            "kind",
            "average",
            "months",
            "retroactive_excluded",
        )
    }
    recorded = await _record(client, admin, **body)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["data"]["retroactive_excluded"] == 15_000


@pytest.mark.usefixtures("built_assets")
async def test_the_consent_box_is_on_the_applicable_proposal_only(
    client: httpx.AsyncClient, app: Any, make_user: Any, login: Any, page_login: PageLogin
) -> None:
    office = await make_user("admin", locale="en")
    api = {"Authorization": (await login(office["email"]))["Authorization"]}
    seasonal, steadier = await _employee(client, api), await _employee(client, api)
    await _history(
        app,
        {
            seasonal: {m: 300_000 if m >= D(2026, 4, 1) else 250_000 for m in YEAR},
            steadier: {m: 280_000 if m >= D(2026, 4, 1) else 250_000 for m in YEAR},
        },
    )
    await page_login(office["email"])
    page = await client.get("/payroll/grades?year=2026&kind=regular")
    assert page.status_code == 200, page.text
    assert page.text.count('name="annual_average_consent"') == 1
    assert "2 grades apart" in page.text and "1 grades apart" in page.text
    posted = await client.post(
        "/payroll/grades?year=2026&kind=regular",
        data={
            "csrf_token": csrf_token(page.text),
            "employee_id": str(seasonal),
            "effective_from": "2026-09-01",
            "kind": "regular",
            "average": "300000",
            "months": ["2026-04", "2026-05", "2026-06"],
            "retroactive_excluded": "0",
            "annual_average": "262500",
            "annual_months": [f"{m:%Y-%m}" for m in YEAR],
            "annual_average_consent": "true",
        },
    )
    assert posted.status_code == 303, posted.text
    after = await client.get("/payroll/grades?year=2026&kind=regular")
    assert "Annual average, with the employee" in after.text
    assert "保険者算定・年間平均" in after.text and "¥262,500" in after.text
