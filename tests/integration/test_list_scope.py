"""Every list a site manager or an employee can read, against rows they must not see.

One world with two sites and two placed workers: the caller is the manager of site A (or
Alice, the worker placed there); everything of site B (client, site, unit, contract, contact,
Bob's assignment, his stay, his residence card, his sessions) must be absent from every list
and 404 on a detail read, while the caller's own rows are present (so an empty list cannot
pass). The walk at the end fails for a list route (API or page) that a site manager or an
employee may read and that no case here covers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from haken.platform.access import Role
from tests.integration.assignments.factories import assign, make_contract, post
from tests.integration.client_portal.test_scope import CLIENT_LISTS
from tests.integration.test_policies import ROUTES, expected_policy, minimum_role

_serial = itertools.count(1)


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()


@dataclass
class Side:
    """One site's rows; ``marks`` are strings only this side's rows show."""

    client_id: int
    site_id: int
    unit_id: int
    contact_id: int
    contract_id: int
    employee_id: int
    assignment_id: int
    occupancy_id: int
    marks: tuple[str, ...]
    prior_period_id: int = 0


async def _side(http: httpx.AsyncClient, office: dict[str, str], tag: str, room: int) -> Side:
    n = next(_serial)
    owner = await post(http, "/api/clients", office, name=f"{tag}商事{n}", prefecture="23")
    contact = await post(
        http, f"/api/clients/{owner['id']}/contacts", office, name=f"{tag} 担当{n}"
    )
    site = await post(
        http,
        "/api/sites",
        office,
        client_id=owner["id"],
        name=f"{tag}工場{n}",
        prefecture="23",
        address_line1="1",
    )
    unit = await post(http, "/api/units", office, site_id=site["id"], name=f"{tag}製造課{n}")
    contract = await make_contract(
        http, office, unit["id"], "2026-04-01", "2030-03-31", contract_number=f"{tag}-K{n}"
    )
    expiry = (_today() + dt.timedelta(days=60)).isoformat()
    worker = await post(
        http,
        "/api/employees",
        office,
        name_kanji=f"{tag} 太郎",
        name_kana="テスト タロウ",
        name_romaji=f"{tag.capitalize()} Taro",
        birth_date="1990-05-20",
        employment_type="dispatch",
        hire_date="2026-01-01",
        nationality="VN",
        residence_status="LONG_TERM_RESIDENT",
        residence_card_number=f"AB{n:08d}CD",
        residence_card_expiry=expiry,
    )
    # Running today, with its 抵触日 (2029-04-01) within the longest window of the conflicts list.
    placed = await assign(
        http, office, contract["id"], worker["id"], start_date="2026-04-01", end_date="2029-03-31"
    )
    # Through another agency, long before (cooled off): the 抵触日 above does not move.
    prior = await post(
        http,
        "/api/assignments/prior-periods",
        office,
        employee_id=worker["id"],
        unit_id=unit["id"],
        start_date="2020-04-01",
        end_date="2020-09-30",
        source_note=f"{tag}派遣元",
    )
    stay = await post(
        http,
        "/api/housing/occupancies",
        office,
        employee_id=worker["id"],
        room_id=room,
        move_in="2026-04-01",
    )
    return Side(
        client_id=owner["id"],
        site_id=site["id"],
        unit_id=unit["id"],
        contact_id=contact["id"],
        contract_id=contract["id"],
        employee_id=worker["id"],
        assignment_id=placed["id"],
        occupancy_id=stay["id"],
        marks=(owner["name"], site["name"], unit["name"], contract["contract_number"]),
        prior_period_id=prior["id"],
    )


@dataclass
class World:
    http: httpx.AsyncClient
    mine: Side
    theirs: Side
    manager: dict[str, str]
    alice: dict[str, str]
    bob_session_ids: set[int]
    office: dict[str, str] | None = None
    bob: dict[str, str] | None = None


@pytest.fixture
async def world(client: httpx.AsyncClient, make_user: Any, login: Any) -> World:
    admin = await make_user("admin")
    office = {"Authorization": (await login(admin["email"]))["Authorization"]}
    flat = await post(
        client, "/api/housing/apartments", office, name="社宅", prefecture="23", address_line1="1"
    )
    room = await post(
        client,
        "/api/housing/rooms",
        office,
        apartment_id=flat["id"],
        name="101",
        capacity=2,
        rent_per_occupant=30_000,
    )
    mine = await _side(client, office, "mine", room["id"])
    theirs = await _side(client, office, "theirs", room["id"])
    manager_user = await make_user("site_manager", site_ids=[mine.site_id])
    manager = {"Authorization": (await login(manager_user["email"]))["Authorization"]}
    alice_user = await make_user("employee", employee_id=mine.employee_id)
    alice = {"Authorization": (await login(alice_user["email"]))["Authorization"]}
    bob_user = await make_user("employee", employee_id=theirs.employee_id)
    bob = {"Authorization": (await login(bob_user["email"]))["Authorization"]}
    sessions = (await client.get("/api/auth/sessions", headers=bob)).json()["data"]
    return World(client, mine, theirs, manager, alice, {s["id"] for s in sessions}, office, bob)


async def _rows(w: World, headers: dict[str, str], path: str, **params: Any) -> list[Any]:
    response = await w.http.get(path, headers=headers, params=params)
    assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
    return list(response.json()["data"])


async def _ids(w: World, headers: dict[str, str], path: str, key: str = "id", **p: Any) -> set[int]:
    return {row[key] for row in await _rows(w, headers, path, **p)}


async def _html(w: World, headers: dict[str, str], path: str) -> str:
    response = await w.http.get(path, headers=headers, follow_redirects=True)
    assert response.status_code == 200, f"GET {path}: {response.status_code}"
    return response.text


def _shows_only_mine(w: World, text: str, path: str, shown: slice = slice(None)) -> None:
    """``shown``: which of the marks (client, site, unit, contract number) the page lists."""
    for mark in w.mine.marks[shown]:
        assert mark in text, f"{path} does not show the caller's own {mark!r}"
    for mark in w.theirs.marks:
        assert mark not in text, f"{path} shows {mark!r} of a site outside the caller's scope"


async def _not_found(w: World, headers: dict[str, str], *paths: str) -> None:
    for path in paths:
        response = await w.http.get(path, headers=headers)
        assert response.status_code == 404, f"GET {path}: {response.status_code}, expected 404"


# --- one case per list route: (who reads it) → checks -----------------------------------------


async def api_employees(w: World) -> None:
    m, t = w.mine, w.theirs
    assert await _ids(w, w.manager, "/api/employees") == {m.employee_id}
    assert await _ids(w, w.alice, "/api/employees") == {m.employee_id}
    await _not_found(w, w.manager, f"/api/employees/{t.employee_id}")
    await _not_found(w, w.alice, f"/api/employees/{t.employee_id}")


async def api_residence_expiring(w: World) -> None:
    assert await _ids(w, w.manager, "/api/employees/residence-expiring", days=365) == {
        w.mine.employee_id
    }


async def api_headcount(w: World) -> None:
    response = await w.http.get("/api/employees/headcount", headers=w.manager)
    assert response.status_code == 200, response.text
    counted = response.json()["data"]
    assert counted["total"] == 1
    assert {row["site_id"] for row in counted["by_site"]} == {w.mine.site_id}


async def api_dashboard(w: World) -> None:
    """The agency dashboard's figures count the manager's site only (and show no money)."""
    response = await w.http.get("/api/dashboard", headers=w.manager)
    assert response.status_code == 200, response.text
    board = response.json()["data"]
    assert {f["key"]: f["value"] for f in board["figures"]}["headcount"] == 1
    assert {int(b["key"]) for b in board["placed_by_site"]} == {w.mine.site_id}
    assert {int(b["key"]) for b in board["placed_by_client"]} == {w.mine.client_id}
    assert board["margin_by_client"] is None and board["occupancy"] is None


async def api_clients(w: World) -> None:
    assert await _ids(w, w.manager, "/api/clients") == {w.mine.client_id}
    await _not_found(w, w.manager, f"/api/clients/{w.theirs.client_id}")


async def api_contacts(w: World) -> None:
    assert await _ids(w, w.manager, f"/api/clients/{w.mine.client_id}/contacts") == {
        w.mine.contact_id
    }
    await _not_found(w, w.manager, f"/api/clients/{w.theirs.client_id}/contacts")


async def api_sites(w: World) -> None:
    assert await _ids(w, w.manager, "/api/sites") == {w.mine.site_id}
    await _not_found(w, w.manager, f"/api/sites/{w.theirs.site_id}")


async def api_units(w: World) -> None:
    assert await _ids(w, w.manager, "/api/units") == {w.mine.unit_id}
    await _not_found(w, w.manager, f"/api/units/{w.theirs.unit_id}")


async def api_contracts(w: World) -> None:
    assert await _ids(w, w.manager, "/api/contracts") == {w.mine.contract_id}
    await _not_found(w, w.manager, f"/api/contracts/{w.theirs.contract_id}")


async def api_assignments(w: World) -> None:
    assert await _ids(w, w.manager, "/api/assignments") == {w.mine.assignment_id}
    await _not_found(
        w,
        w.manager,
        f"/api/assignments/{w.theirs.assignment_id}",
        f"/api/assignments/{w.theirs.assignment_id}/conflict-dates",
    )


async def api_conflict_dates(w: World) -> None:
    own = await w.http.get(
        f"/api/assignments/{w.mine.assignment_id}/conflict-dates", headers=w.manager
    )
    assert own.status_code == 200, own.text
    await _not_found(w, w.manager, f"/api/assignments/{w.theirs.assignment_id}/conflict-dates")


async def api_my_assignments(w: World) -> None:
    assert await _ids(w, w.alice, "/api/assignments/me") == {w.mine.assignment_id}


async def api_conflicts(w: World) -> None:
    """The 抵触日 list: both assignments reach 2029-04-01 within the window; a site manager
    sees only the one at their own site."""
    window = {"days": 1095, "as_of": _today().isoformat()}
    assert await _ids(w, w.manager, "/api/assignments/conflicts", "assignment_id", **window) == {
        w.mine.assignment_id
    }


async def api_prior_periods(w: World) -> None:
    """Periods through other agencies: a site manager sees those in units of their sites."""
    assert await _ids(w, w.manager, "/api/assignments/prior-periods") == {w.mine.prior_period_id}


async def api_my_housing(w: World) -> None:
    assert await _ids(w, w.alice, "/api/housing/me") == {w.mine.occupancy_id}


async def api_my_sessions(w: World) -> None:
    own = await _ids(w, w.alice, "/api/auth/sessions")
    assert own, "the caller's own session is not listed"
    assert not own & w.bob_session_ids


async def page_clients(w: World) -> None:
    text = await _html(w, w.manager, "/clients")
    assert w.mine.marks[0] in text and w.theirs.marks[0] not in text
    own = await _html(w, w.manager, f"/clients/{w.mine.client_id}")
    _shows_only_mine(w, own, "/clients/{id}", slice(0, 2))
    await _not_found(w, w.manager, f"/clients/{w.theirs.client_id}", f"/sites/{w.theirs.site_id}")


async def page_employees(w: World) -> None:
    text = await _html(w, w.manager, "/employees")
    assert "mine 太郎" in text and "theirs 太郎" not in text
    await _not_found(w, w.manager, f"/employees/{w.theirs.employee_id}")
    await _not_found(w, w.alice, f"/employees/{w.theirs.employee_id}")


async def page_contracts(w: World) -> None:
    text = await _html(w, w.manager, "/contracts")
    assert w.mine.marks[3] in text and w.theirs.marks[3] not in text
    await _not_found(w, w.manager, f"/contracts/{w.theirs.contract_id}")


async def page_assignments(w: World) -> None:
    _shows_only_mine(w, await _html(w, w.manager, "/assignments"), "/assignments", slice(0, 3))


async def page_portal(w: World) -> None:
    for path in ("/me", "/"):
        text = await _html(w, w.alice, path)
        for mark in w.theirs.marks:
            assert mark not in text, f"{path} shows {mark!r} to a worker of another site"
        text = await _html(w, w.manager, path)
        for mark in w.theirs.marks:
            assert mark not in text, f"{path} shows {mark!r} to the manager of another site"


async def api_timecards(w: World) -> None:
    """Alice enters her own day (portal); the office enters Bob's at site B."""
    assert w.office is not None
    body = {"work_date": "2026-04-06", "start": "08:00", "end": "17:00", "break_minutes": 60}
    own = await post(
        w.http, "/api/attendance/timecards", w.alice, assignment_id=w.mine.assignment_id, **body
    )
    theirs = await post(
        w.http, "/api/attendance/timecards", w.office, assignment_id=w.theirs.assignment_id, **body
    )
    assert await _ids(w, w.manager, "/api/attendance/timecards") == {own["id"]}
    assert await _ids(w, w.alice, "/api/attendance/timecards") == {own["id"]}
    await _not_found(w, w.manager, f"/api/attendance/timecards/{theirs['id']}")
    await _not_found(w, w.alice, f"/api/attendance/timecards/{theirs['id']}")


async def api_site_settings(w: World) -> None:
    own = await w.http.get(f"/api/attendance/sites/{w.mine.site_id}/settings", headers=w.manager)
    assert own.status_code == 200, own.text
    await _not_found(w, w.manager, f"/api/attendance/sites/{w.theirs.site_id}/settings")


async def page_attendance(w: World) -> None:
    """Alice's own timecards in the portal; the approval queue of site A's manager; another
    site's worker's month is a 404 page."""
    assert w.office is not None
    body = {"work_date": "2026-04-06", "start": "08:00", "end": "17:00", "break_minutes": 60}
    own = await post(
        w.http, "/api/attendance/timecards", w.alice, assignment_id=w.mine.assignment_id, **body
    )
    theirs = await post(
        w.http, "/api/attendance/timecards", w.office, assignment_id=w.theirs.assignment_id, **body
    )
    text = await _html(w, w.alice, "/me/timecards?month=2026-04")
    assert f"/attendance/timecards/{own['id']}/submit" in text
    assert f"/attendance/timecards/{theirs['id']}/" not in text
    for card, headers in ((own, w.alice), (theirs, w.office)):
        done = await w.http.post(
            f"/api/attendance/timecards/{card['id']}/submit",
            headers=headers,
            json={"version": card["version"]},
        )
        assert done.status_code == 200, done.text
    queue = await _html(w, w.manager, "/attendance/approvals")
    assert f"/attendance/timecards/{own['id']}/approve" in queue
    assert f"/attendance/timecards/{theirs['id']}/" not in queue
    await _not_found(w, w.manager, f"/attendance/employees/{w.theirs.employee_id}/months/2026-04")


async def _granted(w: World) -> None:
    """Both workers' leave granted (hired 2026-01-01, placed from 2026-04-01)."""
    assert w.office is not None
    for side in (w.mine, w.theirs):
        run = await w.http.post(
            "/api/leave/grants/run", headers=w.office, json={"employee_id": side.employee_id}
        )
        assert run.status_code == 200, run.text
        assert run.json()["data"]["granted"] >= 1, "no leave granted: the case would pass empty"


async def api_leave_lists(w: World) -> None:
    await _granted(w)
    m, t = w.mine, w.theirs
    for path in ("/api/leave/balances", "/api/leave/at-risk"):
        assert await _ids(w, w.manager, path, "employee_id", window_days=366) <= {m.employee_id}
    assert await _ids(w, w.manager, "/api/leave/balances", "employee_id") == {m.employee_id}
    own = await w.http.get("/api/leave/me", headers=w.alice)
    assert own.status_code == 200 and own.json()["data"]["employee_id"] == m.employee_id
    await _not_found(w, w.manager, f"/api/leave/employees/{t.employee_id}")
    await _not_found(w, w.alice, f"/api/leave/employees/{t.employee_id}")
    await _not_found(w, w.manager, f"/api/leave/employees/{t.employee_id}/ledger.xlsx")
    mine = await w.http.get(f"/api/leave/employees/{m.employee_id}/ledger.xlsx", headers=w.manager)
    assert mine.status_code == 200


async def page_leave(w: World) -> None:
    await _granted(w)
    text = await _html(w, w.manager, "/leave")
    assert "mine 太郎" in text and "theirs 太郎" not in text
    own = await _html(w, w.manager, f"/employees/{w.mine.employee_id}/leave")
    assert "mine 太郎" in own
    await _not_found(w, w.manager, f"/employees/{w.theirs.employee_id}/leave")


async def api_requests_and_inbox(w: World) -> None:
    """Requests: an employee their own, a site manager their sites' workers'; the inbox: the
    caller's own notifications only."""
    assert w.bob is not None
    made = {}
    for who, headers in (("mine", w.alice), ("theirs", w.bob)):
        done = await w.http.post(
            "/api/requests",
            headers=headers,
            json={"payload": {"type": "other", "subject": f"{who} 相談"}},
        )
        assert done.status_code == 201, done.text
        made[who] = done.json()["data"]["id"]
    assert await _ids(w, w.alice, "/api/requests") == {made["mine"]}
    assert await _ids(w, w.bob, "/api/requests") == {made["theirs"]}
    assert await _ids(w, w.manager, "/api/requests") == {made["mine"]}
    await _not_found(w, w.manager, f"/api/requests/{made['theirs']}")
    await _not_found(w, w.alice, f"/api/requests/{made['theirs']}")
    told = await _rows(w, w.manager, "/api/notifications")
    assert [n["params"]["request_id"] for n in told] == [made["mine"]]
    assert await _rows(w, w.alice, "/api/notifications") == []
    count = await w.http.get("/api/notifications/unread-count", headers=w.manager)
    assert count.json()["data"]["unread"] == 1


async def page_requests_and_inbox(w: World) -> None:
    """The pages of requests and the inbox: a worker's own requests, the site manager's queue
    of their sites' workers, and each caller's own notifications and unread badge."""
    assert w.bob is not None
    made = {}
    for who, headers in (("mine", w.alice), ("theirs", w.bob)):
        done = await w.http.post(
            "/api/requests",
            headers=headers,
            json={"payload": {"type": "other", "subject": f"{who} 相談"}},
        )
        assert done.status_code == 201, done.text
        made[who] = done.json()["data"]["id"]
    own = await _html(w, w.alice, "/me/requests")
    assert f"/me/requests/{made['mine']}" in own
    assert f"/me/requests/{made['theirs']}" not in own
    queue = await _html(w, w.manager, "/requests")
    assert f"/requests/{made['mine']}" in queue
    assert f"/requests/{made['theirs']}" not in queue
    for action in ("cancel", "withdraw"):
        await _not_found(w, w.alice, f"/me/requests/{made['theirs']}/{action}")
    [note] = await _rows(w, w.manager, "/api/notifications")
    inbox = await _html(w, w.manager, "/inbox")
    assert f"/inbox/{note['id']}/read" in inbox
    assert f"/inbox/{note['id']}/read" not in await _html(w, w.alice, "/inbox")
    manager_badge = await _html(w, w.manager, "/inbox/badge")
    alice_badge = await _html(w, w.alice, "/inbox/badge")
    assert ">1<" in manager_badge.replace(" ", "") and ">1<" not in alice_badge.replace(" ", "")


async def api_payslips(w: World) -> None:
    """Payslips: an employee reads their own of closed periods only; a site manager (no
    employee record) none, and nobody but an admin reads another's."""
    from tests.integration.payroll.factories import ledger, payslips, run

    assert w.office is not None
    app = w.http._transport.app  # type: ignore[attr-defined]
    for side in (w.mine, w.theirs):
        done = await w.http.put(
            f"/api/payroll/employees/{side.employee_id}/profile",
            headers=w.office,
            json={
                "pay_type": "monthly",
                "monthly_salary": 250_000,
                "average_monthly_minutes": 9600,
            },
        )
        assert done.status_code == 200, done.text
        await ledger(app, side.employee_id, regular=9600)
    paid = await run(w.http, w.office)
    closed = await w.http.post(
        f"/api/payroll/runs/{paid['id']}/close", headers=w.office, json={"version": paid["version"]}
    )
    assert closed.status_code == 200, closed.text
    slips = {p["employee_id"]: p["id"] for p in await payslips(w.http, w.office, paid["id"])}
    assert len(slips) == 2
    mine, theirs = slips[w.mine.employee_id], slips[w.theirs.employee_id]
    assert await _ids(w, w.alice, "/api/payroll/me/payslips") == {mine}
    assert await _rows(w, w.manager, "/api/payroll/me/payslips") == []
    await _not_found(
        w,
        w.alice,
        f"/api/payroll/payslips/{theirs}",
        f"/payroll/payslips/{theirs}",
        f"/api/payroll/payslips/{theirs}/pdf",
    )
    await _not_found(w, w.manager, f"/api/payroll/payslips/{mine}")
    text = await _html(w, w.alice, "/me/payslips")
    assert f"/payroll/payslips/{mine}" in text and f"/payroll/payslips/{theirs}" not in text
    # Bonus payslips (賞与) of a closed bonus payment: the same rule.
    bonus = await w.http.post(
        "/api/payroll/bonuses",
        headers=w.office,
        json={
            "pay_date": "2026-07-10",
            "title": "賞与",
            "entries": [
                {"employee_id": side.employee_id, "amount": 200_000, "rate_pct": "4.084"}
                for side in (w.mine, w.theirs)
            ],
        },
    )
    assert bonus.status_code == 201, bonus.text
    for step in ("calculate", "close"):
        done = await w.http.post(
            f"/api/payroll/bonuses/{bonus.json()['data']['id']}/{step}",
            headers=w.office,
            json={"version": bonus.json()["data"]["version"]},
        )
        assert done.status_code == 200, done.text
        bonus = done
    listed = await w.http.get(
        f"/api/payroll/bonuses/{bonus.json()['data']['id']}/payslips", headers=w.office
    )
    extra = {p["employee_id"]: p["id"] for p in listed.json()["data"]}
    assert await _ids(w, w.alice, "/api/payroll/me/payslips") == {mine, extra[w.mine.employee_id]}
    assert await _rows(w, w.manager, "/api/payroll/me/payslips") == []
    await _not_found(
        w,
        w.alice,
        f"/api/payroll/payslips/{extra[w.theirs.employee_id]}",
        f"/payroll/payslips/{extra[w.theirs.employee_id]}",
    )


Case = Callable[[World], Awaitable[None]]


async def page_reports(w: World) -> None:
    """The reports (scoped like the dashboard): the manager's site's placements, residence
    cards, 抵触日 and overtime only, on the page and in its export."""
    from tests.integration.attendance.factories import approved

    assert w.office is not None
    today = _today().isoformat()
    for side in (w.mine, w.theirs):
        await approved(w.http, w.office, side.assignment_id, today, end="20:00")
    for path in ("/reports/headcount", "/reports/conflicts"):
        _shows_only_mine(w, await _html(w, w.manager, path), path, slice(0, 2))
        export = await w.http.get(f"{path}/export.csv", headers=w.manager)
        assert export.status_code == 200
        _shows_only_mine(w, export.content.decode("utf-8-sig"), f"{path}/export.csv", slice(0, 2))
    for path, link in (
        ("/reports/residence", "/employees/{}"),
        ("/reports/overtime", "/attendance/employees/{}/"),
    ):
        text = await _html(w, w.manager, path)
        assert link.format(w.mine.employee_id) in text, path
        assert link.format(w.theirs.employee_id) not in text, path
        export = (await w.http.get(f"{path}/export.csv", headers=w.manager)).content
        assert "mine 太郎" in export.decode("utf-8-sig"), path
        assert "theirs 太郎" not in export.decode("utf-8-sig"), path


async def api_my_documents(w: World) -> None:
    """The 就業条件明示書: Alice lists and downloads her own, never Bob's; the manager none."""
    assert w.office is not None
    notices = {}
    for side in (w.mine, w.theirs):
        contract = (await w.http.get(f"/api/contracts/{side.contract_id}", headers=w.office)).json()
        edited = await w.http.patch(
            f"/api/contracts/{side.contract_id}",
            headers=w.office,
            json={"responsibility_level": "役職なし", "version": contract["data"]["version"]},
        )
        assert edited.status_code == 200, edited.text
        clauses = await w.http.post(
            f"/api/documents/contracts/{side.contract_id}/individual-contract",
            headers=w.office,
            json={
                "safety": "安全衛生教育を行う。",
                "complaints": "双方の担当者が連携して処理する。",
                "cancellation_measures": "30日前に予告する。",
                "welfare": "食堂を利用できる。",
                "dispute_prevention": "雇用する場合は事前に派遣元へ通知する。",
            },
        )
        assert clauses.status_code == 200, clauses.text
        rate = await w.http.post(
            "/api/billing/rates",
            headers=w.office,
            json={
                "contract_id": side.contract_id,
                "effective_from": "2026-04-01",
                "base_rate": "1800",
            },
        )
        assert rate.status_code == 201, rate.text
        issued = await w.http.post(
            f"/api/documents/assignments/{side.assignment_id}/terms-notice", headers=w.office
        )
        assert issued.status_code == 200, issued.text
        notices[side.employee_id] = issued.json()["data"]["id"]
    mine, theirs = notices[w.mine.employee_id], notices[w.theirs.employee_id]
    assert await _ids(w, w.alice, "/api/documents/mine") == {mine}
    assert await _rows(w, w.manager, "/api/documents/mine") == []
    await _not_found(w, w.alice, f"/api/documents/mine/{theirs}/pdf", f"/me/documents/{theirs}/pdf")
    text = await _html(w, w.alice, "/me")
    assert f"/me/documents/{mine}/pdf" in text and f"/me/documents/{theirs}/pdf" not in text


SCOPE_CASES: dict[tuple[str, str], Case] = {
    ("GET", "/api/documents/mine"): api_my_documents,
    ("GET", "/api/documents/mine/{document_id}/pdf"): api_my_documents,
    ("GET", "/me/documents/{document_id}/pdf"): api_my_documents,
    ("GET", "/api/employees"): api_employees,
    ("GET", "/api/employees/residence-expiring"): api_residence_expiring,
    ("GET", "/api/employees/headcount"): api_headcount,
    ("GET", "/api/dashboard"): api_dashboard,
    ("GET", "/api/clients"): api_clients,
    ("GET", "/api/clients/{client_id}/contacts"): api_contacts,
    ("GET", "/api/sites"): api_sites,
    ("GET", "/api/units"): api_units,
    ("GET", "/api/contracts"): api_contracts,
    ("GET", "/api/assignments"): api_assignments,
    ("GET", "/api/assignments/me"): api_my_assignments,
    ("GET", "/api/assignments/{assignment_id}/conflict-dates"): api_conflict_dates,
    ("GET", "/api/assignments/conflicts"): api_conflicts,
    ("GET", "/api/assignments/prior-periods"): api_prior_periods,
    ("GET", "/api/housing/me"): api_my_housing,
    ("GET", "/api/auth/sessions"): api_my_sessions,
    ("GET", "/api/attendance/timecards"): api_timecards,
    ("GET", "/api/attendance/sites/{site_id}/settings"): api_site_settings,
    ("GET", "/clients"): page_clients,
    ("GET", "/employees"): page_employees,
    ("GET", "/contracts"): page_contracts,
    ("GET", "/assignments"): page_assignments,
    ("GET", "/me"): page_portal,
    ("GET", "/"): page_portal,
    ("GET", "/api/leave/balances"): api_leave_lists,
    ("GET", "/api/leave/at-risk"): api_leave_lists,
    ("GET", "/api/leave/me"): api_leave_lists,
    ("GET", "/api/leave/employees/{employee_id}/ledger.xlsx"): api_leave_lists,
    ("GET", "/leave"): page_leave,
    ("GET", "/attendance/approvals"): page_attendance,
    ("GET", "/me/timecards"): page_attendance,
    ("GET", "/employees/{employee_id}/leave"): page_leave,
    ("GET", "/api/requests"): api_requests_and_inbox,
    ("GET", "/api/notifications"): api_requests_and_inbox,
    ("GET", "/me/requests"): page_requests_and_inbox,
    ("GET", "/me/requests/{request_id}/cancel"): page_requests_and_inbox,
    ("GET", "/me/requests/{request_id}/withdraw"): page_requests_and_inbox,
    ("GET", "/requests"): page_requests_and_inbox,
    ("GET", "/inbox"): page_requests_and_inbox,
    ("GET", "/inbox/badge"): page_requests_and_inbox,
    ("GET", "/api/notifications/unread-count"): api_requests_and_inbox,
    ("GET", "/api/payroll/me/payslips"): api_payslips,
    ("GET", "/me/payslips"): api_payslips,
    ("GET", "/api/payroll/payslips/{payslip_id}/pdf"): api_payslips,
    ("GET", "/reports/headcount"): page_reports,
    ("GET", "/reports/overtime"): page_reports,
    ("GET", "/reports/residence"): page_reports,
    ("GET", "/reports/conflicts"): page_reports,
}

# Reads a site manager or an employee may make that list no rows of anyone else, with why.
NOT_SCOPED_LISTS: dict[tuple[str, str], str] = {
    ("GET", "/api/health"): "liveness, no data",
    ("GET", "/api/ready"): "readiness, no data",
    ("GET", "/api/docs"): "the API description",
    ("GET", "/reports"): "the reports' index: links only (each report has its scope case)",
    ("GET", "/api/auth/me"): "the caller's own account",
    ("GET", "/account"): "the caller's own account and sessions (sessions: /api/auth/sessions)",
    ("GET", "/login"): "the sign-in form",
    ("GET", "/password-reset"): "the reset form",
    ("GET", "/client/invitation"): "the invitation form: the invited address from its token only",
    ("GET", "/account/sessions/{session_id}/revoke"): (
        "confirmation for one of the caller's own sessions; any other session is 404 "
        "(tests/integration/web/test_confirmations.py)"
    ),
}


@pytest.mark.parametrize("key", sorted(SCOPE_CASES), ids=lambda k: f"{k[0]} {k[1]}")
async def test_list_hides_rows_outside_the_callers_scope(
    key: tuple[str, str], world: World, app: Any
) -> None:
    # The office first fills its entry of every edge-cached route (platform/edge.py; read
    # twice so that it is stored): the caller's reads must never be answered from it.
    from haken.platform.edge import edge_routes

    assert world.office is not None
    for path in edge_routes(app):
        for _ in range(2):
            assert (await world.http.get(path, headers=world.office)).status_code == 200, path
    methods: list[str] = []

    async def record(request: httpx.Request) -> None:
        methods.append(request.method)

    world.http.event_hooks["request"].append(record)
    try:
        await SCOPE_CASES[key](world)
    finally:
        world.http.event_hooks["request"].remove(record)
    if set(methods) <= {"GET", "HEAD"}:
        # A read-only case runs a second time with every cache warm (its own first pass
        # filled them): the same answers. A case that writes its rows runs once.
        await SCOPE_CASES[key](world)


def _is_list_read(path: str) -> bool:
    """A read with no id of its own, or a nested collection (…/{id}/contacts)."""
    return "{" not in path or not path.endswith("}")


def test_every_list_a_manager_or_employee_reads_has_a_scope_case() -> None:
    readable = set()
    for method, route in ROUTES:
        if method != "GET" or route.path == "/metrics" or not _is_list_read(route.path):
            continue
        needed = minimum_role(expected_policy(method, route))
        if needed is None or needed <= Role.SITE_MANAGER:
            readable.add((method, route.path))
    # The client portal's lists (client supervisors) are proven in client_portal/test_scope.py.
    missing = sorted(readable - set(SCOPE_CASES) - set(NOT_SCOPED_LISTS) - CLIENT_LISTS)
    assert not missing, f"lists a site manager or employee reads with no scope case: {missing}"
    stale = sorted((set(SCOPE_CASES) | set(NOT_SCOPED_LISTS) | CLIENT_LISTS) - readable)
    assert not stale, f"scope cases for routes that are not such lists: {stale}"
