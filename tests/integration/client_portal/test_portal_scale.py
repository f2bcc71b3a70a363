"""Issue 20 item 7: the client portal's timecard page of a 500-worker site stays within its
statement budget (≤ 3: the caller, the cards, the names; the caller cached once warm), the
same count as for one worker: nothing is read per worker or per card."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import insert, select

from haken.modules.assignments.models import Assignment
from haken.modules.attendance.models import Timecard
from haken.modules.employees.models import Employee
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.attendance.factories import placement
from tests.integration.client_portal.factories import PASSWORD, invite_supervisor
from tests.integration.client_portal.test_portal import WEEK, _submitted

WORKERS = 500


async def _clone_workers(app: Any, assignment_id: int, count: int) -> None:
    """``count`` - 1 more workers at the same site, each with their own assignment and the
    same submitted cards, copied in bulk from the one placed through the API."""
    employees, assignments, timecards = (
        Employee.__table__,
        Assignment.__table__,
        Timecard.__table__,
    )
    async with session_scope(app.state.database, write=True) as session:
        placed = (
            (await session.execute(select(assignments).where(assignments.c.id == assignment_id)))
            .mappings()
            .one()
        )
        person = (
            (
                await session.execute(
                    select(employees).where(employees.c.id == placed["employee_id"])
                )
            )
            .mappings()
            .one()
        )
        cards = (
            (
                await session.execute(
                    select(timecards).where(timecards.c.assignment_id == assignment_id)
                )
            )
            .mappings()
            .all()
        )
        assert len(cards) == len(WEEK)
        people = [
            {
                **{k: v for k, v in person.items() if k != "id"},
                "candidate_id": None,
                "employee_number": f"S{n:05d}",
                "name_kanji": f"派遣{n:03d}",
                "name_romaji": f"Haken {n:03d}",
                "romaji_key": f"haken {n:03d}",
            }
            for n in range(1, count)
        ]
        new_ids = list(
            (await session.execute(insert(employees).returning(employees.c.id), people)).scalars()
        )
        rows = [
            {**{k: v for k, v in placed.items() if k != "id"}, "employee_id": employee_id}
            for employee_id in new_ids
        ]
        new_assignments = list(
            (
                await session.execute(
                    insert(assignments).returning(assignments.c.id, assignments.c.employee_id),
                    rows,
                )
            ).all()
        )
        await session.execute(
            insert(timecards),
            [
                {
                    **{k: v for k, v in card.items() if k != "id"},
                    "assignment_id": a_id,
                    "employee_id": e_id,
                }
                for a_id, e_id in new_assignments
                for card in cards
            ],
        )


async def test_timecard_page_of_a_500_worker_site_in_the_same_statements(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, page_login: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    await _submitted(client, office, placed["assignment"]["id"])
    await _clone_workers(app, placed["assignment"]["id"], WORKERS)
    await invite_supervisor(
        client, app, office, client_id=placed["client_id"], site_ids=[placed["site_id"]]
    )
    await page_login("genba@client.example", PASSWORD)
    await client.get("/client/timecards?day=2026-04-06")  # warm the session's principal
    with assert_num_queries(2):
        page = await client.get("/client/timecards?day=2026-04-06")
    assert page.status_code == 200
    assert page.text.count('id="timecard-') == WORKERS * len(WEEK)
    assert "派遣001" in page.text and f"派遣{WORKERS - 1:03d}" in page.text
