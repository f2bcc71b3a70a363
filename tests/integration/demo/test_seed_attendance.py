"""Demo attendance (issue 15 item 9): timecards of every running assignment for two closed
payroll periods and the open one, shifts, overtime, Sunday work, pending and rejected days,
students near their 28 h, the closed periods locked and the ledger equal to labor.premiums."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from haken.labor.premiums import Timecard as PremiumCard
from haken.labor.premiums import WorkSettings, calculate_premiums
from haken.modules.demo.generator import generate
from haken.modules.models import metadata

TODAY = dt.date(2026, 11, 28)  # periods: September and October closed, November open
TOKYO = ZoneInfo("Asia/Tokyo")


async def _all(app: Any, table: str) -> list[Any]:
    async with app.state.database.engine.connect() as connection:
        return list((await connection.execute(select(metadata.tables[table]))).mappings())


def _minutes(card: Any) -> int:
    if card["start_at"] is None:
        return 0
    return int((card["end_at"] - card["start_at"]).total_seconds() // 60) - card["break_minutes"]


async def test_demo_attendance_covers_the_cases_and_the_ledger_matches(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    async with app.state.database.engine.begin() as connection:
        counts = await generate(connection, employees=120, today=TODAY)
    assert counts["attendance_timecards"] > 0
    cards = await _all(app, "attendance_timecards")
    running = [
        a
        for a in await _all(app, "assignments")
        if a["status"] == "active" and a["start_date"] <= TODAY <= a["end_date"]
    ]
    by_assignment: dict[int, list[Any]] = defaultdict(list)
    for card in cards:
        by_assignment[card["assignment_id"]].append(card)
    for assignment in running:
        months = {c["work_date"].month for c in by_assignment[assignment["id"]]}
        first = max(assignment["start_date"], dt.date(2026, 9, 1))
        assert months >= set(range(first.month, 12)), assignment["id"]
    assert {c["assignment_id"] for c in cards} == {a["id"] for a in running}

    states = defaultdict(list)
    for card in cards:
        states[card["state"]].append(card)
    assert {c["work_date"].month for c in states["locked"]} == {9, 10}
    assert states["submitted"] and all(c["work_date"].month == 11 for c in states["submitted"])
    rejected = [c for c in states["draft"] if c["rejected_comment"]]
    assert rejected and len(rejected) == len(states["draft"])
    assert any(c["shift_code"] == "夜勤" for c in cards)
    assert any(_minutes(c) > 480 for c in cards)  # overtime
    assert any(c["work_date"].weekday() == 6 and c["start_at"] for c in cards)  # Sunday
    assert {c["marker"] for c in cards} >= {"none", "paid_leave", "absence"}

    limited = {a["id"] for a in running if a["weekly_hours_limit"] is not None}
    assert limited, "the demo places 留学 students"
    for assignment_id in limited:
        week: dict[dt.date, int] = defaultdict(int)
        for card in by_assignment[assignment_id]:
            monday = card["work_date"] - dt.timedelta(days=card["work_date"].weekday())
            week[monday] += _minutes(card)
        assert max(week.values()) <= 28 * 60
        assert max(week.values()) >= 26 * 60  # close to the limit

    periods = await _all(app, "attendance_periods")
    payroll = [p for p in periods if p["kind"] == "payroll"]
    assert sorted((p["period_start"], p["period_end"], p["state"]) for p in payroll) == [
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30), "closed"),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31), "closed"),
    ]
    # September's billing period of every contract with cards then: closed, the first reopened
    billing = sorted((p for p in periods if p["kind"] == "billing"), key=lambda p: p["subject_id"])
    worked = {c["contract_id"] for c in cards if c["work_date"].month == 9}
    assert {p["subject_id"] for p in billing} == worked
    assert {(p["period_start"], p["period_end"]) for p in billing} == {
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    }
    assert [p["state"] for p in billing] == ["open"] + ["closed"] * (len(billing) - 1)
    assert billing[0]["reopen_reason"]

    # One worker's October ledger row against labor.premiums on their cards.
    admin = await auth_headers("admin")
    worker = next(a for a in running if a["start_date"] < dt.date(2026, 9, 24))["employee_id"]
    october = [
        PremiumCard(
            c["start_at"].astimezone(TOKYO).replace(tzinfo=None),
            c["end_at"].astimezone(TOKYO).replace(tzinfo=None),
            c["break_minutes"],
        )
        for c in cards
        if c["employee_id"] == worker
        and c["start_at"] is not None
        and dt.date(2026, 9, 27) <= c["work_date"] <= dt.date(2026, 10, 31)  # + the week before
    ]
    want = calculate_premiums(
        october,
        WorkSettings(week_start=6, month_start_day=1),
        period=(dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ).minutes.summary()
    ledger = await client.get(
        "/api/attendance/ledger",
        headers=admin,
        params={"kind": "payroll", "subject_id": worker, "month": "2026-10"},
    )
    assert ledger.status_code == 200, ledger.text
    [row] = ledger.json()["data"]
    assert {k: row[k] for k in want} == want
    assert row["worked_minutes"] > 0

    # The closed period refuses an edit.
    locked = next(c for c in states["locked"] if c["employee_id"] == worker)
    refused = await client.patch(
        f"/api/attendance/timecards/{locked['id']}",
        headers=admin,
        json={"version": locked["version"], "note": "late edit"},
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ATTENDANCE_PERIOD_CLOSED"
