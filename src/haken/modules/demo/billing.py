"""Demo data of billing: for the first clients, a bill rate on each contract (its agreed
fee, 15-minute rounding per day), a monthly transport item, and the invoices of the two
closed months, issued — one of them paid in full and one voided with its credit note — so
that /billing/invoices shows every state; then one finished batch of the oldest closed month
(/billing/batches): drafts for the next clients, the first ones skipped as already invoiced.
Through the billing service, like the office."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor.invoicing import MinuteRounding
from haken.modules.assignments.schemas import ContractFilter
from haken.modules.assignments.service import assignments_service
from haken.modules.billing import tasks  # noqa: F401 (registers the batch job a start queues)
from haken.modules.billing.batches import batch_service
from haken.modules.billing.errors import BillingNothingToBillError, BillingPeriodsOpenError
from haken.modules.billing.schemas import (
    BatchCreate,
    BillRateCreate,
    FixedItemCreate,
    FixedKind,
    InvoiceDraftCreate,
    InvoiceIssue,
    InvoiceVoid,
    PaymentCreate,
)
from haken.modules.billing.service import billing_service
from haken.modules.clients.service import clients_service
from haken.modules.demo.attendance import periods
from haken.platform.access import Principal, Role
from haken.platform.pagination import PageRequest

CLIENTS = 3
BATCH_CLIENTS = 6
"""The clients of the demo batch: the invoiced ones and three more (with bill rates)."""
DEMO_REGISTRATION = "T7000012050002"
"""Used only when HAKEN_BILLING_REGISTRATION_NUMBER is not set (demo invoices need one)."""


async def seed_billing(session: AsyncSession, *, today: dt.date, user_id: int) -> dict[str, int]:
    office = Principal(user_id=user_id, role=Role.SUPER_ADMIN, email="demo@haken.example")
    if billing_service.registration_number is None:
        billing_service.registration_number = DEMO_REGISTRATION
    sites = await clients_service.get_site_choices(session, office)
    batch_clients = list(dict.fromkeys(s.client_id for s in sites))[:BATCH_CLIENTS]
    client_ids = batch_clients[:CLIENTS]
    closed = periods(today, 0)[:2]  # the demo's billing cut-off is the month end
    invoices = []
    for client_id in batch_clients:
        contracts = await assignments_service.list_contracts(
            session,
            office,
            filters=ContractFilter(client_id=client_id),
            request=PageRequest(limit=200),
        )
        for contract in contracts.items:
            await billing_service.create_rate(
                session,
                office,
                data=BillRateCreate(
                    contract_id=contract.id,
                    effective_from=contract.period_start,
                    base_rate=contract.default_hourly_bill or Decimal("1800"),
                    rounding_unit=15,
                    rounding_mode=MinuteRounding.DOWN,
                ),
            )
        if contracts.items:
            first = contracts.items[0]
            await billing_service.create_fixed_item(
                session,
                office,
                data=FixedItemCreate(
                    contract_id=first.id,
                    kind=FixedKind.TRANSPORT,
                    label="交通費（月額）",
                    amount=12000,
                    effective_from=first.period_start,
                ),
            )
        for period in closed if client_id in client_ids else ():
            try:
                draft = await billing_service.create_draft(
                    session,
                    office,
                    data=InvoiceDraftCreate(
                        client_id=client_id, month=f"{period.end:%Y-%m}", cutoff_day=0
                    ),
                )
            except BillingNothingToBillError:
                continue
            issue_date = period.end + dt.timedelta(days=1)
            invoices.append(
                await billing_service.issue(
                    session,
                    office,
                    invoice_id=draft.id,
                    data=InvoiceIssue(version=draft.version, issue_date=issue_date),
                )
            )
    if invoices:
        paid = invoices[0]
        await billing_service.record_payment(
            session,
            office,
            invoice_id=paid.id,
            data=PaymentCreate(
                version=paid.version,
                amount=paid.total,
                received_on=paid.period_end + dt.timedelta(days=30),
                note="振込",
            ),
        )
    if len(invoices) > 1:
        voided = invoices[-1]
        await billing_service.void(
            session,
            office,
            invoice_id=voided.id,
            data=InvoiceVoid(
                version=voided.version,
                reason="請求単価の訂正",
                issue_date=today,
                reissue=True,
            ),
        )
    batches = await _batch(session, office, batch_clients, f"{closed[0].end:%Y-%m}")
    return {"invoices": len(invoices), "billing_batches": batches}


async def _batch(
    session: AsyncSession, office: Principal, client_ids: list[int], month: str
) -> int:
    """One finished batch of ``month``; the clients of a contract whose billing period the
    attendance demo reopened are left out (the batch would be refused)."""
    wanted = list(client_ids)
    for _ in range(2):
        try:
            await batch_service.run_inline(
                session, office, data=BatchCreate(month=month, client_ids=wanted)
            )
            return 1
        except BillingPeriodsOpenError as error:
            refused = {int(d["contract_id"]) for d in error.details or []}
            owners = await _owners(session, office, wanted, refused)
            wanted = [c for c in wanted if c not in owners]
            if not wanted:
                return 0
    return 0


async def _owners(
    session: AsyncSession, office: Principal, client_ids: list[int], contract_ids: set[int]
) -> set[int]:
    owners = set()
    for client_id in client_ids:
        contracts = await assignments_service.list_contracts(
            session, office, filters=ContractFilter(client_id=client_id),
            request=PageRequest(limit=200),
        )  # fmt: skip
        if any(c.id in contract_ids for c in contracts.items):
            owners.add(client_id)
    return owners
