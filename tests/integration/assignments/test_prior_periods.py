"""Periods through other agencies and the age-60 exemption in the individual 抵触日.

Dates worked by hand from JP_LABOR.md §7.1 and the Civil Code: the 抵触日 is the first day
past 3 years of the clock; a gap of more than 3 months (3 months and at least 1 day)
restarts it, for periods through other agencies as for our own; a worker is outside the
limits from the day they reach 60, the day before the 60th birthday (年齢計算ニ関スル法律,
民法143条; 派遣法40条の2第1項2号ロ, 則32条の5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select

from haken.modules.assignments.models import PriorDispatchPeriod
from haken.modules.audit.models import AuditEntry
from haken.platform.db import session_scope
from tests.integration.assignments.factories import (
    assign,
    assignment_body,
    make_contract,
    make_employee,
    make_unit,
)

PRIOR = "/api/assignments/prior-periods"


async def _declare(http: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await http.post(PRIOR, headers=headers, json={"source_note": "株式会社他社派遣", **body})


async def test_two_years_through_another_agency_move_the_date_two_years_earlier(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    contract = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2030-03-31")
    worker = await make_employee(client, headers)
    declared = await _declare(
        client,
        headers,
        employee_id=worker["id"],
        unit_id=place["unit_id"],
        start_date="2024-04-01",
        end_date="2026-03-31",
        source="coordinator",
    )
    assert declared.status_code == 201, declared.text
    period = declared.json()["data"]
    assert (period["site_id"], period["client_id"]) == (place["site_id"], place["client_id"])
    assert period["source"] == "coordinator" and period["source_note"] == "株式会社他社派遣"

    # The placement continues the other agency's run: clock 2024-04-01 → 2027-04-01,
    # two years before our own 2029-04-01.
    row = await assign(
        client, headers, contract["id"], worker["id"], start_date="2026-04-01",
        end_date="2027-03-31",
    )  # fmt: skip
    assert row["individual_conflict_date"] == "2027-04-01"
    assert (row["conflict_date"], row["conflict_kind"]) == ("2027-04-01", "individual")
    dates = await client.get(f"/api/assignments/{row['id']}/conflict-dates", headers=headers)
    assert dates.json()["data"]["individual"]["clock_start"] == "2024-04-01"

    # Working on to the 抵触日 is refused (the individual limit is never extended).
    other = await make_employee(client, headers)
    await _declare(
        client, headers, employee_id=other["id"], unit_id=place["unit_id"],
        start_date="2024-04-01", end_date="2026-03-31",
    )  # fmt: skip
    refused = await client.post(
        "/api/assignments",
        headers=headers,
        json=assignment_body(
            contract["id"], other["id"], start_date="2026-04-01", end_date="2027-04-01"
        ),
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ASSIGNMENT_BEYOND_INDIVIDUAL_LIMIT"

    # The audit row names the period and its source; nothing about the worker's other data.
    async with session_scope(app.state.database, write=True) as session:
        audit = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "prior_dispatch_period",
                    AuditEntry.entity_id == str(period["id"]),
                )
            )
        ).one()
    assert audit.action == "create"
    assert "株式会社他社派遣" in repr(audit.changes)


async def test_cooling_off_of_more_than_three_months(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    contract = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2030-03-31")
    counted, reset = await make_employee(client, headers), await make_employee(client, headers)
    for worker in (counted, reset):
        declared = await _declare(
            client, headers, employee_id=worker["id"], unit_id=place["unit_id"],
            start_date="2024-01-01", end_date="2025-12-31",
        )  # fmt: skip
        assert declared.status_code == 201, declared.text
    # Gap 2026-01-01..03-31: exactly 3 months, the clock continues from 2024-01-01.
    kept = await assign(
        client, headers, contract["id"], counted["id"], start_date="2026-04-01",
        end_date="2026-12-31",
    )  # fmt: skip
    assert kept["individual_conflict_date"] == "2027-01-01"
    # Gap 2026-01-01..04-01: 3 months and 1 day, the period no longer counts.
    fresh = await assign(
        client, headers, contract["id"], reset["id"], start_date="2026-04-02",
        end_date="2026-12-31",
    )  # fmt: skip
    assert fresh["individual_conflict_date"] == "2029-04-02"


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


async def test_declaring_and_removing_recomputes_running_assignments(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    # Dates relative to today, so the placement is running whenever the suite runs: our own
    # clock starts on the 1st, 8 months ago; 3 years later is the individual 抵触日.
    today = dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()
    start = _months_back(today, 8)
    own_date = start.replace(year=start.year + 3)
    contract = await make_contract(
        client, headers, place["unit_id"], start.isoformat(),
        start.replace(year=start.year + 4).isoformat(),
    )  # fmt: skip
    worker = await make_employee(client, headers)
    row = await assign(
        client, headers, contract["id"], worker["id"], start_date=start.isoformat(),
        end_date=(own_date - dt.timedelta(days=1)).isoformat(),
    )  # fmt: skip
    assert row["individual_conflict_date"] == own_date.isoformat()
    # A year through another agency right before ours: the clock starts a year earlier.
    declared = await _declare(
        client, headers, employee_id=worker["id"], unit_id=place["unit_id"],
        start_date=start.replace(year=start.year - 1).isoformat(),
        end_date=(start - dt.timedelta(days=1)).isoformat(), source="client_supervisor",
    )  # fmt: skip
    assert declared.status_code == 201, declared.text
    moved = (await client.get(f"/api/assignments/{row['id']}", headers=headers)).json()["data"]
    # The stored date moves a year earlier; the assignment's version does not (not an edit).
    earlier = own_date.replace(year=own_date.year - 1).isoformat()
    assert (moved["individual_conflict_date"], moved["conflict_date"]) == (earlier, earlier)
    assert moved["version"] == row["version"]
    period_id = declared.json()["data"]["id"]
    removed = await client.delete(f"{PRIOR}/{period_id}", headers=headers)
    assert removed.status_code == 200, removed.text
    assert removed.json()["data"] == {"id": period_id, "outcome": "deleted"}
    back = (await client.get(f"/api/assignments/{row['id']}", headers=headers)).json()["data"]
    assert back["individual_conflict_date"] == own_date.isoformat()
    async with session_scope(app.state.database, write=True) as session:
        actions = (
            await session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.entity_type == "prior_dispatch_period",
                    AuditEntry.entity_id == str(period_id),
                )
            )
        ).all()
    assert sorted(actions) == ["create", "delete"]
    missing = await client.delete(f"{PRIOR}/{period_id}", headers=headers)
    assert missing.status_code == 404


async def test_no_individual_date_from_the_day_the_worker_reaches_60(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    contract = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2030-03-31")
    # Born 1966-04-15: reaches 60 on 2026-04-14 (the day before the 60th birthday).
    day_before = await make_employee(client, headers, birth_date="1966-04-15")
    on_the_day = await make_employee(client, headers, birth_date="1966-04-15")
    # Starting 2026-04-13, aged 59: the date stands for the documents but never binds.
    young = await assign(
        client, headers, contract["id"], day_before["id"], start_date="2026-04-13",
        end_date="2029-12-31",
    )  # fmt: skip
    assert young["exemption"] is None
    assert young["individual_conflict_date"] == "2029-04-13"
    assert young["conflict_date"] is None
    # Starting 2026-04-14: aged 60, no individual 抵触日 and no limit at all.
    sixty = await assign(
        client, headers, contract["id"], on_the_day["id"], start_date="2026-04-14",
        end_date="2029-12-31",
    )  # fmt: skip
    assert sixty["exemption"] == "AGED_60_OR_OVER"
    assert (sixty["individual_conflict_date"], sixty["conflict_date"]) == (None, None)


async def test_bad_input_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    worker = await make_employee(client, headers)
    base = {"employee_id": worker["id"], "unit_id": place["unit_id"]}
    backwards = await _declare(
        client, headers, **base, start_date="2025-04-01", end_date="2025-03-31"
    )
    assert backwards.status_code == 422
    error = backwards.json()["error"]
    assert error["code"] == "ASSIGNMENT_PRIOR_PERIOD_INVALID"
    no_unit = await _declare(
        client, headers, employee_id=worker["id"], unit_id=999_999,
        start_date="2024-04-01", end_date="2025-03-31",
    )  # fmt: skip
    assert (no_unit.status_code, no_unit.json()["error"]["code"]) == (
        422,
        "CONTRACT_UNIT_NOT_FOUND",
    )
    no_worker = await _declare(
        client, headers, employee_id=999_999, unit_id=place["unit_id"],
        start_date="2024-04-01", end_date="2025-03-31",
    )  # fmt: skip
    assert no_worker.json()["error"]["code"] == "ASSIGNMENT_EMPLOYEE_NOT_FOUND"
    no_source = await client.post(
        PRIOR, headers=headers, json={**base, "start_date": "2024-04-01", "end_date": "2025-03-31"}
    )
    assert no_source.status_code == 422
    bad_source = await _declare(
        client, headers, **base, start_date="2024-04-01", end_date="2025-03-31", source="agency"
    )
    assert bad_source.status_code == 422
    async with session_scope(app.state.database, write=True) as session:
        count = await session.scalar(select(func.count()).select_from(PriorDispatchPeriod))
    assert count == 0


async def test_scope_of_prior_periods(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    office = await auth_headers("coordinator")
    mine, theirs = await make_unit(client, office), await make_unit(client, office)
    worker = await make_employee(client, office)
    ids = {}
    for name, place in (("mine", mine), ("theirs", theirs)):
        response = await _declare(
            client, office, employee_id=worker["id"], unit_id=place["unit_id"],
            start_date="2024-04-01", end_date="2025-03-31",
        )  # fmt: skip
        ids[name] = response.json()["data"]["id"]
    everything = await client.get(PRIOR, headers=office, params={"employee_id": worker["id"]})
    assert sorted(r["id"] for r in everything.json()["data"]) == sorted(ids.values())
    by_unit = await client.get(PRIOR, headers=office, params={"unit_id": mine["unit_id"]})
    assert [r["id"] for r in by_unit.json()["data"]] == [ids["mine"]]

    user = await make_user("site_manager", site_ids=[mine["site_id"]])
    manager = {"Authorization": (await login(user["email"]))["Authorization"]}
    seen = await client.get(PRIOR, headers=manager, params={"employee_id": worker["id"]})
    assert [r["id"] for r in seen.json()["data"]] == [ids["mine"]]
    # Reading is not writing: declaring and removing are the office's.
    assert (await client.delete(f"{PRIOR}/{ids['mine']}", headers=manager)).status_code == 403
    refused = await _declare(
        client, manager, employee_id=worker["id"], unit_id=mine["unit_id"],
        start_date="2023-04-01", end_date="2023-09-30",
    )  # fmt: skip
    assert refused.status_code == 403
    staff = await auth_headers("employee")
    listed = await client.get(PRIOR, headers=staff)
    assert listed.status_code == 403
