"""Issue 20: a client supervisor attached to 組織単位 sees only those units' workers, timecards
and documents in the portal (another unit of the same site: not found), and is invited with
units of its chosen sites only."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.assignments.factories import (
    add_unit,
    assign,
    make_contract,
    make_employee,
    make_unit,
)
from tests.integration.attendance.factories import act, enter
from tests.integration.client_portal.factories import invite_supervisor

PERIOD = {"start_date": "2026-04-01", "end_date": "2027-03-31"}


async def _unit_with_card(
    client: httpx.AsyncClient, office: dict[str, str], unit_id: int
) -> dict[str, Any]:
    contract = await make_contract(client, office, unit_id)
    worker = await make_employee(client, office, gender="male")
    placed = await assign(client, office, contract["id"], worker["id"], **PERIOD)
    card = (await enter(client, office, placed["id"], "2026-04-06")).json()["data"]
    card = (await act(client, office, card, "submit")).json()["data"]
    notice = await client.post(
        f"/api/documents/contracts/{contract['id']}/client-notice", headers=office, json={}
    )
    assert notice.status_code == 200, notice.text
    return {"contract": contract, "worker": worker, "card": card, "notice": notice.json()["data"]}


async def test_a_unit_supervisor_sees_only_its_unit(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    place = await make_unit(client, office)
    other_unit = await add_unit(client, office, place["site_id"])
    mine = await _unit_with_card(client, office, place["unit_id"])
    theirs = await _unit_with_card(client, office, other_unit)

    elsewhere = await make_unit(client, office)  # a unit of another client's site
    refused = await client.post(
        "/api/client-supervisors",
        headers=office,
        json={
            "client_id": place["client_id"],
            "email": "kumi@client.example",
            "site_ids": [place["site_id"]],
            "unit_ids": [elsewhere["unit_id"]],
        },
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "CLIENT_PORTAL_UNIT_OTHER_CLIENT"

    supervisor = await invite_supervisor(
        client,
        app,
        office,
        client_id=place["client_id"],
        site_ids=[place["site_id"]],
        unit_ids=[place["unit_id"]],
    )
    headers = supervisor["headers"]
    week = await client.get("/api/client/timecards?day=2026-04-06", headers=headers)
    assert [c["id"] for c in week.json()["data"]["timecards"]] == [mine["card"]["id"]]
    workers = await client.get("/api/client/workers", headers=headers)
    assert [w["employee_id"] for w in workers.json()["data"]] == [mine["worker"]["id"]]
    # Another unit's card of the same site: not found, to confirm or to dispute.
    other_card = theirs["card"]
    for action, body in (
        ("confirm", {"version": other_card["version"]}),
        ("dispute", {"version": other_card["version"], "comment": "違います"}),
    ):
        answer = await client.post(
            f"/api/client/timecards/{other_card['id']}/{action}", headers=headers, json=body
        )
        assert answer.status_code == 404, (action, answer.text)
    confirmed = await client.post(
        f"/api/client/timecards/{mine['card']['id']}/confirm",
        headers=headers,
        json={"version": mine["card"]["version"]},
    )
    assert confirmed.status_code == 200, confirmed.text
    # Documents: its unit's contract only; the other unit's notice is not found.
    listed = await client.get("/api/client/documents", headers=headers)
    assert [d["contract_id"] for d in listed.json()["data"]] == [mine["contract"]["id"]]
    hidden = await client.get(
        f"/api/client/documents/{theirs['notice']['id']}/pdf", headers=headers
    )
    assert hidden.status_code == 404
    got = await client.get(f"/api/client/documents/{mine['notice']['id']}/pdf", headers=headers)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")

    # A supervisor of the whole site sees both units.
    whole = await invite_supervisor(
        client,
        app,
        office,
        client_id=place["client_id"],
        site_ids=[place["site_id"]],
        email="zentai@client.example",
    )
    both = await client.get("/api/client/timecards?day=2026-04-06", headers=whole["headers"])
    assert len(both.json()["data"]["timecards"]) == 2
    documents = await client.get("/api/client/documents", headers=whole["headers"])
    assert {d["contract_id"] for d in documents.json()["data"]} == {
        mine["contract"]["id"],
        theirs["contract"]["id"],
    }


async def test_the_invitation_form_offers_the_clients_units(
    client: httpx.AsyncClient, app: Any, make_user: Any, page_login: Any, auth_headers: Any
) -> None:
    from sqlalchemy import select

    from haken.modules.identity.models import User, UserUnit
    from haken.platform.db import session_scope
    from tests.integration.web.conftest import csrf_token

    office = await auth_headers("coordinator")
    place = await make_unit(client, office)
    user = await make_user("coordinator")
    await page_login(user["email"])
    blank = await client.get("/client-supervisors/new")
    assert blank.status_code == 200 and 'name="unit_ids"' not in blank.text
    page = await client.get(f"/client-supervisors/new?client_id={place['client_id']}")
    assert page.status_code == 200
    assert 'name="unit_ids"' in page.text and f'value="{place["unit_id"]}"' in page.text
    sent = await client.post(
        "/client-supervisors/new",
        data={
            "csrf_token": csrf_token(page.text),
            "client_id": str(place["client_id"]),
            "email": "form@client.example",
            "site_ids": str(place["site_id"]),
            "unit_ids": str(place["unit_id"]),
            "locale": "ja",
        },
    )
    assert sent.status_code == 303, sent.text
    async with session_scope(app.state.database) as session:
        invited = (
            await session.scalars(select(User).where(User.email == "form@client.example"))
        ).one()
        units = (
            await session.scalars(select(UserUnit.unit_id).where(UserUnit.user_id == invited.id))
        ).all()
    assert list(units) == [place["unit_id"]]
