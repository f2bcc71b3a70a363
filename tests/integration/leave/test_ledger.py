"""The leave module: the daily grants, the ledger, designations, the at-risk list, export
and scope (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from haken.modules.attendance.models import Timecard
from haken.modules.leave.schemas import TakingKind
from haken.modules.leave.service import leave_service
from haken.modules.leave.tasks import grant_due
from haken.platform.access import Principal, Role
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope
from haken.platform.jobs import JobContext
from tests.integration.assignments.factories import assign, make_contract, make_employee, make_unit
from tests.integration.leave.factories import granted_employee, today

D = dt.date


def _admin(user: dict[str, Any]) -> Principal:
    return Principal(user_id=user["id"], role=Role.ADMIN, email=user["email"])


async def _run(app: Any, employee_id: int, on: dt.date) -> Any:
    async with session_scope(app.state.database, write=True) as session:
        return await leave_service.grant_due(session, today=on, employee_ids=[employee_id])


async def _ledger(app: Any, who: Principal, employee_id: int, on: dt.date) -> Any:
    async with session_scope(app.state.database, write=True) as session:
        return await leave_service.ledger(session, who, employee_id=employee_id, on=on)


async def test_the_job_grants_once_and_a_missed_day_catches_up(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any
) -> None:
    headers = await auth_headers("admin")
    worker = await make_employee(client, headers, hire_date="2024-01-15", term_type="indefinite")
    first = await _run(app, worker["id"], D(2024, 7, 15))
    assert first.granted == 1 and first.dates == [D(2024, 7, 15)]
    again = await _run(app, worker["id"], D(2024, 7, 15))
    assert again.granted == 0
    # The job did not run for two years: the next run grants both missed dates.
    later = await _run(app, worker["id"], D(2026, 8, 1))
    assert later.dates == [D(2025, 7, 15), D(2026, 7, 15)]
    admin = _admin(await make_user("admin"))
    ledger = await _ledger(app, admin, worker["id"], D(2026, 8, 1))
    # Full time (no contract: the default), 0.5 / 1.5 / 2.5 years: 10, 11, 12 days.
    assert [(g.grant_date, g.days, g.expires_on) for g in ledger.grants] == [
        (D(2024, 7, 15), Decimal("10.0"), D(2026, 7, 14)),
        (D(2025, 7, 15), Decimal("11.0"), D(2027, 7, 14)),
        (D(2026, 7, 15), Decimal("12.0"), D(2028, 7, 14)),
    ]
    assert {g.schedule_source for g in ledger.grants} == {"default"}
    assert {g.attendance_basis for g in ledger.grants} == {"assumed"}
    assert all(g.attendance_rate is None for g in ledger.grants)
    # The first grant expired on 2026-07-14 unused: 10 days lapsed, 23 left.
    assert ledger.grants[0].lapsed == Decimal(10) and ledger.remaining == Decimal(23)


async def test_the_scheduled_job_grants_up_to_today(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    worker = await make_employee(client, headers, hire_date="2024-01-15", term_type="indefinite")
    async with session_scope(app.state.database, write=True) as session:
        result = await grant_due(JobContext(session, app.state.settings, "k", 1, "r"))
    assert result["granted"] >= 1
    again = await _run(app, worker["id"], today())
    assert again.granted == 0


async def test_leave_is_taken_oldest_grant_first_and_unused_days_lapse(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any
) -> None:
    headers = await auth_headers("admin")
    worker = await make_employee(client, headers, hire_date="2024-01-15", term_type="indefinite")
    await _run(app, worker["id"], D(2025, 7, 20))
    admin = _admin(await make_user("admin"))
    async with session_scope(app.state.database, write=True) as session:
        done = await leave_service.consume(
            session,
            admin,
            employee_id=worker["id"],
            dates=[D(2025, 8, 4), D(2025, 8, 5), D(2025, 8, 6)],
            request_id=77,
            today=D(2025, 8, 1),
        )
    assert done.remaining == Decimal(18)  # 10 + 11 − 3
    ledger = await _ledger(app, admin, worker["id"], D(2025, 8, 10))
    assert [(g.used, g.remaining) for g in ledger.grants] == [
        (Decimal(3), Decimal(7)),
        (Decimal(0), Decimal(11)),
    ]
    assert {t.grant_id for t in ledger.takings} == {ledger.grants[0].id}
    # After the first grant's last day its 7 unused days are gone.
    expired = await _ledger(app, admin, worker["id"], D(2026, 7, 15))
    assert expired.grants[0].lapsed == Decimal(7) and expired.remaining == Decimal(11)
    # Beyond the balance: refused, nothing written.
    async with session_scope(app.state.database, write=True) as session:
        with pytest.raises(Exception) as refused:
            await leave_service.consume(
                session,
                admin,
                employee_id=worker["id"],
                dates=[D(2026, 7, 20) + dt.timedelta(days=i) for i in range(12)],
                today=D(2026, 7, 16),
            )
    assert getattr(refused.value, "code", None) == "LEAVE_INSUFFICIENT"
    # Restoring the request gives the days back to the grant they came from.
    async with session_scope(app.state.database, write=True) as session:
        back = await leave_service.restore(
            session, admin, employee_id=worker["id"], request_id=77, today=D(2025, 8, 1)
        )
    assert back.remaining == Decimal(21)
    after = await _ledger(app, admin, worker["id"], D(2025, 8, 10))
    assert after.grants[0].used == Decimal(0) and all(t.cancelled for t in after.takings)


async def test_a_short_gap_between_placements_keeps_the_service_continuous(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any
) -> None:
    headers = await auth_headers("admin")
    place = await make_unit(client, headers)
    contract = await make_contract(
        client, headers, place["unit_id"], start="2025-01-06", end="2026-12-31"
    )
    short = await make_employee(client, headers, hire_date="2025-01-06")
    long = await make_employee(client, headers, hire_date="2025-01-06")
    for worker, second_start in ((short, "2025-04-20"), (long, "2025-06-01")):
        await assign(
            client,
            headers,
            contract["id"],
            worker["id"],
            start_date="2025-01-06",
            end_date="2025-03-31",
        )
        await assign(
            client,
            headers,
            contract["id"],
            worker["id"],
            start_date=second_start,
            end_date="2026-12-31",
        )
    admin = _admin(await make_user("admin"))
    await _run(app, short["id"], D(2026, 1, 10))
    await _run(app, long["id"], D(2026, 1, 10))
    kept = await _ledger(app, admin, short["id"], D(2026, 1, 10))
    # 19 days between the placements (≤ 30): the service runs from the hire date.
    assert [(g.grant_date, g.service_start) for g in kept.grants] == [
        (D(2025, 7, 6), D(2025, 1, 6))
    ]
    restarted = await _ledger(app, admin, long["id"], D(2026, 1, 10))
    # 61 days: the clock restarts on 2025-06-01, first grant 6 months later.
    assert [(g.grant_date, g.service_start) for g in restarted.grants] == [
        (D(2025, 12, 1), D(2025, 6, 1))
    ]
    # The contract's schedule (月〜金, 8 h) decided the table.
    assert restarted.grants[0].schedule_source == "contract"
    assert restarted.grants[0].weekly_hours == Decimal("40.00")


async def test_designations_count_toward_the_five_days_and_clear_the_risk(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    # Hired 17 months ago: the first grant (10 days) was 11 months ago, its year ends
    # within a month with nothing taken.
    made = await granted_employee(client, headers, months=17)
    employee_id = made["employee"]["id"]
    other = await granted_employee(client, headers, months=7)  # deadline 11 months away
    risky = (await client.get("/api/leave/at-risk", headers=headers)).json()["data"]
    mine = [r for r in risky if r["employee_id"] == employee_id]
    assert len(mine) == 1 and Decimal(mine[0]["to_designate"]) == 5
    assert all(r["employee_id"] != other["employee"]["id"] for r in risky)
    days = [(today() + dt.timedelta(days=i)).isoformat() for i in (3, 4)]
    done = await client.post(
        f"/api/leave/employees/{employee_id}/designations",
        headers=headers,
        json={"kind": TakingKind.DESIGNATION.value, "dates": days, "reason": "時季指定"},
    )
    assert done.status_code == 201, done.text
    planned = await client.post(
        f"/api/leave/employees/{employee_id}/designations",
        headers=headers,
        json={
            "kind": "planned",
            "dates": [(today() + dt.timedelta(days=5)).isoformat()],
            "unit": "half_day",
        },
    )
    assert planned.status_code == 201, planned.text
    ledger = (await client.get(f"/api/leave/employees/{employee_id}", headers=headers)).json()
    duty = ledger["data"]["duties"][0]
    assert (Decimal(duty["counted"]), Decimal(duty["to_designate"])) == (
        Decimal("2.5"),
        Decimal("2.5"),
    )
    kinds = sorted(t["kind"] for t in ledger["data"]["takings"])
    assert kinds == ["designation", "designation", "planned"]
    still = (await client.get("/api/leave/at-risk", headers=headers)).json()["data"]
    assert [Decimal(r["to_designate"]) for r in still if r["employee_id"] == employee_id] == [
        Decimal("2.5")
    ]
    rest = [(today() + dt.timedelta(days=i)).isoformat() for i in (6, 7, 8)]
    done = await client.post(
        f"/api/leave/employees/{employee_id}/designations",
        headers=headers,
        json={"kind": "designation", "dates": rest},
    )
    assert done.status_code == 201, done.text
    cleared = (await client.get("/api/leave/at-risk", headers=headers)).json()["data"]
    assert all(r["employee_id"] != employee_id for r in cleared)
    # The same date twice is refused with a catalog code, nothing written.
    again = await client.post(
        f"/api/leave/employees/{employee_id}/designations",
        headers=headers,
        json={"kind": "designation", "dates": [rest[0]]},
    )
    assert again.status_code == 422 and again.json()["error"]["code"] == "LEAVE_INVALID"


async def test_the_lists_cost_the_same_whatever_the_history(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    for months in (7, 17, 43):
        made = await granted_employee(client, headers, months=months)
        days = [(today() + dt.timedelta(days=i)).isoformat() for i in (2, 3)]
        response = await client.post(
            f"/api/leave/employees/{made['employee']['id']}/designations",
            headers=headers,
            json={"kind": "designation", "dates": days},
        )
        assert response.status_code == 201, response.text
    for path in ("/api/leave/balances", "/api/leave/at-risk"):
        # the caller, the page (one grouped statement), the names
        with cache_bypass(), assert_num_queries(3):
            response = await client.get(path, headers=headers)
        assert response.status_code == 200 and response.json()["data"]
    first = (await client.get("/api/leave/balances?limit=2", headers=headers)).json()
    cursor = first["pagination"]["next_cursor"]
    with cache_bypass(), assert_num_queries(3):
        second = await client.get(f"/api/leave/balances?limit=2&cursor={cursor}", headers=headers)
    ids = [r["employee_id"] for r in first["data"] + second.json()["data"]]
    assert len(ids) == len(set(ids)) >= 3


async def test_an_employee_sees_only_their_own_ledger(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    mine = await granted_employee(client, admin)
    theirs = await granted_employee(client, admin)
    me = await auth_headers("employee", employee_id=mine["employee"]["id"])
    own = await client.get(f"/api/leave/employees/{mine['employee']['id']}", headers=me)
    assert own.status_code == 200 and Decimal(own.json()["data"]["remaining"]) == 10
    assert (await client.get("/api/leave/me", headers=me)).json()["data"]["employee_id"] == mine[
        "employee"
    ]["id"]
    other = await client.get(f"/api/leave/employees/{theirs['employee']['id']}", headers=me)
    assert other.status_code == 404
    assert (await client.get("/api/leave/balances", headers=me)).status_code == 403
    export = await client.get(
        f"/api/leave/employees/{theirs['employee']['id']}/ledger.xlsx", headers=me
    )
    assert export.status_code == 403
    # A site manager of another site does not find the worker either.
    manager = await auth_headers("site_manager", site_ids=[mine["site_id"]])
    seen = await client.get(f"/api/leave/employees/{theirs['employee']['id']}", headers=manager)
    assert seen.status_code == 404
    listed = (await client.get("/api/leave/balances", headers=manager)).json()["data"]
    assert [r["employee_id"] for r in listed] == [mine["employee"]["id"]]


async def test_the_ledger_exports_to_excel(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("admin")
    made = await granted_employee(client, headers, name_kanji="=HYPERLINK(1)")
    employee_id = made["employee"]["id"]
    day = (today() + dt.timedelta(days=3)).isoformat()
    done = await client.post(
        f"/api/leave/employees/{employee_id}/designations",
        headers=headers,
        json={"kind": "designation", "dates": [day]},
    )
    assert done.status_code == 201, done.text
    response = await client.get(f"/api/leave/employees/{employee_id}/ledger.xlsx", headers=headers)
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("社員番号", "氏名", "区分")
    grant, leave = rows[1], rows[2]
    assert grant[2] == "grant" and grant[5] == 10 and grant[9] == 1 and grant[10] == 9
    assert leave[2] == "leave" and leave[6].date().isoformat() == day and leave[7] == 1
    assert str(grant[1]).startswith("'=")  # a formula typed as a name stays text


STATUTORY_MARKERS = ("work_injury", "maternity", "childcare", "family_care", "employer_closure")


async def _worked_and_absent(
    app: Any, client: httpx.AsyncClient, headers: dict[str, str], **days: int
) -> dict[str, Any]:
    """A worker hired and placed on 2026-04-01, with approved cards on the first weekdays
    from then: ``worked`` days of work, then ``absent`` 欠勤, ``special`` 特別休暇 and
    ``leave`` whole days of 有給休暇, the days of statutory leave and closure named by their
    marker (``childcare=10``, ``employer_closure=5`` …), and ``drafts`` 欠勤 still in draft
    after them."""
    place = await make_unit(client, headers)
    contract = await make_contract(client, headers, place["unit_id"], start="2026-04-01")
    worker = await make_employee(client, headers, hire_date="2026-04-01", term_type="indefinite")
    placed = await assign(
        client,
        headers,
        contract["id"],
        worker["id"],
        start_date="2026-04-01",
        end_date="2026-12-31",
    )
    weekdays = (D(2026, 4, 1) + dt.timedelta(days=n) for n in range(183))
    plan = (
        [("none", "approved")] * days.get("worked", 0)
        + [("absence", "approved")] * days.get("absent", 0)
        + [("special_leave", "approved")] * days.get("special", 0)
        + [("paid_leave", "approved")] * days.get("leave", 0)
        + [(marker, "approved") for marker in STATUTORY_MARKERS for _ in range(days.get(marker, 0))]
        + [("absence", "draft")] * days.get("drafts", 0)
    )
    async with session_scope(app.state.database, write=True) as session:
        for day, (marker, state) in zip(
            (d for d in weekdays if d.weekday() < 5), plan, strict=False
        ):
            start = dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC) - dt.timedelta(hours=9)
            worked = marker == "none"
            session.add(
                Timecard(
                    employee_id=worker["id"],
                    assignment_id=placed["id"],
                    contract_id=contract["id"],
                    site_id=place["site_id"],
                    work_date=day,
                    start_at=start if worked else None,
                    end_at=start + dt.timedelta(hours=9) if worked else None,
                    timezone="Asia/Tokyo",
                    break_minutes=60 if worked else 0,
                    marker=marker,
                    note="",
                    state=state,
                    source="import",
                    warned=False,
                )
            )
    return worker


async def test_statutory_leave_counts_as_attended_and_closure_is_no_working_day(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any
) -> None:
    """労基法39条10項: days of 労災 leave, 産前産後休業, 育児休業 and 介護休業 count as attended
    (JP_LABOR.md §2 "Counted as attended"); days closed for the employer's reasons leave both
    counts (JP_LABOR.md §2 "Removed from the denominator"; 平成25年7月10日 基発0710第3号).
    By hand, 122 recorded working days from 2026-04-01 to the grant on 2026-10-01:
    - 90 worked + 10 育児休業 + 22 欠勤 → (90 + 10) / 122 = 81.97 % → met, rate 0.8197;
    - 90 worked + 4 育児 + 2 労災 + 2 産前産後 + 2 介護 + 22 欠勤 → 100 / 122 → 0.8197;
    - the same 10 days as 欠勤 instead → 90 / 122 = 73.8 % → withheld;
    - 95 worked + 5 closure + 22 欠勤 → 95 / (122 − 5) = 95 / 117 = 81.20 % → met, 0.8120
      (counted as absences it would be 95 / 122 = 77.9 %, not met)."""
    headers = await auth_headers("admin")
    childcare = await _worked_and_absent(app, client, headers, worked=90, childcare=10, absent=22)
    mixed = await _worked_and_absent(
        app,
        client,
        headers,
        worked=90,
        childcare=4,
        work_injury=2,
        maternity=2,
        family_care=2,
        absent=22,
    )
    absent = await _worked_and_absent(app, client, headers, worked=90, absent=32)
    closure = await _worked_and_absent(
        app, client, headers, worked=95, employer_closure=5, absent=22
    )
    on = D(2026, 10, 1)
    async with session_scope(app.state.database, write=True) as session:
        run = await leave_service.grant_due(
            session,
            today=on,
            employee_ids=[w["id"] for w in (childcare, mixed, absent, closure)],
        )
    assert [(w.employee_id, w.grant_date) for w in run.withheld] == [(absent["id"], on)]
    assert run.granted == 3
    admin = _admin(await make_user("admin"))
    expected = {
        childcare["id"]: Decimal("0.8197"),
        mixed["id"]: Decimal("0.8197"),
        closure["id"]: Decimal("0.8120"),
    }
    for employee_id, rate in expected.items():
        ledger = await _ledger(app, admin, employee_id, on)
        assert [(g.grant_date, g.days) for g in ledger.grants] == [(on, Decimal(10))]
        assert (ledger.grants[0].attendance_basis, ledger.grants[0].attendance_rate) == (
            "recorded",
            rate,
        )


async def test_the_80_percent_rule_reads_the_approved_timecards(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: Any
) -> None:
    """JP_LABOR.md case 16: 95 of 122 working days (77.9 %) in the first six months → no
    grant on 2026-10-01; 98 of 122 (80.3 %) → 10 days, the rate on the ledger. 特別休暇 is in
    neither count (97 worked, 22 absent, 3 special: 97/119 = 81.5 % met, where counting them
    as absences would give 97/122 = 79.5 %). Drafts are not a record yet."""
    headers = await auth_headers("admin")
    short = await _worked_and_absent(app, client, headers, worked=95, absent=27)
    enough = await _worked_and_absent(app, client, headers, worked=97, absent=24, leave=1)
    special = await _worked_and_absent(app, client, headers, worked=97, absent=22, special=3)
    drafts = await _worked_and_absent(app, client, headers, worked=98, absent=24, drafts=20)
    unrecorded = await make_employee(
        client, headers, hire_date="2026-04-01", term_type="indefinite"
    )
    on = D(2026, 10, 1)
    async with session_scope(app.state.database, write=True) as session:
        run = await leave_service.grant_due(
            session,
            today=on,
            employee_ids=[w["id"] for w in (short, enough, special, drafts, unrecorded)],
        )
    assert [(w.employee_id, w.grant_date) for w in run.withheld] == [(short["id"], on)]
    assert run.granted == 4
    admin = _admin(await make_user("admin"))
    expected = {
        enough["id"]: ("recorded", Decimal("0.8033")),  # 97 worked + 1 有給 of 122
        special["id"]: ("recorded", Decimal("0.8151")),  # 97 of 119
        drafts["id"]: ("recorded", Decimal("0.8033")),  # 98 of 122; the 20 drafts unread
        unrecorded["id"]: ("assumed", None),
    }
    for employee_id, (basis, rate) in expected.items():
        ledger = await _ledger(app, admin, employee_id, on)
        assert [(g.grant_date, g.days) for g in ledger.grants] == [(on, Decimal(10))]
        assert (ledger.grants[0].attendance_basis, ledger.grants[0].attendance_rate) == (
            basis,
            rate,
        )
    # Service keeps counting: the worker short of 80 % is granted 11 days a year later
    # (no cards recorded for that year: assumed met). The withheld date is read again on
    # every run, so a corrected timecard (an absence turned into leave) would still grant it.
    async with session_scope(app.state.database, write=True) as session:
        later = await leave_service.grant_due(
            session, today=D(2027, 10, 1), employee_ids=[short["id"]]
        )
    assert later.dates == [D(2027, 10, 1)]
    assert [(w.employee_id, w.grant_date) for w in later.withheld] == [(short["id"], on)]
    ledger = await _ledger(app, admin, short["id"], D(2027, 10, 1))
    assert [(g.grant_date, g.days) for g in ledger.grants] == [(D(2027, 10, 1), Decimal(11))]
    # The ledger page says what each grant rested on.
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    shown = await client.get(f"/employees/{enough['id']}/leave")
    assert shown.status_code == 200, shown.text
    assert "出勤率 80.3 %" in shown.text
    assumed = await client.get(f"/employees/{unrecorded['id']}/leave")
    assert "出勤記録なし（8割出勤を満たすものとして付与）" in assumed.text
