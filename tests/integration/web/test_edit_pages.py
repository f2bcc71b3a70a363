"""Edit pages of sites, units, contracts, assignments and housing: form → service → API sees it."""

from __future__ import annotations

import re

import httpx

from tests.integration.web.conftest import PageLogin, csrf_token


async def _post_form(client: httpx.AsyncClient, form_path: str, action: str, data: dict) -> str:
    token = csrf_token((await client.get(form_path)).text)
    response = await client.post(action, data={**data, "csrf_token": token})
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def _edit_form(client: httpx.AsyncClient, path: str) -> tuple[dict[str, str], str]:
    """The edit form's text inputs as a browser would post them, plus its page."""
    form = await client.get(path)
    assert form.status_code == 200, form.text
    values = dict(re.findall(r'name="([a-z_0-9]+)" type="[a-z]+" value="([^"]*)"', form.text))
    version = re.search(r'name="version" value="(\d+)"', form.text)
    assert version, form.text
    values.update({"version": version.group(1), "csrf_token": csrf_token(form.text)})
    return values, form.text


async def _api(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> dict:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def _site_with_unit(client: httpx.AsyncClient) -> tuple[str, str]:
    """A client, a site and one unit through the pages; returns the site path and unit id."""
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
    unit_id = re.search(r'href="/units/(\d+)/edit"', (await client.get(site_path)).text)
    assert unit_id
    return site_path, unit_id.group(1)


async def test_edit_a_site_and_a_unit(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    site_path, unit_id = await _site_with_unit(client)
    site_id = site_path.rsplit("/", 1)[1]
    assert f'href="/sites/{site_id}/edit"' in (await client.get(site_path)).text
    values, _ = await _edit_form(client, f"{site_path}/edit")
    assert values["name"] == "Nagoya plant" and values["dispatch_started_on"] == "2026-01-01"
    stale = values["version"]
    values.update(
        {"name": "Nagoya plant 2", "dispatch_started_on": "2025-04-01", "postal_code": ""}
    )
    saved = await client.post(site_path, data=values)
    assert saved.status_code == 303 and saved.headers["location"] == site_path, saved.text
    site = await _api(client, api, f"/api/sites/{site_id}")
    assert site["name"] == "Nagoya plant 2" and site["dispatch_started_on"] == "2025-04-01"
    assert site["conflict_date"] == "2028-04-01" and site["address_line1"] == "1-1"
    # The form still holding the old version is a conflict: nothing is written.
    values.update({"version": stale, "name": "Lost update"})
    conflict = await client.post(site_path, data=values)
    assert conflict.status_code == 422 and 'name="name"' in conflict.text
    assert (await _api(client, api, f"/api/sites/{site_id}"))["name"] == "Nagoya plant 2"

    values, _ = await _edit_form(client, f"/units/{unit_id}/edit")
    assert values["name"] == "Line 1"
    values.update({"name": "Line 2", "supervisor_name": "Sato", "supervisor_phone": "x"})
    bad = await client.post(f"/units/{unit_id}", data=values)
    assert bad.status_code == 422
    assert re.search(r'id="f-supervisor_phone"[^>]*aria-invalid="true"', bad.text)
    assert (await _api(client, api, f"/api/units/{unit_id}"))["name"] == "Line 1"
    values["supervisor_phone"] = "052-123-4567"
    saved = await client.post(f"/units/{unit_id}", data=values)
    assert saved.status_code == 303 and saved.headers["location"] == site_path, saved.text
    unit = await _api(client, api, f"/api/units/{unit_id}")
    assert (unit["name"], unit["supervisor_name"]) == ("Line 2", "Sato")
    assert unit["supervisor_phone"] == "052-123-4567" and unit["version"] == 2
    # A site manager reads sites but edits nothing.
    client.cookies.clear()
    manager = await make_user("site_manager", locale="en")
    await page_login(manager["email"])
    assert (await client.get(f"/units/{unit_id}/edit")).status_code == 403


async def _placement(client: httpx.AsyncClient) -> tuple[str, str]:
    """A contract with one employee placed at 1500/2100 from 2026-02-01; (contract path, id)."""
    _, unit_id = await _site_with_unit(client)
    contract_path = await _post_form(
        client,
        f"/contracts/new?unit_id={unit_id}",
        "/contracts",
        {
            "unit_id": unit_id,
            "contract_number": "K-2026-001",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "status": "active",
            "work_content": "Assembly of car parts",
            "start_time": "08:00",
            "end_time": "17:00",
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
    contract_id = contract_path.rsplit("/", 1)[1]
    placed = await client.post(
        f"/assignments/new/{employee_id}",
        data={
            "contract_id": contract_id,
            "start_date": "2026-02-01",
            "hourly_pay": "1500",
            "hourly_bill": "2100",
            "csrf_token": csrf_token(form.text),
        },
    )
    assert placed.status_code == 303, placed.text
    found = re.search(r'href="/assignments/(\d+)/end"', (await client.get(contract_path)).text)
    assert found
    return contract_path, found.group(1)


async def test_change_the_rate_and_end_a_placement(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    contract_path, assignment_id = await _placement(client)
    rates_path = f"/api/assignments/{assignment_id}/rates"

    values, page = await _edit_form(client, f"/assignments/{assignment_id}/rates/new")
    assert "単価の変更" in page and "割増率" in page  # the Japanese form renders
    assert values["hourly_pay"] == "1500.00" and values["overtime_pay_pct"] == "25.00"
    values.update({"effective_from": "2027-01-01", "hourly_pay": "1600"})
    outside = await client.post(f"/assignments/{assignment_id}/rates", data=values)
    assert outside.status_code == 422
    assert re.search(r'id="f-effective_from"[^>]*aria-invalid="true"', outside.text)
    assert len(await _api(client, api, rates_path)) == 1
    values["effective_from"] = "2026-04-01"
    changed = await client.post(f"/assignments/{assignment_id}/rates", data=values)
    assert changed.status_code == 303 and changed.headers["location"] == contract_path
    rates = await _api(client, api, rates_path)
    assert [(r["effective_from"], r["hourly_pay"], r["hourly_bill"]) for r in rates] == [
        ("2026-04-01", "1600.00", "2100.00"),
        ("2026-02-01", "1500.00", "2100.00"),
    ]
    # The same form again: its version is stale now, and nothing more is written.
    again = await client.post(f"/assignments/{assignment_id}/rates", data=values)
    assert again.status_code == 422
    assert len(await _api(client, api, rates_path)) == 2

    values, _ = await _edit_form(client, f"/assignments/{assignment_id}/end")
    values.update({"end_date": "2027-03-31", "reason": "契約満了"})
    late = await client.post(f"/assignments/{assignment_id}/end", data=values)
    assert late.status_code == 422
    assert re.search(r'id="f-end_date"[^>]*aria-invalid="true"', late.text)
    values["end_date"] = "2026-06-30"
    ended = await client.post(f"/assignments/{assignment_id}/end", data=values)
    assert ended.status_code == 303 and ended.headers["location"] == contract_path
    assignment = await _api(client, api, f"/api/assignments/{assignment_id}")
    assert (assignment["status"], assignment["end_date"]) == ("ended", "2026-06-30")
    assert assignment["end_reason"] == "契約満了"
    contract = await client.get(contract_path)
    assert f"/assignments/{assignment_id}/end" not in contract.text  # nothing left to end


async def test_edit_a_contract(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    contract_path, _ = await _placement(client)
    contract_id = contract_path.rsplit("/", 1)[1]
    assert f'href="/contracts/{contract_id}/edit"' in (await client.get(contract_path)).text
    values, page = await _edit_form(client, f"{contract_path}/edit")
    assert values["start_time"] == "08:00" and values["contract_number"] == "K-2026-001"
    assert "Assembly of car parts</textarea>" in page
    values["work_content"] = "Assembly of car parts"
    values["status"] = "active"
    # The placement runs from February: the contract cannot start after it.
    values["period_start"] = "2026-03-01"
    refused = await client.post(contract_path, data=values)
    assert refused.status_code == 422
    assert (await _api(client, api, f"/api/contracts/{contract_id}"))["period_start"] == (
        "2026-01-01"
    )
    values.update({"period_start": "2026-01-01", "period_end": "2027-03-31", "end_time": "17:30"})
    values["work_content"] = "Assembly and inspection of car parts"
    saved = await client.post(contract_path, data=values)
    assert saved.status_code == 303 and saved.headers["location"] == contract_path, saved.text
    contract = await _api(client, api, f"/api/contracts/{contract_id}")
    assert contract["period_end"] == "2027-03-31" and contract["end_time"] == "17:30:00"
    assert contract["work_content"] == "Assembly and inspection of car parts"
    assert contract["start_time"] == "08:00:00" and contract["version"] == 2


async def test_edit_an_apartment_and_a_room(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    api = {"Authorization": (await login(coordinator["email"]))["Authorization"]}
    apartment_path = await _post_form(
        client,
        "/housing/new",
        "/housing",
        {
            "name": "Haken Heights",
            "prefecture": "13",
            "address_line1": "1-2-3",
            "landlord_name": "Suzuki",
            "utilities_policy": "included",
        },
    )
    apartment_id = apartment_path.rsplit("/", 1)[1]
    await _post_form(
        client,
        apartment_path,
        f"{apartment_path}/rooms",
        {"name": "101", "capacity": "2", "rent_per_occupant": "25000"},
    )
    detail = await client.get(apartment_path)
    assert f'href="{apartment_path}/edit"' in detail.text
    room_id = re.search(rf'href="{apartment_path}/rooms/(\d+)/edit"', detail.text)
    assert room_id

    values, _ = await _edit_form(client, f"{apartment_path}/edit")
    assert values["name"] == "Haken Heights" and values["landlord_name"] == "Suzuki"
    values.update({"name": "Haken Heights East", "monthly_rent": "120000", "landlord_name": "Ito"})
    saved = await client.post(apartment_path, data=values)
    assert saved.status_code == 303 and saved.headers["location"] == apartment_path, saved.text
    apartment = await _api(client, api, f"/api/housing/apartments/{apartment_id}")
    assert (apartment["name"], apartment["monthly_rent"]) == ("Haken Heights East", 120000)
    assert apartment["landlord_name"] == "Ito" and apartment["address_line1"] == "1-2-3"
    stale = await client.post(apartment_path, data={**values, "name": "Lost update"})
    assert stale.status_code == 422
    assert (await _api(client, api, f"/api/housing/apartments/{apartment_id}"))["name"] == (
        "Haken Heights East"
    )

    room_path = f"{apartment_path}/rooms/{room_id.group(1)}"
    values, _ = await _edit_form(client, f"{room_path}/edit")
    assert (values["name"], values["capacity"], values["rent_per_occupant"]) == (
        "101",
        "2",
        "25000",
    )
    values.update({"capacity": "0"})
    refused = await client.post(room_path, data=values)
    assert refused.status_code == 422
    assert re.search(r'id="f-capacity"[^>]*aria-invalid="true"', refused.text)
    values.update({"capacity": "3", "rent_per_occupant": "22000"})
    saved = await client.post(room_path, data=values)
    assert saved.status_code == 303 and saved.headers["location"] == apartment_path, saved.text
    rooms = await _api(client, api, f"/api/housing/rooms?apartment_id={apartment_id}")
    assert [(r["name"], r["capacity"], r["rent_per_occupant"]) for r in rooms] == [
        ("101", 3, 22000)
    ]
    # A room is edited under its own apartment only.
    other = await _post_form(
        client,
        "/housing/new",
        "/housing",
        {"name": "Other", "prefecture": "13", "address_line1": "9", "utilities_policy": "flat"},
    )
    assert (await client.get(f"{other}/rooms/{room_id.group(1)}/edit")).status_code == 404
