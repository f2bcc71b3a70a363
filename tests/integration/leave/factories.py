"""Building blocks of the leave tests: an employee with a placement, hired so that a grant
is due, the grants run through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.labor.civil_periods import add_months
from tests.integration.assignments.factories import assign, make_contract, make_employee, make_unit


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


async def granted_employee(
    http: httpx.AsyncClient, headers: dict[str, str], *, months: int = 7, **fields: Any
) -> dict[str, Any]:
    """A full-time indefinite employee hired ``months`` ago, placed at a new unit from the
    hire date, whose due grants have been run (7 months: one grant of 10 days)."""
    hired = add_months(today(), -months)
    place = await make_unit(http, headers)
    contract = await make_contract(
        http,
        headers,
        place["unit_id"],
        start=hired.isoformat(),
        end=(today() + dt.timedelta(days=300)).isoformat(),
    )
    worker = await make_employee(
        http, headers, hire_date=hired.isoformat(), term_type="indefinite", **fields
    )
    await assign(
        http,
        headers,
        contract["id"],
        worker["id"],
        start_date=hired.isoformat(),
        end_date=(today() + dt.timedelta(days=200)).isoformat(),
    )
    run = await http.post(
        "/api/leave/grants/run", headers=headers, json={"employee_id": worker["id"]}
    )
    assert run.status_code == 200, run.text
    return {**place, "employee": worker, "hired": hired, "run": run.json()["data"]}
