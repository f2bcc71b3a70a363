"""Contracts and assignments end to end: the flow, rates history, refusals, scope, versions,
archival and exact query counts (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.assignments.factories import (
    assign,
    assignment_body,
    foreign_employee,
    make_contract,
    make_employee,
    make_unit,
    post,
)


async def test_contract_assign_rates_and_end(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    contract = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2027-03-31")
    assert contract["client_id"] == place["client_id"]
    assert contract["site_id"] == place["site_id"]
    assert contract["site_name"].endswith("工場")
    assert contract["default_hourly_bill"] == "1800.00"
    employee = await make_employee(client, headers)

    created = await assign(
        client,
        headers,
        contract["id"],
        employee["id"],
        start_date="2026-04-01",
        end_date="2027-03-31",
        rate={"hourly_pay": "1350.50", "overtime_pay_pct": "25", "note": "初回"},
    )
    # The bill rate defaults to the contract's; money travels as strings.
    assert created["rate"]["hourly_pay"] == "1350.50"
    assert created["rate"]["hourly_bill"] == "1800.00"
    assert created["rate"]["margin"] == "449.50"
    assert created["employee"]["name_romaji"].startswith("Yamada")
    assert created["contract_number"] == contract["contract_number"]
    # No stated site start: the site clock runs from this agency's own first dispatch
    # there (2026-04-01), the individual clock too; 3 years on → 2029-04-01 for both.
    assert created["site_conflict_date"] == "2029-04-01"
    assert created["individual_conflict_date"] == "2029-04-01"
    assert created["conflict_date"] == "2029-04-01"
    assert created["conflict_kind"] == "individual"
    assert created["exemption"] is None

    # The placement of the employee follows the assignment (site managers' scope).
    person = (await client.get(f"/api/employees/{employee['id']}", headers=headers)).json()
    assert person["data"]["current_site_id"] == place["site_id"]

    # A raise from 2026-10-01: inserted, the first rate stays as history.
    raised = await client.post(
        f"/api/assignments/{created['id']}/rates",
        headers=headers,
        json={
            "version": created["version"],
            "effective_from": "2026-10-01",
            "hourly_pay": "1400",
            "hourly_bill": "1900.00",
            "note": "昇給",
        },
    )
    assert raised.status_code == 201, raised.text
    detail = raised.json()["data"]
    assert detail["version"] == created["version"] + 1
    assert [r["effective_from"] for r in detail["rates"]] == ["2026-10-01", "2026-04-01"]
    assert [r["hourly_pay"] for r in detail["rates"]] == ["1400.00", "1350.50"]
    # Today (2026-11-28 when written, any day from 2026-10-01 on) the raise is in force.
    assert detail["rate"]["hourly_pay"] == "1400.00"
    history = await client.get(f"/api/assignments/{created['id']}/rates", headers=headers)
    assert [r["hourly_bill"] for r in history.json()["data"]] == ["1900.00", "1800.00"]
    same_day = await client.post(
        f"/api/assignments/{created['id']}/rates",
        headers=headers,
        json={"version": detail["version"], "effective_from": "2026-10-01", "hourly_pay": "1"},
    )
    assert same_day.status_code == 409
    assert same_day.json()["error"]["code"] == "ASSIGNMENT_RATE_EXISTS"

    # End early: status, last day and reason kept.
    ended = await client.post(
        f"/api/assignments/{created['id']}/end",
        headers=headers,
        json={"version": detail["version"], "end_date": "2026-11-27", "reason": "契約満了前の退職"},
    )
    assert ended.status_code == 200, ended.text
    data = ended.json()["data"]
    assert (data["status"], data["end_date"], data["end_reason"]) == (
        "ended",
        "2026-11-27",
        "契約満了前の退職",
    )
    person = (await client.get(f"/api/employees/{employee['id']}", headers=headers)).json()
    assert person["data"]["current_site_id"] is None
    # Every write is audited.
    audit = await client.get(
        "/api/audit",
        headers=await auth_headers("admin"),
        params={"entity_type": "assignment", "entity_id": str(created["id"])},
    )
    assert audit.status_code == 200, audit.text
    entries = {row["action"]: row["changes"] for row in audit.json()["data"]}
    assert sorted(entries) == ["change_rate", "create", "end"]
    assert entries["change_rate"]["rate_hourly_pay"] == [None, "1400.00"]
    assert entries["end"]["status"] == ["active", "ended"]


async def _refused(
    http: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], status: int, code: str
) -> dict[str, Any]:
    response = await http.post("/api/assignments", headers=headers, json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    return dict(error)


async def test_refusals_leave_nothing_written(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    contract = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2027-03-31")
    employee = await make_employee(client, headers)
    body = assignment_body(contract["id"], employee["id"])

    # Outside the contract period; ending before starting.
    await _refused(
        client, headers, {**body, "end_date": "2027-04-30"}, 422, "ASSIGNMENT_OUTSIDE_CONTRACT"
    )
    await _refused(
        client, headers, {**body, "start_date": "2026-03-31"}, 422, "ASSIGNMENT_OUTSIDE_CONTRACT"
    )
    await _refused(
        client, headers, {**body, "end_date": "2026-03-31"}, 422, "ASSIGNMENT_PERIOD_INVALID"
    )
    # Pay above bill: refused unless confirmed.
    loss = {**body, "rate": {"hourly_pay": "1900", "hourly_bill": "1800"}}
    error = await _refused(client, headers, loss, 422, "ASSIGNMENT_NEGATIVE_MARGIN")
    # The details name the override and the fields; the message names no API field.
    assert error["details"] == {
        "hourly_pay": "1900.00",
        "hourly_bill": "1800.00",
        "override": "allow_negative_margin",
        "reason_required": True,
        "fields": ["hourly_pay", "hourly_bill"],
    }
    assert "allow_" not in error["message"]
    # The override needs its reason.
    error = await _refused(
        client, headers, {**loss, "allow_negative_margin": True}, 422, "OVERRIDE_REASON_REQUIRED"
    )
    assert error["details"] == [{"loc": "override_reason", "code": "OVERRIDE_REASON_REQUIRED"}]
    # A pay premium below the statutory 35 % for legal-holiday work.
    low = {**body, "rate": {"hourly_pay": "1300", "holiday_pay_pct": "30"}}
    await _refused(client, headers, low, 422, "ASSIGNMENT_PREMIUM_BELOW_MINIMUM")
    # Not an employee; an employee who left; a staff member (not dispatched).
    await _refused(
        client, headers, {**body, "employee_id": 999_999}, 422, "ASSIGNMENT_EMPLOYEE_NOT_FOUND"
    )
    staff = await make_employee(client, headers, employment_type="staff")
    await _refused(
        client, headers, {**body, "employee_id": staff["id"]}, 409, "ASSIGNMENT_NOT_DISPATCH_WORKER"
    )
    left = await make_employee(client, headers)
    edit = await client.patch(
        f"/api/employees/{left['id']}",
        headers=headers,
        json={"version": left["version"], "status": "left", "leave_date": "2026-03-31"},
    )
    assert edit.status_code == 200, edit.text
    await _refused(
        client, headers, {**body, "employee_id": left["id"]}, 409, "ASSIGNMENT_EMPLOYEE_NOT_ACTIVE"
    )
    # A draft contract takes nobody.
    draft = await make_contract(client, headers, place["unit_id"], status="draft")
    await _refused(
        client, headers, {**body, "contract_id": draft["id"]}, 409, "CONTRACT_NOT_ACTIVE"
    )
    listed = await client.get("/api/assignments", headers=headers)
    assert listed.json()["data"] == []

    # Confirmed loss is accepted; then an overlapping second assignment is refused.
    reason = "Training week: the client pays the difference in March."
    first = await post(
        client,
        "/api/assignments",
        headers,
        **{**loss, "allow_negative_margin": True, "override_reason": reason},
    )
    assert first["rate"]["margin"] == "-100.00"
    audit = await client.get(
        "/api/audit",
        headers=await auth_headers("admin"),
        params={"entity_type": "assignment", "entity_id": str(first["id"])},
    )
    assert audit.status_code == 200, audit.text
    [row] = [r for r in audit.json()["data"] if r["action"] == "create"]
    assert row["changes"]["override_reason"] == [None, reason]
    other = await make_contract(client, headers, place["unit_id"])
    overlap = assignment_body(
        other["id"], employee["id"], start_date="2026-09-30", end_date="2026-12-31"
    )
    error = await _refused(client, headers, overlap, 409, "ASSIGNMENT_OVERLAP")
    assert error["details"] == {"assignment_id": first["id"]}
    # The day after is free.
    await assign(
        client, headers, other["id"], employee["id"], start_date="2026-10-01", end_date="2026-12-31"
    )


# --- foreign workers: JP_DISPATCH.md §2 and its verification cases 13–17 -------------------


@pytest.mark.parametrize(
    ("status", "employee_fields", "assignment_fields", "code"),
    [
        # Case 16: 技能実習2号 offered for dispatch → not allowed.
        (
            "TECHNICAL_INTERN_TRAINING",
            {},
            {},
            "ASSIGNMENT_RESIDENCE_TECHNICAL_INTERN_NOT_DISPATCHABLE",
        ),
        # Case 15: 特定技能1号 (外食) by dispatch → not allowed.
        (
            "SPECIFIED_SKILLED_WORKER_1",
            {},
            {"specified_skilled_field": "FOOD_SERVICE"},
            "ASSIGNMENT_RESIDENCE_SPECIFIED_SKILLED_FIELD_NOT_DISPATCHABLE",
        ),
        (
            "SPECIFIED_SKILLED_WORKER_1",
            {},
            {},
            "ASSIGNMENT_RESIDENCE_SPECIFIED_SKILLED_FIELD_REQUIRED",
        ),
        (
            "SPECIFIED_SKILLED_WORKER_1",
            {},
            {"specified_skilled_field": "AGRICULTURE"},
            "ASSIGNMENT_RESIDENCE_SPECIFIED_SKILLED_AGENCY_NOT_QUALIFIED",
        ),
        # Case 17: 技人国 holder on a factory line → work does not match the status.
        ("ENGINEER_HUMANITIES_INTERNATIONAL", {}, {}, "ASSIGNMENT_RESIDENCE_WORK_OUTSIDE_STATUS"),
        # Case 14: 留学 with an empty 資格外活動許可欄 → no work at all.
        (
            "STUDENT",
            {"extra_activity_permission": "NONE"},
            {},
            "ASSIGNMENT_RESIDENCE_EXTRA_ACTIVITY_PERMISSION_REQUIRED",
        ),
        (
            "DEPENDENT",
            {"extra_activity_permission": "NONE"},
            {},
            "ASSIGNMENT_RESIDENCE_EXTRA_ACTIVITY_PERMISSION_REQUIRED",
        ),
        # A student who has left school loses the permission (§2.2).
        (
            "STUDENT",
            {"extra_activity_permission": "BLANKET"},
            {"student_enrolled": False},
            "ASSIGNMENT_RESIDENCE_STUDENT_NOT_ENROLLED",
        ),
        ("DESIGNATED_ACTIVITIES", {}, {}, "ASSIGNMENT_RESIDENCE_DESIGNATED_ACTIVITY_NOT_PERMITTED"),
    ],
)
async def test_residence_status_refusals(
    client: httpx.AsyncClient,
    auth_headers: Any,
    status: str,
    employee_fields: dict[str, Any],
    assignment_fields: dict[str, Any],
    code: str,
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    contract = await make_contract(client, headers, place["unit_id"])
    worker = await foreign_employee(client, headers, status, **employee_fields)
    body = assignment_body(contract["id"], worker["id"], **assignment_fields)
    expected = 422 if code.endswith("FIELD_REQUIRED") else 409  # missing input vs refusal
    error = await _refused(client, headers, body, expected, code)
    assert error["details"]["residence_status"] == status


@pytest.mark.parametrize(
    ("status", "employee_fields", "assignment_fields", "weekly", "daily"),
    [
        # Case 17: 永住者 / 定住者 / 日本人の配偶者等 on a factory line → allowed, no limit.
        ("PERMANENT_RESIDENT", {}, {}, None, None),
        ("LONG_TERM_RESIDENT", {}, {}, None, None),
        ("SPOUSE_OF_JAPANESE_NATIONAL", {}, {}, None, None),
        # Case 15: 特定技能1号 (農業) dispatched by a qualifying agency → allowed.
        (
            "SPECIFIED_SKILLED_WORKER_1",
            {},
            {"specified_skilled_field": "AGRICULTURE", "agency_qualified_for_field": True},
            None,
            None,
        ),
        # 技人国 when the coordinator judged that the work matches the status.
        ("ENGINEER_HUMANITIES_INTERNATIONAL", {}, {"work_matches_status": True}, None, None),
        # Case 14: blanket permission → employable within 28 h a week (8 h a day in the
        # school's long vacations, 留学 only; case 13: 家族滞在 has no vacation rule).
        ("STUDENT", {"extra_activity_permission": "BLANKET"}, {}, 28, 8),
        ("DEPENDENT", {"extra_activity_permission": "BLANKET"}, {}, 28, None),
    ],
)
async def test_residence_statuses_allowed_record_their_limits(
    client: httpx.AsyncClient,
    auth_headers: Any,
    status: str,
    employee_fields: dict[str, Any],
    assignment_fields: dict[str, Any],
    weekly: int | None,
    daily: int | None,
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    # Under a 資格外活動許可 the contract must schedule at most 28 hours a week (here 15).
    part_time = {"working_days": "月・水・金", "start_time": "17:00", "end_time": "22:00"}
    hours = part_time | {"break_minutes": 0} if weekly else {}
    contract = await make_contract(client, headers, place["unit_id"], **hours)
    worker = await foreign_employee(client, headers, status, **employee_fields)
    created = await assign(client, headers, contract["id"], worker["id"], **assignment_fields)
    assert created["weekly_hours_limit"] == weekly
    assert created["vacation_daily_hours_limit"] == daily
    assert created["weekly_hours_check"] == ("WITHIN" if weekly else None)


async def test_stay_expired_before_start_is_refused(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)
    contract = await make_contract(client, headers, place["unit_id"])
    worker = await foreign_employee(
        client, headers, "LONG_TERM_RESIDENT", residence_card_expiry="2026-03-31"
    )
    body = assignment_body(contract["id"], worker["id"])
    error = await _refused(client, headers, body, 409, "ASSIGNMENT_STAY_EXPIRED")
    assert "2026年3月31日" in error["message"]  # the date as the pages print it, in ja
