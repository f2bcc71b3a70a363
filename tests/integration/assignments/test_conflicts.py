"""The two 3-year limits through the API, with dates worked by hand from JP_LABOR.md §7.1:
the first day past 3 years, cooling-off only after *more than* 3 months, the site clock
surviving a swap of workers, the exemptions (無期, 60+, leave cover) and the listing of
assignments reaching a 抵触日 within N days."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.assignments.factories import (
    add_unit,
    assign,
    assignment_body,
    make_contract,
    make_employee,
    make_unit,
)
from tests.waiting import poll


async def _conflicts(
    http: httpx.AsyncClient, headers: dict[str, str], as_of: str, days: int
) -> list[tuple[int, str, str, int]]:
    response = await http.get(
        "/api/assignments/conflicts", headers=headers, params={"as_of": as_of, "days": days}
    )
    assert response.status_code == 200, response.text
    return [
        (r["assignment_id"], r["conflict_date"], r["conflict_kind"], r["days_remaining"])
        for r in response.json()["data"]
    ]


async def test_site_date_stated_by_the_client_and_the_exemptions(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    # The client says dispatch to the site began on 2025-10-01 → site 抵触日 2028-10-01.
    place = await make_unit(client, headers, dispatch_started_on="2025-10-01")
    contract = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2029-03-31")
    other_unit = await add_unit(client, headers, place["site_id"])
    contract_b = await make_contract(client, headers, other_unit, "2026-04-01", "2029-03-31")

    young = await make_employee(client, headers, birth_date="1990-05-20")
    w1 = await assign(
        client, headers, contract["id"], young["id"], start_date="2026-04-01", end_date="2028-09-30"
    )
    assert (w1["site_conflict_date"], w1["individual_conflict_date"]) == (
        "2028-10-01",
        "2029-04-01",
    )
    assert (w1["conflict_date"], w1["conflict_kind"]) == ("2028-10-01", "site")

    # 59 at the start, 60 from 2027-06-14 (the day before the birthday), before either
    # date: both are pre-empted.
    older = await make_employee(client, headers, birth_date="1967-06-15")
    w_old = await assign(
        client,
        headers,
        contract_b["id"],
        older["id"],
        start_date="2026-04-01",
        end_date="2028-09-30",
    )
    assert w_old["exemption"] is None
    assert w_old["individual_conflict_date"] == "2029-04-01"
    assert w_old["conflict_date"] is None
    dates = await client.get(f"/api/assignments/{w_old['id']}/conflict-dates", headers=headers)
    body = dates.json()["data"]
    assert body["individual"]["age_exemption_from"] == "2027-06-14"
    assert body["individual"]["binding"] is False
    assert body["site"]["binding"] is False
    assert body["site"]["source"] == "client_site"

    # 無期雇用: exempt from both, even past the site date.
    indefinite = await make_employee(client, headers, term_type="indefinite")
    w_indef = await assign(
        client,
        headers,
        contract_b["id"],
        indefinite["id"],
        start_date="2026-04-01",
        end_date="2029-03-31",
    )
    assert (w_indef["exemption"], w_indef["conflict_date"]) == ("INDEFINITE_CONTRACT", None)

    # A newcomer starting on the site 抵触日 itself is refused ...
    late = await make_employee(client, headers)
    body_late = assignment_body(
        contract["id"], late["id"], start_date="2028-10-01", end_date="2029-03-31"
    )
    refused = await client.post("/api/assignments", headers=headers, json=body_late)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ASSIGNMENT_CONFLICT_DATE_REACHED"
    assert refused.json()["error"]["details"] == {"kind": "site", "conflict_date": "2028-10-01"}
    # ... unless the work itself is exempt (cover for a client employee on childcare leave).
    cover = await client.post(
        "/api/assignments",
        headers=headers,
        json={**body_late, "work_exemption": "LEAVE_COVER", "exemption_note": "山本 育休代替"},
    )
    assert cover.status_code == 201, cover.text
    assert cover.json()["data"]["exemption"] == "LEAVE_COVER"

    # Within 30 days of 2028-09-01 (2028-10-01 is 30 days on): only the binding one.
    assert await _conflicts(client, headers, "2028-09-01", 30) == [
        (w1["id"], "2028-10-01", "site", 30)
    ]
    assert await _conflicts(client, headers, "2028-09-01", 29) == []
    # Once it has ended (2028-09-30) it no longer reaches anything.
    assert await _conflicts(client, headers, "2028-10-01", 365) == []


async def test_individual_clock_cooling_off_and_site_clock_from_history(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers)  # no stated start: the agency's own history
    first = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2026-12-31")
    renewal = await make_contract(client, headers, place["unit_id"], "2027-01-01", "2030-12-31")
    w2 = await make_employee(client, headers)
    w3 = await make_employee(client, headers)
    for worker in (w2, w3):
        await assign(
            client,
            headers,
            first["id"],
            worker["id"],
            start_date="2026-04-01",
            end_date="2026-12-31",
        )

    # W3 comes back on 2027-04-02: the gap 2027-01-01 … 2027-04-01 is more than 3 months
    # (first_reset_start(2026-12-31) = 2027-04-02), so both of W3's clocks restart:
    # 2027-04-02 + 3 years → 2030-04-02.
    back = await assign(
        client, headers, renewal["id"], w3["id"], start_date="2027-04-02", end_date="2030-03-31"
    )
    assert back["individual_conflict_date"] == "2030-04-02"
    assert back["site_conflict_date"] == "2030-04-02"

    # W2 comes back on 2027-04-01: a gap of exactly 3 months does not reset; the clock of
    # 2026-04-01 runs on → 2029-04-01, which can never be extended: an end on that day is
    # refused with the last allowed day.
    refused = await client.post(
        "/api/assignments",
        headers=headers,
        json=assignment_body(
            renewal["id"], w2["id"], start_date="2027-04-01", end_date="2029-04-01"
        ),
    )
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "ASSIGNMENT_BEYOND_INDIVIDUAL_LIMIT"
    assert "2029年3月31日" in error["message"]
    assert error["details"]["conflict_date"] == "2029-04-01"  # details stay ISO 8601
    w2_back = await assign(
        client, headers, renewal["id"], w2["id"], start_date="2027-04-01", end_date="2029-03-31"
    )
    assert (w2_back["conflict_date"], w2_back["conflict_kind"]) == ("2029-04-01", "individual")

    # W2's return bridged the site's gap: the site clock of 2026-04-01 runs on for everyone,
    # swapping workers never resets it. W3's stored dates were recomputed (its version not
    # touched: a recomputation is not an edit).
    again = (await client.get(f"/api/assignments/{back['id']}", headers=headers)).json()["data"]
    assert (again["site_conflict_date"], again["individual_conflict_date"]) == (
        "2029-04-01",
        "2030-04-02",
    )
    assert (again["conflict_date"], again["conflict_kind"]) == ("2029-04-01", "site")
    assert again["version"] == back["version"]
    clocks = await client.get(f"/api/assignments/{back['id']}/conflict-dates", headers=headers)
    data = clocks.json()["data"]
    assert data["site"]["source"] == "assignment_history"
    assert data["site"]["clock_start"] == "2026-04-01"
    assert data["site"]["hearing_deadline"] == "2029-03-01"  # 意見聴取 ≥ 1 month before
    assert data["individual"]["clock_start"] == "2027-04-02"

    # 2029-04-01 is 30 days after 2029-03-02: both listed, ordered by date then id
    # (W3's return was made first).
    assert await _conflicts(client, headers, "2029-03-02", 30) == [
        (back["id"], "2029-04-01", "site", 30),
        (w2_back["id"], "2029-04-01", "individual", 30),
    ]
    # Cancelling W2's return (archival) takes it out of the site clock again.
    cancelled = await client.delete(
        f"/api/assignments/{w2_back['id']}",
        headers=headers,
        params={"version": w2_back["version"]},
    )
    assert cancelled.json()["data"] == {"id": w2_back["id"], "outcome": "cancelled"}
    again = (await client.get(f"/api/assignments/{back['id']}", headers=headers)).json()["data"]
    assert again["conflict_date"] == "2030-04-02"
    assert await _conflicts(client, headers, "2029-03-02", 30) == []


async def test_a_site_extension_reaches_running_assignments_right_after_the_commit(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Art. 40-2 ¶4: the hearing extends the site limit by up to 3 years; the running
    assignment's stored 抵触日 follows at once (the job the extension enqueues), not at
    the nightly refresh."""
    headers = await auth_headers("coordinator")
    place = await make_unit(client, headers, dispatch_started_on="2025-10-01")
    contract = await make_contract(client, headers, place["unit_id"], "2026-04-01", "2029-03-31")
    worker = await make_employee(client, headers)
    running = await assign(
        client,
        headers,
        contract["id"],
        worker["id"],
        start_date="2026-04-01",
        end_date="2028-09-30",
    )
    assert (running["site_conflict_date"], running["conflict_kind"]) == ("2028-10-01", "site")

    site = (await client.get(f"/api/sites/{place['site_id']}", headers=headers)).json()["data"]
    extended = await client.post(
        f"/api/sites/{place['site_id']}/extensions",
        headers=headers,
        json={
            "version": site["version"],
            "hearing_date": "2028-08-15",
            "heard_party": "過半数代表者",
        },
    )
    assert extended.status_code == 201, extended.text
    assert extended.json()["data"]["conflict_date"] == "2031-10-01"

    now = (
        await poll(
            lambda: client.get(f"/api/assignments/{running['id']}", headers=headers),
            lambda got: got.json()["data"]["site_conflict_date"] == "2031-10-01",
            "the running placement to take the extended site date",
        )
    ).json()
    # The site date is no longer the nearer one: the person's own clock binds now.
    assert (now["data"]["conflict_date"], now["data"]["conflict_kind"]) == (
        "2029-04-01",
        "individual",
    )
