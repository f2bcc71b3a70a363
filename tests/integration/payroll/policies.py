"""The payroll area's rows of the route walk (tests/integration/test_policies.py)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.payroll.factories import ledger, placed, run
from tests.waiting import poll

A, AD = "authenticated", "role>=admin"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/payroll/runs"): AD,
    ("POST", "/api/payroll/runs"): AD,
    ("GET", "/api/payroll/runs/{run_id}"): AD,
    ("GET", "/api/payroll/runs/{run_id}/payslips"): AD,
    ("POST", "/api/payroll/runs/{run_id}/close"): AD,
    ("GET", "/api/payroll/payslips/{payslip_id}"): A,
    ("GET", "/api/payroll/me/payslips"): A,
    ("GET", "/api/payroll/employees/{employee_id}/profile"): AD,
    ("PUT", "/api/payroll/employees/{employee_id}/profile"): AD,
    ("POST", "/api/payroll/adjustments"): AD,
    ("GET", "/api/payroll/payslips/{payslip_id}/pdf"): A,
    ("GET", "/api/payroll/runs/{run_id}/transfer-file"): AD,
    ("GET", "/api/payroll/grade-proposals"): AD,
    ("POST", "/api/payroll/grades"): AD,
    ("GET", "/api/payroll/bonuses"): AD,
    ("POST", "/api/payroll/bonuses"): AD,
    ("GET", "/api/payroll/bonuses/{bonus_id}"): AD,
    ("PUT", "/api/payroll/bonuses/{bonus_id}"): AD,
    ("POST", "/api/payroll/bonuses/{bonus_id}/csv"): AD,
    ("POST", "/api/payroll/bonuses/{bonus_id}/calculate"): AD,
    ("POST", "/api/payroll/bonuses/{bonus_id}/close"): AD,
    ("GET", "/api/payroll/bonuses/{bonus_id}/payslips"): AD,
    ("GET", "/api/payroll/bonuses/{bonus_id}/transfer-file"): AD,
    ("POST", "/api/payroll/runs/{run_id}/pdf-exports"): AD,
    ("POST", "/api/payroll/bonuses/{bonus_id}/pdf-exports"): AD,
    ("GET", "/api/payroll/pdf-exports/{export_id}"): AD,
    ("GET", "/api/payroll/pdf-exports/{export_id}/file"): AD,
}

PAGES: dict[tuple[str, str], str] = {
    ("GET", "/payroll"): AD,
    ("POST", "/payroll/runs"): AD,
    ("GET", "/payroll/runs/{run_id}"): AD,
    ("GET", "/payroll/runs/{run_id}/close"): AD,
    ("POST", "/payroll/runs/{run_id}/close"): AD,
    ("GET", "/payroll/payslips/{payslip_id}"): A,
    ("GET", "/me/payslips"): A,
    ("POST", "/payroll/employees/{employee_id}/delivery"): AD,
    ("GET", "/payroll/grades"): AD,
    ("POST", "/payroll/grades"): AD,
    ("GET", "/payroll/bonuses"): AD,
    ("POST", "/payroll/bonuses"): AD,
    ("GET", "/payroll/bonuses/{bonus_id}"): AD,
    ("POST", "/payroll/bonuses/{bonus_id}/calculate"): AD,
    ("POST", "/payroll/bonuses/{bonus_id}/close"): AD,
    ("POST", "/payroll/runs/{run_id}/pdf"): AD,
    ("POST", "/payroll/bonuses/{bonus_id}/pdf"): AD,
    ("GET", "/payroll/pdf-exports/{export_id}"): AD,
}


async def _paid(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    place = await placed(http, ctx["admin_headers"])
    await ledger(ctx["app"], place["employee"]["id"], regular=160 * 60)
    return await run(http, ctx["admin_headers"])


async def start(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/payroll/runs", headers=ctx["admin_headers"], json={"day": "2026-04-10"}
    )


async def close(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    done = await _paid(http, ctx)
    return await http.post(
        f"/api/payroll/runs/{done['id']}/close",
        headers=ctx["admin_headers"],
        json={"version": done["version"]},
    )


async def profile(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await placed(http, ctx["admin_headers"])
    return await http.put(
        f"/api/payroll/employees/{place['employee']['id']}/profile",
        headers=ctx["admin_headers"],
        json={"commuting": 12_000},
    )


async def adjustment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    done = await _paid(http, ctx)
    closed = await http.post(
        f"/api/payroll/runs/{done['id']}/close",
        headers=ctx["admin_headers"],
        json={"version": done["version"]},
    )
    assert closed.status_code == 200, closed.text
    slips = await http.get(f"/api/payroll/runs/{done['id']}/payslips", headers=ctx["admin_headers"])
    return await http.post(
        "/api/payroll/adjustments",
        headers=ctx["admin_headers"],
        json={"payslip_id": slips.json()["data"][0]["id"], "amount": -300, "reason": "訂正"},
    )


async def grade(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await placed(http, ctx["admin_headers"])
    return await http.post(
        "/api/payroll/grades",
        headers=ctx["admin_headers"],
        json={
            "employee_id": place["employee"]["id"],
            "effective_from": "2026-09-01",
            "kind": "entered",
            "average": 240_000,
        },
    )


async def _bonus(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    place = await placed(http, ctx["admin_headers"])
    response = await http.post(
        "/api/payroll/bonuses",
        headers=ctx["admin_headers"],
        json={
            "pay_date": "2026-07-10",
            "title": "夏季賞与",
            "entries": [
                {"employee_id": place["employee"]["id"], "amount": 300_000, "rate_pct": "4.084"}
            ],
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


async def bonus_create(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await placed(http, ctx["admin_headers"])
    return await http.post(
        "/api/payroll/bonuses",
        headers=ctx["admin_headers"],
        json={
            "pay_date": "2026-07-10",
            "title": "夏季賞与",
            "entries": [
                {"employee_id": place["employee"]["id"], "amount": 300_000, "rate_pct": "4.084"}
            ],
        },
    )


async def bonus_update(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    bonus = await _bonus(http, ctx)
    return await http.put(
        f"/api/payroll/bonuses/{bonus['id']}",
        headers=ctx["admin_headers"],
        json={
            "pay_date": "2026-07-15",
            "title": "夏季賞与",
            "entries": [
                {"employee_id": e["employee_id"], "amount": 310_000, "rate_pct": "4.084"}
                for e in bonus["entries"]
            ],
            "version": bonus["version"],
        },
    )


async def bonus_csv(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    bonus = await _bonus(http, ctx)
    number = bonus["entries"][0]["employee_number"]
    return await http.post(
        f"/api/payroll/bonuses/{bonus['id']}/csv",
        headers=ctx["admin_headers"],
        data={"version": str(bonus["version"])},
        files={"file": ("bonus.csv", f"{number},320000,4.084\n".encode(), "text/csv")},
    )


async def bonus_calculate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    bonus = await _bonus(http, ctx)
    return await http.post(
        f"/api/payroll/bonuses/{bonus['id']}/calculate",
        headers=ctx["admin_headers"],
        json={"version": bonus["version"]},
    )


async def bonus_close(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    done = await bonus_calculate(http, ctx)
    assert done.status_code == 200, done.text
    bonus = done.json()["data"]
    return await http.post(
        f"/api/payroll/bonuses/{bonus['id']}/close",
        headers=ctx["admin_headers"],
        json={"version": bonus["version"]},
    )


async def _finished(
    http: httpx.AsyncClient, ctx: dict[str, Any], started: httpx.Response
) -> httpx.Response:
    """The start's answer, once its job is done (no job left writing when the test's tables
    are emptied)."""
    if started.status_code == 202:
        export_id = started.json()["data"]["id"]
        await poll(
            lambda: http.get(f"/api/payroll/pdf-exports/{export_id}", headers=ctx["admin_headers"]),
            lambda got: got.json()["data"]["status"] == "done",
            f"bulk PDF {export_id}",
        )
    return started


async def run_pdf(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    done = await _paid(http, ctx)
    started = await http.post(
        f"/api/payroll/runs/{done['id']}/pdf-exports", headers=ctx["admin_headers"]
    )
    return await _finished(http, ctx, started)


async def bonus_pdf(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    done = await bonus_calculate(http, ctx)
    assert done.status_code == 200, done.text
    started = await http.post(
        f"/api/payroll/bonuses/{done.json()['data']['id']}/pdf-exports",
        headers=ctx["admin_headers"],
    )
    return await _finished(http, ctx, started)


AUDIT: dict[tuple[str, str], Any] = {
    ("POST", "/api/payroll/runs/{run_id}/pdf-exports"): run_pdf,
    ("POST", "/api/payroll/bonuses/{bonus_id}/pdf-exports"): bonus_pdf,
    ("POST", "/api/payroll/runs"): start,
    ("POST", "/api/payroll/runs/{run_id}/close"): close,
    ("PUT", "/api/payroll/employees/{employee_id}/profile"): profile,
    ("POST", "/api/payroll/adjustments"): adjustment,
    ("POST", "/api/payroll/grades"): grade,
    ("POST", "/api/payroll/bonuses"): bonus_create,
    ("PUT", "/api/payroll/bonuses/{bonus_id}"): bonus_update,
    ("POST", "/api/payroll/bonuses/{bonus_id}/csv"): bonus_csv,
    ("POST", "/api/payroll/bonuses/{bonus_id}/calculate"): bonus_calculate,
    ("POST", "/api/payroll/bonuses/{bonus_id}/close"): bonus_close,
}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/payroll/runs/{run_id}/pdf-exports"): [("payroll_pdf_export", "create")],
    ("POST", "/api/payroll/bonuses/{bonus_id}/pdf-exports"): [("payroll_pdf_export", "create")],
    ("POST", "/api/payroll/runs"): [("payroll_run", "run")],
    ("POST", "/api/payroll/runs/{run_id}/close"): [("payroll_run", "close")],
    ("PUT", "/api/payroll/employees/{employee_id}/profile"): [("payroll_profile", "create")],
    ("POST", "/api/payroll/adjustments"): [("payroll_adjustment", "create")],
    ("POST", "/api/payroll/grades"): [("payroll_grade", "create")],
    ("POST", "/api/payroll/bonuses"): [("payroll_bonus", "create")],
    ("PUT", "/api/payroll/bonuses/{bonus_id}"): [("payroll_bonus", "update")],
    ("POST", "/api/payroll/bonuses/{bonus_id}/csv"): [("payroll_bonus", "update")],
    ("POST", "/api/payroll/bonuses/{bonus_id}/calculate"): [("payroll_bonus", "calculate")],
    ("POST", "/api/payroll/bonuses/{bonus_id}/close"): [("payroll_bonus", "close")],
}


# Page writes and the API route doing the same (the cache-freshness walk,
# tests/integration/cache/test_write_freshness.py); payroll has no cached reads.
PAGE_WRITE_TWINS: dict[tuple[str, str], tuple[str, str] | str] = {
    ("POST", "/payroll/runs"): ("POST", "/api/payroll/runs"),
    ("POST", "/payroll/runs/{run_id}/close"): ("POST", "/api/payroll/runs/{run_id}/close"),
    ("POST", "/payroll/employees/{employee_id}/delivery"): (
        "PUT",
        "/api/payroll/employees/{employee_id}/profile",
    ),
    ("POST", "/payroll/grades"): ("POST", "/api/payroll/grades"),
    ("POST", "/payroll/bonuses"): ("POST", "/api/payroll/bonuses"),
    ("POST", "/payroll/bonuses/{bonus_id}/calculate"): (
        "POST",
        "/api/payroll/bonuses/{bonus_id}/calculate",
    ),
    ("POST", "/payroll/bonuses/{bonus_id}/close"): (
        "POST",
        "/api/payroll/bonuses/{bonus_id}/close",
    ),
    ("POST", "/payroll/runs/{run_id}/pdf"): ("POST", "/api/payroll/runs/{run_id}/pdf-exports"),
    ("POST", "/payroll/bonuses/{bonus_id}/pdf"): (
        "POST",
        "/api/payroll/bonuses/{bonus_id}/pdf-exports",
    ),
}
__all__ = ["ACCESS", "AUDIT", "EXPECTED_AUDIT", "PAGES", "PAGE_WRITE_TWINS"]
