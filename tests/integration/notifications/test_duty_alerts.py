"""The daily 5-day duty alert: the worker's coordinator of record (else the office) is told
of a worker at risk once per grant (a second run tells nobody), others are not told, and mail goes out when it is on (SQLite and
PostgreSQL; aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import email
from typing import Any

import httpx

from haken.modules.leave.tasks import duty_alerts
from haken.platform.db import session_scope
from haken.platform.jobs import JobContext
from tests.conftest import TEST_PASSWORD
from tests.integration.identity.test_secrets import _Inbox, smtp_server  # noqa: F401 (fixture)
from tests.integration.notifications.test_inbox import mail_app  # noqa: F401 (fixture)
from tests.integration.requests.factories import people
from tests.waiting import eventually


async def _run(application: Any) -> dict[str, Any]:
    async with session_scope(application.state.database, write=True) as session:
        result = await duty_alerts(JobContext(session, application.state.settings, "k", 1, "r"))
    assert result is not None
    return result


async def _alerts(http: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    found = await http.get("/api/notifications", headers=headers)
    assert found.status_code == 200, found.text
    return [n for n in found.json()["data"] if n["kind"] == "leave_duty_alert"]


async def test_a_worker_at_risk_is_told_to_the_office_once_per_grant(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    # Hired 16 months ago: the first grant (10 months ago) must have 5 days taken within
    # a year, i.e. within about two months; nothing is taken.
    p = await people(client, make_user, login, months=16)
    # Hired 7 months ago: the grant is a month old, its deadline eleven months away.
    q = await people(client, make_user, login, months=7)
    first = await _run(app)
    assert first["told"] == 1 and first["already_told"] == 0
    for admin in (p["admin_headers"], q["admin_headers"]):
        got = await _alerts(client, admin)
        assert len(got) == 1
        assert got[0]["params"]["employee_id"] == p["employee_id"]
        assert got[0]["params"]["missing"] == "5"
        assert "年5日" in got[0]["title"] and got[0]["link"].startswith(
            f"/employees/{p['employee_id']}/leave"
        )
    # Not the worker, not the site manager.
    for name in ("worker_headers", "manager_headers"):
        assert await _alerts(client, p[name]) == []

    again = await _run(app)
    assert again["told"] == 0 and again["already_told"] == 1
    assert len(await _alerts(client, p["admin_headers"])) == 1


async def test_the_alert_goes_to_the_workers_coordinator_of_record(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    """The coordinator responsible for the client of the worker's current placement is
    told (and nobody else: not the admins, not another client's coordinator); a worker
    whose client has no coordinator — or whose coordinator's account is inactive — falls
    back to the administrators."""
    p = await people(client, make_user, login, months=16)  # at risk, coordinated
    q = await people(client, make_user, login, months=16)  # at risk, no coordinator
    r = await people(client, make_user, login, months=16)  # at risk, coordinator inactive
    mine = await make_user("coordinator")
    other = await make_user("coordinator")
    gone = await make_user("coordinator")
    for who, coordinator in ((p, mine), (r, gone)):
        set_ = await client.put(
            f"/api/billing/clients/{who['client_id']}/settings",
            headers=p["admin_headers"],
            json={"coordinator_user_id": coordinator["id"]},
        )
        assert set_.status_code == 200, set_.text
    version = (await client.get(f"/api/users/{gone['id']}", headers=p["admin_headers"])).json()
    deactivated = await client.post(
        f"/api/users/{gone['id']}/deactivate",
        headers=p["admin_headers"],
        json={"version": version["data"]["version"]},
    )
    assert deactivated.status_code == 200, deactivated.text
    first = await _run(app)
    assert first["told"] == 3

    mine_headers = {"Authorization": (await login(mine["email"]))["Authorization"]}
    other_headers = {"Authorization": (await login(other["email"]))["Authorization"]}
    told = await _alerts(client, mine_headers)
    assert [n["params"]["employee_id"] for n in told] == [p["employee_id"]]
    assert await _alerts(client, other_headers) == []
    to_admins = {n["params"]["employee_id"] for n in await _alerts(client, p["admin_headers"])}
    assert to_admins == {q["employee_id"], r["employee_id"]}
    for name in ("worker_headers", "manager_headers"):
        assert await _alerts(client, p[name]) == []


async def test_the_alert_goes_by_mail_when_notifications_mail_is_on(
    mail_app: tuple[httpx.AsyncClient, Any],  # noqa: F811
    smtp_server: tuple[_Inbox, int],  # noqa: F811
    make_user: Any,
) -> None:
    http, application = mail_app
    inbox, _ = smtp_server

    async def sign_in(address: str) -> dict[str, str]:
        done = await http.post(
            "/api/auth/login", json={"email": address, "password": TEST_PASSWORD}
        )
        assert done.status_code == 200, done.text
        return {"Authorization": f"Bearer {done.json()['data']['access_token']}"}

    p = await people(http, make_user, sign_in, months=16)
    result = await _run(application)
    assert result["told"] == 1
    await eventually(lambda: bool(inbox.messages), "the mail to arrive")
    assert len(inbox.messages) == 1  # the one admin
    message = email.message_from_bytes(inbox.messages[0])
    assert message["To"] == p["admin"]["email"]
    body = message.get_payload(decode=True).decode("utf-8")
    assert "年5日" in body and f"/employees/{p['employee_id']}/leave" in body
    await _run(application)
    await asyncio.sleep(0.3)
    assert len(inbox.messages) == 1  # told once
