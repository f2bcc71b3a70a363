"""The requests module: paid leave drawn and restored with the decision, rejection,
cancellation, the resignation's two steps and exit facts, scope (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select

from haken.modules.leave.models import LeaveTaking
from haken.modules.requests.models import Request
from haken.modules.requests.service import requests_service
from haken.platform.db import session_scope
from tests.integration.leave.factories import today
from tests.integration.requests.factories import act, people, soon, submit


async def _ledger(http: httpx.AsyncClient, p: dict[str, Any]) -> dict[str, Any]:
    found = await http.get(f"/api/leave/employees/{p['employee_id']}", headers=p["admin_headers"])
    assert found.status_code == 200, found.text
    data: dict[str, Any] = found.json()["data"]
    return data


def _used(ledger: dict[str, Any]) -> list[Decimal]:
    return [Decimal(g["used"]) for g in ledger["grants"]]


async def test_paid_leave_approved_draws_oldest_first_and_withdrawal_restores_exactly(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    # 19 months of service: grants at 6 (10 days) and 18 months (11 days), both valid.
    p = await people(client, make_user, login, months=19)
    before = await _ledger(client, p)
    assert len(before["grants"]) == 2 and _used(before) == [Decimal(0), Decimal(0)]
    days = [soon(10), soon(11)]
    request = await submit(
        client, p["worker_headers"], {"type": "paid_leave", "dates": days, "reason": "帰省"}
    )
    assert request["state"] == "submitted" and request["approver"] == "site"
    assert request["chain"] == ["site"]
    # Nothing is drawn before the decision.
    assert _used(await _ledger(client, p)) == [Decimal(0), Decimal(0)]

    approved = await act(client, p["manager_headers"], request, "approve", "了解です")
    assert approved.status_code == 200, approved.text
    decided = approved.json()["data"]
    assert decided["state"] == "approved" and decided["approver"] is None
    after = await _ledger(client, p)
    # Both days from the older grant; the newer one untouched.
    assert _used(after) == [Decimal(2), Decimal(0)]
    assert Decimal(after["remaining"]) == Decimal(before["remaining"]) - 2
    taken = [t for t in after["takings"] if t["request_id"] == request["id"]]
    assert sorted(t["day"] for t in taken) == days and not any(t["cancelled"] for t in taken)
    assert {t["grant_id"] for t in taken} == {after["grants"][0]["id"]}

    withdrawn = await act(client, p["worker_headers"], decided, "withdraw", "予定が変わりました")
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["data"]["state"] == "withdrawn"
    restored = await _ledger(client, p)
    assert _used(restored) == _used(before)
    assert restored["remaining"] == before["remaining"]
    assert all(t["cancelled"] for t in restored["takings"] if t["request_id"] == request["id"])
    history = [e["action"] for e in withdrawn.json()["data"]["events"]]
    assert history == ["submit", "approve", "withdraw"]
    # Withdrawn is final: a second withdrawal or a cancellation is refused.
    again = await act(client, p["worker_headers"], withdrawn.json()["data"], "withdraw")
    assert again.status_code == 409 and again.json()["error"]["code"] == "REQUEST_STATE_CONFLICT"


async def test_a_refused_draw_rolls_the_decision_back(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    """Eleven days against a balance of ten: the ledger refuses, and the approval (state,
    history, audit) is rolled back with it; nothing is drawn."""
    p = await people(client, make_user, login)
    days = [(today() + dt.timedelta(days=20 + i)).isoformat() for i in range(11)]
    request = await submit(client, p["worker_headers"], {"type": "paid_leave", "dates": days})
    refused = await act(client, p["manager_headers"], request, "approve")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "LEAVE_INSUFFICIENT"
    detail = await client.get(f"/api/requests/{request['id']}", headers=p["worker_headers"])
    data = detail.json()["data"]
    assert data["state"] == "submitted" and data["version"] == request["version"]
    assert [e["action"] for e in data["events"]] == ["submit"]
    async with session_scope(app.state.database, write=True) as session:
        takings = await session.scalar(
            select(func.count())
            .select_from(LeaveTaking)
            .where(LeaveTaking.request_id == request["id"])
        )
    assert takings == 0
    assert _used(await _ledger(client, p)) == [Decimal(0)]


async def test_rejection_needs_a_comment_and_draws_nothing(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    request = await submit(client, p["worker_headers"], {"type": "paid_leave", "dates": [soon()]})
    silent = await act(client, p["manager_headers"], request, "reject", "")
    assert silent.status_code == 422
    rejected = await act(client, p["manager_headers"], request, "reject", "繁忙期のため")
    assert rejected.status_code == 200, rejected.text
    data = rejected.json()["data"]
    assert data["state"] == "rejected"
    assert data["events"][-1]["action"] == "reject"
    assert data["events"][-1]["comment"] == "繁忙期のため"
    assert _used(await _ledger(client, p)) == [Decimal(0)]
    # The requester cannot withdraw a rejection, nor cancel it.
    for action in ("withdraw", "cancel"):
        late = await act(client, p["worker_headers"], data, action)
        assert late.status_code == 409, late.text


async def test_the_requester_cancels_before_the_decision(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    request = await submit(
        client, p["worker_headers"], {"type": "absence", "dates": [soon()], "reason": "通院"}
    )
    # Only the requester cancels: the site manager may read it but gets 403.
    foreign = await act(client, p["manager_headers"], request, "cancel")
    assert foreign.status_code == 403
    assert foreign.json()["error"]["code"] == "REQUEST_NOT_REQUESTER"
    cancelled = await act(client, p["worker_headers"], request, "cancel", "取り消します")
    assert cancelled.status_code == 200, cancelled.text
    data = cancelled.json()["data"]
    assert data["state"] == "cancelled" and data["approver"] is None
    late = await act(client, p["manager_headers"], data, "approve")
    assert late.status_code == 409
    assert _used(await _ledger(client, p)) == [Decimal(0)]


async def test_resignation_goes_site_then_admin_and_records_the_exit(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    p = await people(client, make_user, login)
    last_day = today() + dt.timedelta(days=40)
    request = await submit(
        client,
        p["worker_headers"],
        {"type": "resignation", "last_day": last_day.isoformat(), "reason": "帰国のため"},
    )
    assert request["chain"] == ["site", "admin"]
    # The admin step is not the site manager's: the first approval moves it there.
    first = await act(client, p["manager_headers"], request, "approve")
    assert first.status_code == 200, first.text
    step = first.json()["data"]
    assert step["state"] == "approved_by_site" and step["approver"] == "admin"
    not_theirs = await act(client, p["manager_headers"], step, "approve")
    assert not_theirs.status_code == 403
    assert not_theirs.json()["error"]["code"] == "REQUEST_NOT_YOUR_STEP"
    async with session_scope(app.state.database, write=True) as session:
        assert await requests_service.exits(session, [p["employee_id"]]) == {}
    final = await act(client, p["admin_headers"], step, "approve")
    assert final.status_code == 200, final.text
    assert final.json()["data"]["state"] == "approved"
    async with session_scope(app.state.database, write=True) as session:
        facts = (await requests_service.exits(session, [p["employee_id"]]))[p["employee_id"]]
    assert facts.last_working_day == last_day and facts.move_out_due == last_day
    # The default cut-off is the month's end: the final pay period is the last day's month.
    assert facts.final_pay_start == last_day.replace(day=1)
    assert facts.final_pay_end.month == last_day.month and facts.final_pay_end >= last_day
    assert (facts.final_pay_end + dt.timedelta(days=1)).day == 1
    # A second resignation while one is approved is refused.
    twice = await client.post(
        "/api/requests",
        headers=p["worker_headers"],
        json={"payload": {"type": "resignation", "last_day": last_day.isoformat()}},
    )
    assert twice.status_code == 422 and twice.json()["error"]["code"] == "REQUEST_INVALID"
    # Withdrawn: the exit facts are gone for the other areas.
    withdrawn = await act(client, p["worker_headers"], final.json()["data"], "withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    async with session_scope(app.state.database, write=True) as session:
        assert await requests_service.exits(session, [p["employee_id"]]) == {}


async def test_scope_employee_and_other_site_get_404(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    q = await people(client, make_user, login)
    request = await submit(client, p["worker_headers"], {"type": "other", "subject": "相談"})
    # Another employee: neither sees nor touches it.
    seen = await client.get(f"/api/requests/{request['id']}", headers=q["worker_headers"])
    assert seen.status_code == 404
    touched = await act(client, q["worker_headers"], request, "cancel")
    assert touched.status_code == 404
    listed = await client.get("/api/requests", headers=q["worker_headers"])
    assert listed.json()["data"] == []
    # The manager of another site: 404 to read and to approve.
    for headers in (p["other_manager_headers"], q["manager_headers"]):
        assert (
            await client.get(f"/api/requests/{request['id']}", headers=headers)
        ).status_code == 404
        assert (await act(client, headers, request, "approve")).status_code == 404
    # An employee cannot approve at all (policy).
    assert (await act(client, p["worker_headers"], request, "approve")).status_code == 403
    # The site manager's queue holds it; the other site's does not.
    queue = await client.get("/api/requests?actionable=true", headers=p["manager_headers"])
    assert [r["id"] for r in queue.json()["data"]] == [request["id"]]
    other = await client.get("/api/requests?actionable=true", headers=q["manager_headers"])
    assert other.json()["data"] == []
    mine = await client.get("/api/requests", headers=p["worker_headers"])
    assert [r["id"] for r in mine.json()["data"]] == [request["id"]]


async def test_bad_payloads_are_refused_with_nothing_written(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    p = await people(client, make_user, login)
    bad = [
        {"type": "paid_leave", "dates": []},
        {"type": "paid_leave", "dates": [soon(), soon()]},
        {"type": "paid_leave", "unit": "hours", "dates": [soon()]},
        {
            "type": "home_leave",
            "start": soon(20),
            "end": soon(10),
            "destination": "ハノイ",
            "contact": "+84 90 000 0000",
        },
        {"type": "home_leave", "start": soon(10), "end": soon(20), "destination": "ハノイ"},
        {"type": "unknown"},
    ]
    for payload in bad:
        refused = await client.post(
            "/api/requests", headers=p["worker_headers"], json={"payload": payload}
        )
        assert refused.status_code == 422, (payload, refused.text)
    past = await client.post(
        "/api/requests",
        headers=p["worker_headers"],
        json={"payload": {"type": "resignation", "last_day": "2020-01-31"}},
    )
    assert past.status_code == 422 and past.json()["error"]["code"] == "REQUEST_INVALID"
    # An account without an employee record has no requests of its own to make.
    staff = await client.post(
        "/api/requests",
        headers=p["admin_headers"],
        json={"payload": {"type": "other", "subject": "x"}},
    )
    assert staff.status_code == 404
    async with session_scope(app.state.database, write=True) as session:
        assert await session.scalar(select(func.count()).select_from(Request)) == 0


async def test_a_stale_version_is_a_conflict(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    request = await submit(
        client,
        p["worker_headers"],
        {
            "type": "home_leave",
            "start": soon(30),
            "end": soon(45),
            "destination": "マニラ",
            "contact": "+63 900 000 0000",
        },
    )
    first = await act(client, p["manager_headers"], request, "approve")
    assert first.status_code == 200
    stale = await act(client, p["admin_headers"], request, "approve")  # old version
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "VERSION_CONFLICT"
