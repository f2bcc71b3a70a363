"""The client portal (issue 20 items 1, 5): invitation by a one-time link, the supervisor's
scope (its client's chosen sites only), a week of timecards confirmed (the site's approval)
or disputed (back to draft, the office told), and the page's statement budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import select

from haken.modules.attendance.models import Timecard
from haken.modules.audit.models import AuditEntry
from haken.modules.identity.models import OutboxEmail, PasswordResetToken
from haken.modules.notifications.models import Notification
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.attendance.factories import act, enter, placement
from tests.integration.client_portal.factories import PASSWORD, invite_supervisor

WEEK = ["2026-04-06", "2026-04-07", "2026-04-08"]


async def _submitted(http: httpx.AsyncClient, office: dict[str, str], assignment_id: int) -> list:
    cards = []
    for day in WEEK:
        created = await enter(http, office, assignment_id, day)
        assert created.status_code == 201, created.text
        cards.append((await act(http, office, created.json()["data"], "submit")).json()["data"])
    return cards


async def test_invitation_is_one_time_hashed_and_metadata_only(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    supervisor = await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    # The token is stored only as its hash; the outbox lists metadata, never the link.
    async with session_scope(app.state.database) as session:
        hashes = (await session.scalars(select(PasswordResetToken.token_hash))).all()
        mail = (
            await session.scalars(
                select(OutboxEmail).where(OutboxEmail.kind == "client_invitation")
            )
        ).one()
    assert supervisor["token"] not in hashes and len(hashes) == 1
    assert mail.body == "" and supervisor["token"] not in (mail.body_enc or "")
    admin = await auth_headers("admin")
    outbox = (await client.get("/api/users/outbox", headers=admin)).json()["data"]
    assert supervisor["token"] not in str(outbox)
    # A second use of the link is refused.
    again = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": supervisor["token"], "new_password": "yet-another-passphrase"},
    )
    assert again.status_code == 400
    # The site must be the client's own.
    other = await placement(client, office)
    refused = await client.post(
        "/api/client-supervisors",
        headers=office,
        json={
            "client_id": placed["client_id"],
            "email": "x@client.example",
            "site_ids": [other["site_id"]],
        },
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "CLIENT_PORTAL_SITES"
    # Neither a site manager nor an employee invites.
    manager = await auth_headers("site_manager", site_ids=[placed["site_id"]])
    denied = await client.post(
        "/api/client-supervisors",
        headers=manager,
        json={
            "client_id": placed["client_id"],
            "email": "y@client.example",
            "site_ids": [placed["site_id"]],
        },
    )
    assert denied.status_code == 403
    # The agency's user form cannot make a client account.
    made = await client.post(
        "/api/users",
        headers=admin,
        json={"email": "z@client.example", "password": PASSWORD, "role": "client_supervisor"},
    )
    assert made.status_code == 403


async def test_week_confirm_dispute_and_scope(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    # Running past today, so the worker list (current and coming placements) shows it.
    placed = await placement(client, office, end_date="2027-03-31")
    elsewhere = await placement(client, office)  # another client: never visible
    mine = await _submitted(client, office, placed["assignment"]["id"])
    theirs = await _submitted(client, office, elsewhere["assignment"]["id"])
    supervisor = await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    headers = supervisor["headers"]

    week = await client.get("/api/client/timecards?day=2026-04-08", headers=headers)
    assert week.status_code == 200, week.text
    data = week.json()["data"]
    assert data["first"] == "2026-04-06" and data["last"] == "2026-04-12"
    assert [c["id"] for c in data["timecards"]] == [c["id"] for c in mine]
    assert "rate" not in week.text and "my_number" not in week.text

    confirmed = await client.post(
        f"/api/client/timecards/{mine[0]['id']}/confirm",
        headers=headers,
        json={"version": mine[0]["version"]},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["state"] == "approved"
    async with session_scope(app.state.database) as session:
        row = await session.get(Timecard, mine[0]["id"])
        assert row is not None and row.approved_by == supervisor["user_id"]
        audit = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "timecard", AuditEntry.action == "approve"
                )
            )
        ).all()
        assert [a.user_id for a in audit] == [supervisor["user_id"]]

    await auth_headers("admin")  # the office told of the dispute
    empty = await client.post(
        f"/api/client/timecards/{mine[1]['id']}/dispute",
        headers=headers,
        json={"version": mine[1]["version"], "comment": "   "},
    )
    assert empty.status_code == 422
    disputed = await client.post(
        f"/api/client/timecards/{mine[1]['id']}/dispute",
        headers=headers,
        json={"version": mine[1]["version"], "comment": "退勤は16時です"},
    )
    assert disputed.status_code == 200, disputed.text
    assert disputed.json()["data"]["state"] == "draft"
    assert disputed.json()["data"]["rejected_comment"] == "退勤は16時です"
    async with session_scope(app.state.database) as session:
        told = (
            await session.scalars(
                select(Notification).where(Notification.kind == "timecard_disputed")
            )
        ).all()
    assert told and all(n.user_id != supervisor["user_id"] for n in told)

    # Another client's card: not found, whether read or confirmed.
    foreign = await client.post(
        f"/api/client/timecards/{theirs[0]['id']}/confirm",
        headers=headers,
        json={"version": theirs[0]["version"]},
    )
    assert foreign.status_code == 404

    # The workers: names, periods, work content; never pay or personal numbers.
    workers = await client.get("/api/client/workers", headers=headers)
    assert workers.status_code == 200
    assert [w["employee_id"] for w in workers.json()["data"]] == [placed["employee"]["id"]]
    for worker in workers.json()["data"]:
        assert set(worker) == {
            "employee_id",
            "name",
            "name_kana",
            "site_name",
            "unit_name",
            "start_date",
            "end_date",
            "work_content",
            "contract_id",
            "contract_number",
        }

    # The agency's routes refuse the supervisor; the portal refuses agency users.
    assert (await client.get("/api/auth/me", headers=headers)).status_code == 403
    assert (await client.get("/api/attendance/timecards", headers=headers)).status_code == 403
    assert (await client.get("/api/client/timecards", headers=office)).status_code == 403


async def test_timecard_page_statements(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, page_login: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    await _submitted(client, office, placed["assignment"]["id"])
    await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    await page_login("genba@client.example", PASSWORD)
    home = await client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/client"
    await client.get("/client/timecards?day=2026-04-06")  # warm the session's principal
    # The budget is 3 (the caller, the cards, the names); the caller is cached once warm.
    with assert_num_queries(2):
        page = await client.get("/client/timecards?day=2026-04-06")
    assert page.status_code == 200
    assert page.text.count('id="timecard-') == 3
    assert "確認" in page.text
    assert dt.date(2026, 4, 6).isoformat() in page.text


async def test_agency_user_pages_show_a_client_account_by_its_role(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, page_login: Any
) -> None:
    """A client supervisor among the users: the list, its export, the user's page and the
    admin dashboard name the role (they answered 500 on the demo data, which has one)."""
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    supervisor = await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    admin = await make_user("admin", locale="ja")
    await page_login(admin["email"])
    for path in (
        "/admin/users",
        "/admin/users?role=client_supervisor",
        f"/admin/users/{supervisor['user_id']}",
        "/admin/dashboard",
    ):
        shown = await client.get(path)
        assert shown.status_code == 200, path
        assert "派遣先の指揮命令者" in shown.text, path
    exported = await client.get("/admin/users/export.csv")
    assert exported.status_code == 200
    assert "派遣先の指揮命令者" in exported.text
