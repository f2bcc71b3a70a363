"""A morning and an afternoon half day on one date (JP_LABOR.md §2: half-day leave is
allowed, each counts 0.5): both are approved, together they consume exactly one day, the
ledger lists the two halves and the timecard shows a whole day of paid leave; a second
morning on the same date is refused with ``LEAVE_HALF_DAY_TAKEN`` and rolls its approval
back; withdrawing one half leaves the other on the card (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.integration.requests.factories import act, people, soon, submit


async def _day(http: httpx.AsyncClient, p: dict[str, Any], day: str) -> dict[str, Any]:
    found = await http.get(
        "/api/attendance/timecards",
        headers=p["admin_headers"],
        params={"employee_id": p["employee_id"], "limit": 100},
    )
    assert found.status_code == 200, found.text
    cards = [c for c in found.json()["data"] if c["work_date"] == day]
    return cards[0] if cards else {}


async def _ledger(http: httpx.AsyncClient, p: dict[str, Any]) -> dict[str, Any]:
    found = await http.get(f"/api/leave/employees/{p['employee_id']}", headers=p["admin_headers"])
    assert found.status_code == 200, found.text
    data: dict[str, Any] = found.json()["data"]
    return data


def _halves(ledger: dict[str, Any], day: str) -> list[tuple[str, str]]:
    return sorted(
        (t["half"], t["days"]) for t in ledger["takings"] if t["day"] == day and not t["cancelled"]
    )


async def _approved(http: httpx.AsyncClient, p: dict[str, Any], half: str, day: str) -> Any:
    request = await submit(
        http,
        p["worker_headers"],
        {"type": "paid_leave", "unit": "half_day", "half": half, "dates": [day]},
    )
    return request, await act(http, p["manager_headers"], request, "approve")


async def test_morning_and_afternoon_make_one_day(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    day = soon(15)
    start = Decimal((await _ledger(client, p))["remaining"])

    morning, done = await _approved(client, p, "am", day)
    assert done.status_code == 200, done.text
    assert (await _day(client, p, day))["marker"] == "half_leave"
    afternoon, done = await _approved(client, p, "pm", day)
    assert done.status_code == 200, done.text

    ledger = await _ledger(client, p)
    assert Decimal(ledger["remaining"]) == start - 1  # 0.5 + 0.5: one whole day in total
    assert _halves(ledger, day) == [("am", "0.500"), ("pm", "0.500")]
    card = await _day(client, p, day)
    assert card["marker"] == "paid_leave" and card["start_at"] is None

    # A second morning on the same date: refused with its catalog code, nothing applied.
    again, refused = await _approved(client, p, "am", day)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "LEAVE_HALF_DAY_TAKEN"
    shown = await client.get(f"/api/requests/{again['id']}", headers=p["worker_headers"])
    assert shown.json()["data"]["state"] == "submitted"
    assert Decimal((await _ledger(client, p))["remaining"]) == start - 1

    # Withdrawing the morning leaves the afternoon on the card and in the ledger.
    shown = await client.get(f"/api/requests/{morning['id']}", headers=p["worker_headers"])
    withdrawn = await act(client, p["worker_headers"], shown.json()["data"], "withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    ledger = await _ledger(client, p)
    assert Decimal(ledger["remaining"]) == start - Decimal("0.5")
    assert _halves(ledger, day) == [("pm", "0.500")]
    assert (await _day(client, p, day))["marker"] == "half_leave"
    # ...and withdrawing the afternoon clears the day.
    shown = await client.get(f"/api/requests/{afternoon['id']}", headers=p["worker_headers"])
    withdrawn = await act(client, p["worker_headers"], shown.json()["data"], "withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    assert Decimal((await _ledger(client, p))["remaining"]) == start
    assert await _day(client, p, day) == {}


async def test_a_half_is_named_only_for_a_half_day(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    refused = await client.post(
        "/api/requests",
        headers=p["worker_headers"],
        json={"payload": {"type": "paid_leave", "half": "pm", "dates": [soon(15)]}},
    )
    assert refused.status_code == 422, refused.text
    # A half day without a half is the morning (requests made before the choice existed).
    request = await submit(
        client, p["worker_headers"], {"type": "paid_leave", "unit": "half_day", "dates": [soon()]}
    )
    assert request["payload"]["half"] == "am"
