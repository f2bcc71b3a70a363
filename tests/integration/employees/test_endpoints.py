"""Employees over HTTP: registration, masking, scope, versions, 無期転換, expiry, archive."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from haken.modules.employees.service import employees_service
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope
from haken.platform.errors import NotFoundError
from haken.platform.security import field_cipher
from tests.integration.employees.factories import (
    ACCOUNT_NUMBER,
    CARD_NUMBER,
    MY_NUMBER,
    code_of,
    create_employee,
    employee_body,
    today,
)


async def test_register_masks_numbers_and_stores_only_ciphertext(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    assert employee["my_number_masked"] == "********9018"
    assert employee["residence_card_number_masked"] == "********78CD"
    assert employee["bank_account"]["account_number_masked"] == "***4321"
    assert employee["bank_account"]["holder_kana"] == "グエン ヴァン ドゥック"
    assert employee["postal_code"] == "450-0002"
    body = str(employee)
    for secret in (MY_NUMBER, CARD_NUMBER, ACCOUNT_NUMBER):
        assert secret not in body

    async with app.state.database.engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT my_number_enc, residence_card_number_enc, bank_account_number_enc "
                    "FROM employees WHERE id = :id"
                ),
                {"id": employee["id"]},
            )
        ).one()
    for stored, plain, context in zip(
        row,
        (MY_NUMBER, CARD_NUMBER, ACCOUNT_NUMBER),
        ("employees.my_number", "employees.residence_card_number", "employees.bank_account_number"),
        strict=True,
    ):
        assert stored.startswith("v1:")
        assert plain not in stored
        assert field_cipher().decrypt(stored, context=context) == plain


async def test_invalid_card_number_and_my_number_are_refused(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    bad_card = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(residence_card_number="A123456789BC"),
    )
    assert bad_card.status_code == 422
    assert bad_card.json()["error"]["details"][0]["loc"] == "residence_card_number"
    bad_number = await client.post(
        "/api/employees", headers=coordinator, json=employee_body(my_number="123456789012")
    )
    assert bad_number.status_code == 422
    assert bad_number.json()["error"]["details"][0]["loc"] == "my_number"
    # Full-width and lower-case card numbers are normalised, not refused.
    ok = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(residence_card_number="ａｂ１２３４５６７８ｃｄ"),
    )
    assert ok.status_code == 201, ok.text
    listing = await client.get("/api/employees", headers=coordinator)
    assert len(listing.json()["data"]) == 1


async def test_extra_activity_permission_records_the_weekly_limit(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    student = await create_employee(
        client,
        coordinator,
        residence_status="STUDENT",
        extra_activity_permission="BLANKET",
    )
    assert student["extra_activity_weekly_hours"] == 28
    too_many = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(
            name_romaji="Tran Thi Lan",
            residence_status="STUDENT",
            extra_activity_permission="BLANKET",
            extra_activity_weekly_hours=30,
        ),
    )
    assert too_many.status_code == 422
    edited = await client.patch(
        f"/api/employees/{student['id']}",
        headers=coordinator,
        json={"version": student["version"], "extra_activity_permission": "NONE"},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["extra_activity_weekly_hours"] is None


async def test_duplicate_is_refused_on_normalised_romaji_and_birth_date_never_kana(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    first = await create_employee(client, coordinator)
    # Same person typed differently: full-width, accents, other case and spacing.
    again = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(name_romaji="ＮＧＵＹＥＮ  văn đức", name_kana="べつの かな"),
    )
    assert again.status_code == 409
    assert code_of(again) == "EMPLOYEE_DUPLICATE"
    assert again.json()["error"]["details"] == {
        "employee_id": first["id"],
        "fields": ["name_romaji"],  # the error names its field (issue 14)
    }
    # Same kana, different romaji: another person.
    other = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(name_romaji="Nguyen Van Dung", employee_number="E-2"),
    )
    assert other.status_code == 201, other.text
    # Same name, another birth date: another person too.
    born_later = await client.post(
        "/api/employees", headers=coordinator, json=employee_body(birth_date="1996-04-12")
    )
    assert born_later.status_code == 201, born_later.text
    taken = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(name_romaji="Le Van Tam", employee_number="E-2"),
    )
    assert code_of(taken) == "EMPLOYEE_NUMBER_TAKEN"


async def test_stale_version_is_a_conflict(client: httpx.AsyncClient, auth_headers: Any) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    first = await client.patch(
        f"/api/employees/{employee['id']}",
        headers=coordinator,
        json={"version": employee["version"], "phone": "090-0000-1111"},
    )
    assert first.status_code == 200
    assert first.json()["data"]["version"] == employee["version"] + 1
    stale = await client.patch(
        f"/api/employees/{employee['id']}",
        headers=coordinator,
        json={"version": employee["version"], "phone": "090-2222-3333"},
    )
    assert stale.status_code == 409
    assert code_of(stale) == "VERSION_CONFLICT"
    read = await client.get(f"/api/employees/{employee['id']}", headers=coordinator)
    assert read.json()["data"]["phone"] == "090-0000-1111"


async def test_leaving_needs_a_leave_date(client: httpx.AsyncClient, auth_headers: Any) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    refused = await client.patch(
        f"/api/employees/{employee['id']}",
        headers=coordinator,
        json={"version": employee["version"], "status": "left"},
    )
    assert code_of(refused) == "EMPLOYEE_LEAVE_DATE_REQUIRED"
    left = await client.patch(
        f"/api/employees/{employee['id']}",
        headers=coordinator,
        json={"version": employee["version"], "status": "left", "leave_date": "2025-03-31"},
    )
    assert left.status_code == 200, left.text
    assert left.json()["data"]["status"] == "left"


async def test_scope_employee_sees_only_themself(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    own = await create_employee(client, coordinator)
    other = await create_employee(client, coordinator, name_romaji="Pham Minh Tuan")
    me = await auth_headers("employee", employee_id=own["id"])
    assert (await client.get(f"/api/employees/{own['id']}", headers=me)).status_code == 200
    hidden = await client.get(f"/api/employees/{other['id']}", headers=me)
    assert hidden.status_code == 404
    assert code_of(hidden) == "NOT_FOUND"
    listing = (await client.get("/api/employees", headers=me)).json()["data"]
    assert [row["id"] for row in listing] == [own["id"]]
    # Their own masked My Number and bank account, but no edits.
    assert listing[0]["my_number_masked"] == "********9018"
    edit = await client.patch(f"/api/employees/{own['id']}", headers=me, json={"version": 1})
    assert edit.status_code == 403


async def test_scope_site_manager_sees_their_sites_only(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    inside = await create_employee(client, coordinator)
    outside = await create_employee(client, coordinator, name_romaji="Pham Minh Tuan")
    unplaced = await create_employee(client, coordinator, name_romaji="Le Thi Hoa")
    async with session_scope(app.state.database, write=True) as session:
        await employees_service.set_current_placement(
            session, employee_id=inside["id"], client_id=1, site_id=10
        )
        await employees_service.set_current_placement(
            session, employee_id=outside["id"], client_id=2, site_id=20
        )
    manager = await auth_headers("site_manager", site_ids=[10])
    assert (await client.get(f"/api/employees/{inside['id']}", headers=manager)).status_code == 200
    for hidden in (outside, unplaced):
        response = await client.get(f"/api/employees/{hidden['id']}", headers=manager)
        assert response.status_code == 404
    listing = (await client.get("/api/employees", headers=manager)).json()["data"]
    assert [row["id"] for row in listing] == [inside["id"]]
    # Pay details are the office's and the person's, not the site manager's.
    assert listing[0]["bank_account"] is None and listing[0]["my_number_masked"] is None
    by_site = await client.get("/api/employees?site_id=20", headers=coordinator)
    assert [row["id"] for row in by_site.json()["data"]] == [outside["id"]]
    by_client = await client.get("/api/employees?client_id=1", headers=coordinator)
    assert [row["id"] for row in by_client.json()["data"]] == [inside["id"]]


async def test_placement_brief_and_briefs_for_other_modules(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    student = await create_employee(
        client, coordinator, residence_status="STUDENT", extra_activity_permission="BLANKET"
    )
    other = await create_employee(
        client, coordinator, name_romaji="Pham Minh Tuan", term_type="indefinite"
    )
    async with session_scope(app.state.database, write=True) as session:
        await employees_service.set_current_placement(
            session, employee_id=student["id"], client_id=3, site_id=30
        )
    async with session_scope(app.state.database, write=True) as session:
        brief = await employees_service.get_brief(session, student["id"])
        with cache_bypass(), assert_num_queries(1):
            briefs = await employees_service.get_briefs(session, [student["id"], other["id"], 999])
        with pytest.raises(NotFoundError):
            await employees_service.get_brief(session, 999_999)
    assert brief.current_site_id == 30 and brief.current_client_id == 3
    assert brief.residence_status == "STUDENT"
    assert brief.extra_activity_weekly_hours == 28
    assert brief.display_name == "阮 文徳"
    assert set(briefs) == {student["id"], other["id"]}
    assert briefs[other["id"]].is_indefinite is True
    # The placement edit does not bump the version a coordinator is editing against.
    read = (await client.get(f"/api/employees/{student['id']}", headers=coordinator)).json()
    assert read["data"]["version"] == student["version"]
    assert read["data"]["current_site_id"] == 30


async def test_indefinite_conversion_date_follows_contract_periods(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator, hire_date="2013-04-01")
    yearly = [
        {"start_date": f"{year}-04-01", "end_date": f"{year + 1}-03-31"}
        for year in range(2013, 2019)
    ]
    response = await client.put(
        f"/api/employees/{employee['id']}/contract-periods",
        headers=coordinator,
        json={"version": employee["version"], "periods": yearly},
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    # JP_DISPATCH.md §4: one-year contracts from 2013-04-01 → the right from 2018-04-01.
    assert data["indefinite_conversion_date"] == "2018-04-01"
    assert len(data["contract_periods"]) == 6
    # A six-month gap after more than a year resets the count (クーリング).
    cooled = [
        {"start_date": "2013-04-01", "end_date": "2015-03-31"},
        {"start_date": "2015-10-01", "end_date": "2018-09-30"},
        {"start_date": "2018-10-01", "end_date": "2021-09-30"},
    ]
    response = await client.put(
        f"/api/employees/{employee['id']}/contract-periods",
        headers=coordinator,
        json={"version": data["version"], "periods": cooled},
    )
    data = response.json()["data"]
    # Counting restarts on 2015-10-01: 3 years + 3 years passes 5 during the third contract.
    assert data["indefinite_conversion_date"] == "2018-10-01"
    overlap = await client.put(
        f"/api/employees/{employee['id']}/contract-periods",
        headers=coordinator,
        json={
            "version": data["version"],
            "periods": [
                {"start_date": "2020-04-01", "end_date": "2021-03-31"},
                {"start_date": "2021-03-01", "end_date": "2022-03-31"},
            ],
        },
    )
    assert code_of(overlap) == "EMPLOYEE_CONTRACT_PERIODS_OVERLAP"
    exempt = await client.patch(
        f"/api/employees/{employee['id']}",
        headers=coordinator,
        json={"version": data["version"], "conversion_exempt": True},
    )
    assert exempt.json()["data"]["indefinite_conversion_date"] is None


async def test_dependants_are_replaced_and_shown_to_the_office(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    response = await client.put(
        f"/api/employees/{employee['id']}/dependants",
        headers=coordinator,
        json={
            "version": employee["version"],
            "dependants": [
                {"name": "阮 氏花", "relationship": "spouse", "birth_date": "1996-01-02"},
                {
                    "name": "阮 文安",
                    "relationship": "child",
                    "birth_date": "2010-05-06",
                    "disability": "general",
                },
            ],
        },
    )
    assert response.status_code == 200, response.text
    dependants = response.json()["data"]["dependants"]
    assert [d["relationship"] for d in dependants] == ["spouse", "child"]
    assert dependants[1]["disability"] == "general"
    stale = await client.put(
        f"/api/employees/{employee['id']}/dependants",
        headers=coordinator,
        json={"version": employee["version"], "dependants": []},
    )
    assert code_of(stale) == "VERSION_CONFLICT"


async def test_residence_expiring_with_the_special_period(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    now = today()
    soon = await create_employee(
        client, coordinator, residence_card_expiry=(now + dt.timedelta(days=20)).isoformat()
    )
    later = await create_employee(
        client,
        coordinator,
        name_romaji="Pham Minh Tuan",
        residence_card_expiry=(now + dt.timedelta(days=200)).isoformat(),
    )
    # Expired about 10 days ago, renewal filed before the expiry and not decided: may still
    # work until the end of the day two months after the expiry (特例期間). With an expiry on
    # day 1-27 of a month, that is the same day two months later.
    expiry = now - dt.timedelta(days=10)
    if expiry.day > 27:
        expiry -= dt.timedelta(days=5)
    month, year = expiry.month + 2, expiry.year
    if month > 12:
        month, year = month - 12, year + 1
    grace_end = dt.date(year, month, expiry.day)
    pending = await create_employee(
        client,
        coordinator,
        name_romaji="Le Thi Hoa",
        residence_card_expiry=expiry.isoformat(),
        renewal_applied_on=(expiry - dt.timedelta(days=30)).isoformat(),
    )
    japanese = await create_employee(
        client,
        coordinator,
        name_romaji="Yamada Taro",
        nationality="JP",
        residence_status=None,
        residence_card_number=None,
        residence_card_expiry=None,
    )
    response = await client.get("/api/employees/residence-expiring?days=30", headers=coordinator)
    assert response.status_code == 200, response.text
    assert [row["id"] for row in response.json()["data"]] == [soon["id"]]
    wide = await client.get("/api/employees/residence-expiring?days=90", headers=coordinator)
    rows = {row["id"]: row for row in wide.json()["data"]}
    assert set(rows) == {soon["id"], pending["id"]}
    assert later["id"] not in rows and japanese["id"] not in rows
    assert rows[pending["id"]]["in_special_period"] is True
    assert rows[soon["id"]]["days_left"] == 20
    assert rows[pending["id"]]["work_permitted_until"] == grace_end.isoformat()
    assert rows[pending["id"]]["days_left"] == (grace_end - now).days
    decided = await client.patch(
        f"/api/employees/{pending['id']}",
        headers=coordinator,
        json={"version": pending["version"], "renewal_decided_on": now.isoformat()},
    )
    assert decided.json()["data"]["work_permitted_until"] == now.isoformat()
    manager = await auth_headers("site_manager", site_ids=[99])
    scoped = await client.get("/api/employees/residence-expiring?days=90", headers=manager)
    assert scoped.json()["data"] == []


async def test_archive_is_a_delete_that_keeps_the_record(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    archived = await client.delete(
        f"/api/employees/{employee['id']}?version={employee['version']}", headers=coordinator
    )
    assert archived.status_code == 200, archived.text
    version = archived.json()["data"]["version"]
    assert (await client.get("/api/employees", headers=coordinator)).json()["data"] == []
    listed = await client.get("/api/employees?include_archived=true", headers=coordinator)
    assert [row["id"] for row in listed.json()["data"]] == [employee["id"]]
    edit = await client.patch(
        f"/api/employees/{employee['id']}",
        headers=coordinator,
        json={"version": version, "phone": "090-1111-0000"},
    )
    assert code_of(edit) == "EMPLOYEE_ARCHIVED"
    restored = await client.post(
        f"/api/employees/{employee['id']}/restore", headers=coordinator, json={"version": version}
    )
    assert restored.json()["data"]["archived_at"] is None
    assert len((await client.get("/api/employees", headers=coordinator)).json()["data"]) == 1


async def test_name_search_in_any_form_and_width(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    duc = await create_employee(client, coordinator)
    yamada = await create_employee(
        client,
        coordinator,
        name_kanji="山田 花子",
        name_kana="やまだ はなこ",
        name_romaji="Yamada Hanako",
        nationality="JP",
        residence_status=None,
        residence_card_number=None,
        residence_card_expiry=None,
    )
    cases = {
        "ヤマダ": yamada,
        "ﾔﾏﾀﾞﾊ": yamada,
        "やまだ　は": yamada,
        "山田花": yamada,
        "ＹＡＭＡ": yamada,
        "yamada h": yamada,
        "ぐえん": duc,
        "nguyễn": duc,
        "阮": duc,
    }
    for query, expected in cases.items():
        response = await client.get("/api/employees", headers=coordinator, params={"q": query})
        assert [row["id"] for row in response.json()["data"]] == [expected["id"]], query
    for query in ("ハナコ", "%", "_", "zzz"):  # prefix only; wildcards are literal
        response = await client.get("/api/employees", headers=coordinator, params={"q": query})
        assert response.json()["data"] == [], query


async def test_sorts_and_filters(client: httpx.AsyncClient, auth_headers: Any) -> None:
    coordinator = await auth_headers("coordinator")
    a = await create_employee(
        client,
        coordinator,
        name_kana="アオキ",
        name_romaji="Aoki",
        hire_date="2020-01-01",
        nationality="JP",
        employment_type="staff",
    )
    b = await create_employee(
        client,
        coordinator,
        name_kana="ベトナム",
        name_romaji="Be",
        hire_date="2022-01-01",
        term_type="indefinite",
    )
    c = await create_employee(
        client,
        coordinator,
        name_kana="いとう",
        name_romaji="Ito",
        hire_date="2021-01-01",
        nationality="JP",
    )

    async def ids(query: str) -> list[int]:
        response = await client.get(f"/api/employees?{query}", headers=coordinator)
        assert response.status_code == 200, response.text
        return [row["id"] for row in response.json()["data"]]

    assert await ids("sort=kana") == [a["id"], c["id"], b["id"]]
    assert await ids("sort=romaji") == [a["id"], b["id"], c["id"]]
    assert await ids("sort=-hire_date") == [b["id"], c["id"], a["id"]]
    assert await ids("sort=-created") == [c["id"], b["id"], a["id"]]
    assert await ids("nationality=jp&sort=kana") == [a["id"], c["id"]]
    assert await ids("employment_type=staff") == [a["id"]]
    assert await ids("term_type=indefinite") == [b["id"]]
    assert await ids("status=left") == []
    assert (await client.get("/api/employees?sort=bogus", headers=coordinator)).status_code == 422


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 2), ("coordinator", 2), ("site_manager", 2), ("employee", 2)],
)
async def test_list_query_count_is_fixed_at_every_page(
    client: httpx.AsyncClient, auth_headers: Any, app: Any, role: str, expected: int
) -> None:
    """Principal (1, a site manager's sites in the same statement) + the page (1), whatever
    the page."""
    coordinator = await auth_headers("coordinator")
    created = [
        await create_employee(client, coordinator, name_romaji=f"Worker {chr(65 + i)}")
        for i in range(5)
    ]
    async with session_scope(app.state.database, write=True) as session:
        for row in created:
            await employees_service.set_current_placement(
                session, employee_id=row["id"], client_id=1, site_id=10
            )
    extra: dict[str, Any] = {}
    if role == "site_manager":
        extra["site_ids"] = [10]
    if role == "employee":
        extra["employee_id"] = created[0]["id"]
    headers = await auth_headers(role, **extra)
    for path in ("/api/employees?limit=2", "/api/employees/residence-expiring?days=730&limit=2"):
        if role == "employee" and "residence" in path:
            continue  # the expiry list is for site managers and above
        with cache_bypass(), assert_num_queries(expected):
            first = await client.get(path, headers=headers)
        assert first.status_code == 200, first.text
        cursor = first.json()["pagination"]["next_cursor"]
        if role == "employee":
            assert cursor is None
            continue
        assert cursor is not None
        with cache_bypass(), assert_num_queries(expected):
            second = await client.get(f"{path}&cursor={cursor}", headers=headers)
        assert second.status_code == 200
        assert len(second.json()["data"]) == 2
        with (
            cache_bypass(),
            assert_num_queries(expected),
        ):  # the total rides along in the same statement
            counted = await client.get(f"{path}&count=true", headers=headers)
        assert counted.json()["pagination"]["total"] == 5
        assert not {r["id"] for r in first.json()["data"]} & {
            r["id"] for r in second.json()["data"]
        }
