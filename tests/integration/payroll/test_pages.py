"""Payroll pages: the runs, starting a run through the form, the progress block htmx polls,
the results with a large difference from the previous month highlighted, one payslip with
its basis, the close confirmation, and the employee's own payslips in the portal."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.integration.payroll.factories import MAY, ledger, payslips, placed, run
from tests.integration.web.conftest import PageLogin, csrf_token

pytestmark = pytest.mark.usefixtures("built_assets")


async def test_payroll_pages_from_the_run_to_the_employees_own_payslip(
    client: httpx.AsyncClient,
    app: Any,
    make_user: Any,
    login: Any,
    page_login: PageLogin,
) -> None:
    office = await make_user("admin", locale="en")
    api = {"Authorization": (await login(office["email"]))["Authorization"]}
    steady = await placed(client, api)
    changed = await placed(client, api)
    for place in (steady, changed):
        await ledger(app, place["employee"]["id"], regular=160 * 60)
        await ledger(app, place["employee"]["id"], MAY, regular=160 * 60)
    april = await run(client, api)
    closed = await client.post(
        f"/api/payroll/runs/{april['id']}/close", headers=api, json={"version": april["version"]}
    )
    assert closed.status_code == 200
    response = await client.put(
        f"/api/payroll/employees/{changed['employee']['id']}/profile",
        headers=api,
        json={"other_deductions": 20_000},
    )
    assert response.status_code == 200

    await page_login(office["email"])
    page = await client.get("/payroll")
    assert page.status_code == 200
    assert "Payroll runs" in page.text and f"/payroll/runs/{april['id']}" in page.text
    token = re.search(r'name="submission_token" value="([^"]+)"', page.text)
    assert token
    started = await client.post(
        "/payroll/runs",
        data={
            "csrf_token": csrf_token(page.text),
            "submission_token": token.group(1),
            "day": "2026-05-10",
        },
    )
    assert started.status_code == 303, started.text
    may_url = started.headers["location"]
    may_id = int(may_url.rsplit("/", 1)[1])
    may = await run(client, api, "2026-05-10")  # waits for the job
    assert may["id"] == may_id

    polled = await client.get(may_url, headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert 'id="progress"' in polled.text and "<table" not in polled.text  # the block only
    assert "hx-trigger" not in polled.text  # done: polling stops
    results = await client.get(may_url)
    rows = {p["employee_id"]: p for p in await payslips(client, api, may_id)}
    assert rows[changed["employee"]["id"]]["difference"] == -20_000
    assert rows[changed["employee"]["id"]]["highlighted"] is True
    assert rows[steady["employee"]["id"]]["difference"] == 0
    assert results.text.count('class="highlight"') == 1
    assert "<strong>−¥20,000</strong>" in results.text
    assert f"/payroll/runs/{may_id}/close" in results.text

    slip_page = await client.get(f"/payroll/payslips/{rows[steady['employee']['id']]['id']}")
    assert slip_page.status_code == 200
    assert "Hours worked" in slip_page.text and "160h00m × ¥1,500 × 1" in slip_page.text
    assert "Income tax withheld" in slip_page.text

    confirm = await client.get(f"/payroll/runs/{may_id}/close")
    assert confirm.status_code == 200 and "Close the payroll" in confirm.text
    done = await client.post(
        f"/payroll/runs/{may_id}/close",
        data={"csrf_token": csrf_token(confirm.text), "version": str(may["version"])},
    )
    assert done.status_code == 303, done.text

    worker = await make_user("employee", employee_id=steady["employee"]["id"])
    client.cookies.clear()
    await page_login(worker["email"])
    portal = await client.get("/me")
    assert "自分の給与明細" in portal.text
    mine = await client.get("/me/payslips")
    assert mine.status_code == 200
    assert mine.text.count("/payroll/payslips/") == 2  # April and May, closed
    own = await client.get(f"/payroll/payslips/{rows[steady['employee']['id']]['id']}")
    assert own.status_code == 200 and "給与明細" in own.text
    other = await client.get(f"/payroll/payslips/{rows[changed['employee']['id']]['id']}")
    assert other.status_code == 404
    assert (await client.get("/payroll")).status_code == 403
