"""One open invoice per client and billing period, held by a database key (issue 18): the
partial unique index ``uq_billing_invoices_open`` refuses a second draft of the same client
and period written around the service's check, a voided invoice or a credit note does not
count, and two concurrent batches with overlapping clients draft the shared client once:
the second names it "already invoiced" and writes nothing of it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from haken.modules.billing.models import Invoice, InvoiceLine
from haken.modules.billing.repository import BillingRepository
from haken.modules.billing.service import DraftBatch, billing_service
from haken.platform.access import Principal, Role
from haken.platform.db import session_scope
from tests.integration.billing.factories import billed_client, draft, registered

LOCK_WAIT_SECONDS = 60.0


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


async def _office(app: Any) -> Principal:
    async with session_scope(app.state.database) as session:
        user_id = await session.scalar(text("SELECT min(id) FROM users WHERE role = 'admin'"))
    return Principal(user_id=int(user_id), role=Role.ADMIN, email="admin@haken.example")


async def _counts(app: Any, client_id: int) -> tuple[int, int]:
    """The client's invoices not voided (credit notes aside) and their lines (every line
    of such an invoice, so a line written without its draft would show here too)."""
    async with session_scope(app.state.database) as session:
        invoices = await session.scalar(
            select(func.count()).where(
                Invoice.client_id == client_id,
                Invoice.kind == "invoice",
                Invoice.state != "void",
            )
        )
        lines = await session.scalar(
            select(func.count())
            .select_from(InvoiceLine)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(
                Invoice.client_id == client_id,
                Invoice.kind == "invoice",
                Invoice.state != "void",
            )
        )
    return int(invoices or 0), int(lines or 0)


def _copy(row: Invoice) -> Invoice:
    """A second draft of the same client and period (what a racing batch would write)."""
    return Invoice(
        kind="invoice",
        client_id=row.client_id,
        client_name=row.client_name,
        cutoff_day=row.cutoff_day,
        period_start=row.period_start,
        period_end=row.period_end,
        state="draft",
        layout=row.layout,
        tax_rounding=row.tax_rounding,
        subtotal=0,
        total=0,
    )


async def test_the_key_refuses_a_second_open_invoice_of_a_client_and_period(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    client_id = placed["client_id"]
    first = (await draft(client, admin, client_id)).json()["data"]
    assert await _counts(app, client_id) == (1, 6)
    # Written around the check: the bulk insert skips it (the key decides), nothing written.
    async with session_scope(app.state.database, write=True) as session:
        existing = await session.get(Invoice, first["id"])
        assert existing is not None
        assert await BillingRepository(session).insert_drafts([_copy(existing)]) == [None]
    assert await _counts(app, client_id) == (1, 6)
    # A plain INSERT of the same is refused by the database itself.
    async with session_scope(app.state.database, write=True) as session:
        existing = await session.get(Invoice, first["id"])
        assert existing is not None
        session.add(_copy(existing))
        with pytest.raises(IntegrityError):
            await session.flush()
        await session.rollback()
    assert await _counts(app, client_id) == (1, 6)
    # The key covers open invoices only: voided, the period can be drafted again.
    voided = await client.post(
        f"/api/billing/invoices/{first['id']}/void",
        headers=admin,
        json={"version": first["version"], "reason": "wrong month", "issue_date": "2026-05-10"},
    )
    assert voided.status_code == 200, voided.text
    again = await draft(client, admin, client_id)
    assert again.status_code == 201, again.text
    assert await _counts(app, client_id) == (1, 6)


async def _wait_for_a_lock_wait(app: Any) -> None:
    """PostgreSQL: until a backend of this database waits on a lock (the second batch's
    insert on the first one's uncommitted draft); bounded."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    probe = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while True:
        async with session_scope(app.state.database) as session:
            if int(await session.scalar(probe) or 0) > 0:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"no lock wait within {LOCK_WAIT_SECONDS:g} s")
        await asyncio.sleep(0.05)


async def test_two_concurrent_batches_draft_a_shared_client_once(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, backend: str
) -> None:
    """Batch A drafts client X and has not committed; batch B (X and Y) starts meanwhile.
    PostgreSQL: B's check cannot see A's draft, so B's insert meets the key, waits for A
    and, A committed, skips X: "already invoiced", none of X's lines written by B. SQLite:
    B's write transaction waits for A's at its start, and its check finds X. Either way X
    has one invoice with A's lines, and Y is drafted by B."""
    admin = await auth_headers("admin")
    shared = (await billed_client(client, admin))["client_id"]
    other = (await billed_client(client, admin))["client_id"]
    office = await _office(app)

    async def batch_b() -> DraftBatch:
        async with session_scope(app.state.database, write=True) as session:
            return await billing_service.create_drafts(
                session, office, client_ids=[shared, other], month="2026-04"
            )

    async with session_scope(app.state.database, write=True) as session:
        mine = await billing_service.create_drafts(
            session, office, client_ids=[shared], month="2026-04"
        )
        assert [i.client_id for i in mine.invoices] == [shared]
        racing = asyncio.create_task(batch_b())
        if backend == "postgres":
            await _wait_for_a_lock_wait(app)
            assert not racing.done()
        else:
            await asyncio.sleep(0)  # B queues for the write lock
    theirs = await racing
    assert theirs.existing == [shared]
    assert [i.client_id for i in theirs.invoices] == [other]
    assert theirs.lines == 6
    assert await _counts(app, shared) == (1, 6)
    assert await _counts(app, other) == (1, 6)
    async with session_scope(app.state.database) as session:
        kept = await session.scalar(
            select(Invoice.id).where(Invoice.client_id == shared, Invoice.kind == "invoice")
        )
    assert kept == mine.invoices[0].id


async def test_a_single_draft_that_loses_the_race_is_refused_not_an_error(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, backend: str
) -> None:
    """The one-client draft (``POST /api/billing/invoices``) behind a concurrent batch's
    uncommitted draft of the same client and period: 409 ``BILLING_INVOICE_EXISTS``
    (the key), not a 500, and nothing of it written."""
    admin = await auth_headers("admin")
    shared = (await billed_client(client, admin))["client_id"]
    office = await _office(app)
    async with session_scope(app.state.database, write=True) as session:
        await billing_service.create_drafts(session, office, client_ids=[shared], month="2026-04")
        racing = asyncio.create_task(draft(client, admin, shared))
        if backend == "postgres":
            await _wait_for_a_lock_wait(app)
            assert not racing.done()
        else:
            await asyncio.sleep(0)
    refused = await racing
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "BILLING_INVOICE_EXISTS"
    assert await _counts(app, shared) == (1, 6)
