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
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, role: str, locale: str, **f: Any
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
