"""Entering a fiscal year's minimum wages (API and page), and the refusals around it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from haken.labor.minimum_wage import PREFECTURE_CODES
from tests.conftest import TEST_PASSWORD
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


async def test_shipped_years_are_listed_with_the_published_amounts(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    years = (await client.get("/api/minimum-wages", headers=headers)).json()["data"]
    assert [(y["fiscal_year"], y["shipped"], y["prefectures"]) for y in years] == [
        (2025, True, 47),
        (2024, True, 47),
    ]
    fy2025 = (await client.get("/api/minimum-wages/2025", headers=headers)).json()["data"]
    aichi = next(a for a in fy2025["amounts"] if a["prefecture"] == "23")
    assert (aichi["hourly_yen"], aichi["effective_from"], aichi["prefecture_name"]) == (
        1140,
        "2025-10-18",
        "愛知県",
    )
    missing = await client.get("/api/minimum-wages/2026", headers=headers)
    assert missing.status_code == 404


async def test_admin_adds_a_year_and_may_remove_it_but_never_a_shipped_one(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    coordinator = await auth_headers("coordinator")
    body = year_body(2026, p23=(1200, dt.date(2026, 10, 15)))
    refused = await client.post("/api/minimum-wages", headers=coordinator, json=body)
    assert refused.status_code == 403
    created = await client.post("/api/minimum-wages", headers=admin, json=body)
    assert created.status_code == 201, created.text
    aichi = next(a for a in created.json()["data"]["amounts"] if a["prefecture"] == "23")
    assert (aichi["hourly_yen"], aichi["effective_from"], aichi["shipped"]) == (
        1200,
        "2026-10-15",
        False,
    )
    again = await client.post("/api/minimum-wages", headers=admin, json=body)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "MINIMUM_WAGE_YEAR_EXISTS")
    shipped = await client.post("/api/minimum-wages", headers=admin, json=year_body(2025))
    assert (shipped.status_code, shipped.json()["error"]["code"]) == (
        409,
        "MINIMUM_WAGE_YEAR_SHIPPED",
    )
    assert (await client.delete("/api/minimum-wages/2025", headers=admin)).status_code == 409
    removed = await client.delete("/api/minimum-wages/2026", headers=admin)
    assert removed.json()["data"] == {"fiscal_year": 2026, "outcome": "deleted", "removed": 47}
    assert (await client.get("/api/minimum-wages/2026", headers=admin)).status_code == 404


async def test_a_year_needs_every_prefecture_with_dates_inside_it(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    short = year_body(2026)
    short["amounts"] = short["amounts"][:46]
    response = await client.post("/api/minimum-wages", headers=admin, json=short)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "VALIDATION_FAILED")
    doubled = year_body(2026)
    doubled["amounts"][46] = dict(doubled["amounts"][0])
    response = await client.post("/api/minimum-wages", headers=admin, json=doubled)
    assert response.status_code == 422
    late = year_body(2026, p47=(1100, dt.date(2027, 4, 1)))
    response = await client.post(
        "/api/minimum-wages", headers={**admin, "Accept-Language": "en"}, json=late
    )
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (422, "MINIMUM_WAGE_DATE_OUTSIDE_YEAR")
    # The user's language (ja) wins over Accept-Language; dates read as the pages print them.
    assert "沖縄県" in error["message"] and "2027年4月1日" in error["message"]
    assert "（2026年4月1日〜2027年3月31日）" in error["message"]
    assert "2027-04-01" not in error["message"]
    assert (await client.get("/api/minimum-wages/2026", headers=admin)).status_code == 404


async def test_the_page_form_enters_47_rows(client: httpx.AsyncClient, make_user: Any) -> None:
    admin = await make_user("admin")
    await _page_login(client, admin["email"])
    form = await client.get("/minimum-wages/new")
    assert form.status_code == 200
    assert form.text.count('type="date"') == 47
    data: dict[str, str] = {"csrf_token": csrf_token(form.text), "fiscal_year": "2026"}
    for code in PREFECTURE_CODES:
        n = int(code)
        data[f"amounts-{n}-prefecture"] = code
        data[f"amounts-{n}-hourly_yen"] = str(1100 + n)
        data[f"amounts-{n}-effective_from"] = "2026-10-01"
    data["amounts-13-hourly_yen"] = ""  # Tokyo left empty: refused on its row, nothing written
    refused = await client.post("/minimum-wages", data=data)
    assert refused.status_code == 422
    assert 'id="f-amounts-13-hourly_yen-error"' in refused.text
    data["amounts-13-hourly_yen"] = "1290"
    saved = await client.post("/minimum-wages", data=data)
    assert saved.status_code == 303, saved.text
    listed = await client.get(saved.headers["location"])
    assert "1290" in listed.text and "2026" in listed.text


async def test_the_home_page_says_when_the_current_years_amounts_are_missing(
    client: httpx.AsyncClient, make_user: Any, auth_headers: Any, app: Any
) -> None:
    # Runs on the real date (the home page has no clock to set): from October 1 on, the
    # current fiscal year must have amounts; FY2024/FY2025 ship, later years are entered.
    today = dt.datetime.now(ZoneInfo(app.state.settings.timezone)).date()
    fiscal_year = today.year if today.month >= 4 else today.year - 1
    expect_missing = fiscal_year >= 2026 and today >= dt.date(fiscal_year, 10, 1)
    coordinator = await make_user("coordinator")
    await _page_login(client, coordinator["email"])
    home = await client.get("/")
    panel = 'id="home-minimum-wage-missing"'
    assert home.status_code == 200
    assert (panel in home.text) is expect_missing
    if expect_missing:
        assert f"FY{fiscal_year}" in home.text or f"{fiscal_year}年度" in home.text
    if fiscal_year >= 2026:
        admin = await auth_headers("admin")
        added = await client.post("/api/minimum-wages", headers=admin, json=year_body(fiscal_year))
        assert added.status_code == 201
        assert panel not in (await client.get("/")).text
