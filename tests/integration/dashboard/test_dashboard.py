"""The agency dashboard: exact figures, each with its link; a site manager's scope; two
statements cold (the caller and the figures' one UNION ALL) and none warm; fresh after the
writes that change it; the home page shows it with its charts in both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from haken.platform.db import assert_num_queries
from tests.integration.assignments.factories import (
    assign,
    foreign_employee,
    make_contract,
    make_employee,
    make_unit,
)
from tests.integration.attendance.factories import act, enter

PATH = "/api/dashboard"


def _today(app: Any) -> dt.date:
    return dt.datetime.now(ZoneInfo(app.state.settings.timezone)).date()


async def _dashboard(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(PATH, headers=headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def _figures(data: dict[str, Any]) -> dict[str, int]:
    return {f["key"]: f["value"] for f in data["figures"]}


async def _site(
    client: httpx.AsyncClient, admin: dict[str, str], today: dt.date, *, workers: int, ordered: int
) -> dict[str, Any]:
    """A site with a running contract ordering ``ordered`` workers and ``workers`` placed."""
    place = await make_unit(client, admin)
    contract = await make_contract(
        client,
        admin,
        place["unit_id"],
        start=(today - dt.timedelta(days=60)).isoformat(),
        end=(today + dt.timedelta(days=300)).isoformat(),
        headcount=ordered,
    )
    placed = []
    for _ in range(workers):
        worker = await make_employee(client, admin, hire_date=today.replace(day=1).isoformat())
        placed.append(
            await assign(
                client,
                admin,
                contract["id"],
                worker["id"],
                start_date=(today - dt.timedelta(days=30)).isoformat(),
                end_date=(today + dt.timedelta(days=200)).isoformat(),
            )
        )
    return {**place, "contract": contract, "assignments": placed}


async def test_the_dashboard_counts_every_figure_with_the_link_to_its_list(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    first = await _site(client, admin, today, workers=2, ordered=3)
    await _site(client, admin, today, workers=1, ordered=1)
    await foreign_employee(
        client,
        admin,
        "PERMANENT_RESIDENT",
        employment_type="staff",
        hire_date="2024-01-01",
        residence_card_expiry=(today + dt.timedelta(days=45)).isoformat(),
    )
    card = await enter(client, admin, first["assignments"][0]["id"], today.isoformat())
    assert card.status_code == 201, card.text
    submitted = await act(client, admin, card.json()["data"], "submit")
    assert submitted.status_code == 200, submitted.text

    data = await _dashboard(client, admin)
    figures = _figures(data)
    assert data["scope"] == "agency"
    assert figures["headcount"] == 4
    assert {b["key"]: b["value"] for b in data["headcount_by_type"]} == {"dispatch": 3, "staff": 1}
    assert figures["hires_this_month"] == 3
    assert figures["leavers_this_month"] == 0
    assert figures["residence_expiring"] == 1
    assert figures["timecards_awaiting"] == 1
    assert data["fill"] == {
        "ordered": 4,
        "placed": 3,
        "percent": 75,
        "href": f"/contracts?status=active&active_on={today.isoformat()}",
    }
    by_client = {int(b["key"]): b for b in data["placed_by_client"]}
    assert by_client[first["client_id"]]["value"] == 2
    assert by_client[first["client_id"]]["href"] == (
        f"/assignments?client_id={first['client_id']}&status=active&active_on={today.isoformat()}"
    )
    links = {f["key"]: f["href"] for f in data["figures"]}
    assert links["timecards_awaiting"] == "/attendance/approvals"
    assert links["leave_duty_at_risk"] == "/leave?at_risk=true"
    assert [b["key"] for b in data["trend"]][-1] == today.strftime("%Y-%m")
    assert data["trend"][-1]["value"] == 4
    assert data["margin_by_client"] == []
    assert data["occupancy"]["capacity"] == 0


async def test_the_dashboard_costs_three_statements_cold_and_none_warm(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    await _site(client, admin, _today(app), workers=1, ordered=2)
    # The caller, the figures' two UNION ALL halves (sent at the same time on PostgreSQL).
    headers = await auth_headers("coordinator")
    with assert_num_queries(3):
        await _dashboard(client, headers)
    with assert_num_queries(0):
        await _dashboard(client, headers)
    # An admin's also has the margin tile, cached apart: the margin report's two statements
    # the first time, then only after a billing or payroll write — a write the figures count
    # (a new employee) costs the two halves again (the caller is cached by now), not the
    # margins.
    admin_headers = await auth_headers("admin")
    with assert_num_queries(5):
        await _dashboard(client, admin_headers)
    await make_employee(client, admin)
    with assert_num_queries(2):
        await _dashboard(client, admin_headers)
    with assert_num_queries(0):
        await _dashboard(client, admin_headers)


async def test_a_site_manager_sees_the_figures_of_their_sites_and_no_money(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    mine = await _site(client, admin, today, workers=2, ordered=2)
    await _site(client, admin, today, workers=3, ordered=5)
    manager = await auth_headers("site_manager", site_ids=[mine["site_id"]])
    data = await _dashboard(client, manager)
    assert data["scope"] == "sites"
    assert _figures(data)["headcount"] == 2
    assert [int(b["key"]) for b in data["placed_by_site"]] == [mine["site_id"]]
    assert data["fill"]["ordered"] == 2 and data["fill"]["placed"] == 2
    assert data["margin_by_client"] is None and data["occupancy"] is None
    office = await _dashboard(client, await auth_headers("coordinator"))
    assert _figures(office)["headcount"] == 5
    # A coordinator reads margins in the margin report, of the clients they are in charge of
    assert office["margin_by_client"] is None and office["occupancy"] is not None
    nobody = await auth_headers("site_manager")  # no sites: nothing to count
    assert _figures(await _dashboard(client, nobody))["headcount"] == 0


async def test_an_employee_may_not_read_the_dashboard(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    response = await client.get(PATH, headers=await auth_headers("employee"))
    assert response.status_code == 403


async def test_the_cached_dashboard_is_fresh_after_an_approval(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    site = await _site(client, admin, today, workers=1, ordered=1)
    card = await enter(client, admin, site["assignments"][0]["id"], today.isoformat())
    submitted = await act(client, admin, card.json()["data"], "submit")
    assert _figures(await _dashboard(client, admin))["timecards_awaiting"] == 1
    approved = await act(client, admin, submitted.json()["data"], "approve")
    assert approved.status_code == 200, approved.text
    assert _figures(await _dashboard(client, admin))["timecards_awaiting"] == 0


async def test_the_home_page_shows_the_dashboard_with_its_charts_in_both_languages(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: Any
) -> None:
    admin = await auth_headers("admin")
    today = _today(app)
    site = await _site(client, admin, today, workers=2, ordered=4)
    for locale, title, fill in (
        ("ja", "12か月の在籍人数", "稼働中の個別契約の充足率"),
        ("en", "Headcount over 12 months", "Fill rate of running contracts"),
    ):
        user = await make_user("coordinator", locale=locale)
        client.cookies.clear()  # the previous page session
        await page_login(user["email"])
        page = await client.get("/")
        assert page.status_code == 200, (page.status_code, page.headers.get("location"))
        html = page.text
        assert 'data-figure="fill_rate"' in html and fill in html
        assert title in html
        assert f'href="/assignments?client_id={site["client_id"]}&amp;status=active' in html
        assert "<svg" in html and "<script" not in html.split("<main", 1)[-1]
