"""Demo billing (issue 18 item 6): the closed months' invoices issued, one paid in full,
one voided with its credit note (and a new draft of its period); one finished batch of the
oldest closed month (/billing/batches)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.modules.demo.billing import seed_billing
from haken.modules.demo.generator import generate
from haken.platform.db import session_scope

TODAY = dt.date(2026, 11, 28)  # September and October closed


async def test_demo_billing_shows_every_state(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any
) -> None:
    admin_user = await make_user("admin")
    async with app.state.database.engine.begin() as connection:
        await generate(connection, employees=40, today=TODAY)
    async with session_scope(app.state.database, write=True) as session:
        counts = await seed_billing(session, today=TODAY, user_id=admin_user["id"])
    assert counts["invoices"] >= 2
    admin = await auth_headers("admin")
    listed = (await client.get("/api/billing/invoices?limit=200", headers=admin)).json()["data"]
    states = sorted(i["state"] for i in listed if i["kind"] == "invoice")
    assert "paid" in states and "void" in states and "issued" in states and "draft" in states
    ends = {i["period_end"] for i in listed}
    assert ends <= {"2026-09-30", "2026-10-31"}
    paid = next(i for i in listed if i["state"] == "paid")
    assert paid["paid_amount"] == paid["total"] > 0
    voided = next(i for i in listed if i["state"] == "void")
    notes = [i for i in listed if i["credits_invoice_id"] == voided["id"]]
    assert len(notes) == 1 and notes[0]["total"] == -voided["total"]
    numbers = sorted(i["number"] for i in listed if i["number"])
    assert numbers == [f"{n[:4]}-{k:06d}" for k, n in enumerate(numbers, start=1)]
    page = await client.get("/billing/invoices", headers=admin)
    assert page.status_code == 200
    assert paid["client_name"] in page.text
    # One finished batch of September: the first clients skipped as already invoiced.
    assert counts["billing_batches"] == 1
    batches = (await client.get("/api/billing/batches", headers=admin)).json()["data"]
    assert len(batches) == 1
    batch = batches[0]
    assert batch["month"] == "2026-09" and batch["status"] == "done"
    assert batch["processed"] == batch["total"] > 0 and batch["skipped_count"] > 0
    detail = (await client.get(f"/api/billing/batches/{batch['id']}", headers=admin)).json()
    assert "already_invoiced" in {s["reason"] for s in detail["data"]["skipped"]}
    shown = await client.get(f"/billing/batches/{batch['id']}", headers=admin)
    assert shown.status_code == 200 and "every 2s" not in shown.text
