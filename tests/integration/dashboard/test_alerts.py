"""The daily alerts job: residence cards at 90/60/30 days (the office and the worker), a
contract ending without a renewal, 36協定 overtime; each once per subject and event (a second
run tells nobody), each with a link to act on it (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.modules.dashboard.alerts import month_before, residence_threshold
from haken.modules.dashboard.tasks import daily_alerts
from haken.platform.db import session_scope
from haken.platform.jobs import JobContext
from tests.integration.assignments.factories import (
    foreign_employee,
    make_contract,
    make_unit,
)
from tests.integration.dashboard.test_dashboard import _today


async def _run(application: Any) -> dict[str, Any]:
    async with session_scope(application.state.database, write=True) as session:
        result = await daily_alerts(JobContext(session, application.state.settings, "k", 1, "r"))
    assert result is not None
    return result


async def _inbox(http: httpx.AsyncClient, headers: dict[str, str], kind: str) -> list[Any]:
    found = await http.get("/api/notifications", headers=headers)
    assert found.status_code == 200, found.text
    return [n for n in found.json()["data"] if n["kind"] == kind]


def test_the_residence_thresholds_and_the_hearing_deadline() -> None:
    assert [residence_threshold(d) for d in (-3, 0, 30, 31, 60, 61, 90)] == [
        30,
        30,
        30,
        60,
        60,
        90,
        90,
    ]
    # 意見聴取 by one month before the 抵触日; a day the month lacks is its last day.
    assert month_before(dt.date(2027, 4, 1)) == dt.date(2027, 3, 1)
    assert month_before(dt.date(2027, 3, 31)) == dt.date(2027, 2, 28)
    assert month_before(dt.date(2027, 1, 15)) == dt.date(2026, 12, 15)


async def test_a_residence_card_is_told_once_per_threshold_to_the_office_and_the_worker(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    expiry = today + dt.timedelta(days=45)
    worker = await foreign_employee(
        client, admin, "PERMANENT_RESIDENT", residence_card_expiry=expiry.isoformat()
    )
    account = await make_user("employee", employee_id=worker["id"])
    worker_headers = {"Authorization": (await login(account["email"]))["Authorization"]}
    first = await _run(app)
    assert first["told_residence_card_expiry"] == 1
    told = await _inbox(client, admin, "residence_card_expiry")
    assert len(told) == 1
    assert told[0]["link"] == f"/employees/{worker['id']}?alert=residence-60&until={expiry}"
    assert told[0]["params"]["days"] == 45 and "45" in told[0]["title"]
    assert len(await _inbox(client, worker_headers, "residence_card_expiry")) == 1

    again = await _run(app)
    assert again.get("told_residence_card_expiry", 0) == 0
    assert len(await _inbox(client, admin, "residence_card_expiry")) == 1


async def test_a_contract_ending_without_a_renewal_is_told_and_a_renewed_one_is_not(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    start = (today - dt.timedelta(days=100)).isoformat()
    end = today + dt.timedelta(days=20)
    lone = await make_unit(client, admin)
    ending = await make_contract(client, admin, lone["unit_id"], start=start, end=end.isoformat())
    renewed = await make_unit(client, admin)
    await make_contract(client, admin, renewed["unit_id"], start=start, end=end.isoformat())
    await make_contract(
        client,
        admin,
        renewed["unit_id"],
        start=(end + dt.timedelta(days=1)).isoformat(),
        end=(end + dt.timedelta(days=180)).isoformat(),
    )
    result = await _run(app)
    assert result["told_contract_ending"] == 1
    told = await _inbox(client, admin, "contract_ending")
    assert [n["link"] for n in told] == [f"/contracts/{ending['id']}?alert=ending&date={end}"]
    assert ending["contract_number"] in told[0]["title"]
    assert (await _run(app)).get("told_contract_ending", 0) == 0
