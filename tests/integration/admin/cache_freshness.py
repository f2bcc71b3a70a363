"""Freshness of the admin area's cached read (the dashboard) after the admin area's writes.

The dashboard's live half (errors, cache hits, rate-limit counters) moves with every request,
so these compare its cached half: the identity and job figures.
"""

from __future__ import annotations

from typing import Any

from haken.platform.cache import cache_bypass
from tests.integration.cache.freshness import FreshnessContext, scenario

PATH = "/api/admin/dashboard"


async def _figures(ctx: FreshnessContext, headers: dict[str, str]) -> dict[str, Any]:
    counts = (await ctx.data(headers, PATH))["counts"]
    return {"identity": counts["identity"], "jobs": counts["jobs"]}


async def _assert_fresh(ctx: FreshnessContext, headers: dict[str, str]) -> None:
    served = await _figures(ctx, headers)
    with cache_bypass():
        truth = await _figures(ctx, headers)
    assert served == truth, f"stale cached read of {PATH} after the write"


@scenario("POST", "/api/cache/invalidate")
async def invalidate(ctx: FreshnessContext) -> None:
    root = await ctx.auth_headers("super_admin")
    await _figures(ctx, root)
    await ctx.make_user("coordinator")  # a change the dashboard has not seen yet
    response = await ctx.client.post(
        "/api/cache/invalidate", json={"pattern": "admin:*"}, headers=root
    )
    assert response.status_code == 200, response.text
    await _assert_fresh(ctx, root)


@scenario("DELETE", "/api/cache", also=[("POST", "/admin/system/cache/clear")])
async def clear(ctx: FreshnessContext) -> None:
    root = await ctx.auth_headers("super_admin")
    await _figures(ctx, root)
    response = await ctx.client.delete("/api/cache", headers=root)
    assert response.status_code == 200, response.text
    await _assert_fresh(ctx, root)
