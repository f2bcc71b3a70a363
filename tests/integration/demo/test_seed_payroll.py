"""Demo payroll: the attendance demo's two closed payroll periods paid and closed, so
/payroll lists closed runs with payslips whose lines carry their basis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.modules.demo.generator import generate
from haken.modules.demo.payroll import seed_payroll
from haken.platform.db import session_scope

TODAY = dt.date(2026, 11, 28)  # September and October closed


async def test_demo_payroll_closes_the_closed_months(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any
) -> None:
    admin_user = await make_user("admin")
    async with app.state.database.engine.begin() as connection:
        await generate(connection, employees=40, today=TODAY)
    async with session_scope(app.state.database, write=True) as session:
        counts = await seed_payroll(
            session,
            today=TODAY,
            user_id=admin_user["id"],
            cutoff_day=0,
            data_dir=app.state.settings.data_dir,
        )
    assert counts["payroll_closed"] == 2
    assert counts["payslips"] > 0
    admin = await auth_headers("admin")
    runs = (await client.get("/api/payroll/runs", headers=admin)).json()["data"]
    assert [(r["period_start"], r["state"], r["failed"]) for r in runs] == [
        ("2026-10-01", "closed", 0),
        ("2026-09-01", "closed", 0),
    ]
    slips = (await client.get(f"/api/payroll/runs/{runs[0]['id']}/payslips", headers=admin)).json()[
        "data"
    ]
    assert slips and all(s["status"] == "ok" and s["net"] > 0 for s in slips)
    assert any(s["previous_net"] is not None for s in slips)
    one = (await client.get(f"/api/payroll/payslips/{slips[0]['id']}", headers=admin)).json()
    codes = {line["code"] for line in one["data"]["lines"]}
    assert "income_tax" in codes and {"regular", "base_salary"} & codes
    page = await client.get(f"/payroll/runs/{runs[0]['id']}", headers=admin)
    assert page.status_code == 200
    # The profiled workers' 資格取得時決定 recorded from their first month: /payroll/grades lists them.
    assert counts["payroll_grades"] > 0
    grades = await client.get("/payroll/grades?year=2026", headers=admin)
    assert grades.status_code == 200
    assert grades.text.count('<a href="/employees/') >= counts["payroll_grades"]
    # The closed summer bonus (2026-07): /payroll/bonuses lists it with its bonus payslips.
    assert counts["bonus_payslips"] > 0
    bonuses = (await client.get("/api/payroll/bonuses", headers=admin)).json()["data"]
    assert [(b["pay_date"], b["state"]) for b in bonuses] == [("2026-07-10", "closed")]
    paid = await client.get(f"/api/payroll/bonuses/{bonuses[0]['id']}/payslips", headers=admin)
    assert len(paid.json()["data"]) == counts["bonus_payslips"]
    listed = await client.get("/payroll/bonuses", headers=admin)
    assert listed.status_code == 200 and f"/payroll/bonuses/{bonuses[0]['id']}" in listed.text
    # The summer bonus's payslips as one PDF (drawn inline): its page offers the file.
    assert counts["payroll_pdf_pages"] == counts["bonus_payslips"]
    export = await client.get("/api/payroll/pdf-exports/1", headers=admin)
    assert export.json()["data"]["status"] == "done"
    pdf = await client.get(export.json()["data"]["download"], headers=admin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
