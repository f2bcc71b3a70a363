"""Attendance (issue 15 items 3, 5, 6): the timecard state machine, closing periods, the
ledger against labor.premiums, two cut-offs from one card, query counts independent of
history, 資格外活動 warnings and refusals, scope, and the 36協定 status."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import select

from haken.labor.premiums import Timecard as PremiumCard
from haken.labor.premiums import WorkSettings, calculate_premiums
from haken.modules.attendance.models import Timecard
from haken.modules.audit.models import AuditEntry
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.attendance.factories import PART_TIME, act, approved, enter, placement

UTC = dt.UTC


async def _headers(make_user: Any, login: Any, role: str, **fields: Any) -> dict[str, str]:
    user = await make_user(role, **fields)
    return {"Authorization": (await login(user["email"]))["Authorization"]}


def _code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


async def test_state_machine_rejection_and_edit_after_approval(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    manager = await _headers(make_user, login, "site_manager", site_ids=[placed["site_id"]])
    created = await enter(client, office, placed["assignment"]["id"], "2026-04-06")
    assert created.status_code == 201, created.text
    card = created.json()["data"]
    assert card["state"] == "draft" and card["worked_minutes"] == 480
    assert card["start"] == "08:00:00" and card["start_at"].startswith("2026-04-05T23:00")

    refused = await act(client, manager, card, "approve")
    assert refused.status_code == 409 and _code(refused) == "ATTENDANCE_INVALID_STATE"
    card = (await act(client, office, card, "submit")).json()["data"]
    assert card["state"] == "submitted"
    no_comment = await act(client, manager, card, "reject", comment="")
    assert no_comment.status_code == 422
    rejected = await act(client, manager, card, "reject", comment="終了時刻を確認してください")
    card = rejected.json()["data"]
    assert card["state"] == "draft" and card["rejected_comment"] == "終了時刻を確認してください"
    card = (await act(client, office, card, "submit")).json()["data"]
    assert card["rejected_comment"] is None
    card = (await act(client, manager, card, "approve")).json()["data"]
    assert card["state"] == "approved"

    edited = await client.patch(
        f"/api/attendance/timecards/{card['id']}",
        headers=office,
        json={"version": card["version"], "end": "18:00"},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["state"] == "submitted"
    assert edited.json()["data"]["worked_minutes"] == 540
    # The edit took the card out of the approved set: the ledger counts nothing now.
    ledger = await client.get(
        "/api/attendance/ledger",
        headers=office,
        params={"kind": "payroll", "subject_id": placed["employee"]["id"]},
    )
    assert [row["worked_minutes"] for row in ledger.json()["data"]] == [0]


async def test_ledger_equals_premiums_and_one_card_feeds_both_cut_offs(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office, contract_fields={"billing_cutoff_day": 20})
    aid = placed["assignment"]["id"]
    # Monday 4/20 (the billing cut-off) and Tuesday 4/21: 12-hour days, one until 23:00.
    await approved(client, office, aid, "2026-04-20", start="08:00", end="20:00")
    await approved(client, office, aid, "2026-04-21", start="11:00", end="23:00")
    cards = [
        PremiumCard(dt.datetime(2026, 4, 20, 8), dt.datetime(2026, 4, 20, 20), 60),
        PremiumCard(dt.datetime(2026, 4, 21, 11), dt.datetime(2026, 4, 21, 23), 60),
    ]

    def expected(first: dt.date, last: dt.date, chosen: list[PremiumCard]) -> dict[str, int]:
        settings = WorkSettings(month_start_day=first.day)
        return calculate_premiums(chosen, settings, period=(first, last)).minutes.summary()

    payroll = (
        await client.get(
            "/api/attendance/ledger",
            headers=office,
            params={"kind": "payroll", "subject_id": placed["employee"]["id"]},
        )
    ).json()["data"]
    assert [(r["period_start"], r["period_end"]) for r in payroll] == [("2026-04-01", "2026-04-30")]
    assert payroll[0]["pay_date"] == "2026-05-25"  # 末日締め翌月25日払い
    want = expected(dt.date(2026, 4, 1), dt.date(2026, 4, 30), cards)
    assert {k: payroll[0][k] for k in want} == want
    assert want["overtime"] == 360 and want["night"] == 60  # not the code's own output
    assert payroll[0]["worked_days"] == 2 and payroll[0]["worked_minutes"] == 1320

    billing = (
        await client.get(
            "/api/attendance/ledger",
            headers=office,
            params={"kind": "billing", "subject_id": placed["contract"]["id"]},
        )
    ).json()["data"]
    assert [(r["period_start"], r["period_end"], r["worked_minutes"]) for r in billing] == [
        ("2026-04-21", "2026-05-20", 660),
        ("2026-03-21", "2026-04-20", 660),
    ]
    assert billing[0]["night"] == 60 and billing[1]["night"] == 0
    assert billing[0]["pay_date"] is None


async def test_closed_period_refuses_edits_and_reopen_is_audited(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    placed = await placement(client, office)
    aid = placed["assignment"]["id"]
    card = await approved(client, office, aid, "2026-04-06")
    draft = (await enter(client, office, aid, "2026-04-07")).json()["data"]
    close = {"kind": "payroll", "day": "2026-04-15"}
    waiting = await client.post("/api/attendance/periods/close", headers=admin, json=close)
    assert waiting.status_code == 409 and _code(waiting) == "ATTENDANCE_PERIOD_HAS_UNAPPROVED"
    assert (
        await client.post("/api/attendance/periods/close", headers=office, json=close)
    ).status_code == 403
    removed = await client.patch(
        f"/api/attendance/timecards/{draft['id']}",
        headers=office,
        json={"version": draft["version"], "work_date": "2026-05-07"},
    )
    assert removed.status_code == 200, removed.text

    closed = await client.post("/api/attendance/periods/close", headers=admin, json=close)
    assert closed.status_code == 200, closed.text
    period = closed.json()["data"]
    assert (period["period_start"], period["period_end"]) == ("2026-04-01", "2026-04-30")
    locked = (await client.get(f"/api/attendance/timecards/{card['id']}", headers=office)).json()
    assert locked["data"]["state"] == "locked"
    edit = await client.patch(
        f"/api/attendance/timecards/{card['id']}",
        headers=office,
        json={"version": locked["data"]["version"], "note": "修正"},
    )
    assert edit.status_code == 409 and _code(edit) == "ATTENDANCE_PERIOD_CLOSED"
    added = await enter(client, office, aid, "2026-04-08")
    assert added.status_code == 409 and _code(added) == "ATTENDANCE_PERIOD_CLOSED"
    moved_in = await client.patch(
        f"/api/attendance/timecards/{draft['id']}",
        headers=office,
        json={"version": removed.json()["data"]["version"], "work_date": "2026-04-09"},
    )
    assert moved_in.status_code == 409 and _code(moved_in) == "ATTENDANCE_PERIOD_CLOSED"

    url = f"/api/attendance/periods/{period['id']}/reopen"
    no_reason = await client.post(url, headers=admin, json={"version": period["version"]})
    assert no_reason.status_code == 422
    reopened = await client.post(
        url, headers=admin, json={"version": period["version"], "reason": "打刻漏れ"}
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["data"]["state"] == "open"
    async with session_scope(app.state.database, write=True) as session:
        rows = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "attendance_period", AuditEntry.action == "reopen"
                )
            )
        ).all()
    assert len(rows) == 1 and "打刻漏れ" in repr(rows[0].changes)
    again = (await client.get(f"/api/attendance/timecards/{card['id']}", headers=office)).json()
    assert again["data"]["state"] == "approved"
    edit = await client.patch(
        f"/api/attendance/timecards/{card['id']}",
        headers=office,
        json={"version": again["data"]["version"], "note": "修正"},
    )
    assert edit.status_code == 200, edit.text


async def _history(app: Any, placed: dict[str, Any], days: int) -> None:
    """``days`` approved cards before 2026-04-01 (inserted directly: five years of them
    through the API would take minutes)."""
    a = placed["assignment"]
    async with session_scope(app.state.database, write=True) as session:
        for n in range(1, days + 1):
            day = dt.date(2026, 3, 31) - dt.timedelta(days=n)
            start = dt.datetime.combine(day, dt.time(8), tzinfo=UTC) - dt.timedelta(hours=9)
            session.add(
                Timecard(
                    employee_id=a["employee_id"],
                    assignment_id=a["id"],
                    contract_id=a["contract_id"],
                    site_id=placed["site_id"],
                    work_date=day,
                    start_at=start,
                    end_at=start + dt.timedelta(hours=9),
                    timezone="Asia/Tokyo",
                    break_minutes=60,
                    marker="none",
                    note="",
                    state="approved",
                    source="import",
                    warned=False,
                )
            )


async def test_submit_and_approve_cost_the_same_with_one_month_or_five_years(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    office = await auth_headers("coordinator")
    # The history rows sit before the placement's dates (the 3-year individual limit forbids
    # a 5-year placement): the recompute reads by period, so where they belong is the point.
    short = await placement(client, office)
    long = await placement(client, office)
    await _history(app, short, 30)
    await _history(app, long, 5 * 365)
    costs = []
    for placed in (short, long):
        card = (await enter(client, office, placed["assignment"]["id"], "2026-04-07")).json()
        card = card["data"]
        with assert_num_queries(6) as submitted:
            card = (await act(client, office, card, "submit")).json()["data"]
        # 14: the contract has no cut-off of its own, so its client's closing day is read
        # (billing settings) to group the ledger's billing period as the invoices do.
        with assert_num_queries(14) as approving:
            done = await act(client, office, card, "approve")
        assert done.status_code == 200, done.text
        costs.append((submitted.count, approving.count))
    assert costs[0] == costs[1]


async def test_foreign_worker_hours_warned_and_work_after_permission_refused(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(
        client,
        office,
        contract_fields={**PART_TIME, "break_minutes": 0},
        foreign=(
            "STUDENT",
            {"extra_activity_permission": "BLANKET", "residence_card_expiry": "2026-04-30"},
        ),
    )
    aid = placed["assignment"]["id"]
    assert placed["assignment"]["weekly_hours_limit"] == 28
    # 4 × 7 h = 28 h within Mon 4/6 – Thu 4/9: at the limit, no warning.
    for day in ("2026-04-06", "2026-04-07", "2026-04-08"):
        card = await approved(client, office, aid, day, start="14:00", end="21:00", break_minutes=0)
        assert card["hours_warnings"] == []
    created = await enter(client, office, aid, "2026-04-09", start="14:00", end="21:00",
                          break_minutes=0)  # fmt: skip
    fourth = (await act(client, office, created.json()["data"], "submit")).json()["data"]
    assert fourth["hours_warnings"] == []
    created = await enter(client, office, aid, "2026-04-10", start="17:00", end="18:00",
                          break_minutes=0)  # fmt: skip
    fifth = await act(client, office, created.json()["data"], "submit")
    warnings = fifth.json()["data"]["hours_warnings"]
    assert warnings and warnings[0]["kind"] == "WEEKLY"
    assert warnings[0]["worked_minutes"] == 29 * 60 and warnings[0]["limit_minutes"] == 28 * 60
    queue = await client.get("/api/attendance/timecards", headers=office, params={"warned": "true"})
    assert [row["id"] for row in queue.json()["data"]] == [fifth.json()["data"]["id"]]

    refused = await enter(client, office, aid, "2026-05-01", start="17:00", end="21:00",
                          break_minutes=0)  # fmt: skip
    assert refused.status_code == 422 and _code(refused) == "ATTENDANCE_WORK_NOT_PERMITTED"
    allowed = await enter(client, office, aid, "2026-04-30", start="17:00", end="21:00",
                          break_minutes=0)  # fmt: skip
    assert allowed.status_code == 201, allowed.text


async def test_scope_of_site_managers_and_employees(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    office = await auth_headers("coordinator")
    mine, theirs = await placement(client, office), await placement(client, office)
    a = await enter(client, office, mine["assignment"]["id"], "2026-04-06")
    b = (await enter(client, office, theirs["assignment"]["id"], "2026-04-06")).json()["data"]
    b = (await act(client, office, b, "submit")).json()["data"]
    manager = await _headers(make_user, login, "site_manager", site_ids=[mine["site_id"]])
    listed = (await client.get("/api/attendance/timecards", headers=manager)).json()["data"]
    assert [row["id"] for row in listed] == [a.json()["data"]["id"]]
    assert (
        await client.get(f"/api/attendance/timecards/{b['id']}", headers=manager)
    ).status_code == 404
    assert (await act(client, manager, b, "approve")).status_code == 404

    worker = await _headers(make_user, login, "employee", employee_id=mine["employee"]["id"])
    own = (await client.get("/api/attendance/timecards", headers=worker)).json()["data"]
    assert [row["id"] for row in own] == [a.json()["data"]["id"]]
    other = await enter(client, worker, theirs["assignment"]["id"], "2026-04-07")
    assert other.status_code == 404
    portal = await enter(client, worker, mine["assignment"]["id"], "2026-04-07")
    assert portal.status_code == 201 and portal.json()["data"]["source"] == "portal"
    assert (await act(client, worker, portal.json()["data"], "approve")).status_code == 403
    month = f"/api/attendance/employees/{theirs['employee']['id']}/months/2026-04"
    assert (await client.get(month, headers=worker)).status_code == 404


async def test_month_view_carries_the_36_agreement_status(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    made = await client.post(
        "/api/attendance/agreements",
        headers=office,
        json={"site_id": placed["site_id"], "period_start": "2026-04-01",
              "monthly_limit_minutes": 10 * 60},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    # 3 days of 11 h (8 h + 3 h overtime each): 9 h of overtime ≥ 80 % of 10 h → a warning.
    for day in ("2026-04-06", "2026-04-07", "2026-04-08"):
        await approved(client, office, placed["assignment"]["id"], day, start="08:00",
                       end="20:00")  # fmt: skip
    url = f"/api/attendance/employees/{placed['employee']['id']}/months/2026-04"
    month = (await client.get(url, headers=office)).json()["data"]
    assert month["ledger"]["overtime"] == 540 and len(month["timecards"]) == 3
    findings = month["agreement"]["findings"]
    assert [(f["check"], f["level"], f["minutes"]) for f in findings] == [
        ("monthly_limit", "warning", 540)
    ]


async def test_school_long_vacation_replaces_the_weekly_limit_with_eight_hours_a_day(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(
        client,
        office,
        contract_fields={**PART_TIME, "break_minutes": 0},
        foreign=("STUDENT", {"extra_activity_permission": "BLANKET"}),
    )
    worker = placed["employee"]
    updated = await client.patch(
        f"/api/employees/{worker['id']}",
        headers=office,
        json={
            "version": worker["version"],
            "long_vacations": [{"start": "2026-08-01", "end": "2026-08-31"}],
        },
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["long_vacations"] == [
        {"start": "2026-08-01", "end": "2026-08-31"}
    ]
    aid = placed["assignment"]["id"]
    # Mon 8/3 – Fri 8/7, 7 h a day: 35 h in the week, within 8 h every day of the vacation.
    for day in ("2026-08-03", "2026-08-04", "2026-08-05", "2026-08-06", "2026-08-07"):
        card = await approved(client, office, aid, day, start="14:00", end="21:00",
                              break_minutes=0)  # fmt: skip
        assert card["hours_warnings"] == [], day
    long_day = await approved(client, office, aid, "2026-08-10", start="12:00", end="21:00",
                              break_minutes=0)  # fmt: skip
    assert [(w["kind"], w["worked_minutes"]) for w in long_day["hours_warnings"]] == [
        ("DAILY_LONG_VACATION", 540)
    ]
    # The same 35 h in a term-time week is over the 28 h.
    for day in ("2026-09-07", "2026-09-08", "2026-09-09", "2026-09-10"):
        await approved(client, office, aid, day, start="14:00", end="21:00", break_minutes=0)
    fifth = await approved(client, office, aid, "2026-09-11", start="14:00", end="21:00",
                           break_minutes=0)  # fmt: skip
    assert {w["kind"] for w in fifth["hours_warnings"]} == {"WEEKLY"}
