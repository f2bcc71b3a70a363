"""Freshness of the agency dashboard after every write of a table it reads.

The dashboard is invalidated by table rules (each area's ``figures.py`` registers
``invalidate_on_write`` for the tables its figures read), so every route writing one of those
tables must leave ``GET /api/dashboard`` fresh. Each scenario primes the dashboard, runs the
route's audit scenario (tests/integration/test_policies.py: the same request the audit walk
makes, with its setup), and compares the cached dashboard with the database's answer.
Routes already claimed by their own area's scenario (the employees and assignments areas)
are proven by the same table rules and are not repeated here.
"""

from __future__ import annotations

from typing import Any

from haken.platform.cache import cache_bypass
from tests.integration.cache.freshness import FreshnessContext, Route, scenario
from tests.integration.test_policies import AUDIT_SCENARIOS, audit_context

PATH = "/api/dashboard"

# (the API route, the pages that call the same service method)
ROUTES: list[tuple[Route, list[Route]]] = [
    (("DELETE", "/api/contracts/{contract_id}"), []),
    (("DELETE", "/api/housing/apartments/{apartment_id}"), []),
    (("DELETE", "/api/housing/occupancies/{occupancy_id}"), []),
    (("DELETE", "/api/housing/rooms/{room_id}"), []),
    (("DELETE", "/api/sites/{site_id}"), []),
    (("PATCH", "/api/attendance/timecards/{timecard_id}"), []),
    (("PATCH", "/api/contracts/{contract_id}"), [("POST", "/contracts/{contract_id}")]),
    (("PATCH", "/api/housing/apartments/{apartment_id}"), [("POST", "/housing/{apartment_id}")]),
    (("PATCH", "/api/housing/occupancies/{occupancy_id}"), []),
    (
        ("PATCH", "/api/housing/rooms/{room_id}"),
        [("POST", "/housing/{apartment_id}/rooms/{room_id}")],
    ),
    (("PATCH", "/api/sites/{site_id}"), [("POST", "/sites/{site_id}")]),
    (
        ("POST", "/api/assignments/{assignment_id}/rates"),
        [("POST", "/assignments/{assignment_id}/rates")],
    ),
    (
        ("POST", "/api/attendance/imports/{import_id}/commit"),
        [("POST", "/attendance/imports/{import_id}/commit")],
    ),
    (
        ("POST", "/api/attendance/periods/close"),
        [("POST", "/attendance/periods/close"), ("POST", "/attendance/billing-periods/close")],
    ),
    (
        ("POST", "/api/attendance/periods/{period_id}/reopen"),
        [("POST", "/attendance/periods/{period_id}/reopen")],
    ),
    (
        ("POST", "/api/attendance/timecards"),
        [
            ("POST", "/attendance/sites/{site_id}/cells/{assignment_id}/{day}"),
            ("POST", "/me/timecards"),
        ],
    ),
    (
        ("POST", "/api/attendance/timecards/{timecard_id}/approve"),
        [("POST", "/attendance/timecards/{timecard_id}/approve")],
    ),
    (
        ("POST", "/api/attendance/timecards/{timecard_id}/reject"),
        [("POST", "/attendance/timecards/{timecard_id}/reject")],
    ),
    (
        ("POST", "/api/attendance/timecards/{timecard_id}/submit"),
        [("POST", "/attendance/timecards/{timecard_id}/submit")],
    ),
    (("POST", "/api/billing/invoices"), [("POST", "/billing/invoices")]),
    (
        ("POST", "/api/billing/invoices/{invoice_id}/issue"),
        [("POST", "/billing/invoices/{invoice_id}/issue")],
    ),
    (
        ("POST", "/api/billing/invoices/{invoice_id}/payments"),
        [("POST", "/billing/invoices/{invoice_id}/payments")],
    ),
    (
        ("POST", "/api/billing/invoices/{invoice_id}/void"),
        [("POST", "/billing/invoices/{invoice_id}/void")],
    ),
    (
        ("POST", "/api/client/timecards/{timecard_id}/confirm"),
        [
            ("POST", "/client/timecards/{timecard_id}/confirm"),
            ("POST", "/client/timecards/confirm-week"),
        ],
    ),
    (
        ("POST", "/api/client/timecards/{timecard_id}/dispute"),
        [("POST", "/client/timecards/{timecard_id}/dispute")],
    ),
    (("POST", "/api/contracts"), [("POST", "/contracts")]),
    (("POST", "/api/housing/apartments"), [("POST", "/housing")]),
    (("POST", "/api/housing/occupancies"), [("POST", "/housing/move-in/{employee_id}")]),
    (
        ("POST", "/api/housing/occupancies/{occupancy_id}/move-out"),
        [("POST", "/housing/stays/{occupancy_id}/move-out")],
    ),
    (("POST", "/api/housing/rooms"), [("POST", "/housing/{apartment_id}/rooms")]),
    (
        ("POST", "/api/leave/employees/{employee_id}/cancellations"),
        [("POST", "/employees/{employee_id}/leave/takings/{taking_id}/cancel")],
    ),
    (
        ("POST", "/api/leave/employees/{employee_id}/designations"),
        [("POST", "/employees/{employee_id}/leave/designations")],
    ),
    (("POST", "/api/leave/grants/run"), []),
    # A run or a bonus payment written or closed changes the payslips the margin tile counts.
    (("POST", "/api/payroll/bonuses"), [("POST", "/payroll/bonuses")]),
    (("PUT", "/api/payroll/bonuses/{bonus_id}"), []),
    (("POST", "/api/payroll/bonuses/{bonus_id}/csv"), []),
    (
        ("POST", "/api/payroll/bonuses/{bonus_id}/calculate"),
        [("POST", "/payroll/bonuses/{bonus_id}/calculate")],
    ),
    (
        ("POST", "/api/payroll/bonuses/{bonus_id}/close"),
        [("POST", "/payroll/bonuses/{bonus_id}/close")],
    ),
    (("POST", "/api/payroll/runs"), [("POST", "/payroll/runs")]),
    (("POST", "/api/payroll/runs/{run_id}/close"), [("POST", "/payroll/runs/{run_id}/close")]),
    (("POST", "/api/requests"), [("POST", "/me/requests/new/{kind}")]),
    (("POST", "/api/requests/{request_id}/approve"), [("POST", "/requests/{request_id}/approve")]),
    (("POST", "/api/requests/{request_id}/cancel"), [("POST", "/me/requests/{request_id}/cancel")]),
    (("POST", "/api/requests/{request_id}/reject"), [("POST", "/requests/{request_id}/reject")]),
    (
        ("POST", "/api/requests/{request_id}/withdraw"),
        [("POST", "/me/requests/{request_id}/withdraw")],
    ),
    (("POST", "/api/sites"), [("POST", "/sites")]),
    (("POST", "/api/sites/{site_id}/extensions"), []),
]
CLAIMED_PAGES: frozenset[Route] = frozenset(page for _route, pages in ROUTES for page in pages)


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "computed_at"}


async def _assert_fresh(ctx: FreshnessContext, headers: dict[str, str]) -> None:
    served = _figures(await ctx.data(headers, PATH))
    with cache_bypass():
        truth = _figures(await ctx.data(headers, PATH))
    assert served == truth, f"stale cached read of {PATH} after the write"


def _register(route: Route, pages: list[Route]) -> None:
    @scenario(*route, also=pages)
    async def run(ctx: FreshnessContext) -> None:
        admin = await ctx.auth_headers("admin")
        await ctx.prime(admin, PATH)
        audit = await audit_context(route, ctx.make_user, ctx.login)
        audit["app"] = ctx.app
        response = await AUDIT_SCENARIOS[route](ctx.client, audit)
        assert response.status_code < 300, response.text
        await _assert_fresh(ctx, admin)


for _route, _pages in ROUTES:
    _register(_route, _pages)
