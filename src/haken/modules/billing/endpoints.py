"""HTTP API of billing: /api/billing/…

Invoices: coordinators those of the clients they are in charge of (others: 404), admins all;
site managers and employees none (403). Writes (each audited): draft, issue, void (credit
note; optional reissue), record a payment. Setup (admins): bill rates, fixed monthly items,
a client's layout, coordinator in charge, closing day and tax rounding. A month's invoices
as a background job (admins): ``/batches``. Documents: the PDF of one invoice and the CSV of
issued invoices (docs/billing.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from haken.modules.billing.auth import (
    BatchesRead,
    BatchesWrite,
    BillingSetup,
    InvoicesExport,
    InvoicesRead,
    InvoicesWrite,
    MarginRateRead,
    MarginsRead,
)
from haken.modules.billing.batches import batch_service
from haken.modules.billing.schemas import (
    BatchCreate,
    BatchDetail,
    BatchRead,
    BillRateCreate,
    BillRateRead,
    ClientSettingsRead,
    ClientSettingsUpdate,
    FixedItemCreate,
    FixedItemRead,
    InvoiceDetail,
    InvoiceDraftCreate,
    InvoiceFilter,
    InvoiceIssue,
    InvoiceRead,
    InvoiceVoid,
    MarginFilter,
    MarginRateFilter,
    MarginRateReport,
    MarginReport,
    PaymentCreate,
)
from haken.modules.billing.service import billing_service
from haken.platform.deps import SessionDep
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import admin_limit, default_limit, expensive_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

router = APIRouter(prefix="/api/billing", tags=["billing"])
NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


@router.get(
    "/invoices",
    response_model=PageEnvelope[InvoiceRead],
    dependencies=[Depends(default_limit)],
)
async def list_invoices(
    principal: InvoicesRead,
    session: SessionDep,
    filters: Annotated[InvoiceFilter, Query()],
    paging: PageQuery,
) -> Any:
    """Invoices and credit notes the caller may read, latest period first."""
    found = await billing_service.list_invoices(session, principal, filters=filters, request=paging)
    return page(found.items, found.pagination(paging.limit))


@router.post(
    "/invoices",
    response_model=Envelope[InvoiceDetail],
    status_code=201,
    dependencies=[Depends(default_limit)],
)
async def create_draft(
    data: InvoiceDraftCreate, principal: InvoicesWrite, session: SessionDep
) -> Any:
    """A draft invoice of one client and billing cut-off from the period's approved work."""
    return ok(await billing_service.create_draft(session, principal, data=data))


@router.get(
    "/invoices/export.csv",
    response_class=Response,
    response_model=None,
    dependencies=[Depends(expensive_limit)],
)
async def export_invoices(
    principal: InvoicesExport,
    session: SessionDep,
    first: Annotated[dt.date, Query(alias="from")],
    last: Annotated[dt.date, Query(alias="to")],
) -> Response:
    """Issued invoices and credit notes by issue date, for accounting software (audited)."""
    text = await billing_service.export_csv(session, principal, first=first, last=last)
    return Response(
        content=text.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={
            **NO_STORE,
            "Content-Disposition": f'attachment; filename="invoices-{first}-{last}.csv"',
        },
    )


@router.get(
    "/invoices/{invoice_id:int}",
    response_model=Envelope[InvoiceDetail],
    dependencies=[Depends(default_limit)],
)
async def get_invoice(invoice_id: int, principal: InvoicesRead, session: SessionDep) -> Any:
    """One invoice with its lines and payments."""
    return ok(await billing_service.get_invoice(session, principal, invoice_id=invoice_id))


@router.get(
    "/invoices/{invoice_id:int}/pdf",
    response_class=Response,
    response_model=None,
    dependencies=[Depends(default_limit)],
)
async def invoice_pdf(invoice_id: int, principal: InvoicesRead, session: SessionDep) -> Response:
    """The invoice as a PDF in the client's layout."""
    content = await billing_service.pdf(session, principal, invoice_id=invoice_id)
    return Response(
        content=content,
        media_type="application/pdf",
        headers={**NO_STORE, "Content-Disposition": f'inline; filename="invoice-{invoice_id}.pdf"'},
    )


@router.post(
    "/invoices/{invoice_id:int}/issue",
    response_model=Envelope[InvoiceDetail],
    dependencies=[Depends(default_limit)],
)
async def issue_invoice(
    invoice_id: int, data: InvoiceIssue, principal: InvoicesWrite, session: SessionDep
) -> Any:
    """Issue a draft: the next number of the year, the agency's registration number."""
    return ok(await billing_service.issue(session, principal, invoice_id=invoice_id, data=data))


@router.post(
    "/invoices/{invoice_id:int}/void",
    response_model=Envelope[InvoiceDetail],
    dependencies=[Depends(default_limit)],
)
async def void_invoice(
    invoice_id: int, data: InvoiceVoid, principal: InvoicesWrite, session: SessionDep
) -> Any:
    """Void a draft, or an issued invoice with a credit note; ``reissue``: a new draft."""
    return ok(await billing_service.void(session, principal, invoice_id=invoice_id, data=data))


@router.post(
    "/invoices/{invoice_id:int}/payments",
    response_model=Envelope[InvoiceDetail],
    dependencies=[Depends(default_limit)],
)
async def record_payment(
    invoice_id: int, data: PaymentCreate, principal: InvoicesWrite, session: SessionDep
) -> Any:
    """Record a received amount (partial payments add up; the full amount marks it paid)."""
    return ok(
        await billing_service.record_payment(session, principal, invoice_id=invoice_id, data=data)
    )


@router.get(
    "/rates",
    response_model=Envelope[list[BillRateRead]],
    dependencies=[Depends(default_limit)],
    # The contract is named in the query, not the path, so the walk cannot imply the 404.
    responses={404: {"description": "NOT_FOUND: no such contract"}},
)
async def list_rates(
    principal: BillingSetup,
    session: SessionDep,
    contract_id: Annotated[int, Query(ge=1)],
) -> Any:
    """A contract's bill-rate history (contract-wide and per assignment), newest first."""
    return ok(await billing_service.list_rates(session, principal, contract_id=contract_id))


@router.post(
    "/rates",
    response_model=Envelope[BillRateRead],
    status_code=201,
    dependencies=[Depends(admin_limit)],
)
async def create_rate(data: BillRateCreate, principal: BillingSetup, session: SessionDep) -> Any:
    """A bill rate from a date on (append-only)."""
    return ok(await billing_service.create_rate(session, principal, data=data))


@router.post(
    "/fixed-items",
    response_model=Envelope[FixedItemRead],
    status_code=201,
    dependencies=[Depends(admin_limit)],
)
async def create_fixed_item(
    data: FixedItemCreate, principal: BillingSetup, session: SessionDep
) -> Any:
    """A monthly fee, transport or discount of a contract."""
    return ok(await billing_service.create_fixed_item(session, principal, data=data))


@router.put(
    "/clients/{client_id:int}/settings",
    response_model=Envelope[ClientSettingsRead],
    dependencies=[Depends(admin_limit)],
)
async def put_client_settings(
    client_id: int, data: ClientSettingsUpdate, principal: BillingSetup, session: SessionDep
) -> Any:
    """The client's invoice layout, coordinator in charge, closing day and tax rounding.

    A changed closing day regroups the attendance billing periods of the contracts following
    the client in the same transaction, from the day after their last invoiced or closed
    billing period (``cutoff_from``; issued invoices are never touched); 409
    ``BILLING_CUTOFF_DRAFT_OPEN`` / ``BILLING_CUTOFF_INVOICED`` when an open invoice is in the
    way (docs/billing.md)."""
    return ok(
        await billing_service.put_client_settings(
            session, principal, client_id=client_id, data=data
        )
    )


@router.get(
    "/margins",
    response_model=Envelope[MarginReport],
    dependencies=[Depends(default_limit)],
)
async def margins(
    principal: MarginsRead, session: SessionDep, filters: Annotated[MarginFilter, Query()]
) -> Any:
    """Billing − labour cost of the months per client; ``client_id`` → its sites,
    ``site_id`` → its contracts, ``contract_id`` → its workers."""
    return ok(await billing_service.margins(session, principal, filters=filters))


@router.get(
    "/margin-rate",
    response_model=Envelope[MarginRateReport],
    dependencies=[Depends(default_limit)],
)
async def margin_rate(
    principal: MarginRateRead,
    session: SessionDep,
    filters: Annotated[MarginRateFilter, Query()],
) -> Any:
    """The agency's マージン率 for the months (disclosure and annual report)."""
    return ok(await billing_service.margin_rate(session, principal, filters=filters))


@router.get(
    "/batches", response_model=PageEnvelope[BatchRead], dependencies=[Depends(default_limit)]
)
async def list_batches(principal: BatchesRead, session: SessionDep, paging: PageQuery) -> Any:
    """The months' invoicing batches with their progress, newest first."""
    found = await batch_service.list_batches(session, principal, request=paging)
    return page(found.items, found.pagination(paging.limit))


@router.post(
    "/batches",
    response_model=Envelope[BatchRead],
    status_code=202,
    dependencies=[Depends(admin_limit)],
)
async def start_batch(data: BatchCreate, principal: BatchesWrite, session: SessionDep) -> Any:
    """Draft the month's invoices of every client (or those given) as a background job; the
    same month and clients while a batch runs resume it. BILLING_PERIODS_OPEN: a billing
    period of the month still counts unclosed work (the contracts are named)."""
    return ok(await batch_service.start_batch(session, principal, data=data))


@router.get(
    "/batches/{batch_id:int}",
    response_model=Envelope[BatchDetail],
    dependencies=[Depends(default_limit)],
)
async def get_batch(principal: BatchesRead, session: SessionDep, batch_id: int) -> Any:
    """One batch: progress, invoices drafted, the clients skipped with the reason."""
    return ok(await batch_service.get_batch(session, principal, batch_id=batch_id))
