"""Issue 14 ("A coordinator's day"), defects 8, 9, 11 and 16, driven through the pages.

8  the candidate stage select preselects no stage (never 不採用/辞退);
9  a field in the wrong format says what it expects (全角カタカナ, a country from the list,
   7 digits …), in Japanese and English;
11 a bad query string on a page is not a bare 422: unknown filter/sort values are ignored,
   a "new" page without its parent goes where the parent is chosen, with a message;
16 the admin user form picks employees and sites by searching their names.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx

from tests.integration.web.conftest import PageLogin, csrf_token


async def _post(
    client: httpx.AsyncClient, form_path: str, action: str, data: dict
) -> httpx.Response:
    token = csrf_token((await client.get(form_path)).text)
    return await client.post(action, data={**data, "csrf_token": token})


async def _created(client: httpx.AsyncClient, form_path: str, action: str, data: dict) -> int:
    response = await _post(client, form_path, action, data)
    assert response.status_code == 303, response.text
    return int(str(response.headers["location"]).rsplit("/", 1)[1])


def _field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="error" id="f-{name}-error">([^<]*)</p>', html)
    assert found, f"no error on {name}"
    return found.group(1)


def _select(html: str, name: str) -> list[tuple[str, bool]]:
    """The options of select ``name``: (value, selected)."""
    block = re.search(rf'<select id="f-{name}" name="{name}".*?</select>', html, re.S)
    assert block, f"no select {name}"
    return [
        (m.group(1), m.group(2) is not None)
        for m in re.finditer(r'<option value="([^"]*)"( selected)?>', block.group(0))
    ]


PERSON = {"name_kana": "ヤマダ タロウ", "name_romaji": "Yamada Taro", "birth_date": "1995-03-03"}


# --- 8: no destructive default ------------------------------------------------------------


async def test_candidate_stage_select_preselects_no_stage_and_offers_forward_first(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    candidate = await _created(client, "/candidates/new", "/candidates", PERSON)

    options = _select((await client.get(f"/candidates/{candidate}")).text, "status")
    # A blank "choose" first and selected: submitting untouched moves nothing.
    assert options[0] == ("", True)
    assert [value for value, selected in options if selected] == [""]
    # Forward first, the stages that end the pipeline last.
    assert [value for value, _ in options[1:]] == ["screening", "rejected", "withdrawn"]

    # Submitted without a choice: refused on the field, the stage unchanged.
    page = await client.get(f"/candidates/{candidate}")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    refused = await client.post(
        f"/candidates/{candidate}/status",
        data={"status": "", "version": version.group(1), "csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 422
    assert _field_error(refused.text, "status") == "必須項目です。"
    detail = (await client.get(f"/api/candidates/{candidate}")).json()["data"]
    assert detail["status"] == "new"


# --- 9: messages that say what is expected ------------------------------------------------

BAD_PERSON = {
    "name_kana": "Yamada",
    "name_romaji": "Yamada Taro",
    "birth_date": "1995-03-03",
    "nationality": "XX",
    "postal_code": "12-345",
    "phone": "call me",
}
EXPECTED = {
    "ja": {
        "name_kana": "全角カタカナで入力してください（ひらがなも可）。",
        "nationality": "リストから国を選んでください。",
        "postal_code": "郵便番号は7桁の数字で入力してください（例: 100-0001）。",
        "phone": "電話番号は数字と - ( ) + で入力してください（例: 090-1234-5678）。",
    },
    "en": {
        "name_kana": "Enter the name in full-width katakana (hiragana is accepted too).",
        "nationality": "Choose a country from the list.",
        "postal_code": "Enter the postal code as 7 digits (e.g. 100-0001).",
        "phone": "Enter a phone number: digits, with - ( ) + allowed (e.g. 090-1234-5678).",
    },
}


async def test_candidate_and_employee_forms_say_what_each_field_expects(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    for locale, messages in EXPECTED.items():
        user = await make_user("coordinator", locale=locale)
        await page_login(user["email"], **{"Accept-Language": locale})
        candidate = await _post(client, "/candidates/new", "/candidates", BAD_PERSON)
        employee = await _post(
            client,
            "/employees/new",
            "/employees",
            {
                **BAD_PERSON,
                "employment_type": "dispatch",
                "term_type": "fixed",
                "hire_date": "2024-04-01",
            },
        )
        for response in (candidate, employee):
            assert response.status_code == 422
            for name, message in messages.items():
                assert _field_error(response.text, name) == message, (locale, name)
        client.cookies.clear()


async def test_nationality_is_a_country_list_in_the_ui_language_and_postal_codes_normalise(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    form = (await client.get("/employees/new")).text
    options = dict(re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]+)</option>', form))
    assert options["VN"] == "ベトナム" and options["JP"] == "日本" and options["BR"] == "ブラジル"
    assert ("JP", True) in _select(form, "nationality")  # the new employee's default

    employee = await _created(
        client,
        "/employees/new",
        "/employees",
        {
            **PERSON,
            "nationality": "VN",
            "postal_code": "１２３－４５６７",  # full-width, as an IME types it
            "phone": "０９０ー１２３４ー５６７８",
            "employment_type": "dispatch",
            "term_type": "fixed",
            "hire_date": "2024-04-01",
        },
    )
    detail = (await client.get(f"/api/employees/{employee}")).json()["data"]
    assert (detail["nationality"], detail["postal_code"], detail["phone"]) == (
        "VN",
        "123-4567",
        "090-1234-5678",
    )


# --- 11: bad query strings ------------------------------------------------------------------


async def test_new_pages_without_their_parent_go_where_it_is_chosen(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    for path, message in (
        ("/contracts/new", "Choose the unit of the new contract"),
        ("/contracts/new?unit_id=abc", "Choose the unit of the new contract"),
        ("/contracts/new?unit_id=", "Choose the unit of the new contract"),
        ("/sites/new", "Choose the client of the new site"),
        ("/sites/new?client_id=0", "Choose the client of the new site"),
    ):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/clients"
        landing = await client.get("/clients")
        assert landing.status_code == 200
        assert message in landing.text, path


async def test_list_pages_ignore_unknown_filter_and_sort_values(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    await _created(
        client,
        "/employees/new",
        "/employees",
        {**PERSON, "employment_type": "dispatch", "term_type": "fixed", "hire_date": "2024-04-01"},
    )
    for path in (
        "/employees?sort=unknown",
        "/employees?status=gone&employment_type=x&residence_status=y",
        "/candidates?status=unknown&residence_status=nope",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
    assert "Yamada Taro" in (await client.get("/employees?sort=unknown")).text
    # The API stays strict.
    assert (await client.get("/api/employees?sort=unknown")).status_code == 422


# --- 16: the user form picks employees and sites by name ------------------------------------


async def _site(client: httpx.AsyncClient, client_name: str, site_name: str) -> int:
    client_id = await _created(client, "/clients/new", "/clients", {"name": client_name})
    return await _created(
        client,
        f"/sites/new?client_id={client_id}",
        "/sites",
        {
            "client_id": str(client_id),
            "name": site_name,
            "prefecture": "23",
            "address_line1": "1-1",
            "dispatch_started_on": (dt.date.today() - dt.timedelta(days=30)).isoformat(),
        },
    )


async def test_admin_picks_employees_and_sites_by_name(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"])
    employee = await _created(
        client,
        "/employees/new",
        "/employees",
        {**PERSON, "employment_type": "dispatch", "term_type": "fixed", "hire_date": "2024-04-01"},
    )
    nagoya = await _site(client, "Acme KK", "Nagoya plant")
    toyota = await _site(client, "Acme KK", "Toyota plant")

    # The form has no id inputs to type into: searches.
    form = (await client.get("/admin/users/new")).text
    assert 'name="employee_q"' in form and 'name="site_q"' in form
    assert 'type="number"' not in form and "separated by commas" not in form

    found = await client.get("/admin/users/pick/employees", params={"employee_q": "やまだ"})
    assert found.status_code == 200
    assert (
        f'type="radio" id="pick-employee_id-{employee}" name="employee_id" value="{employee}"'
        in (found.text)
    )
    assert "Yamada Taro" in found.text
    none = await client.get("/admin/users/pick/employees", params={"employee_q": "すずき"})
    assert "Yamada Taro" not in none.text and "No match" in none.text

    sites = await client.get("/admin/users/pick/sites", params={"site_q": "nagoya"})
    assert f'value="{nagoya}"' in sites.text and "Nagoya plant" in sites.text
    assert "Acme KK" in sites.text and f'value="{toyota}"' not in sites.text
    # A chosen site stays (checked) while another search runs.
    kept = await client.get(
        "/admin/users/pick/sites", params={"site_q": "toyota", "site_ids": [str(nagoya)]}
    )
    assert re.search(rf'value="{nagoya}" checked', kept.text)
    assert f'value="{toyota}"' in kept.text

    # Without JavaScript: the Search button posts the form, which shows matches, saves nothing.
    fields = {"email": "sm@test.example", "role": "site_manager", "locale": "en"}
    searched = await _post(
        client, "/admin/users/new", "/admin/users", {**fields, "site_q": "toyo", "pick": "sites"}
    )
    assert searched.status_code == 200
    assert f'value="{toyota}"' in searched.text and "Toyota plant" in searched.text
    assert 'value="sm@test.example"' in searched.text  # the typed fields are kept
    assert (await client.get("/api/users", params={"q": "sm@"})).json()["data"] == []

    # Creating a site manager with the picked sites.
    created = await _post(
        client,
        "/admin/users/new",
        "/admin/users",
        {**fields, "password": "a long passphrase 4 sites", "site_ids": [str(nagoya), str(toyota)]},
    )
    assert created.status_code == 303, created.text
    detail = (await client.get(created.headers["location"])).text
    assert "Nagoya plant" in detail and "Toyota plant" in detail

    # An employee account linked to the picked employee.
    linked = await _post(
        client,
        "/admin/users/new",
        "/admin/users",
        {
            "email": "emp@test.example",
            "role": "employee",
            "locale": "ja",
            "password": "a long passphrase 4 staff",
            "employee_id": str(employee),
        },
    )
    assert linked.status_code == 303, linked.text
    user_id = int(linked.headers["location"].rsplit("/", 1)[1])
    assert (await client.get(f"/api/users/{user_id}")).json()["data"]["employee_id"] == employee
