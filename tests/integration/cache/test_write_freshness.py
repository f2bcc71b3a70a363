"""Every write route of an area with cached reads leaves those reads fresh right after it.

The walk fails for a write route (API or page) of a cached area that no scenario
claims; each scenario then runs on the memory backend and on a real Redis.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from haken.platform import cache as cache_module
from haken.platform.cache import cache_tags, cached_areas
from haken.platform.routes import RouteInfo, iter_routes
from tests.integration.cache.freshness import (
    SCENARIOS,
    FreshnessContext,
    covered_routes,
    load_scenarios,
)

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
