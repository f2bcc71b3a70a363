"""Web pages of billing: the period's invoices with their state, one invoice, and its
actions — issue and void through a confirmation step, record a payment — and the PDF.

Same access names and services as the API (``billing/auth.py``): coordinators see the
invoices of the clients they are in charge of, admins all, site managers none.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.billing.auth import InvoicesRead, InvoicesWrite
from haken.modules.billing.schemas import (
    InvoiceFilter,
    InvoiceIssue,
    InvoiceState,
    InvoiceVoid,
    PaymentCreate,
)
from haken.modules.billing.service import billing_service
from haken.platform.access import Principal, Role
from haken.platform.deps import SessionDep
from haken.platform.pagination import PageRequest
from haken.platform.ratelimit import default_limit
from haken.platform.types import YEAR_MONTH_PATTERN
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormRejected, FormState, parse_form, save_form
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, registry
from haken.web.render import confirmation, flash, redirect, render

router = APIRouter(prefix="/billing", include_in_schema=False)
MonthQuery = Annotated[str | None, Query(pattern=YEAR_MONTH_PATTERN)]
STATE_LABELS = {
    "draft": N_("Draft"),
    "issued": N_("Issued"),
    "paid": N_("Paid"),
    "void": N_("Void"),
}


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


@router.get("/invoices", dependencies=[Depends(default_limit)])
async def invoices(
    request: Request,
    principal: InvoicesRead,
    session: SessionDep,
    month: MonthQuery = None,
    state: Annotated[InvoiceState | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Any:
    """The invoices of a month (by the period's cut-off) with their state."""
    filters = InvoiceFilter(month=month, state=state)
    found = await billing_service.list_invoices(
        session, principal, filters=filters, request=PageRequest(limit=50, cursor=cursor)
    )
    return render(
        request,
        "billing/list.html",
        {
            "invoices": found.items,
            "next_cursor": found.next_cursor,
            "month": month or "",
            "state": state.value if state else "",
            "states": STATE_LABELS,
        },
        block="results",
    )


async def _detail_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    invoice_id: int,
    payment: FormState[Any] | None = None,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Any:
    invoice = await billing_service.get_invoice(session, principal, invoice_id=invoice_id)
    form = payment or FormState(values={"received_on": _today(request).isoformat()})
    return render(
        request,
        "billing/detail.html",
        {
            "invoice": invoice,
            "states": STATE_LABELS,
            "payment": form,
            "problems": problems or [],
            "can_write": principal.is_at_least(Role.COORDINATOR),
        },
        status_code=status_code,
    )


@router.get("/invoices/{invoice_id:int}", dependencies=[Depends(default_limit)])
async def invoice(
    request: Request, invoice_id: int, principal: InvoicesRead, session: SessionDep
) -> Any:
    return await _detail_page(request, session, principal, invoice_id)


@router.get("/invoices/{invoice_id:int}/pdf", dependencies=[Depends(default_limit)])
async def invoice_pdf(
    request: Request, invoice_id: int, principal: InvoicesRead, session: SessionDep
) -> Response:
    content = await billing_service.pdf(session, principal, invoice_id=invoice_id)
    return Response(
        content=content,
        media_type="application/pdf",
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'attachment; filename="invoice-{invoice_id}.pdf"',
        },
    )


@router.get("/invoices/{invoice_id:int}/issue", dependencies=[Depends(default_limit)])
async def confirm_issue(
    request: Request, invoice_id: int, principal: InvoicesRead, session: SessionDep
) -> Any:
    """The confirmation step of issuing: an issued invoice is never edited again."""
    found = await billing_service.get_invoice(session, principal, invoice_id=invoice_id)
    today = _today(request)
    return confirmation(
        request,
        title=gettext_("Issue the invoice to %(client)s", client=found.client_name),
        question=gettext_(
            "The invoice gets the next number and today's date (%(date)s).", date=today
        ),
        consequences=[
            gettext_("An issued invoice cannot be edited: correct it by voiding and reissuing.")
        ],
        action=f"/billing/invoices/{invoice_id}/issue",
        button=gettext_("Issue"),
        cancel=f"/billing/invoices/{invoice_id}",
        hidden=[("version", str(found.version)), ("issue_date", today.isoformat())],
    )


@router.post("/invoices/{invoice_id:int}/issue", dependencies=[Depends(default_limit)])
async def issue(
    request: Request,
    invoice_id: int,
    principal: InvoicesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(InvoiceIssue, await request.form())
    saved = await save_form(
        state,
        lambda data: billing_service.issue(session, principal, invoice_id=invoice_id, data=data),
    )
    if saved is None:
        problems = [*state.general, *state.errors.values()]
        raise FormRejected(
            await _detail_page(
                request, session, principal, invoice_id, status_code=409, problems=problems
            )
        )
    flash(request, "success", gettext_("Invoice %(number)s was issued.", number=saved.number))
    return redirect(request, f"/billing/invoices/{invoice_id}")


async def _void_form(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    invoice_id: int,
    state: FormState[Any],
    status_code: int = 200,
) -> Any:
    found = await billing_service.get_invoice(session, principal, invoice_id=invoice_id)
    return render(
        request,
        "billing/void.html",
        {"invoice": found, "form": state},
        status_code=status_code,
    )


@router.get("/invoices/{invoice_id:int}/void", dependencies=[Depends(default_limit)])
async def confirm_void(
    request: Request, invoice_id: int, principal: InvoicesRead, session: SessionDep
) -> Any:
    """The confirmation step of voiding, with the reason (an issued one gets a credit note)."""
    found = await billing_service.get_invoice(session, principal, invoice_id=invoice_id)
    state: FormState[Any] = FormState(
        values={"version": str(found.version), "issue_date": _today(request).isoformat()}
    )
    return await _void_form(request, session, principal, invoice_id, state)


@router.post("/invoices/{invoice_id:int}/void", dependencies=[Depends(default_limit)])
async def void(
    request: Request,
    invoice_id: int,
    principal: InvoicesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(InvoiceVoid, await request.form())
    saved = await save_form(
        state,
        lambda data: billing_service.void(session, principal, invoice_id=invoice_id, data=data),
    )
    if saved is None:
        raise FormRejected(
            await _void_form(request, session, principal, invoice_id, state, status_code=422)
        )
    flash(request, "success", gettext_("The invoice was voided."))
    return redirect(request, f"/billing/invoices/{invoice_id}")


@router.post("/invoices/{invoice_id:int}/payments", dependencies=[Depends(default_limit)])
async def record_payment(
    request: Request,
    invoice_id: int,
    principal: InvoicesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(PaymentCreate, await request.form())
    saved = await save_form(
        state,
        lambda data: billing_service.record_payment(
            session, principal, invoice_id=invoice_id, data=data
        ),
    )
    if saved is None:
        raise FormRejected(
            await _detail_page(request, session, principal, invoice_id, state, status_code=422)
        )
    flash(request, "success", gettext_("The payment was recorded."))
    return redirect(request, f"/billing/invoices/{invoice_id}")


def register_web() -> None:
    registry.add_nav(
        NavItem("billing", N_("Invoices"), "/billing/invoices", minimum=Role.COORDINATOR, order=65)
    )
