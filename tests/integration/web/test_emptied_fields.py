"""Edit forms: an emptied required field is an error on the field and nothing is written;
an emptied optional field clears the value ("" for a NOT NULL text, null otherwise)."""

from __future__ import annotations

import re

import httpx

from tests.integration.web.conftest import PageLogin
from tests.integration.web.test_edit_pages import (
    _api,
    _edit_form,
    _placement,
    _post_form,
    _site_with_unit,
)

REQUIRED = "This field is required."


def required_error(html: str, field: str) -> bool:
    """The field is marked invalid and the catalog's "required" message sits next to it."""
    marked = re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html)
    return bool(marked) and f'<p class="error" id="f-{field}-error">{REQUIRED}</p>' in html


async def _signed_in(client: httpx.AsyncClient, make_user, page_login, login) -> dict[str, str]:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    return {"Authorization": (await login(coordinator["email"]))["Authorization"]}


async def test_emptied_fields_of_a_unit_and_a_site(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    api = await _signed_in(client, make_user, page_login, login)
    site_path, unit_id = await _site_with_unit(client)
    unit_api = f"/api/units/{unit_id}"
    values, _ = await _edit_form(client, f"/units/{unit_id}/edit")
    values.update(
        {"supervisor_name": "Sato", "supervisor_phone": "052-123-4567", "notes": "Night shift"}
    )
    assert (await client.post(f"/units/{unit_id}", data=values)).status_code == 303
    before = await _api(client, api, unit_api)

    # A required name emptied: refused on its field, and the other change is not written either.
    values, _ = await _edit_form(client, f"/units/{unit_id}/edit")
    values.update({"name": "", "supervisor_name": "Ito"})
    refused = await client.post(f"/units/{unit_id}", data=values)
    assert refused.status_code == 422
    assert required_error(refused.text, "name"), refused.text
    assert await _api(client, api, unit_api) == before

    # Optional fields emptied: a NOT NULL text becomes "", a nullable column null.
    values.update({"name": "Line 1", "supervisor_name": "", "supervisor_phone": "", "notes": ""})
    saved = await client.post(f"/units/{unit_id}", data=values)
    assert saved.status_code == 303, saved.text
    unit = await _api(client, api, unit_api)
    assert (unit["name"], unit["supervisor_name"], unit["notes"]) == ("Line 1", "", "")
    assert unit["supervisor_phone"] is None and unit["version"] == before["version"] + 1

    # A site keeps its address (it is on every contract); its city may be cleared.
    site_id = site_path.rsplit("/", 1)[1]
    values, _ = await _edit_form(client, f"{site_path}/edit")
    values["city"] = "Nagoya"
    assert (await client.post(site_path, data=values)).status_code == 303
    values, _ = await _edit_form(client, f"{site_path}/edit")
    values.update({"address_line1": "", "prefecture": "", "city": ""})
    refused = await client.post(site_path, data=values)
    assert refused.status_code == 422
    assert required_error(refused.text, "address_line1"), refused.text
    assert 'id="f-prefecture-error">' + REQUIRED in refused.text
    site = await _api(client, api, f"/api/sites/{site_id}")
    assert (site["address_line1"], site["prefecture"], site["city"]) == ("1-1", "23", "Nagoya")
    values.update({"address_line1": "1-1", "prefecture": "23"})
    assert (await client.post(site_path, data=values)).status_code == 303
    assert (await _api(client, api, f"/api/sites/{site_id}"))["city"] == ""


async def test_emptied_fields_of_an_apartment_and_a_room(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    api = await _signed_in(client, make_user, page_login, login)
    apartment_path = await _post_form(
        client,
        "/housing/new",
        "/housing",
        {
            "name": "Haken Heights",
            "prefecture": "13",
            "address_line1": "1-2-3",
            "landlord_name": "Suzuki",
            "monthly_rent": "120000",
            "utilities_policy": "included",
        },
    )
    apartment_api = f"/api/housing/apartments/{apartment_path.rsplit('/', 1)[1]}"
    before = await _api(client, api, apartment_api)
    values, _ = await _edit_form(client, f"{apartment_path}/edit")
    values.update({"address_line1": "", "name": "Renamed"})
    refused = await client.post(apartment_path, data=values)
    assert refused.status_code == 422
    assert required_error(refused.text, "address_line1"), refused.text
    assert await _api(client, api, apartment_api) == before

    values.update({"address_line1": "1-2-3", "name": "Haken Heights"})
    values.update({"landlord_name": "", "monthly_rent": ""})
    saved = await client.post(apartment_path, data=values)
    assert saved.status_code == 303, saved.text
    apartment = await _api(client, api, apartment_api)
    assert (apartment["landlord_name"], apartment["monthly_rent"]) == ("", None)
    assert apartment["address_line1"] == "1-2-3"

    await _post_form(
        client,
        apartment_path,
        f"{apartment_path}/rooms",
        {"name": "101", "capacity": "2", "rent_per_occupant": "25000", "monthly_rent": "50000"},
    )
    room_id = re.search(
        rf'href="{apartment_path}/rooms/(\d+)/edit"', (await client.get(apartment_path)).text
    )
    assert room_id
    room_path = f"{apartment_path}/rooms/{room_id.group(1)}"
    rooms_api = f"/api/housing/rooms?apartment_id={apartment['id']}"
    values, _ = await _edit_form(client, f"{room_path}/edit")
    values["rent_per_occupant"] = ""  # a NOT NULL number: required
    refused = await client.post(room_path, data=values)
    assert refused.status_code == 422
    assert required_error(refused.text, "rent_per_occupant"), refused.text
    [room] = await _api(client, api, rooms_api)
    assert (room["rent_per_occupant"], room["monthly_rent"]) == (25000, 50000)
    values.update({"rent_per_occupant": "25000", "monthly_rent": ""})
    assert (await client.post(room_path, data=values)).status_code == 303
    [room] = await _api(client, api, rooms_api)
    assert (room["rent_per_occupant"], room["monthly_rent"]) == (25000, None)


async def test_emptied_fields_of_an_employee_and_a_contract(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    api = await _signed_in(client, make_user, page_login, login)
    contract_path, _ = await _placement(client)
    contract_api = f"/api/contracts/{contract_path.rsplit('/', 1)[1]}"
    values, _ = await _edit_form(client, f"{contract_path}/edit")
    values.update({"work_content": "Assembly of car parts", "working_days": "Mon-Fri"})
    assert (await client.post(contract_path, data=values)).status_code == 303
    before = await _api(client, api, contract_api)
    values, _ = await _edit_form(client, f"{contract_path}/edit")
    values.update({"work_content": "", "working_days": "Mon-Sat"})
    refused = await client.post(contract_path, data=values)
    assert refused.status_code == 422
    assert 'id="f-work_content-error">' + REQUIRED in refused.text
    assert await _api(client, api, contract_api) == before
    values.update({"work_content": "Assembly of car parts", "working_days": ""})
    assert (await client.post(contract_path, data=values)).status_code == 303
    contract = await _api(client, api, contract_api)
    assert (contract["working_days"], contract["work_content"]) == ("", "Assembly of car parts")

    employees = (await client.get("/api/employees", headers=api)).json()["data"]
    employee_path = f"/employees/{employees[0]['id']}"
    employee_api = f"/api/employees/{employees[0]['id']}"
    values, _ = await _edit_form(client, f"{employee_path}/edit")
    values.update({"notes": "Prefers the early shift", "city": "Nagoya"})
    assert (await client.post(employee_path, data=values)).status_code == 303
    before = await _api(client, api, employee_api)
    values, _ = await _edit_form(client, f"{employee_path}/edit")
    values.update({"name_romaji": "", "city": "Toyota"})
    refused = await client.post(employee_path, data=values)
    assert refused.status_code == 422
    assert required_error(refused.text, "name_romaji"), refused.text
    assert await _api(client, api, employee_api) == before
    values.update({"name_romaji": "Tanaka Hanako", "city": "", "notes": ""})
    assert (await client.post(employee_path, data=values)).status_code == 303
    employee = await _api(client, api, employee_api)
    assert (employee["notes"], employee["city"], employee["name_romaji"]) == (
        "",
        None,
        "Tanaka Hanako",
    )


async def test_the_api_refuses_null_for_a_not_null_field(
    client: httpx.AsyncClient, make_user, page_login: PageLogin, login
) -> None:
    api = await _signed_in(client, make_user, page_login, login)
    _, unit_id = await _site_with_unit(client)
    refused = await client.patch(
        f"/api/units/{unit_id}", headers=api, json={"version": 1, "supervisor_name": None}
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert [(d["loc"], d["code"]) for d in error["details"]] == [
        ("supervisor_name", "null_not_allowed")
    ]
    cleared = await client.patch(
        f"/api/units/{unit_id}", headers=api, json={"version": 1, "supervisor_phone": None}
    )
    assert cleared.status_code == 200, cleared.text
