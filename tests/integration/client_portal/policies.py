"""The client portal's and documents' rows of the route walk (tests/integration/test_policies.py).

"client" is the client supervisor's policy: every agency role is refused (403), and the walk
in ``tests/integration/client_portal/test_walk.py`` proves the converse (no agency route
answers a client supervisor)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.assignments.factories import assign, make_contract, make_employee, make_unit
from tests.integration.attendance.factories import act, enter, placement
from tests.integration.client_portal.factories import invite_supervisor

C, CL, P, A = "role>=coordinator", "client", "public", "authenticated"
ACCESS: dict[tuple[str, str], str] = {
    ("POST", "/api/client-supervisors"): C,
    ("GET", "/api/client-supervisors"): C,
    ("GET", "/api/client-supervisors/{user_id}"): C,
    ("PUT", "/api/client-supervisors/{user_id}/units"): C,
    ("GET", "/api/client/alerts"): CL,
    ("GET", "/api/client/workers"): CL,
    ("GET", "/api/client/timecards"): CL,
    ("POST", "/api/client/timecards/{timecard_id}/confirm"): CL,
    ("POST", "/api/client/timecards/{timecard_id}/dispute"): CL,
    ("POST", "/api/documents/contracts/{contract_id}/client-notice"): C,
    ("POST", "/api/documents/contracts/{contract_id}/individual-contract"): C,
    ("GET", "/api/documents"): C,
    ("GET", "/api/documents/{document_id}"): C,
    ("GET", "/api/documents/{document_id}/pdf"): C,
    ("GET", "/api/client/documents"): CL,
    ("GET", "/api/client/documents/{document_id}/pdf"): CL,
    ("POST", "/api/documents/assignments/{assignment_id}/terms-notice"): C,
    ("POST", "/api/documents/assignments/{assignment_id}/labour-notice"): C,
    ("POST", "/api/documents/assignments/{assignment_id}/agency-ledger"): C,
    ("POST", "/api/documents/sites/{site_id}/client-ledger"): C,
    ("GET", "/api/documents/foreign-worker-reports"): C,
    ("GET", "/api/documents/mine"): A,
    ("GET", "/api/documents/mine/{document_id}/pdf"): A,
    ("GET", "/api/documents/annual"): "role>=admin",
    ("GET", "/api/documents/{document_id}/xlsx"): C,
    ("POST", "/api/documents/bulk"): C,
    ("GET", "/api/documents/bulk/{run_id}"): C,
    ("GET", "/api/documents/bulk/{run_id}/zip"): C,
}
PAGES: dict[tuple[str, str], str] = {
    ("GET", "/client"): CL,
    ("GET", "/client/timecards"): CL,
    ("POST", "/client/timecards/{timecard_id}/confirm"): CL,
    ("POST", "/client/timecards/confirm-week"): CL,
    ("POST", "/client/timecards/{timecard_id}/dispute"): CL,
    ("GET", "/client/workers"): CL,
    ("GET", "/client/alerts"): CL,
    ("GET", "/client-supervisors"): C,
    ("GET", "/client-supervisors/{user_id}/units"): C,
    ("POST", "/client-supervisors/{user_id}/units"): C,
    ("POST", "/client/logout"): CL,
    ("GET", "/client/invitation"): P,
    ("GET", "/client/documents"): CL,
    ("GET", "/client/documents/{document_id}/pdf"): CL,
    ("GET", "/client-supervisors/new"): C,
    ("POST", "/client-supervisors/new"): C,
    ("GET", "/documents"): C,
    ("POST", "/documents/contracts/{contract_id}/client-notice"): C,
    ("GET", "/documents/{document_id}/pdf"): C,
    ("POST", "/documents/assignments/{assignment_id}/terms-notice"): C,
    ("POST", "/documents/assignments/{assignment_id}/labour-notice"): C,
    ("POST", "/documents/assignments/{assignment_id}/agency-ledger"): C,
    ("POST", "/documents/sites/{site_id}/client-ledger"): C,
    ("GET", "/documents/foreign-worker-reports"): C,
    ("GET", "/me/documents/{document_id}/pdf"): A,
    ("GET", "/documents/annual"): "role>=admin",
    ("GET", "/documents/{document_id}/xlsx"): C,
    ("GET", "/documents/bulk"): C,
    ("POST", "/documents/bulk"): C,
    ("GET", "/documents/bulk/{run_id}"): C,
    ("GET", "/documents/bulk/{run_id}/zip"): C,
}


async def _invite(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await make_unit(http, ctx["admin_headers"])
    return await http.post(
        "/api/client-supervisors",
        headers=ctx["admin_headers"],
        json={
            "client_id": place["client_id"],
            "email": "audit@client.example",
            "site_ids": [place["site_id"]],
        },
    )


async def _change_units(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await make_unit(http, ctx["admin_headers"])
    supervisor = await invite_supervisor(
        http,
        ctx["app"],
        ctx["admin_headers"],
        client_id=place["client_id"],
        site_ids=[place["site_id"]],
        email="units@client.example",
    )
    current = await http.get(
        f"/api/client-supervisors/{supervisor['user_id']}", headers=ctx["admin_headers"]
    )
    return await http.put(
        f"/api/client-supervisors/{supervisor['user_id']}/units",
        headers=ctx["admin_headers"],
        json={"version": current.json()["data"]["version"], "unit_ids": [place["unit_id"]]},
    )


async def _submitted_for_supervisor(
    http: httpx.AsyncClient, ctx: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    placed = await placement(http, ctx["admin_headers"])
    created = await enter(http, ctx["admin_headers"], placed["assignment"]["id"], "2026-04-06")
    card = (await act(http, ctx["admin_headers"], created.json()["data"], "submit")).json()["data"]
    supervisor = await invite_supervisor(
        http,
        ctx["app"],
        ctx["admin_headers"],
        client_id=placed["client_id"],
        site_ids=[placed["site_id"]],
    )
    return card, supervisor["headers"]


async def _confirm(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    card, headers = await _submitted_for_supervisor(http, ctx)
    return await http.post(
        f"/api/client/timecards/{card['id']}/confirm",
        headers=headers,
        json={"version": card["version"]},
    )


async def _dispute(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    card, headers = await _submitted_for_supervisor(http, ctx)
    return await http.post(
        f"/api/client/timecards/{card['id']}/dispute",
        headers=headers,
        json={"version": card["version"], "comment": "休憩は45分です"},
    )


async def _notice(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await make_unit(http, ctx["admin_headers"])
    contract = await make_contract(http, ctx["admin_headers"], place["unit_id"])
    worker = await make_employee(http, ctx["admin_headers"], gender="female")
    await assign(
        http,
        ctx["admin_headers"],
        contract["id"],
        worker["id"],
        start_date="2027-01-04",
        end_date="2027-03-31",
    )
    return await http.post(
        f"/api/documents/contracts/{contract['id']}/client-notice",
        headers=ctx["admin_headers"],
        json={},
    )


async def _individual_contract(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place = await make_unit(http, ctx["admin_headers"])
    contract = await make_contract(
        http, ctx["admin_headers"], place["unit_id"], responsibility_level="役職なし"
    )
    clauses = {
        "safety": "派遣先は労働安全衛生法に定める措置を講じる。",
        "complaints": "派遣元・派遣先の苦情処理担当者が連携して処理する。",
        "cancellation_measures": "30日前に予告し、新たな就業機会の確保を図る。",
        "welfare": "食堂を利用できる。",
        "dispute_prevention": "派遣先が雇用する場合は事前に派遣元へ通知する。",
    }
    return await http.post(
        f"/api/documents/contracts/{contract['id']}/individual-contract",
        headers=ctx["admin_headers"],
        json=clauses,
    )


async def _documented_placement(
    http: httpx.AsyncClient, ctx: dict[str, Any], **worker_fields: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A placement under a contract whose 個別契約書 was issued and whose bill rate is set."""
    place = await make_unit(http, ctx["admin_headers"], dispatch_started_on="2026-04-01")
    contract = await make_contract(
        http, ctx["admin_headers"], place["unit_id"], responsibility_level="役職なし"
    )
    issued = await _issue_clauses(http, ctx, contract["id"])
    assert issued.status_code == 200, issued.text
    rate = await http.post(
        "/api/billing/rates",
        headers=ctx["admin_headers"],
        json={"contract_id": contract["id"], "effective_from": "2026-04-01", "base_rate": "1800"},
    )
    assert rate.status_code == 201, rate.text
    worker = await make_employee(http, ctx["admin_headers"], gender="female", **worker_fields)
    placed = await assign(
        http,
        ctx["admin_headers"],
        contract["id"],
        worker["id"],
        start_date="2027-01-04",
        end_date="2027-03-31",
    )
    return place, placed


async def _issue_clauses(
    http: httpx.AsyncClient, ctx: dict[str, Any], contract_id: int
) -> httpx.Response:
    return await http.post(
        f"/api/documents/contracts/{contract_id}/individual-contract",
        headers=ctx["admin_headers"],
        json={
            "safety": "派遣先は労働安全衛生法に定める措置を講じる。",
            "complaints": "派遣元・派遣先の苦情処理担当者が連携して処理する。",
            "cancellation_measures": "30日前に予告し、新たな就業機会の確保を図る。",
            "welfare": "食堂を利用できる。",
            "dispute_prevention": "派遣先が雇用する場合は事前に派遣元へ通知する。",
        },
    )


async def _terms_notice(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    _place, placed = await _documented_placement(http, ctx)
    return await http.post(
        f"/api/documents/assignments/{placed['id']}/terms-notice", headers=ctx["admin_headers"]
    )


async def _labour_notice(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    _place, placed = await _documented_placement(http, ctx, term_type="indefinite")
    return await http.post(
        f"/api/documents/assignments/{placed['id']}/labour-notice",
        headers=ctx["admin_headers"],
        json={
            "place_change_range": "会社の定める派遣先の事業所",
            "duties_change_range": "会社の定める業務",
            "retirement": "就業規則第30条による。",
        },
    )


async def _agency_ledger(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    _place, placed = await _documented_placement(http, ctx)
    return await http.post(
        f"/api/documents/assignments/{placed['id']}/agency-ledger",
        headers=ctx["admin_headers"],
        json={"entries": [{"kind": "training", "occurred_on": "2027-01-05", "content": "安全"}]},
    )


async def _client_ledger(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    place, _placed = await _documented_placement(http, ctx)
    return await http.post(
        f"/api/documents/sites/{place['site_id']}/client-ledger",
        headers=ctx["admin_headers"],
        json={"month": "2027-01"},
    )


async def _bulk(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    # A day with no assignment: the run is done at once, no job outlives the scenario.
    return await http.post(
        "/api/documents/bulk",
        headers=ctx["admin_headers"],
        json={"kind": "terms_notice", "on_date": "2000-01-03"},
    )


AUDIT = {
    ("POST", "/api/documents/bulk"): _bulk,
    ("POST", "/api/documents/assignments/{assignment_id}/terms-notice"): _terms_notice,
    ("POST", "/api/documents/assignments/{assignment_id}/labour-notice"): _labour_notice,
    ("POST", "/api/documents/assignments/{assignment_id}/agency-ledger"): _agency_ledger,
    ("POST", "/api/documents/sites/{site_id}/client-ledger"): _client_ledger,
    ("POST", "/api/client-supervisors"): _invite,
    ("PUT", "/api/client-supervisors/{user_id}/units"): _change_units,
    ("POST", "/api/client/timecards/{timecard_id}/confirm"): _confirm,
    ("POST", "/api/client/timecards/{timecard_id}/dispute"): _dispute,
    ("POST", "/api/documents/contracts/{contract_id}/client-notice"): _notice,
    ("POST", "/api/documents/contracts/{contract_id}/individual-contract"): _individual_contract,
}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/documents/bulk"): [("document_bulk", "create")],
    ("POST", "/api/documents/assignments/{assignment_id}/terms-notice"): [("document", "issue")],
    ("POST", "/api/documents/assignments/{assignment_id}/labour-notice"): [("document", "issue")],
    ("POST", "/api/documents/assignments/{assignment_id}/agency-ledger"): [
        ("ledger_entry", "create"),
        ("document", "issue"),
    ],
    ("POST", "/api/documents/sites/{site_id}/client-ledger"): [("document", "issue")],
    ("POST", "/api/client-supervisors"): [("user", "invite")],
    ("PUT", "/api/client-supervisors/{user_id}/units"): [("user", "change_units")],
    ("POST", "/api/client/timecards/{timecard_id}/confirm"): [("timecard", "approve")],
    ("POST", "/api/client/timecards/{timecard_id}/dispute"): [("timecard", "reject")],
    ("POST", "/api/documents/contracts/{contract_id}/client-notice"): [("document", "issue")],
    ("POST", "/api/documents/contracts/{contract_id}/individual-contract"): [("document", "issue")],
}

# Page writes and the API route whose service method each calls (the freshness walk).
PAGE_WRITE_TWINS: dict[tuple[str, str], tuple[str, str] | str] = {
    ("POST", "/client/timecards/{timecard_id}/confirm"): (
        "POST",
        "/api/client/timecards/{timecard_id}/confirm",
    ),
    ("POST", "/client/timecards/confirm-week"): (
        "POST",
        "/api/client/timecards/{timecard_id}/confirm",
    ),
    ("POST", "/client/timecards/{timecard_id}/dispute"): (
        "POST",
        "/api/client/timecards/{timecard_id}/dispute",
    ),
    ("POST", "/documents/contracts/{contract_id}/client-notice"): (
        "POST",
        "/api/documents/contracts/{contract_id}/client-notice",
    ),
    ("POST", "/documents/assignments/{assignment_id}/terms-notice"): (
        "POST",
        "/api/documents/assignments/{assignment_id}/terms-notice",
    ),
    ("POST", "/documents/assignments/{assignment_id}/agency-ledger"): (
        "POST",
        "/api/documents/assignments/{assignment_id}/agency-ledger",
    ),
    ("POST", "/documents/assignments/{assignment_id}/labour-notice"): (
        "POST",
        "/api/documents/assignments/{assignment_id}/labour-notice",
    ),
    ("POST", "/documents/sites/{site_id}/client-ledger"): (
        "POST",
        "/api/documents/sites/{site_id}/client-ledger",
    ),
    ("POST", "/documents/bulk"): ("POST", "/api/documents/bulk"),
}
