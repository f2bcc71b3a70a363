"""Issue 14 ("A coordinator's day"), defects 12–15, driven through the pages.

12 the audit log speaks the UI language, names users, folds long entries, filters by
   record type from a list and links to the record;
13 the employee page shows placements with rates and 抵触日 (or why there is none),
   housing, and the nationality as a country name;
14 the home headcount adds up, and 未配置 counts only dispatched workers;
15 housing: free beds read as free, a move-out is confirmed on its own page, a
   future-dated move-in is visible where the coordinator lands.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from haken.platform.db import assert_max_queries, assert_num_queries, count_queries
from tests.integration.web.conftest import PageLogin, csrf_token

# "Today" as the pages see it: the agency's day (Settings.timezone), not the machine's.


def _today() -> dt.date:
    """The agency's today, read when used: a module constant went stale when the suite
    crossed midnight in Tokyo (15:00 UTC) between import and test."""
    return dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()


async def _post_form(client: httpx.AsyncClient, form_path: str, action: str, data: dict) -> str:
    token = csrf_token((await client.get(form_path)).text)
    response = await client.post(action, data={**data, "csrf_token": token})
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


async def _employee(
    client: httpx.AsyncClient,
    romaji: str,
    kana: str,
    *,
    employment_type: str = "dispatch",
    birth_date: str = "1995-03-03",
    **extra: str,
) -> int:
    path = await _post_form(
        client,
        "/employees/new",
        "/employees",
        {
            "name_kana": kana,
            "name_romaji": romaji,
            "birth_date": birth_date,
            "employment_type": employment_type,
            "term_type": "fixed",
            "hire_date": (_today() - dt.timedelta(days=400)).isoformat(),
            **extra,
        },
    )
    return int(path.rsplit("/", 1)[1])


async def _contract(client: httpx.AsyncClient, client_name: str, site_name: str) -> str:
    """A client, a site, a unit and a contract in force today; returns the contract id."""
    client_path = await _post_form(client, "/clients/new", "/clients", {"name": client_name})
    client_id = client_path.rsplit("/", 1)[1]
    site_path = await _post_form(
        client,
        f"/sites/new?client_id={client_id}",
        "/sites",
        {
            "client_id": client_id,
            "name": site_name,
            "prefecture": "23",
            "address_line1": "1-1",
            "dispatch_started_on": (_today() - dt.timedelta(days=60)).isoformat(),
        },
    )
    await _post_form(client, site_path, f"{site_path}/units", {"name": "Line 1"})
    unit_id = re.search(r"/contracts/new\?unit_id=(\d+)", (await client.get(site_path)).text)
    assert unit_id
    number = f"K-{site_name[:6]}"
    contract_path = await _post_form(
        client,
        f"/contracts/new?unit_id={unit_id.group(1)}",
        "/contracts",
        {
            "unit_id": unit_id.group(1),
            "contract_number": number,
            "period_start": (_today() - dt.timedelta(days=60)).isoformat(),
            "period_end": (_today() + dt.timedelta(days=300)).isoformat(),
            "status": "active",
            "work_content": "Assembly of car parts",
            "default_hourly_bill": "2100",
        },
    )
    return contract_path.rsplit("/", 1)[1]


async def _place(client: httpx.AsyncClient, employee_id: int, contract_id: str) -> None:
    await _post_form(
        client,
        f"/assignments/new/{employee_id}",
        f"/assignments/new/{employee_id}",
        {
            "contract_id": contract_id,
            "start_date": (_today() - dt.timedelta(days=30)).isoformat(),
            "hourly_pay": "1500",
            "hourly_bill": "2100",
        },
    )


def _count(html: str, key: str) -> int:
    found = re.search(rf'data-count="{key}">(\d+)<', html)
    assert found, f"no {key} figure on the page"
    return int(found.group(1))


# --- 14: the home headcount ------------------------------------------------------------------


async def test_home_headcount_adds_up_and_counts_only_dispatched_workers_as_unplaced(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    contract_id = await _contract(client, "Acme KK", "Nagoya plant")
    placed = await _employee(client, "Tanaka Hanako", "たなか はなこ")
    await _place(client, placed, contract_id)
    await _employee(client, "Suzuki Ichiro", "すずき いちろう")  # dispatched, not placed
    await _employee(client, "Sato Jiro", "さとう じろう")  # dispatched, not placed
    await _employee(client, "Ito Saburo", "いとう さぶろう", employment_type="staff")
    await _employee(client, "Kato Shiro", "かとう しろう", employment_type="contract")

    home = (await client.get("/")).text
    assert _count(home, "placed") == 1
    assert _count(home, "unplaced") == 2  # was 4: staff and 請負 counted as 未配置
    assert _count(home, "not_dispatched") == 2
    figure = re.search(
        r'aria-labelledby="home-headcount">.*?<p class="figure">(\d+)</p>', home, re.S
    )
    assert figure and int(figure.group(1)) == 5 == 1 + 2 + 2
    assert "未配置の派遣社員" in home and "内勤社員・請負（派遣対象外）" in home
    assert "下の3行の合計がこの数になります" in home  # the caption says what adds up

    api = (await client.get("/api/employees/headcount")).json()["data"]
    assert api["total"] == api["placed"] + api["unplaced"] + api["not_dispatched"] == 5
    assert sum(row["headcount"] for row in api["by_site"]) == api["placed"] == 1


# --- 13: the employee page -------------------------------------------------------------------


async def test_employee_page_shows_placements_conflict_reason_housing_and_country(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    contract_id = await _contract(client, "Acme KK", "Nagoya plant")
    # Aged 60 or over: outside both 3-year limits, so no 抵触日 — and the page says why.
    senior = await _employee(
        client, "Nguyen Van An", "グエン ヴァン アン", birth_date="1955-05-05", nationality="VN"
    )
    young = await _employee(client, "Tanaka Hanako", "たなか はなこ", nationality="BR")
    await _place(client, senior, contract_id)
    await _place(client, young, contract_id)
    apartment = await _post_form(
        client,
        "/housing/new",
        "/housing",
        {
            "name": "Haken Heights",
            "prefecture": "13",
            "address_line1": "1-2-3",
            "utilities_policy": "included",
        },
    )
    await _post_form(
        client,
        apartment,
        f"{apartment}/rooms",
        {"name": "101", "capacity": "2", "rent_per_occupant": "25000"},
    )
    move_form = await client.get(f"/housing/move-in/{senior}")
    room_id = re.search(r'<option value="(\d+)"', move_form.text)
    assert room_id
    await _post_form(
        client,
        f"/housing/move-in/{senior}",
        f"/housing/move-in/{senior}",
        {"room_id": room_id.group(1), "move_in": (_today() - dt.timedelta(days=5)).isoformat()},
    )

    # Placements (with rates), housing and country name; a bounded number of statements:
    # the employee, the photo's candidate (none here), the placements and their rates, the
    # stays and their names — 8 at most, whatever the number of placements.
    with assert_max_queries(8):
        page = await client.get(f"/employees/{senior}")
    assert page.status_code == 200
    html = page.text
    assert "ベトナム" in html and ">VN<" not in html
    assert "Acme KK" in html and "Nagoya plant" in html and "K-Nagoya" in html
    assert "¥1,500" in html and "¥2,100" in html
    assert "対象外: 60歳以上" in html
    assert "Haken Heights" in html and "¥25,000" in html

    young_page = (await client.get(f"/employees/{young}")).text
    assert "ブラジル" in young_page
    conflict = re.search(
        r"抵触日.*?(\d{4}年\d{1,2}月\d{1,2}日)", young_page.split("現在の配置")[1], re.S
    )
    assert conflict  # a counted dispatch shows its date, in Japanese style
    assert "社宅に入居していません。" in young_page

    client.cookies.clear()
    english = await make_user("coordinator", locale="en")
    await page_login(english["email"])
    html = (await client.get(f"/employees/{senior}")).text
    assert "Vietnam" in html and "Exempt: aged 60 or over" in html
    assert "Current placements" in html and "Company housing" in html


# --- 15: housing ----------------------------------------------------------------------------


async def _apartment_with_room(client: httpx.AsyncClient) -> tuple[str, str]:
    apartment = await _post_form(
        client,
        "/housing/new",
        "/housing",
        {
            "name": "Haken Heights",
            "prefecture": "13",
            "address_line1": "1-2-3",
            "utilities_policy": "included",
        },
    )
    await _post_form(
        client,
        apartment,
        f"{apartment}/rooms",
        {"name": "101", "capacity": "3", "rent_per_occupant": "25000"},
    )
    return apartment, apartment.rsplit("/", 1)[1]


async def test_move_in_form_says_beds_are_free_not_full(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    await _apartment_with_room(client)
    employee = await _employee(client, "Lima Paulo", "リマ パウロ")
    form = (await client.get(f"/housing/move-in/{employee}")).text
    assert "(3/3)" not in form
    assert "Haken Heights 101 — 空き 3床（全3床）" in form
    client.cookies.clear()
    english = await make_user("coordinator", locale="en")
    await page_login(english["email"])
    form = (await client.get(f"/housing/move-in/{employee}")).text
    assert "Haken Heights 101 — 3 of 3 beds free" in form


async def test_move_out_is_confirmed_on_its_own_page(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    apartment, _ = await _apartment_with_room(client)
    employee = await _employee(client, "Lima Paulo", "リマ パウロ")
    form = await client.get(f"/housing/move-in/{employee}")
    room_id = re.search(r'<option value="(\d+)"', form.text)
    assert room_id
    await _post_form(
        client,
        f"/housing/move-in/{employee}",
        f"/housing/move-in/{employee}",
        {"room_id": room_id.group(1), "move_in": (_today() - dt.timedelta(days=20)).isoformat()},
    )
    page = (await client.get(apartment)).text
    # No one-click write on the apartment page: a link to the confirmation step.
    assert not re.search(r'<form method="post" action="/housing/stays/\d+/move-out"', page)
    link = re.search(r'href="(/housing/stays/(\d+)/move-out)"', page)
    assert link
    confirm = await client.get(link.group(1))
    assert confirm.status_code == 200
    assert "Record a move-out" in confirm.text and "リマ パウロ" in confirm.text
    assert f'value="{_today().isoformat()}"' in confirm.text  # the date defaults to today
    assert "the bed is free from the next day" in confirm.text  # what will happen
    version = re.search(r'name="version" value="(\d+)"', confirm.text)
    assert version
    before_day = (_today() - dt.timedelta(days=30)).isoformat()
    refused = await client.post(
        link.group(1),
        data={
            "version": version.group(1),
            "move_out": before_day,
            "csrf_token": csrf_token(confirm.text),
        },
    )
    assert refused.status_code == 422
    # On the date field, from the error's own field (the page keeps no code-to-field map).
    assert re.search(
        r'<p class="error" id="f-move_out-error">The move-out date is before the move-in date.</p>',
        refused.text,
    )
    done = await client.post(
        link.group(1),
        data={
            "version": version.group(1),
            "move_out": _today().isoformat(),
            "csrf_token": csrf_token(confirm.text),
        },
    )
    assert done.status_code == 303 and done.headers["location"] == apartment
    stays = (await client.get(f"/api/housing/occupancies?employee_id={employee}")).json()["data"]
    assert [s["move_out"] for s in stays] == [_today().isoformat()]


async def test_future_move_in_is_visible_where_the_coordinator_lands(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    apartment, _ = await _apartment_with_room(client)
    now = await _employee(client, "Lima Paulo", "リマ パウロ")
    later = await _employee(client, "Silva Ana", "シルバ アナ")
    for employee, day in (
        (now, _today() - dt.timedelta(days=3)),
        (later, _today() + dt.timedelta(days=10)),
    ):
        form = await client.get(f"/housing/move-in/{employee}")
        room_id = re.search(r'<option value="(\d+)"', form.text)
        assert room_id
        landed = await client.post(
            f"/housing/move-in/{employee}",
            data={
                "room_id": room_id.group(1),
                "move_in": day.isoformat(),
                "csrf_token": csrf_token(form.text),
            },
        )
        assert landed.status_code == 303 and landed.headers["location"] == apartment
    with count_queries() as one_each:
        page = (await client.get(apartment)).text
    scheduled = page.split("入居予定</h2>")[1]
    moves_in = _today() + dt.timedelta(days=10)
    assert "シルバ アナ" in scheduled
    assert f"{moves_in.year}年{moves_in.month}月{moves_in.day}日" in scheduled  # Japanese date
    assert ">予定<" in scheduled
    assert "シルバ アナ" not in page.split("入居予定</h2>")[0]  # not among today's occupants
    assert "リマ パウロ" in page.split("入居予定</h2>")[0]
    # A third stay adds no statement to the apartment page.
    third = await _employee(client, "Santos Joao", "サントス ジョアン")
    form = await client.get(f"/housing/move-in/{third}")
    room_id = re.search(r'<option value="(\d+)"', form.text)
    assert room_id
    await _post_form(
        client,
        f"/housing/move-in/{third}",
        f"/housing/move-in/{third}",
        {"room_id": room_id.group(1), "move_in": (_today() + dt.timedelta(days=20)).isoformat()},
    )
    with assert_num_queries(one_each.count):
        await client.get(apartment)


# --- 12: the audit log ------------------------------------------------------------------------


async def test_audit_log_is_readable_in_the_ui_language(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja", display_name="山田 花子")
    await page_login(coordinator["email"])
    employee = await _employee(client, "Lima Paulo", "リマ パウロ", nationality="BR")
    client.cookies.clear()
    admin = await make_user("admin", locale="ja", display_name="管理 太郎")
    await page_login(admin["email"])

    await client.get("/audit?entity_type=employee")  # warm the principal cache
    with count_queries() as few:
        page = await client.get("/audit?entity_type=employee")
    assert page.status_code == 200
    html = page.text
    # The record by its name (kana: no kanji was given), linked to its page.
    assert f'<a href="/employees/{employee}">社員 リマ パウロ</a>' in html
    assert "山田 花子" in html and f">#{coordinator['id']}<" not in html
    assert "登録" in html  # the action, not "create"
    assert "氏名（かな）" in html and "name_kana" not in html  # the form's label
    assert "<details><summary>すべて表示" in html  # a creation folds what it left empty
    # The record type is picked from a list of labelled types.
    assert '<select id="f-entity_type" name="entity_type">' in html
    assert '<option value="employee" selected>社員</option>' in html

    client.cookies.clear()
    english = await make_user("admin", locale="en", display_name="Admin Two")
    await page_login(english["email"])
    html = (await client.get("/audit?entity_type=employee")).text
    assert "Record added" in html and "Name in kana" in html and "Show all" in html

    # More entries by more users cost no more statements (names in one query).
    client.cookies.clear()
    other = await make_user("coordinator", locale="ja", display_name="佐藤 次郎")
    await page_login(other["email"])
    await _employee(client, "Silva Ana", "シルバ アナ")
    await _employee(client, "Santos Joao", "サントス ジョアン")
    client.cookies.clear()
    await page_login(admin["email"])
    await client.get("/audit?entity_type=employee")  # warm the principal cache
    with assert_num_queries(few.count):
        html = (await client.get("/audit?entity_type=employee")).text
    assert "佐藤 次郎" in html and "山田 花子" in html
    # The page (with its count), its authors' names, its records' names (one type here).
    assert few.count == 3
