"""Payroll: a worked payslip computed by hand from JP_LABOR.md's published cases, run
idempotency, closed-period refusal, one employee's error listed and close refused, access
and row scope, and the query count per batch."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from haken.modules.payroll.models import Payslip
from haken.modules.payroll.service import payroll_service
from haken.platform.db import count_queries, session_scope
from tests.integration.payroll.factories import MAY, ledger, payslips, placed, run

# JP_LABOR.md: Tokyo FY2026 (R8) standard ¥300,000 → health 14,775, child support 345 (from
# the April 2026 premium), pension 27,450 (case 25); employment insurance FY2026 5/1000
# (case 34); 令和8年分 月額表 row 299,000–302,000 → 甲 0 dependants 7,930, 1 dependant 6,320,
# 乙 53,600 (case 37).
#
# The April 2026 ledger: 189 h regular of which 2 h late at night, 20 h statutory overtime,
# 2 days of paid leave; ¥1,500 an hour, 480 scheduled minutes a day:
#   regular 187 h × 1,500 = 280,500; regular night 2 h × 1,500 × 1.25 = 3,750;
#   overtime 20 h × 1,500 × 1.25 = 37,500; paid leave 2 × 8 h × 1,500 = 24,000;
#   commuting 20,000 (non-taxable, under ¥150,000)            → gross 365,750
#   employment insurance 365,750 × 5/1000 = 1,828.75 → 1,829
#   social insurance 14,775 + 345 + 27,450 = 42,570 (no nursing care: aged 35)
#   taxable 345,750; after insurance 345,750 − 42,570 − 1,829 = 301,351 → row 299,000–302,000
#   resident tax: May is the 12th instalment of June–May → 10,000
MINUTES = {"regular": 189 * 60, "night": 120, "overtime": 20 * 60, "paid_leave_days": 2}
PROFILE = {
    "commuting": 20_000,
    "standard_remuneration": 300_000,
    "resident_tax": [11_000] + [10_000] * 11,
}
FIXED = 42_570 + 1_829 + 10_000  # deductions other than income tax


async def _profile(http: httpx.AsyncClient, headers: dict[str, str], employee_id: int) -> None:
    response = await http.put(
        f"/api/payroll/employees/{employee_id}/profile", headers=headers, json=PROFILE
    )
    assert response.status_code == 200, response.text


async def _worker(
    http: httpx.AsyncClient, app: Any, headers: dict[str, str], **employee: Any
) -> int:
    place = await placed(http, headers)
    employee_id = int(place["employee"]["id"])
    if employee:
        current = (await http.get(f"/api/employees/{employee_id}", headers=headers)).json()
        response = await http.patch(
            f"/api/employees/{employee_id}",
            headers=headers,
            json={"version": current["data"]["version"], **employee},
        )
        assert response.status_code == 200, response.text
    await _profile(http, headers, employee_id)
    await ledger(app, employee_id, **MINUTES)
    return employee_id


async def _slip(http: httpx.AsyncClient, headers: dict[str, str], payslip_id: int) -> Any:
    response = await http.get(f"/api/payroll/payslips/{payslip_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_a_worked_payslip_matches_the_published_tables(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    kou = await _worker(client, app, admin)
    otsu = await _worker(client, app, admin, withholding_column="otsu")
    spouse = await _worker(client, app, admin)
    row = (await client.get(f"/api/employees/{spouse}", headers=admin)).json()["data"]
    response = await client.put(
        f"/api/employees/{spouse}/dependants",
        headers=admin,
        json={
            "version": row["version"],
            "dependants": [
                {"name": "山田 花子", "relationship": "spouse", "birth_date": "1992-03-03"}
            ],
        },
    )
    assert response.status_code == 200, response.text

    done = await run(client, admin)
    assert (done["period_start"], done["period_end"], done["pay_date"]) == (
        "2026-04-01",
        "2026-04-30",
        "2026-05-25",
    )
    assert (done["total"], done["processed"], done["failed"]) == (3, 3, 0)
    rows = {p["employee_id"]: p for p in await payslips(client, admin, done["id"])}

    slip = await _slip(client, admin, rows[kou]["id"])
    lines = {line["code"]: line for line in slip["lines"]}
    assert {code: line["amount"] for code, line in lines.items()} == {
        "paid_leave": 24_000,
        "regular": 280_500,
        "regular_night": 3_750,
        "overtime": 37_500,
        "commuting": 20_000,
        "health": 14_775,
        "child_support": 345,
        "pension": 27_450,
        "employment_insurance": 1_829,
        "income_tax": 7_930,
        "resident_tax": 10_000,
    }
    assert slip["gross"] == 365_750
    assert slip["deductions"] == FIXED + 7_930
    assert slip["net"] == 365_750 - FIXED - 7_930 == 303_421
    # Every line answers "how": hours × rate, grade and rate, the table row.
    assert lines["overtime"]["text"] == "20h00m × ¥1,500 × 1.25"
    assert lines["overtime"]["basis"]["minutes"] == 1200
    assert lines["health"]["basis"]["grade"] == 22
    assert lines["health"]["basis"]["rate_pct"] == "9.85"
    assert lines["pension"]["basis"]["pension_grade"] == 19
    assert lines["income_tax"]["basis"]["from"] == 299_000
    assert lines["income_tax"]["basis"]["to"] == 302_000
    assert lines["income_tax"]["basis"]["pay_after_insurance"] == 301_351
    assert lines["commuting"]["basis"]["tax_free"] == 20_000
    # The labour cost's parts, kept on the payslip for the margins (labor.margin): health group
    # 300,000 × 10.08 % = 30,240 less the worker's 14,775 + 345 = 15,120; pension 300,000 ×
    # 18.3 % = 54,900 less 27,450 = 27,450; employment 365,750 × (5 + 8.5) ‰ = 4,937.6… →
    # 4,937 less the worker's 1,829 = 3,108.
    async with session_scope(app.state.database) as session:
        stored = await session.get(Payslip, rows[kou]["id"])
        assert stored is not None
        assert (stored.employer_social_insurance, stored.employer_employment_insurance) == (
            15_120 + 27_450,
            3_108,
        )
        assert (stored.commuting_pay, stored.paid_leave_pay) == (20_000, 24_000)

    assert (await _slip(client, admin, rows[otsu]["id"]))["income_tax"] == 53_600
    with_spouse = await _slip(client, admin, rows[spouse]["id"])
    assert with_spouse["income_tax"] == 6_320
    tax_line = next(line for line in with_spouse["lines"] if line["code"] == "income_tax")
    assert tax_line["basis"]["dependents"] == 1


async def test_a_rerun_rewrites_the_payslips_without_doubling(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    first_id = await _worker(client, app, admin)
    await _worker(client, app, admin)
    first = await run(client, admin)
    before = {p["employee_id"]: p for p in await payslips(client, admin, first["id"])}
    # The office corrects a setting and runs the open period again.
    response = await client.put(
        f"/api/payroll/employees/{first_id}/profile",
        headers=admin,
        json={**PROFILE, "other_deductions": 1_000},
    )
    assert response.status_code == 200
    second = await run(client, admin)
    assert second["id"] == first["id"]
    assert (second["total"], second["processed"], second["failed"]) == (2, 2, 0)
    after = {p["employee_id"]: p for p in await payslips(client, admin, second["id"])}
    assert {p["id"] for p in after.values()} == {p["id"] for p in before.values()}
    assert after[first_id]["net"] == before[first_id]["net"] - 1_000
    async with session_scope(app.state.database) as session:
        count = await session.scalar(select(func.count()).select_from(Payslip))
    assert count == 2
    # An open period is corrected by running it again, not by an adjustment.
    refused = await client.post(
        "/api/payroll/adjustments",
        headers=admin,
        json={"payslip_id": after[first_id]["id"], "amount": 100, "reason": "訂正"},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "PAYROLL_PERIOD_OPEN"


async def test_a_closed_period_is_locked_and_a_correction_is_an_adjustment(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    employee_id = await _worker(client, app, admin)
    done = await run(client, admin)
    response = await client.post(
        f"/api/payroll/runs/{done['id']}/close", headers=admin, json={"version": done["version"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["state"] == "closed"

    again = await client.post("/api/payroll/runs", headers=admin, json={"day": "2026-04-30"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "PAYROLL_PERIOD_CLOSED"
    closed = await client.post(
        f"/api/payroll/runs/{done['id']}/close",
        headers=admin,
        json={"version": response.json()["data"]["version"]},
    )
    assert closed.json()["error"]["code"] == "PAYROLL_PERIOD_CLOSED"
    slip = (await payslips(client, admin, done["id"]))[0]
    assert slip["net"] == 303_421  # unchanged

    adjustment = await client.post(
        "/api/payroll/adjustments",
        headers=admin,
        json={"payslip_id": slip["id"], "amount": 5_000, "reason": "4月分 残業代の訂正"},
    )
    assert adjustment.status_code == 201, adjustment.text
    assert adjustment.json()["data"]["period_start"] == "2026-05-01"
    await ledger(app, employee_id, MAY, **MINUTES)
    may = await run(client, admin, "2026-05-20")
    [may_slip] = await payslips(client, admin, may["id"])
    lines = (await _slip(client, admin, may_slip["id"]))["lines"]
    assert [(x["code"], x["amount"], x["text"]) for x in lines if x["code"] == "adjustment"] == [
        ("adjustment", 5_000, "4月分 残業代の訂正")
    ]
    assert may_slip["previous_net"] == 303_421
    assert (await payslips(client, admin, done["id"]))[0]["net"] == 303_421


async def test_one_employees_error_is_listed_and_close_is_refused_until_resolved(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    fine = await _worker(client, app, admin)
    place = await placed(client, admin)  # a second placement without a ledger row: not paid
    # An employee with hours in the ledger but no placement (no pay rate) in April.
    lost = await client.post(
        "/api/employees",
        headers=admin,
        json={
            "name_kana": "サトウ ハナ",
            "name_romaji": "Sato Hana",
            "birth_date": "1995-01-01",
            "employment_type": "dispatch",
            "hire_date": "2026-01-01",
        },
    )
    lost_id = lost.json()["data"]["id"]
    await ledger(app, lost_id, **MINUTES)

    done = await run(client, admin)
    assert (done["total"], done["processed"], done["failed"]) == (2, 2, 1)
    errors = await payslips(client, admin, done["id"], errors="true")
    assert [(e["employee_id"], e["status"], e["error_code"]) for e in errors] == [
        (lost_id, "error", "no_rate")
    ]
    ok = {p["employee_id"]: p for p in await payslips(client, admin, done["id"])}
    assert ok[fine]["status"] == "ok" and ok[fine]["net"] == 303_421
    assert place["employee"]["id"] not in ok

    refused = await client.post(
        f"/api/payroll/runs/{done['id']}/close", headers=admin, json={"version": done["version"]}
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "PAYROLL_RUN_HAS_ERRORS"
    assert refused.json()["error"]["details"]["count"] == 1

    # Resolved: a monthly salary entered for the worker; the rerun leaves no error.
    response = await client.put(
        f"/api/payroll/employees/{lost_id}/profile",
        headers=admin,
        json={"pay_type": "monthly", "monthly_salary": 250_000, "average_monthly_minutes": 9600},
    )
    assert response.status_code == 200
    again = await run(client, admin)
    assert again["failed"] == 0
    closed = await client.post(
        f"/api/payroll/runs/{done['id']}/close", headers=admin, json={"version": again["version"]}
    )
    assert closed.status_code == 200, closed.text


async def test_only_admins_see_others_pay_and_employees_their_own_closed_payslips(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    mine = await _worker(client, app, admin)
    other = await _worker(client, app, admin)
    user = await make_user("employee", employee_id=mine)
    me = {"Authorization": (await login(user["email"]))["Authorization"]}
    coordinator = await auth_headers("coordinator")
    done = await run(client, admin)
    slips = {p["employee_id"]: p["id"] for p in await payslips(client, admin, done["id"])}

    for headers in (me, coordinator):
        assert (await client.get("/api/payroll/runs", headers=headers)).status_code == 403
        listed = await client.get(f"/api/payroll/runs/{done['id']}/payslips", headers=headers)
        assert listed.status_code == 403
    # Before the close, not even one's own payslip is shown; another's never is (404).
    for payslip_id in slips.values():
        response = await client.get(f"/api/payroll/payslips/{payslip_id}", headers=me)
        assert response.status_code == 404
    assert (await client.get("/api/payroll/me/payslips", headers=me)).json()["data"] == []

    closed = await client.post(
        f"/api/payroll/runs/{done['id']}/close", headers=admin, json={"version": done["version"]}
    )
    assert closed.status_code == 200
    assert (await client.get(f"/api/payroll/payslips/{slips[mine]}", headers=me)).status_code == 200
    assert (
        await client.get(f"/api/payroll/payslips/{slips[other]}", headers=me)
    ).status_code == 404
    # A user who is not an employee has no payslips (an empty list, not an error).
    theirs = await client.get("/api/payroll/me/payslips", headers=coordinator)
    assert theirs.status_code == 200 and theirs.json()["data"] == []
    own = (await client.get("/api/payroll/me/payslips", headers=me)).json()["data"]
    assert [p["id"] for p in own] == [slips[mine]]
    assert (
        await client.get(f"/api/payroll/payslips/{slips[other]}", headers=coordinator)
    ).status_code == 404


async def test_the_query_count_grows_with_batches_not_employees(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    admin = await auth_headers("admin")
    ids = [await _worker(client, app, admin) for _ in range(5)]
    done = await run(client, admin)  # batch size 200: one batch
    assert done["processed"] == 5

    async def one_batch(size: int) -> tuple[int, dict[str, Any]]:
        monkeypatch.setattr(payroll_service, "batch_size", size)
        started = await client.post("/api/payroll/runs", headers=admin, json={"day": "2026-04-01"})
        run_id = started.json()["data"]["id"]
        attempt = await _attempt(app, run_id)
        # The job of the start request ran (or runs) the batch under the same key; this one
        # is the rerun's first batch computed here, counted.
        async with session_scope(app.state.database, write=True) as session:
            await _reset(session, run_id)
            with count_queries() as counter:
                result = await payroll_service.run_batch(
                    session, run_id=run_id, attempt=attempt, cursor=0
                )
        return counter.count, result

    small, result = await one_batch(1)
    assert result["employees"] == 1
    large, result = await one_batch(5)
    assert result["employees"] == 5
    assert small == large, (small, large)
    assert 8 <= small <= 14, small  # run, ledger, employees + dependants, placements + rates,
    # profiles, adjustments, existing payslips, the writes, the cursor, the next batch
    assert len(ids) == 5


async def _attempt(app: Any, run_id: int) -> int:
    from haken.modules.payroll.models import PayrollRun

    async with session_scope(app.state.database) as session:
        row = await session.get(PayrollRun, run_id)
        assert row is not None
        return row.attempt


async def _reset(session: Any, run_id: int) -> None:
    from sqlalchemy import update

    from haken.modules.payroll.models import PayrollRun

    await session.execute(
        update(PayrollRun)
        .where(PayrollRun.id == run_id)
        .values(cursor=0, status="running", processed=0, failed=0)
    )


async def test_bad_pay_settings_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    place = await placed(client, admin)
    employee_id = place["employee"]["id"]
    url = f"/api/payroll/employees/{employee_id}/profile"
    for body in (
        {"resident_tax": [10_000] * 11},  # the notice has twelve amounts
        {"commuting": -1},
        {"pay_type": "weekly"},
    ):
        response = await client.put(url, headers=admin, json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "VALIDATION_FAILED"
    stored = (await client.get(url, headers=admin)).json()["data"]
    assert stored["version"] == 0 and stored["resident_tax"] == []
    missing = await client.put(
        "/api/payroll/employees/999999/profile", headers=admin, json={"commuting": 1}
    )
    assert missing.status_code == 404
    unknown = await client.post(
        "/api/payroll/adjustments",
        headers=admin,
        json={"payslip_id": 999999, "amount": 1, "reason": "x"},
    )
    assert unknown.status_code == 404
