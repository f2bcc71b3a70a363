"""Freshness scenario of the invitation (it writes users and user_sites, which the cached user
list and principal read). Driven by tests/integration/cache/test_write_freshness.py."""

from __future__ import annotations

from tests.integration.assignments.factories import make_unit
from tests.integration.cache.freshness import FreshnessContext, scenario


@scenario("POST", "/api/client-supervisors", also=[("POST", "/client-supervisors/new")])
async def invite(ctx: FreshnessContext) -> None:
    admin = await ctx.auth_headers("admin")
    place = await make_unit(ctx.client, admin)
    await ctx.prime(admin, "/api/users")
    response = await ctx.client.post(
        "/api/client-supervisors",
        headers=admin,
        json={
            "client_id": place["client_id"],
            "email": "fresh@client.example",
            "site_ids": [place["site_id"]],
        },
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, "/api/users", changed=True)
