"""最低賃金法13条: a placement's pay against the minimum wage of the client site's prefecture,
refused on placement and rate change, warned ahead (home page, daily job)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from haken.modules.assignments.tasks import minimum_wage_check
from haken.platform.db import session_scope
from haken.platform.jobs import JobContext
from tests.conftest import TEST_PASSWORD
from tests.integration.assignments.factories import (
    assignment_body,
    make_contract,
    make_employee,
    make_unit,
    post,
)
from tests.integration.minimum_wages.factories import year_body
from tests.integration.web.conftest import csrf_token


async def _page_login(http: httpx.AsyncClient, email: str) -> None:
    """Sign in through the login form, as a browser does."""
    form = await http.get("/login")
    response = await http.post(
        "/login",
        data={"email": email, "password": TEST_PASSWORD, "csrf_token": csrf_token(form.text)},
    )
    assert response.status_code == 303, response.text


async def _contract(http: httpx.AsyncClient, headers: dict[str, str]) -> Any:
    unit = await make_unit(http, headers)  # a site in 愛知県 (23)
    return await make_contract(http, headers, unit["unit_id"])


async def _tokyo_contract(http: httpx.AsyncClient, headers: dict[str, str]) -> Any:
    client = await post(http, "/api/clients", headers, name="株式会社東京派遣先", prefecture="23")
    site = await post(
        http,
        "/api/sites",
        headers,
        client_id=client["id"],
        name="本社事業所",
        prefecture="13",
        city="千代田区",
        address_line1="丸の内1-1",
    )
    unit = await post(http, "/api/units", headers, site_id=site["id"], name="総務課")
    return await make_contract(http, headers, unit["id"])


async def _place(
    http: httpx.AsyncClient, headers: dict[str, str], contract: Any, pay: str, **fields: Any
) -> httpx.Response:
    worker = await make_employee(http, headers)
    body = assignment_body(contract["id"], worker["id"], rate={"hourly_pay": pay}, **fields)
    return await http.post("/api/assignments", headers=headers, json=body)


async def test_900_yen_at_an_aichi_site_is_refused_naming_the_amount(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    contract = await _contract(client, headers)
    refused = await _place(client, headers, contract, "900")
    error = refused.json()["error"]
    assert (refused.status_code, error["code"]) == (422, "ASSIGNMENT_BELOW_MINIMUM_WAGE")
    # 愛知県 FY2025: 1,140 yen from 2025-10-18 (MHLW 全国一覧, 令和7年度).
    assert "愛知県" in error["message"] and "1140" in error["message"]
    assert "2025年10月18日" in error["message"]  # the date as the pages print it
    assert error["details"]["minimum_wage"] == 1140
    english_user = await auth_headers("coordinator", locale="en")
    english = await client.post(
        "/api/assignments",
        headers=english_user,
        json=assignment_body(
            contract["id"],
            (await make_employee(client, headers))["id"],
            rate={"hourly_pay": "1139.99"},
        ),
    )
    assert english.status_code == 422
    assert "minimum wage of 愛知県" in english.json()["error"]["message"]
    listed = await client.get("/api/assignments", headers=headers)
    assert listed.json()["data"] == []  # nothing half-written


async def test_the_exact_minimum_is_accepted_and_a_rate_change_below_it_refused(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    contract = await _contract(client, headers)
    placed = await _place(client, headers, contract, "1140")
    assert placed.status_code == 201, placed.text
    detail = placed.json()["data"]
    lower = await client.post(
        f"/api/assignments/{detail['id']}/rates",
        headers=headers,
        json={"version": detail["version"], "effective_from": "2026-07-01", "hourly_pay": "1100"},
    )
    assert lower.json()["error"]["code"] == "ASSIGNMENT_BELOW_MINIMUM_WAGE"
    rates = await client.get(f"/api/assignments/{detail['id']}/rates", headers=headers)
    assert [r["hourly_pay"] for r in rates.json()["data"]] == ["1140.00"]


async def test_the_sites_prefecture_decides_not_the_agencys(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    # 東京都 FY2025: 1,226 yen. 1,200 is lawful in 愛知県 but not at a Tokyo site.
    headers = await auth_headers("coordinator")
    tokyo = await _tokyo_contract(client, headers)  # the client's head office is in 愛知県
    refused = await _place(client, headers, tokyo, "1200")
    assert refused.json()["error"]["code"] == "ASSIGNMENT_BELOW_MINIMUM_WAGE"
    assert "東京都" in refused.json()["error"]["message"]
    aichi = await _contract(client, headers)
    assert (await _place(client, headers, aichi, "1200")).status_code == 201


async def test_an_entered_fiscal_year_is_checked_from_its_effective_date(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    added = await client.post(
        "/api/minimum-wages",
        headers=admin,
        json=year_body(2026, yen=1100, p23=(1200, dt.date(2026, 10, 15))),
    )
    assert added.status_code == 201, added.text
    contract = await _contract(client, admin)
    late = {"start_date": "2026-10-15", "end_date": "2027-03-31"}
    refused = await _place(client, admin, contract, "1150", **late)
    error = refused.json()["error"]
    assert error["code"] == "ASSIGNMENT_BELOW_MINIMUM_WAGE"
    assert "1200" in error["message"] and "2026年10月15日" in error["message"]
    assert (await _place(client, admin, contract, "1200", **late)).status_code == 201


async def test_a_rate_effective_on_the_new_amounts_day_is_checked_against_it(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    await client.post(
        "/api/minimum-wages",
        headers=admin,
        json=year_body(2026, yen=1100, p23=(1200, dt.date(2026, 10, 15))),
    )
    contract = await _contract(client, admin)
    placed = (await _place(client, admin, contract, "1140", end_date="2027-03-31")).json()["data"]
    before = await client.post(
        f"/api/assignments/{placed['id']}/rates",
        headers=admin,
        json={"version": placed["version"], "effective_from": "2026-10-14", "hourly_pay": "1150"},
    )
    assert before.status_code == 201, before.text
    on_the_day = await client.post(
        f"/api/assignments/{placed['id']}/rates",
        headers=admin,
        json={
            "version": before.json()["data"]["version"],
            "effective_from": "2026-10-15",
            "hourly_pay": "1199",
        },
    )
    assert on_the_day.json()["error"]["code"] == "ASSIGNMENT_BELOW_MINIMUM_WAGE"


async def test_placements_below_an_amount_within_60_days_are_warned_of(
    client: httpx.AsyncClient, auth_headers: Any, app: Any, make_user: Any
) -> None:
    # On the real date: a new Aichi amount takes effect in 30 days.
    today = dt.datetime.now(ZoneInfo(app.state.settings.timezone)).date()
    effective = today + dt.timedelta(days=30)
    fiscal_year = effective.year if effective.month >= 4 else effective.year - 1
    admin = await auth_headers("admin")
    added = await client.post(
        "/api/minimum-wages",
        headers=admin,
        json=year_body(fiscal_year, yen=1000, effective=effective, p23=(1500, effective)),
    )
    assert added.status_code == 201, added.text
    contract = await _contract(client, admin)
    running = {"start_date": (today - dt.timedelta(days=10)).isoformat()}
    running["end_date"] = (today + dt.timedelta(days=100)).isoformat()
    flat = (await _place(client, admin, contract, "1300", **running)).json()["data"]
    raised = (await _place(client, admin, contract, "1300", **running)).json()["data"]
    raise_on = await client.post(
        f"/api/assignments/{raised['id']}/rates",
        headers=admin,
        json={
            "version": raised["version"],
            "effective_from": effective.isoformat(),
            "hourly_pay": "1500",
        },
    )
    assert raise_on.status_code == 201, raise_on.text

    coordinator = await make_user("coordinator")
    await _page_login(client, coordinator["email"])
    home = (await client.get("/")).text
    assert 'id="home-minimum-wage"' in home
    assert f"/assignments/{flat['id']}/rates/new" in home
    assert f"/assignments/{raised['id']}/rates/new" not in home

    async with session_scope(app.state.database, write=True) as session:
        result = await minimum_wage_check(
            JobContext(session, app.state.settings, "test-key", 1, "test-request")
        )
    assert (result["below_now"], result["below_ahead"]) == (0, 1)
    assert result["assignment_ids"] == [flat["id"]]
