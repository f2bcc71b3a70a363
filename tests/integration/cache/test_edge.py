"""The edge response cache (platform/edge.py): stored bytes, never across a scope or a write.

Each test runs on SQLite and PostgreSQL, and on the memory cache and a real Redis.
The access matrix, the row-scope cases and the freshness walks run through the
edge as well (tests/integration/test_policies.py, test_list_scope.py,
cache/test_write_freshness.py: their second pass is served warm).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from haken.platform.access import Principal, Role
from haken.platform.cache import cache_bypass, cached
from haken.platform.edge import EdgeCacheMiddleware, check_spec, edge_cached, edge_routes
from tests.integration.cache.freshness import cache_backend  # noqa: F401 (fixture)
from tests.integration.employees.factories import create_employee

LIST = "/api/employees"


def edge_store(app: Any) -> Any:
    """The running app's edge middleware's store (the middleware stack is built lazily)."""
    layer = app.middleware_stack
    while layer is not None and not isinstance(layer, EdgeCacheMiddleware):
        layer = getattr(layer, "app", None)
    assert layer is not None, "EdgeCacheMiddleware is not mounted"
    return layer.store


async def test_a_warm_read_is_served_from_stored_bytes_with_its_own_meta(
    client: httpx.AsyncClient,
    auth_headers: Any,
    app: Any,
    cache_backend: str,  # noqa: F811
) -> None:
    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    store = edge_store(app)
    first = await client.get(LIST, headers=coordinator)
    hits = store.hits
    second = await client.get(
        LIST, headers={**coordinator, "X-Request-ID": "edge-test-request-0001"}
    )
    assert first.status_code == second.status_code == 200
    assert store.hits == hits + 1, "the second read was not answered by the edge"
    assert second.json()["data"] == first.json()["data"]
    assert second.json()["pagination"] == first.json()["pagination"]
    meta = second.json()["meta"]
    assert meta["request_id"] == "edge-test-request-0001" == second.headers["x-request-id"]
    stamp = dt.datetime.fromisoformat(meta["timestamp"].replace("Z", "+00:00"))
    assert stamp >= dt.datetime.fromisoformat(
        first.json()["meta"]["timestamp"].replace("Z", "+00:00")
    )
    assert meta["request_id"] != first.json()["meta"]["request_id"]
    assert int(second.headers["content-length"]) == len(second.content)
    # The platform's headers still wrap a stored answer.
    assert second.headers["x-content-type-options"] == "nosniff"
    assert "ratelimit-remaining" in second.headers
    assert int(second.headers["ratelimit-remaining"]) < int(first.headers["ratelimit-remaining"])


async def test_the_query_is_normalised_and_part_of_the_key(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    for index in range(3):
        await create_employee(
            client, coordinator, name_kanji=f"山田 {index}", name_romaji=f"Yamada {'ABC'[index]}"
        )
    store = edge_store(app)
    one = await client.get(LIST + "?limit=1&count=true", headers=coordinator)
    assert one.status_code == 200, one.text
    hits = store.hits
    same = await client.get(LIST + "?count=true&limit=1", headers=coordinator)
    assert store.hits == hits + 1
    assert same.json()["data"] == one.json()["data"]
    two = await client.get(LIST + "?limit=2&count=true", headers=coordinator)
    assert store.hits == hits + 1, "another query must not hit the first one's entry"
    assert len(one.json()["data"]) == 1 and len(two.json()["data"]) == 2


async def test_a_stored_answer_never_crosses_a_scope(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    login: Any,
    app: Any,
    cache_backend: str,  # noqa: F811
) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    own = await make_user("employee", employee_id=employee["id"])
    stranger = await make_user("employee")
    own_headers = await login(own["email"])
    stranger_headers = await login(stranger["email"])
    # Warm every caller's entry twice over, office first.
    for _ in range(2):
        for headers in (coordinator, own_headers, stranger_headers):
            assert (await client.get(LIST, headers=headers)).status_code == 200
    assert edge_store(app).hits >= 3
    office = (await client.get(LIST, headers=coordinator)).json()["data"]
    mine = (await client.get(LIST, headers=own_headers)).json()["data"]
    theirs = (await client.get(LIST, headers=stranger_headers)).json()["data"]
    assert [row["id"] for row in office] == [employee["id"]]
    assert [row["id"] for row in mine] == [employee["id"]]
    assert theirs == []
    with cache_bypass():
        assert (await client.get(LIST, headers=stranger_headers)).json()["data"] == []


async def test_no_stored_answer_before_the_access_check(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    user = await make_user("coordinator")
    tokens = await login(user["email"])
    for _ in range(2):
        assert (await client.get(LIST, headers=tokens)).status_code == 200
    anonymous = await client.get(LIST)
    assert anonymous.status_code == 401
    forged = await client.get(LIST, headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    # A signed-out session is refused at once, though the office's entry is warm.
    assert (await client.post("/api/auth/logout", headers=tokens)).status_code in (200, 204)
    after = await client.get(LIST, headers=tokens)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "AUTH_REQUIRED"


async def test_the_rate_limit_counts_and_refuses_stored_answers(
    client: httpx.AsyncClient, auth_headers: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haken.platform import ratelimit

    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    tight = ratelimit.RateLimitPolicy("default", "3/minute")
    monkeypatch.setitem(ratelimit.POLICIES, "default", tight)
    store = edge_store(app)
    statuses = [(await client.get(LIST, headers=coordinator)).status_code for _ in range(3)]
    hits = store.hits
    refused = await client.get(LIST, headers=coordinator)
    assert statuses == [200, 200, 200]
    assert hits >= 1, "the edge answered none of the reads"
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert "retry-after" in refused.headers
    assert store.hits == hits


async def test_a_write_makes_the_stored_answer_stale(
    client: httpx.AsyncClient,
    auth_headers: Any,
    app: Any,
    cache_backend: str,  # noqa: F811
) -> None:
    coordinator = await auth_headers("coordinator")
    first = await create_employee(client, coordinator)
    for _ in range(2):
        before = (await client.get(LIST, headers=coordinator)).json()["data"]
    assert [row["id"] for row in before] == [first["id"]]
    second = await create_employee(
        client, coordinator, name_kanji="佐藤 花子", name_romaji="Sato Hanako", my_number=None
    )
    after = (await client.get(LIST, headers=coordinator)).json()["data"]
    assert sorted(row["id"] for row in after) == sorted([first["id"], second["id"]])
    edited = await client.patch(
        f"/api/employees/{first['id']}",
        headers=coordinator,
        json={"phone": "090-1111-2222", "version": first["version"]},
    )
    assert edited.status_code == 200, edited.text
    served = (await client.get(LIST, headers=coordinator)).json()["data"]
    with cache_bypass():
        truth = (await client.get(LIST, headers=coordinator)).json()["data"]
    assert served == truth


async def test_clearing_the_cache_drops_stored_answers(
    client: httpx.AsyncClient,
    auth_headers: Any,
    app: Any,
    cache_backend: str,  # noqa: F811
) -> None:
    coordinator = await auth_headers("coordinator")
    await create_employee(client, coordinator)
    store = edge_store(app)
    for _ in range(2):
        await client.get(LIST, headers=coordinator)
    hits = store.hits
    await app.state.cache.clear()
    await client.get(LIST, headers=coordinator)
    assert store.hits == hits, "a cleared cache still answered from the edge"


# --- declarations ---------------------------------------------------------------------------


def test_every_edge_route_is_keyed_by_its_callers_scope(app: Any) -> None:
    """A route cached at the edge without a scope key fails here (and at declaration)."""
    routes = edge_routes(app)
    assert LIST in routes
    office = Principal(1, Role.COORDINATOR, "a@x.example")
    admin = Principal(2, Role.ADMIN, "b@x.example")
    manager = Principal(3, Role.SITE_MANAGER, "c@x.example", site_ids=frozenset({1}))
    other_manager = Principal(3, Role.SITE_MANAGER, "c@x.example", site_ids=frozenset({2}))
    employee = Principal(4, Role.EMPLOYEE, "d@x.example", employee_id=7)
    other_employee = Principal(5, Role.EMPLOYEE, "e@x.example", employee_id=8)
    for path, route in routes.items():
        assert route.spec.scope is not None, f"{path} is edge-cached without a scope key"
        check_spec(route.spec)
        keys = {p: route.key(b"limit=5", p) for p in (office, admin, manager, employee)}
        for principal, key in keys.items():
            assert key.endswith("@" + route.spec.scope(principal)), path
        # Below the office every distinct row scope has its own entry.
        assert route.key(b"", manager) != route.key(b"", other_manager), path
        assert route.key(b"", employee) != route.key(b"", other_employee), path
        assert route.key(b"", manager) != route.key(b"", office), path
        assert route.key(b"", employee) != route.key(b"", office), path


async def _unscoped() -> list[int]:
    return []


def test_a_read_without_a_scope_cannot_be_edge_cached() -> None:
    read = cached("list", key="edge-test-unscoped", scope=None, namespace="edgetest")(_unscoped)
    with pytest.raises(TypeError, match="scope key"):
        edge_cached(read)


def test_only_a_cached_read_can_be_edge_cached() -> None:
    with pytest.raises(TypeError, match="not a @cached read"):
        edge_cached(_unscoped)


def test_a_read_keyed_by_the_day_is_keyed_by_the_day_at_the_edge(app: Any) -> None:
    """The dashboard's figures are "today's" (its read is keyed ``agency:{today}``): a stored
    answer of yesterday is never a hit after midnight, even with no write in between."""
    routes = edge_routes(app)
    dashboard = routes["/api/dashboard"]
    assert dashboard.daily and not routes[LIST].daily
    office = Principal(1, Role.COORDINATOR, "a@x.example")
    assert dashboard.key(b"", office, "2026-12-03") != dashboard.key(b"", office, "2026-12-04")
    assert dashboard.key(b"", office, "2026-12-03").endswith("#2026-12-03")


async def test_the_dashboard_is_served_warm_from_the_edge(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    store = edge_store(app)
    first = await client.get("/api/dashboard", headers=coordinator)
    hits = store.hits
    second = await client.get("/api/dashboard", headers=coordinator)
    assert first.status_code == second.status_code == 200
    assert store.hits == hits + 1
    assert second.json()["data"] == first.json()["data"]
    # A write the dashboard counts makes it stale at the edge too.
    await create_employee(client, coordinator)
    third = await client.get("/api/dashboard", headers=coordinator)
    assert store.hits == hits + 1
    assert third.json()["data"] != first.json()["data"]
