"""The registry of write-freshness scenarios (one per write route of a cached area).

An area with cached reads (``haken.platform.cache.cached_areas()``) keeps its
scenarios in ``tests/integration/<area>/cache_freshness.py``::

    @scenario("PUT", "/api/users/{user_id}/role", also=[("POST", "/admin/users/{user_id}/role")])
    async def change_role(ctx: FreshnessContext) -> None:
        admin = await ctx.auth_headers("admin")
        await ctx.prime(admin, "/api/users/1")
        ...                                   # the write
        await ctx.assert_fresh(admin, "/api/users/1", changed=True)

``also`` lists web-page routes that call the same service method as the API
route the scenario drives (pages are thin: the service does the invalidating).
``test_write_freshness.py`` fails for a write route no scenario claims.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from haken.platform.cache import HakenCache, active_cache, cache_bypass
from tests.conftest import REDIS_URL, require_service

Route = tuple[str, str]
ScenarioFn = Callable[["FreshnessContext"], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    route: Route
    run: ScenarioFn
    covers: frozenset[Route]


SCENARIOS: dict[Route, Scenario] = {}


def scenario(
    method: str, path: str, *, also: Iterable[Route] = ()
) -> Callable[[ScenarioFn], ScenarioFn]:
    def register(run: ScenarioFn) -> ScenarioFn:
        route = (method.upper(), path)
        if route in SCENARIOS:
            raise ValueError(f"two freshness scenarios for {route}")
        SCENARIOS[route] = Scenario(route, run, frozenset({route, *also}))
        return run

    return register


def covered_routes() -> set[Route]:
    return {route for s in SCENARIOS.values() for route in s.covers}


def load_scenarios() -> None:
    """Import every area's ``cache_freshness.py`` (idempotent)."""
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.glob("*/cache_freshness.py")):
        importlib.import_module(f"tests.integration.{path.parent.name}.cache_freshness")


@dataclass
class FreshnessContext:
    client: httpx.AsyncClient
    make_user: Callable[..., Awaitable[dict[str, Any]]]
    login: Callable[..., Awaitable[dict[str, str]]]
    auth_headers: Callable[..., Awaitable[dict[str, str]]]
    app: Any
    primed: dict[tuple[str, str], Any] = field(default_factory=dict)

    async def data(self, headers: dict[str, str], path: str) -> Any:
        response = await self.client.get(path, headers=headers)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()["data"]

    @staticmethod
    def _hits() -> int:
        cache = active_cache()
        assert cache is not None, "no cache is running"
        return int(cache.stats.snapshot()["totals"]["hits"])

    async def prime(self, headers: dict[str, str], *paths: str) -> None:
        """Read each path twice: the second read must be a cache hit (so the path is cached)."""
        for path in paths:
            self.primed[(headers.get("Authorization", ""), path)] = await self.data(headers, path)
            before = self._hits()
            again = await self.data(headers, path)
            assert self._hits() > before, f"GET {path} is not served from the cache"
            assert again == self.primed[(headers.get("Authorization", ""), path)]

    async def assert_fresh(self, headers: dict[str, str], *paths: str, changed: bool) -> None:
        """Each cached read equals the database's answer; ``changed``: and differs from the primed one."""
        for path in paths:
            served = await self.data(headers, path)
            with cache_bypass():
                truth = await self.data(headers, path)
            assert served == truth, f"stale cached read of {path} after the write"
            if changed:
                primed = self.primed[(headers.get("Authorization", ""), path)]
                assert truth != primed, (
                    f"the write did not change {path}: the scenario proves nothing"
                )


@pytest.fixture(params=["memory", "redis"])
async def cache_backend(request: pytest.FixtureRequest, app: Any) -> AsyncIterator[str]:
    """The app's own memory cache, or a Redis-backed one swapped in for the test."""
    if request.param == "memory":
        yield "memory"
        return
    require_service(REDIS_URL, "Redis", "HAKEN_TEST_REDIS_URL")
    redis_cache = HakenCache(REDIS_URL)
    await redis_cache.start()
    assert not redis_cache.degraded, "the test Redis is unreachable"
    await redis_cache.clear()
    previous = app.state.cache
    app.state.cache = redis_cache
    try:
        yield "redis"
    finally:
        app.state.cache = previous
        await redis_cache.clear()
        await redis_cache.close()
