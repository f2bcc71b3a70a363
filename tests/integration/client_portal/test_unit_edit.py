"""Issue 20: the agency changes a client supervisor's 組織単位 after the invitation.

The change applies on the supervisor's very next request (its cached principal is dropped at
the commit): a unit taken away takes its workers, timecards and documents out of the portal's
pages and API at once, with the same statement counts. Units of another client are refused
with a catalog error, a stale form with 409, a coordinator not in charge of the client with
403; every change leaves an audit row with both scopes."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.assignments.factories import (
    add_unit,
    assign,
    make_contract,
    make_employee,
    make_unit,
    post,
)
from tests.integration.attendance.factories import act, enter
from tests.integration.client_portal.factories import PASSWORD, invite_supervisor
from tests.integration.web.conftest import csrf_token

DAY = "2026-04-06"


async def _unit_worker(
    http: httpx.AsyncClient, office: dict[str, str], unit_id: int, family: str
) -> dict[str, Any]:
    """A worker named ``family`` placed in the unit, with a submitted card and the contract's
    派遣先への通知."""
    contract = await make_contract(http, office, unit_id)
    worker = await make_employee(http, office, name_kanji=f"{family} 花子", gender="female")
    placed = await assign(
        http, office, contract["id"], worker["id"], start_date="2026-04-01", end_date="2027-03-31"
    )
    card = (await enter(http, office, placed["id"], DAY)).json()["data"]
    card = (await act(http, office, card, "submit")).json()["data"]
    notice = await http.post(
        f"/api/documents/contracts/{contract['id']}/client-notice", headers=office, json={}
    )
    assert notice.status_code == 200, notice.text
    return {"contract": contract, "worker": worker, "card": card, "notice": notice.json()["data"]}


async def _seen(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, set[int]]:
    """What the supervisor's API lists: workers, the week's cards, the documents' contracts."""
    workers = await http.get("/api/client/workers", headers=headers)
    week = await http.get(f"/api/client/timecards?day={DAY}", headers=headers)
    documents = await http.get("/api/client/documents", headers=headers)
    for answer in (workers, week, documents):
        assert answer.status_code == 200, answer.text
    return {
        "workers": {w["employee_id"] for w in workers.json()["data"]},
        "cards": {c["id"] for c in week.json()["data"]["timecards"]},
        "contracts": {d["contract_id"] for d in documents.json()["data"]},
    }


async def _scope(http: httpx.AsyncClient, office: dict[str, str], user_id: int) -> dict[str, Any]:
    answer = await http.get(f"/api/client-supervisors/{user_id}", headers=office)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def test_a_unit_taken_away_vanishes_from_the_portal_at_once(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    place = await make_unit(client, admin)
    unit_b = await add_unit(client, admin, place["site_id"])
    a = await _unit_worker(client, admin, place["unit_id"], "青木")
    b = await _unit_worker(client, admin, unit_b, "別所")
    supervisor = await invite_supervisor(
        client,
        app,
        admin,
        client_id=place["client_id"],
        site_ids=[place["site_id"]],
        unit_ids=[place["unit_id"], unit_b],
    )
    headers, user_id = supervisor["headers"], supervisor["user_id"]
    before = await _seen(client, headers)  # the principal is cached from here on
    assert before == {
        "workers": {a["worker"]["id"], b["worker"]["id"]},
        "cards": {a["card"]["id"], b["card"]["id"]},
        "contracts": {a["contract"]["id"], b["contract"]["id"]},
    }
    listed = await client.get(
        f"/api/client-supervisors?client_id={place['client_id']}", headers=admin
    )
    assert [(s["user_id"], s["unit_ids"]) for s in listed.json()["data"]] == [
        (user_id, sorted([place["unit_id"], unit_b]))
    ]

    current = await _scope(client, admin, user_id)
    changed = await client.put(
        f"/api/client-supervisors/{user_id}/units",
        headers=admin,
        json={"version": current["version"], "unit_ids": [place["unit_id"]]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["unit_ids"] == [place["unit_id"]]
    assert changed.json()["data"]["site_ids"] == [place["site_id"]]  # omitted: unchanged
    assert changed.json()["data"]["version"] == current["version"] + 1

    # The next request already reads the new scope: B's worker, card and notice are gone.
    assert await _seen(client, headers) == {
        "workers": {a["worker"]["id"]},
        "cards": {a["card"]["id"]},
        "contracts": {a["contract"]["id"]},
    }
    for page in (f"/client/timecards?day={DAY}", "/client/workers"):
        shown = await client.get(page, headers=headers)
        assert shown.status_code == 200
        assert "青木" in shown.text and "別所" not in shown.text, page
    card = b["card"]
    refused = await client.post(
        f"/api/client/timecards/{card['id']}/confirm",
        headers=headers,
        json={"version": card["version"]},
    )
    assert refused.status_code == 404
    hidden = await client.get(f"/api/client/documents/{b['notice']['id']}/pdf", headers=headers)
    assert hidden.status_code == 404

    # The audit row names both scopes.
    async with session_scope(app.state.database) as session:
        rows = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "user",
                    AuditEntry.entity_id == str(user_id),
                    AuditEntry.action == "change_units",
                )
            )
        ).all()
    assert len(rows) == 1
    assert rows[0].changes == {"unit_ids": [sorted([place["unit_id"], unit_b]), [place["unit_id"]]]}

    # A stale version (the form read before this change) is a conflict, nothing written.
    stale = await client.put(
        f"/api/client-supervisors/{user_id}/units",
        headers=admin,
        json={"version": current["version"], "unit_ids": [unit_b]},
    )
    assert stale.status_code == 409, stale.text
    # No unit: every unit of its sites again (the rule of the invitation).
    cleared = await client.put(
        f"/api/client-supervisors/{user_id}/units",
        headers=admin,
        json={"version": current["version"] + 1, "unit_ids": []},
    )
    assert cleared.status_code == 200, cleared.text
    assert await _seen(client, headers) == before


async def test_units_of_another_client_or_site_are_refused(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    place = await make_unit(client, admin)
    elsewhere = await make_unit(client, admin)  # another client's unit
    site_b = await post(
        client,
        "/api/sites",
        admin,
        client_id=place["client_id"],
        name="第二工場",
        prefecture="23",
        city="豊田市",
        address_line1="元町1番地",
    )
    unit_b = await post(client, "/api/units", admin, site_id=site_b["id"], name="組立課")
    supervisor = await invite_supervisor(
        client, app, admin, client_id=place["client_id"], site_ids=[place["site_id"]]
    )
    user_id = supervisor["user_id"]
    version = (await _scope(client, admin, user_id))["version"]
    url = f"/api/client-supervisors/{user_id}/units"
    for body, code in (
        ({"unit_ids": [elsewhere["unit_id"]]}, "CLIENT_PORTAL_UNIT_OTHER_CLIENT"),
        ({"unit_ids": [unit_b["id"]]}, "CLIENT_PORTAL_UNITS"),  # a site it was not given
        ({"unit_ids": [999999]}, "CLIENT_PORTAL_UNITS"),
        ({"unit_ids": [], "site_ids": [elsewhere["site_id"]]}, "CLIENT_PORTAL_SITES"),
    ):
        refused = await client.put(url, headers=admin, json={"version": version, **body})
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == code, body
    # Giving the second site as well makes its unit acceptable.
    both = await client.put(
        url,
        headers=admin,
        json={
            "version": version,
            "site_ids": [place["site_id"], site_b["id"]],
            "unit_ids": [unit_b["id"]],
        },
    )
    assert both.status_code == 200, both.text
    assert (await _scope(client, admin, user_id))["unit_ids"] == [unit_b["id"]]
    # Another client's account (or any agency user) is not a supervisor: not found.
    other = await make_user("coordinator")
    assert (
        await client.get(f"/api/client-supervisors/{other['id']}", headers=admin)
    ).status_code == 404

    # A coordinator may change them only for the clients in its charge (billing's 担当).
    coordinator = await make_user("coordinator")
    headers = await login(coordinator["email"])
    version = (await _scope(client, admin, user_id))["version"]
    refused = await client.put(url, headers=headers, json={"version": version, "unit_ids": []})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "CLIENT_PORTAL_NOT_IN_CHARGE"
    charge = await client.put(
        f"/api/billing/clients/{place['client_id']}/settings",
        headers=admin,
        json={"layout": "summary", "coordinator_user_id": coordinator["id"]},
    )
    assert charge.status_code == 200, charge.text
    allowed = await client.put(url, headers=headers, json={"version": version, "unit_ids": []})
    assert allowed.status_code == 200, allowed.text


async def test_the_timecard_page_counts_stay_exact_after_a_change(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, page_login: Any
) -> None:
    """A whole-site supervisor's page is 2 statements once warm (cards, names); narrowed to a
    unit, its first page re-reads the dropped principal (+1) and filters by the units'
    placements (+1), then 3 once warm."""
    admin = await auth_headers("admin")
    place = await make_unit(client, admin)
    unit_b = await add_unit(client, admin, place["site_id"])
    await _unit_worker(client, admin, place["unit_id"], "青木")
    await _unit_worker(client, admin, unit_b, "別所")
    supervisor = await invite_supervisor(
        client, app, admin, client_id=place["client_id"], site_ids=[place["site_id"]]
    )
    await page_login(supervisor["email"], PASSWORD)
    page = f"/client/timecards?day={DAY}"
    await client.get(page)  # warm the session's principal
    with assert_num_queries(2):
        whole = await client.get(page)
    assert whole.text.count('id="timecard-') == 2
    version = (await _scope(client, admin, supervisor["user_id"]))["version"]
    changed = await client.put(
        f"/api/client-supervisors/{supervisor['user_id']}/units",
        headers=admin,
        json={"version": version, "unit_ids": [place["unit_id"]]},
    )
    assert changed.status_code == 200, changed.text
    with assert_num_queries(4):
        narrowed = await client.get(page)
    assert narrowed.text.count('id="timecard-') == 1 and "別所" not in narrowed.text
    with assert_num_queries(3):
        again = await client.get(page)
    assert again.text.count('id="timecard-') == 1


async def test_the_agency_changes_units_on_its_page(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, page_login: Any
) -> None:
    admin = await auth_headers("admin")
    place = await make_unit(client, admin)
    unit_b = await add_unit(client, admin, place["site_id"])
    supervisor = await invite_supervisor(
        client,
        app,
        admin,
        client_id=place["client_id"],
        site_ids=[place["site_id"]],
        unit_ids=[unit_b],
    )
    user = await make_user("admin")
    await page_login(user["email"])
    listed = await client.get(f"/client-supervisors?client_id={place['client_id']}")
    assert listed.status_code == 200
    assert supervisor["email"] in listed.text
    assert f"/client-supervisors/{supervisor['user_id']}/units" in listed.text
    form = await client.get(f"/client-supervisors/{supervisor['user_id']}/units")
    assert form.status_code == 200 and 'name="unit_ids"' in form.text
    version = (await _scope(client, admin, supervisor["user_id"]))["version"]
    sent = await client.post(
        f"/client-supervisors/{supervisor['user_id']}/units",
        data={
            "csrf_token": csrf_token(form.text),
            "version": str(version),
            "site_ids": str(place["site_id"]),
            "unit_ids": str(place["unit_id"]),
        },
    )
    assert sent.status_code == 303, sent.text
    assert (await _scope(client, admin, supervisor["user_id"]))["unit_ids"] == [place["unit_id"]]
    # No site chosen: refused on the form, nothing written.
    form = await client.get(f"/client-supervisors/{supervisor['user_id']}/units")
    refused = await client.post(
        f"/client-supervisors/{supervisor['user_id']}/units",
        data={"csrf_token": csrf_token(form.text), "version": str(version + 1)},
    )
    assert refused.status_code == 422
    assert (await _scope(client, admin, supervisor["user_id"]))["site_ids"] == [place["site_id"]]


def test_a_cached_reads_scope_tells_a_supervisors_units_apart() -> None:
    """Cached reads keyed by the caller's scope: the same supervisor before and after a change
    of its units never shares an entry (the sites alone are the same)."""
    from haken.platform.access import Principal, Role
    from haken.platform.cache import principal_scope

    def supervisor(units: frozenset[int]) -> Principal:
        return Principal(
            user_id=7,
            role=Role.CLIENT_SUPERVISOR,
            email="s@client.example",
            site_ids=frozenset({1}),
            client_id=3,
            unit_ids=units,
        )

    scopes = {principal_scope(supervisor(u)) for u in (frozenset(), frozenset({5}), frozenset({6}))}
    assert len(scopes) == 3
