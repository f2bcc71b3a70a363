"""What a client supervisor may list: its own client's chosen sites, nothing else.

Three placements: the supervisor's site (A), another site of the same client outside its
scope (B), and another client (C). Each worker carries a name only it has; every portal
list (API and page) must show A's and neither B's nor C's. The walk in
tests/integration/test_list_scope.py sends every client-portal list route here."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.assignments.factories import assign, make_contract, make_employee, post
from tests.integration.attendance.factories import act, enter, placement
from tests.integration.client_portal.factories import invite_supervisor

DAY = "2026-04-08"

# Routes this file proves (the walk in test_list_scope.py reads this); the 抵触日 alerts are
# proven per unit, site and client in test_alerts.py.
CLIENT_LISTS = {
    ("GET", "/api/client/alerts"),
    ("GET", "/client/alerts"),
    ("GET", "/api/client/timecards"),
    ("GET", "/api/client/workers"),
    ("GET", "/api/client/documents"),
    ("GET", "/api/client/documents/{document_id}/pdf"),
    ("GET", "/client"),
    ("GET", "/client/timecards"),
    ("GET", "/client/workers"),
    ("GET", "/client/documents"),
    ("GET", "/client/documents/{document_id}/pdf"),
}


async def _worker_card(
    http: httpx.AsyncClient, office: dict[str, str], contract_id: int, family: str
) -> dict[str, Any]:
    worker = await make_employee(http, office, name_kanji=f"{family} 花子", gender="female")
    assignment = await assign(
        http, office, contract_id, worker["id"], start_date="2026-04-01", end_date="2027-03-31"
    )
    created = await enter(http, office, assignment["id"], DAY)
    assert created.status_code == 201, created.text
    card = (await act(http, office, created.json()["data"], "submit")).json()["data"]
    return {"worker": worker, "card": card}


async def test_a_supervisor_lists_only_its_clients_chosen_sites(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    mine = await placement(client, office)
    # Site B: the same client, a site the supervisor was not given.
    site_b = await post(
        client,
        "/api/sites",
        office,
        client_id=mine["client_id"],
        name="第二工場",
        prefecture="23",
        city="豊田市",
        address_line1="元町1番地",
    )
    unit_b = await post(
        client, "/api/units", office, site_id=site_b["id"], name="組立課", head_title="課長"
    )
    contract_b = await make_contract(client, office, unit_b["id"])
    other = await placement(client, office)  # client C

    a = await _worker_card(client, office, mine["contract"]["id"], "青木")
    b = await _worker_card(client, office, contract_b["id"], "別所")
    c = await _worker_card(client, office, other["contract"]["id"], "他社")

    supervisor = await invite_supervisor(
        client, app, office, client_id=mine["client_id"], site_ids=[mine["site_id"]]
    )
    headers = supervisor["headers"]

    week = await client.get(f"/api/client/timecards?day={DAY}", headers=headers)
    assert week.status_code == 200, week.text
    ids = {card["id"] for card in week.json()["data"]["timecards"]}
    assert a["card"]["id"] in ids and not ids & {b["card"]["id"], c["card"]["id"]}

    workers = await client.get("/api/client/workers", headers=headers)
    assert workers.status_code == 200, workers.text
    listed = {w["employee_id"] for w in workers.json()["data"]}
    assert a["worker"]["id"] in listed
    assert not listed & {b["worker"]["id"], c["worker"]["id"]}

    for path in (f"/client/timecards?day={DAY}", "/client/workers"):
        page = await client.get(path, headers=headers)
        assert page.status_code == 200, f"{path}: {page.status_code}"
        assert "青木" in page.text, path
        assert "別所" not in page.text and "他社" not in page.text, path
    assert (await client.get("/client", headers=headers)).status_code in (302, 303, 307)

    # Documents: the other client's notice is neither listed nor downloadable.
    theirs = await client.post(
        f"/api/documents/contracts/{other['contract']['id']}/client-notice",
        headers=office,
        json={},
    )
    assert theirs.status_code == 200, theirs.text
    document_id = theirs.json()["data"]["id"]
    listed_docs = await client.get("/api/client/documents", headers=headers)
    assert listed_docs.status_code == 200
    assert document_id not in {d["id"] for d in listed_docs.json()["data"]}
    page = await client.get("/client/documents", headers=headers)
    assert page.status_code == 200 and f"/{document_id}/pdf" not in page.text
    for path in (
        f"/api/client/documents/{document_id}/pdf",
        f"/client/documents/{document_id}/pdf",
    ):
        assert (await client.get(path, headers=headers)).status_code == 404, path
