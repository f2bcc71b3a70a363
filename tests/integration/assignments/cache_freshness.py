"""Freshness scenarios for the assignments writes that move a worker's placement.

The assignments area has no cached reads of its own, but a placement sets the employee's
current client and site, which the cached employee list shows (``invalidate_on_write`` on the
employees table). Driven by tests/integration/cache/test_write_freshness.py, which requires a
scenario for every route whose request writes a table with a cache rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from tests.integration.assignments.factories import (
    assign,
    make_contract,
    make_employee,
    make_unit,
)
from tests.integration.cache.freshness import FreshnessContext, scenario

LIST = "/api/employees?limit=50"


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()


def _day(offset: int) -> str:
    return (_today() + dt.timedelta(days=offset)).isoformat()


async def _placed(ctx: FreshnessContext) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    """A worker placed today (an assignment in force), the employee list primed afterwards."""
    admin = await ctx.auth_headers("admin")
    place = await make_unit(ctx.client, admin)
    contract = await make_contract(ctx.client, admin, place["unit_id"], _day(-60), _day(700))
    worker = await make_employee(ctx.client, admin)
    row = await assign(
        ctx.client, admin, contract["id"], worker["id"], start_date=_day(-30), end_date=_day(300)
    )
    await ctx.prime(admin, LIST)
    listed = {e["id"]: e for e in ctx.primed[(admin["Authorization"], LIST)]}
    assert listed[worker["id"]]["current_site_id"] == place["site_id"]
    return admin, row, place


@scenario("POST", "/api/assignments", also=[("POST", "/assignments/new/{employee_id}")])
async def place_a_worker(ctx: FreshnessContext) -> None:
    admin = await ctx.auth_headers("admin")
    place = await make_unit(ctx.client, admin)
    contract = await make_contract(ctx.client, admin, place["unit_id"], _day(-60), _day(700))
    worker = await make_employee(ctx.client, admin)
    await ctx.prime(admin, LIST)
    await assign(
        ctx.client, admin, contract["id"], worker["id"], start_date=_day(-30), end_date=_day(300)
    )
    await ctx.assert_fresh(admin, LIST, changed=True)  # current_client_id / current_site_id


@scenario("PATCH", "/api/assignments/{assignment_id}")
async def shorten_an_assignment(ctx: FreshnessContext) -> None:
    admin, row, _place = await _placed(ctx)
    response = await ctx.client.patch(
        f"/api/assignments/{row['id']}",
        headers=admin,
        json={"version": row["version"], "end_date": _day(-1)},
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)  # no longer placed today


@scenario("DELETE", "/api/assignments/{assignment_id}")
async def cancel_an_assignment(ctx: FreshnessContext) -> None:
    admin, row, _place = await _placed(ctx)
    response = await ctx.client.delete(
        f"/api/assignments/{row['id']}", headers=admin, params={"version": row["version"]}
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)


@scenario(
    "POST",
    "/api/assignments/{assignment_id}/end",
    also=[("POST", "/assignments/{assignment_id}/end")],
)
async def end_an_assignment(ctx: FreshnessContext) -> None:
    admin, row, _place = await _placed(ctx)
    response = await ctx.client.post(
        f"/api/assignments/{row['id']}/end",
        headers=admin,
        json={"version": row["version"], "end_date": _day(-1), "reason": "契約終了"},
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, LIST, changed=True)
