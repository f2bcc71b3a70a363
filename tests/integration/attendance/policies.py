"""The attendance area's rows of the route walk (tests/integration/test_policies.py)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.attendance.factories import act, approved, enter, placement

A, M, C, AD = "authenticated", "role>=site_manager", "role>=coordinator", "role>=admin"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/attendance/timecards"): A,
    ("POST", "/api/attendance/timecards"): A,
    ("GET", "/api/attendance/timecards/{timecard_id}"): A,
    ("PATCH", "/api/attendance/timecards/{timecard_id}"): A,
    ("POST", "/api/attendance/timecards/{timecard_id}/submit"): A,
    ("POST", "/api/attendance/timecards/{timecard_id}/approve"): M,
    ("POST", "/api/attendance/timecards/{timecard_id}/reject"): M,
    ("GET", "/api/attendance/periods"): C,
    ("POST", "/api/attendance/periods/close"): AD,
    ("POST", "/api/attendance/periods/{period_id}/reopen"): AD,
    ("GET", "/api/attendance/ledger"): C,
    ("GET", "/api/attendance/employees/{employee_id}/months/{month}"): A,
    ("POST", "/api/attendance/premiums"): A,
    ("GET", "/api/attendance/agreements"): C,
    ("POST", "/api/attendance/agreements"): C,
    ("GET", "/api/attendance/sites/{site_id}/settings"): M,
    ("PUT", "/api/attendance/sites/{site_id}/settings"): C,
}


async def _draft(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    placed = await placement(http, ctx["admin_headers"])
    created = await enter(http, ctx["admin_headers"], placed["assignment"]["id"], "2026-04-06")
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()["data"]
    return data


async def _submitted(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    response = await act(http, ctx["admin_headers"], await _draft(http, ctx), "submit")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def create(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    placed = await placement(http, ctx["admin_headers"])
    return await enter(http, ctx["admin_headers"], placed["assignment"]["id"], "2026-04-06")


async def update(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    card = await _draft(http, ctx)
    return await http.patch(
        f"/api/attendance/timecards/{card['id']}",
        headers=ctx["admin_headers"],
        json={"version": card["version"], "note": "遅刻 10分"},
    )


async def submit(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await act(http, ctx["admin_headers"], await _draft(http, ctx), "submit")


async def approve(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await act(http, ctx["admin_headers"], await _submitted(http, ctx), "approve")


async def reject(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    card = await _submitted(http, ctx)
    return await act(http, ctx["admin_headers"], card, "reject", comment="退勤時刻が違います")


async def close(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/attendance/periods/close",
        headers=ctx["admin_headers"],
        json={"kind": "payroll", "day": "2026-04-06"},
    )


async def reopen(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    closed = await close(http, ctx)
    assert closed.status_code == 200, closed.text
    period = closed.json()["data"]
    return await http.post(
        f"/api/attendance/periods/{period['id']}/reopen",
        headers=ctx["admin_headers"],
        json={"version": period["version"], "reason": "打刻漏れの訂正"},
    )


async def agreement(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    placed = await placement(http, ctx["admin_headers"])
    return await http.post(
        "/api/attendance/agreements",
        headers=ctx["admin_headers"],
        json={"site_id": placed["site_id"], "period_start": "2026-04-01"},
    )


async def site_settings(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    placed = await placement(http, ctx["admin_headers"])
    return await http.put(
        f"/api/attendance/sites/{placed['site_id']}/settings",
        headers=ctx["admin_headers"],
        json={
            "day_change": "04:00",
            "shifts": [{"code": "朝番", "start_time": "06:00", "end_time": "15:00"}],
        },
    )


AUDIT: dict[tuple[str, str], Any] = {
    ("POST", "/api/attendance/timecards"): create,
    ("PATCH", "/api/attendance/timecards/{timecard_id}"): update,
    ("POST", "/api/attendance/timecards/{timecard_id}/submit"): submit,
    ("POST", "/api/attendance/timecards/{timecard_id}/approve"): approve,
    ("POST", "/api/attendance/timecards/{timecard_id}/reject"): reject,
    ("POST", "/api/attendance/periods/close"): close,
    ("POST", "/api/attendance/periods/{period_id}/reopen"): reopen,
    ("POST", "/api/attendance/agreements"): agreement,
    ("PUT", "/api/attendance/sites/{site_id}/settings"): site_settings,
}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/attendance/timecards"): [("timecard", "create")],
    ("PATCH", "/api/attendance/timecards/{timecard_id}"): [("timecard", "update")],
    ("POST", "/api/attendance/timecards/{timecard_id}/submit"): [("timecard", "submit")],
    ("POST", "/api/attendance/timecards/{timecard_id}/approve"): [("timecard", "approve")],
    ("POST", "/api/attendance/timecards/{timecard_id}/reject"): [("timecard", "reject")],
    ("POST", "/api/attendance/periods/close"): [("attendance_period", "close")],
    ("POST", "/api/attendance/periods/{period_id}/reopen"): [("attendance_period", "reopen")],
    ("POST", "/api/attendance/agreements"): [("overtime_agreement", "create")],
    ("PUT", "/api/attendance/sites/{site_id}/settings"): [("attendance_site", "update")],
}
NOT_AUDITED: dict[tuple[str, str], str] = {
    ("POST", "/api/attendance/premiums"): "a calculation over the cards sent; nothing stored",
}
__all__ = ["ACCESS", "AUDIT", "EXPECTED_AUDIT", "NOT_AUDITED", "approved"]
