"""Issue 20: the portal's 抵触日 alerts, per supervisor.

One client, site 1 with units A and B, site 2 with unit C, all dispatching for almost three
years; another client likewise. A supervisor of unit A (given both sites) sees site 1's
事業所単位 date with its 意見聴取 deadline — the site's limit binds every unit of it — and the
組織単位 date of A's worker only: not B's worker, not site 2 (none of its units), not the other
client. A supervisor of unit B sees site 1 and B's worker; a supervisor of both whole sites
sees both sites and both workers. A date beyond the 90 days is not an alert. Taking unit A
away moves A's alert out of that supervisor's portal at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.labor.dispatch import hearing_deadline
from haken.platform.db import assert_num_queries
from tests.integration.assignments.factories import (
    add_unit,
    assign,
    make_contract,
    make_employee,
    make_unit,
    post,
)
from tests.integration.client_portal.factories import PASSWORD, invite_supervisor


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


TODAY = dt.date.today()
# Dispatch to the sites (and the first workers' placements) began almost three years ago:
# the 抵触日 fall within the portal's 90 days.
STARTED = _years_before(TODAY, 3) + dt.timedelta(days=40)


async def _worker(
    http: httpx.AsyncClient,
    office: dict[str, str],
    unit_id: int,
    family: str,
    start: dt.date,
) -> dict[str, Any]:
    contract = await make_contract(
        http,
        office,
        unit_id,
        start=STARTED.isoformat(),
        end=(TODAY + dt.timedelta(400)).isoformat(),
    )
    worker = await make_employee(
        http, office, name_kanji=f"{family} 花子", gender="female", hire_date=STARTED.isoformat()
    )
    placed = await assign(
        http,
        office,
        contract["id"],
        worker["id"],
        start_date=start.isoformat(),
        end_date=(TODAY + dt.timedelta(days=20)).isoformat(),
    )
    return {"worker": worker, "assignment": placed}


async def _alerts(http: httpx.AsyncClient, headers: dict[str, str]) -> set[tuple[Any, ...]]:
    answer = await http.get("/api/client/alerts", headers=headers)
    assert answer.status_code == 200, answer.text
    return {
        (a["kind"], a["site_id"], a["employee_id"], a["conflict_date"], a["hearing_deadline"])
        for a in answer.json()["data"]
    }


async def test_each_supervisor_sees_the_conflict_dates_of_its_units(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, page_login: Any
) -> None:
    admin = await auth_headers("admin")
    site1 = await make_unit(client, admin, dispatch_started_on=STARTED.isoformat())
    unit_a, unit_b = site1["unit_id"], await add_unit(client, admin, site1["site_id"])
    site2 = await post(
        client,
        "/api/sites",
        admin,
        client_id=site1["client_id"],
        name="第二工場",
        prefecture="23",
        city="豊田市",
        address_line1="元町1番地",
        dispatch_started_on=STARTED.isoformat(),
    )
    unit_c = await add_unit(client, admin, site2["id"])
    other = await make_unit(client, admin, dispatch_started_on=STARTED.isoformat())

    a = await _worker(client, admin, unit_a, "青木", STARTED)
    b = await _worker(client, admin, unit_b, "別所", STARTED + dt.timedelta(days=10))
    c = await _worker(client, admin, unit_c, "千葉", STARTED)
    await _worker(client, admin, other["unit_id"], "他社", STARTED)
    # In unit A for a month only: its 抵触日 is years away, not an alert.
    await _worker(client, admin, unit_a, "新人", TODAY - dt.timedelta(days=30))

    sites = {}
    for site_id in (site1["site_id"], site2["id"]):
        read = await client.get(f"/api/sites/{site_id}", headers=admin)
        sites[site_id] = dt.date.fromisoformat(read.json()["data"]["conflict_date"])
        assert TODAY < sites[site_id] <= TODAY + dt.timedelta(days=90)
    dates = {}
    for placed in (a, b, c):
        read = await client.get(f"/api/assignments/{placed['assignment']['id']}", headers=admin)
        dates[placed["worker"]["id"]] = read.json()["data"]["individual_conflict_date"]
        assert dates[placed["worker"]["id"]] is not None

    def site(site_id: int) -> tuple[Any, ...]:
        day = sites[site_id]
        return ("site", site_id, None, day.isoformat(), hearing_deadline(day).isoformat())

    def individual(placed: dict[str, Any], site_id: int) -> tuple[Any, ...]:
        employee_id = placed["worker"]["id"]
        return ("individual", site_id, employee_id, dates[employee_id], None)

    both_sites = [site1["site_id"], site2["id"]]
    of_a = await invite_supervisor(
        client,
        app,
        admin,
        client_id=site1["client_id"],
        site_ids=both_sites,
        unit_ids=[unit_a],
        email="a@client.example",
    )
    of_b = await invite_supervisor(
        client,
        app,
        admin,
        client_id=site1["client_id"],
        site_ids=[site1["site_id"]],
        unit_ids=[unit_b],
        email="b@client.example",
    )
    whole = await invite_supervisor(
        client,
        app,
        admin,
        client_id=site1["client_id"],
        site_ids=both_sites,
        email="w@client.example",
    )

    assert await _alerts(client, of_a["headers"]) == {
        site(site1["site_id"]),
        individual(a, site1["site_id"]),
    }
    assert await _alerts(client, of_b["headers"]) == {
        site(site1["site_id"]),
        individual(b, site1["site_id"]),
    }
    assert await _alerts(client, whole["headers"]) == {
        site(site1["site_id"]),
        site(site2["id"]),
        individual(a, site1["site_id"]),
        individual(b, site1["site_id"]),
        individual(c, site2["id"]),
    }

    # The page: Japanese, the 意見聴取 deadline, the unit's worker only; three statements
    # once the session's principal is warm (sites or units, placements, names).
    await page_login(of_a["email"], PASSWORD)
    await client.get("/client/alerts")
    with assert_num_queries(3):
        page = await client.get("/client/alerts")
    assert page.status_code == 200
    assert "青木" in page.text and "別所" not in page.text and "千葉" not in page.text
    assert "意見聴取" in page.text and "他社" not in page.text

    # Unit A taken away, unit B given instead: the next request shows B's worker, not A's.
    version = (
        await client.get(f"/api/client-supervisors/{of_a['user_id']}", headers=admin)
    ).json()["data"]["version"]
    changed = await client.put(
        f"/api/client-supervisors/{of_a['user_id']}/units",
        headers=admin,
        json={"version": version, "unit_ids": [unit_b]},
    )
    assert changed.status_code == 200, changed.text
    assert await _alerts(client, of_a["headers"]) == {
        site(site1["site_id"]),
        individual(b, site1["site_id"]),
    }
    # Given unit C of site 2 as well: site 2's own limit joins.
    version = changed.json()["data"]["version"]
    changed = await client.put(
        f"/api/client-supervisors/{of_a['user_id']}/units",
        headers=admin,
        json={"version": version, "unit_ids": [unit_b, unit_c]},
    )
    assert changed.status_code == 200, changed.text
    assert await _alerts(client, of_a["headers"]) == {
        site(site1["site_id"]),
        site(site2["id"]),
        individual(b, site1["site_id"]),
        individual(c, site2["id"]),
    }
