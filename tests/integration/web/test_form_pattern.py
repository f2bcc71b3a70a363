"""Issue 14, the shared form pattern and defects 4, 6 and 7, driven through the pages.

4  an overridable refusal (pay above the bill) offers its override on the form — a tick
   box with a reason — and no message names an API field;
6  a create form carries a one-time submission token: a double submit (even two parallel
   POSTs) creates one record and both land on it;
7  a refusal from a stale tab (a second hire) renders its catalog message on the page; a
   form-wide error (a period ending before it starts) marks both fields.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from haken.modules.assignments.errors import AssignmentNegativeMarginError
from haken.modules.candidates.errors import InvalidTransitionError
from haken.platform.errors import VersionConflictError
from tests.integration.web.conftest import PageLogin, csrf_token

PERSON = {"name_kana": "ヤマダ タロウ", "name_romaji": "Yamada Taro", "birth_date": "1995-03-03"}
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def _token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the create form carries no submission token"
    return found.group(1)


def _invalid(html: str, name: str) -> bool:
    return re.search(rf'id="f-{name}"[^>]*aria-invalid="true"', html) is not None


async def _create(client: httpx.AsyncClient, form_path: str, action: str, data: dict) -> str:
    page = await client.get(form_path)
    assert page.status_code == 200, page.text
    response = await client.post(action, data={**data, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


async def _candidate_count(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    listed = await client.get("/api/candidates", headers=headers, params={"count": "true"})
    assert listed.status_code == 200, listed.text
    return int(listed.json()["pagination"]["total"])


# --- 6: one-time submission token --------------------------------------------------------------


async def test_two_parallel_posts_of_one_candidate_form_create_one_candidate(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    page = await client.get("/candidates/new")
    data = {**PERSON, "csrf_token": csrf_token(page.text), "submission_token": _token(page.text)}

    first, second = await asyncio.gather(
        client.post("/candidates", data=data), client.post("/candidates", data=data)
    )

    assert (first.status_code, second.status_code) == (303, 303), (first.text, second.text)
    assert first.headers["location"] == second.headers["location"]
    assert await _candidate_count(client, await auth_headers("admin")) == 1
    # A third submit of the same form, later: the first result again, still one candidate.
    again = await client.post("/candidates", data=data)
    assert again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert await _candidate_count(client, await auth_headers("admin")) == 1
    # A fresh form has a fresh token: a second candidate is possible on purpose.
    fresh = await client.get("/candidates/new")
    assert _token(fresh.text) != data["submission_token"]


async def test_a_refused_submit_keeps_its_token_and_the_corrected_one_creates(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    page = await client.get("/candidates/new")
    token = _token(page.text)
    bad = await client.post(
        "/candidates",
        data={
            **PERSON,
            "name_kana": "Yamada",
            "csrf_token": csrf_token(page.text),
            "submission_token": token,
        },
    )
    assert bad.status_code == 422
    assert _token(bad.text) == token  # nothing was committed: the same form goes on
    good = await client.post(
        "/candidates",
        data={**PERSON, "csrf_token": csrf_token(bad.text), "submission_token": token},
    )
    assert good.status_code == 303, good.text
    assert await _candidate_count(client, await auth_headers("admin")) == 1


# --- 4: an overridable refusal on the form -----------------------------------------------------


async def _placement_setup(client: httpx.AsyncClient) -> tuple[str, str, str]:
    """A client, site, unit, an active contract and an employee: (employee id, contract id,
    contract path)."""
    client_path = await _create(client, "/clients/new", "/clients", {"name": "Acme KK"})
    client_id = client_path.rsplit("/", 1)[1]
    site_path = await _create(
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
    await _create(client, site_path, f"{site_path}/units", {"name": "Line 1"})
    unit = re.search(r"/contracts/new\?unit_id=(\d+)", (await client.get(site_path)).text)
    assert unit
    contract_path = await _create(
        client,
        f"/contracts/new?unit_id={unit.group(1)}",
        "/contracts",
        {
            "unit_id": unit.group(1),
            "contract_number": "K-2026-001",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "status": "active",
            "work_content": "Assembly of car parts",
            "default_hourly_bill": "1800",
        },
    )
    employee_path = await _create(
        client,
        "/employees/new",
        "/employees",
        {**PERSON, "employment_type": "dispatch", "hire_date": "2026-01-05"},
    )
    employee_id = employee_path.rsplit("/", 1)[1]
    form = await client.get(f"/assignments/new/{employee_id}")
    contract_id = re.search(r'<option value="(\d+)"[^>]*>K-2026-001', form.text)
    assert contract_id, form.text
    return employee_id, contract_id.group(1), contract_path


async def test_pay_above_the_bill_offers_the_override_with_a_reason_on_the_form(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    employee_id, contract_id, contract_path = await _placement_setup(client)
    action = f"/assignments/new/{employee_id}"
    form = await client.get(action)
    assert 'name="allow_negative_margin"' not in form.text  # offered only when refused
    data = {
        "contract_id": contract_id,
        "start_date": "2026-02-01",
        "hourly_pay": "1900",
        "hourly_bill": "1800",
        "csrf_token": csrf_token(form.text),
        "submission_token": _token(form.text),
    }

    refused = await client.post(action, data=data)

    assert refused.status_code == 422
    assert AssignmentNegativeMarginError.message_ja in refused.text
    # The field name shows only on the control, its label and the summary's link to it.
    assert "allow_" not in refused.text.replace('name="allow_negative_margin"', "").replace(
        'id="f-allow_negative_margin"', ""
    ).replace('for="f-allow_negative_margin"', "").replace('href="#f-allow_negative_margin"', "")
    # The summary's "save despite the warning" link jumps to the tick box itself.
    target = re.search(r'<a href="#([^"]+)">警告を承知で保存する</a>', refused.text)
    assert target
    assert re.search(rf'<input id="{target.group(1)}" type="checkbox" name="allow_', refused.text)
    # Both amounts are marked and point at the message above the form.
    assert _invalid(refused.text, "hourly_pay") and _invalid(refused.text, "hourly_bill")
    assert re.search(r'id="f-hourly_pay"[^>]*aria-describedby="[^"]*form-errors', refused.text)
    # The override: a tick box with its label, and the reason.
    assert re.search(r'<input id="f-allow_negative_margin" type="checkbox"', refused.text)
    assert AssignmentNegativeMarginError.override_ja in refused.text
    assert '<textarea id="f-override_reason" name="override_reason"' in refused.text

    # Ticked without a reason: the reason is asked for, the box and warning stay.
    no_reason = await client.post(action, data={**data, "allow_negative_margin": "true"})
    assert no_reason.status_code == 422
    assert _invalid(no_reason.text, "override_reason")
    assert AssignmentNegativeMarginError.message_ja in no_reason.text
    assert re.search(r'id="f-allow_negative_margin"[^>]*checked', no_reason.text)

    reason = "研修期間中のため、差額は派遣先と合意済み"
    placed = await client.post(
        action, data={**data, "allow_negative_margin": "true", "override_reason": reason}
    )
    assert placed.status_code == 303, placed.text
    assert placed.headers["location"] == contract_path
    audit = await client.get(
        "/api/audit",
        headers=await auth_headers("admin"),
        params={"entity_type": "assignment"},
    )
    [row] = [r for r in audit.json()["data"] if r["action"] == "create"]
    assert row["changes"]["override_reason"] == [None, reason]
    assert row["changes"]["allow_negative_margin"] == [None, True]


async def test_the_override_reads_in_english_too(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    employee_id, contract_id, _ = await _placement_setup(client)
    action = f"/assignments/new/{employee_id}"
    form = await client.get(action)
    refused = await client.post(
        action,
        data={
            "contract_id": contract_id,
            "start_date": "2026-02-01",
            "hourly_pay": "1900",
            "csrf_token": csrf_token(form.text),
        },
    )
    assert refused.status_code == 422
    assert AssignmentNegativeMarginError.message_en in refused.text
    assert AssignmentNegativeMarginError.override_en in refused.text
    assert "Save despite the warning" in refused.text


# --- 7: stale tab, form-wide errors -----------------------------------------------------------


async def _offered_candidate(client: httpx.AsyncClient) -> str:
    path = await _create(client, "/candidates/new", "/candidates", PERSON)
    for stage in ("screening", "interview", "offered"):
        page = await client.get(path)
        version = re.search(r'name="version" value="(\d+)"', page.text)
        assert version
        moved = await client.post(
            f"{path}/status",
            data={
                "status": stage,
                "version": version.group(1),
                "csrf_token": csrf_token(page.text),
            },
        )
        assert moved.status_code == 303, moved.text
    return path


async def test_a_second_hire_from_a_stale_tab_shows_why_on_the_page(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    path = await _offered_candidate(client)
    stale = await client.get(path)  # the tab the coordinator keeps open
    version = re.search(r'name="version" value="(\d+)"', stale.text)
    assert version
    hire = {
        "version": version.group(1),
        "employment_type": "dispatch",
        "term_type": "fixed",
        "hire_date": "2026-12-01",
        "csrf_token": csrf_token(stale.text),
    }
    # Hired in another tab (its own form, its own token).
    other = await client.get(path)
    first = await client.post(f"{path}/hire", data={**hire, "submission_token": _token(other.text)})
    assert first.status_code == 303, first.text

    second = await client.post(
        f"{path}/hire", data={**hire, "submission_token": _token(stale.text)}
    )

    assert second.status_code in (409, 422)
    messages = {VersionConflictError.message_ja, InvalidTransitionError.message_ja}
    assert any(m in second.text for m in messages), second.text
    assert 'id="form-errors"' in second.text and 'role="alert"' in second.text


async def test_a_period_ending_before_it_starts_marks_both_dates(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    _, _, contract_path = await _placement_setup(client)
    contract = contract_path.rsplit("/", 1)[1]
    edit = await client.get(f"/contracts/{contract}/edit")
    version = re.search(r'name="version" value="(\d+)"', edit.text)
    assert version
    fields = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', edit.text))
    refused = await client.post(
        f"/contracts/{contract}",
        data={
            **fields,
            "period_start": "2026-06-01",
            "period_end": "2026-05-31",
            "csrf_token": csrf_token(edit.text),
        },
    )
    assert refused.status_code == 422, refused.text
    assert "The contract period ends before it starts." in refused.text
    assert _invalid(refused.text, "period_start") and _invalid(refused.text, "period_end")
    # The summary carries the message; the marked fields point at it.
    summary = re.search(
        r'<div class="alert alert-error error-summary"[^>]*>(.*?)</div>', refused.text, re.S
    )
    assert summary and "ends before it starts" in summary.group(1)


# --- 6: a likely duplicate candidate is warned of before saving --------------------------------


async def test_a_likely_duplicate_candidate_is_warned_of_with_a_link_and_saved_on_confirm(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    first = await _create(client, "/candidates/new", "/candidates", PERSON)
    page = await client.get("/candidates/new")
    # The same person typed differently: case, width and separators fold into one key.
    typed = {**PERSON, "name_romaji": "YAMADA,  taro", "name_kana": "ヤマダ タロウ"}
    data = {**typed, "csrf_token": csrf_token(page.text), "submission_token": _token(page.text)}

    warned = await client.post("/candidates", data=data)

    assert warned.status_code == 422, warned.text
    assert "A candidate with the same name and birth date is already registered." in warned.text
    assert f'<a href="{first}">' in warned.text
    assert _invalid(warned.text, "name_romaji") and _invalid(warned.text, "birth_date")
    assert re.search(r'<input id="f-allow_duplicate" type="checkbox"', warned.text)
    assert 'name="override_reason"' not in warned.text  # no reason needed for this one
    assert await _candidate_count(client, await auth_headers("admin")) == 1

    saved = await client.post("/candidates", data={**data, "allow_duplicate": "true"})
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] != first
    assert await _candidate_count(client, await auth_headers("admin")) == 2


# --- the confirmation step of a destructive action --------------------------------------------


async def test_removing_a_minimum_wage_year_goes_through_a_confirmation_page(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    from tests.integration.minimum_wages.factories import year_body

    admin_headers = await auth_headers("admin")
    added = await client.post("/api/minimum-wages", headers=admin_headers, json=year_body(2030))
    assert added.status_code == 201, added.text
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"])

    listing = await client.get("/minimum-wages")
    # The list offers a link to the confirmation, never a one-click POST.
    assert 'href="/minimum-wages/2030/delete"' in listing.text
    assert 'action="/minimum-wages/2030/delete"' not in listing.text
    confirm = await client.get("/minimum-wages/2030/delete")
    assert confirm.status_code == 200
    assert "are removed for every prefecture" in confirm.text
    assert re.search(r'<form method="post" action="/minimum-wages/2030/delete"', confirm.text)
    assert (await client.get("/api/minimum-wages/2030", headers=admin_headers)).status_code == 200

    removed = await client.post(
        "/minimum-wages/2030/delete", data={"csrf_token": csrf_token(confirm.text)}
    )
    assert removed.status_code == 303
    assert (await client.get("/api/minimum-wages/2030", headers=admin_headers)).status_code == 404


async def test_a_likely_duplicate_employee_is_refused_with_a_link_to_the_registered_one(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin, auth_headers: Any
) -> None:
    coordinator = await make_user("coordinator", locale="en")
    await page_login(coordinator["email"])
    data = {
        "name_kana": "グエン バン アン",
        "name_romaji": "Nguyen Van An",
        "birth_date": "1996-05-05",
        "employment_type": "dispatch",
        "term_type": "fixed",
        "hire_date": "2025-04-01",
    }
    token = csrf_token((await client.get("/employees/new")).text)
    first = await client.post("/employees", data={**data, "csrf_token": token})
    assert first.status_code == 303, first.text
    existing = first.headers["location"]

    # The same person typed again (spacing and case differ: the romaji key is normalised).
    again = await client.get("/employees/new")
    refused = await client.post(
        "/employees",
        data={**data, "name_romaji": "NGUYEN  van an", "csrf_token": csrf_token(again.text)},
    )
    assert refused.status_code == 422
    assert "An employee with the same romaji name and birth date already exists." in refused.text
    assert (
        f'<a class="record-link" href="{existing}">Open the registered record</a>' in refused.text
    )
    listed = await client.get("/api/employees", headers=await auth_headers("coordinator"))
    assert len(listed.json()["data"]) == 1
