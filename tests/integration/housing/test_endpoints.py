"""Company housing end to end: capacity, double housing, move-out, archival, scope,
deductions worked by hand, and exact query counts of every list."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from haken.modules.housing.service import housing_service, peak_occupancy
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.employees.factories import create_employee


def kana_of(n: int) -> str:
    """Names may hold only kana or Latin letters: digits spelled as letters."""
    return "ワーカー " + "".join("アイウエオカキクケコ"[int(d)] for d in str(n))


async def employee(http: httpx.AsyncClient, headers: dict[str, str], n: int) -> int:
    row = await create_employee(
        http,
        headers,
        name_romaji="Worker " + "".join("abcdefghij"[int(d)] for d in str(n)),
        name_kana=kana_of(n),
        name_kanji=None,
        birth_date=f"19{70 + n % 30}-01-{1 + n % 28:02d}",
        residence_card_number=f"AB{n:08d}CD",
        email=f"worker{n}@test.example",
        my_number=None,
    )
    return int(row["id"])


async def _post(http: httpx.AsyncClient, path: str, headers: dict[str, str], **body: Any) -> Any:
    response = await http.post(path, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def apartment(http: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> Any:
    body = {"name": "レオパレス豊田", "prefecture": "23", "address_line1": "豊田市1-1", **fields}
    return await _post(http, "/api/housing/apartments", headers, **body)


async def room(
    http: httpx.AsyncClient, headers: dict[str, str], apartment_id: int, **fields: Any
) -> Any:
    body = {"apartment_id": apartment_id, "name": "101", "capacity": 2, "rent_per_occupant": 30_000}
    return await _post(http, "/api/housing/rooms", headers, **{**body, **fields})


async def move_in(http: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await http.post("/api/housing/occupancies", headers=headers, json=body)


def code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def test_peak_occupancy_counts_both_ends() -> None:
    import datetime as dt

    d = dt.date
    # Out on the 10th and in on the 10th: both there on the 10th.
    assert (
        peak_occupancy(
            [(d(2026, 4, 1), d(2026, 4, 10)), (d(2026, 4, 10), None)], d(2026, 4, 1), None
        )
        == 2
    )
    assert (
        peak_occupancy(
            [(d(2026, 4, 1), d(2026, 4, 9)), (d(2026, 4, 10), None)], d(2026, 4, 1), None
        )
        == 1
    )
    # Two stays that overlap the new one but not each other: peak 2 with the new one, not 3.
    stays = [(d(2026, 4, 1), d(2026, 4, 5)), (d(2026, 4, 20), None), (d(2026, 4, 1), None)]
    assert peak_occupancy(stays, d(2026, 4, 1), None) == 2


async def test_capacity_and_double_housing(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    workers = [await employee(client, headers, n) for n in range(4)]
    flat = await apartment(client, headers)
    twin = await room(client, headers, flat["id"], capacity=2)
    single = await room(client, headers, flat["id"], name="102", capacity=1)

    first = await move_in(
        client,
        headers,
        employee_id=workers[0],
        room_id=twin["id"],
        move_in="2026-04-01",
        move_out="2026-04-30",
    )
    assert first.status_code == 201, first.text
    assert first.json()["data"]["monthly_rent"] == 30_000  # the room's rent per occupant
    assert (
        await move_in(
            client, headers, employee_id=workers[1], room_id=twin["id"], move_in="2026-04-10"
        )
    ).status_code == 201
    full = await move_in(
        client, headers, employee_id=workers[2], room_id=twin["id"], move_in="2026-04-30"
    )
    assert full.status_code == 409 and code(full) == "HOUSING_ROOM_FULL"
    # The day after the first stay ends there is a bed again.
    assert (
        await move_in(
            client, headers, employee_id=workers[2], room_id=twin["id"], move_in="2026-05-01"
        )
    ).status_code == 201
    # One employee, two rooms at once: refused; once moved out, fine.
    twice = await move_in(
        client, headers, employee_id=workers[1], room_id=single["id"], move_in="2026-06-01"
    )
    assert twice.status_code == 409 and code(twice) == "HOUSING_EMPLOYEE_ALREADY_HOUSED"
    unknown = await move_in(
        client, headers, employee_id=999_999, room_id=single["id"], move_in="2026-06-01"
    )
    assert unknown.status_code == 422 and code(unknown) == "HOUSING_EMPLOYEE_UNKNOWN"
    backwards = await move_in(
        client,
        headers,
        employee_id=workers[3],
        room_id=single["id"],
        move_in="2026-06-01",
        move_out="2026-05-31",
    )
    assert code(backwards) == "HOUSING_MOVE_OUT_BEFORE_MOVE_IN"
    # Capacity cannot drop below who lives there.
    shrink = await client.patch(
        f"/api/housing/rooms/{twin['id']}", headers=headers, json={"version": 1, "capacity": 1}
    )
    assert shrink.status_code == 409 and code(shrink) == "HOUSING_CAPACITY_BELOW_OCCUPANTS"


async def test_move_out_rules(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    worker = await employee(client, headers, 10)
    flat = await apartment(client, headers)
    bed = await room(client, headers, flat["id"])
    stay = (
        await move_in(client, headers, employee_id=worker, room_id=bed["id"], move_in="2026-04-01")
    ).json()["data"]
    path = f"/api/housing/occupancies/{stay['id']}/move-out"
    early = await client.post(path, headers=headers, json={"version": 1, "move_out": "2026-03-31"})
    assert code(early) == "HOUSING_MOVE_OUT_BEFORE_MOVE_IN"
    done = await client.post(path, headers=headers, json={"version": 1, "move_out": "2026-04-20"})
    assert done.status_code == 200, done.text
    assert done.json()["data"]["move_out"] == "2026-04-20"
    assert done.json()["data"]["version"] == 2
    stale = await client.post(path, headers=headers, json={"version": 1, "move_out": "2026-04-25"})
    assert stale.status_code == 409 and code(stale) == "VERSION_CONFLICT"
    again = await client.post(path, headers=headers, json={"version": 2, "move_out": "2026-04-25"})
    assert again.status_code == 409 and code(again) == "HOUSING_ALREADY_MOVED_OUT"


async def test_parking_spaces_are_limited(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    a, b = await employee(client, headers, 20), await employee(client, headers, 21)
    flat = await apartment(client, headers, parking_spaces=1, parking_fee_monthly=3_100)
    bed = await room(client, headers, flat["id"])
    parked = await move_in(
        client, headers, employee_id=a, room_id=bed["id"], move_in="2026-04-01", parking=True
    )
    assert parked.json()["data"]["parking_fee_monthly"] == 3_100
    refused = await move_in(
        client, headers, employee_id=b, room_id=bed["id"], move_in="2026-04-15", parking=True
    )
    assert refused.status_code == 409 and code(refused) == "HOUSING_PARKING_FULL"


async def test_json_booleans_are_not_numbers(client: httpx.AsyncClient, auth_headers: Any) -> None:
    """Found by schemathesis: ``parking_fee_monthly: false`` was stored as 0 (201)."""
    headers = await auth_headers("coordinator")
    body = {"name": "型検査荘", "prefecture": "23", "address_line1": "豊田市2-2"}
    for field in ("parking_fee_monthly", "parking_spaces", "monthly_rent"):
        refused = await client.post(
            "/api/housing/apartments", headers=headers, json={**body, field: False}
        )
        assert refused.status_code == 422, (field, refused.text)
        assert code(refused) == "VALIDATION_FAILED"
    listed = await client.get("/api/housing/apartments", headers=headers)
    assert all(item["name"] != "型検査荘" for item in listed.json()["data"])
    flat = await apartment(client, headers, parking_fee_monthly=0)
    path = f"/api/housing/apartments/{flat['id']}"
    refused = await client.patch(path, headers=headers, json={"version": 1, "parking_spaces": True})
    assert refused.status_code == 422 and code(refused) == "VALIDATION_FAILED"
    kept = (await client.get(path, headers=headers)).json()["data"]
    assert (kept["version"], kept["parking_spaces"]) == (1, 0)


async def test_dates_are_never_unix_timestamps(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Found by schemathesis: ``lease_end: 0`` and ``?on=0`` were read as 1970-01-01."""
    headers = await auth_headers("coordinator")
    body = {"name": "日付荘", "prefecture": "23", "address_line1": "豊田市3-3"}
    for value in (0, "0", 1.5, "1700000000"):
        refused = await client.post(
            "/api/housing/apartments", headers=headers, json={**body, "lease_end": value}
        )
        assert refused.status_code == 422, (value, refused.text)
        assert code(refused) == "VALIDATION_FAILED"
    for value in ("0", "0.5", "20260401"):
        listed = await client.get("/api/housing/occupancy", headers=headers, params={"on": value})
        assert listed.status_code == 422, (value, listed.text)
    assert (
        await client.get("/api/housing/occupancy", headers=headers, params={"on": "2026-04-01"})
    ).status_code == 200
    kept = await apartment(client, headers, lease_end="2027-03-31")
    assert kept["lease_end"] == "2027-03-31"


async def test_own_stays_of_an_account_without_employee_refuse_any_cursor(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Found by schemathesis: the always-empty list answered 200 to a forged cursor."""
    admin = await auth_headers("admin")  # not linked to an employee
    forged = await client.get("/api/housing/me", headers=admin, params={"cursor": "AAA"})
    assert forged.status_code == 400 and code(forged) == "INVALID_CURSOR"
    first = await client.get("/api/housing/me", headers=admin, params={"cursor": ""})
    assert first.status_code == 200 and first.json()["data"] == []


async def test_deductions_prorated_by_days(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    """Expected values worked by hand: monthly × days occupied ÷ days in month, rounded down."""
    headers = await auth_headers("admin")
    workers = [await employee(client, headers, 30 + n) for n in range(4)]
    flat = await apartment(
        client,
        headers,
        utilities_policy="flat",
        utilities_flat_monthly=6_000,
        parking_spaces=5,
        parking_fee_monthly=3_100,
    )
    beds = [await room(client, headers, flat["id"], name=f"20{i}", capacity=1) for i in range(4)]
    # 30,000 from 16 April (a 30-day month): 15 days → 15,000; utilities 6,000 × 15/30 = 3,000.
    await move_in(
        client, headers, employee_id=workers[0], room_id=beds[0]["id"], move_in="2026-04-16"
    )
    # In since March, out on 10 April: 10 days → 10,000; utilities 2,000; parking
    # 3,100 × 10/30 = 1,033.33 → 1,033.
    await move_in(
        client,
        headers,
        employee_id=workers[1],
        room_id=beds[1]["id"],
        move_in="2026-03-01",
        move_out="2026-04-10",
        parking=True,
    )
    # 25,000 from 29 April: 2 days → 1,666.67 → 1,666 (down, in the worker's favour);
    # utilities 6,000 × 2/30 = 400.
    await move_in(
        client,
        headers,
        employee_id=workers[2],
        room_id=beds[2]["id"],
        move_in="2026-04-29",
        monthly_rent=25_000,
    )
    # Whole month: exactly the monthly amounts.
    await move_in(
        client,
        headers,
        employee_id=workers[3],
        room_id=beds[3]["id"],
        move_in="2026-01-05",
        utilities_monthly=0,
    )

    with (
        cache_bypass(),
        assert_num_queries(3),
    ):  # caller, the page with names of rooms, the employees
        response = await client.get("/api/housing/deductions?year=2026&month=4", headers=headers)
    rows = {r["employee_id"]: r for r in response.json()["data"]}
    assert [rows[w]["total"] for w in workers] == [18_000, 13_033, 2_066, 30_000]
    assert rows[workers[0]]["rent"] == 15_000 and rows[workers[0]]["utilities"] == 3_000
    assert rows[workers[0]]["days_occupied"] == 15 and rows[workers[0]]["days_in_month"] == 30
    assert rows[workers[1]]["parking"] == 1_033
    assert rows[workers[2]]["rent"] == 1_666 and rows[workers[2]]["utilities"] == 400
    assert rows[workers[0]]["employee_name"] == "ワーカー エア"  # 30 spelled in kana
    # May: the one who left in April is gone; 31-day month in full for the others.
    may = (await client.get("/api/housing/deductions?year=2026&month=5", headers=headers)).json()
    assert sorted(r["employee_id"] for r in may["data"]) == sorted(
        [workers[0], workers[2], workers[3]]
    )
    # Paging after a cursor costs the same.
    first = (
        await client.get("/api/housing/deductions?year=2026&month=4&limit=2", headers=headers)
    ).json()
    with cache_bypass(), assert_num_queries(3):
        second = await client.get(
            "/api/housing/deductions",
            headers=headers,
            params={
                "year": 2026,
                "month": 4,
                "limit": 2,
                "cursor": first["pagination"]["next_cursor"],
            },
        )
    assert len(first["data"]) + len(second.json()["data"]) == 4
    # What payroll calls: every stay of the month, one query.
    async with session_scope(app.state.database, write=True) as session:
        with cache_bypass(), assert_num_queries(1):
            items = await housing_service.monthly_deductions(session, 2026, 4)
    assert sorted(i.total for i in items) == sorted([18_000, 13_033, 2_066, 30_000])


async def test_occupancy_view_and_list_query_counts(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    workers = [await employee(client, headers, 40 + n) for n in range(3)]
    flats = [await apartment(client, headers, name=f"社宅{i}") for i in range(3)]
    twin = await room(client, headers, flats[0]["id"], name="101", capacity=2)
    await room(client, headers, flats[0]["id"], name="102", capacity=1)
    single = await room(client, headers, flats[1]["id"], name="201", capacity=1)
    await move_in(client, headers, employee_id=workers[0], room_id=twin["id"], move_in="2026-04-01")
    await move_in(
        client,
        headers,
        employee_id=workers[1],
        room_id=twin["id"],
        move_in="2026-04-01",
        move_out="2026-04-15",
    )
    await move_in(
        client, headers, employee_id=workers[2], room_id=single["id"], move_in="2026-05-01"
    )

    with cache_bypass(), assert_num_queries(3):  # caller, apartments page, rooms with counts
        view = await client.get("/api/housing/occupancy?on=2026-04-10&limit=2", headers=headers)
    body = view.json()
    first = body["data"][0]
    assert (first["name"], first["capacity"], first["occupied"], first["vacancies"]) == (
        "社宅0",
        3,
        2,
        1,
    )
    assert [(r["name"], r["occupied"], r["vacancies"]) for r in first["rooms"]] == [
        ("101", 2, 0),
        ("102", 0, 1),
    ]
    assert (body["data"][1]["occupied"], body["data"][1]["vacancies"]) == (0, 1)  # not yet in
    with cache_bypass(), assert_num_queries(3):
        rest = await client.get(
            "/api/housing/occupancy",
            headers=headers,
            params={"on": "2026-04-10", "limit": 2, "cursor": body["pagination"]["next_cursor"]},
        )
    assert [a["name"] for a in rest.json()["data"]] == ["社宅2"]
    assert rest.json()["data"][0]["rooms"] == []

    for params in (
        {"limit": 1},
        {"limit": 1, "apartment_id": flats[0]["id"]},
        {"limit": 1, "current_on": "2026-04-10"},
    ):
        with cache_bypass(), assert_num_queries(3):  # caller, the page, the employees' names
            page1 = await client.get("/api/housing/occupancies", headers=headers, params=params)
        cursor = page1.json()["pagination"]["next_cursor"]
        with cache_bypass(), assert_num_queries(3):
            await client.get(
                "/api/housing/occupancies", headers=headers, params={**params, "cursor": cursor}
            )
    current = await client.get("/api/housing/occupancies?current_on=2026-04-10", headers=headers)
    assert sorted(r["employee_id"] for r in current.json()["data"]) == sorted(workers[:2])
    for path in (
        "/api/housing/apartments?limit=1",
        f"/api/housing/rooms?apartment_id={flats[0]['id']}&limit=1",
    ):
        with cache_bypass(), assert_num_queries(2):  # caller, the page
            listed = await client.get(path, headers=headers)
        with cache_bypass(), assert_num_queries(2):
            await client.get(
                path + "&cursor=" + listed.json()["pagination"]["next_cursor"], headers=headers
            )


async def test_scope_employee_sees_only_own_stays(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    mine, other = await employee(client, admin, 50), await employee(client, admin, 51)
    flat = await apartment(client, admin)
    bed = await room(client, admin, flat["id"])
    await move_in(client, admin, employee_id=mine, room_id=bed["id"], move_in="2026-04-01")
    await move_in(client, admin, employee_id=other, room_id=bed["id"], move_in="2026-04-01")
    user = await make_user("employee", employee_id=mine)
    headers = {"Authorization": (await login(user["email"]))["Authorization"]}
    with cache_bypass(), assert_num_queries(2):  # caller, the page
        own = await client.get("/api/housing/me", headers=headers)
    assert [r["employee_id"] for r in own.json()["data"]] == [mine]
    assert own.json()["data"][0]["apartment_name"] == "レオパレス豊田"
    for path in (
        "/api/housing/occupancies",
        "/api/housing/deductions?year=2026&month=4",
        "/api/housing/occupancy",
        "/api/housing/apartments",
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code == 403, path
    manager = await auth_headers("site_manager")
    assert (await client.get("/api/housing/occupancies", headers=manager)).status_code == 403
    nobody = await auth_headers("employee")  # an account without an employee record
    assert (await client.get("/api/housing/me", headers=nobody)).json()["data"] == []


async def test_archival_of_referenced_housing(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    worker = await employee(client, headers, 60)
    flat = await apartment(client, headers)
    lived_in = await room(client, headers, flat["id"], name="101")
    empty = await room(client, headers, flat["id"], name="102")
    stay = (
        await move_in(
            client, headers, employee_id=worker, room_id=lived_in["id"], move_in="2026-04-01"
        )
    ).json()["data"]

    gone = await client.delete(
        f"/api/housing/rooms/{empty['id']}", headers=headers, params={"version": 1}
    )
    assert gone.json()["data"] == {"id": empty["id"], "outcome": "deleted"}
    kept = await client.delete(
        f"/api/housing/rooms/{lived_in['id']}", headers=headers, params={"version": 1}
    )
    assert kept.json()["data"] == {"id": lived_in["id"], "outcome": "archived"}
    archived = await client.delete(
        f"/api/housing/apartments/{flat['id']}", headers=headers, params={"version": 1}
    )
    assert archived.json()["data"]["outcome"] == "archived"
    listed = await client.get("/api/housing/apartments?status=archived", headers=headers)
    assert [a["id"] for a in listed.json()["data"]] == [flat["id"]]
    # The stay is still there and still charged; nobody new moves in.
    assert (
        await client.get(f"/api/housing/occupancies?room_id={lived_in['id']}", headers=headers)
    ).json()["data"][0]["id"] == stay["id"]
    await client.post(
        f"/api/housing/occupancies/{stay['id']}/move-out",
        headers=headers,
        json={"version": 1, "move_out": "2026-04-30"},
    )
    refused = await move_in(
        client, headers, employee_id=worker, room_id=lived_in["id"], move_in="2026-06-01"
    )
    assert refused.status_code == 409 and code(refused) == "HOUSING_ROOM_ARCHIVED"
    stale = await client.patch(
        f"/api/housing/apartments/{flat['id']}", headers=headers, json={"version": 1, "name": "x"}
    )
    assert stale.status_code == 409 and code(stale) == "VERSION_CONFLICT"


@pytest.mark.parametrize("role", ["employee", "site_manager"])
async def test_writes_need_a_coordinator(
    client: httpx.AsyncClient, auth_headers: Any, role: str
) -> None:
    headers = await auth_headers(role)
    response = await client.post(
        "/api/housing/apartments",
        headers=headers,
        json={"name": "x", "prefecture": "23", "address_line1": "1"},
    )
    assert response.status_code == 403
