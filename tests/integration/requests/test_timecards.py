"""Approved paid leave on the timecards: the approval marks the days (a new leave card, an
欠勤 card turned into 有給, a worked card marked half a day), the payroll ledger follows, and a
withdrawal restores cards, ledger and balance exactly; refusals roll the decision back
(SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from haken.modules.leave.service import leave_service
from tests.integration.attendance.factories import approved
from tests.integration.leave.factories import today
from tests.integration.requests.factories import act, people, soon, submit

KEPT = ("id", "assignment_id", "work_date", "marker", "start_at", "end_at", "break_minutes")


async def _cards(http: httpx.AsyncClient, p: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = await http.get(
        "/api/attendance/timecards",
        headers=p["admin_headers"],
        params={"employee_id": p["employee_id"], "limit": 100},
    )
    assert found.status_code == 200, found.text
    return {c["work_date"]: {k: c[k] for k in (*KEPT, "state")} for c in found.json()["data"]}


async def _ledger_days(http: httpx.AsyncClient, p: dict[str, Any]) -> dict[str, int]:
    found = await http.get(
        "/api/attendance/ledger",
        headers=p["admin_headers"],
        params={"kind": "payroll", "subject_id": p["employee_id"], "limit": 100},
    )
    assert found.status_code == 200, found.text
    totals = {"paid_leave_days": 0, "half_leave_days": 0, "absence_days": 0, "worked_days": 0}
    for row in found.json()["data"]:
        for key in totals:
            totals[key] += row[key]
    return totals


async def _assignment_id(http: httpx.AsyncClient, p: dict[str, Any]) -> int:
    listed = await http.get(
        "/api/assignments", headers=p["admin_headers"], params={"employee_id": p["employee_id"]}
    )
    assert listed.status_code == 200, listed.text
    found: int = listed.json()["data"][0]["id"]
    return found


async def _remaining(http: httpx.AsyncClient, p: dict[str, Any]) -> str:
    found = await http.get(f"/api/leave/employees/{p['employee_id']}", headers=p["admin_headers"])
    assert found.status_code == 200, found.text
    remaining: str = found.json()["data"]["remaining"]
    return remaining


async def test_approval_marks_the_days_and_withdrawal_restores_cards_ledger_and_balance(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login, months=19)
    assignment_id = await _assignment_id(client, p)
    free, absent, worked = soon(10), soon(11), soon(12)
    absence = await approved(
        client, p["admin_headers"], assignment_id, absent, start=None, marker="absence"
    )
    assert absence["marker"] == "absence"
    await approved(client, p["admin_headers"], assignment_id, worked)
    cards_before = await _cards(client, p)
    ledger_before = await _ledger_days(client, p)
    remaining_before = await _remaining(client, p)
    assert set(cards_before) == {absent, worked}
    assert ledger_before["absence_days"] == 1 and ledger_before["paid_leave_days"] == 0

    whole = await submit(
        client, p["worker_headers"], {"type": "paid_leave", "dates": [free, absent]}
    )
    half = await submit(
        client,
        p["worker_headers"],
        {"type": "paid_leave", "unit": "half_day", "dates": [worked]},
    )
    for request in (whole, half):
        done = await act(client, p["manager_headers"], request, "approve")
        assert done.status_code == 200, done.text
        request.update(done.json()["data"])

    marked = await _cards(client, p)
    # A day without a card gets an approved leave card without times.
    assert marked[free]["marker"] == "paid_leave" and marked[free]["state"] == "approved"
    assert marked[free]["start_at"] is None and marked[free]["assignment_id"] == assignment_id
    # The 欠勤 card becomes 有給; the worked card keeps its times, marked half a day.
    assert marked[absent]["marker"] == "paid_leave"
    assert marked[absent]["id"] == cards_before[absent]["id"]
    assert marked[worked]["marker"] == "half_leave"
    assert marked[worked]["start_at"] == cards_before[worked]["start_at"]
    assert marked[worked]["state"] == "approved"
    ledger = await _ledger_days(client, p)
    assert ledger["paid_leave_days"] == 2 and ledger["absence_days"] == 0
    assert ledger["half_leave_days"] == 1 and ledger["worked_days"] == 1

    for request in (whole, half):
        withdrawn = await act(client, p["worker_headers"], request, "withdraw")
        assert withdrawn.status_code == 200, withdrawn.text

    assert await _cards(client, p) == cards_before
    assert await _ledger_days(client, p) == ledger_before
    assert await _remaining(client, p) == remaining_before


async def test_hourly_leave_creates_a_card_and_a_rejection_marks_nothing(
    client: httpx.AsyncClient, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(leave_service, "hourly_cap_days", 5)  # 労使協定: 5 days in hours
    p = await people(client, make_user, login)
    day = soon(15)
    hourly = await submit(
        client,
        p["worker_headers"],
        {"type": "paid_leave", "unit": "hours", "hours": 2, "dates": [day]},
    )
    rejected = await submit(
        client, p["worker_headers"], {"type": "paid_leave", "dates": [soon(16)]}
    )
    refused = await act(client, p["manager_headers"], rejected, "reject", "人手不足のため")
    assert refused.status_code == 200, refused.text
    assert await _cards(client, p) == {}
    done = await act(client, p["manager_headers"], hourly, "approve")
    assert done.status_code == 200, done.text
    cards = await _cards(client, p)
    assert list(cards) == [day] and cards[day]["marker"] == "hourly_leave"
    # The worker's month shows the card, still without times, by its marker (it answered
    # 500: the page had no label for hourly leave).
    month = await client.get(
        "/me/timecards", headers=p["worker_headers"], params={"month": day[:7]}
    )
    assert month.status_code == 200, month.text
    assert "時間単位の有給休暇" in month.text
    withdrawn = await act(client, p["worker_headers"], done.json()["data"], "withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    assert await _cards(client, p) == {}

    # Once the worked hours are entered on the leave card, a withdrawal keeps them.
    again = await submit(
        client,
        p["worker_headers"],
        {"type": "paid_leave", "unit": "hours", "hours": 2, "dates": [day]},
    )
    done = await act(client, p["manager_headers"], again, "approve")
    assert done.status_code == 200, done.text
    card = (await _cards(client, p))[day]
    full = await client.get(f"/api/attendance/timecards/{card['id']}", headers=p["admin_headers"])
    entered = await client.patch(
        f"/api/attendance/timecards/{card['id']}",
        headers=p["admin_headers"],
        json={
            "version": full.json()["data"]["version"],
            "start": "08:00",
            "end": "15:00",
            "break_minutes": 60,
        },
    )
    assert entered.status_code == 200, entered.text
    withdrawn = await act(client, p["worker_headers"], done.json()["data"], "withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    kept = (await _cards(client, p))[day]
    assert kept["id"] == card["id"] and kept["marker"] == "none"
    assert kept["start_at"] == entered.json()["data"]["start_at"]


async def test_a_worked_day_refuses_a_whole_day_of_leave_and_nothing_is_written(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    assignment_id = await _assignment_id(client, p)
    day = soon(10)
    card = await approved(client, p["admin_headers"], assignment_id, day)
    remaining = await _remaining(client, p)
    request = await submit(
        client, p["worker_headers"], {"type": "paid_leave", "dates": [soon(9), day]}
    )
    refused = await act(client, p["manager_headers"], request, "approve")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ATTENDANCE_LEAVE_DAY_TAKEN"
    detail = await client.get(f"/api/requests/{request['id']}", headers=p["worker_headers"])
    assert detail.json()["data"]["state"] == "submitted"
    assert await _remaining(client, p) == remaining
    cards = await _cards(client, p)
    # Neither the worked card nor the free day before it was touched.
    assert list(cards) == [day] and cards[day]["marker"] == "none"
    assert cards[day]["id"] == card["id"]


async def test_a_closed_period_refuses_the_approval_and_rolls_it_back(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login, months=19)  # a grant valid 40 days ago
    day = (today() - dt.timedelta(days=40)).isoformat()
    closed = await client.post(
        "/api/attendance/periods/close",
        headers=p["admin_headers"],
        json={"kind": "payroll", "day": day},
    )
    assert closed.status_code == 200, closed.text
    remaining = await _remaining(client, p)
    request = await submit(client, p["worker_headers"], {"type": "paid_leave", "dates": [day]})
    refused = await act(client, p["manager_headers"], request, "approve")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ATTENDANCE_PERIOD_CLOSED"
    detail = await client.get(f"/api/requests/{request['id']}", headers=p["worker_headers"])
    assert detail.json()["data"]["state"] == "submitted"
    assert await _remaining(client, p) == remaining
    assert await _cards(client, p) == {}
