"""The cache admin API: super_admin only, audited, rate limited; and identity's cached reads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from haken.platform.cache import PREFIX, TAG_PREFIX
from haken.platform.db import assert_num_queries
from haken.platform.routes import iter_routes


async def test_every_cache_route_is_super_admin_and_rate_limited_admin(app: Any) -> None:
    routes = [r for r in iter_routes(app) if r.path.startswith("/api/cache")]
    assert {(m, r.path) for r in routes for m in r.methods} == {
        ("GET", "/api/cache/stats"),
        ("GET", "/api/cache/health"),
        ("GET", "/api/cache/info"),
        ("POST", "/api/cache/invalidate"),
        ("DELETE", "/api/cache"),
    }
    for route in routes:
        assert route.access == ("role>=super_admin",), route.path
        assert route.rate_limits == ("admin",), route.path


@pytest.mark.parametrize("role", ["admin", "employee"])
async def test_below_super_admin_is_refused(
    client: httpx.AsyncClient, auth_headers: Any, role: str
) -> None:
    headers = await auth_headers(role)
    for method, path in (("GET", "/api/cache/stats"), ("DELETE", "/api/cache")):
        response = await client.request(method, path, headers=headers)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "AUTH_FORBIDDEN"
    assert (await client.get("/api/cache/info")).status_code == 401


async def test_stats_count_identity_reads(client: httpx.AsyncClient, auth_headers: Any) -> None:
    root = await auth_headers("super_admin")
    me = (await client.get("/api/auth/me", headers=root)).json()["data"]
    for _ in range(3):
        assert (await client.get(f"/api/users/{me['id']}", headers=root)).status_code == 200
    response = await client.get("/api/cache/stats", headers=root)
    assert response.status_code == 200, response.text
    assert response.headers["RateLimit-Limit"] == "120"
    body = response.json()["data"]
    row = next(
        r
        for r in body["by_namespace_strategy"]
        if (r["namespace"], r["strategy"]) == ("identity", "entity")
    )
    assert row["hits"] >= 2 and row["misses"] >= 1
    assert {s["name"] for s in body["strategies"]} >= {"entity", "list", "static"}


async def test_health_and_info_on_the_memory_backend(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    root = await auth_headers("super_admin")
    await client.get("/api/users", headers=root)
    health = (await client.get("/api/cache/health", headers=root)).json()["data"]
    assert health["backend"] == "memory" and health["degraded"] is False and health["redis"] is None
    info = (await client.get("/api/cache/info", headers=root)).json()["data"]
    assert info["keys_by_namespace"].get("identity", 0) >= 1
    assert info["keys"] == sum(info["keys_by_namespace"].values())
    assert info["memory_bytes_sampled"] > 0 and info["scan_truncated"] is False


async def _audit(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/audit?entity_type=cache", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def test_invalidate_by_entity_tag_and_pattern_is_audited(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any
) -> None:
    root = await auth_headers("super_admin")
    user = await make_user("employee")
    path = f"/api/users/{user['id']}"
    await client.get(path, headers=root)
    with assert_num_queries(0):  # the principal and the user both come from the cache
        assert (await client.get(path, headers=root)).status_code == 200

    by_entity = await client.post(
        "/api/cache/invalidate", headers=root, json={"entity": "user", "id": user["id"]}
    )
    assert by_entity.status_code == 200, by_entity.text
    assert by_entity.json()["data"] == {
        "kind": "tag",
        "target": f"user:{user['id']}",
        "deleted_keys": None,
    }
    with assert_num_queries(1):  # the user again (the principal is still cached)
        await client.get(path, headers=root)

    by_tag = await client.post("/api/cache/invalidate", headers=root, json={"tag": "users:list"})
    assert by_tag.json()["data"]["target"] == "users:list"

    by_pattern = await client.post(
        "/api/cache/invalidate", headers=root, json={"pattern": "identity:user:*"}
    )
    assert by_pattern.status_code == 200
    assert by_pattern.json()["data"]["deleted_keys"] >= 1
    assert not [k async for k in app.state.cache.memory.scan(PREFIX + "identity:user:*")]

    rows = await _audit(client, root)
    assert sorted(r["entity_id"] for r in rows if r["action"] == "invalidate") == sorted(
        [f"user:{user['id']}", "users:list", "identity:user:*"]
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"tag": "users:list", "pattern": "identity:*"},
        {"entity": "user"},
        {"entity": "user", "id": "1*"},
        {"tag": "Users List"},
        {"pattern": "_tag:*"},
        {"pattern": "identity:[a]"},
        {"tag": "users:list", "extra": 1},
    ],
)
async def test_malformed_invalidations_are_refused(
    client: httpx.AsyncClient, auth_headers: Any, body: dict[str, Any]
) -> None:
    root = await auth_headers("super_admin")
    response = await client.post("/api/cache/invalidate", headers=root, json=body)
    assert response.status_code == 422, body
    assert response.json()["error"]["code"] == "VALIDATION_FAILED"
    assert await _audit(client, root) == []


async def test_clear_removes_only_haken_entries_and_is_audited(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    root = await auth_headers("super_admin")
    await client.get("/api/users", headers=root)
    memory = app.state.cache.memory
    await memory.set("not-haken:key", b"keep")
    response = await client.delete("/api/cache", headers=root)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["deleted_keys"] >= 1
    values = [k async for k in memory.scan(PREFIX + "*") if not k.startswith(TAG_PREFIX)]
    assert values == []
    assert await memory.get("not-haken:key") == b"keep"
    assert [r["action"] for r in await _audit(client, root)] == ["clear"]


async def test_cached_user_reads_respect_row_scope(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    """Employees share nothing: each one's `me` is its own entry, even after admins read."""
    first = await make_user("employee")
    second = await make_user("employee")
    first_headers = {"Authorization": (await login(first["email"]))["Authorization"]}
    second_headers = {"Authorization": (await login(second["email"]))["Authorization"]}
    for _ in range(2):
        assert (await client.get("/api/auth/me", headers=first_headers)).json()["data"][
            "id"
        ] == first["id"]
        assert (await client.get("/api/auth/me", headers=second_headers)).json()["data"][
            "id"
        ] == second["id"]
    denied = await client.get(f"/api/users/{second['id']}", headers=first_headers)
    assert denied.status_code == 403
