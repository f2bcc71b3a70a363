"""Candidates → hire → employee through the pages; the employee's portal shows only their own."""

from __future__ import annotations

import re

import httpx

from tests.integration.web.conftest import PageLogin, csrf_token

CANDIDATE = {
    "name_kanji": "グエン・ヴァン・アン",
    "name_kana": "グエン ヴァン アン",
    "name_romaji": "Nguyen Van An",
    "birth_date": "1998-04-12",
    "gender": "male",
    "nationality": "VN",
    "residence_status": "SPECIFIED_SKILLED_WORKER_1",
    "residence_card_expiry": "2027-03-31",
    "extra_activity_permission": "NONE",
    "phone": "090-1234-5678",
}


async def _version(client: httpx.AsyncClient, path: str) -> tuple[str, str]:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version, page.text
    return version.group(1), csrf_token(page.text)


async def test_register_move_and_hire_a_candidate(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    token = csrf_token((await client.get("/candidates/new")).text)
    bad = await client.post(
        "/candidates", data={**CANDIDATE, "name_kana": "Nguyen", "csrf_token": token}
    )
    assert bad.status_code == 422
    assert re.search(r'id="f-name_kana"[^>]*aria-invalid="true"', bad.text)
    assert 'value="Nguyen Van An"' in bad.text  # what was typed stays
    created = await client.post("/candidates", data={**CANDIDATE, "csrf_token": token})
    assert created.status_code == 303, created.text
    detail_path = created.headers["location"]
    for stage in ("screening", "interview", "offered"):
        version, token = await _version(client, detail_path)
        moved = await client.post(
            f"{detail_path}/status",
            data={"status": stage, "version": version, "note": "", "csrf_token": token},
        )
        assert moved.status_code == 303, moved.text
    detail = await client.get(detail_path)
    assert "この応募者を採用" in detail.text and "内定" in detail.text
    version, token = await _version(client, detail_path)
    hired = await client.post(
        f"{detail_path}/hire",
        data={
            "version": version,
            "employment_type": "dispatch",
            "term_type": "fixed",
            "hire_date": "2026-12-01",
            "employee_number": "E-0001",
            "csrf_token": token,
        },
    )
    assert hired.status_code == 303, hired.text
    employee_path = hired.headers["location"]
    assert re.fullmatch(r"/employees/\d+", employee_path)
    employee = await client.get(employee_path)
    assert "Nguyen Van An" in employee.text and "E-0001" in employee.text
    assert "特定技能1号" in employee.text
    listing = await client.get("/employees?q=nguyen")
    assert employee_path in listing.text
    # A stale version (the candidate moved on) is a conflict, not a second hire.
    again = await client.post(
        f"{detail_path}/hire",
        data={
            "version": version,
            "employment_type": "dispatch",
            "hire_date": "2026-12-01",
            "csrf_token": token,
        },
    )
    assert again.status_code in (409, 422)


async def test_employee_portal_shows_own_record_and_404_for_others(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    ids = []
    for romaji, kana in (("Silva Ana", "シルバ アナ"), ("Santos Joao", "サントス ジョアン")):
        token = csrf_token((await client.get("/employees/new")).text)
        created = await client.post(
            "/employees",
            data={
                "name_kana": kana,
                "name_romaji": romaji,
                "birth_date": "1990-01-01",
                "nationality": "BR",
                "employment_type": "dispatch",
                "term_type": "fixed",
                "hire_date": "2026-04-01",
                "csrf_token": token,
            },
        )
        assert created.status_code == 303, created.text
        ids.append(int(created.headers["location"].rsplit("/", 1)[1]))
    own, other = ids
    client.cookies.clear()
    worker = await make_user("employee", locale="en", employee_id=own)
    await page_login(worker["email"])
    portal = await client.get("/me")
    assert "Silva Ana" in portal.text and "Santos Joao" not in portal.text
    assert "My employment" in portal.text
    assert (await client.get(f"/employees/{own}")).status_code == 200
    other_page = await client.get(f"/employees/{other}")
    assert other_page.status_code == 404
    assert "Santos" not in other_page.text
    assert (await client.get("/employees")).status_code == 403
    assert (await client.get("/candidates")).status_code == 403


async def test_employee_edit_changes_only_what_was_edited(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    token = csrf_token((await client.get("/employees/new")).text)
    created = await client.post(
        "/employees",
        data={
            "name_kana": "やまだ たろう",
            "name_romaji": "Yamada Taro",
            "birth_date": "1985-05-05",
            "employment_type": "staff",
            "hire_date": "2020-04-01",
            "residence_card_number": "",
            "phone": "03-1234-5678",
            "csrf_token": token,
        },
    )
    path = created.headers["location"]
    form = await client.get(f"{path}/edit")
    values = dict(re.findall(r'name="([a-z_0-9]+)" type="[a-z]+" value="([^"]*)"', form.text))
    values.update({"phone": "", "city": "横浜市", "csrf_token": csrf_token(form.text)})
    values["version"] = re.search(r'name="version" value="(\d+)"', form.text).group(1)
    saved = await client.post(path, data=values)
    assert saved.status_code == 303, saved.text
    page = await client.get(path)
    assert "横浜市" in page.text and "03-1234-5678" not in page.text
    assert "Yamada Taro" in page.text
    # Emptying a required name is refused on its field; nothing is written.
    version, token = await _version(client, f"{path}/edit")
    values.update({"name_romaji": "", "version": version, "csrf_token": token})
    refused = await client.post(path, data=values)
    assert refused.status_code == 422
    assert "Yamada Taro" in (await client.get(path)).text


async def _post_form(client: httpx.AsyncClient, form_path: str, action: str, data: dict) -> str:
    token = csrf_token((await client.get(form_path)).text)
    response = await client.post(action, data={**data, "csrf_token": token})
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def test_client_site_unit_and_the_conflict_date_on_the_home_page(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    client_path = await _post_form(
        client, "/clients/new", "/clients", {"name": "株式会社テスト製作所", "prefecture": "23"}
    )
    client_id = client_path.rsplit("/", 1)[1]
    # Dispatch started three years ago less a month: the 抵触日 is due within 90 days.
    started = __import__("datetime").date.today().replace(day=1) - __import__("datetime").timedelta(
        days=3 * 365 - 40
    )
    site_path = await _post_form(
        client,
        f"/sites/new?client_id={client_id}",
        "/sites",
        {
            "client_id": client_id,
            "name": "豊田工場",
            "prefecture": "23",
            "address_line1": "1-1",
            "dispatch_started_on": started.isoformat(),
        },
    )
    unit = await _post_form(client, site_path, f"{site_path}/units", {"name": "組立第1課"})
    assert unit == site_path
    site = await client.get(site_path)
    assert "組立第1課" in site.text and "期限間近" in site.text
    home = await client.get("/")
    assert "以内の抵触日" in home.text and "豊田工場" in home.text
    missing = await client.post(
        f"{site_path}/units", data={"name": "", "csrf_token": csrf_token(site.text)}
    )
    assert missing.status_code == 422 and "必須項目です。" in missing.text


async def test_move_an_employee_into_company_housing(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    apartment_path = await _post_form(
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
        apartment_path,
        f"{apartment_path}/rooms",
        {"name": "101", "capacity": "2", "rent_per_occupant": "25000"},
    )
    employee_path = await _post_form(
        client,
        "/employees/new",
        "/employees",
        {
            "name_kana": "リマ パウロ",
            "name_romaji": "Lima Paulo",
            "birth_date": "1992-02-02",
            "employment_type": "dispatch",
            "hire_date": "2026-01-05",
        },
    )
    employee_id = employee_path.rsplit("/", 1)[1]
    move_form = await client.get(f"/housing/move-in/{employee_id}")
    room_id = re.search(
        r'<option value="(\d+)"[^>]*>Haken Heights 101 — 2 of 2 beds free', move_form.text
    )
    assert room_id, move_form.text
    landed = await client.post(
        f"/housing/move-in/{employee_id}",
        data={
            "room_id": room_id.group(1),
            "move_in": "2026-01-10",
            "csrf_token": csrf_token(move_form.text),
        },
    )
    assert landed.status_code == 303 and landed.headers["location"] == apartment_path
    apartment = await client.get(apartment_path)
    assert "Lima Paulo" in apartment.text or "リマ パウロ" in apartment.text
    assert "¥25,000" in apartment.text
    overview = await client.get("/housing")
    assert re.search(
        r"Haken Heights</a></td>\s*<td>[^<]*</td>\s*<td class=\"num\">2</td>\s*"
        r"<td class=\"num\">1</td>",
        overview.text,
    )
    client.cookies.clear()
    worker = await make_user("employee", locale="en", employee_id=int(employee_id))
    await page_login(worker["email"])
    portal = await client.get("/me")
    assert "My housing" in portal.text and "Haken Heights" in portal.text
    assert (await client.get("/housing")).status_code == 403


async def test_place_an_employee_on_a_unit_with_rates(
    client: httpx.AsyncClient, make_user, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    client_path = await _post_form(client, "/clients/new", "/clients", {"name": "Acme KK"})
    client_id = client_path.rsplit("/", 1)[1]
    site_path = await _post_form(
        client,
        f"/sites/new?client_id={client_id}",
        "/sites",
        {
            "client_id": client_id,
            "name": "Nagoya plant",
            "prefecture": "23",
            "address_line1": "1-1",
            "dispatch_started_on": "2026-01-01",
        },
    )
    await _post_form(client, site_path, f"{site_path}/units", {"name": "Line 1"})
    unit_id = re.search(r"/contracts/new\?unit_id=(\d+)", (await client.get(site_path)).text)
    assert unit_id
    contract_path = await _post_form(
        client,
        f"/contracts/new?unit_id={unit_id.group(1)}",
        "/contracts",
        {
            "unit_id": unit_id.group(1),
            "contract_number": "K-2026-001",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "status": "active",
            "work_content": "Assembly of car parts",
            "default_hourly_bill": "2100",
        },
    )
    employee_path = await _post_form(
        client,
        "/employees/new",
        "/employees",
        {
            "name_kana": "たなか はなこ",
            "name_romaji": "Tanaka Hanako",
            "birth_date": "1995-03-03",
            "employment_type": "dispatch",
            "hire_date": "2026-01-05",
        },
    )
    employee_id = employee_path.rsplit("/", 1)[1]
    form = await client.get(f"/assignments/new/{employee_id}")
    contract_id = re.search(r'<option value="(\d+)"[^>]*>K-2026-001', form.text)
    assert contract_id, form.text
    missing_pay = await client.post(
        f"/assignments/new/{employee_id}",
        data={
            "contract_id": contract_id.group(1),
            "start_date": "2026-02-01",
            "csrf_token": csrf_token(form.text),
        },
    )
    assert missing_pay.status_code == 422
    assert re.search(r'id="f-hourly_pay"[^>]*aria-invalid="true"', missing_pay.text)
    placed = await client.post(
        f"/assignments/new/{employee_id}",
        data={
            "contract_id": contract_id.group(1),
            "start_date": "2026-02-01",
            "hourly_pay": "1500",
            "hourly_bill": "2100",
            "csrf_token": csrf_token(form.text),
        },
    )
    assert placed.status_code == 303, placed.text
    assert placed.headers["location"] == contract_path
    contract = await client.get(contract_path)
    assert "¥1,500" in contract.text and "¥2,100" in contract.text
    client.cookies.clear()
    worker = await make_user("employee", locale="en", employee_id=int(employee_id))
    await page_login(worker["email"])
    portal = await client.get("/me")
    assert "Where I work" in portal.text and "Nagoya plant" in portal.text
    assert "¥1,500" in portal.text and "¥2,100" not in portal.text  # own pay, never the bill
