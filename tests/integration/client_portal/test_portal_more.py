"""The client portal's smaller gaps (issue 20): a leave day shows its marker (有給休暇, 欠勤 …),
not "勤務 0:00"; a dispute reaches the client's coordinator (the agency user in charge of the
client, billing's 担当), or the administrators when the client has none."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from haken.modules.notifications.models import Notification
from haken.platform.db import session_scope
from tests.integration.attendance.factories import act, enter, placement
from tests.integration.client_portal.factories import PASSWORD, invite_supervisor


async def test_a_leave_day_shows_its_marker_not_worked_zero(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, page_login: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    assignment_id = placed["assignment"]["id"]
    worked = await enter(client, office, assignment_id, "2026-04-06")
    leave = await enter(
        client, office, assignment_id, "2026-04-07", start=None, marker="paid_leave"
    )
    absent = await enter(client, office, assignment_id, "2026-04-08", start=None, marker="absence")
    for made in (worked, leave, absent):
        assert made.status_code == 201, made.text
    await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    client.cookies.clear()
    await page_login("genba@client.example", PASSWORD)
    page = await client.get("/client/timecards?day=2026-04-06")
    assert page.status_code == 200
    cards = page.text.split('id="timecard-')[1:]
    assert len(cards) == 3
    assert "勤務 8:00" in cards[0]
    assert "有給休暇" in cards[1] and "勤務" not in cards[1] and "0:00" not in cards[1]
    assert "欠勤" in cards[2] and "勤務" not in cards[2]


async def test_a_dispute_reaches_the_clients_coordinator(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    placed = await placement(client, office)
    in_charge = await make_user("coordinator")
    other = await make_user("coordinator")
    put = await client.put(
        f"/api/billing/clients/{placed['client_id']}/settings",
        headers=admin,
        json={"coordinator_user_id": in_charge["id"]},
    )
    assert put.status_code == 200, put.text
    card = (await enter(client, office, placed["assignment"]["id"], "2026-04-06")).json()["data"]
    card = (await act(client, office, card, "submit")).json()["data"]
    supervisor = await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    disputed = await client.post(
        f"/api/client/timecards/{card['id']}/dispute",
        headers=supervisor["headers"],
        json={"version": card["version"], "comment": "退勤は16時です"},
    )
    assert disputed.status_code == 200, disputed.text
    async with session_scope(app.state.database) as session:
        told = (
            await session.scalars(
                select(Notification.user_id).where(Notification.kind == "timecard_disputed")
            )
        ).all()
    assert sorted(told) == [in_charge["id"]]
    assert other["id"] not in told
    tokens = await login(in_charge["email"])
    inbox = await client.get(
        "/api/notifications", headers={"Authorization": tokens["Authorization"]}
    )
    assert inbox.status_code == 200
    assert [n["kind"] for n in inbox.json()["data"]] == ["timecard_disputed"]


async def test_without_a_coordinator_the_administrators_are_told(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await make_user("admin")
    placed = await placement(client, office)
    card = (await enter(client, office, placed["assignment"]["id"], "2026-04-06")).json()["data"]
    card = (await act(client, office, card, "submit")).json()["data"]
    supervisor = await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    disputed = await client.post(
        f"/api/client/timecards/{card['id']}/dispute",
        headers=supervisor["headers"],
        json={"version": card["version"], "comment": "休憩は45分です"},
    )
    assert disputed.status_code == 200, disputed.text
    async with session_scope(app.state.database) as session:
        told = (
            await session.scalars(
                select(Notification.user_id).where(Notification.kind == "timecard_disputed")
            )
        ).all()
    assert admin["id"] in told and supervisor["user_id"] not in told
