"""The billing area's rows of the route walk (tests/integration/test_policies.py)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.billing.factories import billed_client, draft, issue, registered

C, AD = "role>=coordinator", "role>=admin"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/billing/invoices"): C,
    ("POST", "/api/billing/invoices"): C,
    ("GET", "/api/billing/invoices/export.csv"): C,
    ("GET", "/api/billing/invoices/{invoice_id}"): C,
    ("GET", "/api/billing/invoices/{invoice_id}/pdf"): C,
    ("POST", "/api/billing/invoices/{invoice_id}/issue"): C,
    ("POST", "/api/billing/invoices/{invoice_id}/void"): C,
    ("POST", "/api/billing/invoices/{invoice_id}/payments"): C,
    ("GET", "/api/billing/rates"): AD,
    ("POST", "/api/billing/rates"): AD,
    ("POST", "/api/billing/fixed-items"): AD,
    ("PUT", "/api/billing/clients/{client_id}/settings"): AD,
    ("GET", "/api/billing/margins"): C,
    ("GET", "/api/billing/margin-rate"): AD,
    ("GET", "/api/billing/batches"): AD,
    ("POST", "/api/billing/batches"): AD,
    ("GET", "/api/billing/batches/{batch_id}"): AD,
}
# Coordinators (their clients' invoices; the row scope is the repository's), admins all;
# site managers and employees none.
PAGES: dict[tuple[str, str], str] = {
    ("GET", "/billing/invoices"): C,
    ("GET", "/billing/invoices/{invoice_id}"): C,
    ("GET", "/billing/invoices/{invoice_id}/pdf"): C,
    ("GET", "/billing/invoices/{invoice_id}/issue"): C,
    ("POST", "/billing/invoices/{invoice_id}/issue"): C,
    ("GET", "/billing/invoices/{invoice_id}/void"): C,
    ("POST", "/billing/invoices/{invoice_id}/void"): C,
    ("POST", "/billing/invoices/{invoice_id}/payments"): C,
    ("GET", "/billing/margins"): C,
    ("GET", "/billing/margins/export.{file_format}"): C,
    ("GET", "/billing/margin-rate"): AD,
    ("GET", "/billing/invoices/new"): C,
    ("POST", "/billing/invoices"): C,
    ("GET", "/billing/contracts/{contract_id}/rates"): AD,
    ("POST", "/billing/contracts/{contract_id}/rates"): AD,
    ("POST", "/billing/contracts/{contract_id}/fixed-items"): AD,
    ("GET", "/billing/clients/{client_id}/settings"): AD,
    ("POST", "/billing/clients/{client_id}/settings"): AD,
    ("GET", "/billing/batches"): AD,
    ("GET", "/billing/batches/new"): AD,
    ("POST", "/billing/batches"): AD,
    ("GET", "/billing/batches/{batch_id}"): AD,
}
# The pages' writes and the API twin each stands for (cache/test_write_freshness.py).
PAGE_WRITE_TWINS: dict[tuple[str, str], tuple[str, str] | str] = {
    ("POST", "/billing/batches"): ("POST", "/api/billing/batches"),
}


async def _draft(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    registered()
    placed = await billed_client(http, ctx["admin_headers"])
    created = await draft(http, ctx["admin_headers"], placed["client_id"])
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()["data"]
    return data


async def _issued(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    done = await issue(http, ctx["admin_headers"], await _draft(http, ctx))
    assert done.status_code == 200, done.text
    data: dict[str, Any] = done.json()["data"]
    return data


async def create_draft(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    registered()
    placed = await billed_client(http, ctx["admin_headers"])
    return await draft(http, ctx["admin_headers"], placed["client_id"])


async def issue_one(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await issue(http, ctx["admin_headers"], await _draft(http, ctx))


async def void_one(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    issued = await _issued(http, ctx)
    return await http.post(
        f"/api/billing/invoices/{issued['id']}/void",
        headers=ctx["admin_headers"],
        json={"version": issued["version"], "reason": "誤り", "issue_date": "2026-05-02"},
    )


async def pay_one(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    issued = await _issued(http, ctx)
    return await http.post(
        f"/api/billing/invoices/{issued['id']}/payments",
        headers=ctx["admin_headers"],
        json={"version": issued["version"], "amount": 1000, "received_on": "2026-05-31"},
    )


async def create_rate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    from tests.integration.attendance.factories import placement

    placed = await placement(http, ctx["admin_headers"])
    return await http.post(
        "/api/billing/rates",
        headers=ctx["admin_headers"],
        json={
            "contract_id": placed["contract"]["id"],
            "effective_from": "2026-04-01",
            "base_rate": "1800",
        },
    )


async def create_fixed(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    from tests.integration.attendance.factories import placement

    placed = await placement(http, ctx["admin_headers"])
    return await http.post(
        "/api/billing/fixed-items",
        headers=ctx["admin_headers"],
        json={
            "contract_id": placed["contract"]["id"],
            "kind": "fee",
            "amount": 10000,
            "effective_from": "2026-04-01",
        },
    )


async def client_settings(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    from tests.integration.assignments.factories import make_unit

    place = await make_unit(http, ctx["admin_headers"])
    return await http.put(
        f"/api/billing/clients/{place['client_id']}/settings",
        headers=ctx["admin_headers"],
        json={"layout": "summary"},
    )


async def start_batch(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    """A month no contract runs in: planned empty, done at once (the audit row all the same)."""
    return await http.post(
        "/api/billing/batches", headers=ctx["admin_headers"], json={"month": "2031-01"}
    )


AUDIT = {
    ("POST", "/api/billing/invoices"): create_draft,
    ("POST", "/api/billing/invoices/{invoice_id}/issue"): issue_one,
    ("POST", "/api/billing/invoices/{invoice_id}/void"): void_one,
    ("POST", "/api/billing/invoices/{invoice_id}/payments"): pay_one,
    ("POST", "/api/billing/rates"): create_rate,
    ("POST", "/api/billing/fixed-items"): create_fixed,
    ("PUT", "/api/billing/clients/{client_id}/settings"): client_settings,
    ("POST", "/api/billing/batches"): start_batch,
}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/billing/invoices"): [("invoice", "create")],
    ("POST", "/api/billing/invoices/{invoice_id}/issue"): [("invoice", "issue")],
    ("POST", "/api/billing/invoices/{invoice_id}/void"): [
        ("invoice", "void"),
        ("invoice", "credit_note"),
    ],
    ("POST", "/api/billing/invoices/{invoice_id}/payments"): [("invoice", "payment")],
    ("POST", "/api/billing/rates"): [("bill_rate", "create")],
    ("POST", "/api/billing/fixed-items"): [("bill_fixed_item", "create")],
    ("PUT", "/api/billing/clients/{client_id}/settings"): [("bill_client", "create")],
    ("POST", "/api/billing/batches"): [("billing_batch", "draft_month")],
}
