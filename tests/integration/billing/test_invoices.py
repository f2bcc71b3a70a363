"""Invoices end to end on both backends: a hand-computed invoice, numbering, void with a
credit note, payments, access and row scope, the list's queries, PDF and CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import httpx
import pytest

from haken.platform.db import assert_num_queries
from tests.integration.billing.factories import (
    REGISTRATION,
    billed_client,
    draft,
    issue,
    registered,
)


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


async def test_a_hand_computed_invoice(client: httpx.AsyncClient, auth_headers: Any) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    created = await draft(client, admin, placed["client_id"])
    assert created.status_code == 201, created.text
    invoice = created.json()["data"]
    assert invoice["state"] == "draft" and invoice["number"] is None
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-04-01", "2026-04-30")
    time_lines = {
        line["band"]: (line["minutes"], line["rate"], line["amount"])
        for line in invoice["lines"]
        if line["kind"] == "time"
    }
    assert time_lines == {
        # 480 + 480 + 375 (380 rounded down to 15) at 1800/h
        "regular": (1335, "1800.00", 40050),
        # 130 → 120 at 1800 × 1.25 = 2250/h
        "overtime": (120, "2250.00", 4500),
        # 80 → 75 at the 500 yen/h late-night addition
        "late_night": (75, "500.00", 625),
    }
    fixed = sorted((line["kind"], line["amount"], line["tax_rate"]) for line in invoice["lines"]
                   if line["kind"] != "time")  # fmt: skip
    assert fixed == [
        ("discount", -1000, "0.10"),
        ("fee", 1234, "0.08"),
        ("transport", 3333, "0.10"),
    ]
    # 10 %: 40050 + 4500 + 625 + 3333 − 1000 = 47508 → 4750.8, cut down to 4750
    # 8 %: 1234 → 98.72 → 98
    assert (invoice["taxable_10"], invoice["tax_10"]) == (47508, 4750)
    assert (invoice["taxable_8"], invoice["tax_8"]) == (1234, 98)
    assert invoice["subtotal"] == 48742
    assert invoice["total"] == 48742 + 4750 + 98

    issued = await issue(client, admin, invoice)
    assert issued.status_code == 200, issued.text
    data = issued.json()["data"]
    assert data["state"] == "issued"
    assert data["number"] == "2026-000001"
    assert data["registration_number"] == REGISTRATION
    assert data["issue_date"] == "2026-05-01"


async def test_an_issued_invoice_is_not_issued_again_and_one_per_period(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    again = await draft(client, admin, placed["client_id"])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "BILLING_INVOICE_EXISTS"
    issued = (await issue(client, admin, invoice)).json()["data"]
    twice = await issue(client, admin, issued)
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "BILLING_STATE_CONFLICT"


async def test_issuing_without_a_registration_number_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    from haken.modules.billing.service import billing_service

    billing_service.registration_number = "T7000012050003"  # wrong check digit
    refused = await issue(client, admin, invoice)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "BILLING_REGISTRATION_NUMBER_INVALID"
    registered()
    still = await client.get(f"/api/billing/invoices/{invoice['id']}", headers=admin)
    assert still.json()["data"]["state"] == "draft"
    # the counter did not move: the first issue still gets number 1
    assert (await issue(client, admin, invoice)).json()["data"]["number"] == "2026-000001"


async def test_nothing_to_bill_and_a_missing_rate(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    empty = await draft(client, admin, placed["client_id"], month="2026-01")
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "BILLING_NOTHING_TO_BILL"

    from tests.integration.attendance.factories import approved, placement

    bare = await placement(client, admin)
    await approved(client, admin, bare["assignment"]["id"], "2026-04-06")
    missing = await draft(client, admin, bare["client_id"])
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "BILLING_RATE_MISSING"


async def test_void_issues_a_credit_note_and_reissue_takes_a_new_number(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    issued = (await issue(client, admin, invoice)).json()["data"]
    voided = await client.post(
        f"/api/billing/invoices/{issued['id']}/void",
        headers=admin,
        json={
            "version": issued["version"],
            "reason": "単価の誤り",
            "issue_date": "2026-05-10",
            "reissue": True,
        },
    )
    assert voided.status_code == 200, voided.text
    data = voided.json()["data"]
    assert data["state"] == "void" and data["void_reason"] == "単価の誤り"
    note = (
        await client.get(f"/api/billing/invoices/{data['credit_note_id']}", headers=admin)
    ).json()["data"]
    assert note["kind"] == "credit_note"
    assert note["number"] == "2026-000002"
    assert note["credits_invoice_id"] == issued["id"]
    assert (note["taxable_10"], note["tax_10"], note["taxable_8"], note["tax_8"]) == (
        -47508, -4750, -1234, -98,
    )  # fmt: skip
    assert note["total"] == -issued["total"]
    listed = (await client.get("/api/billing/invoices", headers=admin)).json()["data"]
    reissue = [i for i in listed if i["replaces_invoice_id"] == issued["id"]]
    assert len(reissue) == 1 and reissue[0]["state"] == "draft"
    renumbered = (await issue(client, admin, reissue[0])).json()["data"]
    assert renumbered["number"] == "2026-000003"
    # an issued invoice is never edited: voiding the void again is refused
    again = await client.post(
        f"/api/billing/invoices/{issued['id']}/void",
        headers=admin,
        json={"version": data["version"], "reason": "x", "issue_date": "2026-05-10"},
    )
    assert again.status_code == 409


async def test_partial_payments_then_paid(client: httpx.AsyncClient, auth_headers: Any) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    issued = (await issue(client, admin, invoice)).json()["data"]
    total = issued["total"]  # 53590

    async def pay(current: dict[str, Any], amount: int, day: str) -> httpx.Response:
        return await client.post(
            f"/api/billing/invoices/{current['id']}/payments",
            headers=admin,
            json={"version": current["version"], "amount": amount, "received_on": day},
        )

    first = await pay(issued, 50000, "2026-05-31")
    assert first.status_code == 200, first.text
    partial = first.json()["data"]
    assert (partial["state"], partial["paid_amount"]) == ("issued", 50000)
    too_much = await pay(partial, total - 50000 + 1, "2026-06-05")
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "BILLING_PAYMENT_EXCEEDS_BALANCE"
    rest = (await pay(partial, total - 50000, "2026-06-05")).json()["data"]
    assert (rest["state"], rest["paid_amount"], rest["paid_on"]) == ("paid", total, "2026-06-05")
    assert [p["amount"] for p in rest["payments"]] == [50000, 3590]
    paid_void = await client.post(
        f"/api/billing/invoices/{rest['id']}/void",
        headers=admin,
        json={"version": rest["version"], "reason": "x", "issue_date": "2026-06-06"},
    )
    assert paid_void.status_code == 409


async def test_two_concurrent_issues_take_consecutive_numbers(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """On PostgreSQL the second issue waits on the counter row's lock until the first
    commits; on SQLite the single writer serialises them."""
    admin = await auth_headers("admin")
    one = await billed_client(client, admin)
    two = await billed_client(client, admin)
    first = (await draft(client, admin, one["client_id"])).json()["data"]
    second = (await draft(client, admin, two["client_id"])).json()["data"]
    done = await asyncio.gather(issue(client, admin, first), issue(client, admin, second))
    assert [r.status_code for r in done] == [200, 200], [r.text for r in done]
    numbers = sorted(r.json()["data"]["number"] for r in done)
    assert numbers == ["2026-000001", "2026-000002"]


async def test_row_scope_and_access(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    mine = await make_user("coordinator")
    other = await make_user("coordinator")
    put = await client.put(
        f"/api/billing/clients/{placed['client_id']}/settings",
        headers=admin,
        json={"layout": "by_site", "coordinator_user_id": mine["id"]},
    )
    assert put.status_code == 200, put.text
    mine_headers = await login(mine["email"])
    other_headers = await login(other["email"])
    url = f"/api/billing/invoices/{invoice['id']}"
    assert (await client.get(url, headers=mine_headers)).status_code == 200
    assert (await client.get(url, headers=other_headers)).status_code == 404
    listed = (await client.get("/api/billing/invoices", headers=other_headers)).json()
    assert listed["data"] == []
    refused = await issue(client, other_headers, invoice)
    assert refused.status_code == 404
    manager = await auth_headers("site_manager")
    assert (await client.get("/api/billing/invoices", headers=manager)).status_code == 403
    # a coordinator cannot draft for a client they are not in charge of
    assert (await draft(client, other_headers, placed["client_id"])).status_code == 404


async def test_list_is_one_statement(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    """The page and its total in one statement (the count is a scalar subquery; the
    principal of a bearer token comes from the cache), for an admin and for a coordinator
    (whose client scope is a subquery of the same statement)."""
    admin = await auth_headers("admin")
    clients = []
    for _ in range(2):
        placed = await billed_client(client, admin)
        await draft(client, admin, placed["client_id"])
        clients.append(placed["client_id"])
    coordinator = await make_user("coordinator")
    await client.put(
        f"/api/billing/clients/{clients[0]}/settings",
        headers=admin,
        json={"layout": "summary", "coordinator_user_id": coordinator["id"]},
    )
    mine = await login(coordinator["email"])
    for headers, total in ((admin, 2), (mine, 1)):
        await client.get("/api/billing/invoices", headers=headers)  # warm the principal cache
        with assert_num_queries(1):
            listed = await client.get(
                "/api/billing/invoices?month=2026-04&count=true", headers=headers
            )
        assert listed.status_code == 200
        assert listed.json()["pagination"]["total"] == total


async def test_pdf_and_csv(client: httpx.AsyncClient, auth_headers: Any) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    issued = (await issue(client, admin, invoice)).json()["data"]
    pdf = await client.get(f"/api/billing/invoices/{issued['id']}/pdf", headers=admin)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"HeiseiKakuGo-W5" in pdf.content
    exported = await client.get(
        "/api/billing/invoices/export.csv?from=2026-05-01&to=2026-05-31", headers=admin
    )
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["number", "kind", "issue_date"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["number"], row["taxable_10"], row["tax_10"], row["total"]) == (
        "2026-000001", "47508", "4750", "53590",
    )  # fmt: skip
    backwards = await client.get(
        "/api/billing/invoices/export.csv?from=2026-05-31&to=2026-05-01", headers=admin
    )
    assert backwards.status_code == 422


async def test_unrounded_minutes_equal_the_ledgers_billing_row(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """With every minute billed (unit 1), the lines' minutes are the attendance ledger's
    billing row of the contract: the invoice reads the same approved cards."""
    from tests.integration.attendance.factories import approved, placement

    admin = await auth_headers("admin")
    placed = await placement(client, admin)
    assignment_id = placed["assignment"]["id"]
    await approved(client, admin, assignment_id, "2026-04-06", end="19:10")
    await approved(
        client, admin, assignment_id, "2026-04-07", start="17:00", end="23:20", break_minutes=0
    )
    contract_id = placed["contract"]["id"]
    rate = await client.post(
        "/api/billing/rates",
        headers=admin,
        json={"contract_id": contract_id, "effective_from": "2026-04-01", "base_rate": "1800"},
    )
    assert rate.status_code == 201, rate.text
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    billed = {line["band"]: line["minutes"] for line in invoice["lines"]}
    ledger = (
        await client.get(
            f"/api/attendance/ledger?kind=billing&subject_id={contract_id}&month=2026-04",
            headers=admin,
        )
    ).json()["data"]
    assert len(ledger) == 1
    row = ledger[0]
    assert billed == {
        "regular": row["regular"] + row["within_statutory_overtime"],
        "overtime": row["overtime"] - row["overtime_over_60h"],
        "late_night": row["night"],
    }
    # and by hand: 480 + 380 regular, 130 overtime, 80 late night
    assert billed == {"regular": 860, "overtime": 130, "late_night": 80}


async def test_a_batch_of_clients_is_drafted_in_a_constant_number_of_statements(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """``create_drafts`` (issue 18): the same hand-computed invoice for each billed client,
    the ones with an open invoice or nothing to bill named and skipped, and the same
    statements for three clients as for one (the reads batched, the inserts in bulk)."""
    from sqlalchemy import text

    from haken.modules.billing.service import billing_service
    from haken.platform.access import Principal, Role
    from haken.platform.db import session_scope
    from tests.integration.attendance.factories import placement

    admin = await auth_headers("admin")
    billed = [(await billed_client(client, admin))["client_id"] for _ in range(3)]
    drafted = (await billed_client(client, admin))["client_id"]
    assert (await draft(client, admin, drafted)).status_code == 201
    idle = (await placement(client, admin))["client_id"]  # placed, no card: nothing to bill
    async with session_scope(app.state.database, write=True) as session:
        user_id = (
            await session.execute(text("SELECT min(id) FROM users WHERE role = 'admin'"))
        ).scalar_one()
    office = Principal(user_id=int(user_id), role=Role.ADMIN, email="admin@haken.example")

    async def batch(client_ids: list[int], statements: int) -> Any:
        async with session_scope(app.state.database, write=True) as session:
            with assert_num_queries(statements):
                return await billing_service.create_drafts(
                    session, office, client_ids=client_ids, month="2026-04"
                )

    # open invoices, contracts, cards, sites, rates, fixed items, names, settings, the drafts
    # (insert, read back) and their lines (insert)
    one = await batch(billed[:1], 11)
    rest = await batch([*billed[1:], drafted, idle], 11)
    assert (one.existing, one.nothing_to_bill) == ([], [])
    assert (rest.existing, rest.nothing_to_bill) == ([drafted], [idle])
    invoices = [*one.invoices, *rest.invoices]
    assert [i.client_id for i in invoices] == billed
    assert one.lines + rest.lines == 3 * 6
    for invoice in invoices:  # as test_a_hand_computed_invoice
        assert (invoice.state, invoice.period_end.isoformat()) == ("draft", "2026-04-30")
        assert (invoice.taxable_10, invoice.tax_10, invoice.taxable_8, invoice.tax_8) == (
            47508, 4750, 1234, 98,
        )  # fmt: skip
        assert invoice.total == 48742 + 4750 + 98
    listed = await client.get(f"/api/billing/invoices/{invoices[2].id}", headers=admin)
    lines = listed.json()["data"]["lines"]
    assert [(line["kind"], line["band"], line["minutes"], line["amount"]) for line in lines] == [
        ("time", "regular", 1335, 40050),
        ("time", "overtime", 120, 4500),
        ("time", "late_night", 75, 625),
        ("transport", None, None, 3333),
        ("discount", None, None, -1000),
        ("fee", None, None, 1234),
    ]
    again = await batch(billed, 1)  # every one open: one statement, nothing written
    assert (again.invoices, again.existing) == ([], billed)
