"""Invoicing a month as a job (issue 18): refused until the billing periods are closed (the
contracts named), progress and skips recorded, idempotent and resumable, batches of
clients; the client's closing day and tax rounding on the invoice (hand-worked)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from haken.modules.billing.batches import batch_service
from haken.modules.billing.models import BillingBatch, Invoice
from haken.modules.billing.schemas import BatchCreate
from haken.platform.access import Principal, Role
from haken.platform.db import session_scope
from tests.integration.attendance.factories import placement
from tests.integration.billing.factories import billed_client, draft, registered
from tests.waiting import poll


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


async def close_billing(
    http: httpx.AsyncClient, headers: dict[str, str], contract_id: int, day: str = "2026-04-15"
) -> None:
    done = await http.post(
        "/api/attendance/periods/close",
        headers=headers,
        json={"kind": "billing", "day": day, "contract_id": contract_id},
    )
    assert done.status_code in (200, 201), done.text


async def start(http: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await http.post(
        "/api/billing/batches", headers=headers, json={"month": "2026-04", **body}
    )


async def finished(
    http: httpx.AsyncClient, headers: dict[str, str], batch_id: int
) -> dict[str, Any]:
    answer = await poll(
        lambda: http.get(f"/api/billing/batches/{batch_id}", headers=headers),
        lambda got: got.json()["data"]["status"] == "done",
        f"billing batch {batch_id}",
    )
    return dict(answer.json()["data"])


async def _invoices(app: Any) -> list[Invoice]:
    async with session_scope(app.state.database) as session:
        return list((await session.scalars(select(Invoice).order_by(Invoice.id))).all())


async def test_a_month_with_open_billing_periods_is_refused_naming_the_contracts(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    refused = await start(client, admin)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "BILLING_PERIODS_OPEN"
    number = placed["contract"]["contract_number"]
    assert number in error["message"]
    assert error["details"][0]["contract_id"] == placed["contract"]["id"]
    async with session_scope(app.state.database) as session:
        assert await session.scalar(select(func.count()).select_from(BillingBatch)) == 0
    assert await _invoices(app) == []


async def test_a_month_is_drafted_once_with_progress_and_skips(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    billed = await billed_client(client, admin)
    await close_billing(client, admin, billed["contract"]["id"])
    # A second client whose contract runs in April but with no approved work and no rate.
    idle = await placement(client, admin)
    started = await start(client, admin)
    assert started.status_code == 202, started.text
    done = await finished(client, admin, started.json()["data"]["id"])
    assert (done["total"], done["processed"], done["drafted"]) == (2, 2, 1)
    assert done["lines"] == 6  # three time bands, transport, discount, fee
    assert [(s["client_id"], s["reason"]) for s in done["skipped"]] == [
        (idle["client_id"], "nothing_to_bill")
    ]
    assert done["skipped"][0]["client_name"]
    invoices = await _invoices(app)
    assert [(i.client_id, i.state, i.total) for i in invoices] == [
        (billed["client_id"], "draft", 48742 + 4750 + 98)  # test_invoices' hand-computed case
    ]
    # Running the month again never drafts a client twice: it is skipped as invoiced.
    again = await start(client, admin)
    assert again.status_code == 202, again.text
    second = await finished(client, admin, again.json()["data"]["id"])
    assert second["id"] != done["id"]
    assert second["drafted"] == 0
    reasons = {s["client_id"]: s["reason"] for s in second["skipped"]}
    assert reasons == {
        billed["client_id"]: "already_invoiced",
        idle["client_id"]: "nothing_to_bill",
    }
    assert len(await _invoices(app)) == 1
    listed = await client.get("/api/billing/batches", headers=admin)
    assert [b["id"] for b in listed.json()["data"]] == [second["id"], done["id"]]
    assert listed.json()["data"][0]["skipped_count"] == 2


async def test_a_client_filter_and_batches_of_one_client_resume_from_the_cursor(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, monkeypatch: Any
) -> None:
    admin = await auth_headers("admin")
    first = await billed_client(client, admin)
    second = await billed_client(client, admin)
    other = await billed_client(client, admin)
    for placed in (first, second, other):
        await close_billing(client, admin, placed["contract"]["id"])
    monkeypatch.setattr(batch_service, "batch_size", 1)
    wanted = [second["client_id"], first["client_id"]]
    principal = Principal(user_id=1, role=Role.ADMIN, email="admin@example.com")
    async with session_scope(app.state.database, write=True) as session:
        started = await batch_service.start_batch(
            session, principal, data=BatchCreate(month="2026-04", client_ids=wanted)
        )
        assert started.total == 2
        # The first batch of one client runs; the "worker" stops there.
        await batch_service.run_batch(session, batch_id=started.id, attempt=1, cursor=0)
        # A stale job (an older cursor) does nothing.
        stale = await batch_service.run_batch(session, batch_id=started.id, attempt=1, cursor=0)
        assert stale == {"skipped": True}
        row = await session.get(BillingBatch, started.id)
        assert row is not None and (row.cursor, row.drafted, row.status) == (1, 1, "running")
        # Starting the same month and clients resumes the batch (a new attempt) from there.
        resumed = await batch_service.run_inline(
            session, principal, data=BatchCreate(month="2026-04", client_ids=wanted)
        )
    assert resumed.id == started.id
    assert (resumed.status, resumed.processed, resumed.drafted, resumed.attempt) == (
        "done", 2, 2, 2,
    )  # fmt: skip
    assert sorted(i.client_id for i in await _invoices(app)) == sorted(wanted)


async def test_only_admins_start_and_read_batches(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    assert (await start(client, coordinator)).status_code == 403
    assert (await client.get("/api/billing/batches", headers=coordinator)).status_code == 403
    admin = await auth_headers("admin")
    assert (await client.get("/api/billing/batches/999999", headers=admin)).status_code == 404


# --- the client's closing day and tax rounding -------------------------------------------


async def _settings(
    http: httpx.AsyncClient, headers: dict[str, str], client_id: int, **values: Any
) -> dict[str, Any]:
    saved = await http.put(
        f"/api/billing/clients/{client_id}/settings",
        headers=headers,
        json={"layout": "by_worker", **values},
    )
    assert saved.status_code == 200, saved.text
    data: dict[str, Any] = saved.json()["data"]
    return data


async def test_the_clients_tax_rounding_is_the_invoices(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Tax once per invoice per rate (JP_DISPATCH: 適格請求書), rounded the client's way:
    10 %: 47,508 × 10 % = 4,750.8 → 4,751 (四捨五入; the agency's 切り捨て gives 4,750);
    8 %: 1,234 × 8 % = 98.72 → 99 (切り捨て 98)."""
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    saved = await _settings(client, admin, placed["client_id"], tax_rounding="half_up")
    assert (saved["cutoff_day"], saved["tax_rounding"]) == (0, "half_up")
    made = await draft(client, admin, placed["client_id"])
    assert made.status_code == 201, made.text
    invoice = made.json()["data"]
    assert invoice["tax_rounding"] == "half_up"
    assert (invoice["taxable_10"], invoice["tax_10"]) == (47508, 4751)
    assert (invoice["taxable_8"], invoice["tax_8"]) == (1234, 99)
    assert invoice["total"] == 48742 + 4751 + 99


async def test_the_clients_closing_day_groups_contracts_without_their_own(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Client closing day 20: the contract with no cut-off of its own (0) is invoiced in the
    period 21 March – 20 April, and no longer under 末日."""
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    await _settings(client, admin, placed["client_id"], cutoff_day=20, tax_rounding="up")
    month_end = await draft(client, admin, placed["client_id"])
    assert month_end.status_code == 422, month_end.text  # nothing under 末日 any more
    twentieth = await client.post(
        "/api/billing/invoices",
        headers=admin,
        json={"client_id": placed["client_id"], "month": "2026-04", "cutoff_day": 20},
    )
    assert twentieth.status_code == 201, twentieth.text
    invoice = twentieth.json()["data"]
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-03-21", "2026-04-20")
    assert invoice["cutoff_day"] == 20
    # 4,750.8 and 98.72 rounded up.
    assert (invoice["tax_10"], invoice["tax_8"], invoice["tax_rounding"]) == (4751, 99, "up")


async def test_a_contracts_own_cutoff_wins_over_the_clients(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin, contract_fields={"billing_cutoff_day": 15})
    await _settings(client, admin, placed["client_id"], cutoff_day=20)
    response = await client.post(
        "/api/billing/invoices",
        headers=admin,
        json={"client_id": placed["client_id"], "month": "2026-04", "cutoff_day": 15},
    )
    assert response.status_code == 201, response.text
    invoice = response.json()["data"]
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-03-16", "2026-04-15")


async def test_a_bad_closing_day_or_rounding_is_refused(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    for body in ({"cutoff_day": 29}, {"cutoff_day": -1}, {"tax_rounding": "banker"}):
        refused = await client.put(
            f"/api/billing/clients/{placed['client_id']}/settings",
            headers=admin,
            json={"layout": "by_worker", **body},
        )
        assert refused.status_code == 422, (body, refused.text)
