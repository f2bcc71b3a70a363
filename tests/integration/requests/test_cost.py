"""The cost of a leave request does not grow with history: submitting and approving one day
runs the same number of statements for a worker with years of approved leave (and their
leave timecards) as for one without, and the leave list stays at exactly 3 statements
(SQLite and PostgreSQL; bench/ measures the time at 2,000 employees)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, count_queries
from tests.integration.leave.factories import today
from tests.integration.requests.factories import act, people, submit


async def _one_day(http: httpx.AsyncClient, p: dict[str, Any], day: dt.date) -> tuple[int, int]:
    """Statements of submitting, then of approving, one day of leave."""
    with cache_bypass(), count_queries() as submitting:
        request = await submit(
            http, p["worker_headers"], {"type": "paid_leave", "dates": [day.isoformat()]}
        )
    with cache_bypass(), count_queries() as approving:
        done = await act(http, p["manager_headers"], request, "approve")
    assert done.status_code == 200, done.text
    return submitting.count, approving.count


async def test_a_leave_request_costs_the_same_whatever_the_history(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    fresh = await people(client, make_user, login, months=43)
    seasoned = await people(client, make_user, login, months=43)
    # Three and a half years of leave for one of them: a day a month, each through a
    # request approved by the site manager (ledger rows, leave timecards, history).
    for months_ago in range(1, 30):
        day = today() - dt.timedelta(days=30 * months_ago)
        request = await submit(
            client,
            seasoned["worker_headers"],
            {"type": "paid_leave", "dates": [day.isoformat()]},
        )
        done = await act(client, seasoned["manager_headers"], request, "approve")
        assert done.status_code == 200, done.text
    # Warm both principals' caches the same way.
    for p in (fresh, seasoned):
        await client.get("/api/requests", headers=p["worker_headers"])
        await client.get("/api/requests", headers=p["manager_headers"])
    day = today() + dt.timedelta(days=21)
    # Exactly: submitting = the caller, the worker, the request, its audit and event, the
    # history, the recipients and their notification. Approving = the caller, the request,
    # the worker, the decision; the ledger (grants, takings, placements, the drawn grants'
    # two updates, the taking, its audit); the timecard (the day's cards, placements, the
    # closed-period check, the site settings, the card, its audit); the attendance ledger's
    # payroll and billing rows (cards, row, write each, and the client's closing day: the
    # contract has no cut-off of its own, issue 18); the event, its audit, the history;
    # after the commit the recipients and their notification (was 31: the worker read three
    # times, the site settings twice).
    assert await _one_day(client, seasoned, day) == (8, 29)
    assert await _one_day(client, fresh, day + dt.timedelta(days=7)) == (8, 29)

    # The leave list: the caller, the page (one grouped statement), the names.
    with cache_bypass(), assert_num_queries(3):
        listed = await client.get("/api/leave/balances", headers=seasoned["admin_headers"])
    assert listed.status_code == 200
    rows = {r["employee_id"]: r for r in listed.json()["data"]}
    assert seasoned["employee_id"] in rows and fresh["employee_id"] in rows
