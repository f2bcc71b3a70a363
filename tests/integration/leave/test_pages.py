"""The leave pages (SQLite and PostgreSQL): the leave list with the workers at risk of the
5-day duty, the ledger with designations and cancellation through the confirmation page, the
balance on the employee page and in the worker's portal; exact statement counts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import pytest

from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries
from haken.platform.formatting import format_day
from tests.integration.leave.factories import granted_employee, today
from tests.integration.web.conftest import PageLogin, csrf_token


def _day(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


async def _office(
    client: httpx.AsyncClient,
    make_user: Any,
    page_login: PageLogin,
    role: str,
    locale: str,
    **f: Any,
) -> dict[str, Any]:
    user = await make_user(role, locale=locale, **f)
    await page_login(user["email"])
    return user


async def _designate(
    client: httpx.AsyncClient, employee_id: int, data: dict[str, Any]
) -> httpx.Response:
    page = await client.get(f"/employees/{employee_id}/leave")
    assert page.status_code == 200, page.text
    token = re.search(r'name="submission_token" value="([^"]+)"', page.text)
    assert token
    return await client.post(
        f"/employees/{employee_id}/leave/designations",
        data={"csrf_token": csrf_token(page.text), "submission_token": token.group(1), **data},
    )


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("有給休暇", "残日数", "5日取得期限", "年次有給休暇管理簿", "時季指定")),
        ("en", ("Paid leave", "Days left", "5-day deadline", "Paid leave ledger", "Designated")),
    ],
)
async def test_the_list_and_the_ledger_render_with_data(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
) -> None:
    headers = await auth_headers("admin")
    # Hired 17 months ago: the first grant's 5-day deadline is a month away, none taken.
    risky = await granted_employee(client, headers, months=17)
    calm = await granted_employee(client, headers, months=7)
    done = await client.post(
        f"/api/leave/employees/{calm['employee']['id']}/designations",
        headers=headers,
        json={"kind": "designation", "dates": [_day(3)]},
    )
    assert done.status_code == 201, done.text
    await _office(client, make_user, page_login, "coordinator", locale)
    page = await client.get("/leave")
    assert page.status_code == 200, page.text
    for word in words[:3]:
        assert word in page.text
    assert f'href="/employees/{risky["employee"]["id"]}/leave"' in page.text
    assert f'href="/employees/{calm["employee"]["id"]}/leave"' in page.text
    assert 'aria-sort="ascending"' in page.text  # by the 5-day deadline
    only = await client.get("/leave", params={"at_risk": "true"})
    assert f'/employees/{risky["employee"]["id"]}/leave"' in only.text
    assert f'/employees/{calm["employee"]["id"]}/leave"' not in only.text
    ledger = await client.get(f"/employees/{calm['employee']['id']}/leave")
    assert ledger.status_code == 200
    for word in words[3:]:
        assert word in ledger.text
    assert format_day(today() + dt.timedelta(days=3), locale=locale, weekday=True) in ledger.text
    detail = await client.get(f"/employees/{calm['employee']['id']}")
    assert f'href="/employees/{calm["employee"]["id"]}/leave"' in detail.text


async def test_a_designation_through_the_form_updates_the_ledger_and_errors_name_the_dates(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    made = await granted_employee(client, headers, months=17)
    worker = made["employee"]["id"]
    await _office(client, make_user, page_login, "coordinator", "en")
    # A date before the hire date is refused on the dates field, nothing written.
    early = (made["hired"] - dt.timedelta(days=1)).isoformat()
    refused = await _designate(client, worker, {"kind": "designation", "dates": [early]})
    assert refused.status_code == 422
    assert 'id="f-dates-error"' in refused.text and 'aria-invalid="true"' in refused.text
    ledger = (await client.get(f"/api/leave/employees/{worker}", headers=headers)).json()["data"]
    assert ledger["takings"] == []
    # Two planned half days: recorded, counted toward the 5 days, shown in the ledger.
    saved = await _designate(
        client, worker, {"kind": "planned", "dates": [_day(5), _day(6)], "half_day": "on"}
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/employees/{worker}/leave"
    ledger = (await client.get(f"/api/leave/employees/{worker}", headers=headers)).json()["data"]
    assert [(t["day"], t["unit"], t["kind"]) for t in ledger["takings"]] == [
        (_day(5), "half_day", "planned"),
        (_day(6), "half_day", "planned"),
    ]
    assert ledger["remaining"] == "9.000"
    assert ledger["duties"][0]["counted"] == "1.0"
    page = await client.get(f"/employees/{worker}/leave")
    assert "Planned" in page.text and "1 of 5 taken or designated" in page.text


async def test_cancelling_leave_needs_the_confirmation_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    made = await granted_employee(client, headers, months=7)
    worker = made["employee"]["id"]
    done = await client.post(
        f"/api/leave/employees/{worker}/designations",
        headers=headers,
        json={"kind": "designation", "dates": [_day(4)]},
    )
    taking = done.json()["data"]["taking_ids"][0]
    await _office(client, make_user, page_login, "coordinator", "ja")
    ledger = await client.get(f"/employees/{worker}/leave")
    cancel_url = f"/employees/{worker}/leave/takings/{taking}/cancel"
    # The ledger links to the confirmation page; it has no one-click cancel form.
    assert f'href="{cancel_url}"' in ledger.text
    assert f'action="{cancel_url}"' not in ledger.text
    confirm = await client.get(cancel_url)
    assert confirm.status_code == 200
    assert f'action="{cancel_url}"' in confirm.text and "取り消" in confirm.text
    kept = (await client.get(f"/api/leave/employees/{worker}", headers=headers)).json()["data"]
    assert [t["cancelled"] for t in kept["takings"]] == [False]
    # Without the CSRF token of the page: refused, nothing cancelled.
    forged = await client.post(cancel_url, data={})
    assert forged.status_code == 403
    posted = await client.post(cancel_url, data={"csrf_token": csrf_token(confirm.text)})
    assert posted.status_code == 303
    after = (await client.get(f"/api/leave/employees/{worker}", headers=headers)).json()["data"]
    assert [t["cancelled"] for t in after["takings"]] == [True]
    assert after["remaining"] == "10.000"
    # Cancelled already: the confirmation page is a 404.
    assert (await client.get(cancel_url)).status_code == 404


@pytest.mark.parametrize(
    ("locale", "left", "until"),
    [("ja", "残り 8日", "までに8日を使えます"), ("en", "8 days left", "Use 8 of them by")],
)
async def test_the_portal_shows_the_workers_own_balance_only(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    left: str,
    until: str,
) -> None:
    headers = await auth_headers("admin")
    mine = await granted_employee(client, headers, months=7)
    other = await granted_employee(client, headers, months=43)
    worker = mine["employee"]["id"]
    await client.post(
        f"/api/leave/employees/{worker}/designations",
        headers=headers,
        json={"kind": "designation", "dates": [_day(2), _day(9)]},
    )
    user = await make_user("employee", employee_id=worker, locale=locale)
    await page_login(user["email"])
    portal = await client.get("/me")
    assert portal.status_code == 200
    assert left in portal.text and until in portal.text
    ledger = (await client.get(f"/api/leave/employees/{worker}", headers=headers)).json()["data"]
    assert format_day(dt.date.fromisoformat(ledger["grants"][0]["expires_on"]), locale=locale) in (
        portal.text
    )
    # Another worker's figures never; the staff pages are not theirs.
    other_left = (
        await client.get(f"/api/leave/employees/{other['employee']['id']}", headers=headers)
    ).json()["data"]["remaining"]
    assert other_left != "8.000"
    for path in (
        "/leave",
        f"/employees/{worker}/leave",
        f"/employees/{other['employee']['id']}/leave",
    ):
        response = await client.get(path)
        assert response.status_code in (403, 404), path


async def test_the_list_page_runs_a_fixed_number_of_statements(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    made = [await granted_employee(client, headers, months=m) for m in (7, 17, 43)]
    await _office(client, make_user, page_login, "coordinator", "ja")
    # The caller, the page (its total and the number at risk as subqueries), the names.
    with cache_bypass(), assert_num_queries(3):
        page = await client.get("/leave")
    assert page.text.count('/leave">') >= 3
    with cache_bypass(), assert_num_queries(3):
        sorted_page = await client.get("/leave", params={"sort": "-remaining", "at_risk": "true"})
    assert sorted_page.status_code == 200
    # A site manager: 3 too — the caller with their sites (one statement), the page (the
    # ids of the workers at those sites folded in as a subquery), the names (was 5).
    manager = await make_user("site_manager", site_ids=[made[0]["site_id"]])
    client.cookies.clear()
    await page_login(manager["email"])
    with cache_bypass(), assert_num_queries(3):
        mine = await client.get("/leave")
    assert f'/employees/{made[0]["employee"]["id"]}/leave"' in mine.text
    assert f'/employees/{made[1]["employee"]["id"]}/leave"' not in mine.text
    assert (await client.get(f"/employees/{made[1]['employee']['id']}/leave")).status_code == 404
    assert (await client.get(f"/employees/{made[0]['employee']['id']}/leave")).status_code == 200


async def test_every_page_of_the_list_runs_three_statements_for_office_and_site_manager(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """First and later pages alike: caller, page (scope folded in), names."""
    from haken.modules.leave import pages

    headers = await auth_headers("admin")
    made = [await granted_employee(client, headers, months=m) for m in (7, 17, 43, 7)]
    inside = {m["employee"]["id"] for m in made[:3]}
    monkeypatch.setattr(pages, "LIST_PAGE_SIZE", 2)
    for role, sites, expected in (
        ("coordinator", [], inside | {made[3]["employee"]["id"]}),
        ("site_manager", [m["site_id"] for m in made[:3]], inside),
    ):
        client.cookies.clear()
        await _office(client, make_user, page_login, role, "ja", site_ids=sites)
        await client.get("/leave")  # warm the principal
        seen: list[int] = []
        cursor: str | None = None
        pages_read = 0
        while True:
            params = {"sort": "remaining", **({"cursor": cursor} if cursor else {})}
            with cache_bypass(), assert_num_queries(3):
                response = await client.get("/leave", params=params)
            assert response.status_code == 200, response.text
            seen += map(int, re.findall(r'href="/employees/(\d+)/leave"', response.text))
            pages_read += 1
            found = re.search(r'cursor=([^"&]+)"[^>]*rel="next"', response.text)
            if found is None:
                break
            cursor = found.group(1)
        assert pages_read == 2, role
        assert sorted(seen) == sorted(expected), role


async def test_the_list_pages_by_cursor_in_every_sort(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    ids = {
        (await granted_employee(client, headers, months=m))["employee"]["id"] for m in (7, 17, 43)
    }
    await _office(client, make_user, page_login, "coordinator", "en")
    from haken.modules.leave import pages

    original = pages.LIST_PAGE_SIZE
    pages.LIST_PAGE_SIZE = 2
    try:
        for sort in ("deadline", "-deadline", "remaining", "-remaining", "expiry", "-expiry"):
            first = await client.get("/leave", params={"sort": sort})
            seen = set(map(int, re.findall(r'href="/employees/(\d+)/leave"', first.text)))
            cursor = re.search(r'cursor=([^"&]+)"[^>]*rel="next"', first.text)
            assert cursor, sort
            second = await client.get(
                "/leave", params={"sort": sort, "cursor": cursor.group(1).replace("&amp;", "&")}
            )
            assert second.status_code == 200, second.text
            seen |= set(map(int, re.findall(r'href="/employees/(\d+)/leave"', second.text)))
            assert seen == ids, sort
    finally:
        pages.LIST_PAGE_SIZE = original
