"""The attendance pages (SQLite and PostgreSQL): a site's month grid with cells saved in place,
the approval queue, a worker's month, the periods (close, reopen with a reason) and the
employee's own timecards in the portal; refusals shown on the page; exact statement counts."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from haken.platform.db import assert_num_queries
from tests.integration.attendance.factories import act, approved, enter, placement
from tests.integration.web.conftest import PageLogin, csrf_token

DAY = "2026-04-06"  # a Monday inside the placement (2026-04-01 – 2026-09-30)


async def _as(
    make_user: Any, page_login: PageLogin, role: str, locale: str = "ja", **f: Any
) -> None:
    user = await make_user(role, locale=locale, **f)
    await page_login(user["email"])


async def _cell_post(
    client: httpx.AsyncClient, placed: dict[str, Any], day: str, data: dict[str, str]
) -> httpx.Response:
    path = f"/attendance/sites/{placed['site_id']}/cells/{placed['assignment']['id']}/{day}"
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return await client.post(
        path, data={"csrf_token": csrf_token(page.text), **data}, headers={"HX-Request": "true"}
    )


@pytest.mark.parametrize(
    ("locale", "words"),
    [("ja", ("前月", "翌月", "提出")), ("en", ("Previous month", "Next month", "Submitted"))],
)
async def test_the_grid_renders_in_bounded_queries_and_a_cell_saves_in_place(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    other = await placement(client, headers)  # another site: not in this grid
    card = (await enter(client, headers, placed["assignment"]["id"], "2026-04-07")).json()["data"]
    assert (await act(client, headers, card, "submit")).status_code == 200
    await enter(client, headers, other["assignment"]["id"], "2026-04-07", start="09:00")
    await _as(make_user, page_login, "coordinator", locale)
    picker = await client.get("/attendance")
    assert f'<option value="{placed["site_id"]}">' in picker.text
    chosen = await client.get(f"/attendance?site_id={placed['site_id']}&month=2026-04")
    assert chosen.headers["location"] == f"/attendance/sites/{placed['site_id']}?month=2026-04"
    # (the sign-in session is cached by the requests above) placements, names, cards, shifts
    with assert_num_queries(4):
        page = await client.get(f"/attendance/sites/{placed['site_id']}?month=2026-04")
    assert page.status_code == 200, page.text
    assert "山田 太郎" in page.text
    for word in words:
        assert word in page.text
    assert page.text.count('class="cell') == 30  # April: one cell per day of the one placement
    saved = await _cell_post(
        client, placed, DAY, {"start": "08:30", "end": "17:30", "break_minutes": "60"}
    )
    assert saved.status_code == 200, saved.text
    assert f'id="cell-{placed["assignment"]["id"]}-{DAY}"' in saved.text
    assert "08:30" in saved.text and "<form" not in saved.text
    listed = await client.get(
        f"/api/attendance/timecards?employee_id={placed['employee']['id']}", headers=headers
    )
    days = {c["work_date"]: c for c in listed.json()["data"]}
    assert days[DAY]["worked_minutes"] == 480
    assert days[DAY]["start"].startswith("08:30")


async def test_a_refused_cell_shows_the_message_and_writes_nothing(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    await _as(make_user, page_login, "coordinator", "en")
    bad = await _cell_post(client, placed, DAY, {"start": "08:00", "break_minutes": "0"})
    assert bad.status_code == 422, bad.text
    assert "A worked day needs a start and an end time" in bad.text
    assert 'aria-invalid="true"' in bad.text
    listed = await client.get(
        f"/api/attendance/timecards?employee_id={placed['employee']['id']}", headers=headers
    )
    assert listed.json()["data"] == []


async def test_an_edit_after_the_close_shows_the_catalog_error_on_the_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    card = await approved(client, headers, placed["assignment"]["id"], DAY)
    closed = await client.post(
        "/api/attendance/periods/close", headers=headers, json={"kind": "payroll", "day": DAY}
    )
    assert closed.status_code == 200, closed.text
    await _as(make_user, page_login, "coordinator", "ja")
    refused = await _cell_post(
        client,
        placed,
        DAY,
        {"timecard_id": str(card["id"]), "version": str(card["version"] + 1), "end": "18:00"},
    )
    assert refused.status_code == 422, refused.text
    assert "を含む期間は締め済みです" in refused.text
    after = await client.get(f"/api/attendance/timecards/{card['id']}", headers=headers)
    assert after.json()["data"]["end"].startswith("17:00")


async def test_the_queue_shows_the_sites_submitted_days_and_approves_and_sends_back(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    elsewhere = await placement(client, headers)
    cards = []
    for day in ("2026-04-06", "2026-04-07"):
        made = (await enter(client, headers, placed["assignment"]["id"], day)).json()["data"]
        cards.append((await act(client, headers, made, "submit")).json()["data"])
    hidden = (await enter(client, headers, elsewhere["assignment"]["id"], DAY)).json()["data"]
    assert (await act(client, headers, hidden, "submit")).status_code == 200
    await _as(make_user, page_login, "site_manager", "ja", site_ids=[placed["site_id"]])
    await client.get("/attendance/approvals")  # caches the sign-in session
    # cards, names, sites, the sites' 36協定 (none: no ledger read)
    with assert_num_queries(4):
        page = await client.get("/attendance/approvals")
    assert page.status_code == 200, page.text
    assert page.text.count("/approve") == 2
    assert f"/attendance/timecards/{hidden['id']}/" not in page.text
    token = csrf_token(page.text)
    empty = await client.post(
        f"/attendance/timecards/{cards[1]['id']}/reject",
        data={"csrf_token": token, "version": str(cards[1]["version"]), "comment": ""},
    )
    assert empty.status_code == 422, empty.text
    assert f'id="f-comment-{cards[1]["id"]}-error"' in empty.text
    done = await client.post(
        f"/attendance/timecards/{cards[0]['id']}/approve",
        data={"csrf_token": token, "version": str(cards[0]["version"])},
    )
    assert done.status_code == 303, done.text
    back = await client.post(
        f"/attendance/timecards/{cards[1]['id']}/reject",
        data={"csrf_token": token, "version": str(cards[1]["version"]), "comment": "退勤漏れ"},
    )
    assert back.status_code == 303, back.text
    states = {
        c["id"]: (c["state"], c["rejected_comment"])
        for c in (
            await client.get(
                f"/api/attendance/timecards?employee_id={placed['employee']['id']}",
                headers=headers,
            )
        ).json()["data"]
    }
    assert states == {cards[0]["id"]: ("approved", None), cards[1]["id"]: ("draft", "退勤漏れ")}
    other = await client.get(f"/attendance/employees/{elsewhere['employee']['id']}/months/2026-04")
    assert other.status_code == 404


async def test_the_workers_month_shows_classified_minutes_and_totals(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    # 08:00–20:00 with a 60 min break: 8 h regular and 3 h overtime.
    await approved(client, headers, placed["assignment"]["id"], DAY, end="20:00")
    await _as(make_user, page_login, "coordinator", "en")
    page = await client.get(f"/attendance/employees/{placed['employee']['id']}/months/2026-04")
    assert page.status_code == 200, page.text
    assert "Overtime" in page.text
    assert "11:00" in page.text  # worked in the period's totals
    assert ">3:00<" in page.text  # the day's overtime


async def test_periods_close_through_confirmation_and_reopen_needs_a_reason(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    await approved(client, headers, placed["assignment"]["id"], DAY)
    await _as(make_user, page_login, "admin", "ja")
    confirm = await client.get(f"/attendance/periods/close?day={DAY}")
    assert confirm.status_code == 200, confirm.text
    closed = await client.post(
        "/attendance/periods/close",
        data={"csrf_token": csrf_token(confirm.text), "kind": "payroll", "day": DAY},
    )
    assert closed.status_code == 303, closed.text
    listed = await client.get("/attendance/periods")
    period_id = int(re.search(r"/attendance/periods/(\d+)/reopen", listed.text).group(1))  # type: ignore[union-attr]
    form = await client.get(f"/attendance/periods/{period_id}/reopen")
    blank = await client.post(
        f"/attendance/periods/{period_id}/reopen",
        data={"csrf_token": csrf_token(form.text), "version": "1", "reason": ""},
    )
    assert blank.status_code == 422, blank.text
    assert 'id="f-reason-error"' in blank.text
    state = (await client.get("/api/attendance/periods", headers=headers)).json()["data"][0]
    assert state["state"] == "closed"
    done = await client.post(
        f"/attendance/periods/{period_id}/reopen",
        data={"csrf_token": csrf_token(form.text), "version": "1", "reason": "打刻の訂正"},
    )
    assert done.status_code == 303, done.text
    state = (await client.get("/api/attendance/periods", headers=headers)).json()["data"][0]
    assert (state["state"], state["reopen_reason"]) == ("open", "打刻の訂正")


async def test_the_employee_enters_and_submits_their_own_day_in_the_portal(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    await _as(make_user, page_login, "employee", "ja", employee_id=placed["employee"]["id"])
    page = await client.get("/me/timecards?month=2026-04")
    assert page.status_code == 200, page.text
    assert '<a href="/me/timecards"' in page.text  # the employee's nav link
    outside = await client.post(
        "/me/timecards",
        data={
            "csrf_token": csrf_token(page.text),
            "assignment_id": str(placed["assignment"]["id"]),
            "work_date": "2026-10-05",
            "start": "08:00",
            "end": "17:00",
            "break_minutes": "60",
        },
    )
    assert outside.status_code == 422, outside.text
    assert "配置期間" in outside.text
    saved = await client.post(
        "/me/timecards",
        data={
            "csrf_token": csrf_token(page.text),
            "assignment_id": str(placed["assignment"]["id"]),
            "work_date": DAY,
            "start": "08:00",
            "end": "17:00",
            "break_minutes": "60",
        },
    )
    assert saved.status_code == 303, saved.text
    month = await client.get(saved.headers["location"])
    card_id = re.search(r"/attendance/timecards/(\d+)/submit", month.text).group(1)  # type: ignore[union-attr]
    submitted = await client.post(
        f"/attendance/timecards/{card_id}/submit",
        data={"csrf_token": csrf_token(month.text), "version": "1", "next": "/me/timecards"},
    )
    assert submitted.status_code == 303, submitted.text
    assert submitted.headers["location"] == "/me/timecards"
    card = (await client.get(f"/api/attendance/timecards/{card_id}", headers=headers)).json()
    assert (card["data"]["state"], card["data"]["source"]) == ("submitted", "portal")
