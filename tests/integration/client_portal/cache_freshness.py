"""Freshness scenario of the invitation (it writes users and user_sites, which the cached user
list and principal read). Driven by tests/integration/cache/test_write_freshness.py."""

from __future__ import annotations

import datetime as dt

from tests.integration.assignments.factories import (
    add_unit,
    assign,
    make_contract,
    make_employee,
    make_unit,
)
from tests.integration.cache.freshness import FreshnessContext, scenario
from tests.integration.client_portal.factories import invite_supervisor


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


@scenario(
    "PUT",
    "/api/client-supervisors/{user_id}/units",
    also=[("POST", "/client-supervisors/{user_id}/units")],
)
async def change_units(ctx: FreshnessContext) -> None:
    """The supervisor's principal is cached (the session cache): after the agency narrows it
    to one unit, its very next read lists that unit's workers only."""
    admin = await ctx.auth_headers("admin")
    place = await make_unit(ctx.client, admin)
    other_unit = await add_unit(ctx.client, admin, place["site_id"])
    for unit_id in (place["unit_id"], other_unit):
        contract = await make_contract(ctx.client, admin, unit_id)
        worker = await make_employee(ctx.client, admin, gender="female")
        await assign(
            ctx.client,
            admin,
            contract["id"],
            worker["id"],
            start_date=dt.date.today().isoformat(),
            end_date=(dt.date.today() + dt.timedelta(days=60)).isoformat(),
        )
    supervisor = await invite_supervisor(
        ctx.client,
        ctx.app,
        admin,
        client_id=place["client_id"],
        site_ids=[place["site_id"]],
        email="fresh-units@client.example",
    )
    headers = supervisor["headers"]
    await ctx.prime(headers, "/api/client/workers")
    current = await ctx.client.get(
        f"/api/client-supervisors/{supervisor['user_id']}", headers=admin
    )
    response = await ctx.client.put(
        f"/api/client-supervisors/{supervisor['user_id']}/units",
        headers=admin,
        json={"version": current.json()["data"]["version"], "unit_ids": [place["unit_id"]]},
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(headers, "/api/client/workers", changed=True)
