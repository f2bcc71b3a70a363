"""Building blocks of the attendance tests: a placement made through the public API, and
timecards entered, submitted and approved through it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.assignments.factories import (
    assign,
    foreign_employee,
    make_contract,
    make_employee,
    make_unit,
)

PART_TIME = {"working_days": "月・水・金", "start_time": "17:00", "end_time": "22:00"}


async def placement(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    contract_fields: dict[str, Any] | None = None,
    foreign: tuple[str, dict[str, Any]] | None = None,
    **assignment_fields: Any,
) -> dict[str, Any]:
    """A unit, a contract, an employee and their assignment (2026-04-01 – 2026-09-30)."""
    place = await make_unit(http, headers)
    contract = await make_contract(http, headers, place["unit_id"], **(contract_fields or {}))
    if foreign is not None:
        worker = await foreign_employee(http, headers, foreign[0], **foreign[1])
    else:
        worker = await make_employee(http, headers)
    assignment = await assign(http, headers, contract["id"], worker["id"], **assignment_fields)
    return {**place, "contract": contract, "employee": worker, "assignment": assignment}


async def enter(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    assignment_id: int,
    day: str,
    start: str | None = "08:00",
    end: str | None = "17:00",
    break_minutes: int = 60,
    **fields: Any,
) -> httpx.Response:
    body: dict[str, Any] = {"assignment_id": assignment_id, "work_date": day, **fields}
    if start is not None:
        body.update(start=start, end=end, break_minutes=break_minutes)
    return await http.post("/api/attendance/timecards", headers=headers, json=body)


async def act(
    http: httpx.AsyncClient, headers: dict[str, str], card: dict[str, Any], action: str, **body: Any
) -> httpx.Response:
    return await http.post(
        f"/api/attendance/timecards/{card['id']}/{action}",
        headers=headers,
        json={"version": card["version"], **body},
    )


async def approved(
    http: httpx.AsyncClient, headers: dict[str, str], assignment_id: int, day: str, **kw: Any
) -> dict[str, Any]:
    created = await enter(http, headers, assignment_id, day, **kw)
    assert created.status_code == 201, created.text
    submitted = await act(http, headers, created.json()["data"], "submit")
    assert submitted.status_code == 200, submitted.text
    done = await act(http, headers, submitted.json()["data"], "approve")
    assert done.status_code == 200, done.text
    data: dict[str, Any] = done.json()["data"]
    return data
