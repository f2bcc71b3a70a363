"""Building blocks of the payroll tests: placements through the public API, the attendance
ledger's row of a period (what the attendance area keeps after approval), a run waited for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.modules.attendance.models import LedgerEntry
from haken.platform.db import session_scope, utcnow
from tests.integration.attendance.factories import placement
from tests.waiting import poll

APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
MAY = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))


async def placed(
    http: httpx.AsyncClient, headers: dict[str, str], hourly: str = "1500.00", **fields: Any
) -> dict[str, Any]:
    """An employee (born 1990-05-20) placed 2026-04-01 – 2026-09-30 at ``hourly`` yen,
    08:00–17:00 with an hour's break (480 scheduled minutes a day)."""
    return await placement(http, headers, rate={"hourly_pay": hourly}, **fields)


async def ledger(
    app: Any, employee_id: int, period: tuple[dt.date, dt.date] = APRIL, **minutes: int
) -> None:
    """The attendance ledger's payroll row of ``employee_id`` for ``period``."""
    async with session_scope(app.state.database, write=True) as session:
        session.add(
            LedgerEntry(
                kind="payroll",
                subject_id=employee_id,
                period_start=period[0],
                period_end=period[1],
                worked_minutes=sum(
                    minutes.get(k, 0)
                    for k in ("regular", "within_statutory_overtime", "overtime", "rest_day")
                ),
                computed_at=utcnow(),
                **minutes,
            )
        )


async def run(
    http: httpx.AsyncClient, headers: dict[str, str], day: str = "2026-04-15"
) -> dict[str, Any]:
    """Start the payroll of the period containing ``day`` and wait for the job to finish."""
    response = await http.post("/api/payroll/runs", headers=headers, json={"day": day})
    assert response.status_code == 202, response.text
    run_id = response.json()["data"]["id"]
    answer = await poll(
        lambda: http.get(f"/api/payroll/runs/{run_id}", headers=headers),
        lambda got: got.json()["data"]["status"] == "done",
        f"payroll run {run_id}",
    )
    return dict(answer.json()["data"])


async def payslips(
    http: httpx.AsyncClient, headers: dict[str, str], run_id: int, **params: Any
) -> list[dict[str, Any]]:
    response = await http.get(
        f"/api/payroll/runs/{run_id}/payslips", headers=headers, params={"limit": 200, **params}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["data"])
