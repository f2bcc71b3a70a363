"""Freshness of the employee list after an import's commit (the imports area has no cached
read of its own; the commit writes employees, whose list is invalidated on any write to the
table). The POST page twin calls the same service (test_write_freshness's PAGE_WRITE_TWINS)."""

from __future__ import annotations

from tests.integration.cache.freshness import FreshnessContext, scenario
from tests.integration.imports.factories import employees_csv, put_mapping, upload

LIST = "/api/employees?limit=50"


@scenario("POST", "/api/imports/{import_id}/commit", also=[("POST", "/imports/{import_id}/commit")])
async def commit(ctx: FreshnessContext) -> None:
    admin = await ctx.auth_headers("admin")
    assert (await put_mapping(ctx.client, admin)).status_code == 200
    uploaded = await upload(ctx.client, admin, employees_csv(2))
    assert uploaded.status_code == 200, uploaded.text
    await ctx.prime(admin, LIST)
    response = await ctx.client.post(
        f"/api/imports/{uploaded.json()['data']['id']}/commit", headers=admin
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)


@scenario(
    "POST",
    "/api/imports",
    also=[("POST", "/imports"), ("POST", "/imports/{import_id}/mapping")],
)
async def dry_run(ctx: FreshnessContext) -> None:
    """The dry run creates the rows inside a savepoint and rolls it back: the list stays
    as it was, and what is served equals the database."""
    admin = await ctx.auth_headers("admin")
    assert (await put_mapping(ctx.client, admin)).status_code == 200
    await ctx.prime(admin, LIST)
    response = await upload(ctx.client, admin, employees_csv(2))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["state"] == "checked"
    await ctx.assert_fresh(admin, LIST, changed=False)
