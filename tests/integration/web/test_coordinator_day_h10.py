"""Issue 14, "A coordinator's day": names instead of ids (2), scheduled placements (3),
foreign workers placed through the form (5) and employee numbers on hire (10)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from haken.modules.employees import service as employees_service_module
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries
from haken.platform.numbering import NumberPattern
from tests.integration.assignments.factories import (
    assign,
    foreign_employee,
    make_contract,
    make_employee,
    make_unit,
)
from tests.integration.web.conftest import PageLogin, csrf_token


def _today() -> dt.date:
    """The agency's today, read when used: a module constant went stale when the suite
    crossed midnight in Tokyo (15:00 UTC) between import and test."""
    return dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()


def _day(days: int) -> str:
    return (_today() + dt.timedelta(days=days)).isoformat()


async def _office(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin, locale: str
) -> tuple[dict[str, str], dict[str, Any]]:
    """API headers of a coordinator, and the unit of a client site; then the browser signs
    in as another coordinator in ``locale``."""
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers, dispatch_started_on=_day(-400))
    user = await make_user("coordinator", locale=locale)
    await page_login(user["email"])
    return headers, place


# --- 2. names, never a bare id -------------------------------------------------------------


async def test_lists_show_the_employees_names_with_kana_not_ids(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers, place = await _office(client, auth_headers, make_user, page_login, "ja")
    contract = await make_contract(client, headers, place["unit_id"], _day(-30), _day(300))
    worker = await make_employee(
        client, headers, name_kanji="佐々木 美咲", name_kana="ササキ ミサキ"
    )
    placed = await assign(
        client, headers, contract["id"], worker["id"], start_date=_day(-10), end_date=_day(200)
    )
    pages = (
        "/assignments",
        f"/contracts/{contract['id']}",
        f"/assignments/{placed['id']}/end",
        f"/assignments/{placed['id']}/rates/new",
    )
    for path in pages:
        page = await client.get(path)
        assert page.status_code == 200, page.text
        assert "佐々木 美咲" in page.text, path
        assert f"#{worker['id']}<" not in page.text, path
    for path in pages[:2]:  # the lists: kana under the kanji, in the link's cell
        page = await client.get(path)
        assert re.search(
            r'<a href="/employees/\d+">佐々木 美咲</a><br><small class="muted" lang="ja">'
            r"ササキ ミサキ</small>",
            page.text,
        ), path
    # The names are one batched read: the same statements for one row as for many.
    for _ in range(3):
        other = await make_employee(client, headers)
        await assign(
            client, headers, contract["id"], other["id"], start_date=_day(-5), end_date=_day(200)
        )
    with cache_bypass(), assert_num_queries(3):  # caller, page (rates in force joined), names
        many = await client.get("/assignments")
    assert many.text.count('<small class="muted" lang="ja">') == 4


# --- 3. a placement that starts in the future -----------------------------------------------


@pytest.mark.parametrize(
    ("locale", "scheduled", "working"), [("ja", "予定", "就業中"), ("en", "Scheduled", "Working")]
)
async def test_a_scheduled_placement_shows_its_rates_and_is_not_counted_as_placed(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    scheduled: str,
    working: str,
) -> None:
    headers, place = await _office(client, auth_headers, make_user, page_login, locale)
    contract = await make_contract(client, headers, place["unit_id"], _day(-30), _day(300))
    later = await make_employee(client, headers)
    now = await make_employee(client, headers)
    await assign(
        client,
        headers,
        contract["id"],
        later["id"],
        start_date=_day(14),
        end_date=_day(200),
        rate={"hourly_pay": "1555", "hourly_bill": "2155"},
    )
    await assign(
        client,
        headers,
        contract["id"],
        now["id"],
        start_date=_day(-3),
        end_date=_day(200),
        rate={"hourly_pay": "1444", "hourly_bill": "2044"},
    )
    page = await client.get(f"/contracts/{contract['id']}")
    rows = {
        "later": re.search(rf'/employees/{later["id"]}".*?</tr>', page.text, re.S),
        "now": re.search(rf'/employees/{now["id"]}".*?</tr>', page.text, re.S),
    }
    assert rows["later"] and rows["now"], page.text
    assert "¥1,555" in rows["later"].group(0) and "¥2,155" in rows["later"].group(0)
    assert f"<td>{scheduled}</td>" in rows["later"].group(0)
    assert f"<td>{working}</td>" in rows["now"].group(0)
    listed = await client.get("/assignments")
    assert f"<td>{scheduled}</td>" in listed.text and f"<td>{working}</td>" in listed.text
    employee_page = await client.get(f"/employees/{later['id']}")
    assert "¥1,555" in employee_page.text and f"<td>{scheduled}</td>" in employee_page.text
    api = (await client.get("/api/assignments", headers=headers)).json()["data"]
    phases = {row["employee_id"]: (row["phase"], row["rate"]) for row in api}
    assert phases[later["id"]][0] == "scheduled"
    assert phases[later["id"]][1]["hourly_pay"] == "1555.00"
    assert phases[now["id"]][0] == "running"
    # The home page counts only the running placement as placed.
    headcount = (await client.get("/api/employees/headcount", headers=headers)).json()["data"]
    assert headcount["placed"] == 1
    assert [row["headcount"] for row in headcount["by_site"]] == [1]
    home = await client.get("/")
    assert '<dd data-count="placed">1</dd>' in home.text


# --- 5. foreign workers through the placement form ------------------------------------------


async def _place_form(client: httpx.AsyncClient, employee_id: int) -> tuple[str, str]:
    form = await client.get(f"/assignments/new/{employee_id}")
    assert form.status_code == 200, form.text
    return form.text, csrf_token(form.text)


def _inputs(html: str) -> set[str]:
    return set(re.findall(r'<input id="f-([a-z_]+)" type="checkbox"', html)) | set(
        re.findall(r'<select id="f-(specified_skilled_field)"', html)
    )


async def test_the_placement_form_asks_what_the_residence_status_needs(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers, place = await _office(client, auth_headers, make_user, page_login, "en")
    await make_contract(client, headers, place["unit_id"], _day(-30), _day(300))
    japanese = await make_employee(client, headers)
    student = await foreign_employee(
        client, headers, "STUDENT", extra_activity_permission="BLANKET"
    )
    engineer = await foreign_employee(client, headers, "ENGINEER_HUMANITIES_INTERNATIONAL")
    skilled = await foreign_employee(client, headers, "SPECIFIED_SKILLED_WORKER_1")
    assert _inputs((await _place_form(client, japanese["id"]))[0]) == set()
    student_form = (await _place_form(client, student["id"]))[0]
    assert _inputs(student_form) == {"student_enrolled", "adult_entertainment"}
    assert "At most 28 hours a week" in student_form
    assert re.search(
        r'id="f-student_enrolled" type="checkbox" name="student_enrolled" value="true" checked',
        student_form,
    )
    assert _inputs((await _place_form(client, engineer["id"]))[0]) == {"work_matches_status"}
    assert _inputs((await _place_form(client, skilled["id"]))[0]) == {
        "specified_skilled_field",
        "agency_qualified_for_field",
    }


async def test_a_foreign_worker_is_placed_through_the_form(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers, place = await _office(client, auth_headers, make_user, page_login, "en")
    contract = await make_contract(client, headers, place["unit_id"], _day(-30), _day(300))
    engineer = await foreign_employee(client, headers, "ENGINEER_HUMANITIES_INTERNATIONAL")
    _, token = await _place_form(client, engineer["id"])
    body = {
        "contract_id": str(contract["id"]),
        "start_date": _day(1),
        "hourly_pay": "1500",
        "hourly_bill": "2100",
        "work_matches_status": "false",
        "csrf_token": token,
    }
    refused = await client.post(f"/assignments/new/{engineer['id']}", data=body)
    assert refused.status_code == 422
    assert re.search(r'id="f-work_matches_status"[^>]*aria-invalid="true"', refused.text)
    form = {**body, "work_matches_status": ["false", "true"]}  # the hidden input, the box
    placed = await client.post(f"/assignments/new/{engineer['id']}", data=form)
    assert placed.status_code == 303, placed.text
    api = (await client.get("/api/assignments", headers=headers)).json()["data"]
    assert [row["employee_id"] for row in api] == [engineer["id"]]


async def test_a_student_is_refused_over_28_hours_and_warned_close_to_it(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers, place = await _office(client, auth_headers, make_user, page_login, "en")
    full_time = await make_contract(  # 月〜金 08:00–17:00, 60 min break: 40 hours a week
        client, headers, place["unit_id"], _day(-30), _day(300)
    )
    close = await make_contract(  # 月〜木 09:00–16:00, 30 min break: 26 hours a week
        client,
        headers,
        place["unit_id"],
        _day(-30),
        _day(300),
        working_days="月〜木",
        start_time="09:00",
        end_time="16:00",
        break_minutes=30,
    )
    student = await foreign_employee(
        client, headers, "STUDENT", extra_activity_permission="BLANKET"
    )
    _, token = await _place_form(client, student["id"])
    body = {
        "start_date": _day(1),
        "end_date": _day(60),
        "hourly_pay": "1500",
        "hourly_bill": "2100",
        "student_enrolled": "true",
        "csrf_token": token,
    }
    refused = await client.post(
        f"/assignments/new/{student['id']}", data={**body, "contract_id": str(full_time["id"])}
    )
    assert refused.status_code == 422
    assert "schedules 40 hours a week" in refused.text
    assert re.search(r'id="f-contract_id"[^>]*aria-invalid="true"', refused.text)
    api = await client.post(
        "/api/assignments",
        headers=headers,
        json={
            "contract_id": full_time["id"],
            "employee_id": student["id"],
            "start_date": _day(1),
            "rate": {"hourly_pay": "1500"},
        },
    )
    assert api.status_code == 422
    assert api.json()["error"]["code"] == "ASSIGNMENT_WEEKLY_HOURS_OVER_LIMIT"
    details = api.json()["error"]["details"]
    assert (details["scheduled_weekly_hours"], details["weekly_hours_limit"]) == ("40.00", 28)
    assert (await client.get("/api/assignments", headers=headers)).json()["data"] == []
    placed = await client.post(
        f"/assignments/new/{student['id']}", data={**body, "contract_id": str(close["id"])}
    )
    assert placed.status_code == 303, placed.text
    shown = await client.get(placed.headers["location"])
    assert "26 hours a week, close to the 28-hour limit" in shown.text


# --- 10. employee numbers ---------------------------------------------------------------------


async def test_hire_and_registration_give_the_next_employee_number(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    headers, _ = await _office(client, auth_headers, make_user, page_login, "en")
    page = await client.get("/candidates/new")
    created = await client.post(
        "/candidates",
        data={
            "name_kanji": "木村 翔",
            "name_kana": "キムラ ショウ",
            "name_romaji": "Kimura Sho",
            "birth_date": "1996-02-02",
            "nationality": "JP",
            "extra_activity_permission": "NONE",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert created.status_code == 303, created.text
    candidate_path = created.headers["location"]
    for stage in ("screening", "interview", "offered"):
        detail = await client.get(candidate_path)
        version = re.search(r'name="version" value="(\d+)"', detail.text)
        assert version
        moved = await client.post(
            f"{candidate_path}/status",
            data={
                "status": stage,
                "version": version.group(1),
                "csrf_token": csrf_token(detail.text),
            },
        )
        assert moved.status_code == 303, moved.text
    detail = await client.get(candidate_path)
    assert "Empty: the next number of the agency" in detail.text
    version = re.search(r'name="version" value="(\d+)"', detail.text)
    assert version
    hired = await client.post(
        f"{candidate_path}/hire",
        data={
            "employment_type": "dispatch",
            "hire_date": "2026-04-01",
            "version": version.group(1),
            "csrf_token": csrf_token(detail.text),
        },
    )
    assert hired.status_code == 303, hired.text
    employee_page = await client.get(hired.headers["location"])
    assert "with the employee number E000001" in employee_page.text  # the flash
    assert "<dd>E000001</dd>" in employee_page.text
    # Typed by hand, then left empty: the counter skips the number taken by hand.
    await make_employee(client, headers, employee_number="E000002")
    third = await make_employee(client, headers)
    assert third["employee_number"] == "E000003"
    form = await client.get("/employees/new")
    registered = await client.post(
        "/employees",
        data={
            "name_kana": "たなか はなこ",
            "name_romaji": "Tanaka Hanako",
            "birth_date": "1995-03-03",
            "employment_type": "dispatch",
            "hire_date": "2026-01-05",
            "employee_number": "",
            "csrf_token": csrf_token(form.text),
        },
    )
    assert registered.status_code == 303, registered.text
    shown = await client.get(registered.headers["location"])
    assert "registered with the employee number E000004" in shown.text


async def test_the_number_pattern_is_the_agencys_and_restarts_each_hire_year(
    client: httpx.AsyncClient, auth_headers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        employees_service_module, "_number_pattern", NumberPattern("{yyyy}-{seq:05d}")
    )
    headers = await auth_headers("coordinator")
    # Numbers already present (imported) are continued, not collided with.
    await make_employee(client, headers, employee_number="2026-00041", hire_date="2026-01-05")
    made = [
        (await make_employee(client, headers, hire_date=day))["employee_number"]
        for day in ("2026-03-01", "2026-04-01", "2027-04-01")
    ]
    assert made == ["2026-00042", "2026-00043", "2027-00001"]
