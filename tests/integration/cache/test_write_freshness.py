"""Every write route of an area with cached reads leaves those reads fresh right after it.

The walk fails for a write route (API or page) of a cached area that no scenario
claims; each scenario then runs on the memory backend and on a real Redis.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

import haken.modules.models  # noqa: F401 (every model mapped, for the table → area map)
from haken.platform import cache as cache_module
from haken.platform.cache import cache_tags, cached_areas
from haken.platform.context import request_id
from haken.platform.db import Base
from haken.platform.routes import RouteInfo, iter_routes
from tests.integration.attendance import policies as attendance_policies
from tests.integration.billing import policies as billing_policies
from tests.integration.cache.freshness import (
    SCENARIOS,
    FreshnessContext,
    covered_routes,
    load_scenarios,
)
from tests.integration.client_portal import policies as client_portal_policies
from tests.integration.dashboard import cache_freshness as dashboard_freshness
from tests.integration.documents import policies as documents_policies
from tests.integration.payroll import policies as payroll_policies
from tests.integration.requests import policies as requests_policies
from tests.integration.test_policies import AUDIT_SCENARIOS, NOT_AUDITED, audit_context

load_scenarios()
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _area(route: RouteInfo) -> str:
    if route.endpoint is None:
        return ""
    return cache_module._area_of(route.endpoint.__module__)


def test_every_write_route_of_a_cached_area_has_a_freshness_scenario(app: Any) -> None:
    areas = cached_areas()
    assert "identity" in areas
    routes = list(iter_routes(app))
    writes = {
        (method, route.path)
        for route in routes
        if route.is_write and _area(route) in areas
        for method in route.methods & WRITE_METHODS
    }
    missing = sorted(writes - covered_routes())
    assert not missing, (
        "write routes of cached areas without a freshness scenario "
        f"(add them to tests/integration/<area>/cache_freshness.py): {missing}"
    )
    existing = {(m, r.path) for r in routes for m in r.methods}
    stale = sorted(covered_routes() - existing)
    assert not stale, f"freshness scenarios for routes that no longer exist: {stale}"


# --- every route that writes a table with a cache rule, whatever its area -------------------

_WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def cached_tables() -> set[str]:
    """Tables whose writes must leave cached reads fresh: those with an ``invalidate_on_write``
    rule, and every table of an area with cached reads (its services tag what they touch)."""
    tables = {model.__table__.name for model in cache_module._WRITE_TAGS}
    areas = cached_areas()
    for mapper in Base.registry.mappers:
        if cache_module._area_of(mapper.class_.__module__) in areas:
            tables.add(mapper.local_table.name)  # type: ignore[union-attr]
    return tables


@contextmanager
def capture_writes() -> Iterator[dict[str, set[str]]]:
    """The tables each request id INSERTs into, UPDATEs or DELETEs from (every engine)."""
    written: dict[str, set[str]] = defaultdict(set)

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        match = _WRITE_SQL.match(statement)
        if match:
            written[request_id()].add(match.group(1).lower())

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield written
    finally:
        event.remove(Engine, "before_cursor_execute", record)


# Page writes that no freshness scenario claims: the API route whose service method the page
# calls (its written tables decide whether the page needs a scenario), or None with why not.
PAGE_WRITE_TWINS: dict[tuple[str, str], tuple[str, str] | str] = {
    ("POST", "/clients"): ("POST", "/api/clients"),
    ("POST", "/clients/{client_id}"): ("PATCH", "/api/clients/{client_id}"),
    ("POST", "/sites"): ("POST", "/api/sites"),
    ("POST", "/sites/{site_id}"): ("PATCH", "/api/sites/{site_id}"),
    ("POST", "/sites/{site_id}/units"): ("POST", "/api/units"),
    ("POST", "/units/{unit_id}"): ("PATCH", "/api/units/{unit_id}"),
    ("POST", "/candidates"): ("POST", "/api/candidates"),
    ("POST", "/candidates/{candidate_id}"): ("PATCH", "/api/candidates/{candidate_id}"),
    ("POST", "/candidates/{candidate_id}/status"): (
        "POST",
        "/api/candidates/{candidate_id}/status",
    ),
    ("POST", "/candidates/{candidate_id}/photo"): ("PUT", "/api/candidates/{candidate_id}/photo"),
    ("POST", "/housing"): ("POST", "/api/housing/apartments"),
    ("POST", "/housing/{apartment_id}"): ("PATCH", "/api/housing/apartments/{apartment_id}"),
    ("POST", "/housing/{apartment_id}/rooms"): ("POST", "/api/housing/rooms"),
    ("POST", "/housing/{apartment_id}/rooms/{room_id}"): ("PATCH", "/api/housing/rooms/{room_id}"),
    ("POST", "/housing/move-in/{employee_id}"): ("POST", "/api/housing/occupancies"),
    ("POST", "/housing/stays/{occupancy_id}/move-out"): (
        "POST",
        "/api/housing/occupancies/{occupancy_id}/move-out",
    ),
    ("POST", "/contracts"): ("POST", "/api/contracts"),
    ("POST", "/contracts/{contract_id}"): ("PATCH", "/api/contracts/{contract_id}"),
    ("POST", "/assignments/{assignment_id}/rates"): (
        "POST",
        "/api/assignments/{assignment_id}/rates",
    ),
    ("POST", "/employees/{employee_id}/leave/designations"): (
        "POST",
        "/api/leave/employees/{employee_id}/designations",
    ),
    ("POST", "/employees/{employee_id}/leave/takings/{taking_id}/cancel"): (
        "POST",
        "/api/leave/employees/{employee_id}/cancellations",
    ),
    ("POST", "/minimum-wages"): ("POST", "/api/minimum-wages"),
    ("POST", "/minimum-wages/{fiscal_year}/delete"): ("DELETE", "/api/minimum-wages/{fiscal_year}"),
    ("POST", "/admin/offices"): ("POST", "/api/offices"),
    ("POST", "/admin/offices/{office_id}"): ("PATCH", "/api/offices/{office_id}"),
    **requests_policies.PAGE_WRITE_TWINS,
    **payroll_policies.PAGE_WRITE_TWINS,
    **billing_policies.PAGE_WRITE_TWINS,
    **attendance_policies.PAGE_WRITE_TWINS,
    **client_portal_policies.PAGE_WRITE_TWINS,
    **documents_policies.PAGE_WRITE_TWINS,
    ("POST", "/attendance/imports/mapping"): (
        "PUT",
        "/api/attendance/imports/mappings/{client_id}",
    ),
    ("POST", "/attendance/imports"): ("POST", "/api/attendance/imports"),
    ("POST", "/attendance/imports/{import_id}/commit"): (
        "POST",
        "/api/attendance/imports/{import_id}/commit",
    ),
    ("POST", "/billing/invoices/{invoice_id}/issue"): (
        "POST",
        "/api/billing/invoices/{invoice_id}/issue",
    ),
    ("POST", "/billing/invoices/{invoice_id}/void"): (
        "POST",
        "/api/billing/invoices/{invoice_id}/void",
    ),
    ("POST", "/billing/invoices/{invoice_id}/payments"): (
        "POST",
        "/api/billing/invoices/{invoice_id}/payments",
    ),
    ("POST", "/billing/invoices"): ("POST", "/api/billing/invoices"),
    ("POST", "/billing/contracts/{contract_id}/rates"): ("POST", "/api/billing/rates"),
    ("POST", "/billing/contracts/{contract_id}/fixed-items"): (
        "POST",
        "/api/billing/fixed-items",
    ),
    ("POST", "/billing/clients/{client_id}/settings"): (
        "PUT",
        "/api/billing/clients/{client_id}/settings",
    ),
}
# The agency dashboard's scenarios claim these pages with their API twins (its table rules
# reach every area's writes: tests/integration/dashboard/cache_freshness.py).
for _page in dashboard_freshness.CLAIMED_PAGES:
    PAGE_WRITE_TWINS.pop(_page, None)


def _api_write_routes(app: Any) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in iter_routes(app)
        if route.is_write and route.path.startswith("/api")
        for method in route.methods & WRITE_METHODS
    )


def test_every_page_write_is_claimed_by_a_scenario_or_twinned(app: Any) -> None:
    pages = {
        (method, route.path)
        for route in iter_routes(app)
        if route.is_write and not route.path.startswith("/api")
        for method in route.methods & WRITE_METHODS
    }
    loose = sorted(pages - covered_routes() - set(PAGE_WRITE_TWINS))
    assert not loose, f"page writes with neither a freshness scenario nor a twin: {loose}"
    stale = sorted(set(PAGE_WRITE_TWINS) - pages)
    assert not stale, f"PAGE_WRITE_TWINS lists routes that no longer exist: {stale}"
    both = sorted(set(PAGE_WRITE_TWINS) & covered_routes())
    assert not both, f"claimed by a scenario, drop them from PAGE_WRITE_TWINS: {both}"
    apis = set(_api_write_routes(app))
    for page_route, twin in PAGE_WRITE_TWINS.items():
        assert isinstance(twin, str) or twin in apis, f"{page_route}: no API route {twin}"


@pytest.mark.parametrize("route", sorted(AUDIT_SCENARIOS), ids=lambda r: f"{r[0]} {r[1]}")
async def test_a_write_to_a_cached_table_has_a_freshness_scenario(
    route: tuple[str, str], app: Any, client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    """Run the route's audit scenario, note the tables its request writes; if any has a cache
    rule, the route (and each page twinned to it) must have a freshness scenario."""
    ctx = await audit_context(route, make_user, login)
    ctx["app"] = app
    with capture_writes() as written:
        response = await AUDIT_SCENARIOS[route](client, ctx)
    assert response.status_code < 300, response.text
    tables = written.get(response.headers["x-request-id"], set())
    assert tables, f"{route}: captured no write of its request (the capture is broken)"
    touched = sorted(tables & cached_tables())
    if not touched:
        return
    claimed = covered_routes()
    needing = [route] + [page for page, twin in PAGE_WRITE_TWINS.items() if twin == route]
    missing = [r for r in needing if r not in claimed]
    assert not missing, (
        f"{route} writes {touched}, which cached reads depend on: add a freshness scenario "
        f"for {missing} (tests/integration/<area>/cache_freshness.py)"
    )


def test_every_api_write_route_is_walked_for_its_tables(app: Any) -> None:
    """The walk above runs the audit scenarios: a write route without one (other than those
    that change no data) would escape it."""
    unwalked = sorted(set(_api_write_routes(app)) - set(AUDIT_SCENARIOS) - set(NOT_AUDITED))
    assert not unwalked, f"write routes the table walk cannot run: {unwalked}"


def _context(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any, auth_headers: Any
) -> FreshnessContext:
    return FreshnessContext(
        client=client, make_user=make_user, login=login, auth_headers=auth_headers, app=app
    )


@pytest.mark.parametrize("route", sorted(SCENARIOS), ids=lambda r: f"{r[0]} {r[1]}")
async def test_cached_reads_are_fresh_right_after_the_write(
    route: tuple[str, str],
    cache_backend: str,
    app: Any,
    client: httpx.AsyncClient,
    make_user: Any,
    login: Any,
    auth_headers: Any,
) -> None:
    cache = cache_module.active_cache()
    assert cache is not None and cache.backend_name == cache_backend
    await SCENARIOS[route].run(_context(app, client, make_user, login, auth_headers))


async def test_the_harness_catches_a_write_that_forgets_to_invalidate(
    monkeypatch: pytest.MonkeyPatch,
    app: Any,
    client: httpx.AsyncClient,
    make_user: Any,
    login: Any,
    auth_headers: Any,
) -> None:
    monkeypatch.setattr(cache_tags, "invalidate_after_commit", lambda *_args: None)
    run = SCENARIOS[("PUT", "/api/users/{user_id}/role")].run
    with pytest.raises(AssertionError, match="stale cached read"):
        await run(_context(app, client, make_user, login, auth_headers))


async def test_the_harness_catches_a_table_without_its_write_rule(
    monkeypatch: pytest.MonkeyPatch,
    app: Any,
    client: httpx.AsyncClient,
    make_user: Any,
    login: Any,
    auth_headers: Any,
) -> None:
    """The employee list relies on ``invalidate_on_write``: without the rule it goes stale."""
    monkeypatch.setattr(cache_module, "_WRITE_TAGS", {})
    run = SCENARIOS[("PATCH", "/api/employees/{employee_id}")].run
    with pytest.raises(AssertionError, match="stale cached read"):
        await run(_context(app, client, make_user, login, auth_headers))
