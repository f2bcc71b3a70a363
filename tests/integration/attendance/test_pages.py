"""The attendance pages (SQLite and PostgreSQL): a site's month grid with cells saved in place,
the approval queue, a worker's month, the periods (close, reopen with a reason) and the
employee's own timecards in the portal; refusals shown on the page; exact statement counts."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from haken.modules.attendance import pages as attendance_pages
from haken.platform.db import assert_num_queries
from tests.integration.assignments.factories import assign, make_employee
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
    # (the sign-in session is cached by the requests above) the rows (placements joined to
    # the names: the other areas' SQL fragments), the page's cards, the shifts
    with assert_num_queries(3):
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


async def test_the_grid_pages_by_worker_at_the_same_cost_on_every_page(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(attendance_pages, "GRID_PAGE", 2)
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    names = (
        ("アオキ ハナ", "Aoki Hana"),
        ("イトウ ジロウ", "Ito Jiro"),
        ("ウエダ サブロウ", "Ueda Saburo"),
    )
    for n, (kana, romaji) in enumerate(names):
        worker = await make_employee(
            client, headers, name_kana=kana, name_kanji=f"社員{n}", name_romaji=romaji
        )
        assigned = await assign(client, headers, placed["contract"]["id"], worker["id"])
        if n == 2:
            await enter(client, headers, assigned["id"], "2026-04-07")
    await _as(make_user, page_login, "coordinator", "en")
    path = f"/attendance/sites/{placed['site_id']}"
    await client.get(f"{path}?month=2026-04")  # caches the sign-in session
    with assert_num_queries(3):
        first = await client.get(f"{path}?month=2026-04")
    assert first.status_code == 200, first.text
    assert first.text.index("社員0") < first.text.index("社員1")
    assert "社員2" not in first.text and "山田 太郎" not in first.text
    assert first.text.count('class="cell') == 2 * 30
    following = re.search(r'href="\?(month=2026-04&amp;cursor=[^"]+)" hx-get', first.text)
    assert following is not None, first.text
    with assert_num_queries(3):  # the same three statements on the next page
        second = await client.get(f"{path}?{following.group(1).replace('&amp;', '&')}")
    assert second.status_code == 200, second.text
    assert "社員2" in second.text and "山田 太郎" in second.text  # ウ… then ヤ…
    assert "社員0" not in second.text
    assert "08:00" in second.text  # the page's cards were read
    assert 'rel="next"' not in second.text.split('class="pager"')[-1]
    htmx = await client.get(f"{path}?month=2026-04", headers={"HX-Request": "true"})
    assert "<html" not in htmx.text and "社員0" in htmx.text


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
    # the cards with the names of their workers and sites joined, the sites' 36協定 (none:
    # no ledger read)
    with assert_num_queries(2):
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


async def test_the_queue_pages_in_three_statements_on_every_page(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(attendance_pages, "QUEUE_SIZE", 1)
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    agreed = await client.post(
        "/api/attendance/agreements",
        headers=headers,
        json={"site_id": placed["site_id"], "period_start": "2026-04-01"},
    )
    assert agreed.status_code == 201, agreed.text
    for day in ("2026-04-06", "2026-04-07"):
        made = (await enter(client, headers, placed["assignment"]["id"], day)).json()["data"]
        assert (await act(client, headers, made, "submit")).status_code == 200
    await _as(make_user, page_login, "site_manager", "en", site_ids=[placed["site_id"]])
    await client.get("/attendance/approvals")  # caches the sign-in session
    # the cards with their workers' and sites' names, the sites' 36協定, the workers' ledger
    with assert_num_queries(3):
        first = await client.get("/attendance/approvals")
    assert first.status_code == 200, first.text
    assert "6 Apr" in first.text and "7 Apr" not in first.text
    assert "山田 太郎" in first.text and "工場" in first.text and "株式会社派遣先" in first.text
    following = re.search(r'href="\?(cursor=[^"]+)" hx-get', first.text)
    assert following is not None, first.text
    with assert_num_queries(3):
        second = await client.get(f"/attendance/approvals?{following.group(1)}")
    assert second.status_code == 200, second.text
    assert "7 Apr" in second.text and "6 Apr" not in second.text
    assert "山田 太郎" in second.text


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


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("請求期間", "締め済み", "の請求期間")),
        ("en", ("Billing periods", "closed", "Close the billing period")),
    ],
)
async def test_a_contracts_billing_period_closes_refuses_edits_and_reopens_with_a_reason(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, str, str],
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers, contract_fields={"billing_cutoff_day": 20})
    contract = placed["contract"]
    inside = await approved(client, headers, placed["assignment"]["id"], DAY)
    after = await approved(client, headers, placed["assignment"]["id"], "2026-04-21")
    other = await placement(client, headers)  # another contract: its days stay open
    elsewhere = await approved(client, headers, other["assignment"]["id"], DAY)
    await _as(make_user, page_login, "admin", locale)
    confirm = await client.get(
        f"/attendance/billing-periods/close?contract_id={contract['id']}&day={DAY}"
    )
    assert confirm.status_code == 200, confirm.text
    assert words[2] in confirm.text and contract["contract_number"] in confirm.text
    closed = await client.post(
        "/attendance/billing-periods/close",
        data={
            "csrf_token": csrf_token(confirm.text),
            "contract_id": str(contract["id"]),
            "day": DAY,
        },
    )
    assert closed.status_code == 303, closed.text
    assert closed.headers["location"] == f"/attendance/billing-periods?contract_id={contract['id']}"
    with assert_num_queries(3):  # the periods, the running contracts, the page's numbers
        listed = await client.get(f"/attendance/billing-periods?contract_id={contract['id']}")
    assert listed.status_code == 200, listed.text
    assert words[0] in listed.text and words[1] in listed.text
    assert contract["contract_number"] in listed.text
    periods = (
        await client.get(
            "/api/attendance/periods", headers=headers, params={"contract_id": contract["id"]}
        )
    ).json()["data"]
    assert [(p["kind"], p["subject_id"], p["period_start"], p["period_end"]) for p in periods] == [
        ("billing", contract["id"], "2026-03-21", "2026-04-20")
    ]
    # the billing period's card is locked and refused with the catalog error; the next
    # period's card and another contract's card on the same day are not
    refused = await client.patch(
        f"/api/attendance/timecards/{inside['id']}",
        headers=headers,
        json={"version": inside["version"] + 1, "note": "訂正"},
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ATTENDANCE_PERIOD_CLOSED"
    for card in (after, elsewhere):
        edited = await client.patch(
            f"/api/attendance/timecards/{card['id']}",
            headers=headers,
            json={"version": card["version"], "note": "訂正"},
        )
        assert edited.status_code == 200, edited.text
    again = await client.post(
        "/attendance/billing-periods/close",
        data={
            "csrf_token": csrf_token(confirm.text),
            "contract_id": str(contract["id"]),
            "day": DAY,
        },
    )
    assert again.status_code == 303  # refused: the message is flashed on the list
    assert len((await client.get("/api/attendance/periods", headers=headers)).json()["data"]) == 1
    period_id = periods[0]["id"]
    form = await client.get(f"/attendance/periods/{period_id}/reopen")
    assert f'href="/attendance/billing-periods?contract_id={contract["id"]}"' in form.text
    done = await client.post(
        f"/attendance/periods/{period_id}/reopen",
        data={"csrf_token": csrf_token(form.text), "version": "1", "reason": "請求額の訂正"},
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/attendance/billing-periods?contract_id={contract['id']}"
    reopened = await client.get(f"/api/attendance/timecards/{inside['id']}", headers=headers)
    assert reopened.json()["data"]["state"] == "approved"
    audit = await client.get(
        "/api/audit", headers=headers, params={"entity_type": "attendance_period"}
    )
    actions = [(r["action"], r["entity_id"]) for r in audit.json()["data"]]
    assert ("close", str(period_id)) in actions and ("reopen", str(period_id)) in actions


async def test_the_billing_period_pages_are_the_admins(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    await _as(make_user, page_login, "coordinator", "ja")
    listed = await client.get("/attendance/billing-periods")
    assert listed.status_code == 200, listed.text
    assert "/attendance/billing-periods/close" not in listed.text  # no close form
    assert placed["contract"]["contract_number"] in listed.text  # the filter's choices
    refused = await client.get(
        f"/attendance/billing-periods/close?contract_id={placed['contract']['id']}&day={DAY}"
    )
    assert refused.status_code == 403


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
