"""Days of statutory leave (労災, 産前産後, 育児, 介護) and closure for the employer's reasons
(労基法26条) on the timecards (issues 15–17): entered like the other leave markers (no
times), approved like any card, counted by kind in the payroll ledger (never as 欠勤 nor
days worked), not billable, and offered by the cell's select in both languages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.attendance.factories import act, approved, enter, placement
from tests.integration.web.conftest import PageLogin


async def test_leave_markers_carry_no_times_and_the_ledger_counts_them_by_kind(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    office = await auth_headers("coordinator")
    placed = await placement(client, office)
    aid = placed["assignment"]["id"]
    with_times = await enter(client, office, aid, "2026-04-06", marker="childcare")
    assert with_times.status_code == 422
    assert with_times.json()["error"]["code"] == "ATTENDANCE_TIMES_REQUIRED"
    # Monday 4/6 worked; 4/7–4/8 育児休業; 4/9 労災; 4/10 産前産後; 4/13 介護; 4/14–4/15 closed;
    # 4/16 欠勤 (the existing marker, for contrast).
    await approved(client, office, aid, "2026-04-06")
    days = {
        "2026-04-07": "childcare",
        "2026-04-08": "childcare",
        "2026-04-09": "work_injury",
        "2026-04-10": "maternity",
        "2026-04-13": "family_care",
        "2026-04-14": "employer_closure",
        "2026-04-15": "employer_closure",
        "2026-04-16": "absence",
    }
    for day, marker in days.items():
        card = await approved(client, office, aid, day, start=None, marker=marker)
        assert card["marker"] == marker and card["start"] is None
        assert card["worked_minutes"] == 0 and card["state"] == "approved"
    # A draft is not counted yet.
    draft = await enter(client, office, aid, "2026-04-17", start=None, marker="childcare")
    assert draft.status_code == 201, draft.text
    ledger = await client.get(
        "/api/attendance/ledger",
        headers=office,
        params={"kind": "payroll", "subject_id": placed["employee"]["id"]},
    )
    (row,) = ledger.json()["data"]
    counts = {
        name: row[name]
        for name in (
            "worked_days",
            "absence_days",
            "childcare_days",
            "work_injury_days",
            "maternity_days",
            "family_care_days",
            "closure_days",
            "worked_minutes",
        )
    }
    assert counts == {
        "worked_days": 1,
        "absence_days": 1,
        "childcare_days": 2,
        "work_injury_days": 1,
        "maternity_days": 1,
        "family_care_days": 1,
        "closure_days": 2,
        "worked_minutes": 480,
    }
    # Billing counts the worked day only (its minutes come from cards with times).
    billing = await client.get(
        "/api/attendance/ledger",
        headers=office,
        params={"kind": "billing", "subject_id": placed["contract"]["id"]},
    )
    assert [r["worked_minutes"] for r in billing.json()["data"]] == [480]
    # A leave day turned back into work takes its times, like 有給休暇.
    card = draft.json()["data"]
    worked = await client.patch(
        f"/api/attendance/timecards/{card['id']}",
        headers=office,
        json={
            "version": card["version"],
            "marker": "none",
            "start": "08:00",
            "end": "17:00",
            "break_minutes": 60,
        },
    )
    assert worked.status_code == 200, worked.text
    assert worked.json()["data"]["worked_minutes"] == 480
    assert (await act(client, office, worked.json()["data"], "submit")).status_code == 200


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            "ja",
            ("育児休業", "産前産後休業", "介護休業", "労災による休業", "休業（使用者の責による）"),
        ),
        (
            "en",
            (
                "Childcare leave",
                "Maternity leave",
                "Family-care leave",
                "Work-injury leave",
                "Closure for the employer&#39;s reasons",
            ),
        ),
    ],
)
async def test_the_cell_offers_the_new_markers_and_shows_them(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
) -> None:
    headers = await auth_headers("admin")
    placed = await placement(client, headers)
    await approved(
        client, headers, placed["assignment"]["id"], "2026-04-07", start=None, marker="childcare"
    )
    user = await make_user("coordinator", locale=locale)
    await page_login(user["email"])
    path = f"/attendance/sites/{placed['site_id']}/cells/{placed['assignment']['id']}/2026-04-06"
    form = await client.get(path)
    assert form.status_code == 200, form.text
    for word in words:
        assert word in form.text
    assert 'value="employer_closure"' in form.text
    grid = await client.get(f"/attendance/sites/{placed['site_id']}?month=2026-04")
    assert words[0] in grid.text
