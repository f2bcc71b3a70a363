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
    ("GET", "/api/attendance/imports/mappings"): C,
    ("GET", "/api/attendance/imports/mappings/{client_id}"): C,
    ("PUT", "/api/attendance/imports/mappings/{client_id}"): C,
    ("POST", "/api/attendance/imports"): C,
    ("GET", "/api/attendance/imports/{import_id}"): C,
    ("POST", "/api/attendance/imports/{import_id}/commit"): C,
}

PAGES: dict[tuple[str, str], str] = {
    ("GET", "/attendance"): C,
    ("GET", "/attendance/sites/{site_id}"): C,
    ("GET", "/attendance/sites/{site_id}/cells/{assignment_id}/{day}"): C,
    ("POST", "/attendance/sites/{site_id}/cells/{assignment_id}/{day}"): C,
    ("POST", "/attendance/timecards/{timecard_id}/submit"): A,
    ("GET", "/attendance/approvals"): M,
    ("POST", "/attendance/timecards/{timecard_id}/approve"): M,
    ("POST", "/attendance/timecards/{timecard_id}/reject"): M,
    ("GET", "/attendance/employees/{employee_id}/months/{month}"): M,
    ("GET", "/attendance/periods"): C,
    ("GET", "/attendance/periods/close"): AD,
    ("POST", "/attendance/periods/close"): AD,
    ("GET", "/attendance/periods/{period_id}/reopen"): AD,
    ("POST", "/attendance/periods/{period_id}/reopen"): AD,
    ("GET", "/attendance/billing-periods"): C,
    ("GET", "/attendance/billing-periods/close"): AD,
    ("POST", "/attendance/billing-periods/close"): AD,
    ("GET", "/me/timecards"): A,
    ("POST", "/me/timecards"): A,
    ("GET", "/attendance/imports"): C,
    ("POST", "/attendance/imports"): C,
    ("POST", "/attendance/imports/mapping"): C,
    ("GET", "/attendance/imports/{import_id}"): C,
    ("POST", "/attendance/imports/{import_id}/commit"): C,
}

# Page writes and the API route doing the same (the cache-freshness walk,
# tests/integration/cache/test_write_freshness.py). The cell's POST creates a card, or (with
# its id and version) edits it like PATCH /api/attendance/timecards/{timecard_id}.
PAGE_WRITE_TWINS: dict[tuple[str, str], tuple[str, str] | str] = {
    ("POST", "/attendance/sites/{site_id}/cells/{assignment_id}/{day}"): (
        "POST",
        "/api/attendance/timecards",
    ),
    ("POST", "/attendance/timecards/{timecard_id}/submit"): (
        "POST",
        "/api/attendance/timecards/{timecard_id}/submit",
    ),
    ("POST", "/attendance/timecards/{timecard_id}/approve"): (
        "POST",
        "/api/attendance/timecards/{timecard_id}/approve",
    ),
    ("POST", "/attendance/timecards/{timecard_id}/reject"): (
        "POST",
        "/api/attendance/timecards/{timecard_id}/reject",
    ),
    ("POST", "/attendance/periods/close"): ("POST", "/api/attendance/periods/close"),
    ("POST", "/attendance/billing-periods/close"): ("POST", "/api/attendance/periods/close"),
    ("POST", "/attendance/periods/{period_id}/reopen"): (
        "POST",
        "/api/attendance/periods/{period_id}/reopen",
    ),
    ("POST", "/me/timecards"): ("POST", "/api/attendance/timecards"),
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


_MAPPING = {"columns": {"employee": "A", "date": "B", "start": "C", "end": "D"}}


async def import_mapping(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    placed = await placement(http, ctx["admin_headers"])
    ctx["placed"] = placed
    return await http.put(
        f"/api/attendance/imports/mappings/{placed['client_id']}",
        headers=ctx["admin_headers"],
        json=_MAPPING,
    )


async def import_upload(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    mapped = await import_mapping(http, ctx)
    assert mapped.status_code == 200, mapped.text
    placed = ctx["placed"]
    content = f"no,day,in,out\r\n{placed['employee']['employee_number']},2026-04-06,8:00,17:00\r\n"
    return await http.post(
        "/api/attendance/imports",
        headers=ctx["admin_headers"],
        data={"client_id": str(placed["client_id"])},
        files={"file": ("t.csv", content.encode(), "text/csv")},
    )


async def import_commit(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    uploaded = await import_upload(http, ctx)
    assert uploaded.status_code == 200, uploaded.text
    return await http.post(
        f"/api/attendance/imports/{uploaded.json()['data']['id']}/commit",
        headers=ctx["admin_headers"],
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
    ("PUT", "/api/attendance/imports/mappings/{client_id}"): import_mapping,
    ("POST", "/api/attendance/imports"): import_upload,
    ("POST", "/api/attendance/imports/{import_id}/commit"): import_commit,
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
    ("PUT", "/api/attendance/imports/mappings/{client_id}"): [("timesheet_mapping", "create")],
    ("POST", "/api/attendance/imports"): [("timesheet_import", "upload")],
    ("POST", "/api/attendance/imports/{import_id}/commit"): [("timesheet_import", "commit")],
}
NOT_AUDITED: dict[tuple[str, str], str] = {
    ("POST", "/api/attendance/premiums"): "a calculation over the cards sent; nothing stored",
}
__all__ = [
    "ACCESS",
    "AUDIT",
    "EXPECTED_AUDIT",
    "NOT_AUDITED",
    "PAGES",
    "PAGE_WRITE_TWINS",
    "approved",
]
