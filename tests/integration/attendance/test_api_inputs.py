"""Attendance API inputs the fuzzer found (issue 15): a month outside 2000-01 … 2100-12 is a
422 with a catalog code before any date is computed (it was a 500: ``dt.date(0, 1, 1)``),
and the ledger's answers validate against the schema the OpenAPI declares."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from haken.modules.attendance.schemas import LedgerRead
from haken.platform.responses import PageEnvelope
from haken.platform.types import LOCAL_TIME_PATTERN
from tests.integration.attendance.factories import approved, placement

OUT_OF_RANGE = ["0000-01", "1999-12", "2101-01", "9999-12"]


@pytest.mark.parametrize("month", OUT_OF_RANGE)
async def test_a_month_out_of_range_is_a_422_with_a_code(
    client: httpx.AsyncClient, auth_headers: Any, month: str
) -> None:
    office = await auth_headers("admin")
    for url, params in (
        ("/api/attendance/timecards", {"month": month}),
        ("/api/attendance/ledger", {"month": month}),
        ("/api/attendance/ledger", {"month": month, "kind": "billing"}),
        (f"/api/attendance/employees/1/months/{month}", {}),
    ):
        response = await client.get(url, headers=office, params=params)
        assert response.status_code == 422, (url, response.text)
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_FAILED", error
        assert [d["code"] for d in error["details"]] == ["year_month"], error


async def test_the_edges_of_the_month_range_are_answered(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("admin")
    for month in ("2000-01", "2100-12"):
        for kind in ("payroll", "billing"):
            ledger = await client.get(
                "/api/attendance/ledger", headers=office, params={"month": month, "kind": kind}
            )
            assert ledger.status_code == 200, ledger.text
            assert ledger.json()["data"] == []
        cards = await client.get(
            "/api/attendance/timecards", headers=office, params={"month": month}
        )
        assert cards.status_code == 200, cards.text


async def test_ledger_rows_validate_against_the_declared_schema(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office, contract_fields={"billing_cutoff_day": 20})
    await approved(client, office, placed["assignment"]["id"], "2026-04-20")
    for kind, subject in (
        ("payroll", placed["employee"]["id"]),
        ("billing", placed["contract"]["id"]),
    ):
        for params in (
            {"kind": kind},
            {"kind": kind, "subject_id": subject, "month": "2026-04", "count": "true"},
        ):
            response = await client.get("/api/attendance/ledger", headers=office, params=params)
            assert response.status_code == 200, response.text
            body = response.json()
            PageEnvelope[LedgerRead].model_validate(body)
            assert body["data"], (kind, params)
            for row in body["data"]:
                assert set(row) == set(LedgerRead.model_fields)


def _time_formats(node: Any, path: str = "") -> list[str]:
    """JSON Schema paths declaring ``format: time`` (RFC 3339: an offset is required)."""
    found = []
    if isinstance(node, dict):
        if node.get("format") == "time":
            found.append(path)
        for key, value in node.items():
            found += _time_formats(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _time_formats(value, f"{path}/{index}")
    return found


async def test_wall_clock_times_are_declared_as_they_are_sent(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    """Schemathesis: ``"05:00:00" is not a "time"`` on GET /sites/{id}/settings (the
    response declared RFC 3339 ``format: time``, which needs an offset; the site's times are
    wall-clock times without one)."""
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    card = await approved(client, office, placed["assignment"]["id"], "2026-04-20")
    schemas = app.openapi()["components"]["schemas"]
    for name in ("SiteSettingsRead", "ShiftRead", "TimecardRead"):
        assert _time_formats(schemas[name]) == [], name
    put = await client.put(
        f"/api/attendance/sites/{placed['site_id']}/settings",
        headers=office,
        json={"shifts": [{"code": "夜勤", "start_time": "20:30", "end_time": "05:30"}]},
    )
    assert put.status_code == 200, put.text
    settings = put.json()["data"]
    pattern = re.compile(LOCAL_TIME_PATTERN)
    times = [settings["day_change"], card["start"], card["end"]]
    times += [settings["shifts"][0]["start_time"], settings["shifts"][0]["end_time"]]
    assert times[0] == "05:00:00" and all(pattern.match(t) for t in times), times
